package directory

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// problems collects every mistake in a directory file, each with its line and field, so an
// operator fixes them all in one pass. It follows the policy file's (policy/problems.go).
type problems struct {
	name string
	root *yaml.Node
	list []problem
}

type problem struct {
	line int
	path path
	msg  string
	// decode: the decoder could not read the value, so it reads as empty.
	decode bool
}

// path is where a value sits in the file: mapping keys, and list indexes as decimal text.
type path []string

func (p path) with(elems ...string) path { return append(slices.Clone(p), elems...) }

// String writes the path as a reader finds it in the file: people[2].email.
func (p path) String() string {
	var b strings.Builder
	for _, e := range p {
		if _, err := strconv.Atoi(e); err == nil {
			fmt.Fprintf(&b, "[%s]", e)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

// add records a mistake at a path. A value the decoder could not read reads as empty; what
// that would add on the same line is not reported again.
func (p *problems) add(at path, format string, args ...any) {
	line := p.lineOf(at)
	if slices.ContainsFunc(p.list, func(q problem) bool { return q.decode && q.line == line }) {
		return
	}
	p.list = append(p.list, problem{line: line, path: at, msg: fmt.Sprintf(format, args...)})
}

// foundUnder reports whether a mistake was already found at or under at.
func (p *problems) foundUnder(at path) bool {
	return slices.ContainsFunc(p.list, func(q problem) bool {
		return len(at) <= len(q.path) && slices.Equal(q.path[:len(at)], at)
	})
}

// lineOf follows a path through the YAML tree as far as it exists there: a missing field is
// reported at the line of what should hold it.
func (p *problems) lineOf(at path) int {
	n := p.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, key := range at {
		next, keyLine := child(n, key)
		if next == nil {
			break
		}
		n, line = next, keyLine
	}
	return line
}

func child(n *yaml.Node, key string) (*yaml.Node, int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

// The messages of yaml.v3's decoder, which name Go types; addDecodeError rewrites them.
var (
	decodeLine   = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	repeatedKey  = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	cannotDecode = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
	plainType    = map[string]string{"string": "a single value", "[]string": "a list of ids", "[]directory.personFile": "a list of people", "map[string]directory.teamFile": "a mapping of team ids"}
	plainTag     = map[string]string{"!!seq": "a list", "!!map": "a mapping of fields", "!!null": "nothing"}
)

// addDecodeError records one of the decoder's messages in plain words.
func (p *problems) addDecodeError(msg string) {
	m := decodeLine.FindStringSubmatch(msg)
	if m == nil {
		p.list = append(p.list, problem{msg: msg})
		return
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	switch {
	case unknownField.MatchString(text):
		sm := unknownField.FindStringSubmatch(text)
		text = fmt.Sprintf("unknown field %q; the fields here are: %s", sm[1], fieldsOf(sm[2]))
	case repeatedKey.MatchString(text):
		sm := repeatedKey.FindStringSubmatch(text)
		text = fmt.Sprintf("%q is given twice (first at line %s); give each once", sm[1], sm[2])
	case cannotDecode.MatchString(text):
		sm := cannotDecode.FindStringSubmatch(text)
		text = fmt.Sprintf("expected %s, found %s", cmp.Or(plainType[sm[3]], "a mapping of fields"), cmp.Or(plainTag[sm[1]], strconv.Quote(sm[2])))
	}
	p.list = append(p.list, problem{line: line, path: p.keyOnLine(line), msg: text, decode: true})
}

// keyOnLine is the path of the last mapping key on a line, for a decoder message about it.
func (p *problems) keyOnLine(line int) path {
	var found path
	var walk func(n *yaml.Node, at path)
	walk = func(n *yaml.Node, at path) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, at)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := at.with(n.Content[i].Value)
				if n.Content[i].Line == line {
					found = key
				}
				walk(n.Content[i+1], key)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, at.with(strconv.Itoa(i)))
			}
		}
	}
	walk(p.root, nil)
	return found
}

// fieldsOf lists the YAML fields of a file-format type named in a decoder message.
func fieldsOf(goType string) string {
	for _, t := range []reflect.Type{
		reflect.TypeFor[fileFormat](), reflect.TypeFor[personFile](), reflect.TypeFor[teamFile](),
		reflect.TypeFor[coverFile](), reflect.TypeFor[hoursFile](),
	} {
		if t.String() == goType {
			var names []string
			for f := range t.Fields() {
				names = append(names, strings.Split(f.Tag.Get("yaml"), ",")[0])
			}
			return strings.Join(names, ", ")
		}
	}
	return "see caseflow directory example"
}

// err joins the problems in file order, each naming the file and line.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b problem) int { return cmp.Compare(a.line, b.line) })
	errs := make([]error, len(p.list))
	for i, q := range p.list {
		where := p.name
		if q.line > 0 {
			where += fmt.Sprintf(", line %d", q.line)
		}
		if len(q.path) > 0 {
			errs[i] = fmt.Errorf("directory file %s: %s: %s", where, q.path, q.msg)
		} else {
			errs[i] = fmt.Errorf("directory file %s: %s", where, q.msg)
		}
	}
	return errors.Join(errs...)
}
