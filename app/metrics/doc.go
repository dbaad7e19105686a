// Package metrics is what caseflow tells Prometheus: HTTP requests by route template and status,
// the Temporal SDK's own client and worker metrics, and caseflow's: chases sent and how late,
// open cases, overdue actions, and side effects that failed. Labels never hold an id, a name or
// anything a person wrote: only route templates, statuses, teams, rule ids and levels.
//
// Each process has its own Registry, served at /metrics.
package metrics
