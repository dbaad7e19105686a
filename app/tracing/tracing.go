package tracing

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Tracing is a process's tracer provider. A nil *Tracing traces nothing.
type Tracing struct {
	provider   *sdktrace.TracerProvider
	propagator propagation.TextMapPropagator
}

// New exports spans of the named service by OTLP over gRPC to endpoint (a URL such as
// http://otel-collector:4317; https for TLS). An empty endpoint turns tracing off: New returns
// nil. The exporter also honours the standard OTEL_EXPORTER_OTLP_* variables for headers and
// certificates.
func New(ctx context.Context, endpoint, service string) (*Tracing, error) {
	if endpoint == "" {
		return nil, nil
	}
	exporter, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter for %s: %w", endpoint, err)
	}
	return WithExporter(exporter, service), nil
}

// WithExporter traces into exporter, batching spans; tests pass an in-memory exporter.
func WithExporter(exporter sdktrace.SpanExporter, service string) *Tracing {
	res := resource.NewSchemaless(attribute.String("service.name", service))
	return &Tracing{
		provider:   sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)),
		propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}
}

// Temporal returns the SDK's tracing interceptor, for client.Options.Interceptors: the client
// passes the span of the request to the workflow in Temporal headers, and workers created from
// the client continue it. Nil when tracing is off.
func (t *Tracing) Temporal() ([]interceptor.ClientInterceptor, error) {
	if t == nil {
		return nil, nil
	}
	i, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:            t.provider.Tracer("caseflow/temporal"),
		TextMapPropagator: t.propagator,
	})
	if err != nil {
		return nil, fmt.Errorf("temporal tracing interceptor: %w", err)
	}
	return []interceptor.ClientInterceptor{i}, nil
}

// HTTP wraps the API's handler so each request starts a server span, continuing the caller's
// trace from its traceparent header. Unchanged when tracing is off.
func (t *Tracing) HTTP(h http.Handler) http.Handler {
	if t == nil {
		return h
	}
	return otelhttp.NewHandler(h, "http",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }),
	)
}

// Route names the request's span by its route template once gin has routed it (a path holds a
// case id, a template does not). A no-op when tracing is off.
func (t *Tracing) Route() gin.HandlerFunc {
	return func(c *gin.Context) {
		if t != nil {
			if route := c.FullPath(); route != "" {
				span := trace.SpanFromContext(c.Request.Context())
				span.SetName(c.Request.Method + " " + route)
				span.SetAttributes(attribute.String("http.route", route))
			}
		}
		c.Next()
	}
}

// Close sends the spans still buffered and stops the exporter.
func (t *Tracing) Close(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}
