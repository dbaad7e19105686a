package yamlcheck

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

type testFile struct {
	Name  string   `yaml:"name"`
	Items []string `yaml:"items"`
}

var testFormat = Format{
	Kind:            "test file",
	Types:           []reflect.Type{reflect.TypeFor[testFile]()},
	FieldsElsewhere: "see the example",
	Plain:           map[string]string{"string": "a single value"},
	Pin: func(e DecodeError, keys []Key) (Path, bool) {
		var at Path
		for _, k := range keys {
			if k.Line == e.Line {
				at = k.Path
			}
		}
		return at, e.Dropped
	},
}

func TestPathString(t *testing.T) {
	if got := (Path{"rules", "icpc", "changes"}).At(0).With("from").String(); got != "rules.icpc.changes[0].from" {
		t.Errorf("String = %q", got)
	}
}

func TestReadRefusesFilesItCannotRead(t *testing.T) {
	for text, want := range map[string]string{
		"":                      "test file t.yaml is empty",
		"name: a\n---\nname: b": "test file t.yaml: holds more than one YAML document",
		"name: [a":              "test file t.yaml: yaml: line 1:",
	} {
		var f testFile
		if _, err := testFormat.Read("t.yaml", []byte(text), &f); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Read(%q) = %v; want an error starting %q", text, err, want)
		}
	}
}

func TestDecoderMessagesInPlainWords(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		dropped    []int // the lines of the values the decoder could not read
	}{
		{"name: [a]\nitems: [x]\ncolour: red\n", strings.Join([]string{
			`test file t.yaml, line 1: name: expected a single value, found a list`,
			`test file t.yaml, line 2: items[5]: checked by the caller`,
			`test file t.yaml, line 3: colour: unknown field "colour"; the fields here are: name, items`,
		}, "\n"), []int{1}},
		{"items: [x]\nname: a\nname: b\n", strings.Join([]string{
			`test file t.yaml, line 1: items[5]: checked by the caller`,
			`test file t.yaml, line 3: name: "name" is given twice (first at line 2); give each once`,
		}, "\n"), []int{3}},
	} {
		var f testFile
		probs, err := testFormat.Read("t.yaml", []byte(tc.text), &f)
		if err != nil {
			t.Fatal(err)
		}
		// A path that goes beyond the file is at the line of the last part of it the file has.
		probs.Record(Problem{Line: probs.LineOf(Path{"items", "5"}), Path: Path{"items", "5"}, Msg: "checked by the caller"})
		if got := probs.Err(); got == nil || got.Error() != tc.want {
			t.Errorf("%q: Err() =\n%v\nwant\n%s", tc.text, got, tc.want)
		}
		var dropped []int
		for _, q := range probs.list {
			if q.Dropped {
				dropped = append(dropped, q.Line)
			}
		}
		if !slices.Equal(dropped, tc.dropped) {
			t.Errorf("%q: values dropped at lines %v; want %v", tc.text, dropped, tc.dropped)
		}
	}
}
