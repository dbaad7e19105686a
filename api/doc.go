// Package api is caseflow's HTTP API (gin): carers raise concerns and contribute to care plans,
// social workers advance case steps, managers see what is overdue. Every request is
// authenticated; every case a caller may not see answers 404; every error is an RFC 9457
// problem a social worker can read. Lists come from the Redis read model, one case from its
// workflow.
package api
