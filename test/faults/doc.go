// Package faults holds caseflow's fault tests: a worker killed mid-update, the Temporal server
// stopped and restarted while timers are pending, Redis flushed under load, many concurrent
// steps on one case. Each runs the real stack on loopback, bounded in time.
package faults
