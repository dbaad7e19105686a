package safeguarding

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrorCode says what kind of failure an Error is. The API maps each code to one HTTP status in
// one place; the workflow carries the code across Temporal as the application error type.
type ErrorCode string

const (
	// EInvalid: the request is well-formed but its content is wrong (a missing reference, a date
	// in the future, an unknown indicator code).
	EInvalid ErrorCode = "invalid"
	// EConflict: the request is valid but the case is not at a point where it can happen (a
	// Conclusive Grounds decision before a Reasonable Grounds one).
	EConflict ErrorCode = "conflict"
	// EForbidden: the caller's role may never do this.
	EForbidden ErrorCode = "forbidden"
	// ENotFound: the case does not exist, or the caller may not know that it does.
	ENotFound ErrorCode = "not_found"
)

// Error is a failure a social worker can act on: Message is written for them, Fields names the
// request fields that are wrong, with a reason for each.
type Error struct {
	Code    ErrorCode         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + e.Fields[name]
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf builds an Error with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first Error in err's chain, or "" when there is none.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// NotFound is the single answer for a case that is missing or hidden from the caller, so the
// two cannot be told apart.
func NotFound() *Error {
	return Errorf(ENotFound, "No case with this reference is available to you.")
}

// invalid is the refusal of one field, with a message for the person and a reason for the field.
func invalid(field, message, reason string) *Error {
	return &Error{Code: EInvalid, Message: message, Fields: map[string]string{field: reason}}
}

// fieldErrors collects what is wrong with a request so that every problem is reported at once.
type fieldErrors map[string]string

func (f fieldErrors) add(field, reason string) {
	if _, dup := f[field]; !dup {
		f[field] = reason
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "Some details need correcting before this can be recorded.", Fields: f}
}
