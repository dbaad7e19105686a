package safeguarding

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestARetriedRequestGivesItsFirstResult: the workflow's validator passes a request already
// applied, and applying it again returns the first result and changes nothing, until the request
// is too old to be remembered.
func TestARetriedRequestGivesItsFirstResult(t *testing.T) {
	f := newCase(t, "E1")
	s, _ := StepNamed("csc-referral")
	req := f.request(aSW, body{"referred_at": ts(time.Hour)})
	if err := f.c.Check(s, req, f.env.now, Access{}); err != nil {
		t.Fatal(err)
	}
	first, err := f.c.Apply(s, req, f.env)
	if err != nil || first.Replayed {
		t.Fatalf("first application: %+v, %v", first, err)
	}
	revision, entries := f.c.Revision, len(f.c.Timeline)

	// A second referral would be refused; the retry of the first is not.
	if err := f.c.Check(s, req, f.env.now, Access{}); err != nil {
		t.Fatalf("the retry is refused: %v", err)
	}
	again, err := f.c.Apply(s, req, f.env)
	if err != nil || !again.Replayed || again.Ref != first.Ref || again.Revision != first.Revision || !slices.Equal(again.Opened, first.Opened) {
		t.Fatalf("retry gave %+v (%v); want the first result %+v, replayed", again, err, first)
	}
	if f.c.Revision != revision || len(f.c.Timeline) != entries || len(f.c.Reporting.Referrals) != 1 {
		t.Fatal("the retry changed the case")
	}
	f.refuse("csc-referral", aSW, body{"referred_at": ts(time.Hour)}, EConflict)

	for range maxApplied {
		f.must("care-plan-contribution", aCarer, body{"text": "Note."})
		if len(f.c.Applied) > maxApplied {
			t.Fatalf("%d applied requests remembered, want at most %d", len(f.c.Applied), maxApplied)
		}
	}
	if err := f.c.Check(s, req, f.env.now, Access{}); CodeOf(err) != EConflict {
		t.Fatalf("a request older than the memory is checked as new: got %v, want the conflict", err)
	}
}

func TestStepBodiesAreReadStrictly(t *testing.T) {
	s, _ := StepNamed("police-report")
	for name, tc := range map[string]struct{ raw, says string }{
		"an unknown field":   {`{"reported_at":"2026-11-02T10:00:00Z","chanel":"101"}`, `unknown field "chanel"`},
		"a wrong type":       {`{"reference":7}`, `field "reference" should be string`},
		"malformed JSON":     {`{"reference":}`, "malformed JSON at byte"},
		"data after the end": {`{} {}`, "data after its end"},
	} {
		_, err := s.Decode([]byte(tc.raw))
		if CodeOf(err) != EInvalid || !strings.Contains(errorText(err), tc.says) {
			t.Errorf("%s: %v; want a refusal saying %q", name, err, tc.says)
		}
	}
	// An empty body is an empty request, refused for what it lacks.
	cmd, err := s.Decode(nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFieldError(t, cmd.Validate(t0), EInvalid, "reported_at")

	f := newCase(t, "E1")
	revision := f.c.Revision
	if _, err := f.c.Apply(s, Request{RequestID: "bad", Actor: aCarer, Body: []byte("{")}, f.env); CodeOf(err) != EInvalid || f.c.Revision != revision {
		t.Fatalf("applying an unreadable body: %v, revision %d → %d", err, revision, f.c.Revision)
	}
}

func TestStepsIsACopyOfTheTable(t *testing.T) {
	list := Steps()
	if len(list) != len(steps) {
		t.Fatalf("%d steps, the table has %d", len(list), len(steps))
	}
	list[0].Name, list[0].Roles = "changed", nil
	if s, ok := StepNamed(StepRaiseConcern); !ok || !s.Allows(RoleCarer) {
		t.Fatal("changing the list Steps returned changed the table")
	}
	if _, ok := StepNamed("no-such-step"); ok {
		t.Fatal("an unknown step was found")
	}
}

// The looked-after step's body has "since" and "placement_start" at its top level.
func TestLookedAfterRefusalNamesItsOwnFields(t *testing.T) {
	now := t0.Add(24 * time.Hour)
	for _, field := range []string{"since", "placement_start"} {
		b := without(body{"since": ts(2 * time.Hour), "placement_start": ts(2 * time.Hour)}, field)
		err := validate(t, "looked-after", b, now)
		var e *Error
		if !asError(err, &e) || e.Fields[field] == "" {
			t.Errorf("dropping %s: %v; want the field %q named", field, err, field)
		}
	}
}
