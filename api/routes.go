package api

import (
	"net/http"

	"github.com/caseflow/caseflow/safeguarding"
)

// operationDoc is what the OpenAPI document says of a route.
type operationDoc struct {
	id      string
	summary string
	// body is a value of the request body type, nil when there is none, and step the step it
	// takes, when it takes one.
	body any
	step string
	// response is a value of the success response type, and status its code; also are other
	// success codes with the same response, each with what it means.
	response any
	status   int
	also     map[int]string
	query    []queryParam
	// problems lists the error statuses the route can answer beyond the common ones.
	problems []int
	stream   bool
}

type queryParam struct{ name, description string }

// stepOperation begins the operation id of every step's route, "step-" and the step's name: the
// access records of steps carry it as their action.
const stepOperation = "step-"

var (
	allRoles  = safeguarding.CaseRoles // everyone who works with cases
	dpoOnly   = []safeguarding.Role{safeguarding.RoleDataProtectionOfficer}
	overseers = safeguarding.Overseers
	leadOnly  = []safeguarding.Role{safeguarding.RoleSafeguardingLead}
	pageQuery = []queryParam{
		{"limit", "Page size, 1 to 500 (default 50)."},
		{"cursor", "The next_cursor of the previous page."},
	}
)

// routes is the API under /v1. The OpenAPI document is generated from this table and the step
// table, so every route is documented and every documented operation exists.
func routes(h *handlers) []route {
	rs := []route{
		{http.MethodPost, "/cases", allRoles, h.raiseConcern, operationDoc{
			id: "raiseConcern", summary: "Raise a concern: opens the child's case, or records the concern on the case the child already has (matched by name and date of birth, or the local authority's reference). Idempotent with an Idempotency-Key header.",
			body: &safeguarding.RaiseConcern{}, step: safeguarding.StepRaiseConcern, response: StepResponse{}, status: http.StatusCreated,
			also:     map[int]string{http.StatusOK: "The child already has a case you can see: the concern is recorded on it (existing_case), reopening it if it was closed"},
			problems: []int{http.StatusConflict, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge},
		}},
		{http.MethodGet, "/cases", allRoles, h.listCases, operationDoc{
			id: "listCases", summary: "The cases the caller may see, most recently updated first.",
			response: CasesPage{}, status: http.StatusOK, query: pageQuery,
		}},
		{http.MethodGet, "/cases/:id", allRoles, h.getCase, operationDoc{
			id: "getCase", summary: "One case, with the fields the caller's role may see.",
			response: safeguarding.View{}, status: http.StatusOK, problems: []int{http.StatusNotFound},
		}},
		{http.MethodGet, "/cases/:id/timeline", allRoles, h.timeline, operationDoc{
			id: "getTimeline", summary: "Who did what on the case, and when: the latest entries, or those before an entry.",
			response: TimelineResponse{}, status: http.StatusOK, problems: []int{http.StatusNotFound},
			query: []queryParam{
				{"before", "Only entries numbered before this one (the next_before of the previous page)."},
				pageQuery[0],
			},
		}},
		{http.MethodGet, "/cases/:id/access", overseers, h.caseAccess, operationDoc{
			id: "caseAccess", summary: "Who accessed the case: every read, list naming it, step and refusal, the newest first. Nothing can delete it.",
			response: AccessLog{}, status: http.StatusOK, query: pageQuery, problems: []int{http.StatusNotFound},
		}},
		{http.MethodGet, "/decryptions", dpoOnly, h.decryptions, operationDoc{
			id: "decryptions", summary: "The agency's record of decryptions, for the data protection officer: every decode and refused decode through the codec endpoints, who asked, for which case's workflow, and a digest of what was decoded, the newest first. Nothing can delete it.",
			response: AccessLog{}, status: http.StatusOK, query: pageQuery,
		}},
		{http.MethodGet, "/me/actions", allRoles, h.myActions, operationDoc{
			id: "myActions", summary: "The caller's own open actions, soonest due first.",
			response: ActionsPage{}, status: http.StatusOK,
			query: append([]queryParam{{"within", "Only actions due within this duration, e.g. 168h."}}, pageQuery...),
		}},
		{http.MethodGet, "/me/notifications", allRoles, h.myNotifications, operationDoc{
			id: "myNotifications", summary: "The caller's newest chases: reminders, overdue notices, escalations.",
			response: NotificationsResponse{}, status: http.StatusOK, query: pageQuery[:1],
		}},
		{http.MethodGet, "/overdue", overseers, h.overdue, operationDoc{
			id: "listOverdue", summary: "Overdue actions across all cases, the most late first.",
			response: ActionsPage{}, status: http.StatusOK,
			query: append([]queryParam{
				{"team", "Only this team's cases."}, {"owner", "Only actions owned by this user id."},
				{"kind", "Only this action kind (policy rule id)."}, {"min_escalation", "Only actions chased at least this far (0-4)."},
			}, pageQuery...),
		}},
		{http.MethodGet, "/overdue/summary", overseers, h.overdueSummary, operationDoc{
			id: "overdueSummary", summary: "Counts of overdue actions by team and kind, and overdue over time.",
			response: OverdueSummary{}, status: http.StatusOK,
		}},
		{http.MethodGet, "/events", allRoles, h.events, operationDoc{
			id: "events", summary: "Server-Sent Events: a case the caller may see changed, or a chase was sent to them.",
			status: http.StatusOK, stream: true,
		}},
		{http.MethodGet, "/destruction-register", leadOnly, h.destructionRegister, operationDoc{
			id: "destructionRegister", summary: "The destruction register: every case record destroyed at the end of its retention period, the latest first, with what was destroyed, when, who approved it, under which rule and why. It holds no personal data; nothing deletes it.",
			response: DestructionRegister{}, status: http.StatusOK,
		}},
		{http.MethodGet, "/reference", allRoles, h.reference, operationDoc{
			id: "reference", summary: "The codes the API accepts, with the policy's wording.",
			response: Reference{}, status: http.StatusOK,
		}},
	}
	for _, step := range safeguarding.Steps() {
		if step.Name == safeguarding.StepRaiseConcern || step.BySystem() {
			continue // raising a concern has its own route above; caseflow's own steps have none
		}
		rs = append(rs, route{http.MethodPost, "/cases/:id/" + step.Name, step.Roles, h.step(step), operationDoc{
			id: stepOperation + step.Name, summary: step.Title + ". Idempotent with an Idempotency-Key header.",
			body: step.NewBody(), step: step.Name, response: StepResponse{}, status: http.StatusOK,
			problems: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge},
		}})
	}
	return rs
}

// RouteRoles is a route the API serves to people signed in, with the roles that may call it.
type RouteRoles struct {
	Method, Path string
	Roles        []safeguarding.Role
}

// Routes lists the routes people signed in may call, with their roles: the route table under /v1
// and the codec endpoints. The role and relation table test tries each as every role.
func Routes() []RouteRoles {
	var out []RouteRoles
	for _, rt := range routes(&handlers{}) {
		out = append(out, RouteRoles{Method: rt.method, Path: "/v1" + rt.path, Roles: rt.roles})
	}
	for _, path := range codecPaths {
		out = append(out, RouteRoles{Method: http.MethodPost, Path: "/codec" + path, Roles: codecRoles})
	}
	return out
}

// stepRoutes are the templates of the routes that record a step, one per step.
var stepRoutes = func() map[string]bool {
	m := map[string]bool{}
	for _, step := range safeguarding.Steps() {
		m["/v1/cases/:id/"+step.Name] = true
	}
	return m
}()

// MetricsRoute is a route as the metrics label it: the steps share one label, so that counting
// requests tells an operator how busy caseflow is and never how many allegations, LADO or DBS
// referrals it holds.
func MetricsRoute(route string) string {
	if stepRoutes[route] {
		return "/v1/cases/:id/:step"
	}
	return route
}
