package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The field table (fields.go) must keep the document exact. These tests fail when a step body
// field has no title or description, when a table entry names a field that does not exist, when
// a field marked required is one the domain accepts a request without (or the other way round),
// when a field the domain checks against a list has no enum or an enum that differs from the
// list, and when an example is not a request the API accepts.

func document(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := Document()
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid (examples included): %v", err)
	}
	return doc
}

// allSteps are the steps with a body in the document: every step a person takes, raising a
// concern included (caseflow's own steps have no route).
func allSteps() []safeguarding.Step {
	return slices.DeleteFunc(safeguarding.Steps(), safeguarding.Step.BySystem)
}

func bodySchema(t *testing.T, doc *openapi3.T, step string) *openapi3.Schema {
	t.Helper()
	ref := doc.Components.Schemas[bodySchemaName(step)]
	if ref == nil || ref.Value == nil {
		t.Fatalf("step %s has no body schema %s", step, bodySchemaName(step))
	}
	return ref.Value
}

func TestEveryStepFieldIsDescribed(t *testing.T) {
	doc := document(t)
	for _, step := range allSteps() {
		var walk func(path string, s *openapi3.Schema)
		walk = func(path string, s *openapi3.Schema) {
			if len(s.Properties) == 0 {
				t.Errorf("%s: %s has no fields", step.Name, path)
			}
			for name, p := range s.Properties {
				v := p.Value
				if strings.TrimSpace(v.Title) == "" || strings.TrimSpace(v.Description) == "" {
					t.Errorf("%s: field %s%s has no title or no description (add it to typeFields in fields.go)", step.Name, path, name)
				}
				if v.Type.Is(openapi3.TypeObject) {
					walk(path+name+".", v)
				}
				if v.Type.Is(openapi3.TypeArray) && v.Items.Value.Type.Is(openapi3.TypeObject) {
					walk(path+name+"[].", v.Items.Value)
				}
			}
		}
		walk("", bodySchema(t, doc, step.Name))
		if _, ok := examples[step.Name]; !ok {
			t.Errorf("step %s has no example body (examples.go)", step.Name)
		}
	}
}

// TestFieldTableNamesRealFields: a field renamed or removed in the domain must leave no stale
// entry behind.
func TestFieldTableNamesRealFields(t *testing.T) {
	names := func(t reflect.Type) []string {
		var out []string
		for _, f := range jsonFields(t) {
			if f.declaring == t {
				out = append(out, f.name)
			}
		}
		return out
	}
	for typ, fields := range typeFields {
		for name := range fields {
			if !slices.Contains(names(typ), name) {
				t.Errorf("typeFields[%s] documents %q, which %s does not declare", typ.Name(), name, typ.Name())
			}
		}
		if !requestTypes[typ] {
			t.Errorf("typeFields documents %s, which no step body uses", typ.Name())
		}
	}
	for typ, fields := range responseCodes {
		for name := range fields {
			if !slices.Contains(names(typ), name) {
				t.Errorf("responseCodes[%s] names %q, which %s does not declare", typ.Name(), name, typ.Name())
			}
		}
	}
	bodyFields := func(stepName string) []string {
		step, ok := safeguarding.StepNamed(stepName)
		if !ok {
			t.Errorf("the field table names step %q, which does not exist", stepName)
			return nil
		}
		var out []string
		for _, f := range jsonFields(indirect(reflect.TypeOf(step.NewBody()))) {
			out = append(out, f.name)
		}
		return out
	}
	for step, fields := range stepFields {
		have := bodyFields(step)
		for name := range fields {
			if !slices.Contains(have, name) {
				t.Errorf("stepFields[%s] words %q, which its body does not have", step, name)
			}
		}
	}
	for step, omitted := range stepOmits {
		have := bodyFields(step)
		for _, name := range omitted {
			if !slices.Contains(have, name) {
				t.Errorf("stepOmits[%s] leaves out %q, which its body does not have", step, name)
			}
		}
	}
	for step := range examples {
		bodyFields(step)
	}
}

// fieldDoc finds the table entry of a field: the step's own wording, else its declaring type's.
func fieldDoc(step string, t reflect.Type, name string) field {
	if f, ok := stepFields[step][name]; ok && t == indirect(reflect.TypeOf(mustStep(step).NewBody())) {
		return f
	}
	for _, f := range jsonFields(t) {
		if f.name == name {
			return typeFields[f.declaring][name]
		}
	}
	return field{}
}

func mustStep(name string) safeguarding.Step {
	s, ok := safeguarding.StepNamed(name)
	if !ok {
		panic("no step " + name)
	}
	return s
}

// fieldType is the Go type of a JSON field of t, lists and pointers removed.
func fieldType(t reflect.Type, name string) reflect.Type {
	for _, sf := range reflect.VisibleFields(t) {
		if n, _, _ := strings.Cut(sf.Tag.Get("json"), ","); n == name && !sf.Anonymous {
			ft := indirect(sf.Type)
			for ft.Kind() == reflect.Slice {
				ft = indirect(ft.Elem())
			}
			return ft
		}
	}
	return nil
}

// validate runs the domain's own checks of a body, as the API does before anything reaches a
// case: strict decoding, then the step's content rules.
func validate(step safeguarding.Step, body map[string]any) (map[string]string, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	cmd, err := step.Decode(raw)
	if err != nil {
		return nil, err
	}
	if err := cmd.Validate(time.Now()); err != nil {
		var e *safeguarding.Error
		if !errors.As(err, &e) {
			return nil, err
		}
		return e.Fields, nil
	}
	return nil, nil
}

// names reports whether an error field is about path: the same field, a field inside it, or
// the list or object it belongs to ("indicators" for "indicators[0].code").
func names(errs map[string]string, path string) (string, bool) {
	for e, reason := range errs {
		if e == path || strings.HasPrefix(e, path+".") || strings.HasPrefix(e, path+"[") ||
			strings.HasPrefix(path, e+".") || strings.HasPrefix(path, e+"[") {
			return reason, true
		}
	}
	return "", false
}

// level is one object of an example body, with its schema and Go type, for probing.
type level struct {
	path   string
	schema *openapi3.Schema
	typ    reflect.Type
	// get returns the object in a copy of the body.
	get func(body map[string]any) map[string]any
}

// objectsOf lists the example's objects: the body, and each nested object (the first item of a
// list of objects).
func objectsOf(step safeguarding.Step, schema *openapi3.Schema, example map[string]any) []level {
	top := level{schema: schema, typ: indirect(reflect.TypeOf(step.NewBody())), get: func(b map[string]any) map[string]any { return b }}
	out := []level{top}
	for i := 0; i < len(out); i++ {
		l := out[i]
		obj := l.get(example)
		for name, p := range l.schema.Properties {
			get := l.get
			switch obj[name].(type) {
			case map[string]any:
				out = append(out, level{path: l.path + name + ".", schema: p.Value, typ: fieldType(l.typ, name),
					get: func(b map[string]any) map[string]any { return get(b)[name].(map[string]any) }})
			case []map[string]any, []any:
				if p.Value.Items.Value.Type.Is(openapi3.TypeObject) {
					out = append(out, level{path: l.path + name + "[0].", schema: p.Value.Items.Value, typ: fieldType(l.typ, name),
						get: func(b map[string]any) map[string]any { return firstItem(get(b), name) }})
				}
			}
		}
	}
	return out
}

func firstItem(obj map[string]any, name string) map[string]any {
	switch v := obj[name].(type) {
	case []map[string]any:
		return v[0]
	case []any:
		return v[0].(map[string]any)
	}
	panic("not a list of objects: " + name)
}

// deepCopy copies an example through JSON, so probes never change the table.
func deepCopy(t *testing.T, v map[string]any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRequiredFieldsAreWhatTheDomainRequires(t *testing.T) {
	doc := document(t)
	for _, step := range allSteps() {
		example := deepCopy(t, examples[step.Name])
		if errs, err := validate(step, example); err != nil || errs != nil {
			t.Errorf("%s: the example is refused: %v %v", step.Name, err, errs)
			continue
		}
		for _, l := range objectsOf(step, bodySchema(t, doc, step.Name), example) {
			// Each level is probed in its own copy, looked up again in it.
			for name := range l.schema.Properties {
				path := l.path + name
				body := deepCopy(t, example)
				obj := l.get(body)
				if _, present := obj[name]; !present {
					continue
				}
				delete(obj, name)
				errs, err := validate(step, body)
				if err != nil {
					t.Errorf("%s without %s: %v", step.Name, path, err)
					continue
				}
				_, refused := names(errs, path)
				required := slices.Contains(l.schema.Required, name)
				switch {
				case required && !refused:
					t.Errorf("%s: %s is marked required, but the API accepts the example without it", step.Name, path)
				case !required && refused && !fieldDoc(step.Name, l.typ, name).conditional:
					t.Errorf("%s: %s is optional in the document, but the API refuses the example without it (%v)", step.Name, path, errs)
				}
			}
		}
	}
}

// TestCodeFieldsHaveTheirEnums: every field the domain checks against a list has an enum, and
// the enum is the list: each of its codes accepted, and exactly the codes the domain names when
// it refuses another.
func TestCodeFieldsHaveTheirEnums(t *testing.T) {
	doc := document(t)
	const bogus = "zz-not-a-code"
	checked := 0
	for _, step := range allSteps() {
		example := deepCopy(t, examples[step.Name])
		for _, l := range objectsOf(step, bodySchema(t, doc, step.Name), example) {
			for name, p := range l.schema.Properties {
				path := l.path + name
				s := p.Value
				list := s.Type.Is(openapi3.TypeArray)
				if list {
					s = s.Items.Value
				}
				if !s.Type.Is(openapi3.TypeString) || s.Format != "" {
					continue
				}
				set := func(v string) map[string]string {
					body := deepCopy(t, example)
					if list {
						l.get(body)[name] = []string{v}
					} else {
						l.get(body)[name] = v
					}
					errs, err := validate(step, body)
					if err != nil {
						t.Fatalf("%s with %s=%q: %v", step.Name, path, v, err)
					}
					return errs
				}
				reason, refused := names(set(bogus), path)
				isCode := refused && (strings.Contains(reason, "must be one of") || strings.Contains(reason, "unknown code") || strings.Contains(reason, "caseflow role"))
				var enum []string
				for _, v := range s.Enum {
					enum = append(enum, fmt.Sprint(v))
				}
				switch {
				case isCode && len(enum) == 0:
					t.Errorf("%s: the domain checks %s against a list (%s), but the document has no enum for it", step.Name, path, reason)
					continue
				case len(enum) == 0:
					continue
				case !isCode:
					t.Errorf("%s: %s has an enum, but the domain accepts %q", step.Name, path, bogus)
				}
				checked++
				if labels, _ := s.Extensions["x-enum-descriptions"].([]any); len(labels) != len(enum) {
					t.Errorf("%s: %s has %d codes and %d x-enum-descriptions", step.Name, path, len(enum), len(labels))
				}
				if listed, ok := strings.CutPrefix(reason, "must be one of: "); ok {
					want := strings.Split(listed, ", ")
					sort.Strings(want)
					// The empty string is "left out", which the domain accepts without listing it.
					have := slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(enum), func(v string) bool { return v == "" })))
					if !slices.Equal(want, have) {
						t.Errorf("%s: %s has enum %v, the domain accepts %v", step.Name, path, have, want)
					}
				}
				for _, v := range enum {
					if reason, refused := names(set(v), path); refused {
						t.Errorf("%s: %s=%q is in the enum but refused: %s", step.Name, path, v, reason)
					}
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d code fields checked", checked)
	}
}

// TestEveryActionHasTheStepThatClosesIt: each kind of action the policy opens, and an action
// agreed at a meeting, names the step that closes it, and what the pages fill in exists in that
// step's body and takes that value.
func TestEveryActionHasTheStepThatClosesIt(t *testing.T) {
	doc := document(t)
	kinds := []policy.RuleID{safeguarding.MeetingAction}
	for _, id := range policy.RuleIDs {
		if r, ok := policy.Default().Rule(id); ok && r.Kind == policy.KindDeadline {
			kinds = append(kinds, id)
		}
	}
	for _, kind := range kinds {
		var found []closer
		for _, c := range closers {
			if c.Kind == kind {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			t.Errorf("action kind %s has %d closing steps, want 1", kind, len(found))
			continue
		}
		c := found[0]
		schema := bodySchema(t, doc, c.Step)
		if c.Field != "" && schema.Properties[c.Field] == nil {
			t.Errorf("%s closes %s with field %s, which its body does not have", c.Step, kind, c.Field)
		}
		if c.Field != "" && c.From != "ref" && c.From != "id" {
			t.Errorf("%s closes %s: from is %q, want ref or id", c.Step, kind, c.From)
		}
		for name, v := range c.Fill {
			p := schema.Properties[name]
			if p == nil || !slices.Contains(p.Value.Enum, v) {
				t.Errorf("%s closes %s filling %s=%v, which its body does not take", c.Step, kind, name, v)
			}
		}
		op := doc.Paths.Find("/v1/cases/{id}/" + c.Step)
		if op == nil || op.Post == nil || op.Post.Extensions["x-closes"] == nil {
			t.Errorf("the document's operation of %s does not list what it closes", c.Step)
		}
	}
}

// TestHintsSpeakToPeopleNotToPrograms: a field's hint is shown under it on the pages, so none
// names an HTTP status (the closure approval's hint once said "409").
func TestHintsSpeakToPeopleNotToPrograms(t *testing.T) {
	status := regexp.MustCompile(`\b[45]\d\d\b`) // a client or server error
	check := func(where string, fields map[string]field) {
		for name, f := range fields {
			if status.MatchString(f.description) || status.MatchString(f.title) {
				t.Errorf("%s.%s: %q names an HTTP status", where, name, f.description)
			}
		}
	}
	for typ, fields := range typeFields {
		check(typ.Name(), fields)
	}
	for step, fields := range stepFields {
		check(step, fields)
	}
}
