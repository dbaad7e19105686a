// Package tracing follows a request with OpenTelemetry from the HTTP API through the Temporal
// client into the worker's workflow and activities, and exports the spans by OTLP. It is off
// unless an OTLP endpoint is configured; off, nothing is traced and nothing is added to calls.
//
// Spans carry route templates, workflow and activity types and workflow ids (case-<id>, a
// pseudonymous id), never request bodies.
package tracing
