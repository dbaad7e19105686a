package safeguarding

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// A child has one case. A concern is matched to the child's case by who the child is: their name
// and date of birth, or their local authority and the reference it gives them. The match keys
// are digests of those, normalised so that the ways one name is typed ("Amara Okonkwo-Smith",
// "OKONKWO SMITH, Amara", "Amára Okonkwo Smith") give one key. The digests are not secret
// (names and dates are few enough to guess): the read model stores only keyed hashes of them
// (package readmodel), and the child's details themselves never leave the case.

// ChildKeys are the match keys of a child of local authority la: one for the name and date of
// birth, when both are known, and one for the local authority's reference, when the child has
// one. They are sorted, without duplicates.
func ChildKeys(ch Child, la string) []string {
	var keys []string
	name := normalName(ch.Name)
	if dob, err := ch.DateOfBirth.Time(); err == nil && name != "" {
		keys = append(keys, matchKey("name-dob", name, dob.Format(dateLayout)))
	}
	if ref := normalReference(ch.Reference); ref != "" && la != "" {
		keys = append(keys, matchKey("la-reference", strings.ToUpper(la), ref))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// MatchKeys are the keys a concern about this case's child is matched by: none before the case
// opens, nor once it is merged into the child's other case (concerns go to that one).
func (c *Case) MatchKeys() []string {
	if !c.Opened() || c.MergedInto != nil {
		return nil
	}
	return ChildKeys(c.Child, c.LA)
}

func matchKey(kind string, parts ...string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// foldMarks takes accents off letters: "Amára" reads "Amara". A chain keeps state between
// calls, so each name gets its own: one shared chain, used by two workflows at once, panicked
// (slice bounds out of range) inside their queries.
func foldMarks() transform.Transformer {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// normalName is a name as matching compares it: letters and digits only, in lower case, without
// accents, its words in alphabetical order (a family name written first or last is one name).
func normalName(name string) string {
	folded, _, err := transform.String(foldMarks(), name)
	if err != nil {
		folded = name
	}
	words := strings.FieldsFunc(strings.ToLower(folded), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	slices.Sort(words)
	return strings.Join(words, " ")
}

// normalReference is a local authority reference as matching compares it: letters and digits,
// in upper case ("ab-123 4" reads "AB1234").
func normalReference(ref string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, ref)
}
