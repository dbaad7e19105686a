package main

import (
	"context"
	"fmt"
	"io"

	"github.com/caseflow/caseflow/notify/directory"
)

// runDirectory checks a directory file, or prints the example one.
func runDirectory(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "use: caseflow directory check FILE, or caseflow directory example"
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help"):
		fmt.Fprintln(stdout, "Usage:\n  caseflow directory check FILE   check a directory file; every mistake is named with its line\n  caseflow directory example      print the example directory file")
		return nil
	case len(args) == 1 && args[0] == "example":
		_, err := stdout.Write(directory.ExampleFile())
		return err
	case len(args) != 2 || args[0] != "check":
		return usageError{usage}
	}
	d, err := directory.LoadFile(args[1])
	if err != nil {
		fmt.Fprintln(stderr, err) // one mistake a line, each with its line number
		return usageError{fmt.Sprintf("%s is not a valid directory: fix each line named above", args[1])}
	}
	fmt.Fprintf(stdout, "%s: %d people\n", args[1], d.Size())
	teams := d.Teams()
	for _, t := range teams {
		fmt.Fprintf(stdout, "  team %s: managers %s\n", t, ids(d.Managers(t)))
	}
	fmt.Fprintf(stdout, "  Safeguarding Leads and deputies: %s\n", ids(d.Leads()))
	return nil
}

func ids(people []directory.Person) []string {
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.ID
		if p.Email == "" {
			out[i] += " (no email address)"
		}
	}
	return out
}
