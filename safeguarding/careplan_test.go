package safeguarding

import (
	"strings"
	"testing"
	"time"
)

// TestAPlanAgreedWithoutAContributionSaysWhoInPlainEnglish: the refusal names who has not
// contributed, with the verb agreeing: one person "has", two "have".
func TestAPlanAgreedWithoutAContributionSaysWhoInPlainEnglish(t *testing.T) {
	agree := body{"agreed_at": ts(3 * time.Hour), "summary": "Plan."}
	f := newCase(t, "E08000025")
	if e := f.refuseField("care-plan-agreed", aSW, agree, "no_contribution_reason"); !strings.HasPrefix(e.Message, "The carer and the fostering social worker have not contributed") {
		t.Errorf("neither contributed: %q", e.Message)
	}
	f.must("care-plan-contribution", aCarer, body{"text": "Likes football."})
	if e := f.refuseField("care-plan-agreed", aSW, agree, "no_contribution_reason"); !strings.HasPrefix(e.Message, "The fostering social worker has not contributed") {
		t.Errorf("the fostering social worker alone did not: %q", e.Message)
	}
}
