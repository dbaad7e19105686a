package safeguarding

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The step table, tested step by step: for every step, a request that applies (what it records,
// which actions it opens and ends), the content its Validate refuses (each required field named),
// and the points of a case where its check refuses it. A step added to the table without a row
// here fails TestEveryStepHasARow.

// body is a step's request body as JSON reads it.
type body = map[string]any

// stepRow is one way of taking a step: the case before it, the request, and what must follow.
type stepRow struct {
	step string
	// variant names the row when a step has more than one.
	variant string
	by      Actor
	// from is the case the row starts from: newCase(t, "E1") when nil.
	from func(t *testing.T) *fixture
	// setup brings the case to where the step can be taken.
	setup func(f *fixture)
	body  func(f *fixture) body
	// opens and closes are the kinds of the actions the step starts and ends, one per action.
	opens, closes []policy.RuleID
	// want checks what the step recorded.
	want func(t *testing.T, f *fixture, res Result)
	// required fields: the request without one is refused, naming it.
	required []string
	// malformed content Validate refuses, naming the field.
	malformed []malformed
	// refusals are the points of the case where the step's check refuses it.
	refusals []refusal
	// wording lists the free-text fields checked against the language the agency avoids.
	wording []string
}

type malformed struct {
	field string
	edit  func(b body) body
}

// refusal is a case, a request and a person the step's check refuses.
type refusal struct {
	name string
	from func(t *testing.T) *fixture
	// before replaces the row's setup when set.
	before func(f *fixture)
	edit   func(f *fixture, b body) body
	by     Actor
	access Access
	code   ErrorCode
	// field is named in the error, when it is about one.
	field string
}

func (r stepRow) name() string {
	if r.variant == "" {
		return r.step
	}
	return r.step + "/" + r.variant
}

// start is the case the row's step is taken on.
func (r stepRow) start(t *testing.T) *fixture {
	f := r.fixture(t, r.from)
	if r.setup != nil {
		r.setup(f)
	}
	return f
}

func (r stepRow) fixture(t *testing.T, from func(t *testing.T) *fixture) *fixture {
	switch {
	case from != nil:
		return from(t)
	case r.from != nil:
		return r.from(t)
	}
	return newCase(t, "E1")
}

func TestEveryStepHasARow(t *testing.T) {
	rows := map[string]bool{}
	for _, r := range stepRows() {
		if _, ok := StepNamed(r.step); !ok {
			t.Errorf("row %s names no step", r.name())
		}
		rows[r.step] = true
	}
	for _, s := range Steps() {
		if !rows[s.Name] {
			t.Errorf("step %s has no row in the step table test", s.Name)
		}
		decoded, err := s.Decode([]byte("{}"))
		if err != nil || reflect.TypeOf(s.NewBody()) != reflect.TypeOf(decoded) {
			t.Errorf("step %s: NewBody gives %T, Decode %T (%v)", s.Name, s.NewBody(), decoded, err)
		}
	}
}

// TestEveryStepApplies takes each step on a case where it can happen and checks what it did: the
// actions it started and ended (its result lists every action it started, and only actions it
// ended), the revision and timeline, and its records.
func TestEveryStepApplies(t *testing.T) {
	for _, r := range stepRows() {
		t.Run(r.name(), func(t *testing.T) {
			f := r.start(t)
			before := openIDs(f.c)
			entries, revision := len(f.c.Timeline), f.c.Revision
			res := f.must(r.step, r.by, r.body(f))

			after := openIDs(f.c)
			var opened, ended []string
			for id := range after {
				if !before[id] {
					opened = append(opened, id)
				}
			}
			for id := range before {
				if !after[id] {
					ended = append(ended, id)
				}
			}
			if got, want := kindsOf(f.c, opened), sortedKinds(r.opens); !slices.Equal(got, want) {
				t.Errorf("opened %v, want %v", got, want)
			}
			if got, want := kindsOf(f.c, ended), sortedKinds(r.closes); !slices.Equal(got, want) {
				t.Errorf("ended %v, want %v", got, want)
			}
			if !sameSet(res.Opened, opened) {
				t.Errorf("the result lists %v as opened; the step opened %v", res.Opened, opened)
			}
			for _, id := range res.Closed {
				if !slices.Contains(ended, id) {
					t.Errorf("the result lists %s as closed, but the step did not end it", id)
				}
			}
			if f.c.Revision != revision+1 || len(f.c.Timeline) <= entries {
				t.Errorf("revision %d → %d, timeline %d → %d entries: the step left no trace", revision, f.c.Revision, entries, len(f.c.Timeline))
			}
			if r.want != nil {
				r.want(t, f, res)
			}
		})
	}
}

// TestEveryStepValidatesItsContent refuses each request without one of its required fields, and
// with each kind of malformed content, naming the field.
func TestEveryStepValidatesItsContent(t *testing.T) {
	for _, r := range stepRows() {
		t.Run(r.name(), func(t *testing.T) {
			f := r.start(t)
			valid := r.body(f)
			if err := validate(t, r.step, valid, f.env.now); err != nil {
				t.Fatalf("the row's request does not validate: %v", err)
			}
			for _, field := range r.required {
				wantFieldError(t, validate(t, r.step, without(valid, field), f.env.now), EInvalid, field)
			}
			for _, m := range r.malformed {
				wantFieldError(t, validate(t, r.step, m.edit(normal(valid)), f.env.now), EInvalid, m.field)
			}
		})
	}
}

// TestEveryStepChecksTheCase refuses each step where the case (or the person's place on it) does
// not allow it, with content that is valid, and changes nothing.
func TestEveryStepChecksTheCase(t *testing.T) {
	for _, r := range stepRows() {
		for _, ref := range r.refusals {
			t.Run(r.name()+"/"+ref.name, func(t *testing.T) {
				f := r.fixture(t, ref.from)
				switch {
				case ref.before != nil:
					ref.before(f)
				case r.setup != nil:
					r.setup(f)
				}
				b := r.body(f)
				if ref.edit != nil {
					b = ref.edit(f, normal(b))
				}
				if err := validate(t, r.step, b, f.env.now); err != nil {
					t.Fatalf("the refused request is not valid content, so the check is not what refuses it: %v", err)
				}
				by := r.by
				if ref.by != (Actor{}) {
					by = ref.by
				}
				s, _ := StepNamed(r.step)
				revision := f.c.Revision
				wantFieldError(t, f.c.Check(s, f.request(by, b), f.env.now, ref.access), ref.code, ref.field)
				if f.c.Revision != revision {
					t.Error("the refused step changed the case")
				}
			})
		}
	}
}

// TestEveryStepIsGuarded: a role outside a step's list is refused (403), a person with no place
// on the case is told there is no such case (404), and a closed case takes only the steps that
// reopen it or record a late event (409).
func TestEveryStepIsGuarded(t *testing.T) {
	people := map[Role]Actor{RoleCarer: aCarer, RoleSocialWorker: aSW, RoleFosteringSocialWorker: aFSW, RoleSafeguardingLead: aLead, RoleManager: aManager}
	seen := map[string]bool{}
	for _, r := range stepRows() {
		if seen[r.step] {
			continue
		}
		seen[r.step] = true
		s, _ := StepNamed(r.step)
		t.Run(r.step, func(t *testing.T) {
			for _, role := range Roles {
				if !s.Allows(role) {
					f := r.start(t)
					f.refuse(s.Name, people[role], r.body(f), EForbidden)
				}
			}
			if s.Name == StepRaiseConcern {
				return // anyone may raise a concern about a child not yet known
			}
			if s.BySystem() {
				return // no person takes it; its command checks what links it to the case
			}
			stranger := strangerFor(s)
			f := r.fixture(t, nil)
			if stranger.Role.Oversees() {
				// Managers and the Safeguarding Lead see every case, unless an allegation removed them.
				f.must("allegation", aLead, body{"received_at": ts(time.Hour), "against_user": stranger.UserID, "against_role": stranger.Role, "summary": "Involved."})
			}
			if r.setup != nil {
				r.setup(f)
			}
			f.refuse(s.Name, stranger, r.body(f), ENotFound)

			if !s.OnClosed {
				f := r.start(t)
				b := r.body(f)
				f.closeCase()
				f.refuse(s.Name, r.by, b, EConflict)
			}
		})
	}
}

// TestOnlyThoseWithAuthorityEndObligations pins who may end an obligation without its event or
// decide a case's closure. The gates above follow the step table; the fail-safe rules rest on
// these rows of it, so widening one must be a deliberate change here too.
func TestOnlyThoseWithAuthorityEndObligations(t *testing.T) {
	overseersOnly := []Role{RoleSafeguardingLead, RoleManager}
	for step, roles := range map[string][]Role{
		"action-resolve":   overseersOnly,
		"adulthood":        overseersOnly,
		"nrm-not-referred": overseersOnly,
		"nfa-review":       overseersOnly,
		"reopen":           overseersOnly,
		"closure-request":  {RoleSocialWorker},
		"closure-approval": {RoleManager},
		"closure-decline":  {RoleManager},
		// Destroying a record, and keeping one from destruction, are decisions of the same people.
		StepApproveDestruction: overseersOnly,
		"legal-hold":           overseersOnly,
		"legal-hold-lift":      overseersOnly,
	} {
		if s, _ := StepNamed(step); !slices.Equal(s.Roles, roles) {
			t.Errorf("%s may be taken by %v, want only %v", step, s.Roles, roles)
		}
	}
}

// strangerFor is someone in a role that may take the step who has no place on the case.
func strangerFor(s Step) Actor {
	for _, role := range s.Roles {
		if !role.Oversees() {
			return Actor{UserID: "stranger-1", Role: role, Team: "south"}
		}
	}
	return Actor{UserID: "stranger-1", Role: s.Roles[0]}
}

// TestFreeTextIsCheckedForWording: every field people write in their own words is checked
// against the language the agency asks staff to avoid, and kept as written when the person says
// they are quoting someone. A step that checks wording must say which fields in its row.
func TestFreeTextIsCheckedForWording(t *testing.T) {
	fields := map[string][]string{}
	for _, r := range stepRows() {
		fields[r.step] = append(fields[r.step], r.wording...)
	}
	for _, s := range Steps() {
		if _, checked := s.NewBody().(freeText); checked != (len(fields[s.Name]) > 0) {
			t.Errorf("step %s: wording checked %v, but its rows list fields %v", s.Name, checked, fields[s.Name])
		}
	}
	access := Access{Wording: wordingList{}}
	for _, r := range stepRows() {
		for _, field := range r.wording {
			t.Run(r.name()+"/"+field, func(t *testing.T) {
				f := r.start(t)
				s, _ := StepNamed(r.step)
				req := f.request(r.by, with(r.body(f), field, "It was his lifestyle choice."))
				err := f.c.Check(s, req, f.env.now, access)
				wantFieldError(t, err, EInvalid, field)
				if !strings.Contains(errorText(err), "exploitation") {
					t.Errorf("the refusal does not suggest other wording: %v", err)
				}
				req.KeepWording = true
				if err := f.c.Check(s, req, f.env.now, access); err != nil {
					t.Errorf("quoting someone is refused: %v", err)
				}
			})
		}
	}
}

// stepRows is the step table test: one or more rows per step, in the order of the step table.
func stepRows() []stepRow {
	none := func(*fixture) {}
	return append([]stepRow{
		{
			step: StepRaiseConcern, by: aCarer, from: unopenedCase,
			body: func(*fixture) body { return firstConcern("E1") },
			// A carer's concern about a child with no case of theirs: staff confirm the placement.
			opens: []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead, policy.NRMRequest, policy.CarePlan, policy.ICTGReferral, policy.CSCReferral, policy.CompleteRecord},
			want: func(t *testing.T, f *fixture, res Result) {
				c := f.c
				if !c.Opened() || c.OpenedBy != aCarer || len(c.Concerns) != 1 || c.Concerns[0].ID != res.Ref || c.Concerns[0].RaisedBy != aCarer {
					t.Fatalf("opened by %+v with concerns %+v, result ref %q", c.OpenedBy, c.Concerns, res.Ref)
				}
				if c.LA != "E1" || !c.ICTGSite || c.PolicyVersion == "" || c.Team != "north" || c.SocialWorker != "sw-1" || !slices.Equal(c.Carers, []string{"carer-1"}) ||
					!slices.Equal(c.Unconfirmed, []string{"carer-1"}) || c.Child.Name != "Test Child" {
					t.Errorf("the case's parties and child: %+v %+v", c.Parties, c.Child)
				}
				if police := f.open(policy.PoliceReport)[0]; police.Ref != res.Ref || police.Owner != (Owner{Role: RoleCarer, UserID: "carer-1"}) {
					t.Errorf("the police report action %+v is not the raiser's for this concern", police)
				}
				if !f.hasEntry("concern-raised", res.Ref, "Child trafficking") || c.Stage() != StageConcernRaised {
					t.Errorf("timeline %+v, stage %s", c.Timeline, c.Stage())
				}
			},
			required: []string{"observed_at", "account", "child.name"},
			malformed: []malformed{
				{"observed_at", func(b body) body { return with(b, "observed_at", ts(48*time.Hour)) }},
				{"trafficking_purposes", func(b body) body { return with(b, "exploitation_types", []string{"sexual-exploitation"}) }},
				{"indicators", func(b body) body { return with(b, "indicators", []body{{"code": "not-a-sign"}}) }},
				{"indicators", func(b body) body { return with(b, "indicators", []body{{"code": "other"}}) }},
				{"la", func(b body) body { return with(b, "la", "E 1") }},
				{"child.parental_responsibility", func(b body) body { return with(b, "child.parental_responsibility", "parents") }},
				{"looked_after.since", func(b body) body {
					return with(b, "looked_after", body{"since": ts(48 * time.Hour), "placement_start": ts(0)})
				}},
			},
			refusals: []refusal{
				{name: "a case already open", before: func(f *fixture) { f.must(StepRaiseConcern, aCarer, firstConcern("E1")) }, code: EConflict},
				{name: "a local authority the agency does not work with", edit: func(_ *fixture, b body) body { return with(b, "la", "E08000052") },
					access: Access{LAs: policy.Default()}, code: EInvalid, field: "la"},
			},
			wording: []string{"account", "indicators[0].note"},
		},
		{
			step: "concern", by: aCarer,
			body: func(*fixture) body {
				return body{"observed_at": ts(2 * time.Hour), "immediate_danger": true, "exploitation_types": []string{"criminal-exploitation"},
					"indicators": []body{{"code": "multiple-phones", "note": "Two phones."}}, "account": "Came back with a second phone."}
			},
			opens: []policy.RuleID{policy.ImmediateDanger, policy.NotifySocialWorker, policy.NotifySafeguardingLead},
			want: func(t *testing.T, f *fixture, res Result) {
				k := f.c.concern(res.Ref)
				if len(f.c.Concerns) != 2 || k == nil || !k.ImmediateDanger || k.RaisedBy != aCarer || k.Account != "Came back with a second phone." {
					t.Fatalf("concerns %+v, result ref %q", f.c.Concerns, res.Ref)
				}
				for _, id := range res.Opened {
					if a := f.c.action(id); a.Ref != res.Ref || !a.StartedAt.Equal(t0.Add(2*time.Hour)) {
						t.Errorf("action %+v is not about the new concern, from when it was seen", a)
					}
				}
				if !f.hasEntry("concern-raised", res.Ref, "Further concern: Criminal exploitation") {
					t.Error("no timeline entry for the further concern")
				}
			},
			required: []string{"observed_at", "account"},
			malformed: []malformed{
				{"exploitation_types", func(b body) body { return with(b, "exploitation_types", []string{"joyriding"}) }},
			},
			wording: []string{"account", "indicators[0].note"},
		},
		{
			step: "case-details", by: aLead, from: crisisCase,
			body: func(*fixture) body {
				return body{"la": "E1", "team": "north", "social_worker": "sw-1", "concern_id": "C1", "add_exploitation_types": []string{"criminal-exploitation"},
					"add_indicators": []body{{"code": "multiple-phones"}}, "reason": "From the placing authority."}
			},
			closes: []policy.RuleID{policy.CompleteRecord},
			want: func(t *testing.T, f *fixture, _ Result) {
				c := f.c
				k := c.concern("C1")
				if c.LA != "E1" || c.Team != "north" || c.SocialWorker != "sw-1" || !slices.Equal(k.ExploitationTypes, []string{"criminal-exploitation"}) || len(k.Indicators) != 1 {
					t.Fatalf("after completing the record: LA %q team %q social worker %q concern %+v", c.LA, c.Team, c.SocialWorker, k)
				}
				if nrm := f.open(policy.NRMRequest)[0]; nrm.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) || nrm.HandedFrom != nil {
					t.Errorf("the manager still holds the social worker's action: %+v", nrm)
				}
				if !f.hasEntry("case-details", "", "(local authority, team, social worker, concern C1): From the placing authority.") {
					t.Errorf("the timeline does not say what changed and why: %+v", c.Timeline)
				}
			},
			required: []string{"reason"},
			malformed: []malformed{
				{"child", func(body) body { return body{"reason": "Nothing to change."} }},
				{"concern_id", func(b body) body { return without(b, "concern_id") }},
				{"add_exploitation_types", func(b body) body { return with(b, "add_exploitation_types", []string{"joyriding"}) }},
				{"add_indicators", func(b body) body { return with(b, "add_indicators", []body{{"code": "not-a-sign"}}) }},
				{"child.date_of_birth", func(b body) body { return with(b, "child", body{"date_of_birth": "1 May 2010"}) }},
				{"child.name", func(b body) body { return with(b, "child", body{"name": " "}) }},
			},
			refusals: []refusal{
				{name: "a team already set", before: func(f *fixture) { f.must("case-details", aLead, body{"team": "north", "reason": "Known."}) },
					edit: func(_ *fixture, b body) body { return with(b, "team", "south") }, code: EInvalid, field: "team"},
				{name: "someone an allegation removed", before: func(f *fixture) {
					f.must("allegation", aLead, body{"received_at": ts(time.Hour), "against_user": "sw-9", "against_role": "social_worker", "summary": "Involved."})
				}, edit: func(_ *fixture, b body) body { return with(b, "social_worker", "sw-9") }, code: EConflict},
				{name: "a long-term placement of a child not looked after", edit: func(_ *fixture, b body) body { return with(b, "long_term_placement", true) }, code: EConflict},
				{name: "an unknown concern", edit: func(_ *fixture, b body) body { return with(b, "concern_id", "C99") }, code: EInvalid, field: "concern_id"},
				{name: "a date of birth making them an adult", edit: func(_ *fixture, b body) body { return with(b, "child", body{"date_of_birth": "2000-01-01"}) },
					code: EInvalid, field: "child.date_of_birth"},
				{name: "a local authority the agency does not work with", edit: func(_ *fixture, b body) body { return with(b, "la", "E08000052") },
					access: Access{LAs: policy.Default()}, code: EInvalid, field: "la"},
			},
		},
		{
			step: StepLinkCase, by: aSW,
			body: func(*fixture) body { return body{"case_id": "c2", "reason": "The same child, raised twice."} },
			want: func(t *testing.T, f *fixture, res Result) {
				l := f.c.Links
				if len(l) != 1 || l[0].CaseID != "c2" || res.Ref != "c2" || l[0].Reason != "The same child, raised twice." || l[0].By != aSW || !l[0].At.Equal(f.env.now) {
					t.Fatalf("links %+v, result ref %q", l, res.Ref)
				}
				staff, _ := f.c.ViewFor(aFSW, Access{}, f.env.now)
				carer, _ := f.c.ViewFor(aCarer, Access{}, f.env.now)
				if len(staff.Links) != 1 || len(carer.Links) != 0 {
					t.Errorf("links shown to the fostering social worker %v, to the carer %v; want staff only", staff.Links, carer.Links)
				}
				if !f.hasEntry("linked-case", "", "The same child, raised twice.") {
					t.Error("no timeline entry")
				}
			},
			required: []string{"case_id", "reason"},
			malformed: []malformed{
				{"case_id", func(b body) body { return with(b, "case_id", "c 2") }},
			},
			refusals: []refusal{
				{name: "the case itself", edit: func(f *fixture, b body) body { return with(b, "case_id", f.c.ID) }, code: EInvalid, field: "case_id"},
				{name: "a case already linked", before: func(f *fixture) {
					f.must(StepLinkCase, aSW, body{"case_id": "c2", "reason": "Same child."})
				}, code: EConflict},
			},
		},
		{
			step: StepConfirmPlacement, variant: "confirmed", by: aSW, from: unconfirmedCase,
			body: func(*fixture) body {
				return body{"carer": "carer-1", "decision": PlacementConfirmed, "reason": "Placed with them since March."}
			},
			closes: []policy.RuleID{policy.CompleteRecord},
			want: func(t *testing.T, f *fixture, _ Result) {
				if len(f.c.Unconfirmed) != 0 || !f.c.IsCarer("carer-1") || f.c.SightOf(aCarer, Access{}).Relation != RelationCarer {
					t.Fatalf("after confirmation: carers %v, unconfirmed %v", f.c.Carers, f.c.Unconfirmed)
				}
				if !f.hasEntry(StepConfirmPlacement, "", "Placed with them since March.") {
					t.Error("no timeline entry")
				}
			},
			required: []string{"carer", "decision", "reason"},
			malformed: []malformed{
				{"decision", func(b body) body { return with(b, "decision", "maybe") }},
				{"carer", func(b body) body { return with(b, "carer", "carer 1") }},
			},
			refusals: []refusal{
				{name: "a carer not awaiting confirmation", edit: func(_ *fixture, b body) body { return with(b, "carer", "carer-9") }, code: EInvalid, field: "carer"},
				{name: "a placement already confirmed", from: func(t *testing.T) *fixture { return newCase(t, "E1") }, code: EInvalid, field: "carer"},
				{name: "the carer themselves", by: aCarer, code: EForbidden},
			},
		},
		{
			step: StepConfirmPlacement, variant: "not placed", by: aSW, from: unconfirmedCase,
			body: func(*fixture) body {
				return body{"carer": "carer-1", "decision": PlacementNotPlaced, "reason": "The child lives with another carer."}
			},
			closes: []policy.RuleID{policy.CompleteRecord},
			want: func(t *testing.T, f *fixture, _ Result) {
				if f.c.IsCarer("carer-1") || len(f.c.Unconfirmed) != 0 || f.c.CanSee(aCarer, Access{}) || len(f.c.Revoked) != 1 {
					t.Fatalf("after declining: carers %v, unconfirmed %v, revoked %v", f.c.Carers, f.c.Unconfirmed, f.c.Revoked)
				}
				if police := f.open(policy.PoliceReport)[0]; police.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) {
					t.Errorf("the carer's police report passed to %+v, want the child's social worker", police.Owner)
				}
			},
		},
		{
			step: StepMergeInto, by: aManager,
			body: func(f *fixture) body {
				return body{"case_id": "c2", "reason": "The same child, raised twice.", "resolutions": f.resolveAll("Done on the child's other case.")}
			},
			closes: []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead, policy.NRMRequest, policy.CarePlan, policy.ICTGReferral, policy.CSCReferral},
			want: func(t *testing.T, f *fixture, res Result) {
				m := f.c.MergedInto
				if m == nil || m.CaseID != "c2" || res.Ref != "c2" || m.By != aManager || !f.c.Closed() || f.c.Closure.Decisions[len(f.c.Closure.Decisions)-1].Decision != ClosureMerged {
					t.Fatalf("merged into %+v, closure %+v", m, f.c.Closure)
				}
				for _, a := range f.c.Actions {
					if a.Kind != policy.CompleteRecord && (a.Status != ActionResolved || a.EndedBy != endedByMerge) {
						t.Errorf("action %s after the merge: %s ended by %q", a.ID, a.Status, a.EndedBy)
					}
				}
				if f.c.MatchKeys() != nil || !f.hasEntry("merged-into", "", "The same child, raised twice.") {
					t.Error("a merged case still matches concerns, or its timeline does not say it was merged")
				}
			},
			required: []string{"case_id", "reason"},
			refusals: []refusal{
				{name: "the case itself", edit: func(f *fixture, b body) body { return with(b, "case_id", f.c.ID) }, code: EInvalid, field: "case_id"},
				{name: "obligations left open", edit: func(_ *fixture, b body) body { return without(b, "resolutions") }, code: EConflict},
				{name: "a case already merged", before: func(f *fixture) {
					f.must(StepMergeInto, aManager, body{"case_id": "c3", "reason": "Same child.", "resolutions": f.resolveAll("Done elsewhere.")})
				}, edit: func(_ *fixture, b body) body { return without(b, "resolutions") }, code: EConflict},
				{name: "a social worker", by: aSW, code: EForbidden},
			},
		},
		{
			step: StepMergedFrom, by: Caseflow, setup: func(f *fixture) { f.missing(false) },
			body: func(*fixture) body {
				return body{"case_id": "c2", "reference": "CF-OTHER", "reason": "The same child, raised twice.", "concerns": 2,
					"missing_at": []string{ts(time.Hour), ts(90 * time.Minute)}, "by": aManager}
			},
			// Three episodes across the two cases call for a strategy discussion.
			opens: []policy.RuleID{policy.StrategyDiscussion},
			want: func(t *testing.T, f *fixture, res Result) {
				if n := f.c.Counts(); n.Concerns != 3 || n.MissingEpisodes != 3 || res.Ref != "c2" {
					t.Fatalf("counts %+v after the merge", n)
				}
				if a := f.open(policy.StrategyDiscussion)[0]; !a.StartedAt.Equal(t0.Add(2 * time.Hour)) {
					t.Errorf("the strategy discussion began %v, want at the third episode", a.StartedAt)
				}
				v, _ := f.c.ViewFor(aSW, Access{}, f.env.now)
				carer, _ := f.c.ViewFor(aCarer, Access{}, f.env.now)
				if len(v.MergedFrom) != 1 || v.ChildCounts == nil || v.ChildCounts.MissingEpisodes != 3 || carer.MergedFrom != nil || carer.ChildCounts != nil {
					t.Errorf("staff see %+v %+v; the carer %+v %+v", v.MergedFrom, v.ChildCounts, carer.MergedFrom, carer.ChildCounts)
				}
			},
			required: []string{"case_id", "reason", "by.user_id"},
			malformed: []malformed{
				{"concerns", func(b body) body { return with(b, "concerns", -1) }},
				{"by.role", func(b body) body { return with(b, "by", aSW) }},
			},
			refusals: []refusal{
				{name: "the case itself", edit: func(f *fixture, b body) body { return with(b, "case_id", f.c.ID) }, code: EInvalid, field: "case_id"},
				{name: "a case already merged in", before: func(f *fixture) {
					f.must(StepMergedFrom, Caseflow, body{"case_id": "c2", "reason": "Same child.", "by": aManager})
				}, code: EConflict},
				{name: "a person", by: aManager, code: EForbidden},
			},
		},
		{
			step: "police-report", by: aCarer,
			body: func(*fixture) body {
				return body{"reported_at": ts(2 * time.Hour), "channel": "101", "reference": "P-1"}
			},
			closes: []policy.RuleID{policy.PoliceReport},
			want: func(t *testing.T, f *fixture, _ Result) {
				p := f.c.Reporting.PoliceReports
				if len(p) != 1 || p[0].Reference != "P-1" || p[0].Channel != "101" || p[0].By != aCarer || !slices.Equal(p[0].ConcernIDs, []string{"C1"}) {
					t.Fatalf("police reports %+v", p)
				}
				if !f.hasEntry("police-report", "", "reference P-1 (concerns C1)") {
					t.Error("no timeline entry naming the concern reported")
				}
			},
			required: []string{"reported_at", "channel", "reference"},
			malformed: []malformed{
				{"channel", func(b body) body { return with(b, "channel", "112") }},
				{"episode_id", func(b body) body { return with(with(b, "episode_id", "E1"), "concern_ids", []string{"C1"}) }},
				{"concern_ids", func(b body) body { return with(b, "concern_ids", []string{"C 1"}) }},
			},
			refusals: []refusal{
				{name: "an unknown episode", edit: func(_ *fixture, b body) body { return with(b, "episode_id", "E99") }, code: EInvalid, field: "episode_id"},
				{name: "an unknown concern", edit: func(_ *fixture, b body) body { return with(b, "concern_ids", []string{"C99"}) }, code: EInvalid, field: "concern_ids"},
				{name: "a concern raised after the report", before: laterConcern(aCarer),
					edit: func(f *fixture, b body) body { return with(b, "concern_ids", []string{f.c.Concerns[1].ID}) }, code: EInvalid, field: "concern_ids"},
				{name: "a concern the carer did not raise", before: laterConcern(aSW), edit: func(f *fixture, b body) body {
					return with(with(b, "concern_ids", []string{f.c.Concerns[1].ID}), "reported_at", ts(21*time.Hour))
				}, code: EInvalid, field: "concern_ids"},
			},
		},
		{
			step: "police-report", variant: "a missing episode", by: aCarer, setup: func(f *fixture) { f.missing(false) },
			body: func(f *fixture) body {
				return body{"reported_at": ts(3 * time.Hour), "channel": "101", "reference": "MISS-1", "episode_id": f.c.Missing[0].ID}
			},
			closes: []policy.RuleID{policy.MissingPoliceReport},
			want: func(t *testing.T, f *fixture, _ Result) {
				if e := f.c.Missing[0]; !e.ReportedToPolice || e.PoliceReference != "MISS-1" || f.c.Reporting.PoliceReports[0].EpisodeID != e.ID {
					t.Errorf("episode %+v after its police report", e)
				}
			},
		},
		{
			step: "social-worker-informed", by: aCarer,
			body:   func(*fixture) body { return body{"informed_at": ts(2 * time.Hour), "method": "phone"} },
			closes: []policy.RuleID{policy.NotifySocialWorker},
			want: func(t *testing.T, f *fixture, _ Result) {
				if in := f.c.Reporting.SocialWorkerInformed; in == nil || in.Method != "phone" || in.By != aCarer || !slices.Equal(in.ConcernIDs, []string{"C1"}) || f.c.Reporting.LeadInformed != nil {
					t.Fatalf("informed %+v / lead %+v", in, f.c.Reporting.LeadInformed)
				}
				if !f.hasEntry(string(policy.NotifySocialWorker), "", "Informed the child's social worker (concerns C1)") {
					t.Error("no timeline entry")
				}
			},
			required: []string{"informed_at"},
			malformed: []malformed{
				{"method", func(b body) body { return with(b, "method", strings.Repeat("x", maxShortText+1)) }},
			},
			refusals: []refusal{
				{name: "an unknown episode", edit: func(_ *fixture, b body) body { return with(b, "episode_id", "E99") }, code: EInvalid, field: "episode_id"},
				{name: "an unknown concern", edit: func(_ *fixture, b body) body { return with(b, "concern_ids", []string{"C99"}) }, code: EInvalid, field: "concern_ids"},
			},
		},
		{
			step: "safeguarding-lead-informed", by: aCarer,
			body:   func(*fixture) body { return body{"informed_at": ts(2 * time.Hour), "method": "email"} },
			closes: []policy.RuleID{policy.NotifySafeguardingLead},
			want: func(t *testing.T, f *fixture, _ Result) {
				if in := f.c.Reporting.LeadInformed; in == nil || in.Method != "email" || !slices.Equal(in.ConcernIDs, []string{"C1"}) || f.c.Reporting.SocialWorkerInformed != nil {
					t.Fatalf("lead informed %+v", in)
				}
			},
			required: []string{"informed_at"},
			refusals: []refusal{
				{name: "an unknown episode", edit: func(_ *fixture, b body) body { return with(b, "episode_id", "E99") }, code: EInvalid, field: "episode_id"},
				{name: "an unknown concern", edit: func(_ *fixture, b body) body { return with(b, "concern_ids", []string{"C99"}) }, code: EInvalid, field: "concern_ids"},
			},
		},
		{
			step: "safeguarding-lead-informed", variant: "a missing episode", by: aCarer, setup: func(f *fixture) { f.missing(false) },
			body:   func(f *fixture) body { return body{"informed_at": ts(3 * time.Hour), "episode_id": f.c.Missing[0].ID} },
			closes: []policy.RuleID{policy.MissingNotifyLead},
			want: func(t *testing.T, f *fixture, _ Result) {
				if in := f.c.Reporting.LeadInformed; in.EpisodeID != f.c.Missing[0].ID || len(in.ConcernIDs) != 0 {
					t.Errorf("lead informed %+v", in)
				}
			},
		},
		{
			step: "csc-referral", by: aSW,
			body:   func(*fixture) body { return body{"referred_at": ts(2 * time.Hour), "significant_harm": true} },
			opens:  []policy.RuleID{policy.CSCDecision, policy.Assessment, policy.StrategyDiscussion},
			closes: []policy.RuleID{policy.CSCReferral},
			want: func(t *testing.T, f *fixture, res Result) {
				r := f.c.referral(res.Ref)
				if r == nil || len(f.c.Reporting.Referrals) != 1 || !r.SignificantHarm || r.By != aSW || !r.ReferredAt.Equal(t0.Add(2*time.Hour)) {
					t.Fatalf("referrals %+v, result ref %q", f.c.Reporting.Referrals, res.Ref)
				}
				for _, id := range res.Opened {
					if f.c.action(id).Ref != res.Ref {
						t.Errorf("action %s is not about referral %s", id, res.Ref)
					}
				}
			},
			required: []string{"referred_at"},
			refusals: []refusal{
				{name: "a referral awaiting its decision", before: func(f *fixture) { f.referred() }, code: EConflict},
			},
		},
		{
			step: "csc-decision", variant: "section 47", by: aSW, setup: func(f *fixture) { f.referred() },
			body: func(*fixture) body {
				return body{"decided_at": ts(3 * time.Hour), "decision": DecisionS47, "note": "Enquiry opened."}
			},
			opens:  []policy.RuleID{policy.ICPC, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.CSCDecision},
			want: func(t *testing.T, f *fixture, res Result) {
				r := f.c.referral(res.Ref)
				if r == nil || r.Decision == nil || r.Decision.Decision != DecisionS47 || f.c.Reporting.CSCDecision.Note != "Enquiry opened." {
					t.Fatalf("referral %+v", r)
				}
			},
			required: []string{"decided_at", "decision"},
			malformed: []malformed{
				{"decision", func(b body) body { return with(b, "decision", "maybe") }},
			},
			refusals: []refusal{
				{name: "no referral", before: none, code: EConflict},
				{name: "a decision already recorded", before: func(f *fixture) { f.referred(); f.decided(DecisionAssessment) }, code: EConflict},
				{name: "a decision before the referral", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(time.Hour)) }, code: EInvalid, field: "decided_at"},
			},
			wording: []string{"note"},
		},
		{
			step: "csc-decision", variant: "no further action", by: aSW, setup: func(f *fixture) { f.referred() },
			body:   func(*fixture) body { return body{"decided_at": ts(3 * time.Hour), "decision": DecisionNoFurtherAction} },
			opens:  []policy.RuleID{policy.NFAReview, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.CSCDecision, policy.Assessment},
			want: func(t *testing.T, f *fixture, _ Result) {
				for _, a := range f.c.Actions {
					if a.Kind == policy.Assessment && (a.Status != ActionResolved || !strings.Contains(a.Note, "no further action")) {
						t.Errorf("the assessment clock ended %s (%q), want resolved for the decision", a.Status, a.Note)
					}
				}
				if review := f.open(policy.NFAReview)[0]; review.Owner != (Owner{Role: RoleSafeguardingLead}) {
					t.Errorf("the review is not the Safeguarding Lead's: %+v", review.Owner)
				}
			},
		},
		{
			step: "nfa-review", by: aLead, setup: func(f *fixture) { f.referred(); f.decided(DecisionNoFurtherAction) },
			body: func(*fixture) body {
				return body{"reviewed_at": ts(4 * time.Hour), "outcome": "agreed", "note": "The risk is managed at home."}
			},
			closes: []policy.RuleID{policy.NFAReview},
			want: func(t *testing.T, f *fixture, _ Result) {
				r := f.c.Reporting.Referrals[0]
				if r.Review == nil || r.Review.Outcome != "agreed: The risk is managed at home." || r.Review.By != aLead {
					t.Fatalf("review %+v", r.Review)
				}
			},
			required: []string{"reviewed_at", "outcome", "note"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "ignored") }},
			},
			refusals: []refusal{
				{name: "no decision to review", before: func(f *fixture) { f.referred() }, code: EConflict},
			},
			wording: []string{"note"},
		},
		{
			step: "assessment", by: aSW, setup: func(f *fixture) { f.referred() },
			body:   func(*fixture) body { return body{"completed_at": ts(5 * time.Hour)} },
			opens:  []policy.RuleID{policy.TellYoungPerson},
			closes: []policy.RuleID{policy.Assessment},
			want: func(t *testing.T, f *fixture, _ Result) {
				if a := f.c.Reporting.Assessment; a == nil || !a.CompletedAt.Equal(t0.Add(5*time.Hour)) || a.LateReason != "" {
					t.Fatalf("assessment %+v", a)
				}
			},
			required: []string{"completed_at"},
			refusals: []refusal{
				{name: "no referral", before: none, code: EConflict},
				{name: "no assessment after no further action", before: func(f *fixture) { f.referred(); f.decided(DecisionNoFurtherAction) }, code: EConflict},
				{name: "late without its reasons", edit: func(f *fixture, b body) body {
					due := f.open(policy.Assessment)[0].Due
					f.env.now = due.Add(2 * time.Hour)
					return with(b, "completed_at", due.Add(time.Hour).Format(time.RFC3339))
				}, code: EInvalid, field: "late_reason"},
			},
		},
		{
			step: "assessment", variant: "late, with its reasons", by: aSW, setup: func(f *fixture) { f.referred() },
			body: func(f *fixture) body {
				due := f.open(policy.Assessment)[0].Due
				f.env.now = due.Add(2 * time.Hour)
				return body{"completed_at": due.Add(time.Hour).Format(time.RFC3339), "late_reason": "The family moved twice."}
			},
			opens:  []policy.RuleID{policy.TellYoungPerson},
			closes: []policy.RuleID{policy.Assessment},
			want: func(t *testing.T, f *fixture, _ Result) {
				if f.c.Reporting.Assessment.LateReason != "The family moved twice." || f.actionOf(policy.Assessment).Note != "The family moved twice." {
					t.Errorf("the reasons were not kept: %+v", f.c.Reporting.Assessment)
				}
			},
		},
		{
			step: "strategy-meeting-scheduled", by: aSW,
			body: func(*fixture) body {
				return body{"scheduled_for": ts(72 * time.Hour), "format": FormatMeeting, "attendees": []body{{"role": "police", "organisation": "Met"}}}
			},
			want: func(t *testing.T, f *fixture, res Result) {
				m := f.c.meeting(res.Ref)
				if m == nil || !m.ScheduledFor.Equal(t0.Add(72*time.Hour)) || !m.HeldAt.IsZero() || len(m.Attendees) != 1 || m.Attendees[0].Role != "police" {
					t.Fatalf("meeting %+v, result ref %q", m, res.Ref)
				}
				if !f.hasEntry("meeting-scheduled", res.Ref, "scheduled for "+ts(72*time.Hour)) {
					t.Error("no timeline entry for the booking")
				}
			},
			required: []string{"scheduled_for", "format"},
			malformed: []malformed{
				{"attendees", func(b body) body { return with(b, "attendees", []body{{"organisation": "Met"}}) }},
				{"interpreter.dbs_checked", func(b body) body {
					return with(b, "interpreter", body{"language": "Tigrinya", "dbs_checked": false, "not_from_same_area": true})
				}},
				{"interpreter.language", func(b body) body {
					return with(b, "interpreter", body{"dbs_checked": true, "not_from_same_area": true})
				}},
			},
			refusals: []refusal{
				{name: "no interpreter for a child who needs one", before: func(f *fixture) { f.needsInterpreter() }, code: EInvalid, field: "interpreter"},
			},
		},
		{
			step: "strategy-meeting-held", variant: "a booked phone discussion", by: aSW,
			setup: func(f *fixture) { f.referred(); f.scheduled() },
			body: func(f *fixture) body {
				return body{"meeting_id": f.c.Meetings[0].ID, "held_at": ts(5 * time.Hour), "format": FormatPhone, "outcome": "Plan agreed.",
					"s47_enquiry": true, "minutes_ref": "MIN-1", "actions": []body{{"title": "Speak to the school", "owner_role": "fostering_social_worker", "owner_user": "fsw-1", "due": ts(7 * 24 * time.Hour)}}}
			},
			opens:  []policy.RuleID{policy.StrategyMeeting, policy.ICPC, MeetingAction, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.StrategyDiscussion},
			want: func(t *testing.T, f *fixture, res Result) {
				m := f.c.meeting(res.Ref)
				if m == nil || m.ID != f.c.Meetings[0].ID || len(f.c.Meetings) != 1 || !m.HeldAt.Equal(t0.Add(5*time.Hour)) || m.Outcome != "Plan agreed." || !m.S47Enquiry || m.MinutesRef != "MIN-1" || len(m.Attendees) != 1 {
					t.Fatalf("meeting %+v", m)
				}
				agreed := f.open(MeetingAction)
				if len(agreed) != 1 || !slices.Equal(m.Actions, []string{agreed[0].ID}) || agreed[0].Title != "Speak to the school" ||
					agreed[0].Owner != (Owner{Role: RoleFosteringSocialWorker, UserID: "fsw-1"}) || !agreed[0].Due.Equal(t0.Add(7*24*time.Hour)) || agreed[0].Ref != m.ID {
					t.Errorf("agreed action %+v of meeting actions %v", agreed, m.Actions)
				}
			},
			required: []string{"held_at", "format", "outcome", "actions[0].title", "actions[0].owner_role", "actions[0].due"},
			malformed: []malformed{
				{"actions[0].due", func(b body) body { return with(b, "actions[0].due", ts(4*time.Hour)) }},
				{"actions[0].owner_user", func(b body) body { return with(b, "actions[0].owner_user", "fsw 1") }},
				{"attendees", func(b body) body { return with(b, "attendees", []body{{"organisation": "Met"}}) }},
			},
			refusals: []refusal{
				{name: "an unknown meeting", edit: func(_ *fixture, b body) body { return with(b, "meeting_id", "M99") }, code: EInvalid, field: "meeting_id"},
				{name: "a meeting already held", before: func(f *fixture) {
					f.scheduled()
					f.must("strategy-meeting-held", aSW, body{"meeting_id": f.c.Meetings[0].ID, "held_at": ts(4 * time.Hour), "format": FormatMeeting, "outcome": "Held."})
				}, code: EConflict},
			},
			wording: []string{"outcome"},
		},
		{
			step: "strategy-meeting-held", variant: "a meeting after a phone discussion", by: aSW,
			setup: func(f *fixture) {
				f.referred()
				f.must("strategy-meeting-held", aSW, body{"held_at": ts(4 * time.Hour), "format": FormatPhone, "outcome": "Spoke to the police."})
			},
			body: func(*fixture) body {
				return body{"held_at": ts(6 * time.Hour), "format": FormatMeeting, "outcome": "Safety plan agreed."}
			},
			opens:  []policy.RuleID{policy.TellYoungPerson},
			closes: []policy.RuleID{policy.StrategyMeeting},
			want: func(t *testing.T, f *fixture, res Result) {
				if len(f.c.Meetings) != 2 || f.c.Meetings[1].ID != res.Ref || f.c.Meetings[1].Format != FormatMeeting {
					t.Errorf("meetings %+v, result ref %q", f.c.Meetings, res.Ref)
				}
			},
		},
		{
			step: "conference", variant: "initial", by: aSW, setup: func(f *fixture) { f.referred(); f.decided(DecisionS47) },
			body: func(*fixture) body {
				return body{"kind": "initial", "held_at": ts(5 * time.Hour), "child_protection_plan": true, "outcome": "Plan made."}
			},
			opens:  []policy.RuleID{policy.RCPCFirst, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.ICPC},
			want: func(t *testing.T, f *fixture, _ Result) {
				if k := f.c.Conferences; len(k) != 1 || k[0].Kind != "initial" || !k[0].Plan || k[0].Outcome != "Plan made." {
					t.Errorf("conferences %+v", k)
				}
			},
			required: []string{"kind", "held_at"},
			refusals: []refusal{
				{name: "a second initial conference", before: func(f *fixture) { f.referred(); f.decided(DecisionS47); f.conference("initial") }, code: EConflict},
				{name: "a review before the initial conference", edit: func(_ *fixture, b body) body { return with(b, "kind", "review") }, code: EConflict},
			},
		},
		{
			step: "conference", variant: "review", by: aManager, setup: func(f *fixture) { f.referred(); f.decided(DecisionS47); f.conference("initial") },
			body: func(*fixture) body {
				return body{"kind": "review", "held_at": ts(6 * time.Hour), "child_protection_plan": true}
			},
			opens:  []policy.RuleID{policy.RCPCNext, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.RCPCFirst},
		},
		{
			step: "action-done", by: aCarer, setup: func(f *fixture) { f.agreedActions() },
			body: func(f *fixture) body {
				return body{"action_id": f.open(MeetingAction)[0].ID, "completed_at": ts(6 * time.Hour), "note": "Diary kept."}
			},
			closes: []policy.RuleID{MeetingAction},
			want: func(t *testing.T, f *fixture, res Result) {
				a := f.c.action(res.Ref)
				if a.Status != ActionDone || a.Note != "Diary kept." || *a.ClosedBy != aCarer || !a.ClosedAt.Equal(t0.Add(6*time.Hour)) {
					t.Fatalf("action %+v", a)
				}
				if !f.hasEntry("action-done", a.ID, "Done: Keep a diary of phone use") {
					t.Error("no timeline entry")
				}
			},
			required: []string{"action_id", "completed_at"},
			refusals: []refusal{
				{name: "an unknown action", edit: func(_ *fixture, b body) body { return with(b, "action_id", "A999") }, code: EInvalid, field: "action_id"},
				{name: "an action the carer may not see", edit: func(f *fixture, b body) body { return with(b, "action_id", f.c.Meetings[0].Actions[1]) },
					code: EInvalid, field: "action_id"},
				{name: "a policy action", edit: func(f *fixture, b body) body { return with(b, "action_id", f.open(policy.PoliceReport)[0].ID) }, code: EConflict},
				{name: "someone else's action", by: aFSW, code: EForbidden},
				{name: "an action already done", before: func(f *fixture) {
					f.agreedActions()
					f.must("action-done", aCarer, body{"action_id": f.open(MeetingAction)[0].ID, "completed_at": ts(5 * time.Hour)})
				}, edit: func(f *fixture, b body) body { return with(b, "action_id", f.c.Meetings[0].Actions[0]) }, code: EConflict},
			},
		},
		{
			step: "action-done", variant: "an action agreed for the carers, no one named", by: otherCare,
			setup: func(f *fixture) {
				f.must("team", aManager, body{"add_carers": []string{"carer-2"}, "reason": "Placed with both carers."})
				f.must("strategy-meeting-held", aSW, body{"held_at": ts(4 * time.Hour), "format": FormatMeeting, "outcome": "Plan.",
					"actions": []body{{"title": "Keep the phone out of the bedroom", "owner_role": "carer", "due": ts(7 * 24 * time.Hour)}}})
			},
			body: func(f *fixture) body {
				return body{"action_id": f.open(MeetingAction)[0].ID, "completed_at": ts(6 * time.Hour)}
			},
			closes: []policy.RuleID{MeetingAction},
		},
		{
			step: "nrm-request", by: aSW,
			body: func(*fixture) body { return body{"requested_at": ts(2 * time.Hour), "requested_of": "police"} },
			want: func(t *testing.T, f *fixture, _ Result) {
				if r := f.c.NRM.Requests; len(r) != 1 || r[0].RequestedOf != "police" || r[0].By != aSW {
					t.Fatalf("requests %+v", r)
				}
				if len(f.open(policy.NRMRequest)) != 1 || f.c.NRM.Status() != "referral requested from the police" {
					t.Errorf("asking for the referral ended its clock, or the status is %q", f.c.NRM.Status())
				}
			},
			required: []string{"requested_at", "requested_of"},
			refusals: []refusal{
				{name: "a referral already recorded", before: func(f *fixture) { f.nrmReferred() }, code: EConflict},
			},
		},
		{
			step: "nrm-referral", by: aSW,
			body: func(*fixture) body {
				return body{"submitted_at": ts(2 * time.Hour), "reference": "N-1", "first_responder": "local-authority", "referred_by": "LA duty team"}
			},
			opens:  []policy.RuleID{policy.NRMRGDecision, policy.Age18Consent},
			closes: []policy.RuleID{policy.NRMRequest},
			want: func(t *testing.T, f *fixture, _ Result) {
				if r := f.c.NRM.Referral; r == nil || r.Reference != "N-1" || r.FirstResponder != "local-authority" || r.ReferredBy != "LA duty team" {
					t.Fatalf("referral %+v", r)
				}
				birthday, _ := f.c.Child.DateOfBirth.Birthday(18)
				if consent := f.open(policy.Age18Consent)[0]; !consent.StartedAt.Equal(birthday) {
					t.Errorf("the consent clock starts %v, want the 18th birthday %v", consent.StartedAt, birthday)
				}
				if f.c.Stage() != StageNRMReferred {
					t.Errorf("stage %s", f.c.Stage())
				}
			},
			required: []string{"submitted_at", "reference", "first_responder"},
			malformed: []malformed{
				{"first_responder", func(b body) body { return with(b, "first_responder", "the-agency") }},
			},
			refusals: []refusal{
				{name: "a referral already recorded", before: func(f *fixture) { f.nrmReferred() }, code: EConflict},
			},
		},
		{
			step: "nrm-not-referred", by: aManager,
			body: func(*fixture) body {
				return body{"decided_at": ts(2 * time.Hour), "reason": "No grounds after the strategy meeting.", "decided_by": "LA team manager"}
			},
			opens:  []policy.RuleID{policy.TellYoungPerson},
			closes: []policy.RuleID{policy.NRMRequest},
			want: func(t *testing.T, f *fixture, res Result) {
				if n := f.c.NRM.NotReferred; len(n) != 1 || n[0].DecidedBy != "LA team manager" || n[0].By != aManager {
					t.Fatalf("not referred %+v", n)
				}
				if a := f.c.action(res.Closed[0]); a.Status != ActionResolved || !strings.Contains(a.Note, "by LA team manager: No grounds") {
					t.Errorf("the referral clock ended %s with %q", a.Status, a.Note)
				}
			},
			required: []string{"decided_at", "reason", "decided_by"},
			refusals: []refusal{
				{name: "a referral already recorded", before: func(f *fixture) { f.nrmReferred() }, code: EConflict},
			},
		},
		{
			step: "nrm-rg-decision", by: aSW, setup: func(f *fixture) { f.nrmReferred() },
			body:   func(*fixture) body { return body{"decided_at": ts(3 * time.Hour), "outcome": "positive"} },
			opens:  []policy.RuleID{policy.NRMCGDecision, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.NRMRGDecision},
			want: func(t *testing.T, f *fixture, _ Result) {
				n := f.c.NRM
				if n.RG == nil || n.RG.Outcome != "positive" || n.RG.Kind != decisionRG || !n.RecoveryUntil.After(t0.Add(3*time.Hour)) {
					t.Fatalf("NRM %+v", n)
				}
			},
			required: []string{"decided_at", "outcome"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "pending") }},
			},
			refusals: []refusal{
				{name: "no referral", before: none, code: EConflict},
				{name: "a decision already recorded", before: func(f *fixture) { f.nrmReferred(); f.rg("negative") }, code: EConflict},
				{name: "a decision before the referral", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(time.Hour)) }, code: EInvalid, field: "decided_at"},
			},
		},
		{
			step: "nrm-cg-decision", by: aSW, setup: func(f *fixture) { f.nrmReferred(); f.rg("positive") },
			body:   func(*fixture) body { return body{"decided_at": ts(4 * time.Hour), "outcome": "negative"} },
			opens:  []policy.RuleID{policy.NRMChallenge, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.NRMCGDecision},
			want: func(t *testing.T, f *fixture, _ Result) {
				if cg := f.c.NRM.CG; cg == nil || cg.Outcome != "negative" || cg.Kind != decisionCG || f.c.Stage() != StageCGDecided {
					t.Fatalf("CG %+v, stage %s", cg, f.c.Stage())
				}
			},
			required: []string{"decided_at", "outcome"},
			refusals: []refusal{
				{name: "no Reasonable Grounds decision", before: func(f *fixture) { f.nrmReferred() }, code: EConflict},
				{name: "a negative Reasonable Grounds decision", before: func(f *fixture) { f.nrmReferred(); f.rg("negative") }, code: EConflict},
				{name: "a decision already recorded", before: func(f *fixture) {
					f.nrmReferred()
					f.rg("positive")
					f.must("nrm-cg-decision", aSW, body{"decided_at": ts(4 * time.Hour), "outcome": "positive"})
				}, code: EConflict},
				{name: "a decision before the Reasonable Grounds one", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(2*time.Hour)) },
					code: EInvalid, field: "decided_at"},
			},
		},
		{
			step: "nrm-reconsideration", by: aSW, setup: func(f *fixture) { f.nrmReferred(); f.rg("negative") },
			body: func(*fixture) body {
				return body{"decision": decisionRG, "requested_at": ts(4 * time.Hour), "reason": "New evidence from the police."}
			},
			opens:  []policy.RuleID{policy.NRMRGDecision},
			closes: []policy.RuleID{policy.NRMChallenge},
			want: func(t *testing.T, f *fixture, res Result) {
				r := f.c.NRM.Reconsiderations
				if len(r) != 1 || !r[0].Pending || r[0].Decision != decisionRG || r[0].Reason != "New evidence from the police." {
					t.Fatalf("reconsiderations %+v", r)
				}
				if a := f.c.action(res.Opened[0]); !a.StartedAt.Equal(t0.Add(4*time.Hour)) || a.Ref != "reconsideration" {
					t.Errorf("the decision clock does not run from the request: %+v", a)
				}
			},
			required: []string{"decision", "requested_at", "reason"},
			refusals: []refusal{
				{name: "no decision", before: func(f *fixture) { f.nrmReferred() }, code: EConflict},
				{name: "a positive decision", before: func(f *fixture) { f.nrmReferred(); f.rg("positive") }, code: EConflict},
				{name: "a reconsideration already pending", before: func(f *fixture) {
					f.nrmReferred()
					f.rg("negative")
					f.must("nrm-reconsideration", aSW, body{"decision": decisionRG, "requested_at": ts(4 * time.Hour), "reason": "x"})
				}, code: EConflict},
			},
		},
		{
			step: "adult-consent", by: aSW, setup: func(f *fixture) { f.nrmReferred(); f.env.now = time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC) },
			body:   func(*fixture) body { return body{"recorded_at": "2027-02-10T11:00:00Z", "consent": "given"} },
			closes: []policy.RuleID{policy.Age18Consent},
			want: func(t *testing.T, f *fixture, _ Result) {
				if c := f.c.NRM.AdultConsent; c == nil || c.Consent != "given" {
					t.Fatalf("consent %+v", c)
				}
			},
			required: []string{"recorded_at", "consent"},
			refusals: []refusal{
				{name: "no referral", before: func(f *fixture) { f.env.now = time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC) }, code: EConflict},
				{name: "no date of birth", from: allocatedCrisisCase, before: func(f *fixture) {
					f.nrmReferred()
					f.env.now = time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC)
				}, code: EConflict},
				{name: "more than 30 days before the birthday", edit: func(_ *fixture, b body) body { return with(b, "recorded_at", "2027-01-10T11:00:00Z") },
					code: EInvalid, field: "recorded_at"},
			},
		},
		{
			step: "age-assessment", variant: "an adult", by: aSW,
			body: func(*fixture) body {
				return body{"assessed_at": ts(2 * time.Hour), "assessed_by": "Birmingham Children's Services, two qualified social workers",
					"date_of_birth": "2008-06-01", "note": "Assessed with a Tigrinya interpreter."}
			},
			opens: []policy.RuleID{policy.ConfirmAdulthood},
			want: func(t *testing.T, f *fixture, res Result) {
				a := f.c.Age.Assessments
				if len(a) != 1 || a[0].ID != res.Ref || a[0].Outcome != AssessedAdult || a[0].Age != 18 || a[0].RecordedBy != aSW || a[0].AssessedBy == "" {
					t.Fatalf("assessments %+v", a)
				}
				if f.c.Child.DateOfBirth != "2008-06-01" || f.c.Child.AgeDisputed || f.c.Child.AssessedAge != 18 {
					t.Errorf("the child's age after the assessment: %+v", f.c.Child)
				}
				confirm := f.open(policy.ConfirmAdulthood)
				if len(confirm) != 1 || confirm[0].Owner != (Owner{Role: RoleSafeguardingLead}) || f.c.Age.Proposal == nil || f.c.Age.Proposal.ActionID != confirm[0].ID {
					t.Errorf("the move to adulthood is not put to the Safeguarding Lead: %+v, %+v", confirm, f.c.Age.Proposal)
				}
				if len(f.open(policy.CarePlan)) != 1 || len(f.open(policy.CSCReferral)) != 1 || len(f.open(policy.ICTGReferral)) != 1 || !f.c.TurnedAdult.IsZero() {
					t.Error("an assessment ended child clocks")
				}
				if !f.hasEntry("age-assessment", res.Ref, "an adult of 18") || !f.hasEntry("adulthood-proposed", confirm[0].ID, "Confirming it would end: ") {
					t.Errorf("timeline %+v", f.c.Timeline)
				}
			},
			required: []string{"assessed_at", "assessed_by", "date_of_birth"},
			malformed: []malformed{
				{"assessed_at", func(b body) body { return with(b, "assessed_at", ts(48*time.Hour)) }},
				{"date_of_birth", func(b body) body { return with(b, "date_of_birth", "1 June 2008") }},
				{"date_of_birth", func(b body) body {
					return with(with(b, "assessed_at", ts(-72*time.Hour)), "date_of_birth", "2026-11-01")
				}},
			},
			refusals: []refusal{
				{name: "a case on earlier rules", from: func(t *testing.T) *fixture { return newCaseOn(t, "E1", RulesFailSafe) }, code: EConflict},
			},
			wording: []string{"note"},
		},
		{
			step: "age-assessment", variant: "a child whose age was disputed", by: aManager, from: disputedCase,
			body: func(*fixture) body {
				return body{"assessed_at": ts(2 * time.Hour), "assessed_by": "Merton-compliant assessment, Croydon", "date_of_birth": "2010-09-01"}
			},
			want: func(t *testing.T, f *fixture, res Result) {
				if a := f.c.Age.Assessments; len(a) != 1 || a[0].Outcome != AssessedChild || a[0].Age != 16 {
					t.Fatalf("assessments %+v", a)
				}
				if f.c.Child.AgeDisputed || f.c.Child.DateOfBirth != "2010-09-01" || f.c.Age.Proposal != nil || !f.c.AdulthoodDue(time.Date(2028, 9, 1, 0, 0, 0, 0, london)) {
					t.Errorf("after assessing a child: %+v, proposal %+v", f.c.Child, f.c.Age.Proposal)
				}
			},
		},
		{
			step: "adulthood", by: aLead,
			setup: func(f *fixture) {
				f.env.now = time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC) // born 1 March 2009
				f.c.ActOnAdulthood(f.env)
			},
			body: func(*fixture) body {
				return body{"decided_at": "2027-03-02T11:00:00Z", "reason": "Passport seen; placed with adult services."}
			},
			opens:  []policy.RuleID{policy.Transition},
			closes: []policy.RuleID{policy.ConfirmAdulthood, policy.CarePlan, policy.CSCReferral, policy.ICTGReferral},
			want: func(t *testing.T, f *fixture, _ Result) {
				birthday := time.Date(2027, 3, 1, 0, 0, 0, 0, london)
				d := f.c.Age.Confirmations
				if !f.c.TurnedAdult.Equal(birthday) || len(d) != 1 || d[0].By != aLead || len(d[0].Ended) != 3 || !d[0].AdultSince.Equal(birthday) {
					t.Fatalf("turned adult %v, confirmations %+v", f.c.TurnedAdult, d)
				}
				for _, id := range d[0].Ended {
					a := f.c.action(id)
					if a.Status != ActionResolved || a.EndedBy != endedByAdulthood || a.ClosedBy == nil || *a.ClosedBy != aLead || !strings.Contains(a.Note, "Passport seen") {
						t.Errorf("child clock %s ended as %+v", id, a)
					}
				}
				if !f.hasEntry("adulthood-confirmed", "", "Child clocks ended: Agree the care plan") {
					t.Errorf("the timeline does not list what ended: %+v", f.c.Timeline)
				}
			},
			required: []string{"decided_at", "reason"},
			malformed: []malformed{
				{"decided_at", func(b body) body { return with(b, "decided_at", "2027-03-05T11:00:00Z") }},
			},
			refusals: []refusal{
				{name: "before the 18th birthday", edit: func(_ *fixture, b body) body { return with(b, "decided_at", "2027-02-28T11:00:00Z") },
					code: EInvalid, field: "decided_at"},
				{name: "an age-disputed young person", from: disputedCase, code: EConflict},
				{name: "no date of birth", from: allocatedCrisisCase, code: EConflict},
				{name: "already confirmed", before: func(f *fixture) {
					f.env.now = time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
					f.must("adulthood", aManager, body{"decided_at": "2027-03-02T10:00:00Z", "reason": "Confirmed."})
				}, code: EConflict},
				{name: "a case on earlier rules", from: func(t *testing.T) *fixture { return newCaseOn(t, "E1", RulesFailSafe) }, code: EConflict},
			},
		},
		{
			step: "ictg-referral", by: aSW,
			body:   func(*fixture) body { return body{"referred_at": ts(2 * time.Hour)} },
			opens:  []policy.RuleID{policy.ICTGAssignment},
			closes: []policy.RuleID{policy.ICTGReferral},
			want: func(t *testing.T, f *fixture, _ Result) {
				if r := f.c.ICTG.Referral; r == nil || !r.At.Equal(t0.Add(2*time.Hour)) || r.By != aSW {
					t.Fatalf("ICTG referral %+v", r)
				}
			},
			required: []string{"referred_at"},
			refusals: []refusal{
				{name: "an LA that is not an ICTG site", from: func(t *testing.T) *fixture { return newCase(t, "NOT-ICTG") }, code: EConflict},
				{name: "a referral already recorded", before: func(f *fixture) { f.ictgReferred() }, code: EConflict},
			},
		},
		{
			step: "ictg-assignment", by: aSW, setup: func(f *fixture) { f.ictgReferred() },
			body: func(*fixture) body {
				return body{"assigned_at": ts(3 * time.Hour), "guardian_type": GuardianCoordinator, "reference": "G-1"}
			},
			opens:  []policy.RuleID{policy.TellYoungPerson},
			closes: []policy.RuleID{policy.ICTGAssignment},
			want: func(t *testing.T, f *fixture, _ Result) {
				if g := f.c.ICTG.Guardian; g == nil || g.Type != GuardianCoordinator || g.Reference != "G-1" {
					t.Fatalf("guardian %+v", g)
				}
			},
			required: []string{"assigned_at", "guardian_type"},
			refusals: []refusal{
				{name: "no referral", before: none, code: EConflict},
				{name: "a guardian already assigned", before: func(f *fixture) {
					f.ictgReferred()
					f.must("ictg-assignment", aSW, body{"assigned_at": ts(3 * time.Hour), "guardian_type": GuardianCoordinator})
				}, code: EConflict},
				{name: "a Direct Worker when someone in the UK holds parental responsibility",
					edit: func(_ *fixture, b body) body { return with(b, "guardian_type", GuardianDirectWorker) }, code: EConflict},
				{name: "a coordinator when nobody in the UK does", before: func(f *fixture) {
					f.ictgReferred()
					f.must("parental-responsibility", aSW, body{"holder": PRNoneInUK})
				}, code: EConflict},
				{name: "parental responsibility unknown", from: allocatedCrisisCase, code: EConflict},
			},
		},
		{
			step: "parental-responsibility", by: aSW,
			body: func(*fixture) body { return body{"holder": PRNoneInUK} },
			want: func(t *testing.T, f *fixture, _ Result) {
				if f.c.Child.ParentalResponsibility != PRNoneInUK || !f.hasEntry("parental-responsibility", "", PRNoneInUK) {
					t.Fatalf("parental responsibility %q", f.c.Child.ParentalResponsibility)
				}
				// It decides the guardian: nobody in the UK holds it, so a Direct Worker.
				f.ictgReferred()
				f.refuse("ictg-assignment", aSW, body{"assigned_at": ts(3 * time.Hour), "guardian_type": GuardianCoordinator}, EConflict)
				f.must("ictg-assignment", aSW, body{"assigned_at": ts(3 * time.Hour), "guardian_type": GuardianDirectWorker})
			},
			required: []string{"holder"},
			malformed: []malformed{
				{"holder", func(b body) body { return with(b, "holder", PRUnknown) }},
			},
		},
		{
			step: "care-plan-contribution", by: aFSW,
			body: func(*fixture) body { return body{"topic": "School", "text": "Settling in well."} },
			want: func(t *testing.T, f *fixture, res Result) {
				k := f.c.CarePlan.Contributions
				if len(k) != 1 || k[0].ID != res.Ref || k[0].By != aFSW || k[0].Topic != "School" || k[0].Text != "Settling in well." || !k[0].At.Equal(f.env.now) {
					t.Fatalf("contributions %+v, result ref %q", k, res.Ref)
				}
			},
			required: []string{"text"},
			malformed: []malformed{
				{"text", func(b body) body { return with(b, "text", strings.Repeat("x", maxLongText+1)) }},
			},
			wording: []string{"text", "topic"},
		},
		{
			step: "young-person-views", by: aCarer,
			body: func(*fixture) body {
				return body{"recorded_at": ts(2 * time.Hour), "views": "I want to stay at my school.", "how": "Told his carer"}
			},
			want: func(t *testing.T, f *fixture, res Result) {
				v := f.c.CarePlan.Views
				if len(v) != 1 || v[0].ID != res.Ref || v[0].Views != "I want to stay at my school." || v[0].How != "Told his carer" || v[0].By != aCarer {
					t.Fatalf("views %+v, result ref %q", v, res.Ref)
				}
				// The young person's words are theirs: the wording check never applies to them.
				s, _ := StepNamed("young-person-views")
				req := f.request(aCarer, body{"recorded_at": ts(3 * time.Hour), "views": "It was my lifestyle choice."})
				if err := f.c.Check(s, req, f.env.now, Access{Wording: wordingList{}}); err != nil {
					t.Errorf("the young person's own words were queried: %v", err)
				}
			},
			required: []string{"recorded_at", "views"},
		},
		{
			step: "care-plan-agreed", by: aSW, setup: func(f *fixture) { f.contributed() },
			body: func(*fixture) body {
				return body{"agreed_at": ts(3 * time.Hour), "summary": "Stay in placement; school support.", "next_review_by": ts(3*time.Hour + 14*24*time.Hour)}
			},
			opens:  []policy.RuleID{policy.CarePlanReview, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.CarePlan},
			want: func(t *testing.T, f *fixture, res Result) {
				if a := f.c.CarePlan.Agreed; a == nil || a.Summary != "Stay in placement; school support." || a.By != aSW {
					t.Fatalf("agreement %+v", a)
				}
				review := f.c.action(res.Opened[0])
				policyDue := f.env.Deadline(policy.CarePlanReview, t0.Add(3*time.Hour), "E1", 0).Due
				if !review.Due.Equal(t0.Add(3*time.Hour+14*24*time.Hour)) || !review.OriginalDue.Equal(policyDue) {
					t.Errorf("first review due %v (policy's %v), want brought forward to the agreed date", review.Due, review.OriginalDue)
				}
			},
			required: []string{"agreed_at", "summary"},
			malformed: []malformed{
				{"next_review_by", func(b body) body { return with(b, "next_review_by", ts(2*time.Hour)) }},
			},
			refusals: []refusal{
				{name: "a plan already agreed", before: func(f *fixture) { f.contributed(); f.agreed() }, code: EConflict},
				{name: "no contribution from the carer or the fostering social worker", before: none, code: EInvalid, field: "no_contribution_reason"},
			},
			wording: []string{"summary"},
		},
		{
			step: "care-plan-agreed", variant: "a review date later than the policy's", by: aSW, setup: func(f *fixture) { f.contributed() },
			body: func(*fixture) body {
				return body{"agreed_at": ts(3 * time.Hour), "summary": "Plan.", "next_review_by": ts(3*time.Hour + 90*24*time.Hour)}
			},
			opens:  []policy.RuleID{policy.CarePlanReview, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.CarePlan},
			want: func(t *testing.T, f *fixture, res Result) {
				review := f.c.action(res.Opened[0])
				if policyDue := f.env.Deadline(policy.CarePlanReview, t0.Add(3*time.Hour), "E1", 0).Due; !review.Due.Equal(policyDue) || !review.OriginalDue.IsZero() {
					t.Errorf("first review due %v, want the policy's %v: a review is never put off", review.Due, policyDue)
				}
			},
		},
		{
			step: "care-plan-review", by: aSW, setup: func(f *fixture) { f.contributed(); f.agreed() },
			body: func(*fixture) body {
				return body{"held_at": ts(5 * time.Hour), "outcome": "On track.", "next_review_by": ts(5*time.Hour + 7*24*time.Hour)}
			},
			opens:  []policy.RuleID{policy.CarePlanReview, policy.TellYoungPerson},
			closes: []policy.RuleID{policy.CarePlanReview},
			want: func(t *testing.T, f *fixture, res Result) {
				if r := f.c.CarePlan.Reviews; len(r) != 1 || r[0].Outcome != "On track." || r[0].By != aSW || !r[0].NextReviewBy.Equal(t0.Add(5*time.Hour+7*24*time.Hour)) {
					t.Fatalf("reviews %+v", r)
				}
				if next := f.c.action(res.Opened[0]); !next.Due.Equal(t0.Add(5*time.Hour+7*24*time.Hour)) || next.Occurrence != 1 {
					t.Errorf("next review %+v", next)
				}
			},
			required: []string{"held_at", "outcome"},
			malformed: []malformed{
				{"next_review_by", func(b body) body { return with(b, "next_review_by", ts(4*time.Hour)) }},
			},
			refusals: []refusal{
				{name: "no agreed plan", before: none, code: EConflict},
			},
			wording: []string{"outcome"},
		},
		{
			step: "missing-episode", variant: "back and reported", by: aCarer,
			body: func(*fixture) body {
				return body{"went_missing_at": ts(2 * time.Hour), "returned_at": ts(4 * time.Hour), "reported_to_police": true, "police_reference": "MISS-9"}
			},
			opens: []policy.RuleID{policy.MissingNotifySW, policy.MissingNotifyLead, policy.ReturnInterview},
			want: func(t *testing.T, f *fixture, res Result) {
				e := f.c.episode(res.Ref)
				if e == nil || !e.ReturnedAt.Equal(t0.Add(4*time.Hour)) || !e.ReportedToPolice || e.PoliceReference != "MISS-9" || e.RecordedBy != aCarer {
					t.Fatalf("episode %+v", e)
				}
				if !f.hasEntry("missing", res.Ref, "") || !f.hasEntry("returned", res.Ref, "") {
					t.Error("the timeline does not record both the episode and the return")
				}
			},
			required: []string{"went_missing_at"},
			malformed: []malformed{
				{"returned_at", func(b body) body { return with(b, "returned_at", ts(time.Hour)) }},
				{"police_reference", func(b body) body { return with(b, "police_reference", strings.Repeat("x", maxShortText+1)) }},
			},
			refusals: []refusal{
				{name: "reported without the police reference", edit: func(_ *fixture, b body) body { return without(b, "police_reference") },
					code: EInvalid, field: "police_reference"},
			},
		},
		{
			step: "missing-episode", variant: "still missing", by: aCarer,
			body:  func(*fixture) body { return body{"went_missing_at": ts(2 * time.Hour)} },
			opens: []policy.RuleID{policy.MissingChild, policy.MissingPoliceReport, policy.MissingNotifySW, policy.MissingNotifyLead},
		},
		{
			step: "missing-return", by: aCarer, setup: func(f *fixture) { f.missing(false) },
			body:   func(f *fixture) body { return body{"episode_id": f.c.Missing[0].ID, "returned_at": ts(4 * time.Hour)} },
			opens:  []policy.RuleID{policy.ReturnInterview},
			closes: []policy.RuleID{policy.MissingChild},
			want: func(t *testing.T, f *fixture, res Result) {
				if e := f.c.episode(res.Ref); e == nil || !e.ReturnedAt.Equal(t0.Add(4*time.Hour)) {
					t.Fatalf("episode %+v", e)
				}
				if interview := f.c.action(res.Opened[0]); interview.Ref != res.Ref || interview.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) {
					t.Errorf("return interview %+v", interview)
				}
			},
			required: []string{"episode_id", "returned_at"},
			refusals: []refusal{
				{name: "an unknown episode", edit: func(_ *fixture, b body) body { return with(b, "episode_id", "E99") }, code: EInvalid, field: "episode_id"},
				{name: "a return already recorded", before: func(f *fixture) { f.missing(true) }, code: EConflict},
				{name: "a return before the child went missing", edit: func(_ *fixture, b body) body { return with(b, "returned_at", ts(time.Hour)) },
					code: EInvalid, field: "returned_at"},
			},
		},
		{
			step: "return-interview", by: aSW, setup: func(f *fixture) { f.missing(true) },
			body:   func(f *fixture) body { return body{"episode_id": f.c.Missing[0].ID, "held_at": ts(6 * time.Hour)} },
			closes: []policy.RuleID{policy.ReturnInterview},
			want: func(t *testing.T, f *fixture, res Result) {
				if e := f.c.episode(res.Ref); e.Interview != InterviewHeld || !e.InterviewAt.Equal(t0.Add(6*time.Hour)) || !f.hasEntry("return-interview", res.Ref, "held") {
					t.Fatalf("episode %+v", e)
				}
			},
			required: []string{"episode_id", "held_at"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "missed") }},
				{"offered_by", func(b body) body { return with(b, "outcome", InterviewDeclined) }},
			},
			refusals: []refusal{
				{name: "an unknown episode", edit: func(_ *fixture, b body) body { return with(b, "episode_id", "E99") }, code: EInvalid, field: "episode_id"},
				{name: "the child not back", before: func(f *fixture) { f.missing(false) }, code: EConflict},
				{name: "an interview already recorded", before: func(f *fixture) {
					f.missing(true)
					f.must("return-interview", aSW, body{"episode_id": f.c.Missing[0].ID, "held_at": ts(5 * time.Hour)})
				}, code: EConflict},
				{name: "no interpreter for a child who needs one", before: func(f *fixture) { f.missing(true); f.needsInterpreter() }, code: EInvalid, field: "interpreter"},
			},
		},
		{
			step: "return-interview", variant: "declined", by: aSW, setup: func(f *fixture) { f.missing(true); f.needsInterpreter() },
			body: func(f *fixture) body {
				return body{"episode_id": f.c.Missing[0].ID, "held_at": ts(6 * time.Hour), "outcome": InterviewDeclined, "offered_by": "Independent return worker"}
			},
			closes: []policy.RuleID{policy.ReturnInterview},
			want: func(t *testing.T, f *fixture, res Result) {
				if e := f.c.episode(res.Ref); e.Interview != InterviewDeclined || e.InterviewOffered != "Independent return worker" {
					t.Fatalf("episode %+v", e)
				}
				if !f.hasEntry("return-interview", res.Ref, "offered by Independent return worker and declined") {
					t.Error("the timeline does not say the interview was offered and declined")
				}
			},
		},
		{
			step: "allegation", variant: "against a carer", by: aLead,
			body: func(*fixture) body {
				return body{"received_at": ts(2 * time.Hour), "against_user": "carer-1", "against_role": "carer", "summary": "Seen with the exploiters."}
			},
			// Carers or staff involved in exploitation are reported "to the police and to the
			// local authority designated officer and DBS" (the agency policy).
			opens: []policy.RuleID{policy.LADO, policy.AllegationPolice, policy.DBSReferral},
			want: func(t *testing.T, f *fixture, res Result) {
				al := f.c.allegation(res.Ref)
				if al == nil || al.AgainstUser != "carer-1" || al.By != aLead || f.c.IsCarer("carer-1") || !f.c.isExcluded("carer-1") || len(f.c.Revoked) != 1 {
					t.Fatalf("allegation %+v; carers %v, excluded %v", al, f.c.Carers, f.c.Excluded)
				}
				if police := f.open(policy.PoliceReport)[0]; police.Owner != (Owner{Role: RoleManager}) || police.HandedFrom.UserID != "carer-1" {
					t.Errorf("the accused carer's action %+v", police)
				}
				if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Kind != "allegation" || !e.Restricted || e.Ref != res.Ref {
					t.Errorf("timeline entry %+v", e)
				}
			},
			required: []string{"received_at", "against_user", "against_role", "summary"},
			malformed: []malformed{
				{"against_role", func(b body) body { return with(b, "against_role", "neighbour") }},
			},
			refusals: []refusal{
				{name: "an allegation about oneself", by: aSW, edit: func(_ *fixture, b body) body {
					return with(with(b, "against_user", "sw-1"), "against_role", "social_worker")
				}, code: EConflict},
			},
			wording: []string{"summary"},
		},
		{
			step: "allegation", variant: "urgent, of an offence", by: aManager,
			body: func(*fixture) body {
				return body{"received_at": ts(2 * time.Hour), "against_user": "staff-9", "against_role": "manager", "summary": "x", "urgent": true, "possible_offence": true}
			},
			opens: []policy.RuleID{policy.LADOUrgent, policy.AllegationPolice, policy.DBSReferral},
		},
		{
			step: "allegation", variant: "under the fail-safe rules, of no offence", by: aLead, from: failSafeCase,
			body: func(*fixture) body {
				return body{"received_at": ts(2 * time.Hour), "against_user": "carer-1", "against_role": "carer", "summary": "Seen with the exploiters.", "urgent": true}
			},
			opens: []policy.RuleID{policy.LADOUrgent},
		},
		allegationReferralRow("lado-informed", policy.LADO, func(a *Allegation) string { return a.LADORef }),
		allegationReferralRow("allegation-police-report", policy.AllegationPolice, func(a *Allegation) string { return a.PoliceRef }),
		allegationReferralRow("dbs-referral", policy.DBSReferral, func(a *Allegation) string { return a.DBSRef }),
		declinedReferralRow(ReferralPolice, policy.AllegationPolice),
		declinedReferralRow(ReferralDBS, policy.DBSReferral),
		{
			step: StepHouseholdExclusion, by: aLead, setup: func(f *fixture) { f.placedWith("carer-7") },
			body: func(*fixture) body {
				return body{"against_user": "carer-7", "against_role": "carer", "other_case": "c2", "reason": "Accused on the case of the child's sister, placed in the same home."}
			},
			want: func(t *testing.T, f *fixture, _ Result) {
				f.wantExcluded(t, "carer-7", "c2")
			},
			required: []string{"against_user", "against_role", "reason"},
			malformed: []malformed{
				{"against_role", func(b body) body { return with(b, "against_role", "neighbour") }},
				{"other_case", func(b body) body { return with(b, "other_case", "not an id!") }},
			},
			refusals: []refusal{
				{name: "already excluded", before: func(f *fixture) {
					f.placedWith("carer-7")
					f.must("allegation", aLead, body{"received_at": ts(time.Hour), "against_user": "carer-7", "against_role": "carer", "summary": "Involved."})
				}, code: EConflict},
				{name: "oneself", edit: func(_ *fixture, b body) body {
					return with(with(b, "against_user", aLead.UserID), "against_role", "safeguarding_lead")
				}, code: EConflict},
				{name: "this case as the other child's", edit: func(f *fixture, b body) body { return with(b, "other_case", f.c.ID) }, code: EInvalid, field: "other_case"},
			},
		},
		{
			step: StepLinkedExclusion, by: caseflowItself, setup: func(f *fixture) {
				f.placedWith("carer-7")
				f.must(StepLinkCase, aSW, body{"case_id": "c2", "reason": "Raised twice."})
			},
			body: func(*fixture) body {
				return body{"from_case": "c2", "against_user": "carer-7", "against_role": "carer"}
			},
			want: func(t *testing.T, f *fixture, _ Result) {
				f.wantExcluded(t, "carer-7", "c2")
			},
			required:  []string{"from_case", "against_user", "against_role"},
			malformed: []malformed{{"against_role", func(b body) body { return with(b, "against_role", "neighbour") }}},
			refusals: []refusal{
				{name: "a case it is not linked to", edit: func(_ *fixture, b body) body { return with(b, "from_case", "c3") }, code: EInvalid, field: "from_case"},
				{name: "already excluded", before: func(f *fixture) {
					f.placedWith("carer-7")
					f.must(StepLinkCase, aSW, body{"case_id": "c2", "reason": "Raised twice."})
					f.must("allegation", aLead, body{"received_at": ts(time.Hour), "against_user": "carer-7", "against_role": "carer", "summary": "Involved."})
				}, code: EConflict},
			},
		},
		{
			step: "suspected-offence", by: aSW,
			body: func(*fixture) body {
				return body{"suspected_at": ts(2 * time.Hour), "offence": "cannabis cultivation", "linked_to_exploitation": true}
			},
			want: func(t *testing.T, f *fixture, res Result) {
				o := f.c.Offences
				if len(o) != 1 || o[0].ID != res.Ref || !slices.Equal(o[0].Prompts, []string{PromptSection45, PromptCPS}) || o[0].NRMStatus != "not yet referred" {
					t.Fatalf("offences %+v", o)
				}
			},
			required: []string{"suspected_at", "offence"},
			wording:  []string{"offence"},
		},
		{
			step: "suspected-offence", variant: "not linked to the exploitation", by: aSW,
			body: func(*fixture) body { return body{"suspected_at": ts(2 * time.Hour), "offence": "shoplifting"} },
			want: func(t *testing.T, f *fixture, _ Result) {
				if p := f.c.Offences[0].Prompts; len(p) != 0 {
					t.Errorf("prompts %v for an offence not linked to the exploitation", p)
				}
			},
		},
		{
			step: "looked-after", by: aSW,
			body: func(*fixture) body {
				return body{"since": ts(2 * time.Hour), "placement_start": ts(3 * time.Hour), "long_term_placement": true}
			},
			opens: []policy.RuleID{policy.LACReview, policy.SWVisit},
			want: func(t *testing.T, f *fixture, _ Result) {
				l := f.c.LookedAfter
				if l == nil || !l.Since.Equal(t0.Add(2*time.Hour)) || !l.PlacementStart.Equal(t0.Add(3*time.Hour)) || !l.LongTerm {
					t.Fatalf("looked after %+v", l)
				}
				if visit := f.open(policy.SWVisit)[0]; !visit.StartedAt.Equal(l.PlacementStart) {
					t.Errorf("the first visit runs from %v, want the placement's start", visit.StartedAt)
				}
			},
			refusals: []refusal{
				{name: "already looked after", before: func(f *fixture) { f.lookedAfter() }, code: EConflict},
			},
		},
		{
			step: "lac-review", by: aSW, setup: func(f *fixture) { f.lookedAfter() },
			body:   func(*fixture) body { return body{"held_at": ts(5 * time.Hour)} },
			opens:  []policy.RuleID{policy.LACReview},
			closes: []policy.RuleID{policy.LACReview},
			want: func(t *testing.T, f *fixture, res Result) {
				next := f.c.action(res.Opened[0])
				if r := f.c.LookedAfter.Reviews; len(r) != 1 || next.Occurrence != 1 || !next.Due.Equal(f.env.Deadline(policy.LACReview, t0.Add(5*time.Hour), "E1", 1).Due) {
					t.Fatalf("reviews %v, next %+v: want the second review's limit from this one", r, next)
				}
			},
			required: []string{"held_at"},
			refusals: []refusal{
				{name: "a child not looked after", before: none, code: EConflict},
			},
		},
		{
			step: "sw-visit", by: aSW, setup: func(f *fixture) { f.lookedAfter() },
			body:   func(*fixture) body { return body{"visited_at": ts(5 * time.Hour)} },
			opens:  []policy.RuleID{policy.SWVisit},
			closes: []policy.RuleID{policy.SWVisit},
			want: func(t *testing.T, f *fixture, res Result) {
				next := f.c.action(res.Opened[0])
				if v := f.c.LookedAfter.Visits; len(v) != 1 || next.Occurrence != visitInFirstYear || !next.Due.Equal(f.env.Deadline(policy.SWVisit, t0.Add(5*time.Hour), "E1", visitInFirstYear).Due) {
					t.Fatalf("visits %v, next %+v: want the first year's limit", v, next)
				}
			},
			required: []string{"visited_at"},
			refusals: []refusal{
				{name: "a child not looked after", before: none, code: EConflict},
			},
		},
		{
			step: "contact", by: aSW,
			body: func(*fixture) body {
				return body{"name": "Accompanying adult", "relationship": "says he is an uncle", "restricted": true, "note": "Met at the airport."}
			},
			want: func(t *testing.T, f *fixture, res Result) {
				k := f.c.Contacts
				if len(k) != 1 || k[0].ID != res.Ref || !k[0].Restricted || k[0].Note != "Met at the airport." || !f.hasEntry("contact", res.Ref, "never share concerns") {
					t.Fatalf("contacts %+v", k)
				}
			},
			required: []string{"name", "relationship"},
		},
		{
			step: "disclosure-withdrawn", by: aCarer,
			body: func(*fixture) body { return body{"withdrawn_at": ts(2 * time.Hour), "note": "Said he made it up."} },
			want: func(t *testing.T, f *fixture, _ Result) {
				if w := f.c.Withdrawals; len(w) != 1 || w[0].Note != "Said he made it up." || w[0].By != aCarer || f.c.Closed() {
					t.Fatalf("withdrawals %+v", w)
				}
			},
			required: []string{"withdrawn_at"},
			wording:  []string{"note"},
		},
		{
			step: "due-date", by: aManager,
			body: func(f *fixture) body {
				care := f.open(policy.CarePlan)[0]
				return body{"action_id": care.ID, "due": care.Due.Add(10 * 24 * time.Hour).Format(time.RFC3339), "reason": "Court date."}
			},
			want: func(t *testing.T, f *fixture, res Result) {
				a := f.c.action(res.Ref)
				if !a.Due.Equal(a.OriginalDue.Add(10*24*time.Hour)) || a.OriginalDue.IsZero() || a.Level != LevelNone {
					t.Fatalf("moved action %+v", a)
				}
				if !f.hasEntry("due-changed", a.ID, "(Court date.); extension approved by the manager") {
					t.Error("the timeline does not record the approved extension")
				}
			},
			required: []string{"action_id", "due", "reason"},
			refusals: []refusal{
				{name: "an unknown action", edit: func(_ *fixture, b body) body { return with(b, "action_id", "A999") }, code: EInvalid, field: "action_id"},
				{name: "a due date before the action started", edit: func(_ *fixture, b body) body { return with(b, "due", ts(-time.Hour)) }, code: EInvalid, field: "due"},
				{name: "an extension by the social worker", by: aSW, code: EForbidden},
				{name: "an action already done", before: func(f *fixture) {
					f.must("police-report", aCarer, body{"reported_at": ts(time.Hour), "channel": "101", "reference": "P1"})
				}, edit: func(f *fixture, b body) body { return with(b, "action_id", f.actionOf(policy.PoliceReport).ID) }, code: EConflict},
			},
		},
		{
			step: "action-resolve", by: aLead,
			body: func(f *fixture) body {
				return body{"action_id": f.open(policy.NRMRequest)[0].ID, "reason": "Referred by the police directly."}
			},
			closes: []policy.RuleID{policy.NRMRequest},
			want: func(t *testing.T, f *fixture, res Result) {
				a := f.c.action(res.Ref)
				if a.Status != ActionResolved || a.Note != "Referred by the police directly." || *a.ClosedBy != aLead || a.EndedBy != "" {
					t.Fatalf("resolved action %+v", a)
				}
				if !f.hasEntry("action-resolved", a.ID, "(reason: Referred by the police directly.)") {
					t.Error("the timeline does not keep the reason")
				}
			},
			required: []string{"action_id", "reason"},
			refusals: []refusal{
				{name: "an unknown action", edit: func(_ *fixture, b body) body { return with(b, "action_id", "A999") }, code: EInvalid, field: "action_id"},
				{name: "an action already done", before: func(f *fixture) {
					f.must("police-report", aCarer, body{"reported_at": ts(time.Hour), "channel": "101", "reference": "P1"})
				}, edit: func(f *fixture, b body) body { return with(b, "action_id", f.actionOf(policy.PoliceReport).ID) }, code: EConflict},
			},
		},
		{
			step: "team", by: aManager,
			body: func(*fixture) body {
				return body{"social_worker": "sw-2", "team": "south", "fostering_social_worker": "fsw-2", "add_carers": []string{"carer-3"},
					"remove_carers": []string{"carer-1"}, "reason": "New placement."}
			},
			want: func(t *testing.T, f *fixture, _ Result) {
				c := f.c
				if c.SocialWorker != "sw-2" || c.Team != "south" || c.FosteringSocialWorker != "fsw-2" || !slices.Equal(c.Carers, []string{"carer-3"}) {
					t.Fatalf("parties %+v", c.Parties)
				}
				if nrm := f.open(policy.NRMRequest)[0]; nrm.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-2"}) {
					t.Errorf("the new social worker did not get the old one's action: %+v", nrm.Owner)
				}
				if !f.hasEntry("reassigned", "", "New placement.") {
					t.Error("no timeline entry")
				}
			},
			required: []string{"reason"},
			malformed: []malformed{
				{"social_worker", func(body) body { return body{"reason": "Nothing."} }},
				{"add_carers", func(b body) body { return with(b, "add_carers", []string{"carer 3"}) }},
			},
			refusals: []refusal{
				{name: "someone an allegation removed", before: func(f *fixture) {
					f.must("allegation", aLead, body{"received_at": ts(time.Hour), "against_user": "carer-2", "against_role": "carer", "summary": "Involved."})
				}, edit: func(_ *fixture, b body) body { return with(b, "add_carers", []string{"carer-2"}) }, code: EConflict},
				{name: "more than 20 carers", edit: func(_ *fixture, b body) body {
					var carers []string
					for i := range maxCarers {
						carers = append(carers, "carer-new-"+strconv.Itoa(i))
					}
					return with(without(b, "remove_carers"), "add_carers", carers)
				}, code: EInvalid, field: "add_carers"},
			},
		},
		{
			step: "closure-request", by: aSW,
			body: func(*fixture) body {
				return body{"reason": "risk-resolved", "note": "Settled; no concerns for six months."}
			},
			want: func(t *testing.T, f *fixture, _ Result) {
				r := f.c.Closure.Request
				if r == nil || r.Reason != "risk-resolved" || r.By != aSW || len(f.c.Closure.Requests) != 1 || f.c.Stage() != StageClosureRequested || f.c.Closed() {
					t.Fatalf("closure %+v, stage %s", f.c.Closure, f.c.Stage())
				}
			},
			required: []string{"reason", "note"},
			malformed: []malformed{
				{"reason", func(b body) body { return with(b, "reason", "disclosure-withdrawn") }},
			},
			refusals: []refusal{
				{name: "a request already pending", before: func(f *fixture) { f.closureRequested() }, code: EConflict},
			},
			wording: []string{"note"},
		},
		{
			step: "closure-approval", by: aManager, setup: func(f *fixture) { f.closureRequested() },
			body: func(f *fixture) body {
				return body{"note": "Agreed.", "resolutions": f.resolveAll("Handed over to the LA.")}
			},
			closes: []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead, policy.NRMRequest, policy.CarePlan, policy.ICTGReferral, policy.CSCReferral},
			want: func(t *testing.T, f *fixture, _ Result) {
				if !f.c.Closed() || f.c.Closure.Pending() || f.c.Stage() != StageClosed || f.c.Closure.Decisions[0].Decision != "approved" {
					t.Fatalf("closure %+v", f.c.Closure)
				}
				for _, a := range f.c.Actions {
					if a.Kind == policy.CompleteRecord {
						continue // done when the placement was confirmed
					}
					if a.Status != ActionResolved || a.EndedBy != endedByClosure || a.Note != "Handed over to the LA." {
						t.Errorf("action %s after closure: %s %q ended by %q", a.ID, a.Status, a.Note, a.EndedBy)
					}
				}
			},
			required: []string{"resolutions[0].action_id", "resolutions[0].reason"},
			malformed: []malformed{
				{"resolutions[1].action_id", func(b body) body {
					return with(b, "resolutions[1].action_id", b["resolutions"].([]any)[0].(body)["action_id"])
				}},
			},
			refusals: []refusal{
				{name: "no request", before: none, code: EConflict},
				{name: "an obligation left open", edit: func(f *fixture, b body) body { return with(b, "resolutions", f.resolveAll("x")[1:]) }, code: EConflict},
				{name: "an unknown action", edit: func(f *fixture, b body) body {
					return with(b, "resolutions", append([]map[string]string{{"action_id": "A999", "reason": "x"}}, f.resolveAll("x")...))
				}, code: EInvalid, field: "resolutions[0].action_id"},
			},
		},
		{
			step: "closure-decline", by: aManager, setup: func(f *fixture) { f.closureRequested() },
			body: func(*fixture) body { return body{"note": "The NRM decision is outstanding."} },
			want: func(t *testing.T, f *fixture, _ Result) {
				cl := f.c.Closure
				if f.c.Closed() || cl.Pending() || len(cl.Decisions) != 1 || cl.Decisions[0].Decision != "declined" || cl.Decisions[0].Note != "The NRM decision is outstanding." || f.c.Stage() != StageConcernRaised {
					t.Fatalf("closure %+v, stage %s", cl, f.c.Stage())
				}
			},
			required: []string{"note"},
			malformed: []malformed{
				{"resolutions", func(b body) body { return with(b, "resolutions", []body{{"action_id": "A2", "reason": "x"}}) }},
			},
			refusals: []refusal{
				{name: "no request", before: none, code: EConflict},
			},
		},
		{
			step: "reopen", by: aLead, setup: func(f *fixture) { f.closeCase() },
			body:  func(*fixture) body { return body{"reason": "Seen with the same adults again."} },
			opens: []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead, policy.NRMRequest, policy.CarePlan, policy.ICTGReferral, policy.CSCReferral},
			want: func(t *testing.T, f *fixture, _ Result) {
				cl := f.c.Closure
				if f.c.Closed() || cl.Decisions[len(cl.Decisions)-1].Decision != "reopened" || !f.hasEntry("reopened", "", "Seen with the same adults again.") {
					t.Fatalf("closure %+v", cl)
				}
			},
			required: []string{"reason"},
			refusals: []refusal{
				{name: "an open case", before: none, code: EConflict},
			},
		},
		{
			step: StepApproveDestruction, by: aLead, setup: func(f *fixture) { f.retentionReviewDue() },
			body:   func(*fixture) body { return body{"reason": "Retention period ended; nothing outstanding."} },
			closes: []policy.RuleID{policy.RetentionReview},
			want: func(t *testing.T, f *fixture, _ Result) {
				d := f.c.Destruction
				if d == nil || d.ApprovedBy != aLead || d.Reason != "Retention period ended; nothing outstanding." || d.Rule != policy.RecordOther ||
					!d.RetainedUntil.Equal(f.c.Retention.Until) || !f.c.DestructionApproved() {
					t.Fatalf("destruction %+v", d)
				}
				if !f.hasEntry("destruction-approved", "", "nothing outstanding") || !f.c.Timeline[len(f.c.Timeline)-1].Restricted {
					t.Error("the timeline does not keep the approval and its reason, restricted")
				}
			},
			required: []string{"reason"},
			refusals: []refusal{
				{name: "an open case", before: none, code: EConflict},
				{name: "before the retention date", before: func(f *fixture) { f.closeCase() }, code: EConflict},
				{name: "a legal hold", before: func(f *fixture) {
					f.retentionReviewDue()
					f.must("legal-hold", aManager, body{"reason": "Civil claim notified."})
				}, code: EConflict},
				{name: "assumed dates not confirmed", from: allocatedCrisisCase, code: EInvalid, field: "confirm_assumptions"},
				{name: "already approved", before: func(f *fixture) {
					f.retentionReviewDue()
					f.must(StepApproveDestruction, aManager, body{"reason": "Ended."})
				}, code: EConflict},
			},
		},
		{
			step: StepApproveDestruction, variant: "assumed dates confirmed", by: aManager, from: allocatedCrisisCase, setup: func(f *fixture) { f.retentionReviewDue() },
			body: func(*fixture) body {
				return body{"reason": "Ended; no date of birth was ever known.", "confirm_assumptions": true}
			},
			closes: []policy.RuleID{policy.RetentionReview},
			want: func(t *testing.T, f *fixture, _ Result) {
				if d := f.c.Destruction; d == nil || len(d.Confirmed) != 1 || !strings.Contains(d.Confirmed[0], "date of birth is not recorded") {
					t.Fatalf("destruction %+v: want the confirmed assumption kept", d)
				}
			},
		},
		{
			step: "legal-hold", by: aManager, setup: func(f *fixture) { f.retentionReviewDue() },
			body:   func(*fixture) body { return body{"reason": "Civil claim notified."} },
			closes: []policy.RuleID{policy.RetentionReview},
			want: func(t *testing.T, f *fixture, _ Result) {
				if !f.c.OnHold() || f.c.LegalHolds[0].PlacedBy != aManager || f.c.RetentionReviewDue(f.env.now.AddDate(30, 0, 0)) {
					t.Fatalf("holds %+v: want the record held, and no review due while it is", f.c.LegalHolds)
				}
				if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Kind != "legal-hold" || !e.Restricted || !strings.Contains(e.Summary, "Civil claim notified.") {
					t.Errorf("timeline entry %+v: want the hold and its reason, restricted", e)
				}
			},
			required: []string{"reason"},
			refusals: []refusal{
				{name: "already on hold", before: func(f *fixture) { f.must("legal-hold", aLead, body{"reason": "Inquiry."}) }, code: EConflict},
			},
		},
		{
			step: "legal-hold", variant: "an open case", by: aLead,
			body: func(*fixture) body { return body{"reason": "Inquiry."} },
			want: func(t *testing.T, f *fixture, _ Result) {
				if !f.c.OnHold() || f.c.Closed() {
					t.Fatal("a hold on an open case is not kept")
				}
			},
		},
		{
			step: "legal-hold-lift", by: aLead, setup: func(f *fixture) {
				f.retentionReviewDue()
				f.must("legal-hold", aManager, body{"reason": "Civil claim notified."})
			},
			body: func(*fixture) body { return body{"reason": "Claim settled."} },
			want: func(t *testing.T, f *fixture, _ Result) {
				h := f.c.LegalHolds[0]
				if f.c.OnHold() || h.LiftedBy == nil || *h.LiftedBy != aLead || h.LiftReason != "Claim settled." || !f.c.RetentionReviewDue(f.env.now) {
					t.Fatalf("hold %+v: want it lifted, and the record's review due again", h)
				}
			},
			required: []string{"reason"},
			refusals: []refusal{
				{name: "no hold", before: func(f *fixture) { f.retentionReviewDue() }, code: EConflict},
			},
		},
	}, dutyRows()...)
}

// retentionReviewDue closes the case and moves to its retention date, when the workflow opens
// the record's review.
func (f *fixture) retentionReviewDue() {
	f.t.Helper()
	f.closeCase()
	f.env.now = f.c.Retention.Until
	if !f.c.RetentionReviewDue(f.env.now) {
		f.t.Fatalf("no review due at the retention date %s", f.c.Retention.Until)
	}
	f.c.OpenRetentionReview(f.env)
}

// allegationReferralRow is the row of a step telling the LADO, the police or the DBS of an
// allegation of a possible offence.
func allegationReferralRow(step string, closes policy.RuleID, reference func(*Allegation) string) stepRow {
	return stepRow{
		step: step, by: aManager, setup: func(f *fixture) { f.allegedOffence() },
		body: func(f *fixture) body {
			return body{"allegation_id": f.c.Allegations[0].ID, "informed_at": ts(3 * time.Hour), "reference": "REF-" + step}
		},
		closes: []policy.RuleID{closes},
		want: func(t *testing.T, f *fixture, res Result) {
			al := f.c.allegation(res.Ref)
			if al == nil || reference(al) != "REF-"+step {
				t.Fatalf("allegation %+v", al)
			}
			if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Ref != al.ID || !e.Restricted || !strings.Contains(e.Summary, "REF-"+step) {
				t.Errorf("timeline entry %+v: want a restricted record of the reference", e)
			}
		},
		required: []string{"allegation_id", "informed_at", "reference"},
		refusals: []refusal{
			{name: "an unknown allegation", edit: func(_ *fixture, b body) body { return with(b, "allegation_id", "L99") }, code: EInvalid, field: "allegation_id"},
			{name: "told before the allegation", edit: func(_ *fixture, b body) body { return with(b, "informed_at", ts(time.Hour)) }, code: EInvalid, field: "informed_at"},
			{name: "already told", before: func(f *fixture) {
				f.allegedOffence()
				f.must(step, aManager, body{"allegation_id": f.c.Allegations[0].ID, "informed_at": ts(3 * time.Hour), "reference": "R"})
			}, code: EConflict},
		},
	}
}

// crisisCase is a case raised in a crisis with only what the carer knew: no local authority,
// team, social worker or date of birth, and no exploitation named.
// unconfirmedCase is a case a carer opened about a child with no case of theirs: their placement
// awaits confirmation.
func unconfirmedCase(t *testing.T) *fixture {
	f := unopenedCase(t)
	f.must(StepRaiseConcern, aCarer, firstConcern("E1"))
	f.env.now = t0.Add(24 * time.Hour)
	return f
}

func crisisCase(t *testing.T) *fixture {
	f := &fixture{t: t, c: NewCase("c1", "CF-CRISIS", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	f.must(StepRaiseConcern, aCarer, crisisConcern(0))
	f.must(StepConfirmPlacement, aLead, body{"carer": "carer-1", "decision": PlacementConfirmed, "reason": "The placing authority confirmed it."})
	f.env.now = t0.Add(24 * time.Hour)
	return f
}

// disputedCase is a case of a young person whose recorded date of birth makes them 26, and
// whose age is disputed: a child until an age assessment is recorded.
func disputedCase(t *testing.T) *fixture {
	f := unopenedCase(t)
	concern := firstConcern("E1")
	concern["child"] = body{"name": "Test Child", "date_of_birth": "2000-05-01", "age_disputed": true, "parental_responsibility": PRNoneInUK}
	f.must(StepRaiseConcern, aCarer, concern)
	f.env.now = t0.Add(24 * time.Hour)
	return f
}

// allocatedCrisisCase is the crisis case once a social worker is allocated: still no date of
// birth, and nobody knows who holds parental responsibility.
func allocatedCrisisCase(t *testing.T) *fixture {
	f := crisisCase(t)
	f.must("case-details", aLead, body{"team": "north", "social_worker": "sw-1", "reason": "Allocated."})
	return f
}

// Steps that bring a case to where another step can happen, each at a fixed hour of the first day.

// laterConcern is a concern by, seen late in the first day.
func laterConcern(by Actor) func(f *fixture) {
	return func(f *fixture) {
		f.must("concern", by, body{"observed_at": ts(20 * time.Hour), "exploitation_types": []string{"criminal-exploitation"},
			"indicators": []body{{"code": "multiple-phones"}}, "account": "Seen at the station."})
	}
}

func (f *fixture) referred() {
	f.must("csc-referral", aSW, body{"referred_at": ts(2 * time.Hour)})
}

func (f *fixture) decided(decision string) {
	f.must("csc-decision", aSW, body{"decided_at": ts(3 * time.Hour), "decision": decision})
}

func (f *fixture) scheduled() {
	f.must("strategy-meeting-scheduled", aSW, body{"scheduled_for": ts(4 * time.Hour), "format": FormatPhone,
		"attendees": []body{{"role": "police"}}})
}

func (f *fixture) conference(kind string) {
	f.must("conference", aSW, body{"kind": kind, "held_at": ts(4 * time.Hour), "child_protection_plan": true})
}

// agreedActions holds a meeting agreeing two actions: the carer's, and the fostering social
// worker's.
func (f *fixture) agreedActions() {
	f.must("strategy-meeting-held", aSW, body{"held_at": ts(4 * time.Hour), "format": FormatMeeting, "outcome": "Plan.",
		"actions": []body{
			{"title": "Keep a diary of phone use", "owner_role": "carer", "owner_user": "carer-1", "due": ts(7 * 24 * time.Hour)},
			{"title": "Speak to the school", "owner_role": "fostering_social_worker", "owner_user": "fsw-1", "due": ts(7 * 24 * time.Hour)},
		}})
}

func (f *fixture) nrmReferred() {
	f.must("nrm-referral", aSW, body{"submitted_at": ts(2 * time.Hour), "reference": "N1", "first_responder": "police"})
}

func (f *fixture) rg(outcome string) {
	f.must("nrm-rg-decision", aSW, body{"decided_at": ts(3 * time.Hour), "outcome": outcome})
}

func (f *fixture) ictgReferred() {
	f.must("ictg-referral", aSW, body{"referred_at": ts(2 * time.Hour)})
}

func (f *fixture) contributed() {
	f.must("care-plan-contribution", aCarer, body{"text": "Likes football."})
	f.must("care-plan-contribution", aFSW, body{"text": "Carers need respite."})
}

func (f *fixture) agreed() {
	f.must("care-plan-agreed", aSW, body{"agreed_at": ts(3 * time.Hour), "summary": "Plan.", "no_contribution_reason": "Agreed at the meeting."})
}

func (f *fixture) missing(returned bool) {
	f.must("missing-episode", aCarer, body{"went_missing_at": ts(2 * time.Hour)})
	if returned {
		f.must("missing-return", aCarer, body{"episode_id": f.c.Missing[0].ID, "returned_at": ts(3 * time.Hour)})
	}
}

func (f *fixture) lookedAfter() {
	f.must("looked-after", aSW, body{"since": ts(2 * time.Hour), "placement_start": ts(2 * time.Hour)})
}

func (f *fixture) needsInterpreter() {
	f.must("case-details", aSW, body{"child": body{"interpreter_needed": true, "first_language": "Tigrinya"}, "reason": "Needs one."})
}

// declinedReferralRow is a manager's decision not to tell the police or the DBS of the alleged
// offence, which ends that referral's clock for the reason given.
func declinedReferralRow(referral string, closes policy.RuleID) stepRow {
	return stepRow{
		step: "allegation-not-referred", variant: referral, by: aManager, setup: func(f *fixture) { f.allegedOffence() },
		body: func(f *fixture) body {
			return body{"allegation_id": f.c.Allegations[0].ID, "referral": referral, "decided_at": ts(3 * time.Hour),
				"reason": "The LADO advised the threshold for referral is not met."}
		},
		closes: []policy.RuleID{closes},
		want: func(t *testing.T, f *fixture, res Result) {
			al := f.c.allegation(res.Ref)
			if al == nil || len(al.NotReferred) != 1 || al.NotReferred[0].Referral != referral || al.NotReferred[0].By != aManager {
				t.Fatalf("allegation %+v", al)
			}
			if a := f.actionOf(closes); a.Status != ActionResolved || !strings.Contains(a.Note, "threshold") {
				t.Errorf("the referral's action %+v: want it resolved with the reason", a)
			}
			if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Ref != al.ID || !e.Restricted {
				t.Errorf("timeline entry %+v: want a restricted record of the decision", e)
			}
		},
		required:  []string{"allegation_id", "referral", "decided_at", "reason"},
		malformed: []malformed{{"referral", func(b body) body { return with(b, "referral", "lado") }}},
		refusals: []refusal{
			{name: "an unknown allegation", edit: func(_ *fixture, b body) body { return with(b, "allegation_id", "L99") }, code: EInvalid, field: "allegation_id"},
			{name: "decided before the allegation", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(time.Hour)) }, code: EInvalid, field: "decided_at"},
			{name: "already told", before: func(f *fixture) {
				f.allegedOffence()
				step := map[string]string{ReferralPolice: "allegation-police-report", ReferralDBS: "dbs-referral"}[referral]
				f.must(step, aManager, body{"allegation_id": f.c.Allegations[0].ID, "informed_at": ts(3 * time.Hour), "reference": "R"})
			}, code: EConflict},
			{name: "already decided", before: func(f *fixture) {
				f.allegedOffence()
				f.must("allegation-not-referred", aManager, body{"allegation_id": f.c.Allegations[0].ID, "referral": referral,
					"decided_at": ts(3 * time.Hour), "reason": "Not met."})
			}, code: EConflict},
		},
	}
}

// caseflowItself is caseflow taking a step of its own accord.
var caseflowItself = Actor{UserID: "caseflow", Role: RoleSystem}

// failSafeCase is a case opened under the fail-safe rules, before every allegation opened the
// police and DBS referrals.
func failSafeCase(t *testing.T) *fixture {
	f := &fixture{t: t, c: NewCase("c1", "CF-TEST", RulesFailSafe), env: &testEnv{now: t0.Add(time.Minute)}}
	f.must(StepRaiseConcern, aCarer, firstConcern("E1"))
	f.env.now = t0.Add(24 * time.Hour)
	return f
}

// placedWith adds a carer to the household.
func (f *fixture) placedWith(carer string) {
	f.must("team", aManager, body{"add_carers": []string{carer}, "reason": "Placed."})
}

// wantExcluded checks that an exclusion from another case removed the person: no longer a
// carer, seeing nothing of the case, its record restricted.
func (f *fixture) wantExcluded(t *testing.T, user, fromCase string) {
	t.Helper()
	if f.c.IsCarer(user) || !f.c.isExcluded(user) || f.c.CanSee(Actor{UserID: user, Role: RoleCarer}, Access{}) {
		t.Fatalf("carers %v, excluded %v: %s still on the case", f.c.Carers, f.c.Excluded, user)
	}
	if n := len(f.c.Exclusions); n != 1 || f.c.Exclusions[0].UserID != user || f.c.Exclusions[0].FromCase != fromCase {
		t.Errorf("exclusions %+v", f.c.Exclusions)
	}
	if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Kind != "excluded" || !e.Restricted {
		t.Errorf("timeline entry %+v: want a restricted record", e)
	}
	if v, _ := f.c.ViewFor(aFSW, Access{}, f.env.now); len(v.Exclusions) != 0 {
		t.Error("the fostering social worker sees the exclusion")
	}
	if v, _ := f.c.ViewFor(aManager, Access{}, f.env.now); len(v.Exclusions) != 1 {
		t.Error("a manager does not see the exclusion")
	}
}

func (f *fixture) allegedOffence() {
	f.must("allegation", aLead, body{"received_at": ts(2 * time.Hour), "against_user": "staff-9", "against_role": "manager",
		"summary": "Gave the child's address to an adult.", "possible_offence": true})
}

func (f *fixture) closureRequested() {
	f.must("closure-request", aSW, body{"reason": "risk-resolved", "note": "Done."})
}

// closeCase closes the case, resolving every open obligation. Only the child's social worker
// asks, so a case without one is allocated one first.
func (f *fixture) closeCase() {
	f.t.Helper()
	if f.c.SocialWorker == "" {
		f.must("team", aManager, body{"social_worker": "sw-1", "reason": "Allocated."})
	}
	if !f.c.Closure.Pending() {
		f.closureRequested()
	}
	f.leadEndsRestricted("Handed over.")
	f.must("closure-approval", aManager, body{"resolutions": f.resolveAll("Handed over.")})
}

// leadEndsRestricted has the Safeguarding Lead end, for a reason, each open obligation that
// follows an allegation: only the Lead may end those without their event.
func (f *fixture) leadEndsRestricted(reason string) {
	f.t.Helper()
	for _, a := range f.c.OpenActions() {
		if a.Class() == ClassRestricted {
			f.must("action-resolve", aLead, body{"action_id": a.ID, "reason": reason})
		}
	}
}

// actionOf is the first action of kind, open or ended.
func (f *fixture) actionOf(kind policy.RuleID) *Action {
	f.t.Helper()
	for i := range f.c.Actions {
		if f.c.Actions[i].Kind == kind {
			return &f.c.Actions[i]
		}
	}
	f.t.Fatalf("no %s action", kind)
	return nil
}

func openIDs(c *Case) map[string]bool {
	ids := map[string]bool{}
	for _, a := range c.Actions {
		if a.Open() {
			ids[a.ID] = true
		}
	}
	return ids
}

// kindsOf names the kinds of the actions with these ids, sorted.
func kindsOf(c *Case, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, string(c.action(id).Kind))
	}
	slices.Sort(out)
	return out
}

func sortedKinds(kinds []policy.RuleID) []string {
	out := []string{}
	for _, k := range kinds {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// validate decodes a body for a step and validates it, as the API does before anything reaches
// the case.
func validate(t *testing.T, step string, b body, now time.Time) error {
	t.Helper()
	s, _ := StepNamed(step)
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := s.Decode(raw)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return cmd.Validate(now)
}

// wantFieldError fails unless err is a domain error of code, naming field when one is given.
func wantFieldError(t *testing.T, err error, code ErrorCode, field string) {
	t.Helper()
	var e *Error
	if !asError(err, &e) || e.Code != code {
		t.Errorf("got %v (code %q), want %q", err, CodeOf(err), code)
		return
	}
	if e.Message == "" {
		t.Error("the refusal has no message for the person")
	}
	if field != "" && e.Fields[field] == "" {
		t.Errorf("the refusal %v does not name %s", e, field)
	}
}

// normal is b as JSON reads it back, so an edit can reach into its objects and lists.
func normal(b body) body {
	raw, err := json.Marshal(b)
	if err != nil {
		panic(err)
	}
	var out body
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

// with is b with the field at path ("child.name", "actions[0].due") set to v.
func with(b body, path string, v any) body {
	b = normal(b)
	parent, key := fieldAt(b, path)
	parent[key] = v
	return b
}

// without is b without the field at path, which must be there.
func without(b body, path string) body {
	b = normal(b)
	parent, key := fieldAt(b, path)
	if _, ok := parent[key]; !ok {
		panic("step table: the body has no field " + path)
	}
	delete(parent, key)
	return b
}

// fieldAt finds the object holding the last field of path, and that field's name. A path the
// body does not have is a mistake in the table, and panics.
func fieldAt(b body, path string) (body, string) {
	parts := strings.Split(path, ".")
	m := b
	for _, p := range parts[:len(parts)-1] {
		name, index, listed := strings.Cut(p, "[")
		v := m[name]
		if listed {
			list, _ := v.([]any)
			i, _ := strconv.Atoi(strings.TrimSuffix(index, "]"))
			if i >= len(list) {
				panic("step table: the body has no " + p + " in " + path)
			}
			v = list[i]
		}
		next, ok := v.(body)
		if !ok {
			panic("step table: the body has no object " + p + " in " + path)
		}
		m = next
	}
	return m, parts[len(parts)-1]
}

// Result.Closed is documented as "the actions the step completed or ended".
func TestResultListsEveryActionTheStepEnded(t *testing.T) {
	for _, r := range stepRows() {
		t.Run(r.name(), func(t *testing.T) {
			f := r.start(t)
			before := openIDs(f.c)
			res := f.must(r.step, r.by, r.body(f))
			after := openIDs(f.c)
			var ended []string
			for id := range before {
				if !after[id] {
					ended = append(ended, id)
				}
			}
			if !sameSet(res.Closed, ended) {
				t.Errorf("the result lists %v as closed; the step ended %v (%v)", res.Closed, ended, kindsOf(f.c, ended))
			}
		})
	}
}
