package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// Security headers, on every response: nothing that shows a case may be kept by a browser or a
// proxy, nothing may be framed, and a page may load and submit to its own origin only.
const (
	// apiPolicy is the Content-Security-Policy of everything but the pages, which set their own.
	apiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// hstsPolicy makes browsers use https for a year once they have seen it over https.
	hstsPolicy = "max-age=31536000; includeSubDomains"
)

// directive is one Content-Security-Policy directive.
type directive struct{ name, value string }

// requiredDirectives are added to any page's own policy that lacks them. Forms may post to
// caseflow and lead on to formOrigins (the identity provider, for signing in and out): browsers
// apply form-action to the redirects that follow a form too.
func requiredDirectives(formOrigins []string) []directive {
	return []directive{
		{"frame-ancestors", "'none'"},
		{"base-uri", "'none'"},
		{"form-action", strings.Join(append([]string{"'self'"}, formOrigins...), " ")},
		{"object-src", "'none'"},
	}
}

// securityHeaders sets the headers above. Pages set their own Content-Security-Policy; the
// directives every policy needs are added to it as the response goes out.
func securityHeaders(trusted []netip.Prefix, formOrigins []string) gin.HandlerFunc {
	required := requiredDirectives(formOrigins)
	return func(c *gin.Context) {
		h := c.Writer.Header()
		if !strings.HasPrefix(c.Request.URL.Path, "/assets/") {
			h.Set("Cache-Control", "no-store")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", apiPolicy)
		if servedOverTLS(c.Request, trusted) {
			h.Set("Strict-Transport-Security", hstsPolicy)
		}
		w := &finalHeaders{ResponseWriter: c.Writer, required: required}
		c.Writer = w
		c.Next()
		w.apply()
	}
}

// servedOverTLS reports whether the client reached caseflow over https: directly, or through a
// trusted proxy that says so.
func servedOverTLS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	return strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") && fromTrustedProxy(r, trusted)
}

func fromTrustedProxy(r *http.Request, trusted []netip.Prefix) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range trusted {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// completePolicy adds the required directives a policy lacks.
func completePolicy(policy string, required []directive) string {
	have := map[string]bool{}
	for _, d := range strings.Split(policy, ";") {
		if fields := strings.Fields(d); len(fields) > 0 {
			have[strings.ToLower(fields[0])] = true
		}
	}
	for _, d := range required {
		if !have[d.name] {
			policy = strings.TrimRight(strings.TrimSpace(policy), ";") + "; " + d.name + " " + d.value
		}
	}
	return policy
}

// finalHeaders completes the Content-Security-Policy at the moment the headers are sent,
// whoever set it.
type finalHeaders struct {
	gin.ResponseWriter
	required []directive
	done     bool
}

func (w *finalHeaders) apply() {
	if w.done {
		return
	}
	w.done = true
	if p := w.Header().Get("Content-Security-Policy"); p != "" {
		w.Header().Set("Content-Security-Policy", completePolicy(p, w.required))
	}
}

func (w *finalHeaders) WriteHeaderNow() { w.apply(); w.ResponseWriter.WriteHeaderNow() }
func (w *finalHeaders) Flush()          { w.apply(); w.ResponseWriter.Flush() }

func (w *finalHeaders) Write(b []byte) (int, error) {
	w.apply()
	return w.ResponseWriter.Write(b)
}

func (w *finalHeaders) WriteString(s string) (int, error) {
	w.apply()
	return w.ResponseWriter.WriteString(s)
}
