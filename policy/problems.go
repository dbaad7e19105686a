package policy

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/caseflow/caseflow/policy/yamlcheck"
)

// policyFile is the policy file's format, for messages in plain words.
var policyFile = yamlcheck.Format{
	Kind: "policy file",
	Types: []reflect.Type{
		reflect.TypeFor[fileFormat](), reflect.TypeFor[ladderFile](), reflect.TypeFor[repeatFile](),
		reflect.TypeFor[ruleFile](), reflect.TypeFor[changeFile](), reflect.TypeFor[laFile](),
		reflect.TypeFor[overrideFile](), reflect.TypeFor[concernTypeFile](), reflect.TypeFor[retentionFile](),
	},
	FieldsElsewhere: "see default.yaml",
	Plain:           map[string]string{"string": "a single value", "*string": "a single value", "bool": "true or false", "*bool": "true or false", "int": "a whole number", "*int": "a whole number", "[]string": "a list"},
	Pin:             pinDecodeError,
}

// problems collects every mistake in a policy file, each with its line and field, so an
// operator fixes them all in one pass. Mistakes are tracked by field: a value the decoder
// dropped covers every mistake at or under its path.
type problems struct{ *yamlcheck.Problems }

// path is where a value sits in the policy file.
type path = yamlcheck.Path

// add records a mistake at a path; its line is where the path's last key present in the file
// is. A value the decoder could not read is not reported again: what was read for it is empty.
func (p *problems) add(at path, format string, args ...any) {
	if p.Any(func(q yamlcheck.Problem) bool { return q.Dropped && at.HasPrefix(q.Path) }) {
		return
	}
	p.Record(yamlcheck.Problem{Line: p.LineOf(at), Path: at, Msg: fmt.Sprintf(format, args...)})
}

// addMissing records that something required is absent from at, unless found(at): a value
// given wrongly, or one the decoder dropped, would otherwise be reported twice.
func (p *problems) addMissing(at path, format string, args ...any) {
	if p.found(at) {
		return
	}
	p.add(at, format, args...)
}

// found reports whether a mistake was already found at or under at, or the decoder dropped a
// value that holds at. Mistakes beside at, such as another field of the same rule, do not
// count: each is reported in its own right.
func (p *problems) found(at path) bool {
	return p.Any(func(q yamlcheck.Problem) bool {
		return q.Path.HasPrefix(at) || (q.Dropped && at.HasPrefix(q.Path))
	})
}

// pinDecodeError finds the field a decoder message is about: the mapping holding the key it
// names, else the key whose value it could not read.
func pinDecodeError(e yamlcheck.DecodeError, keys []yamlcheck.Key) (path, bool) {
	var at path
	if e.Tag != "" {
		at = keyOfValue(keys, e.Line, e.Tag, e.Value)
	}
	if at == nil {
		at = keyOnLine(keys, e.Line, e.Key)
		if e.Key != "" && len(at) > 0 {
			at = at[:len(at)-1] // the mistake is in the mapping that holds the key
		}
	}
	return at, e.Dropped
}

// keyOfValue finds the key whose value the decoder could not read: the last one whose value
// starts on line with the YAML tag (and text, for a scalar) the decoder named. Matching the value
// rather than the line tells "limit: {n: 1}", which is about limit, from "la: {nation: [x]}",
// which is about nation. It returns nil when no key's value matches, as for a list item.
func keyOfValue(keys []yamlcheck.Key, line int, tag, text string) path {
	// The decoder shortens a long scalar to its first characters and "...".
	prefix, shortened := strings.CutSuffix(text, "...")
	var found path
	for _, k := range keys {
		v := k.Value
		sameText := text == "" || v.Value == text || (shortened && strings.HasPrefix(v.Value, prefix))
		if v.Line == line && v.ShortTag() == tag && sameText {
			found = k.Path
		}
	}
	return found
}

// keyOnLine finds the path of the key a decoder message on a line is about: the key named key
// when given, else the last key on the line, else the last key before it (a list item).
func keyOnLine(keys []yamlcheck.Key, line int, key string) path {
	var found path
	for _, k := range keys {
		if k.Line > line {
			break
		}
		if key != "" && (k.Line != line || k.Path[len(k.Path)-1] != key) {
			continue
		}
		found = k.Path
	}
	return found
}
