package activities

import (
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// TestNoticeForSaysWhatEmailNeeds: a chase's notice says whether its clock runs day and night
// (then the out-of-hours cover may be told), whom an allegation excluded from the case (they
// are never emailed), and who works the case (for the visibility policy).
func TestNoticeForSaysWhatEmailNeeds(t *testing.T) {
	at := time.Date(2026, 12, 18, 18, 0, 0, 0, time.UTC)
	chased := []safeguarding.Chase{{Level: safeguarding.LevelOverdue, At: at}}
	c := &safeguarding.Case{
		ID: "c1", Reference: "CF-TEST01",
		Actions: []safeguarding.Action{
			{ID: "any-hour", Kind: policy.PoliceReport, Chases: chased},
			{ID: "office-hours", Kind: policy.PoliceReport, Chases: chased,
				Quiet: policy.Quiet{Nation: policy.EnglandAndWales, Hours: policy.DefaultWorkingHours}},
		},
	}
	c.Excluded = []string{"sw-2"}
	c.SocialWorker, c.Carers = "sw-1", []string{"carer-1"}
	hour := NoticeFor(c, safeguarding.DueChase{ActionID: "any-hour", Level: safeguarding.LevelOverdue, Due: at})
	day := NoticeFor(c, safeguarding.DueChase{ActionID: "office-hours", Level: safeguarding.LevelOverdue, Due: at})
	if !hour.HourClock || day.HourClock {
		t.Errorf("hour clock: %v for an action chased at any hour, %v for one held to office hours; want true, false", hour.HourClock, day.HourClock)
	}
	c.Excluded[0], c.Carers[0] = "changed after", "changed after"
	if len(hour.Excluded) != 1 || hour.Excluded[0] != "sw-2" {
		t.Errorf("the notice's excluded people %v, want its own copy of [sw-2]", hour.Excluded)
	}
	// The case's people, for email to apply the visibility policy to each person it tells.
	if p := hour.Parties; p == nil || p.SocialWorker != "sw-1" || len(p.Carers) != 1 || p.Carers[0] != "carer-1" || p.Excluded[0] != "sw-2" {
		t.Errorf("the notice's people %+v, want its own copy of the case's", p)
	}
}
