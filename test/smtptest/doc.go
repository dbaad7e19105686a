// Package smtptest runs a real SMTP server inside a test (github.com/emersion/go-smtp), on a
// loopback port, with STARTTLS or implicit TLS on a certificate made for the test, and PLAIN
// authentication. It keeps every message it accepts, parsed, and lets a test refuse a recipient
// or hold one transaction open to kill a sender mid-delivery.
package smtptest
