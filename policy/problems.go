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
	line    int
	path    path
	msg     string
	decoder bool // found while decoding: the value read for path is not to be trusted
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

type keyAt struct {
	line int
	path path
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
				p.keys = append(p.keys, keyAt{n.Content[i].Line, key})
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
// is. A field the decoder already found unreadable is not reported again.
func (p *problems) add(at path, format string, args ...any) {
	for _, q := range p.list {
		if q.decoder && slices.Equal(q.path, at) {
			return
		}
	}
	p.list = append(p.list, problem{line: p.lineOf(at), path: at, msg: fmt.Sprintf(format, args...)})
}

// addMissing records that something required is absent, unless a mistake was already found at
// or under at: a field the decoder could not read, or a list it dropped for a repeated key,
// would otherwise be reported twice.
func (p *problems) addMissing(at path, format string, args ...any) {
	for _, q := range p.list {
		if q.path.hasPrefix(at) {
			return
		}
	}
	p.add(at, format, args...)
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
		p.list = append(p.list, problem{msg: msg, decoder: true})
		return
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	var key string
	switch {
	case unknownField.MatchString(text):
		sm := unknownField.FindStringSubmatch(text)
		key = sm[1]
		text = fmt.Sprintf("unknown field %q; the fields here are: %s", sm[1], fieldsOf(sm[2]))
	case repeatedKey.MatchString(text):
		sm := repeatedKey.FindStringSubmatch(text)
		key = sm[1]
		text = fmt.Sprintf("%q is given twice (first at line %s); give each once", sm[1], sm[2])
	case cannotDecode.MatchString(text):
		sm := cannotDecode.FindStringSubmatch(text)
		want := cmp.Or(goTypeToPlain[sm[3]], "a mapping of fields")
		got := cmp.Or(yamlTagToPlain[sm[1]], strconv.Quote(sm[2]))
		text = fmt.Sprintf("expected %s, found %s", want, got)
	}
	at := p.keyOnLine(line, key)
	if key != "" && len(at) > 0 {
		at = at[:len(at)-1] // the mistake is in the mapping that holds the key
	}
	p.list = append(p.list, problem{line: line, path: at, msg: text, decoder: true})
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
