package directory

import (
	"fmt"
	"reflect"

	"github.com/caseflow/caseflow/policy/yamlcheck"
)

// directoryFile is the directory file's format, for messages in plain words.
var directoryFile = yamlcheck.Format{
	Kind: "directory file",
	Types: []reflect.Type{
		reflect.TypeFor[fileFormat](), reflect.TypeFor[personFile](), reflect.TypeFor[teamFile](),
		reflect.TypeFor[coverFile](), reflect.TypeFor[hoursFile](),
	},
	FieldsElsewhere: "see caseflow directory example",
	Plain:           map[string]string{"string": "a single value", "[]string": "a list of ids", "[]directory.personFile": "a list of people", "map[string]directory.teamFile": "a mapping of team ids"},
	Pin:             pinDecodeError,
}

// problems collects every mistake in a directory file, each with its line and field, so an
// operator fixes them all in one pass. Mistakes are tracked by line: a line the decoder could
// not read covers every other mistake on it.
type problems struct{ *yamlcheck.Problems }

// path is where a value sits in the directory file.
type path = yamlcheck.Path

// add records a mistake at a path. A value the decoder could not read reads as empty; what
// that would add on the same line is not reported again.
func (p *problems) add(at path, format string, args ...any) {
	line := p.LineOf(at)
	if p.Any(func(q yamlcheck.Problem) bool { return q.Dropped && q.Line == line }) {
		return
	}
	p.Record(yamlcheck.Problem{Line: line, Path: at, Msg: fmt.Sprintf(format, args...)})
}

// foundUnder reports whether a mistake was already found at or under at.
func (p *problems) foundUnder(at path) bool {
	return p.Any(func(q yamlcheck.Problem) bool { return q.Path.HasPrefix(at) })
}

// pinDecodeError puts a decoder message at the last key on its line. What the line says is
// dropped, whatever the message: a misspelt field, like a value of the wrong kind, leaves its
// value empty.
func pinDecodeError(e yamlcheck.DecodeError, keys []yamlcheck.Key) (path, bool) {
	var at path
	for _, k := range keys {
		if k.Line == e.Line {
			at = k.Path
		}
	}
	return at, true
}
