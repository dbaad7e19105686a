package web

import (
	"strings"
	"testing"
)

// Every page has its part in the layout: a page without one renders its heading and nothing
// else, and its script fails on the elements it expects.
func TestEveryPageHasItsPartInTheLayout(t *testing.T) {
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(pages, notFound) {
		if !strings.Contains(string(layout), `eq .Page "`+p.name+`"}}{{template "`+p.name+`" .}}`) {
			t.Errorf("the layout has no part for the page %s (%s)", p.name, p.path)
		}
	}
}
