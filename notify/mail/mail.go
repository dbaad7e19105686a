package mail

import (
	"context"
	"sync"
)

// Message is one email to one recipient.
type Message struct {
	// ID is the Message-ID without its angle brackets: the same every time the same message is
	// attempted, so the sent record and the recipient's mail client both know it again.
	ID      string `json:"id"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// Kind says what the message is for ("chase", "digest", "report"), for counting.
	Kind string `json:"kind"`
}

// Sender hands messages to a mail server (or, in development, keeps them).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Outcome is what became of one message.
type Outcome string

// The outcomes counted.
const (
	// Sent: the mail server accepted the message.
	Sent Outcome = "sent"
	// AlreadySent: an earlier attempt sent it; nothing was sent again.
	AlreadySent Outcome = "already_sent"
	// Failed: the attempt failed in a way a retry may mend (server down, a 4xx reply).
	Failed Outcome = "failed"
	// Rejected: the server refused it for good (a 5xx reply, such as an unknown mailbox).
	Rejected Outcome = "rejected"
	// Unaddressed: the directory holds no address for someone a message was for.
	Unaddressed Outcome = "unaddressed"
)

// Counter counts outcomes by kind of message. The metrics of an operator's dashboard hook in
// here (a Prometheus counter vector with labels kind and outcome fits it exactly); Tally is the
// one the tests and the development page read.
type Counter interface {
	Count(kind string, outcome Outcome)
}

// Tally is a Counter kept in memory. It is safe for concurrent use.
type Tally struct {
	mu     sync.Mutex
	counts map[[2]string]int
}

// Count adds one.
func (t *Tally) Count(kind string, outcome Outcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[[2]string]int{}
	}
	t.counts[[2]string{kind, string(outcome)}]++
}

// Get returns the count of one kind and outcome.
func (t *Tally) Get(kind string, outcome Outcome) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[[2]string{kind, string(outcome)}]
}

// Counters tells several counters at once.
type Counters []Counter

// Count tells each counter.
func (cs Counters) Count(kind string, outcome Outcome) {
	for _, c := range cs {
		if c != nil {
			c.Count(kind, outcome)
		}
	}
}
