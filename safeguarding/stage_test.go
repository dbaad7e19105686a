package safeguarding

import (
	"testing"
	"time"
)

// TestTheStageFollowsTheRecords walks a case along its main track: the stage is always the
// furthest point its records reach, in the view too, and the NRM status says where the NRM stands.
func TestTheStageFollowsTheRecords(t *testing.T) {
	f := newCase(t, "E1")
	track := []struct {
		step  string
		by    Actor
		body  func(f *fixture) body
		stage Stage
		nrm   string
	}{
		{"", Actor{}, nil, StageConcernRaised, "not yet referred"},
		{"police-report", aCarer, fixed(body{"reported_at": ts(time.Hour), "channel": "101", "reference": "P1"}), StageConcernRaised, ""},
		{"social-worker-informed", aCarer, fixed(body{"informed_at": ts(time.Hour)}), StageConcernRaised, ""},
		{"nrm-request", aSW, fixed(body{"requested_at": ts(time.Hour), "requested_of": "local-authority"}), StageConcernRaised,
			"referral requested from the local-authority"},
		{"safeguarding-lead-informed", aCarer, fixed(body{"informed_at": ts(2 * time.Hour)}), StageReported, ""},
		{"nrm-referral", aSW, fixed(body{"submitted_at": ts(3 * time.Hour), "reference": "N1", "first_responder": "local-authority"}), StageNRMReferred,
			"referred (reference N1), awaiting reasonable grounds decision"},
		{"nrm-rg-decision", aSW, fixed(body{"decided_at": ts(4 * time.Hour), "outcome": "positive"}), StageRGDecided, "reasonable grounds decision: positive"},
		{"nrm-cg-decision", aSW, fixed(body{"decided_at": ts(5 * time.Hour), "outcome": "negative"}), StageCGDecided, "conclusive grounds decision: negative"},
		{"closure-request", aSW, fixed(body{"reason": "risk-resolved", "note": "Settled."}), StageClosureRequested, ""},
		{"closure-decline", aManager, fixed(body{"note": "Challenge the decision first."}), StageCGDecided, ""},
		{"closure-request", aSW, fixed(body{"reason": "risk-resolved", "note": "Challenged and upheld."}), StageClosureRequested, ""},
		{"closure-approval", aManager, func(f *fixture) body { return body{"resolutions": f.resolveAll("Handed over.")} }, StageClosed, ""},
		{"reopen", aLead, fixed(body{"reason": "New information."}), StageCGDecided, ""},
	}
	for _, s := range track {
		if s.step != "" {
			f.must(s.step, s.by, s.body(f))
		}
		v, err := f.c.ViewFor(aSW, Access{}, f.env.now)
		if err != nil {
			t.Fatal(err)
		}
		if f.c.Stage() != s.stage || v.Stage != s.stage {
			t.Errorf("after %q: stage %s (view %s), want %s", s.step, f.c.Stage(), v.Stage, s.stage)
		}
		if s.nrm != "" && f.c.NRM.Status() != s.nrm {
			t.Errorf("after %q: NRM status %q, want %q", s.step, f.c.NRM.Status(), s.nrm)
		}
	}
}

// TestTheNRMTrackDecidesTheStageWhateverTheReports: a referral made before the reports are all
// recorded still moves the case on.
func TestTheNRMTrackDecidesTheStageWhateverTheReports(t *testing.T) {
	f := newCase(t, "E1")
	f.nrmReferred()
	if f.c.Stage() != StageNRMReferred {
		t.Fatalf("stage %s after a referral with no report recorded", f.c.Stage())
	}
}

func fixed(b body) func(*fixture) body { return func(*fixture) body { return b } }
