package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/caseflow/caseflow/safeguarding"
)

// Exclusion follows the person, not the case: an allegation on one case of a child excludes the
// accused from every case of the child. After a step that adds an exclusion or a link (an
// allegation, the Lead's household exclusion, two cases linked), the API carries every exclusion
// of the child's cases to those of them that lack it, as caseflow itself, by the linked-exclusion
// step, which a case takes only from a case linked to it. It asks the cases who they exclude
// (the exclusions query) and shows the answer to nobody.

// spreadsExclusions are the steps after which the child's cases may exclude different people.
var spreadsExclusions = []string{"allegation", safeguarding.StepHouseholdExclusion, safeguarding.StepLinkCase}

// maxChildCases bounds the cases of one child the spread walks: a child has one case, and a few
// more only when they were raised twice before anyone saw it.
const maxChildCases = 20

// errNotSpread is the answer when a step took effect but its exclusions could not yet be carried
// to every case of the child: sending the same request again finishes it.
var errNotSpread = &httpError{status: http.StatusServiceUnavailable,
	detail: "This was recorded, but could not yet be carried to the child's other cases. Send the same request again (with the same Idempotency-Key) to finish it."}

// spreadExclusions carries every exclusion of the cases linked with caseID, through their links,
// to each of them.
func (h *handlers) spreadExclusions(ctx context.Context, caseID, requestID string) error {
	known := map[string]safeguarding.CaseExclusions{}
	for queue := []string{caseID}; len(queue) > 0 && len(known) < maxChildCases; queue = queue[1:] {
		id := queue[0]
		if _, seen := known[id]; seen {
			continue
		}
		ex, err := h.cfg.Cases.Exclusions(ctx, id)
		switch {
		case safeguarding.CodeOf(err) == safeguarding.ENotFound:
		case err != nil:
			return err
		}
		known[id] = ex
		queue = append(queue, ex.Links...)
	}
	ids := make([]string, 0, len(known))
	for id := range known {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for changed := true; changed; {
		changed = false
		for _, id := range ids {
			for _, from := range known[id].Links {
				for _, e := range known[from].Excluded {
					if slices.ContainsFunc(known[id].Excluded, func(have safeguarding.Excluded) bool { return have.UserID == e.UserID }) {
						continue
					}
					body, _ := json.Marshal(safeguarding.LinkedExclusion{FromCase: from, AgainstUser: e.UserID, AgainstRole: e.Role})
					_, err := h.cfg.Cases.Step(ctx, id, safeguarding.StepLinkedExclusion, safeguarding.Caseflow, spreadRequestID(requestID, id, e.UserID), body)
					if err != nil && safeguarding.CodeOf(err) != safeguarding.EConflict {
						return err
					}
					ex := known[id]
					ex.Excluded = append(ex.Excluded, e)
					known[id] = ex
					changed = true
				}
			}
		}
	}
	return nil
}

// spreadRequestID is the update id of one exclusion carried to a case, the same on every retry of
// the request; it names nobody (update ids are not encrypted).
func spreadRequestID(requestID, caseID, user string) string {
	if requestID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("exclusion\x00" + requestID + "\x00" + caseID + "\x00" + user))
	return "x-" + hex.EncodeToString(sum[:16])
}
