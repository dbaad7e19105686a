package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/security/pseudonym"
	"github.com/caseflow/caseflow/test/smtptest"
)

func message(id, to string) mail.Message {
	return mail.Message{ID: id, To: to, Subject: "Overdue: CF-TEST01", Text: "Open the case: http://caseflow.test/cases/c1", Kind: "chase"}
}

// TestSMTPModes sends through a real SMTP server in each TLS mode, authenticated where TLS
// protects the password, and checks what arrives.
func TestSMTPModes(t *testing.T) {
	for _, mode := range []string{mail.StartTLS, mail.ImplicitTLS, mail.NoTLS} {
		t.Run(mode, func(t *testing.T) {
			opts := smtptest.Options{TLS: mode}
			cfg := mail.SMTPConfig{TLS: mode, From: "caseflow@agency.example", Timeout: 5 * time.Second}
			if mode != mail.NoTLS {
				opts.Username, opts.Password = "caseflow", "s3cret"
				cfg.Username, cfg.Password = "caseflow", "s3cret"
			}
			srv := smtptest.Start(t, opts)
			cfg.Addr, cfg.TLSConfig = srv.Addr(), srv.ClientTLS
			sender, err := mail.NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := sender.Send(context.Background(), message("chase.c1.a1.2.0@caseflow", "sw-1@agency.example")); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages arrived, want 1", len(got))
			}
			m := got[0]
			if m.Secured != (mode != mail.NoTLS) || m.Authed != (mode != mail.NoTLS) {
				t.Errorf("secured %v, authenticated %v in mode %s", m.Secured, m.Authed, mode)
			}
			checks := map[string]string{
				"Message-Id": "<chase.c1.a1.2.0@caseflow>", "Subject": "Overdue: CF-TEST01",
				"To": "<sw-1@agency.example>", "From": "<caseflow@agency.example>", "Auto-Submitted": "auto-generated",
			}
			for h, want := range checks {
				if got := m.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if !strings.Contains(m.Body, "http://caseflow.test/cases/c1") {
				t.Errorf("body %q", m.Body)
			}
		})
	}
}

func TestSMTPRefusesUnsafeSettings(t *testing.T) {
	for _, cfg := range []mail.SMTPConfig{
		{Addr: "mail.agency.example:25", TLS: mail.NoTLS, From: "caseflow@agency.example"},
		{Addr: "127.0.0.1:25", TLS: mail.NoTLS, From: "caseflow@agency.example", Username: "u", Password: "p"},
		{Addr: "mail.agency.example", From: "caseflow@agency.example"},
		{Addr: "mail.agency.example:587", TLS: "ssl", From: "caseflow@agency.example"},
		{Addr: "mail.agency.example:587"},
	} {
		if _, err := mail.NewSMTP(cfg); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
}

func TestSTARTTLSIsRequired(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.NoTLS})
	sender, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.Addr(), TLS: mail.StartTLS, From: "caseflow@agency.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(context.Background(), message("m1@caseflow", "sw-1@agency.example")); err == nil {
		t.Fatal("sent in the clear to a server without STARTTLS")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages arrived in the clear", n)
	}
}

// testKeys is a server secret for the tests' record keys.
func testKeys(t *testing.T) pseudonym.Key {
	t.Helper()
	k, err := pseudonym.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newPostman(t *testing.T, sender mail.Sender) (*mail.Postman, *mail.Tally) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	tally := &mail.Tally{}
	return &mail.Postman{Sender: sender, Redis: rdb, Keys: testKeys(t), Counter: tally, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Lease: time.Second}, tally
}

// TestPostmanSendsOnce: asked again, after success, the postman sends nothing; a refusal is
// remembered; a temporary failure frees the message for the next attempt at once.
func TestPostmanSendsOnce(t *testing.T) {
	var later atomic.Bool
	srv := smtptest.Start(t, smtptest.Options{Refuse: func(rcpt string) error {
		if rcpt == "gone@agency.example" {
			return smtptest.ErrMailboxUnknown
		}
		if later.Load() {
			return smtptest.ErrTryLater
		}
		return nil
	}})
	sender, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.Addr(), TLS: mail.NoTLS, From: "caseflow@agency.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p, tally := newPostman(t, sender)
	ctx := context.Background()

	for i, want := range []mail.Outcome{mail.Sent, mail.AlreadySent, mail.AlreadySent} {
		got, err := p.Deliver(ctx, message("m1@caseflow", "sw-1@agency.example"))
		if err != nil || got != want {
			t.Fatalf("attempt %d: %q %v, want %q", i, got, err, want)
		}
	}
	// The same message to someone else is their own.
	if got, err := p.Deliver(ctx, message("m1@caseflow", "mgr-1@agency.example")); err != nil || got != mail.Sent {
		t.Fatalf("second recipient: %q %v", got, err)
	}

	_, err = p.Deliver(ctx, message("m2@caseflow", "gone@agency.example"))
	if !mail.IsRefused(err) || strings.Contains(err.Error(), "gone@") {
		t.Fatalf("unknown mailbox: %v (want a refusal that does not quote the address)", err)
	}
	if _, err := p.Deliver(ctx, message("m2@caseflow", "gone@agency.example")); !mail.IsRefused(err) {
		t.Fatalf("a refused message was tried again: %v", err)
	}

	later.Store(true)
	_, err = p.Deliver(ctx, message("m3@caseflow", "sw-1@agency.example"))
	var se *mail.SendError
	if !errors.As(err, &se) || se.Refused || se.Code != 451 {
		t.Fatalf("temporary failure: %v", err)
	}
	later.Store(false)
	if got, err := p.Deliver(ctx, message("m3@caseflow", "sw-1@agency.example")); err != nil || got != mail.Sent {
		t.Fatalf("retry after a temporary failure: %q %v", got, err)
	}

	if n := len(srv.Messages()); n != 3 {
		t.Errorf("%d messages arrived, want 3", n)
	}
	for outcome, want := range map[mail.Outcome]int{mail.Sent: 3, mail.AlreadySent: 2, mail.Rejected: 1, mail.Failed: 1} {
		if got := tally.Get("chase", outcome); got != want {
			t.Errorf("counted %d %s, want %d", got, outcome, want)
		}
	}
}

// blocking is a sender that says when it starts, then waits until released: an attempt that is
// still sending.
type blocking struct{ started, release chan struct{} }

func (b blocking) Send(ctx context.Context, _ mail.Message) error {
	close(b.started)
	<-b.release
	return nil
}

// TestPostmanWaitsForAnAttemptStillSending: while one attempt holds a message, another sends
// nothing; once the first has sent, the other finds the record.
func TestPostmanWaitsForAnAttemptStillSending(t *testing.T) {
	b := blocking{started: make(chan struct{}), release: make(chan struct{})}
	p, _ := newPostman(t, b)
	p.Lease = time.Minute
	done := make(chan error, 1)
	go func() {
		_, err := p.Deliver(context.Background(), message("m1@caseflow", "sw-1@agency.example"))
		done <- err
	}()
	<-b.started
	if _, err := p.Deliver(context.Background(), message("m1@caseflow", "sw-1@agency.example")); !errors.Is(err, mail.ErrInProgress) {
		t.Fatalf("second attempt: %v, want ErrInProgress", err)
	}
	close(b.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, err := p.Deliver(context.Background(), message("m1@caseflow", "sw-1@agency.example")); err != nil || got != mail.AlreadySent {
		t.Fatalf("after the first attempt sent: %q %v", got, err)
	}
}

func TestCapturePage(t *testing.T) {
	c := &mail.Capture{Limit: 2}
	ctx := context.Background()
	for _, id := range []string{"a@x", "b@x", "c@x"} {
		if err := c.Send(ctx, message(id, "sw-1@agency.example")); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Messages(); len(got) != 2 || got[0].ID != "b@x" {
		t.Fatalf("kept %+v", got)
	}
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("GET", "/dev/mail", nil))
	body := rec.Body.String()
	if !strings.Contains(body, "Overdue: CF-TEST01") || strings.Index(body, "c@x") > strings.Index(body, "b@x") {
		t.Errorf("page does not list the newest first:\n%s", body)
	}
}
