package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
)

// Activities send the digests; they are registered on the worker.
type Activities struct {
	Directory *directory.Directory
	Store     *readmodel.Store
	// Postman sends each digest once per person and day; nil when caseflow sends no email.
	Postman *mail.Postman
	Links   notify.Links
	// Policy gives the working days: no digest on a weekend or bank holiday.
	Policy func() *policy.Policy
	Logger *slog.Logger
}

// maxListed bounds each list of a digest; the board lists everything.
const maxListed = 200

// reader is someone who gets a digest: a team manager (their teams) or a Lead (the agency).
type reader struct {
	directory.Person
	teams []string // empty: agency-wide
}

// SendDigests sends the digest of day's UK date to every manager and Lead, each once.
func (a *Activities) SendDigests(ctx context.Context, day time.Time) (Result, error) {
	res := Result{Day: day.In(policy.London).Format(time.DateOnly)}
	if a.Postman == nil {
		res.Skipped = "caseflow sends no email"
		return res, nil
	}
	if why := notWorking(a.Policy().Calendar(""), day); why != "" {
		res.Skipped = why
		a.Logger.Info("no morning digest today", "day", res.Day, "reason", why)
		return res, nil
	}
	readers := a.readers()
	for _, r := range readers {
		if r.Email == "" {
			res.Unaddressed = append(res.Unaddressed, r.ID)
			mail.Counters{a.Postman.Counter}.Count("digest", mail.Unaddressed)
		}
	}
	stop := activities.Heartbeat(ctx, 5*time.Second)
	defer stop()
	var retry []error
	for _, r := range readers {
		if r.Email == "" {
			continue
		}
		d, err := a.gather(ctx, r, day)
		if err != nil {
			return res, err
		}
		if len(r.teams) == 0 {
			d.unaddressed = res.Unaddressed
		}
		outcome, err := a.Postman.Deliver(ctx, d.message(r, a.Links, a.Policy()))
		switch {
		case err == nil && outcome == mail.Sent:
			res.Sent++
		case err == nil:
			res.AlreadySent++
		case mail.IsRefused(err):
			a.Logger.Error("morning digest refused by the mail server", "day", res.Day, "user", r.ID)
		default:
			retry = append(retry, err)
		}
		activity.RecordHeartbeat(ctx)
	}
	if len(res.Unaddressed) > 0 {
		a.Logger.Error("morning digest: no email address for some readers", "day", res.Day, "users", res.Unaddressed)
	}
	a.Logger.Info("morning digest", "day", res.Day, "sent", res.Sent, "already_sent", res.AlreadySent, "failing", len(retry))
	return res, errors.Join(retry...)
}

// notWorking says why day is not a working day, or "" when it is.
func notWorking(cal *policy.Calendar, day time.Time) string {
	if cal.IsWorkingDay(day) {
		return ""
	}
	local := day.In(policy.London)
	for _, h := range cal.BankHolidays(local.Year()) {
		if h.Date.Format(time.DateOnly) == local.Format(time.DateOnly) {
			return "bank holiday: " + h.Name
		}
	}
	return "weekend"
}

// readers are the team managers, then the Leads and deputies: a person who gets the
// agency-wide digest gets no team one, which it contains.
func (a *Activities) readers() []reader {
	leads := a.Directory.Leads()
	var out []reader
	seen := map[string]bool{}
	for _, p := range leads {
		seen[p.ID] = true
	}
	for _, team := range a.Directory.Teams() {
		for _, m := range a.Directory.Managers(team) {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			out = append(out, reader{Person: m, teams: a.Directory.TeamsManagedBy(m.ID)})
		}
	}
	for _, p := range leads {
		out = append(out, reader{Person: p})
	}
	return out
}

// lists are one reader's digest: what is overdue, and what falls due later today.
type lists struct {
	day               time.Time
	overdue, dueToday []readmodel.ActionRow
	// more: a list was cut at maxListed.
	more        bool
	teams       []string
	unaddressed []string
}

// gather reads the reader's lists from the read model, as the reader may see them: the
// visibility policy leaves out every case they were excluded from, and names no restricted
// action by its kind.
func (a *Activities) gather(ctx context.Context, r reader, day time.Time) (lists, error) {
	d := lists{day: day, teams: r.teams}
	endOfDay := midnightAfter(day)
	scopes := r.teams
	if len(scopes) == 0 {
		scopes = []string{""}
	}
	for _, team := range scopes {
		v := readmodel.Visibility{Actor: safeguarding.Actor{UserID: r.ID, Role: r.Role, Team: team}}
		filter := readmodel.ActionFilter{Team: team}
		overdue, more, err := collect(func(cursor string) (readmodel.Page[readmodel.ActionRow], error) {
			return a.Store.Overdue(ctx, readmodel.OverdueQuery{Now: day, Visibility: v, ActionFilter: filter, Limit: 100, Cursor: cursor})
		})
		if err != nil {
			return d, fmt.Errorf("overdue actions for %s: %w", r.ID, err)
		}
		due, moreDue, err := collect(func(cursor string) (readmodel.Page[readmodel.ActionRow], error) {
			return a.Store.Due(ctx, readmodel.DueQuery{From: day.Add(time.Millisecond), To: endOfDay, Now: day, Visibility: v, ActionFilter: filter, Limit: 100, Cursor: cursor})
		})
		if err != nil {
			return d, fmt.Errorf("actions due today for %s: %w", r.ID, err)
		}
		d.overdue, d.dueToday = append(d.overdue, overdue...), append(d.dueToday, due...)
		d.more = d.more || more || moreDue
	}
	slices.SortStableFunc(d.overdue, func(x, y readmodel.ActionRow) int { return x.Due.Compare(y.Due) })
	slices.SortStableFunc(d.dueToday, func(x, y readmodel.ActionRow) int { return x.Due.Compare(y.Due) })
	return d, nil
}

// collect reads pages until the last, or until maxListed rows.
func collect(page func(cursor string) (readmodel.Page[readmodel.ActionRow], error)) ([]readmodel.ActionRow, bool, error) {
	var rows []readmodel.ActionRow
	cursor := ""
	for {
		p, err := page(cursor)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, p.Items...)
		if p.NextCursor == "" {
			return rows, false, nil
		}
		if len(rows) >= maxListed {
			return rows[:maxListed], true, nil
		}
		cursor = p.NextCursor
	}
}

// midnightAfter is the end of t's UK day.
func midnightAfter(t time.Time) time.Time {
	l := t.In(policy.London)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, policy.London)
}
