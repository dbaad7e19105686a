package workflows

// This file is the rest of the contract between the API and the case workflows, beside the
// names in names.go and the error codec in handlers.go: how case ids and references are made,
// the shape of a timeline page, the marker of a request whose wording is kept, and the error
// that says the case service could not be reached.

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"

	"github.com/caseflow/caseflow/safeguarding"
)

// ErrUnavailable means Temporal could not be reached in time; the request may be retried.
var ErrUnavailable = errors.New("the case service is unavailable")

// TimelinePage is a page of a case's timeline, oldest entry first. NextBefore, when not zero,
// asks for the page of entries before it.
type TimelinePage struct {
	Entries    []safeguarding.Entry
	NextBefore int
}

// caseIDEncoding writes ids in lower-case letters and digits only, safe in URLs and workflow ids.
var caseIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// CaseIDFor derives a case id from who raised the concern and the request's id, so retrying a
// request (same Idempotency-Key) always addresses the same workflow, even if Redis lost the key.
func CaseIDFor(userID, requestID string) string {
	sum := sha256.Sum256([]byte("case\x00" + userID + "\x00" + requestID))
	return caseIDEncoding.EncodeToString(sum[:15])
}

// ValidCaseID reports whether s could be a case id, so junk never reaches Temporal.
func ValidCaseID(s string) bool {
	if len(s) != 24 {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") == ""
}

// ReferenceFor is the case's pseudonymous reference: what staff write in other systems, safe in
// the read model and logs.
func ReferenceFor(caseID string) string {
	sum := sha256.Sum256([]byte("reference\x00" + caseID))
	return "CF-" + strings.ToUpper(caseIDEncoding.EncodeToString(sum[:5]))
}

type keepWordingKey struct{}

// KeepWording marks a request whose flagged wording the person confirmed (they are quoting
// someone): the workflow's language check lets it through.
func KeepWording(ctx context.Context) context.Context {
	return context.WithValue(ctx, keepWordingKey{}, true)
}

// KeepsWording reports whether ctx carries KeepWording.
func KeepsWording(ctx context.Context) bool {
	keep, _ := ctx.Value(keepWordingKey{}).(bool)
	return keep
}
