package safeguarding

import (
	"regexp"
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

// reasonGiven checks the one field of a decision that needs only its reason.
func reasonGiven(reason string) error {
	f := fieldErrors{}
	f.required("reason", reason)
	f.text("reason", reason, maxLongText)
	return f.err()
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

// idPattern is the one allow-list of identifiers: user ids, team codes and local authority codes
// come from the identity provider or the agency's own lists, and are opaque tokens. Anything else
// (a space, a control character, a separator) is a mistake or an attack, refused at the door, so
// it can never reach a key, a log line or the read model.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,128}$`)

// ValidID reports whether s is an acceptable identifier.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// idRule is the reason given for an identifier that is refused.
const idRule = "must be an identifier of 1 to 128 letters, digits, dots, dashes, underscores or @"

// id checks an optional identifier.
func (f fieldErrors) id(field, value string) {
	if value != "" && !ValidID(value) {
		f.add(field, idRule)
	}
}

// requiredID checks an identifier that must be given.
func (f fieldErrors) requiredID(field, value string) {
	if value == "" {
		f.add(field, "is required")
		return
	}
	f.id(field, value)
}

// ids checks a list of identifiers and its length.
func (f fieldErrors) ids(field string, values []string, max int) {
	f.count(field, len(values), max)
	for _, v := range values {
		if !ValidID(v) {
			f.add(field, idRule)
			return
		}
	}
}

// count caps a list, so one request cannot grow a case beyond what its history can carry.
func (f fieldErrors) count(field string, n, max int) {
	if n > max {
		f.add(field, "has too many entries (at most "+strconv.Itoa(max)+")")
	}
}

// List caps: generous for a real case, small enough to keep a step's payload bounded.
const (
	maxCarers     = 20
	maxCodes      = 50
	maxAttendees  = 50
	maxAgreed     = 50
	maxReferences = 50
)

// checkActor refuses an actor whose identity does not fit the allow-list: the API checks tokens
// the same way, so only a forged request gets here.
func checkActor(a Actor) error {
	f := fieldErrors{}
	f.requiredID("actor.user_id", a.UserID)
	f.id("actor.team", a.Team)
	if err := f.err(); err != nil {
		return &Error{Code: EForbidden, Message: "Your identity could not be accepted.", Fields: err.(*Error).Fields}
	}
	return nil
}
