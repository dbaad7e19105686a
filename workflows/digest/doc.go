// Package digest sends the morning digest: each working day at a set time (08:30 UK time by
// default), every team manager gets one email listing their teams' overdue and due-today actions,
// and the Safeguarding Leads and deputies the agency-wide one. Lines give a case's reference,
// the action's title (never an allegation's), how late it is and a link; no names, and never a
// case the reader was excluded from.
//
// A Temporal Schedule (EnsureSchedule) starts the digest workflow, so it survives restarts and a
// missed morning is caught up within a window. The workflow reads the day from the schedule's
// nominal time, skips weekends and bank holidays by the policy's calendar, and sends each
// person's digest once per day however often it runs (mail.Postman).
package digest
