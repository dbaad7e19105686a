package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
)

// redisDB is this package's database on a shared real Redis.
const redisDB = 1

// start runs the stack with every HTTP exchange checked against the OpenAPI document: each
// response must match its documented status and schema, and each request the server accepted
// must match its documented parameters and body.
func start(t *testing.T, opts testenv.Options) *testenv.Env {
	t.Helper()
	opts.RedisDB = redisDB
	env := testenv.Start(t, opts)
	env.Client.Transport = &validating{t: t, next: http.DefaultTransport, router: openAPIRouter(t)}
	return env
}

var (
	routerOnce sync.Once
	router     routers.Router
	routerErr  error
)

func openAPIRouter(t *testing.T) routers.Router {
	routerOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder(api.ProblemContentType, openapi3filter.JSONBodyDecoder)
		doc, err := api.Document()
		if err != nil {
			routerErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			routerErr = fmt.Errorf("the OpenAPI document is invalid: %w", err)
			return
		}
		router, routerErr = legacy.NewRouter(doc)
	})
	if routerErr != nil {
		t.Fatal(routerErr)
	}
	return router
}

// validating checks exchanges against the OpenAPI document.
type validating struct {
	t      *testing.T
	next   http.RoundTripper
	router routers.Router
}

func (v *validating) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := v.next.RoundTrip(req)
	if err != nil || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	route, params, err := v.router.FindRoute(req)
	if err != nil {
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			v.t.Errorf("OpenAPI: %s %s answered %d but is not documented: %v", req.Method, req.URL.Path, resp.StatusCode, err)
		}
		return resp, nil
	}
	checkReq := req.Clone(req.Context())
	checkReq.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{
		Request: checkReq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if resp.StatusCode < 400 {
		if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
			v.t.Errorf("OpenAPI: accepted request %s %s does not match the document: %v", req.Method, req.URL.Path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		v.t.Errorf("OpenAPI: response %d to %s %s does not match the document: %v\n%s", resp.StatusCode, req.Method, req.URL.Path, err, respBody)
	}
	return resp, nil
}

// people used across the tests: the child is placed with carer-1, assigned to sw-1, and
// supervised by fsw-1; the "other" ones work elsewhere.
type people struct {
	carer, otherCarer, sw, otherSW, fsw, otherFSW, lead, manager, dpo string
}

func tokens(env *testenv.Env) people {
	return people{
		carer:      env.Token(safeguarding.RoleCarer, "carer-1", ""),
		otherCarer: env.Token(safeguarding.RoleCarer, "carer-2", ""),
		sw:         env.Token(safeguarding.RoleSocialWorker, "sw-1", "north"),
		otherSW:    env.Token(safeguarding.RoleSocialWorker, "sw-2", "south"),
		fsw:        env.Token(safeguarding.RoleFosteringSocialWorker, "fsw-1", "north"),
		otherFSW:   env.Token(safeguarding.RoleFosteringSocialWorker, "fsw-2", "south"),
		lead:       env.Token(safeguarding.RoleSafeguardingLead, "lead-1", ""),
		manager:    env.Token(safeguarding.RoleManager, "mgr-1", "north"),
		dpo:        env.Token(safeguarding.RoleDataProtectionOfficer, "dpo-1", ""),
	}
}

// raiseCase opens a case of the test child placed with carer-1, raised by the holder of token
// (carer-1, or staff), and returns its id. A carer's placement the child's social worker, sw-1,
// then confirms.
func raiseCase(t *testing.T, env *testenv.Env, token string, observed time.Time) string {
	t.Helper()
	return raiseCaseWith(t, env, token, testenv.Concern(observed, "sw-1", "north", "carer-1"))
}

// raiseDuplicate opens a second case of the test child, raised without a date of birth, as when
// one child is raised twice before anyone sees it (a concern naming the child's date of birth
// goes to their case).
func raiseDuplicate(t *testing.T, env *testenv.Env, token string, observed time.Time) string {
	t.Helper()
	return raiseCaseWith(t, env, token, testenv.ConcernFor(testenv.ChildName, "", observed, "sw-1", "north", "carer-1"))
}

func raiseCaseWith(t *testing.T, env *testenv.Env, token string, concern map[string]any) string {
	t.Helper()
	resp := env.Do(http.MethodPost, "/v1/cases", token, concern)
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise concern: %d %s", resp.Status, resp.Body)
	}
	var created api.StepResponse
	resp.JSON(t, &created)
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-1", "north")
	var v safeguarding.View
	env.Do(http.MethodGet, "/v1/cases/"+created.CaseID, sw, nil).JSON(t, &v)
	if slices.Contains(v.UnconfirmedCarers, "carer-1") {
		confirmPlacement(t, env, created.CaseID, "carer-1")
	}
	return created.CaseID
}

// confirmPlacement is the child's social worker, sw-1, confirming the child is placed with the
// carer who raised the concern.
func confirmPlacement(t *testing.T, env *testenv.Env, caseID, carer string) {
	t.Helper()
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-1", "north")
	resp := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/"+safeguarding.StepConfirmPlacement, sw,
		map[string]any{"carer": carer, "decision": safeguarding.PlacementConfirmed, "reason": "Placed with them since March."})
	if resp.Status != http.StatusOK {
		t.Fatalf("confirm the placement: %d %s", resp.Status, resp.Body)
	}
}

// historyLength counts the events of the case workflow's history that record something: every
// event but the workflow-task bookkeeping, which Temporal may add when it delivers a refused
// update to the worker without recording anything of it.
func historyLength(t *testing.T, env *testenv.Env, caseID string) int64 {
	t.Helper()
	iter := env.App.Temporal.GetWorkflowHistory(context.Background(), workflows.WorkflowID(caseID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var n int64
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("case history: %v", err)
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
		default:
			n++
		}
	}
	return n
}

// settledHistory waits until the case has nothing under way (projections done) and returns its
// history's length.
func settledHistory(t *testing.T, env *testenv.Env, caseID string) int64 {
	t.Helper()
	testenv.WaitQuiet(t, env.App.Temporal, workflows.WorkflowID(caseID))
	return historyLength(t, env, caseID)
}
