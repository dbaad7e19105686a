package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// Lists read the Redis read model: fast across thousands of cases, and free of personal data.
// The child's name and the case's details are on the case page, read from the workflow.

const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// pageParams reads limit and cursor, refusing nonsense with a 400 that names the parameter.
func pageParams(c *gin.Context) (limit int, cursor string, err error) {
	limit = defaultPageSize
	if s := c.Query("limit"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > maxPageSize {
			return 0, "", &httpError{status: http.StatusBadRequest, detail: "limit must be a whole number from 1 to 500.", fields: map[string]string{"limit": "must be 1 to 500"}}
		}
		limit = n
	}
	return limit, c.Query("cursor"), nil
}

// CasesPage is a page of the caller's cases.
type CasesPage struct {
	Cases      []projection.Summary `json:"cases"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

func (h *handlers) listCases(c *gin.Context) {
	limit, cursor, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return
	}
	page, err := h.cfg.Store.CasesFor(c.Request.Context(), h.visibility(c), limit, cursor)
	if err != nil {
		abort(c, err)
		return
	}
	out := CasesPage{Cases: page.Items, NextCursor: page.NextCursor}
	if out.Cases == nil {
		out.Cases = []projection.Summary{}
	}
	for _, cs := range out.Cases {
		nameCases(c, cs.CaseID)
	}
	c.JSON(http.StatusOK, out)
}

// ActionsPage is a page of actions.
type ActionsPage struct {
	Actions    []readmodel.ActionRow `json:"actions"`
	NextCursor string                `json:"next_cursor,omitempty"`
	AsOf       time.Time             `json:"as_of"`
}

func actionsPage(c *gin.Context, page readmodel.Page[readmodel.ActionRow], now time.Time) ActionsPage {
	out := ActionsPage{Actions: page.Items, NextCursor: page.NextCursor, AsOf: now}
	if out.Actions == nil {
		out.Actions = []readmodel.ActionRow{}
	}
	for _, a := range out.Actions {
		nameCases(c, a.CaseID)
	}
	return out
}

// myActions lists the caller's own open actions, soonest due first; ?within=168h limits them to
// those due in that window (overdue ones always included).
func (h *handlers) myActions(c *gin.Context) {
	limit, cursor, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return
	}
	now := time.Now()
	until := now.AddDate(10, 0, 0)
	if s := c.Query("within"); s != "" {
		d, convErr := time.ParseDuration(s)
		if convErr != nil || d <= 0 {
			abort(c, &httpError{status: http.StatusBadRequest, detail: "within must be a duration such as 168h.", fields: map[string]string{"within": "must be a positive duration"}})
			return
		}
		until = now.Add(d)
	}
	page, err := h.cfg.Store.ActionsFor(c.Request.Context(), h.visibility(c), until, limit, cursor)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, actionsPage(c, page, now))
}

// overdue lists overdue actions across all cases for managers and the Safeguarding Lead, the
// latest first, filtered by team, owner, action kind and escalation level.
func (h *handlers) overdue(c *gin.Context) {
	limit, cursor, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return
	}
	q := readmodel.OverdueQuery{
		Now:          time.Now(),
		Visibility:   h.visibility(c),
		ActionFilter: readmodel.ActionFilter{Team: c.Query("team"), OwnerUser: c.Query("owner"), Kind: c.Query("kind")},
		Limit:        limit, Cursor: cursor,
	}
	if s := c.Query("min_escalation"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 0 || n > int(safeguarding.LevelLead) {
			abort(c, &httpError{status: http.StatusBadRequest, detail: "min_escalation must be 0 to 4.", fields: map[string]string{"min_escalation": "must be 0 to 4"}})
			return
		}
		q.MinEscalation = n
	}
	page, err := h.cfg.Store.Overdue(c.Request.Context(), q)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, actionsPage(c, page, q.Now))
}

// OverdueSummary is the manager's board: counts by team and kind, and overdue over time, of the
// actions the caller may see (those of a case an allegation excluded them from are not counted).
type OverdueSummary struct {
	AsOf   time.Time          `json:"as_of"`
	Counts readmodel.Counts   `json:"counts"`
	Series []readmodel.Sample `json:"series"`
	// Missing counts the cases the board cannot show: their summary could not be stored (an
	// identifier recorded before identifiers were checked, say). Correcting the case brings it
	// back; until then the board says it is incomplete.
	Missing int `json:"missing_cases"`
}

func (h *handlers) overdueSummary(c *gin.Context) {
	now := time.Now()
	counts, err := h.cfg.Store.OverdueCountsFor(c.Request.Context(), h.visibility(c), now)
	if err != nil {
		abort(c, err)
		return
	}
	series, err := h.cfg.Store.OverdueSeriesFor(c.Request.Context(), h.visibility(c), now.Add(-7*24*time.Hour))
	if err != nil {
		abort(c, err)
		return
	}
	missing, err := h.cfg.Store.ProjectionFailures(c.Request.Context())
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, OverdueSummary{AsOf: now, Counts: counts, Series: series, Missing: missing})
}

func (h *handlers) myNotifications(c *gin.Context) {
	limit, _, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return
	}
	list, err := h.cfg.Inbox.Read(c.Request.Context(), mustActor(c), limit)
	if err != nil {
		abort(c, err)
		return
	}
	shown, err := h.visibleNotices(c, list)
	if err != nil {
		abort(c, err)
		return
	}
	for _, n := range shown {
		nameCases(c, n.CaseID)
	}
	c.JSON(http.StatusOK, NotificationsResponse{Notifications: shown})
}

// visibleNotices keeps the notices whose action the caller may see now: an inbox of a role is
// shared, and an allegation may have excluded the caller from a case since a chase was sent.
func (h *handlers) visibleNotices(c *gin.Context, list []notify.Notice) ([]notify.Notice, error) {
	v := h.visibility(c)
	sights := map[string]safeguarding.Sight{}
	shown := []notify.Notice{}
	for _, n := range list {
		sight, known := sights[n.CaseID]
		if !known {
			var err error
			if sight, _, err = h.cfg.Store.SightOf(c.Request.Context(), v, n.CaseID); err != nil {
				return nil, err
			}
			sights[n.CaseID] = sight
		}
		if sight.SeesAction(safeguarding.Class(n.Class), n.Owner) {
			shown = append(shown, n)
		}
	}
	return shown, nil
}

// visibility is the caller, as the read model's lists apply the visibility policy to them.
func (h *handlers) visibility(c *gin.Context) readmodel.Visibility {
	return readmodel.Visibility{Actor: mustActor(c), TeamAccess: h.cfg.Access.TeamAccess}
}

// NotificationsResponse lists the caller's newest chases.
type NotificationsResponse struct {
	Notifications []notify.Notice `json:"notifications"`
}

// Reference lists the codes the API accepts, with the policy's wording, for forms.
type Reference struct {
	ExploitationTypes    []safeguarding.Code `json:"exploitation_types"`
	TraffickingPurposes  []safeguarding.Code `json:"trafficking_purposes"`
	Indicators           []safeguarding.Code `json:"indicators"`
	VulnerabilityFactors []safeguarding.Code `json:"vulnerability_factors"`
	PreferredTerms       []safeguarding.Code `json:"preferred_terms"`
	FirstResponders      []string            `json:"first_responders"`
	ClosureReasons       []string            `json:"closure_reasons"`
}

func (h *handlers) reference(c *gin.Context) {
	c.JSON(http.StatusOK, Reference{
		ExploitationTypes: safeguarding.ExploitationTypes, TraffickingPurposes: safeguarding.TraffickingPurposes,
		Indicators: safeguarding.Indicators, VulnerabilityFactors: safeguarding.VulnerabilityFactors,
		PreferredTerms: safeguarding.PreferredTerms, FirstResponders: safeguarding.FirstResponders,
		ClosureReasons: safeguarding.ClosureReasons,
	})
}
