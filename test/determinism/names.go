package determinism

import (
	"cmp"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// shortNames shows the module's packages by their names, others by their paths: audit.Workflows,
// time.Now, crypto/rand.Read.
func (a *analysis) shortNames() *strings.Replacer {
	var ours []*types.Package
	for _, pkg := range a.ssa.AllPackages() {
		if path := pkg.Pkg.Path(); a.module != "" && (path == a.module || strings.HasPrefix(path, a.module+"/")) {
			ours = append(ours, pkg.Pkg)
		}
	}
	// The longest path first, so that no path is replaced within a longer one.
	slices.SortFunc(ours, func(p, q *types.Package) int { return cmp.Compare(len(q.Path()), len(p.Path())) })
	var pairs []string
	for _, pkg := range ours {
		pairs = append(pairs, pkg.Path()+".", pkg.Name()+".")
	}
	return strings.NewReplacer(pairs...)
}

// name is how findings show fn.
func (a *analysis) name(fn *ssa.Function) string { return a.names.Replace(fn.String()) }

// typeName is how findings show t.
func (a *analysis) typeName(t types.Type) string { return a.names.Replace(t.String()) }

// at is where pos is, or where fn is declared when pos is unknown (in a synthetic wrapper).
func (a *analysis) at(fn *ssa.Function, pos token.Pos) token.Position {
	if !pos.IsValid() {
		pos = fn.Pos()
	}
	return a.position(pos)
}

// position is pos with its file relative to the module's directory.
func (a *analysis) position(pos token.Pos) token.Position {
	p := a.ssa.Fset.Position(pos)
	if rel, err := filepath.Rel(a.dir, p.Filename); err == nil && a.dir != "" && !strings.HasPrefix(rel, "..") {
		p.Filename = rel
	}
	return p
}
