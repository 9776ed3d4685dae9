package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/liveryhq/livery/render"
)

// metrics are the service's Prometheus collectors.
type metrics struct {
	requests     *prometheus.CounterVec   // route, method, status
	duration     *prometheus.HistogramVec // route, method
	inFlight     prometheus.Gauge
	renderTime   *prometheus.HistogramVec // format
	bytesStored  *prometheus.CounterVec   // format
	batchLines   *prometheus.CounterVec   // outcome: ok, error
	handlerPanic prometheus.Counter
	registry     *prometheus.Registry
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "livery_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "livery_http_request_duration_seconds", Help: "HTTP request duration by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		renderTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "livery_render_duration_seconds", Help: "Time to render one document, by format.",
			Buckets: []float64{.0005, .001, .002, .004, .008, .016, .032, .064, .128, .256, .512},
		}, []string{"format"}),
		bytesStored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "livery_bytes_stored_total", Help: "Bytes of rendered documents written to storage, by format.",
		}, []string{"format"}),
		batchLines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "livery_batch_lines_total", Help: "Batch lines processed, by outcome (ok, error).",
		}, []string{"outcome"}),
		handlerPanic: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "livery_handler_panics_total", Help: "Handler panics recovered (each one is a bug).",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "livery_http_requests_in_flight", Help: "HTTP requests being served now.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inFlight, m.renderTime, m.bytesStored, m.batchLines, m.handlerPanic} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("api: metrics: %w", err)
		}
	}
	// A registry the caller shares may hold these already.
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		var are prometheus.AlreadyRegisteredError
		if err := reg.Register(c); err != nil && !errors.As(err, &are) {
			return nil, fmt.Errorf("api: metrics: %w", err)
		}
	}
	// Known label values start at zero, so every family is on /metrics
	// from the first scrape and rate() sees the first increment.
	for _, f := range render.AllFormats {
		m.renderTime.WithLabelValues(string(f))
		m.bytesStored.WithLabelValues(string(f))
	}
	m.batchLines.WithLabelValues("ok")
	m.batchLines.WithLabelValues("error")
	return m, nil
}

// opsRoutes registers the unauthenticated operations endpoints.
func (s *Server) opsRoutes(e *echo.Echo) {
	getAndHead(e, "/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	getAndHead(e, "/readyz", s.ready)
	getAndHead(e, "/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})))
	getAndHead(e, "/openapi.json", serveOpenAPI)
	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// readyTimeout bounds the storage check of /readyz: a probe that hangs is
// worse than one that says no.
const readyTimeout = 5 * time.Second

// ready answers 200 when storage answers, 503 otherwise, and 503 from the
// moment shutdown begins, so that load balancers stop sending new work.
func (s *Server) ready(c echo.Context) error {
	select {
	case <-s.stopping:
		return problem(ProblemStopping, "the server is shutting down")
	default:
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if err := s.cfg.Bucket.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "error", err.Error())
		return problem(ProblemUnavailable, "storage is not reachable")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// requestID takes the client's X-Request-Id when it is sane, else makes one,
// echoes it in the response and puts it in the request's context, where
// the server's logger finds it (requestIDHandler).
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !saneID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		return next(c)
	}
}

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// requestIDFrom returns the request id in ctx, or "".
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDHandler adds the request id of the context to every record
// logged with one (the *Context logging methods), so that handlers' own
// log lines and error lines match the request line and the problem body.
type requestIDHandler struct{ slog.Handler }

// Handle adds request_id unless the record has one already.
func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestIDFrom(ctx); id != "" {
		has := false
		r.Attrs(func(a slog.Attr) bool {
			has = a.Key == "request_id"
			return !has
		})
		if !has {
			r = r.Clone()
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper on derived handlers.
func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

// WithGroup keeps the wrapper on derived handlers.
func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// saneID accepts 1-128 characters of [A-Za-z0-9._-].
func saneID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-') {
			return false
		}
	}
	return true
}

// recoverPanics turns a handler panic into a 500 problem and a log entry.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.metrics.handlerPanic.Inc()
				// The stack goes to the log only; the client gets the
				// generic internal problem.
				s.log.ErrorContext(c.Request().Context(), "handler panic",
					"route", c.Path(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = problem(ProblemInternal, detailInternal)
			}
		}()
		return next(c)
	}
}

// observe logs every request as one JSON line and counts it.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		err := next(c)
		if err != nil {
			c.Error(err) // writes the problem now, so the status below is real
		}
		route := c.Path()
		if s.unmatched(c) {
			route = "unmatched" // bounded label values: never the raw path
		}
		status := c.Response().Status
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		s.metrics.duration.WithLabelValues(route, c.Request().Method).Observe(d.Seconds())
		s.log.InfoContext(c.Request().Context(), "request",
			"method", c.Request().Method, "route", route, "status", status,
			"duration_ms", float64(d.Microseconds())/1000, "bytes_out", c.Response().Size,
			"principal", principalName(c))
		return nil
	}
}

// principalName names the caller for logs, never the key itself.
func principalName(c echo.Context) string {
	if p, ok := c.Get(principalKey).(*Principal); ok {
		return p.Name
	}
	return ""
}

// jsonEncode writes v as JSON without HTML escaping (URLs stay readable).
func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
