// Package projection keeps caseflow's read model in step with the case workflows, the system of
// record. It owns the summary of a case (what lists and dashboards know of it: ids, stage, open
// actions and their clocks, no personal data), its mapping from the case, the activity each
// workflow runs to project it after every change, the rebuild that projects every running case
// again, and the keeper that notices an emptied read model and rebuilds it.
//
// The read model itself (package readmodel) stores, indexes and queries summaries; it meets this
// package through the ReadModel interface, and the workflows through the Cases interface, so
// that this package depends on neither.
package projection
