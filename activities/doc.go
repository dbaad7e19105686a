// Package activities holds the chases of case workflows: the in-app notices and the emails. Each
// is idempotent, because Temporal retries it until it succeeds: a chase is keyed by its id. The
// other side effect of a case, projecting its summary to the read model, is package projection's.
package activities
