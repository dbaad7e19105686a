package api_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/api"
)

// TestRoutesMatchDocument fails when a route exists without a documented operation, or an
// operation is documented without a route.
func TestRoutesMatchDocument(t *testing.T) {
	doc, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	engine, ok := api.New(api.Config{Health: &api.Health{}}).(*gin.Engine)
	if !ok {
		t.Fatal("api.New did not return a gin engine")
	}
	routed := map[string]bool{}
	for _, r := range engine.Routes() {
		routed[r.Method+" "+api.DocumentPath(r.Path)] = true
	}
	for op := range routed {
		if !documented[op] {
			t.Errorf("route %s has no documented operation", op)
		}
	}
	for op := range documented {
		if !routed[op] {
			t.Errorf("documented operation %s has no route", op)
		}
	}
	var ops []string
	for op := range documented {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	if len(ops) < 40 {
		t.Fatalf("only %d operations documented: %v", len(ops), ops)
	}
}

// TestDocumentServed: the document is public, so client generators can fetch it.
func TestDocumentServed(t *testing.T) {
	h := api.New(api.Config{Health: &api.Health{}})
	req, _ := http.NewRequest(http.MethodGet, "/v1/openapi.json", nil)
	rec := newRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"openapi": "3.0.3"`) {
		t.Fatalf("openapi.json: %d %.200s", rec.Code, rec.Body.String())
	}
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
