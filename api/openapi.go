package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The OpenAPI 3 document is generated, not written: from the route table for paths, roles and
// statuses, and from the Go request and response types for schemas (kin-openapi's openapi3gen).
// A handler cannot exist without its operation, and a schema cannot disagree with the type the
// handler decodes.

var (
	docOnce sync.Once
	docJSON []byte
	docErr  error
	docSpec *openapi3.T
)

// Document returns the OpenAPI document.
func Document() (*openapi3.T, error) {
	docOnce.Do(func() {
		docSpec, docErr = buildDocument()
		if docErr == nil {
			docJSON, docErr = json.MarshalIndent(docSpec, "", "  ")
		}
	})
	return docSpec, docErr
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
		openapi3gen.SchemaCustomizer(strictObjects),
	)
	schemaOf := func(v any) (*openapi3.SchemaRef, error) {
		ref, err := gen.NewSchemaRefForValue(v, schemas)
		if err != nil {
			return nil, fmt.Errorf("schema of %T: %w", v, err)
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
			Title:       "caseflow",
			Version:     "1",
			Description: "Safeguarding cases of children suspected of being victims of modern slavery or exploitation: every statutory step, with clocks that chase. Errors are RFC 9457 problems (application/problem+json).",
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
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)}
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

// strictObjects documents what the decoder enforces: request objects accept no unknown fields.
// Free-form maps keep their additional properties.
func strictObjects(_ string, t reflect.Type, _ reflect.StructTag, schema *openapi3.Schema) error {
	if t == reflect.TypeFor[policy.Duration]() {
		// A policy duration travels as its text form, e.g. "15WD".
		*schema = *openapi3.NewStringSchema().WithPattern(`^[0-9]+(s|m|h|CD|WD|w|mo)$`)
		return nil
	}
	if t.Kind() == reflect.Struct && t != reflect.TypeFor[safeguarding.Date]() && schema.Type.Is(openapi3.TypeObject) {
		no := false
		schema.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	}
	return nil
}
