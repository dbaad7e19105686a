// Package deploy holds caseflow's deployment files: the lean image (Dockerfile), a production
// stack on one host (compose.yaml, with secrets from an uncommitted caseflow.env), the Temporal
// server's configuration and schema job (temporal/), and the Kubernetes manifests
// (kubernetes/). It has no Go code of its own: its tests decode every manifest strictly into
// the Kubernetes API types and check what an operator must be able to trust, so a typo or a
// missing security setting fails CI.
package deploy
