package policy

import (
	"strings"
	"unicode"
)

// Flag is wording the agency policy asks staff not to use about a child, found in a text, with
// the wording it prefers.
type Flag struct {
	Phrase     string `json:"phrase"`
	Suggestion string `json:"suggestion"`
}

// wordingRule is one entry of the policy file's wording list.
type wordingRule struct {
	avoid, say string
}

// Flag finds the phrases of the policy's wording list in text, each once, in the order of the
// list. Matching ignores case and finds whole words only: "chose to" is flagged, "chosen" is not.
func (p *Policy) Flag(text string) []Flag {
	lower := strings.ToLower(text)
	var out []Flag
	for _, w := range p.wording {
		if containsWords(lower, w.avoid) {
			out = append(out, Flag{Phrase: w.avoid, Suggestion: w.say})
		}
	}
	return out
}

// containsWords reports whether phrase occurs in text with no letter or digit joined to it.
func containsWords(text, phrase string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], phrase)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(phrase)
		if !wordChar(lastRune(text[:start])) && !wordChar(firstRune(text[end:])) {
			return true
		}
		from = start + 1
	}
}

func wordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastRune(s string) rune {
	if s == "" {
		return ' '
	}
	r := []rune(s)
	return r[len(r)-1]
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return ' '
}
