package determinism

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
)

// loadMode reads the named packages from source and their dependencies from export data: the
// SDK and the standard library are never walked, so their types are all that is needed, and
// type-checking them from source would take minutes.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
	packages.NeedTypesInfo | packages.NeedModule

// program is the SSA form of the loaded packages: their code, and the types of what they import.
type program struct {
	ssa *ssa.Program
	// own holds the loaded packages, the only ones with code to walk.
	own map[*types.Package]bool
	// module is the loaded packages' module, and dir its directory: positions are shown
	// relative to it.
	module, dir string
}

// load loads the packages that patterns name, resolved in dir, and builds their SSA form.
func load(dir string, patterns ...string) (*program, error) {
	cfg := &packages.Config{Mode: loadMode, Dir: dir, Fset: token.NewFileSet()}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load %v: %w", patterns, err)
	}
	if err := loadErrors(pkgs); err != nil {
		return nil, fmt.Errorf("load %v: %w", patterns, err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("load %v: no packages", patterns)
	}
	p := &program{ssa: ssa.NewProgram(cfg.Fset, ssa.InstantiateGenerics), own: map[*types.Package]bool{}}
	for _, pkg := range pkgs {
		p.own[pkg.Types] = true
		if pkg.Module != nil && p.dir == "" {
			p.module, p.dir = pkg.Module.Path, pkg.Module.Dir
		}
	}
	p.create(pkgs)
	p.ssa.Build()
	return p, nil
}

// loadErrors joins the errors of the loaded packages: a package that does not type-check cannot
// be analysed, and skipping it would hide its workflow code.
func loadErrors(pkgs []*packages.Package) error {
	var errs []error
	for _, pkg := range pkgs {
		for _, e := range pkg.Errors {
			errs = append(errs, fmt.Errorf("%s: %w", pkg.PkgPath, e))
		}
	}
	return errors.Join(errs...)
}

// create creates the SSA packages: the loaded ones from syntax, their direct imports from types
// alone. The SSA builder creates what it needs of indirect imports on demand.
func (p *program) create(pkgs []*packages.Package) {
	for _, pkg := range pkgs {
		for _, imp := range pkg.Types.Imports() {
			if !p.own[imp] && p.ssa.Package(imp) == nil {
				p.ssa.CreatePackage(imp, nil, nil, true)
			}
		}
	}
	for _, pkg := range pkgs {
		p.ssa.CreatePackage(pkg.Types, pkg.Syntax, pkg.TypesInfo, true)
	}
}
