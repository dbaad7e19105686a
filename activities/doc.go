// Package activities holds the chases of case workflows: the in-app notices and the emails, and
// the erasing of a record whose destruction was approved. Each is idempotent, because Temporal
// retries it until it succeeds: a chase is keyed by its id, and an erasure counts what is gone
// as done. The other side effect of a case, projecting its summary to the read model, is package
// projection's.
package activities
