package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
)

// message writes one reader's digest. Its Message-ID is the day's and the reader's, so however
// often the day's run is retried or repeated, the reader gets it once.
func (d lists) message(r reader, links notify.Links, pol *policy.Policy) mail.Message {
	date := d.day.In(policy.London).Format("Monday 2 January 2006")
	scope := "agency-wide"
	if len(d.teams) > 0 {
		scope = "team " + strings.Join(d.teams, ", team ")
	}
	subject := fmt.Sprintf("Morning digest, %s: %d overdue, %d due today (%s)", date, len(d.overdue), len(d.dueToday), scope)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", subject)
	fmt.Fprintf(&b, "Overdue at %s:\n", d.day.In(policy.London).Format("15:04"))
	d.write(&b, d.overdue, links, pol, func(a readmodel.ActionRow) string {
		return "late by " + lateness(time.Duration(a.LateSeconds)*time.Second)
	})
	b.WriteString("\nDue later today:\n")
	d.write(&b, d.dueToday, links, pol, func(a readmodel.ActionRow) string { return "due at " + a.Due.In(policy.London).Format("15:04") })
	if d.more {
		fmt.Fprintf(&b, "\nOnly the first %d of a list are shown: the overdue board lists every one (%s/board).\n", maxListed, strings.TrimRight(links.BaseURL, "/"))
	}
	if len(d.unaddressed) > 0 {
		fmt.Fprintf(&b, "\nNot sent to %s: the directory holds no email address for them. Please correct the directory.\n", strings.Join(d.unaddressed, ", "))
	}
	fmt.Fprintf(&b, "\nYou get this digest because %s.\n", why(r))
	b.WriteString("It names no one: the details are in caseflow, for those who may see them.\n-- caseflow\n")
	return mail.Message{
		ID: links.MessageID("digest", d.day.In(policy.London).Format(time.DateOnly)+"/"+r.ID), To: r.Email,
		Subject: subject, Text: b.String(), Kind: "digest",
	}
}

func (d lists) write(b *strings.Builder, rows []readmodel.ActionRow, links notify.Links, pol *policy.Policy, when func(readmodel.ActionRow) string) {
	if len(rows) == 0 {
		b.WriteString("  nothing\n")
		return
	}
	for _, a := range rows {
		fmt.Fprintf(b, "  %s  %s\n    %s; %s; %s\n", a.Reference, title(a, pol, d.day), when(a), chased(a.Escalation), links.Case(a.CaseID))
	}
}

// title is an action's title as a message may carry it: never what follows an allegation, never
// what people wrote.
func title(a readmodel.ActionRow, pol *policy.Policy, day time.Time) string {
	switch {
	case a.Kind == string(safeguarding.ClassRestricted) || a.Class == string(safeguarding.ClassRestricted):
		return notify.RestrictedTitle
	case a.Kind == string(safeguarding.MeetingAction):
		return notify.MeetingActionTitle
	}
	if r, ok := pol.RuleAt(policy.RuleID(a.Kind), day, ""); ok {
		return r.Title
	}
	return a.Kind
}

// chased says how far an action's chase has gone.
func chased(level int) string {
	if level == int(safeguarding.LevelNone) {
		return "not chased yet"
	}
	return safeguarding.Level(level).String()
}

// lateness says how late, in days and hours (minutes under an hour).
func lateness(d time.Duration) string {
	switch {
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if hours == 0 {
		return plural(days, "day")
	}
	return plural(days, "day") + " " + plural(hours, "hour")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func why(r reader) string {
	if len(r.teams) == 0 {
		return "you are the agency's Safeguarding Lead (or their deputy)"
	}
	return "you manage " + strings.Join(r.teams, " and ")
}
