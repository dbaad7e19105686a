package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/security/pseudonym"
)

// Postman sends each message once, however often it is asked to.
//
// Before sending, it claims the message in Redis (a key hashed with the server's secret from the
// Message-ID and the recipient, holding no address), for Lease; once the server has accepted the message it
// records it as sent, for RecordFor. An attempt that finds the record sends nothing; one that
// finds another attempt's live claim fails, to be retried once that attempt has finished or its
// claim has lapsed. So a retry after a crash, a timeout or a lost reply never sends twice, with
// one exception no SMTP client can close: a crash in the milliseconds between the server's
// acceptance and the record being written. That message is sent again, with the same
// Message-ID, which mail clients and servers treat as the same message.
type Postman struct {
	Sender Sender
	Redis  redis.UniversalClient
	// Keys hash each record's key with the server's secret: an address is never in Redis, not
	// even as a plain hash one could match by hashing a guess.
	Keys pseudonym.Key
	// Counter counts every outcome; nil counts nothing.
	Counter Counter
	Logger  *slog.Logger
	// Lease is how long a claim holds: longer than a send can take (DefaultLease when zero).
	Lease time.Duration
}

// Records and leases.
const (
	// DefaultLease covers a send of DefaultTimeout per exchange with room to spare.
	DefaultLease = 2 * time.Minute
	// RecordFor outlives every retry of a chase and every day's digest.
	RecordFor     = 90 * 24 * time.Hour
	recordPrefix  = "cf:mail:"
	recordSent    = "sent"
	recordRefused = "rejected"
	claimPrefix   = "sending:"
)

// ErrInProgress means another attempt holds the message's claim; retry later.
var ErrInProgress = errors.New("another attempt is sending this message")

// SendError is a failed send, without the server's words (which may quote an address). A
// Sender returns one; any other error from a Sender counts as a failure a retry may mend.
type SendError struct {
	MessageID string
	// Code is the server's reply code, 0 when there was none (the connection failed).
	Code int
	// Step is what failed: an SMTP command, or why the connection failed.
	Step string
	// Refused: the server refused the message for good (a 5xx reply); retrying will not help.
	Refused bool
}

func (e *SendError) Error() string {
	switch {
	case e.Refused:
		return fmt.Sprintf("mail server refused message %s (code %d, %s)", e.MessageID, e.Code, e.Step)
	case e.Code != 0:
		return fmt.Sprintf("mail server did not take message %s (code %d, %s); it will be tried again", e.MessageID, e.Code, e.Step)
	}
	return fmt.Sprintf("could not hand message %s to the mail server (%s); it will be tried again", e.MessageID, e.Step)
}

// IsRefused reports whether err is a message the server refused for good, now or before.
func IsRefused(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Refused
}

// Deliver sends m unless it was sent before. It returns Sent or AlreadySent, or an error: a
// *SendError, ErrInProgress, or a failure to reach Redis.
func (p *Postman) Deliver(ctx context.Context, m Message) (Outcome, error) {
	key := recordPrefix + p.Keys.Keyed("mail", m.ID, strings.ToLower(m.To))
	token := claimPrefix + randomToken()
	lease := p.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	claimed, err := p.Redis.SetNX(ctx, key, token, lease).Result()
	if err != nil {
		return "", fmt.Errorf("claim message %s: %w", m.ID, err)
	}
	if !claimed {
		state, err := p.Redis.Get(ctx, key).Result()
		switch {
		case errors.Is(err, redis.Nil):
			return "", ErrInProgress // the other claim lapsed just now; the retry will take it
		case err != nil:
			return "", fmt.Errorf("read record of message %s: %w", m.ID, err)
		case state == recordSent:
			p.count(m.Kind, AlreadySent)
			return AlreadySent, nil
		case state == recordRefused:
			return "", &SendError{MessageID: m.ID, Refused: true}
		}
		return "", ErrInProgress
	}
	sendErr := p.Sender.Send(ctx, m)
	if sendErr == nil {
		// The server has the message: from here on a retry must find the record. A context
		// ended by the activity's timeout must not stop it being written.
		if err := p.Redis.Set(context.WithoutCancel(ctx), key, recordSent, RecordFor).Err(); err != nil {
			return "", fmt.Errorf("record message %s as sent: %w", m.ID, err)
		}
		p.count(m.Kind, Sent)
		return Sent, nil
	}
	var failure *SendError
	if !errors.As(sendErr, &failure) {
		failure = &SendError{MessageID: m.ID, Step: "the sender failed"}
	}
	if failure.Refused {
		p.count(m.Kind, Rejected)
		err = p.Redis.Set(context.WithoutCancel(ctx), key, recordRefused, RecordFor).Err()
	} else {
		p.count(m.Kind, Failed)
		err = release.Run(context.WithoutCancel(ctx), p.Redis, []string{key}, token).Err()
	}
	if p.Logger != nil {
		p.Logger.Warn("email not sent", "message", m.ID, "kind", m.Kind, "code", failure.Code, "step", failure.Step, "refused", failure.Refused)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", errors.Join(failure, fmt.Errorf("update record of message %s: %w", m.ID, err))
	}
	return "", failure
}

// release gives up a claim if it is still this attempt's, so the next attempt need not wait for
// the lease to lapse.
var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

func (p *Postman) count(kind string, o Outcome) {
	if p.Counter != nil {
		p.Counter.Count(kind, o)
	}
}

func randomToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
