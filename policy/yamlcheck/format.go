package yamlcheck

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Format is a kind of strict YAML file: what its messages call it, and the plain words for the
// Go types it decodes into.
type Format struct {
	// Kind names the file in every message: "policy file".
	Kind string
	// Types are the file-format types; a field the file misspells is answered with the fields
	// of the type it was found in.
	Types []reflect.Type
	// FieldsElsewhere is said instead of the fields of a type not among Types: "see default.yaml".
	FieldsElsewhere string
	// Plain says what each Go type the decoder names is in plain words: "[]string": "a list".
	// Any other is "a mapping of fields".
	Plain map[string]string
	// Pin says which field a decoder message is about, given every mapping key in the file in
	// document order, and whether the value there is dropped: read as absent or empty, so that
	// what the caller would find wrong with it is a mistake already reported.
	Pin func(e DecodeError, keys []Key) (at Path, dropped bool)
}

// Read parses data, which must hold one YAML document, and decodes it into v, a pointer to the
// file-format type, refusing any field the format does not have. The Problems it returns hold
// the decoder's messages about values it could not read (v holds nothing for them), in plain
// words and pinned to their fields; the caller adds what its checks of v find. The error is for
// a file that cannot be read at all: empty, not YAML, or more than one document.
func (f *Format) Read(name string, data []byte, v any) (*Problems, error) {
	var root yaml.Node
	nodes := yaml.NewDecoder(bytes.NewReader(data))
	switch err := nodes.Decode(&root); {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%s %s is empty", f.Kind, name)
	case err != nil:
		return nil, fmt.Errorf("%s %s: %w", f.Kind, name, err)
	}
	var more yaml.Node
	if err := nodes.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s %s: holds more than one YAML document (a line \"---\"); keep one", f.Kind, name)
	}

	probs := newProblems(f, name, &root)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		var typeErr *yaml.TypeError
		if !errors.As(err, &typeErr) {
			return nil, fmt.Errorf("%s %s: %w", f.Kind, name, err)
		}
		for _, msg := range typeErr.Errors {
			e := f.decodeError(msg)
			if e.Line == 0 {
				probs.Record(Problem{Msg: e.Msg})
				continue
			}
			at, dropped := f.Pin(e, probs.keys)
			probs.Record(Problem{Line: e.Line, Path: at, Msg: e.Msg, Dropped: dropped})
		}
	}
	return probs, nil
}

// DecodeError is one of the decoder's messages about a value it could not read, in plain words.
type DecodeError struct {
	// Line is where the decoder found the mistake. A message naming no line is reported as it
	// is, without being pinned.
	Line int
	Msg  string
	// Key is the key named by a message about a mapping: a field the format does not have, or a
	// key given twice.
	Key string
	// Tag and Value are the YAML tag (!!seq) and the text of a value of the wrong kind; the
	// decoder shortens a long text to its first characters and "...".
	Tag, Value string
	// Dropped: the value reads as absent or empty, being of the wrong kind or a mapping with a
	// repeated key.
	Dropped bool
}

// The messages of yaml.v3's decoder, which name Go types; decodeError rewrites them.
var (
	decodeLine   = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	repeatedKey  = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	cannotDecode = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
	plainTag     = map[string]string{"!!seq": "a list", "!!map": "a mapping of fields", "!!null": "nothing"}
)

func (f *Format) decodeError(msg string) DecodeError {
	m := decodeLine.FindStringSubmatch(msg)
	if m == nil {
		return DecodeError{Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	e := DecodeError{Line: line, Msg: m[2]}
	if sm := unknownField.FindStringSubmatch(e.Msg); sm != nil {
		e.Key = sm[1]
		e.Msg = fmt.Sprintf("unknown field %q; the fields here are: %s", sm[1], f.fieldsOf(sm[2]))
	} else if sm := repeatedKey.FindStringSubmatch(e.Msg); sm != nil {
		e.Key = sm[1]
		e.Msg = fmt.Sprintf("%q is given twice (first at line %s); give each once", sm[1], sm[2])
		e.Dropped = true
	} else if sm := cannotDecode.FindStringSubmatch(e.Msg); sm != nil {
		e.Tag, e.Value = sm[1], sm[2]
		e.Msg = fmt.Sprintf("expected %s, found %s", cmp.Or(f.Plain[sm[3]], "a mapping of fields"), cmp.Or(plainTag[sm[1]], strconv.Quote(sm[2])))
		e.Dropped = true
	}
	return e
}

// fieldsOf lists the YAML fields of a file-format type named in a decoder message.
func (f *Format) fieldsOf(goType string) string {
	for _, t := range f.Types {
		if t.String() == goType {
			return strings.Join(yamlFields(t), ", ")
		}
	}
	return f.FieldsElsewhere
}

func yamlFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			out = append(out, yamlFields(f.Type)...)
			continue
		}
		out = append(out, name)
	}
	return out
}
