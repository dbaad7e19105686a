// Package mail sends caseflow's emails: through the agency's mail server over SMTP (STARTTLS or
// implicit TLS, with authentication), or, in development, into an in-process mailbox shown at
// /dev/mail. A Postman sends each message once: a durable record, keyed by the message's stable
// Message-ID and its recipient, keeps a retried activity from sending it twice.
//
// Messages carry no personal data: a case reference, an action's title, times, a link. What
// goes into one is decided by its author (package notify for chases, digest for the morning
// digest); this package never logs a body or an address.
package mail
