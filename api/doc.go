// Package api is Livery's REST service over echo: documents rendered and
// stored, batches of them streamed as NDJSON, brand kits linted, published
// and pinned, and the operations endpoints (health, readiness, metrics,
// OpenAPI). Every error is an RFC 9457 problem (application/problem+json).
//
// The package holds no global state: New builds a Server from a Config, and
// tests run as many as they like side by side.
package api
