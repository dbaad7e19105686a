package mail

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Capture keeps messages in memory instead of sending them: `caseflow dev` uses it so a newcomer
// sees the chases and digests on /dev/mail without a mail server. It keeps the newest Limit.
type Capture struct {
	Limit int

	mu   sync.Mutex
	msgs []Captured
}

// Captured is a kept message and when it was kept.
type Captured struct {
	Message
	At time.Time `json:"at"`
}

// DefaultCaptureLimit is how many messages a Capture keeps when Limit is zero.
const DefaultCaptureLimit = 500

// Send keeps the message.
func (c *Capture) Send(_ context.Context, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.Limit
	if limit <= 0 {
		limit = DefaultCaptureLimit
	}
	c.msgs = append(c.msgs, Captured{Message: m, At: time.Now()})
	if len(c.msgs) > limit {
		c.msgs = slices.Delete(c.msgs, 0, len(c.msgs)-limit)
	}
	return nil
}

// Messages returns the kept messages, oldest first.
func (c *Capture) Messages() []Captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.msgs)
}

var capturePage = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>caseflow: development mail</title></head>
<body>
<h1>Mail caseflow would have sent</h1>
<p>Development only: nothing here left this machine. Newest first; {{len .}} kept. Reload to see new mail.
As JSON: <a href="?format=json">?format=json</a>.</p>
{{range .}}<article>
<h2>{{.Subject}}</h2>
<p>To {{.To}} at {{.At.Format "2006-01-02 15:04:05 MST"}} &middot; {{.Kind}} &middot; Message-ID &lt;{{.ID}}&gt;</p>
<pre>{{.Text}}</pre>
</article><hr>
{{else}}<p>No mail yet. Chases are sent when an action's clock falls due; the morning digest each working day.</p>{{end}}
</body></html>
`))

// ServeHTTP shows the kept messages, newest first: as a page, or as JSON with ?format=json.
func (c *Capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	msgs := c.Messages()
	slices.Reverse(msgs)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(msgs)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = capturePage.Execute(w, msgs)
}
