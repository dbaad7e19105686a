package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The OpenAPI 3 document is generated, not written: from the route table for paths, roles and
// statuses, and from the Go request and response types for schemas (kin-openapi's openapi3gen),
// worded, required and coded by the field table (fields.go). A handler cannot exist without its
// operation, and a schema cannot disagree with the type the handler decodes.

var (
	docOnce sync.Once
	docJSON []byte
	docErr  error
	docSpec *openapi3.T
)

// Document returns the OpenAPI document.
func Document() (*openapi3.T, error) {
	docOnce.Do(func() {
		built, err := buildDocument()
		if err == nil {
			docJSON, err = json.MarshalIndent(built, "", "  ")
		}
		if err == nil {
			// Loaded back from its JSON, every $ref is resolved, as a client sees the document.
			docSpec, err = openapi3.NewLoader().LoadFromData(docJSON)
		}
		docErr = err
	})
	return docSpec, docErr
}

// DocumentJSON returns the OpenAPI document as served, nil when it could not be built.
func DocumentJSON() []byte {
	if _, err := Document(); err != nil {
		return nil
	}
	return docJSON
}

func serveOpenAPI(c *gin.Context) {
	if _, err := Document(); err != nil {
		abort(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", docJSON)
}

// commonProblems are the statuses every authenticated route may answer.
var commonProblems = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests, http.StatusServiceUnavailable}

func buildDocument() (*openapi3.T, error) {
	schemas := openapi3.Schemas{}
	gen := openapi3gen.NewGenerator(
		openapi3gen.UseAllExportedFields(),
		openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true}),
		openapi3gen.CreateTypeNameGenerator(componentName),
		openapi3gen.SchemaCustomizer(customize),
	)
	// schemaOf is the schema of a value's type: a named component for answers, inline for
	// request bodies (each step's body is its own component, made below).
	schemaOf := func(v any) (*openapi3.SchemaRef, error) {
		ref, err := gen.NewSchemaRefForValue(v, schemas)
		if err != nil {
			return nil, fmt.Errorf("schema of %T: %w", v, err)
		}
		if name := componentName(indirect(reflect.TypeOf(v))); ref.Ref == "" && name != "" && ref.Value.Type.Is(openapi3.TypeObject) {
			schemas[name] = &openapi3.SchemaRef{Value: ref.Value}
			ref = openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
		}
		return ref, nil
	}
	problem, err := schemaOf(Problem{})
	if err != nil {
		return nil, err
	}
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:   "caseflow",
			Version: "1",
			Description: "Safeguarding cases of children suspected of being victims of modern slavery or exploitation: every statutory step, with clocks that chase. " +
				"Errors are RFC 9457 problems (application/problem+json) whose errors name each request field that needs correcting. " +
				"Each step body's fields carry a title (the label the pages show) and a description; each code list is an enum whose x-enum-descriptions give the words people read. " +
				"Each step lists in x-closes the kinds of action it closes, with the body field that names the record the action is about (field, from the action's ref or id) and the answers the action implies (fill).",
		},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: schemas,
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme()},
			},
		},
		Security: openapi3.SecurityRequirements{{"bearer": []string{}}},
	}
	public := openapi3.SecurityRequirements{}
	doc.AddOperation("/healthz", http.MethodGet, &openapi3.Operation{
		OperationID: "healthz", Summary: "Alive.", Security: &public,
		Responses: openapi3.NewResponses(openapi3.WithStatus(200, jsonResponse("Alive", &openapi3.SchemaRef{Value: openapi3.NewObjectSchema()}))),
	})
	readiness, err := schemaOf(Readiness{})
	if err != nil {
		return nil, err
	}
	doc.AddOperation("/readyz", http.MethodGet, &openapi3.Operation{
		OperationID: "readyz", Summary: "Ready: Temporal reachable, namespace present, Redis answering, a worker polling.", Security: &public,
		Responses: openapi3.NewResponses(
			openapi3.WithStatus(200, jsonResponse("Ready", readiness)),
			openapi3.WithStatus(503, jsonResponse("Not ready", readiness)),
		),
	})
	doc.AddOperation("/v1/openapi.json", http.MethodGet, &openapi3.Operation{
		OperationID: "openapi", Summary: "This document.", Security: &public,
		Responses: openapi3.NewResponses(openapi3.WithStatus(200, jsonResponse("The OpenAPI document", &openapi3.SchemaRef{Value: openapi3.NewObjectSchema()}))),
	})

	addCodecOperations(doc, schemas, problem)

	for _, rt := range routes(&handlers{}) {
		op := &openapi3.Operation{
			OperationID: rt.doc.id,
			Summary:     rt.doc.summary,
			Description: "Roles: " + rolesText(rt.roles) + ".",
			Responses:   openapi3.NewResponses(),
		}
		if strings.Contains(rt.path, ":id") {
			op.AddParameter(openapi3.NewPathParameter("id").WithSchema(openapi3.NewStringSchema()).WithDescription("The case id."))
		}
		for _, q := range rt.doc.query {
			op.AddParameter(openapi3.NewQueryParameter(q.name).WithSchema(openapi3.NewStringSchema()).WithDescription(q.description))
		}
		if rt.method == http.MethodPost {
			op.AddParameter(openapi3.NewHeaderParameter("Idempotency-Key").WithSchema(openapi3.NewStringSchema().WithMaxLength(maxIdempotencyKey)).
				WithDescription("Makes the request safe to retry: the same key returns the first response and has one effect."))
			op.AddParameter(openapi3.NewHeaderParameter(KeepWordingHeader).WithSchema(openapi3.NewStringSchema().WithEnum("true")).
				WithDescription("true keeps wording the language check flagged (422 naming each phrase), because you are quoting someone."))
		}

		if rt.doc.body != nil {
			ref, err := schemaOf(rt.doc.body)
			if err != nil {
				return nil, err
			}
			if rt.doc.step != "" {
				ref = stepBody(rt.doc.step, ref.Value, schemas)
				if cl := closersOf(rt.doc.step); len(cl) > 0 {
					op.Extensions = map[string]any{"x-closes": cl}
				}
			}
			body := openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)
			if ex, ok := examples[rt.doc.step]; ok {
				body.Content.Get("application/json").Example = ex
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: body}
		}
		switch {
		case rt.doc.stream:
			op.AddResponse(rt.doc.status, openapi3.NewResponse().WithDescription("An event stream").
				WithContent(openapi3.Content{"text/event-stream": &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}}}))
		default:
			ref, err := schemaOf(rt.doc.response)
			if err != nil {
				return nil, err
			}
			op.AddResponse(rt.doc.status, jsonResponse("Success", ref).Value)
		}
		statuses := append(append([]int{}, commonProblems...), rt.doc.problems...)
		sort.Ints(statuses)
		for _, status := range statuses {
			op.AddResponse(status, openapi3.NewResponse().WithDescription(titles[status]).
				WithContent(openapi3.Content{ProblemContentType: &openapi3.MediaType{Schema: problem}}))
		}
		doc.AddOperation(DocumentPath("/v1"+rt.path), rt.method, op)
	}
	return doc, nil
}

// bodySchemaName is the component name of a step's body: police-report is PoliceReportBody.
func bodySchemaName(step string) string {
	var b strings.Builder
	for _, word := range strings.Split(step, "-") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String() + "Body"
}

// stepBody makes a step's body its own component: the fields of a type several steps share
// are worded for this step, and fields the step refuses are left out.
func stepBody(step string, schema *openapi3.Schema, schemas openapi3.Schemas) *openapi3.SchemaRef {
	for name, f := range stepFields[step] {
		if p := schema.Properties[name]; p != nil {
			describe(p.Value, f)
			schema.Required = slices.DeleteFunc(schema.Required, func(r string) bool { return r == name })
			if f.required {
				schema.Required = append(schema.Required, name)
			}
		}
	}
	for _, name := range stepOmits[step] {
		delete(schema.Properties, name)
		if order, ok := schema.Extensions["x-field-order"].([]string); ok {
			schema.Extensions["x-field-order"] = slices.DeleteFunc(slices.Clone(order), func(o string) bool { return o == name })
		}
	}
	sort.Strings(schema.Required)
	name := bodySchemaName(step)
	schemas[name] = &openapi3.SchemaRef{Value: schema}
	return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
}

func closersOf(step string) []closer {
	var out []closer
	for _, c := range closers {
		if c.Step == step {
			out = append(out, c)
		}
	}
	return out
}

// addCodecOperations documents the codec endpoints: Temporal's remote codec protocol, outside
// /v1 because the Temporal CLI and Web UI name the paths.
func addCodecOperations(doc *openapi3.T, schemas openapi3.Schemas, problem *openapi3.SchemaRef) {
	payload := openapi3.NewObjectSchema().
		WithProperty("metadata", openapi3.NewObjectSchema().WithAdditionalProperties(openapi3.NewStringSchema().WithFormat("byte"))).
		WithProperty("data", openapi3.NewStringSchema().WithFormat("byte"))
	schemas["Payloads"] = &openapi3.SchemaRef{Value: openapi3.NewObjectSchema().WithProperty("payloads", openapi3.NewArraySchema().WithItems(payload))}
	payloads := &openapi3.SchemaRef{Ref: "#/components/schemas/Payloads", Value: schemas["Payloads"].Value}
	public := openapi3.SecurityRequirements{}
	for _, path := range []struct {
		action, prefix, summary string
		decodes                 bool // answers with the payloads
		problems                []int
	}{
		{"encode", "", "Temporal remote codec: encode payloads (temporal --codec-endpoint URL/codec). Every call is recorded in the codec audit.", true, nil},
		{"decode", "", "Temporal remote codec: refused, because it names no case. Decode through the endpoint of the case's workflow, /codec/workflows/case-<case id>.", false, nil},
		{"encode", "/workflows/{workflow}", "Temporal remote codec of one case's workflow (case-<id>, or its access audit's audit-case-<id>): encode payloads. Every call is recorded in the codec audit.", true, []int{http.StatusNotFound}},
		{"decode", "/workflows/{workflow}", "Temporal remote codec of one case's workflow (case-<id>, or its access audit's audit-case-<id>): decode its payloads (temporal --codec-endpoint URL/codec/workflows/case-<id>, or the Web UI's codec setting), if the caller may see the case. Every call is recorded in the codec audit.", true, []int{http.StatusNotFound}},
	} {
		id := "codec-" + path.action
		if path.prefix != "" {
			id = "codec-workflow-" + path.action
		}
		op := &openapi3.Operation{
			OperationID: id,
			Summary:     path.summary,
			Description: "Roles: " + rolesText(codecRoles) + ". The bearer token may come in the " + CodecCookie + " cookie instead.",
			RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(payloads)},
			Responses:   openapi3.NewResponses(),
		}
		if path.decodes {
			op.AddResponse(http.StatusOK, jsonResponse("The payloads, "+path.action+"d", payloads).Value)
		}
		op.AddParameter(openapi3.NewHeaderParameter("X-Namespace").WithSchema(openapi3.NewStringSchema()).WithDescription("The namespace of the payloads, as the CLI sends it."))
		if path.prefix != "" {
			op.AddParameter(openapi3.NewPathParameter("workflow").WithSchema(openapi3.NewStringSchema()).
				WithDescription("The workflow whose payloads these are: case-<case id>, or audit-case-<case id> for its access audit."))
		}
		statuses := append(append([]int{http.StatusRequestEntityTooLarge}, commonProblems...), path.problems...)
		sort.Ints(statuses)
		for _, status := range statuses {
			op.AddResponse(status, openapi3.NewResponse().WithDescription(titles[status]).
				WithContent(openapi3.Content{ProblemContentType: &openapi3.MediaType{Schema: problem}}))
		}
		at := "/codec" + path.prefix + "/" + path.action
		doc.AddOperation(at, http.MethodPost, op)
		doc.AddOperation(at, http.MethodOptions, &openapi3.Operation{
			OperationID: id + "-preflight", Summary: "CORS preflight of the configured Temporal Web UI origins.", Security: &public,
			Responses: openapi3.NewResponses(openapi3.WithStatus(204, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("Allowed methods and headers")})),
		})
		if path.prefix != "" {
			doc.Paths.Value(at).Options.AddParameter(openapi3.NewPathParameter("workflow").WithSchema(openapi3.NewStringSchema()))
		}
	}
}

func jsonResponse(description string, schema *openapi3.SchemaRef) *openapi3.ResponseRef {
	return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(description).WithJSONSchemaRef(schema)}
}

// DocumentPath turns a gin route path, /cases/:id, into the document's, /cases/{id}.
func DocumentPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func rolesText(roles []safeguarding.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// requestTypes are the types step bodies are made of. They are documented from the field table
// (fields.go) and inlined wherever they appear, so each step's body reads on its own.
var requestTypes = func() map[reflect.Type]bool {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		t = indirect(t)
		for t.Kind() == reflect.Slice {
			t = indirect(t.Elem())
		}
		if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	for _, s := range safeguarding.Steps() {
		if !s.BySystem() { // caseflow's own steps have no route, so no body to document
			walk(reflect.TypeOf(s.NewBody()))
		}
	}
	return seen
}()

func indirect(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// componentName names the component of an answer's type; request types have none (inline).
func componentName(t reflect.Type) string {
	if requestTypes[t] {
		return ""
	}
	return t.Name()
}

// jsonField is one field as encoding/json writes it: the type that declares it (an embedded
// type's fields are its own) and whether it is left out when empty.
type jsonField struct {
	name      string
	declaring reflect.Type
	omitted   bool
}

// jsonFields lists a struct's JSON fields in declaration order, embedded structs' fields in place.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && indirect(f.Type).Kind() == reflect.Struct {
			out = append(out, jsonFields(indirect(f.Type))...)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitted := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
		out = append(out, jsonField{name: name, declaring: t, omitted: omitted})
	}
	return out
}

var chaseLevels = []safeguarding.Level{safeguarding.LevelNone, safeguarding.LevelReminded, safeguarding.LevelOverdue, safeguarding.LevelManager, safeguarding.LevelLead}

// customize completes each schema openapi3gen makes from a Go type: objects accept no unknown
// fields (the decoder enforces it), request fields carry the field table's words, requirements
// and codes, answers' fields are required when encoding/json always writes them, and the
// domain's named types carry their formats and code lists.
func customize(_ string, t reflect.Type, _ reflect.StructTag, schema *openapi3.Schema) error {
	switch {
	case t == reflect.TypeFor[policy.Duration]():
		// A policy duration travels as its text form, e.g. "15WD".
		*schema = *openapi3.NewStringSchema().WithPattern(`^[0-9]+(s|m|h|CD|WD|w|mo)$`)
	case t == reflect.TypeFor[safeguarding.Date]():
		schema.Format = "date"
		schema.Description = "A calendar date, 2010-04-23."
	case t == reflect.TypeFor[safeguarding.Level]():
		labels := make([]choice, len(chaseLevels))
		for i, l := range chaseLevels {
			labels[i] = choice{fmt.Sprint(int(l)), l.String()}
			schema.Enum = append(schema.Enum, int(l))
		}
		setLabels(schema, labels)
	case typeCodes[t] != nil:
		setEnum(schema, typeCodes[t])
	case t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]() && schema.Type.Is(openapi3.TypeObject):
		no := false
		schema.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
		documentObject(t, schema)
	}
	return nil
}

// documentObject words, requires and codes the properties of a struct's schema.
func documentObject(t reflect.Type, schema *openapi3.Schema) {
	schema.Required = nil
	var order []string
	for _, f := range jsonFields(t) {
		p := schema.Properties[f.name]
		if p == nil {
			continue
		}
		order = append(order, f.name)
		doc, documented := typeFields[f.declaring][f.name]
		switch {
		case requestTypes[t] && doc.required:
			schema.Required = append(schema.Required, f.name)
		case !requestTypes[t] && !f.omitted:
			schema.Required = append(schema.Required, f.name)
		}
		if strings.HasPrefix(p.Ref, "#/") {
			continue // a component: described where it is defined
		}
		if documented {
			describe(p.Value, doc)
		} else if codes := responseCodes[f.declaring][f.name]; codes != nil {
			setEnum(p.Value, codes)
		}
	}
	sort.Strings(schema.Required)
	if requestTypes[t] {
		if schema.Extensions == nil {
			schema.Extensions = map[string]any{}
		}
		schema.Extensions["x-field-order"] = order
	}
}

// describe puts a field's words and codes on its schema (on its items, for a list of codes).
func describe(s *openapi3.Schema, f field) {
	s.Title, s.Description = f.title, f.description
	if f.enum != nil {
		setEnum(s, f.enum)
	}
}

func setEnum(s *openapi3.Schema, codes []choice) {
	if s.Type.Is(openapi3.TypeArray) && s.Items != nil && s.Items.Value != nil {
		s = s.Items.Value
	}
	s.Enum = nil
	for _, c := range codes {
		s.Enum = append(s.Enum, c.value)
	}
	setLabels(s, codes)
}

// setLabels gives the words people read for each code, in the order of the enum, as the
// x-enum-descriptions that client generators and the pages read.
func setLabels(s *openapi3.Schema, codes []choice) {
	labels := make([]string, len(codes))
	for i, c := range codes {
		labels[i] = c.label
	}
	if s.Extensions == nil {
		s.Extensions = map[string]any{}
	}
	s.Extensions["x-enum-descriptions"] = labels
}
