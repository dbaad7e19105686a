package policy

import (
	"strings"
	"testing"
)

func TestWordingThatBlamesTheChildIsFlagged(t *testing.T) {
	p := Default()
	flags := p.Flag("She is a Child Prostitute; it was her lifestyle choice and she chose to go.")
	var phrases []string
	for _, f := range flags {
		phrases = append(phrases, f.Phrase)
		if f.Suggestion == "" {
			t.Errorf("%q has no suggestion", f.Phrase)
		}
	}
	if strings.Join(phrases, "|") != "child prostitute|lifestyle choice|chose to" {
		t.Errorf("flagged %q", phrases)
	}
	for _, clean := range []string{"", "She has chosen a new school.", "He was made to carry drugs.", "the prostitutes' houses", "whose choice too"} {
		if got := p.Flag(clean); len(got) != 0 {
			t.Errorf("%q flagged %v", clean, got)
		}
	}
}

func TestWordingListIsValidated(t *testing.T) {
	for _, tt := range []struct{ old, new, want string }{
		{"  - {avoid: promiscuous, say: being sexually exploited}\n", "  - {avoid: promiscuous}\n", "wording[9].say: is required"},
		{"  - {avoid: promiscuous, say: being sexually exploited}\n", "  - {avoid: Consensual, say: x}\n", `wording[9].avoid: "consensual" is listed twice`},
	} {
		text := strings.Replace(string(defaultFile), tt.old, tt.new, 1)
		if _, err := Load("wording.yaml", []byte(text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v; want %q", err, tt.want)
		}
	}
}
