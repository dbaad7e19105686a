package safeguarding

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on free text keep a case's history well inside Temporal's payload limits; a social
// worker's note longer than this belongs in the agency's case file, referenced here.
const (
	maxShortText = 200
	maxLongText  = 4000
	// futureSkew tolerates clocks a little ahead of the server's.
	futureSkew = 5 * time.Minute
)

func (f fieldErrors) required(field, value string) {
	if strings.TrimSpace(value) == "" {
		f.add(field, "is required")
	}
}

func (f fieldErrors) text(field, value string, max int) {
	if utf8.RuneCountInString(value) > max {
		f.add(field, "is too long (at most "+strconv.Itoa(max)+" characters)")
	}
}

// happened checks the time an event happened: required, and not in the future.
func (f fieldErrors) happened(field string, t, now time.Time) {
	switch {
	case t.IsZero():
		f.add(field, "is required (when it happened, e.g. 2026-11-26T14:30:00Z)")
	case t.After(now.Add(futureSkew)):
		f.add(field, "cannot be in the future")
	}
}

func (f fieldErrors) oneOf(field, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	f.add(field, "must be one of: "+strings.Join(allowed, ", "))
}

func (f fieldErrors) codes(field string, values []string, list []Code) {
	for _, v := range values {
		if !knownCode(list, v) {
			f.add(field, "unknown code "+quote(v))
			return
		}
	}
}

func quote(s string) string { return strconv.Quote(s) }
