package yamlcheck

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Path is where a value sits in a file: mapping keys, and list indexes as decimal text.
type Path []string

// With is the path of a value under p.
func (p Path) With(elems ...string) Path { return append(slices.Clone(p), elems...) }

// At is the path of the i-th item of the list at p.
func (p Path) At(i int) Path { return p.With(strconv.Itoa(i)) }

// HasPrefix reports whether p is q or lies under it.
func (p Path) HasPrefix(q Path) bool { return len(q) <= len(p) && slices.Equal(p[:len(q)], q) }

// String writes the path as a reader finds it in the file: rules.icpc.changes[0].from.
func (p Path) String() string {
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
