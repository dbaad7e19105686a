package yamlcheck

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Problems collects every mistake in one file.
type Problems struct {
	format *Format
	name   string
	root   *yaml.Node
	keys   []Key
	list   []Problem
}

// Problem is one mistake: where it is, and what is wrong in plain words.
type Problem struct {
	Line int // 0 when the mistake is in no one place
	Path Path
	Msg  string
	// Dropped: the decoder could not read the value at Path, so it and everything under it
	// read as absent or empty.
	Dropped bool
}

// Key is a mapping key in the file: its line, its path, and the value it names.
type Key struct {
	Line  int
	Path  Path
	Value *yaml.Node
}

func newProblems(f *Format, name string, root *yaml.Node) *Problems {
	p := &Problems{format: f, name: name, root: root}
	var walk func(n *yaml.Node, at Path)
	walk = func(n *yaml.Node, at Path) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, at)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := at.With(n.Content[i].Value)
				p.keys = append(p.keys, Key{n.Content[i].Line, key, n.Content[i+1]})
				walk(n.Content[i+1], key)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, at.At(i))
			}
		}
	}
	walk(root, nil)
	return p
}

// Record adds a mistake as it is given; whether another already covers it is the caller's rule.
func (p *Problems) Record(q Problem) { p.list = append(p.list, q) }

// Any reports whether a mistake already recorded matches.
func (p *Problems) Any(match func(Problem) bool) bool { return slices.ContainsFunc(p.list, match) }

// LineOf follows a path through the YAML tree as far as it exists there: a missing field is at
// the line of what should hold it.
func (p *Problems) LineOf(at Path) int {
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

// Err joins the mistakes in file order, each naming the file and line; nil when there are none.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	errs := make([]error, len(p.list))
	for i, q := range p.list {
		where := p.name
		if q.Line > 0 {
			where += fmt.Sprintf(", line %d", q.Line)
		}
		if len(q.Path) > 0 {
			errs[i] = fmt.Errorf("%s %s: %s: %s", p.format.Kind, where, q.Path, q.Msg)
		} else {
			errs[i] = fmt.Errorf("%s %s: %s", p.format.Kind, where, q.Msg)
		}
	}
	return errors.Join(errs...)
}
