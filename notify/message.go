package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The words of a chase email. A message says which case (its pseudonymous reference), which
// action (its title, which for an action that follows an allegation says only that it is
// restricted), when it is due in UK time, how far the chase has gone, and where to open the case.
// It never names anyone: the person reading it signs in to see more.

// The titles of actions whose own title a message may not carry: one that follows an allegation
// (an inbox, an email or a phone's lock screen is no place to say one was made), and one people
// wrote at a meeting (free text may name someone).
const (
	RestrictedTitle    = "A restricted action: open the case to see it"
	MeetingActionTitle = "Action agreed at a strategy meeting"
)

// ukTime shows a time as people in the UK read it.
const ukTimeLayout = "Monday 2 January 2006 at 15:04"

// ukTime writes t in UK time, saying so.
func ukTime(t time.Time) string { return t.In(policy.London).Format(ukTimeLayout) + " (UK time)" }

// subject says in its first word whether a chase is a reminder, an overdue notice or an
// escalation, then the action and the case.
func subject(n Notice) string {
	word := "Overdue"
	switch safeguarding.Level(n.Level) {
	case safeguarding.LevelReminded:
		word = "Reminder"
	case safeguarding.LevelManager, safeguarding.LevelLead:
		word = "Escalated"
	}
	if n.Repeat > 0 {
		word += ", chased again"
	}
	return fmt.Sprintf("%s: %s (case %s)", word, n.Title, n.Reference)
}

func chaseMessage(n Notice, to addressee, links Links) mail.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", subject(n))
	fmt.Fprintf(&b, "Case:    %s\n", n.Reference)
	fmt.Fprintf(&b, "Action:  %s\n", n.Title)
	fmt.Fprintf(&b, "Due:     %s\n", ukTime(n.Due))
	fmt.Fprintf(&b, "Chase:   %s", n.LevelName)
	if n.Repeat > 0 {
		fmt.Fprintf(&b, " (chased again, %d)", n.Repeat)
	}
	fmt.Fprintf(&b, "\n\nOpen the case: %s\n\n", links.Case(n.CaseID))
	fmt.Fprintf(&b, "You are told because %s.\n", to.why)
	b.WriteString(footer)
	return mail.Message{ID: links.MessageID("chase", n.ID), To: to.Email, Subject: subject(n), Text: b.String(), Kind: "chase"}
}

// reportMessage tells a Safeguarding Lead of a chase caseflow could not email to everyone.
func reportMessage(n Notice, to string, links Links) mail.Message {
	title := fmt.Sprintf("Not emailed: %s (case %s)", n.Title, n.Reference)
	var b strings.Builder
	fmt.Fprintf(&b, "A chase could not be emailed to everyone it was for.\n\n")
	fmt.Fprintf(&b, "Case:    %s\n", n.Reference)
	fmt.Fprintf(&b, "Action:  %s\n", n.Title)
	fmt.Fprintf(&b, "Due:     %s\n", ukTime(n.Due))
	fmt.Fprintf(&b, "Chase:   %s\n\n", n.LevelName)
	fmt.Fprintf(&b, "%s\n\nOpen the case: %s\n\n", n.Note, links.Case(n.CaseID))
	b.WriteString("You are told because you are the agency's Safeguarding Lead (or their deputy).\n")
	b.WriteString(footer)
	return mail.Message{ID: links.MessageID("report", n.ID), To: to, Subject: title, Text: b.String(), Kind: "report"}
}

const footer = "\nThis message names no one: the details are in caseflow, for those who may see them.\n-- caseflow\n"
