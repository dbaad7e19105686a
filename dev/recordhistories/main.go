package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

func main() {
	out := flag.String("out", "workflows/testdata/histories", "directory for the history files")
	name := flag.String("name", "v1", "prefix of the file names")
	pol := flag.String("policy", "policy/testdata/short-clocks.yaml", "policy with a short clock, so chases fire while recording")
	keys := flag.String("keys", "workflows/testdata/keys.json", "key file of the recorded payloads (test keys, committed)")
	kinds := flag.String("workflows", "case,audit,contacts,digest", "what to record: case (the case workflow, into -out), audit, contacts, digest (into their packages' testdata/histories)")
	flag.Parse()
	if err := record(*out, *name, *pol, *keys, strings.Split(*kinds, ",")); err != nil {
		log.Fatal(err)
	}
}

// testKeys reads the test key file, making it on first use. It is test data, committed: the
// permission check of real key files does not apply.
func testKeys(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k, err := keyring.New()
		if err != nil {
			return "", err
		}
		if data, err = k.Marshal(); err != nil {
			return "", err
		}
		return string(data), os.WriteFile(path, data, 0o644)
	}
	return string(data), err
}

func record(out, name, policyFile, keysFile string, kinds []string) error {
	ctx := context.Background()
	p, err := retentionOfSeconds(policyFile)
	if err != nil {
		return err
	}
	keys, err := testKeys(keysFile)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "recordhistories")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := &config.Config{DataDir: dir, HTTPAddr: "127.0.0.1:0", TemporalAddress: "127.0.0.1:0", TemporalNamespace: "default", Auth: "dev", RateLimit: 1000, Policy: p,
		Security: config.Security{Keys: keys}}
	a, err := app.Start(ctx, cfg, app.Parts{Embedded: true, Worker: true}, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Stop(ctx)
	if err := recordOthers(ctx, a, kinds, name); err != nil {
		return err
	}
	if !slices.Contains(kinds, "case") {
		return nil
	}
	cases := caseclient.New(a.Temporal, caseclient.Options{Signer: a.Signer(), DataConverter: a.Converters().Data})

	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	sw := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	now := time.Now().UTC().Truncate(time.Second)
	ts := now.Format(time.RFC3339)
	concern := map[string]any{
		"observed_at": ts, "la": "E08000025", "team": "north", "social_worker": "sw-1",
		"child":              map[string]any{"name": "Recorded Child", "preferred_term": "survivor", "parental_responsibility": "none-in-uk", "date_of_birth": "2010-01-01"},
		"exploitation_types": []string{"criminal-exploitation", "trafficking"},
		"indicators":         []map[string]string{{"code": "multiple-phones"}}, "account": "Recorded account.",
	}
	steps := []struct {
		by   safeguarding.Actor
		name string
		body map[string]any
	}{
		{sw, "social-worker-informed", map[string]any{"informed_at": ts}},
		{sw, "nrm-referral", map[string]any{"submitted_at": ts, "reference": "NRM-R1", "first_responder": "local-authority"}},
		{carer, "care-plan-contribution", map[string]any{"text": "Recorded contribution."}},
		{sw, "csc-referral", map[string]any{"referred_at": ts, "significant_harm": true}},
		{sw, "strategy-meeting-held", map[string]any{"held_at": ts, "format": "phone", "outcome": "s47", "s47_enquiry": true,
			"actions": []map[string]any{{"title": "Visit school", "owner_role": "social_worker", "owner_user": "sw-1", "due": now.Add(72 * time.Hour).Format(time.RFC3339)}}}},
		{sw, "nrm-rg-decision", map[string]any{"decided_at": ts, "outcome": "positive"}},
		{sw, "care-plan-agreed", map[string]any{"agreed_at": ts, "summary": "Agreed."}},
		{sw, "missing-episode", map[string]any{"went_missing_at": ts, "returned_at": ts}},
		{sw, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Recorded."}},
		{manager, "closure-decline", map[string]any{"note": "Not yet."}},
	}

	// A full case: steps, chases that fire (the police report clock is seconds long), and one
	// refused step (validators leave no trace, but the history must still replay).
	full, err := raise(ctx, cases, carer, concern, "full")
	if err != nil {
		return err
	}
	for _, s := range steps {
		if _, err := step(ctx, cases, full, s.by, s.name, s.body); err != nil {
			return err
		}
	}
	if _, err := step(ctx, cases, full, sw, "nrm-cg-decision", map[string]any{"decided_at": "not a time"}); err == nil {
		return fmt.Errorf("a malformed step was accepted")
	}
	time.Sleep(10 * time.Second) // the police report escalates to the Safeguarding Lead

	// A case that continues as new after a few dozen events.
	short := "continued"
	id := workflows.CaseIDFor(carer.UserID, short)
	_, err = a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(id), TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: id, Reference: workflows.ReferenceFor(id), MaxHistory: 40})
	if err != nil {
		return err
	}
	if _, err := step(ctx, cases, id, carer, safeguarding.StepRaiseConcern, concern); err != nil {
		return err
	}
	for i := range 12 {
		if _, err := step(ctx, cases, id, carer, "care-plan-contribution", map[string]any{"text": fmt.Sprintf("note %d", i)}); err != nil {
			return err
		}
	}
	time.Sleep(2 * time.Second)

	all, err := everyStep(ctx, cases, concern, now)
	if err != nil {
		return err
	}
	time.Sleep(8 * time.Second) // the reopened obligations are chased

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	sealed, err := sealedCase(ctx, a, cases, concern)
	if err != nil {
		return err
	}
	for label, caseID := range map[string]string{"full": full, "continued": id, "allsteps": all, "sealed": sealed} {
		if err := writeRuns(ctx, a.Temporal, workflows.WorkflowID(caseID), filepath.Join(out, name+"-"+label)); err != nil {
			return err
		}
	}
	if err := writeRuns(ctx, a.Temporal, workflows.RecordChunkID(sealed, 0), filepath.Join(out, name+"-chunk")); err != nil {
		return err
	}
	return recordRetention(ctx, a, cases, concern, filepath.Join(out, name))
}

// everyStep takes a case through every step whose behaviour a release changed or added: a carer's
// placement confirmed, further concerns (one in immediate danger), reports and notifications naming what they answer, a
// missing episode and its clocks, allegations with their referrals and a manager's decision not
// to make one, exclusions from a linked case and from the household, a manager's extension, an
// agreed action done by its owner, a corrected date of birth, a referral with "no further action"
// challenged, the young person's views, a further concern referred again, the Safeguarding Lead's
// NRM decision, an assessment naming the action it answers, an age assessment and the confirmed
// move to adulthood, the steps of the seed duties (dutySteps), a legal hold on the open case and
// its lift, a resolved obligation, closure with every obligation resolved, a reopening that
// re-arms them, and another case of the child merged into it.
func everyStep(ctx context.Context, cases *caseclient.Client, concern map[string]any, now time.Time) (string, error) {
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	carer2 := safeguarding.Actor{UserID: "carer-2", Role: safeguarding.RoleCarer}
	sw := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	lead := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	ts := now.Format(time.RFC3339)
	later := now.Add(30 * 24 * time.Hour).Format(time.RFC3339)
	id, err := raise(ctx, cases, carer, concern, "allsteps")
	if err != nil {
		return "", err
	}
	take := func(by safeguarding.Actor, name string, body map[string]any) safeguarding.Result {
		if err != nil {
			return safeguarding.Result{}
		}
		var res safeguarding.Result
		if res, err = step(ctx, cases, id, by, name, body); err != nil {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return res
	}
	further := func(danger bool) map[string]any {
		return map[string]any{"observed_at": ts, "immediate_danger": danger, "exploitation_types": []string{"sexual-exploitation"},
			"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Recorded further concern."}
	}
	// Only staff add carers: the social worker confirms the placement and a manager adds the
	// household's other carer.
	take(sw, safeguarding.StepConfirmPlacement, map[string]any{"carer": "carer-1", "decision": safeguarding.PlacementConfirmed, "reason": "Recorded placement."})
	take(manager, "team", map[string]any{"add_carers": []string{"carer-2"}, "reason": "Placed with both."})
	danger := take(carer, "concern", further(true))
	take(carer2, "concern", further(false))
	take(sw, "police-report", map[string]any{"reported_at": ts, "channel": "101", "reference": "P-1"})
	take(carer, "police-report", map[string]any{"reported_at": ts, "channel": "999", "reference": "P-2", "concern_ids": []string{danger.Ref}})
	take(carer, "social-worker-informed", map[string]any{"informed_at": ts})
	episode := take(carer, "missing-episode", map[string]any{"went_missing_at": ts, "reported_to_police": false})
	take(carer, "police-report", map[string]any{"reported_at": ts, "channel": "101", "reference": "M-1", "episode_id": episode.Ref})
	take(carer, "safeguarding-lead-informed", map[string]any{"informed_at": ts, "episode_id": episode.Ref})
	take(carer, "missing-return", map[string]any{"episode_id": episode.Ref, "returned_at": ts})
	take(sw, "return-interview", map[string]any{"episode_id": episode.Ref, "held_at": ts, "outcome": "declined", "offered_by": "Return worker"})
	allegation := take(sw, "allegation", map[string]any{"received_at": ts, "against_user": "carer-2", "against_role": "carer",
		"summary": "Recorded allegation.", "urgent": true, "possible_offence": true})
	for _, referral := range []string{"lado-informed", "allegation-police-report", "dbs-referral"} {
		take(lead, referral, map[string]any{"allegation_id": allegation.Ref, "informed_at": ts, "reference": "R-1"})
	}
	// Every allegation opens the police and DBS referrals; a manager records why one is not made.
	second := take(lead, "allegation", map[string]any{"received_at": ts, "against_user": "staff-9", "against_role": "fostering_social_worker",
		"summary": "Recorded allegation of failing to act."})
	take(manager, "allegation-not-referred", map[string]any{"allegation_id": second.Ref, "referral": "dbs", "decided_at": ts, "reason": "Recorded decision."})
	// An exclusion carried from a linked case of the same child, and one the Lead extends from
	// another child of the household.
	other := workflows.CaseIDFor("carer-1", "linked")
	take(sw, safeguarding.StepLinkCase, map[string]any{"case_id": other, "reason": "Raised twice."})
	take(safeguarding.Caseflow, safeguarding.StepLinkedExclusion, map[string]any{"from_case": other, "against_user": "carer-3", "against_role": "carer"})
	take(lead, safeguarding.StepHouseholdExclusion, map[string]any{"against_user": "carer-4", "against_role": "carer", "reason": "Recorded household exclusion."})
	meeting := take(sw, "strategy-meeting-held", map[string]any{"held_at": ts, "format": "meeting", "outcome": "agreed",
		"actions": []map[string]any{{"title": "Diary", "owner_role": "carer", "owner_user": "carer-1", "due": later}}})
	if err == nil {
		// The agreed action, not the action to tell the young person the meeting's outcome.
		for _, a := range meeting.Opened {
			if v, _ := cases.Get(ctx, id, carer); slices.ContainsFunc(v.OpenActions, func(o safeguarding.ActionView) bool { return o.ID == a && o.Kind == safeguarding.MeetingAction }) {
				take(carer, "action-done", map[string]any{"action_id": a, "completed_at": ts})
			}
		}
	}
	view, viewErr := cases.Get(ctx, id, manager)
	if err == nil && viewErr != nil {
		err = viewErr
	}
	for _, a := range view.OpenActions {
		switch a.Kind {
		case policy.CarePlan:
			take(manager, "due-date", map[string]any{"action_id": a.ID, "due": later, "reason": "Court."})
		case policy.NRMRequest:
			take(manager, "action-resolve", map[string]any{"action_id": a.ID, "reason": "Referred by the police."})
		}
	}
	take(sw, "case-details", map[string]any{"child": map[string]any{"date_of_birth": "2011-02-01", "preferred_term": "young person"}, "reason": "Age assessment."})
	take(sw, "csc-referral", map[string]any{"referred_at": ts, "significant_harm": false})
	take(sw, "csc-decision", map[string]any{"decided_at": ts, "decision": "no-further-action"})
	take(lead, "nfa-review", map[string]any{"reviewed_at": ts, "outcome": "challenged", "note": "Raised with the LA."})
	// An assessment names the referral's assessment it completes.
	take(sw, "csc-referral", map[string]any{"referred_at": ts, "significant_harm": true})
	take(sw, "csc-decision", map[string]any{"decided_at": ts, "decision": "assessment"})
	if view, viewErr = cases.Get(ctx, id, manager); err == nil && viewErr != nil {
		err = viewErr
	}
	for _, a := range view.OpenActions {
		if a.Kind == policy.Assessment {
			take(sw, "assessment", map[string]any{"completed_at": ts, "action_ids": []string{a.ID}})
		}
	}
	take(carer, "young-person-views", map[string]any{"recorded_at": ts, "views": "Recorded views.", "how": "Told the carer"})
	// A further concern after the local authority's decision is referred again; sexual harassment
	// alone asks the Safeguarding Lead whether to refer to the NRM, and the Lead asks.
	take(carer, "concern", map[string]any{"observed_at": ts, "exploitation_types": []string{"sexual-harassment"}, "account": "Recorded comments."})
	take(lead, "nrm-request", map[string]any{"requested_at": ts, "requested_of": "local-authority"})
	// Age is a decision: a disputed age, an assessment finding an adult (which proposes the move
	// to adulthood), and the Safeguarding Lead's confirmation, which ends the child clocks.
	take(sw, "case-details", map[string]any{"child": map[string]any{"age_disputed": true}, "reason": "Age disputed."})
	take(sw, "age-assessment", map[string]any{"assessed_at": ts, "assessed_by": "Recorded assessors", "date_of_birth": "2007-01-01"})
	take(lead, "adulthood", map[string]any{"decided_at": ts, "reason": "Recorded decision."})
	dutySteps(ctx, cases, id, now, take, func() bool { return err != nil })
	// Records retention: a legal hold may be placed while the case is open, and lifted.
	take(manager, "legal-hold", map[string]any{"reason": "Recorded hold."})
	take(lead, "legal-hold-lift", map[string]any{"reason": "Recorded lift."})
	take(manager, "team", map[string]any{"social_worker": "sw-2", "reason": "New worker."})

	take(safeguarding.Actor{UserID: "sw-2", Role: safeguarding.RoleSocialWorker, Team: "north"}, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Recorded."})
	if view, viewErr = cases.Get(ctx, id, manager); err == nil && viewErr != nil {
		err = viewErr
	}
	var resolutions []map[string]string
	for _, a := range view.OpenActions {
		resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Recorded resolution."})
	}
	take(manager, "closure-approval", map[string]any{"note": "Closed.", "resolutions": resolutions})
	take(lead, "reopen", map[string]any{"reason": "New information."})

	// The child raised again without a date of birth, merged into this case: the decision on
	// the merged case, and caseflow's record of it on this one.
	if err != nil {
		return id, err
	}
	again := map[string]any{}
	for k, v := range concern {
		again[k] = v
	}
	again["child"] = map[string]any{"name": "Recorded Child"}
	merged, err := raise(ctx, cases, sw, again, "merged")
	if err != nil {
		return id, err
	}
	mergedView, err := cases.Get(ctx, merged, manager)
	if err != nil {
		return id, err
	}
	resolutions = nil
	for _, a := range mergedView.OpenActions {
		resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Carried on the child's other case."})
	}
	if _, err := step(ctx, cases, merged, manager, safeguarding.StepMergeInto, map[string]any{"case_id": id, "reason": "Recorded merge.", "resolutions": resolutions}); err != nil {
		return id, err
	}
	take(safeguarding.Caseflow, safeguarding.StepMergedFrom, map[string]any{"case_id": merged, "reference": workflows.ReferenceFor(merged), "reason": "Recorded merge.",
		"concerns": 1, "missing_at": []string{ts, ts}, "by": manager})
	return id, err
}

func raise(ctx context.Context, cases *caseclient.Client, by safeguarding.Actor, body map[string]any, key string) (string, error) {
	raw, _ := json.Marshal(body)
	res, err := cases.Raise(ctx, by, key, raw)
	return res.CaseID, err
}

func step(ctx context.Context, cases *caseclient.Client, caseID string, by safeguarding.Actor, name string, body map[string]any) (safeguarding.Result, error) {
	raw, _ := json.Marshal(body)
	if name == safeguarding.StepRaiseConcern {
		return cases.Raise(ctx, by, "continued", raw)
	}
	return cases.Step(ctx, caseID, name, by, "", raw)
}

// writeRuns writes the history of every run of a workflow, oldest first, as the temporal CLI's
// `workflow show --output json` does.
func writeRuns(ctx context.Context, c client.Client, wid, prefix string) error {
	runs := []string{}
	runID := ""
	for {
		desc, err := c.DescribeWorkflowExecution(ctx, wid, runID)
		if err != nil {
			return err
		}
		runs = append([]string{desc.GetWorkflowExecutionInfo().GetExecution().GetRunId()}, runs...)
		first := desc.GetWorkflowExecutionInfo().GetFirstRunId()
		iter := c.GetWorkflowHistory(ctx, wid, runs[0], false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		ev, err := iter.Next()
		if err != nil {
			return err
		}
		prev := ev.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
		if prev == "" || runs[0] == first {
			break
		}
		runID = prev
	}
	for i, run := range runs {
		var events []*historypb.HistoryEvent
		iter := c.GetWorkflowHistory(ctx, wid, run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				return err
			}
			events = append(events, ev)
		}
		data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&historypb.History{Events: events})
		if err != nil {
			return err
		}
		file := fmt.Sprintf("%s-run%d.json", prefix, i+1)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d events\n", file, len(events))
	}
	return nil
}

// retentionOfSeconds loads the recording's policy with the record of a child who was not looked
// after kept three seconds after its case closes, so that its review falls due while recording.
func retentionOfSeconds(file string) (*policy.Policy, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	const other = "    until_birthday: 25\n    after_closure: 6y\n"
	if !strings.Contains(string(data), other) {
		return nil, fmt.Errorf("%s: no retention rule for other records to shorten", file)
	}
	return policy.Load(file, []byte(strings.Replace(string(data), other, "    after_closure: 3s\n", 1)))
}

// sealedCase is a case that continues as new with more timeline than a run carries: its runs
// seal what they stop carrying into record chunks.
func sealedCase(ctx context.Context, a *app.App, cases *caseclient.Client, concern map[string]any) (string, error) {
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	id := workflows.CaseIDFor(carer.UserID, "sealed")
	_, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(id), TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: id, Reference: workflows.ReferenceFor(id), MaxHistory: 400})
	if err != nil {
		return "", err
	}
	if _, err := raise(ctx, cases, carer, concern, "sealed"); err != nil {
		return "", err
	}
	for i := range 130 {
		if _, err := step(ctx, cases, id, carer, "care-plan-contribution", map[string]any{"text": fmt.Sprintf("note %d", i)}); err != nil {
			return "", err
		}
	}
	if _, err := a.Temporal.DescribeWorkflowExecution(ctx, workflows.RecordChunkID(id, 0), ""); err != nil {
		return "", fmt.Errorf("the sealed case sealed no chunk: %w", err)
	}
	return id, nil
}

// recordRetention closes a case and lets its retention date pass: the review opens, a legal hold
// sets it aside and, lifted, brings it back; then a manager approves the destruction. The case's
// history is read as often as possible until the destruction deletes it, and the last read is
// kept; then the destruction's history and the register entry it wrote.
func recordRetention(ctx context.Context, a *app.App, cases *caseclient.Client, concern map[string]any, prefix string) error {
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	sw := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	lead := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	id := workflows.CaseIDFor(carer.UserID, "retention")
	_, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(id), TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: id, Reference: workflows.ReferenceFor(id), SweepAfter: time.Second})
	if err != nil {
		return err
	}
	if _, err := raise(ctx, cases, carer, concern, "retention"); err != nil {
		return err
	}
	if _, err := step(ctx, cases, id, sw, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Recorded."}); err != nil {
		return err
	}
	view, err := cases.Get(ctx, id, manager)
	if err != nil {
		return err
	}
	var resolutions []map[string]string
	for _, act := range view.OpenActions {
		resolutions = append(resolutions, map[string]string{"action_id": act.ID, "reason": "Recorded resolution."})
	}
	if _, err := step(ctx, cases, id, manager, "closure-approval", map[string]any{"resolutions": resolutions}); err != nil {
		return err
	}
	if err := waitForReview(ctx, cases, id, lead); err != nil {
		return err
	}
	for _, s := range []struct {
		by   safeguarding.Actor
		name string
	}{{manager, "legal-hold"}, {lead, "legal-hold-lift"}} {
		if _, err := step(ctx, cases, id, s.by, s.name, map[string]any{"reason": "Recorded."}); err != nil {
			return err
		}
	}
	if err := waitForReview(ctx, cases, id, lead); err != nil {
		return err
	}
	if _, err := step(ctx, cases, id, manager, safeguarding.StepApproveDestruction, map[string]any{"reason": "Recorded."}); err != nil {
		return err
	}
	last, err := readUntilDeleted(ctx, a.Temporal, workflows.WorkflowID(id))
	if err != nil {
		return err
	}
	if err := writeHistory(prefix+"-review-run1.json", last); err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); ; {
		if _, err := a.Temporal.DescribeWorkflowExecution(ctx, workflows.RegisterEntryID(id), ""); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the destruction wrote no register entry")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := writeRuns(ctx, a.Temporal, workflows.DestroyID(id), prefix+"-destroy"); err != nil {
		return err
	}
	return writeRuns(ctx, a.Temporal, workflows.RegisterEntryID(id), prefix+"-register")
}

// waitForReview waits until the review of the closed record is open.
func waitForReview(ctx context.Context, cases *caseclient.Client, id string, lead safeguarding.Actor) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		v, err := cases.Get(ctx, id, lead)
		if err != nil {
			return err
		}
		for _, act := range v.OpenActions {
			if act.Kind == policy.RetentionReview {
				return nil
			}
		}
	}
	return fmt.Errorf("the review of case %s never opened", id)
}

// readUntilDeleted reads a workflow's history again and again until it is deleted, and returns
// the last history read: as close as a reader gets to the moment it handed itself over.
func readUntilDeleted(ctx context.Context, c client.Client, wid string) ([]*historypb.HistoryEvent, error) {
	var last []*historypb.HistoryEvent
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		var events []*historypb.HistoryEvent
		iter := c.GetWorkflowHistory(ctx, wid, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				if len(last) == 0 {
					return nil, err
				}
				return last, nil
			}
			events = append(events, ev)
		}
		last = events
	}
	return nil, fmt.Errorf("%s was not deleted within a minute", wid)
}

func writeHistory(file string, events []*historypb.HistoryEvent) error {
	data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&historypb.History{Events: events})
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d events\n", file, len(events))
	return nil
}
