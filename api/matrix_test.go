package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/internal/testenv"
	"github.com/caseflow/caseflow/safeguarding"
)

// endpoint is one route as a test calls it.
type endpoint struct {
	method, path string
	roles        []safeguarding.Role
	body         any
	perCase      bool
}

func endpoints(caseID string, now time.Time) []endpoint {
	all := safeguarding.Roles
	overseers := []safeguarding.Role{safeguarding.RoleManager, safeguarding.RoleSafeguardingLead}
	eps := []endpoint{
		{http.MethodPost, "/v1/cases", all, testenv.Concern(now, "sw-1", "north", "carer-1"), false},
		{http.MethodGet, "/v1/cases", all, nil, false},
		{http.MethodGet, "/v1/cases/" + caseID, all, nil, true},
		{http.MethodGet, "/v1/cases/" + caseID + "/timeline", all, nil, true},
		{http.MethodGet, "/v1/me/actions", all, nil, false},
		{http.MethodGet, "/v1/me/notifications", all, nil, false},
		{http.MethodGet, "/v1/overdue", overseers, nil, false},
		{http.MethodGet, "/v1/overdue/summary", overseers, nil, false},
		{http.MethodGet, "/v1/reference", all, nil, false},
	}
	bodies := sampleBodies(now)
	for _, step := range safeguarding.Steps() {
		if step.Name == safeguarding.StepRaiseConcern || step.Internal {
			continue
		}
		eps = append(eps, endpoint{http.MethodPost, "/v1/cases/" + caseID + "/" + step.Name, step.Roles, bodies[step.Name], true})
	}
	return eps
}

// TestEndpointRoleMatrix calls every endpoint as every role. A role an endpoint does not list is
// refused with 403; a listed role gets through; and for a case, a carer, social worker or
// fostering social worker not connected with the child gets 404, exactly as if the case did not
// exist, while managers and the Safeguarding Lead see every case.
func TestEndpointRoleMatrix(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now())
	connected := map[safeguarding.Role]string{
		safeguarding.RoleCarer: p.carer, safeguarding.RoleSocialWorker: p.sw, safeguarding.RoleFosteringSocialWorker: p.fsw,
		safeguarding.RoleSafeguardingLead: p.lead, safeguarding.RoleManager: p.manager,
	}
	strangers := map[safeguarding.Role]string{
		safeguarding.RoleCarer: p.otherCarer, safeguarding.RoleSocialWorker: p.otherSW, safeguarding.RoleFosteringSocialWorker: p.otherFSW,
	}
	// The closure and reopening steps change what later steps may do, so they go last.
	eps := endpoints(caseID, time.Now())
	slices.SortStableFunc(eps, func(a, b endpoint) int {
		return strings.Compare(boolKey(changesCase(a.path)), boolKey(changesCase(b.path)))
	})
	for _, ep := range eps {
		for _, role := range safeguarding.Roles {
			name := ep.method + " " + strings.Replace(ep.path, caseID, "{id}", 1) + " as " + string(role)
			allowed := slices.Contains(ep.roles, role)
			if ep.perCase {
				if stranger, ok := strangers[role]; ok && allowed {
					if got := env.Do(ep.method, ep.path, stranger, ep.body).Status; got != http.StatusNotFound {
						t.Errorf("%s not connected with the child: %d, want 404", name, got)
					}
				}
			}
			got := env.Do(ep.method, ep.path, connected[role], ep.body)
			switch {
			case !allowed && got.Status != http.StatusForbidden:
				t.Errorf("%s: %d, want 403", name, got.Status)
			case allowed && !permitted(got.Status):
				t.Errorf("%s: %d %s, want the request let through", name, got.Status, got.Body)
			}
		}
	}
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, "", nil).Status; got != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", got)
	}
	if got := env.Do(http.MethodGet, "/v1/cases/nosuchcaseaaaaaaaaaaaaaaa", p.manager, nil).Status; got != http.StatusNotFound {
		t.Errorf("a case that does not exist: %d, want 404", got)
	}
}

// permitted: the caller got past authorisation. 409 and 422 are the case's own answers to a
// step that does not fit it now (the matrix sends every step to one case).
func permitted(status int) bool {
	return status == http.StatusOK || status == http.StatusCreated || status == http.StatusConflict || status == http.StatusUnprocessableEntity
}

// changesCase: steps that close or merge the case change what later steps may do.
func changesCase(path string) bool {
	return strings.Contains(path, "/closure-") || strings.HasSuffix(path, "/reopen") || strings.HasSuffix(path, "/"+safeguarding.StepMergeInto)
}

func boolKey(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
