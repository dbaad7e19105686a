package policy

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

// problems collects every mistake in a policy file, each with its line and field, so an
// operator fixes them all in one pass.
type problems struct {
	name string
	root *yaml.Node
	keys []keyAt // every mapping key in the file, in document order
	list []problem
}

type problem struct {
	line int
	path path
	msg  string
	// dropped: the decoder could not read the value at path (a value of the wrong kind, or a
	// mapping with a repeated key), so it and everything under it read as absent or empty.
	dropped bool
}

// path is where a value sits in the file: mapping keys, and list indexes as decimal text.
type path []string

func (p path) with(elems ...string) path { return append(slices.Clone(p), elems...) }

func (p path) at(i int) path { return p.with(strconv.Itoa(i)) }

// String writes the path as a reader finds it in the file: rules.icpc.changes[0].from.
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

func (p path) hasPrefix(q path) bool { return len(q) <= len(p) && slices.Equal(p[:len(q)], q) }

// keyAt is a mapping key: its line, its path, and the value it names.
type keyAt struct {
	line  int
	path  path
	value *yaml.Node
}

func newProblems(name string, root *yaml.Node) *problems {
	p := &problems{name: name, root: root}
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
				p.keys = append(p.keys, keyAt{n.Content[i].Line, key, n.Content[i+1]})
				walk(n.Content[i+1], key)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, at.at(i))
			}
		}
	}
	walk(root, nil)
	return p
}

// add records a mistake at a path; its line is where the path's last key present in the file
// is. A value the decoder could not read is not reported again: what was read for it is empty.
func (p *problems) add(at path, format string, args ...any) {
	for _, q := range p.list {
		if q.dropped && at.hasPrefix(q.path) {
			return
		}
	}
	p.list = append(p.list, problem{line: p.lineOf(at), path: at, msg: fmt.Sprintf(format, args...)})
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
	for _, q := range p.list {
		if q.path.hasPrefix(at) || (q.dropped && at.hasPrefix(q.path)) {
			return true
		}
	}
	return false
}

// lineOf follows a path through the YAML tree as far as it exists there.
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
	decodeLine     = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField   = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	repeatedKey    = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	cannotDecode   = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
	goTypeToPlain  = map[string]string{"string": "a single value", "*string": "a single value", "bool": "true or false", "*bool": "true or false", "int": "a whole number", "[]string": "a list"}
	yamlTagToPlain = map[string]string{"!!seq": "a list", "!!map": "a mapping of fields", "!!null": "nothing"}
)

// addDecodeError records one of the decoder's messages in plain words, with the field it is about.
func (p *problems) addDecodeError(msg string) {
	m := decodeLine.FindStringSubmatch(msg)
	if m == nil {
		p.list = append(p.list, problem{msg: msg})
		return
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	var key string
	var at path
	dropped := false
	switch {
	case unknownField.MatchString(text):
		sm := unknownField.FindStringSubmatch(text)
		key = sm[1]
		text = fmt.Sprintf("unknown field %q; the fields here are: %s", sm[1], fieldsOf(sm[2]))
	case repeatedKey.MatchString(text):
		sm := repeatedKey.FindStringSubmatch(text)
		key = sm[1]
		text = fmt.Sprintf("%q is given twice (first at line %s); give each once", sm[1], sm[2])
		dropped = true
	case cannotDecode.MatchString(text):
		sm := cannotDecode.FindStringSubmatch(text)
		want := cmp.Or(goTypeToPlain[sm[3]], "a mapping of fields")
		got := cmp.Or(yamlTagToPlain[sm[1]], strconv.Quote(sm[2]))
		text = fmt.Sprintf("expected %s, found %s", want, got)
		dropped = true
		at = p.keyOfValue(line, sm[1], sm[2])
	}
	if at == nil {
		at = p.keyOnLine(line, key)
		if key != "" && len(at) > 0 {
			at = at[:len(at)-1] // the mistake is in the mapping that holds the key
		}
	}
	p.list = append(p.list, problem{line: line, path: at, msg: text, dropped: dropped})
}

// keyOfValue finds the key whose value the decoder could not read: the last one whose value
// starts on line with the YAML tag (and text, for a scalar) the decoder named. Matching the value
// rather than the line tells "limit: {n: 1}", which is about limit, from "la: {nation: [x]}",
// which is about nation. It returns nil when no key's value matches, as for a list item.
func (p *problems) keyOfValue(line int, tag, text string) path {
	// The decoder shortens a long scalar to its first characters and "...".
	prefix, shortened := strings.CutSuffix(text, "...")
	var found path
	for _, k := range p.keys {
		v := k.value
		sameText := text == "" || v.Value == text || (shortened && strings.HasPrefix(v.Value, prefix))
		if v.Line == line && v.ShortTag() == tag && sameText {
			found = k.path
		}
	}
	return found
}

// keyOnLine finds the path of the key a decoder message on a line is about: the key named key
// when given, else the last key on the line, else the last key before it (a list item).
func (p *problems) keyOnLine(line int, key string) path {
	var found path
	for _, k := range p.keys {
		if k.line > line {
			break
		}
		if key != "" && (k.line != line || k.path[len(k.path)-1] != key) {
			continue
		}
		found = k.path
	}
	return found
}

// fieldsOf lists the YAML fields of a file-format type named in a decoder message.
func fieldsOf(goType string) string {
	for _, t := range []reflect.Type{
		reflect.TypeFor[fileFormat](), reflect.TypeFor[ladderFile](), reflect.TypeFor[repeatFile](),
		reflect.TypeFor[ruleFile](), reflect.TypeFor[changeFile](), reflect.TypeFor[laFile](),
		reflect.TypeFor[overrideFile](),
	} {
		if t.String() == goType {
			return strings.Join(yamlFields(t), ", ")
		}
	}
	return "see default.yaml"
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
			errs[i] = fmt.Errorf("policy file %s: %s: %s", where, q.path, q.msg)
		} else {
			errs[i] = fmt.Errorf("policy file %s: %s", where, q.msg)
		}
	}
	return errors.Join(errs...)
}
