package api

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus collectors.
type metrics struct {
	requests     *prometheus.CounterVec   // route, method, status
	duration     *prometheus.HistogramVec // route, method
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
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.renderTime, m.bytesStored, m.batchLines, m.handlerPanic} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("api: metrics: %w", err)
		}
	}
	return m, nil
}

// opsRoutes registers the unauthenticated operations endpoints.
func (s *Server) opsRoutes(e *echo.Echo) {
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", s.ready)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})))
	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// ready answers 200 when storage answers, 503 otherwise.
func (s *Server) ready(c echo.Context) error {
	if err := s.cfg.Bucket.Ping(c.Request().Context()); err != nil {
		s.log.WarnContext(c.Request().Context(), "not ready", "error", err.Error())
		return problem(ProblemUnavailable, "storage is not reachable")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// requestID takes the client's X-Request-Id when it is sane, else makes one,
// and echoes it in the response.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !saneID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
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
				s.log.ErrorContext(c.Request().Context(), "handler panic",
					"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "route", c.Path(), "panic", fmt.Sprint(r))
				err = problem(ProblemInternal, "the server failed; the request id leads to the log entry")
			}
		}()
		return next(c)
	}
}

// observe logs every request as one JSON line and counts it.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // writes the problem now, so the status below is real
		}
		route := c.Path()
		if route == "" || route == "/*" {
			route = "unmatched"
		}
		status := c.Response().Status
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		s.metrics.duration.WithLabelValues(route, c.Request().Method).Observe(d.Seconds())
		s.log.InfoContext(c.Request().Context(), "request",
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID),
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
