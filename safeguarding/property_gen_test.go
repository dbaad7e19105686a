package safeguarding_test

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/caseflow/caseflow/policy"
	sg "github.com/caseflow/caseflow/safeguarding"
)

// The generators of the property test: when things happen, who the child is, and a body for
// every step. Bodies draw mostly what the step needs, from what the case holds (its concerns,
// episodes, actions, allegations), and sometimes what it must refuse (an unknown id, a time
// before what it answers or in the future), so both the paths that apply and those that refuse
// are tried.

// startInstants are the instants a case opens at: office hours, nights, weekends, bank holidays
// and the nights the clocks change.
var startInstants = []time.Time{
	at("2026-11-02 09:00"), // Monday, as the office opens
	at("2026-11-04 12:30"), // Wednesday lunchtime
	at("2026-11-04 22:40"), // Wednesday night
	at("2026-12-18 17:45"), // the Friday evening before Christmas
	at("2026-12-24 23:30"), // Christmas Eve, late
	at("2026-08-29 02:00"), // Saturday night of the August bank holiday weekend
	at("2027-01-01 10:00"), // New Year's Day
	at("2027-03-28 00:30"), // the night the clocks go forward
	at("2026-10-25 01:30"), // the night the clocks go back (the first 01:30)
	at("2026-05-25 14:00"), // the late May bank holiday
}

// at is a UK clock time.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, policy.London)
	if err != nil {
		panic(err)
	}
	return t
}

// when draws the time an event happened, as someone recording it says: now or shortly before,
// long before, when the case opened, just before or after an action it might answer began, the
// last weekend night or bank holiday, a little ahead of the server's clock, in the future, or
// not given at all.
func (w *world) when(t *rapid.T, label string) time.Time {
	now := w.env.now
	switch n := rapid.IntRange(0, 19).Draw(t, label); {
	case n < 6:
		return now
	case n < 8:
		return now.Add(-time.Minute)
	case n < 10:
		return now.Add(-time.Hour)
	case n == 10:
		return now.Add(-26 * time.Hour)
	case n == 11:
		return now.Add(-9 * 24 * time.Hour)
	case n == 12:
		return w.c.OpenedAt
	case n == 13:
		if len(w.c.Concerns) > 0 {
			return w.c.Concerns[0].ObservedAt.Add(-time.Hour)
		}
		return now.Add(-40 * 24 * time.Hour)
	case n < 16:
		if len(w.c.Actions) == 0 {
			return now
		}
		a := w.c.Actions[rapid.IntRange(0, len(w.c.Actions)-1).Draw(t, label+" action")]
		if rapid.Bool().Draw(t, label+" before it") {
			return a.StartedAt.Add(-time.Minute)
		}
		return minTime(a.StartedAt.Add(time.Minute), now)
	case n == 16:
		return lastBefore(now, func(l time.Time) bool { return l.Weekday() == time.Saturday && l.Hour() == 23 })
	case n == 17:
		return lastBefore(now, func(l time.Time) bool {
			return l.Hour() == 10 && !policy.DefaultCalendar().IsWorkingDay(l) && l.Weekday() != time.Saturday && l.Weekday() != time.Sunday
		})
	case n == 18:
		if rapid.Bool().Draw(t, label+" ahead") {
			return now.Add(4 * time.Minute) // within the skew allowed for clocks a little ahead
		}
		return now.Add(2 * time.Hour) // in the future: refused
	}
	return time.Time{} // not given: refused
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// lastBefore is the last whole UK hour before now that matches, within a year.
func lastBefore(now time.Time, match func(local time.Time) bool) time.Time {
	h := now.In(policy.London).Truncate(time.Hour)
	for range 366 * 24 {
		h = h.Add(-time.Hour)
		if match(h.In(policy.London)) {
			return h
		}
	}
	return now.Add(-time.Hour)
}

// dateOfBirth draws the child's date of birth against when the concern was seen: a child, one
// turning 18 within days or months, one already 18 or older (refused unless their age is
// disputed), a leap-day birthday, a date in the future, one that is no date, or none known.
func dateOfBirth(t *rapid.T, seen time.Time, label string) (string, bool) {
	day := func(y, m, d int) string { return seen.In(policy.London).AddDate(y, m, d).Format("2006-01-02") }
	switch rapid.IntRange(0, 10).Draw(t, label) {
	case 0:
		return day(-10, 0, 0), true
	case 1:
		return day(-15, -3, 0), true
	case 2:
		return day(-18, 0, 3), true // 18 in three days
	case 3:
		return day(-18, 0, 40), true // 18 in forty days
	case 4:
		return day(-18, 0, -1), true // 18 yesterday
	case 5:
		return day(-19, 0, 0), true
	case 6:
		return "2008-02-29", true
	case 7:
		return day(0, 1, 0), true // in the future
	case 8:
		return "2010-13-01", true // no such date
	case 9:
		return "", true // cleared
	}
	return "", false // not given
}

// intake is the first concern, with what a crisis intake knows: maybe no local authority, team
// or social worker, maybe no exploitation type or sign, maybe a child in immediate danger.
func intake(w *world, t *rapid.T) map[string]any {
	seen := w.env.now.Add(-rapid.SampledFrom([]time.Duration{0, 2 * time.Hour, 3 * 24 * time.Hour, 40 * 24 * time.Hour}).Draw(t, "seen before"))
	child := map[string]any{"name": childName, "preferred_term": rapid.SampledFrom([]string{"", "", "", "young person"}).Draw(t, "preferred term"),
		"parental_responsibility": rapid.SampledFrom([]string{"", sg.PRInUK, sg.PRNoneInUK, sg.PRUnknown}).Draw(t, "parental responsibility")}
	if dob, given := dateOfBirth(t, seen, "date of birth"); given {
		child["date_of_birth"] = dob
	}
	if rapid.Bool().Draw(t, "age disputed") {
		child["age_disputed"] = true
	}
	if rapid.IntRange(0, 3).Draw(t, "interpreter") == 0 {
		child["interpreter_needed"], child["first_language"] = true, "Tigrinya"
	}
	body := map[string]any{
		"observed_at": seen, "child": child, "account": "Told me about working nights.",
		"la":                      rapid.SampledFrom([]string{"", "E09000019", "E08000025", "S12000049", "W06000015", "ZZ000001"}).Draw(t, "la"),
		"team":                    rapid.SampledFrom([]string{"", "north", "north", "south"}).Draw(t, "team"),
		"social_worker":           rapid.SampledFrom([]string{"", "sw-1", "sw-1"}).Draw(t, "social worker"),
		"fostering_social_worker": rapid.SampledFrom([]string{"", "fsw-1", "fsw-1"}).Draw(t, "fostering social worker"),
		"carers":                  rapid.SampledFrom([][]string{nil, {"carer-1"}, {"carer-1"}, {"carer-1", "carer-2"}}).Draw(t, "carers"),
		"immediate_danger":        rapid.IntRange(0, 3).Draw(t, "immediate danger") == 0,
	}
	concernDetails(t, body)
	if rapid.IntRange(0, 3).Draw(t, "looked after") == 0 {
		body["looked_after"] = map[string]any{"since": seen, "placement_start": seen.Add(-24 * time.Hour), "long_term_placement": rapid.Bool().Draw(t, "long term")}
	}
	return body
}

// plainIntake opens the case when the drawn intake was refused.
func plainIntake(w *world) map[string]any {
	return map[string]any{
		"observed_at": w.env.now, "la": "E08000025", "team": "north", "social_worker": "sw-1", "fostering_social_worker": "fsw-1",
		"child": map[string]any{"name": childName}, "exploitation_types": []string{"criminal-exploitation"},
		"indicators": []map[string]string{{"code": "multiple-phones"}}, "account": "Two phones and cash.",
	}
}

// concernDetails draws what was seen, in the policy's terms, or nothing when the person raising
// it did not say.
func concernDetails(t *rapid.T, body map[string]any) {
	switch rapid.IntRange(0, 3).Draw(t, "exploitation") {
	case 0:
	case 1:
		body["exploitation_types"] = []string{"trafficking"}
		body["trafficking_purposes"] = []string{"forced-labour"}
		body["indicators"] = []map[string]string{{"code": "disclosure"}}
	case 2:
		body["exploitation_types"] = []string{"sexual-exploitation", "county-lines"}
		body["indicators"] = []map[string]string{{"code": "older-boyfriend"}, {"code": "missing-episodes"}}
	case 3:
		body["exploitation_types"] = []string{"sexual-harassment"}
	}
}

// Ids a body may name: one the case holds, or one it does not.
func (w *world) actionID(t *rapid.T, label string) string {
	ids := []string{"A9999"}
	for _, a := range w.c.Actions {
		ids = append(ids, a.ID)
	}
	return rapid.SampledFrom(ids).Draw(t, label)
}

func (w *world) openActionID(t *rapid.T, label string) string {
	ids := []string{"A9999"}
	for _, a := range w.c.Actions {
		if a.Open() {
			ids = append(ids, a.ID, a.ID)
		}
	}
	return rapid.SampledFrom(ids).Draw(t, label)
}

func (w *world) allegationID(t *rapid.T) string {
	ids := []string{"L9999"}
	for _, a := range w.c.Allegations {
		ids = append(ids, a.ID, a.ID, a.ID)
	}
	return rapid.SampledFrom(ids).Draw(t, "allegation id")
}

func (w *world) episodeID(t *rapid.T) string {
	ids := []string{"E9999"}
	for _, e := range w.c.Missing {
		ids = append(ids, e.ID, e.ID, e.ID)
	}
	return rapid.SampledFrom(ids).Draw(t, "episode id")
}

func (w *world) meetingID(t *rapid.T) string {
	ids := []string{"", "", "M9999"}
	for _, m := range w.c.Meetings {
		ids = append(ids, m.ID)
	}
	return rapid.SampledFrom(ids).Draw(t, "meeting id")
}

func (w *world) concernID(t *rapid.T) string {
	ids := []string{"C9999"}
	for _, k := range w.c.Concerns {
		ids = append(ids, k.ID, k.ID)
	}
	return rapid.SampledFrom(ids).Draw(t, "concern id")
}

// about draws what a report or notification answers: left to the default, named concerns, or a
// missing episode.
func (w *world) about(t *rapid.T, body map[string]any) {
	switch rapid.IntRange(0, 3).Draw(t, "about") {
	case 1:
		body["concern_ids"] = []string{w.concernID(t)}
	case 2:
		body["episode_id"] = w.episodeID(t)
	}
}

// person draws anyone of the cast, or someone caseflow does not know.
func person(t *rapid.T, label string) sg.Actor {
	return rapid.SampledFrom(append(slices.Clone(cast), sg.Actor{UserID: "teacher-7", Role: sg.RoleCarer})).Draw(t, label)
}

// secret marks what only those who see allegations may read: the leak checks look for it.
func (w *world) secret(what string) string { return fmt.Sprintf("hush-%d: %s", w.n, what) }

// conductSecret marks what only managers and the Safeguarding Lead may read: the words of a
// decision on a failure to act.
func (w *world) conductSecret(what string) string {
	return fmt.Sprintf("staff-matter-%d: %s", w.n, what)
}

// reason draws a reason someone gives.
func reason(t *rapid.T) string {
	return rapid.SampledFrom([]string{"Handed over to Leeds on 3 January.", "Made by the police, reference 123.", " "}).Draw(t, "reason")
}

// bodies draws a body for each step.
var bodies = map[string]func(w *world, t *rapid.T) map[string]any{
	"concern": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"observed_at": w.when(t, "observed at"), "account": "Seen getting into a car with older men.",
			"immediate_danger": rapid.IntRange(0, 3).Draw(t, "immediate danger") == 0}
		concernDetails(t, b)
		return b
	},
	"case-details": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"reason": "Corrected after the strategy meeting."}
		switch rapid.IntRange(0, 5).Draw(t, "detail") {
		case 0, 1:
			child := map[string]any{}
			if dob, given := dateOfBirth(t, w.when(t, "against"), "date of birth"); given {
				child["date_of_birth"] = dob
			}
			if rapid.Bool().Draw(t, "dispute") {
				child["age_disputed"] = rapid.Bool().Draw(t, "age disputed")
			}
			if rapid.IntRange(0, 3).Draw(t, "assessed") == 0 {
				child["assessed_age"] = rapid.SampledFrom([]int{16, 17, 18, 19}).Draw(t, "assessed age")
			}
			if rapid.IntRange(0, 3).Draw(t, "renamed") == 0 {
				child["preferred_term"] = "young person"
			}
			b["child"] = child
		case 2:
			b["la"] = rapid.SampledFrom([]string{"E09000019", "S12000049", "ZZ000001"}).Draw(t, "la")
			b["team"] = rapid.SampledFrom([]string{"north", "south"}).Draw(t, "team")
		case 3:
			b["social_worker"] = person(t, "social worker").UserID
			b["fostering_social_worker"] = rapid.SampledFrom([]string{"", "fsw-1", "fsw-2"}).Draw(t, "fostering social worker")
		case 4:
			b["concern_id"] = w.concernID(t)
			b["add_exploitation_types"] = []string{"criminal-exploitation"}
			b["add_indicators"] = []map[string]string{{"code": "multiple-phones"}}
		case 5:
			b["long_term_placement"] = rapid.Bool().Draw(t, "long term")
		}
		return b
	},
	sg.StepLinkCase: func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"case_id": rapid.SampledFrom([]string{"c2", "c3", "c1"}).Draw(t, "other case"), "reason": "The same child, raised twice."}
	},
	"police-report": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"reported_at": w.when(t, "reported at"), "channel": rapid.SampledFrom([]string{"101", "999"}).Draw(t, "channel"), "reference": "P-1"}
		w.about(t, b)
		return b
	},
	"social-worker-informed":     informedBody,
	"safeguarding-lead-informed": informedBody,
	"csc-referral": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"referred_at": w.when(t, "referred at"), "significant_harm": rapid.Bool().Draw(t, "significant harm")}
	},
	"csc-decision": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"decided_at": w.when(t, "decided at"), "decision": rapid.SampledFrom([]string{sg.DecisionS47, sg.DecisionChildInNeed, sg.DecisionAssessment, sg.DecisionNoFurtherAction}).Draw(t, "decision")}
	},
	"nfa-review": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"reviewed_at": w.when(t, "reviewed at"), "outcome": rapid.SampledFrom([]string{"agreed", "challenged"}).Draw(t, "outcome"), "note": "Raised with the team manager."}
		if rapid.Bool().Draw(t, "names the referral") {
			ids := []string{"R9999"}
			for _, r := range w.c.Reporting.Referrals {
				ids = append(ids, r.ID)
			}
			b["referral_id"] = rapid.SampledFrom(ids).Draw(t, "referral id")
		}
		return b
	},
	"assessment": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"completed_at": w.when(t, "completed at")}
		if rapid.Bool().Draw(t, "late") {
			b["late_reason"] = "Interpreter not available."
		}
		return b
	},
	"strategy-meeting-scheduled": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"scheduled_for": w.env.now.Add(48 * time.Hour), "format": rapid.SampledFrom([]string{"meeting", "phone"}).Draw(t, "format")}
		interpreter(t, b)
		return b
	},
	"strategy-meeting-held": func(w *world, t *rapid.T) map[string]any {
		held := w.when(t, "held at")
		b := map[string]any{"held_at": held, "format": rapid.SampledFrom([]string{"meeting", "phone"}).Draw(t, "format"), "outcome": "A plan was agreed.",
			"s47_enquiry": rapid.Bool().Draw(t, "s47")}
		if id := w.meetingID(t); id != "" {
			b["meeting_id"] = id
		}
		var agreed []map[string]any
		for i := range rapid.IntRange(0, 2).Draw(t, "agreed actions") {
			owner := person(t, fmt.Sprintf("owner %d", i))
			a := map[string]any{"title": "Speak to the school", "owner_role": owner.Role, "due": held.Add(7 * 24 * time.Hour)}
			if rapid.IntRange(0, 3).Draw(t, "owner named") > 0 {
				a["owner_user"] = owner.UserID
			}
			agreed = append(agreed, a)
		}
		if agreed != nil {
			b["actions"] = agreed
		}
		return b
	},
	"conference": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"kind": rapid.SampledFrom([]string{"initial", "review"}).Draw(t, "kind"), "held_at": w.when(t, "held at"),
			"child_protection_plan": rapid.Bool().Draw(t, "plan")}
	},
	"action-done": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"action_id": w.actionID(t, "action id"), "completed_at": w.when(t, "completed at")}
	},
	"nrm-request": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"requested_at": w.when(t, "requested at"), "requested_of": rapid.SampledFrom([]string{"local-authority", "police"}).Draw(t, "of")}
	},
	"nrm-referral": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"submitted_at": w.when(t, "submitted at"), "reference": "NRM-1", "first_responder": rapid.SampledFrom([]string{"local-authority", "police", "barnardos"}).Draw(t, "first responder")}
	},
	"nrm-not-referred": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"decided_at": w.when(t, "decided at"), "reason": reason(t), "decided_by": "LA team manager"}
	},
	"nrm-rg-decision": decisionBody,
	"nrm-cg-decision": decisionBody,
	"nrm-reconsideration": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"decision": rapid.SampledFrom([]string{"reasonable-grounds", "conclusive-grounds"}).Draw(t, "decision"), "requested_at": w.when(t, "requested at"), "reason": "New evidence."}
	},
	"adult-consent": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"recorded_at": w.when(t, "recorded at"), "consent": rapid.SampledFrom([]string{"given", "withdrawn"}).Draw(t, "consent")}
	},
	"age-assessment": func(w *world, t *rapid.T) map[string]any {
		assessed := w.when(t, "assessed at")
		b := map[string]any{"assessed_at": assessed, "assessed_by": rapid.SampledFrom([]string{"Kent County Council", "Kent County Council", ""}).Draw(t, "assessed by")}
		if dob, given := dateOfBirth(t, assessed, "assessed date of birth"); given {
			b["date_of_birth"] = dob
		}
		if rapid.Bool().Draw(t, "with a note") {
			b["note"] = "Merton-compliant assessment, two assessors."
		}
		return b
	},
	"adulthood": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"decided_at": w.when(t, "decided at"),
			"reason": rapid.SampledFrom([]string{"Settled with the leaving care team; adult services agreed.", "The assessment is accepted.", " "}).Draw(t, "reason")}
	},
	"ictg-referral": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"referred_at": w.when(t, "referred at")}
	},
	"ictg-assignment": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"assigned_at": w.when(t, "assigned at"), "guardian_type": rapid.SampledFrom([]string{sg.GuardianDirectWorker, sg.GuardianCoordinator}).Draw(t, "guardian")}
	},
	"parental-responsibility": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"holder": rapid.SampledFrom([]string{sg.PRInUK, sg.PRNoneInUK}).Draw(t, "holder")}
	},
	"care-plan-contribution": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"text": "Settles well after school; keep contact with the football club."}
	},
	"young-person-views": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"recorded_at": w.when(t, "recorded at"), "views": "I want to stay here."}
	},
	"care-plan-agreed": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"agreed_at": w.when(t, "agreed at"), "summary": "Plan agreed."}
		if rapid.Bool().Draw(t, "without a contribution") {
			b["no_contribution_reason"] = "The carer was in hospital."
		}
		return b
	},
	"care-plan-review": func(w *world, t *rapid.T) map[string]any {
		held := w.when(t, "held at")
		b := map[string]any{"held_at": held, "outcome": "Plan kept."}
		if rapid.Bool().Draw(t, "next review") {
			b["next_review_by"] = held.Add(20 * 24 * time.Hour)
		}
		return b
	},
	"missing-episode": func(w *world, t *rapid.T) map[string]any {
		went := w.when(t, "went missing at")
		b := map[string]any{"went_missing_at": went}
		if rapid.Bool().Draw(t, "back already") {
			b["returned_at"] = went.Add(3 * time.Hour)
		}
		if rapid.Bool().Draw(t, "reported") {
			b["reported_to_police"] = true
			if rapid.Bool().Draw(t, "with reference") {
				b["police_reference"] = "MISS-1"
			}
		}
		return b
	},
	"missing-return": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"episode_id": w.episodeID(t), "returned_at": w.when(t, "returned at")}
	},
	"return-interview": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"episode_id": w.episodeID(t), "held_at": w.when(t, "held at")}
		if rapid.Bool().Draw(t, "declined") {
			b["outcome"], b["offered_by"] = "declined", "Independent return worker, Barnardo's"
		} else {
			interpreter(t, b)
		}
		return b
	},
	"allegation": func(w *world, t *rapid.T) map[string]any {
		against := person(t, "against")
		role := against.Role
		if rapid.IntRange(0, 5).Draw(t, "role mistaken") == 0 {
			role = rapid.SampledFrom(sg.Roles).Draw(t, "against role")
		}
		return map[string]any{"received_at": w.when(t, "received at"), "against_user": against.UserID, "against_role": role,
			"summary": w.secret("seen with the child's exploiter"), "urgent": rapid.Bool().Draw(t, "urgent"), "possible_offence": rapid.Bool().Draw(t, "offence")}
	},
	"lado-informed":            referralBody,
	"allegation-police-report": referralBody,
	"dbs-referral":             referralBody,
	"allegation-not-referred": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"allegation_id": w.allegationID(t), "referral": rapid.SampledFrom([]string{"police", "dbs"}).Draw(t, "referral"),
			"decided_at": w.when(t, "decided at"), "reason": w.secret("the police already hold it")}
	},
	sg.StepHouseholdExclusion: func(w *world, t *rapid.T) map[string]any {
		against := person(t, "against")
		return map[string]any{"against_user": against.UserID, "against_role": against.Role, "other_case": "c9", "reason": w.secret("the same carer cares for her brother")}
	},
	sg.StepLinkedExclusion: func(w *world, t *rapid.T) map[string]any {
		from := []string{"c7"}
		for _, l := range w.c.Links {
			from = append(from, l.CaseID, l.CaseID)
		}
		against := person(t, "against")
		return map[string]any{"from_case": rapid.SampledFrom(from).Draw(t, "from case"), "against_user": against.UserID, "against_role": against.Role}
	},
	"suspected-offence": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"suspected_at": w.when(t, "suspected at"), "offence": "cannabis cultivation", "linked_to_exploitation": rapid.Bool().Draw(t, "linked")}
	},
	"looked-after": func(w *world, t *rapid.T) map[string]any {
		since := w.when(t, "since")
		return map[string]any{"since": since, "placement_start": since, "long_term_placement": rapid.Bool().Draw(t, "long term")}
	},
	"lac-review": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"held_at": w.when(t, "held at")}
	},
	"sw-visit": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"visited_at": w.when(t, "visited at")}
	},
	"contact": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"name": "Accompanying adult", "relationship": "says he is an uncle", "restricted": rapid.Bool().Draw(t, "restricted"),
			"accompanying": rapid.Bool().Draw(t, "accompanying")}
	},
	"disclosure-withdrawn": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"withdrawn_at": w.when(t, "withdrawn at")}
	},
	"due-date": func(w *world, t *rapid.T) map[string]any {
		id := w.openActionID(t, "action id")
		due := w.env.now.Add(24 * time.Hour)
		if a := w.action(id); a != nil {
			due = a.Due.Add(rapid.SampledFrom([]time.Duration{-2 * time.Hour, -30 * 24 * time.Hour, 2 * time.Hour, 14 * 24 * time.Hour}).Draw(t, "moved by"))
		}
		return map[string]any{"action_id": id, "due": due, "reason": "Court date."}
	},
	"action-resolve": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"action_id": w.openActionID(t, "action id"), "reason": reason(t)}
	},
	"team": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"reason": "Placement moved."}
		switch rapid.IntRange(0, 3).Draw(t, "change") {
		case 0:
			b["social_worker"] = rapid.SampledFrom([]string{"sw-1", "sw-2", "sw-3"}).Draw(t, "social worker")
		case 1:
			b["team"] = rapid.SampledFrom([]string{"north", "south"}).Draw(t, "team")
			b["fostering_social_worker"] = rapid.SampledFrom([]string{"fsw-1", "fsw-2"}).Draw(t, "fostering social worker")
		case 2:
			b["add_carers"] = []string{rapid.SampledFrom([]string{"carer-1", "carer-2"}).Draw(t, "add carer")}
		case 3:
			b["remove_carers"] = []string{rapid.SampledFrom([]string{"carer-1", "carer-2"}).Draw(t, "remove carer")}
		}
		return b
	},
	"closure-request": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"reason": rapid.SampledFrom([]string{"risk-resolved", "moved-to-another-agency", "disclosure-withdrawn"}).Draw(t, "reason"), "note": "Moved to Leeds."}
	},
	"closure-approval": func(w *world, t *rapid.T) map[string]any {
		var resolutions []map[string]string
		for _, a := range w.c.OpenActions() {
			resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Handed over to Leeds on 3 January."})
		}
		switch rapid.IntRange(0, 9).Draw(t, "resolutions") {
		case 0:
			resolutions = nil
		case 1:
			if len(resolutions) > 0 {
				resolutions = resolutions[1:]
			}
		case 2:
			resolutions = append(resolutions, map[string]string{"action_id": w.actionID(t, "another action"), "reason": "x"})
		}
		return map[string]any{"note": "Agreed.", "resolutions": resolutions}
	},
	"closure-decline": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"note": "Not yet: the strategy meeting is next week."}
	},
	"reopen": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"reason": "Seen with the same adults again."}
	},
}

// The seed duties' bodies (docs/rules.md, "The seed duties").
var dutyBodies = map[string]func(w *world, t *rapid.T) map[string]any{
	"young-person-told": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"outcome_id": w.outcomeID(t), "told_at": w.when(t, "told at"),
			"told_by": rapid.SampledFrom([]string{"Their social worker", "Their social worker", ""}).Draw(t, "told by"),
			"how":     rapid.SampledFrom([]string{"in person, with an interpreter", "by phone", ""}).Draw(t, "how")}
		if rapid.Bool().Draw(t, "response") {
			b["response"] = "I understand. I want to stay here."
		}
		return b
	},
	"csods-request": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"requested_at": w.when(t, "requested at"), "adult": rapid.SampledFrom([]string{"The older boyfriend", ""}).Draw(t, "adult"),
			"reason": "Seen collecting her from school.", "reference": "CSODS-1"}
		if rapid.Bool().Draw(t, "names a contact") {
			b["contact_id"] = w.contactID(t, false)
		}
		return b
	},
	"csods-not-requested": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"decided_at": w.when(t, "decided at"), "reason": reason(t)}
	},
	"csods-answer": func(w *world, t *rapid.T) map[string]any {
		ids := []string{"Q9999"}
		for _, q := range w.c.Duties.Checks {
			ids = append(ids, q.ID, q.ID, q.ID)
		}
		return map[string]any{"request_id": rapid.SampledFrom(ids).Draw(t, "check id"), "answered_at": w.when(t, "answered at"),
			"outcome": rapid.SampledFrom([]string{sg.DisclosureMade, sg.DisclosureNone, sg.DisclosureDeclined, "maybe"}).Draw(t, "answer")}
	},
	"spoke-alone": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"contact_id": w.contactID(t, true), "at": w.when(t, "at"),
			"outcome": rapid.SampledFrom([]string{sg.SpokenAloneHeld, sg.SpokenAloneHeld, sg.SpokenAloneNot}).Draw(t, "outcome")}
		if rapid.IntRange(0, 3).Draw(t, "with a reason") > 0 {
			b["reason"] = reason(t)
		}
		interpreter(t, b)
		return b
	},
	"nrm-challenge": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"decision": rapid.SampledFrom([]string{"reasonable-grounds", "reasonable-grounds", "conclusive-grounds"}).Draw(t, "decision"),
			"decided_at": w.when(t, "decided at"), "outcome": rapid.SampledFrom([]string{sg.ChallengeDecision, sg.AcceptDecision}).Draw(t, "outcome"),
			"reason": reason(t)}
	},
	"nrm-parental-view": func(w *world, t *rapid.T) map[string]any {
		b := map[string]any{"recorded_at": w.when(t, "recorded at"), "holder": "Mother, in Eritrea",
			"view": rapid.SampledFrom([]string{sg.ParentAgrees, sg.ParentObjects, sg.ParentNotAsked}).Draw(t, "view")}
		if rapid.Bool().Draw(t, "with a reason") {
			b["reason"] = reason(t)
		}
		return b
	},
	"conduct-decision": func(w *world, t *rapid.T) map[string]any {
		ids := []string{"A9999"}
		for _, a := range w.c.Actions {
			if a.Kind == policy.ConductReview {
				ids = append(ids, a.ID, a.ID, a.ID)
			}
		}
		if rapid.IntRange(0, 4).Draw(t, "another action") == 0 {
			ids = append(ids, w.actionID(t, "any action"))
		}
		return map[string]any{"action_id": rapid.SampledFrom(ids).Draw(t, "action id"), "decided_at": w.when(t, "decided at"),
			"outcome": rapid.SampledFrom([]string{sg.ConductMatter, sg.NotConductMatter}).Draw(t, "outcome"), "reason": w.conductSecret("the carer was in hospital")}
	},
	"allegation-external": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"received_at": w.when(t, "received at"), "name": "Mr K. Doe",
			"organisation": rapid.SampledFrom([]string{"Northfield Academy", "Swift Taxis"}).Draw(t, "organisation"),
			"role":         rapid.SampledFrom([]string{"teacher", "taxi driver", ""}).Draw(t, "role"), "supplier": rapid.Bool().Draw(t, "supplier"),
			"summary": w.secret("gave her a lift at night"), "urgent": rapid.Bool().Draw(t, "urgent"), "possible_offence": rapid.Bool().Draw(t, "offence")}
	},
	"allegation-outcome": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"allegation_id": w.allegationID(t), "decided_at": w.when(t, "decided at"),
			"outcome":    rapid.SampledFrom([]string{sg.Substantiated, sg.Substantiated, "unsubstantiated", "unfounded", "false", "malicious", "proven"}).Draw(t, "outcome"),
			"decided_by": "LADO allegation management meeting", "note": w.secret("the LADO's minutes")}
	},
	"relationship-ended": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"allegation_id": w.allegationID(t), "decided_at": w.when(t, "decided at"),
			"decision":   rapid.SampledFrom([]string{sg.RelationshipEnded, sg.RelationshipContinued}).Draw(t, "decision"),
			"decided_by": "Responsible Individual, after the fostering panel", "reason": w.secret("approval withdrawn")}
	},
}

// The records retention steps' bodies (docs/records-retention.md): each takes a reason, which
// the timeline keeps restricted (keptReason marks it, for the leak checks), sometimes blank.
var retentionBodies = map[string]func(w *world, t *rapid.T) map[string]any{
	sg.StepApproveDestruction: func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"reason": w.keptReason(t, "retention period ended; nothing outstanding"),
			"confirm_assumptions": rapid.Bool().Draw(t, "confirm assumptions")}
	},
	"legal-hold": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"reason": w.keptReason(t, "civil claim notified by the carer's solicitor")}
	},
	"legal-hold-lift": func(w *world, t *rapid.T) map[string]any {
		return map[string]any{"reason": w.keptReason(t, "claim settled")}
	},
}

// keptReason draws the reason given for a decision on a record's retention: marked, or blank.
func (w *world) keptReason(t *rapid.T, what string) string {
	if rapid.IntRange(0, 5).Draw(t, "blank reason") == 0 {
		return " "
	}
	return fmt.Sprintf("kept-%d: %s", w.n, what)
}

func init() {
	for name, f := range dutyBodies {
		bodies[name] = f
	}
	for name, f := range retentionBodies {
		bodies[name] = f
	}
}

// outcomeID is an outcome the young person is to be told of, or one the case does not hold.
func (w *world) outcomeID(t *rapid.T) string {
	ids := []string{"Y9999"}
	for _, o := range w.c.Duties.Outcomes {
		if o.Told == nil {
			ids = append(ids, o.ID, o.ID, o.ID)
		} else {
			ids = append(ids, o.ID)
		}
	}
	return rapid.SampledFrom(ids).Draw(t, "outcome id")
}

// contactID is a contact of the child, mostly an accompanying adult when asked for, or one the
// case does not hold.
func (w *world) contactID(t *rapid.T, accompanying bool) string {
	ids := []string{"P9999"}
	for _, k := range w.c.Contacts {
		ids = append(ids, k.ID)
		if accompanying && k.Accompanying {
			ids = append(ids, k.ID, k.ID, k.ID)
		}
	}
	return rapid.SampledFrom(ids).Draw(t, "contact id")
}

func informedBody(w *world, t *rapid.T) map[string]any {
	b := map[string]any{"informed_at": w.when(t, "informed at"), "method": "phone"}
	w.about(t, b)
	return b
}

func decisionBody(w *world, t *rapid.T) map[string]any {
	return map[string]any{"decided_at": w.when(t, "decided at"), "outcome": rapid.SampledFrom([]string{"positive", "negative"}).Draw(t, "outcome")}
}

func referralBody(w *world, t *rapid.T) map[string]any {
	return map[string]any{"allegation_id": w.allegationID(t), "informed_at": w.when(t, "informed at"), "reference": "REF-1"}
}

func interpreter(t *rapid.T, b map[string]any) {
	if rapid.Bool().Draw(t, "interpreter booked") {
		b["interpreter"] = map[string]any{"language": "Tigrinya", "dbs_checked": true, "not_from_same_area": true}
	}
}
