// Package notify delivers chases: reminders, overdue notices and escalations. A notice names
// the case by its pseudonymous reference and the action by its rule; it never carries the
// child's or anyone's name, so it is safe in an inbox, a log or a webhook. In Redis, recipients'
// user ids are pseudonyms (see package pseudonym), in inbox keys and in stored notices alike.
package notify
