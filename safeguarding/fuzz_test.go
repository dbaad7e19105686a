package safeguarding

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzDecodeStep feeds arbitrary bytes to every step's decoder and validator, as a hostile or
// broken client would: no panic, and every refusal is a domain error a user can read.
func FuzzDecodeStep(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `[]`, `{"reported_at":"2026-11-26T10:00:00Z","channel":"101","reference":"R"}`,
		`{"observed_at":"2026-11-26T10:00:00Z","child":{"name":"x","preferred_term":"victim"},"la":"E1","team":"t","social_worker":"s","exploitation_types":["trafficking"],"indicators":[{"code":"other"}],"account":"a"}`,
		`{"held_at":"2026-11-26T10:00:00Z","format":"phone","outcome":"o","actions":[{"title":"t","owner_role":"carer","due":"2026-11-27T10:00:00Z"}]}`,
		`{"text":"` + string(make([]byte, 10)) + `"}`, `{"due":"not a time"}`, `{"a":1} {"b":2}`,
	}
	for _, s := range seeds {
		for i := range steps {
			f.Add(i, []byte(s))
		}
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, which int, body []byte) {
		if which < 0 {
			which = -which
		}
		step := steps[which%len(steps)]
		cmd, err := step.Decode(body)
		if err != nil {
			if CodeOf(err) != EInvalid || err.Error() == "" {
				t.Fatalf("%s: decode error %v is not a readable refusal", step.Name, err)
			}
			return
		}
		if err := cmd.Validate(now); err != nil {
			var e *Error
			if !asError(err, &e) || e.Code != EInvalid || e.Message == "" {
				t.Fatalf("%s: validation error %#v is not a readable refusal", step.Name, err)
			}
			return
		}
		// A body that passes must survive a round trip through JSON, as it does through history.
		if _, err := json.Marshal(cmd); err != nil {
			t.Fatalf("%s: valid body does not encode: %v", step.Name, err)
		}
	})
}
