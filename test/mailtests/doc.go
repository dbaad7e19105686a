// Package mailtests holds the end-to-end tests of email: the real caseflow stack on loopback
// sends chases and morning digests to a real SMTP server in the test process
// (github.com/emersion/go-smtp, see test/smtptest), once each, with no personal data, also
// when the worker is killed mid-delivery; and the digest's Temporal Schedule runs once per working
// day.
package mailtests
