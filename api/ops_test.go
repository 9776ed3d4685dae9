package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealthz(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, body := e.do(t, http.MethodGet, "/healthz", "", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"status":"ok"}`, string(body))
}

func TestReadyz(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnvWith(t, backend, nil, nil)
			resp, body := e.do(t, http.MethodGet, "/readyz", "", "", nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
			assert.JSONEq(t, `{"status":"ready"}`, string(body))

			breakStorage(t, e)
			resp, body = e.do(t, http.MethodGet, "/readyz", "", "", nil)
			p := requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemUnavailable)
			assert.Equal(t, "storage is not reachable", p.Detail)
			// Liveness does not depend on storage.
			resp, _ = e.do(t, http.MethodGet, "/healthz", "", "", nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
		})
	}
}

func TestReadyzFailsFromShutdown(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	e.Server.BeginShutdown()
	resp, body := e.do(t, http.MethodGet, "/readyz", "", "", nil)
	requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemStopping)
	resp, _ = e.do(t, http.MethodGet, "/healthz", "", "", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestMetrics(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	e.do(t, http.MethodGet, "/healthz", "", "", nil)
	e.do(t, http.MethodGet, "/v1/no-such-route", secretAdmin, "", nil)
	e.do(t, http.MethodGet, "/v1/no-such-route/"+strings.Repeat("x", 10), secretAdmin, "", nil)
	resp, body := e.do(t, http.MethodGet, "/metrics", "", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
	text := string(body)

	assert.Regexp(t, `(?m)^livery_http_requests_total\{method="GET",route="/healthz",status="200"\} 1$`, text)
	// Paths no route has are one label value, whatever the path.
	assert.Regexp(t, `(?m)^livery_http_requests_total\{method="GET",route="unmatched",status="404"\} 2$`, text)
	assert.NotContains(t, text, "no-such-route")
	assert.Regexp(t, `(?m)^livery_http_request_duration_seconds_count\{method="GET",route="/healthz"\} 1$`, text)
	for _, family := range []string{
		"livery_http_requests_total", "livery_http_request_duration_seconds", "livery_http_requests_in_flight",
		"livery_render_duration_seconds", "livery_bytes_stored_total", "livery_batch_lines_total",
		"livery_handler_panics_total", "go_goroutines", "process_cpu_seconds_total",
	} {
		assert.Regexp(t, `(?m)^# TYPE `+family+` `, text, "family %s is registered and exported", family)
	}
	assert.Regexp(t, `(?m)^livery_render_duration_seconds_count\{format="pdf"\} 0$`, text)
	assert.Regexp(t, `(?m)^livery_batch_lines_total\{outcome="error"\} 0$`, text)
}

func TestRequestIDs(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, _ := e.do(t, http.MethodGet, "/healthz", "", "", nil, "X-Request-Id", "billing-run-42.7_a")
	assert.Equal(t, "billing-run-42.7_a", resp.Header.Get(echo.HeaderXRequestID))

	seen := map[string]bool{}
	for _, sent := range []string{"", "has space", strings.Repeat("a", 129), "ü", "a/b"} {
		resp, _ := e.do(t, http.MethodGet, "/healthz", "", "", nil, "X-Request-Id", sent)
		id := resp.Header.Get(echo.HeaderXRequestID)
		assert.Regexp(t, `^[0-9a-f]{24}$`, id, "sent %q", sent)
		assert.False(t, seen[id], "ids are unique")
		seen[id] = true
	}

	resp, body := e.do(t, http.MethodGet, "/v1/nope", "", "", nil, "X-Request-Id", "trace-me")
	p := requireProblem(t, resp, body, http.StatusUnauthorized, ProblemUnauth)
	assert.Equal(t, "trace-me", p.RequestID)
}

func TestEveryRequestLogsOneLineWithoutSecrets(t *testing.T) {
	const wrongSecret = "wrong-secret-that-must-not-be-logged"
	logs := &logBuffer{}
	e := newEnvWith(t, "mem", withLog(logs), func(s *Server) {
		s.Echo().GET("/v1/test/fail", func(c echo.Context) error {
			s.log.InfoContext(c.Request().Context(), "handler says hello")
			return errors.New("database on fire")
		}, s.authenticate)
	})
	type call struct {
		method, path, secret, id string
		status                   int
		route                    string
	}
	calls := []call{
		{http.MethodGet, "/healthz", "", "log-1", 200, "/healthz"},
		{http.MethodGet, "/v1/test/fail", secretAdmin, "log-2", 500, "/v1/test/fail"},
		{http.MethodGet, "/v1/test/fail", wrongSecret, "log-3", 401, "/v1/test/fail"},
		{http.MethodGet, "/v1/test/fail?token=" + secretRenderer, secretRenderer, "log-4", 500, "/v1/test/fail"},
		{http.MethodGet, "/not/a/route", "", "log-5", 404, "unmatched"},
		{http.MethodPost, "/healthz", "", "log-6", 405, "unmatched"},
	}
	for _, c := range calls {
		resp, _ := e.do(t, c.method, c.path, c.secret, "", nil, "X-Request-Id", c.id)
		require.Equal(t, c.status, resp.StatusCode, c.path)
	}
	require.Eventually(t, func() bool {
		return strings.Count(logs.String(), `"msg":"request"`) == len(calls)
	}, 5*time.Second, 10*time.Millisecond, "one request line per request: %s", logs.String())

	byID := map[string][]map[string]any{}
	for _, l := range logs.lines(t) {
		id, _ := l["request_id"].(string)
		require.NotEmpty(t, id, "every line of a request has its id: %v", l)
		byID[id] = append(byID[id], l)
	}
	for _, c := range calls {
		var req []map[string]any
		for _, l := range byID[c.id] {
			if l["msg"] == "request" {
				req = append(req, l)
			}
		}
		require.Len(t, req, 1, c.id)
		l := req[0]
		assert.Equal(t, c.method, l["method"], c.id)
		assert.Equal(t, c.route, l["route"], c.id)
		assert.EqualValues(t, c.status, l["status"], c.id)
		assert.Contains(t, l, "duration_ms", c.id)
	}
	var msgs []string
	for _, l := range byID["log-2"] {
		msgs = append(msgs, l["msg"].(string))
	}
	assert.ElementsMatch(t, []string{"handler says hello", "request failed", "request"}, msgs)
	for _, l := range byID["log-2"] {
		if l["msg"] == "request failed" {
			assert.Equal(t, "database on fire", l["error"])
			assert.Equal(t, "ERROR", l["level"])
		}
	}
	all := logs.String()
	for _, secret := range []string{wrongSecret, secretAdmin, secretRenderer, HashSecret(secretAdmin)} {
		assert.NotContains(t, all, secret, "secrets and their hashes never reach the log")
	}
	assert.Contains(t, all, `"principal":"admin"`, "the key's name does")
}

func TestRequestIDHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(requestIDHandler{slog.NewJSONHandler(&buf, nil)})
	ctx := context.WithValue(context.Background(), requestIDKey{}, "abc")
	log.With("component", "batch").InfoContext(ctx, "one")
	log.InfoContext(ctx, "two", "request_id", "explicit")
	log.Info("three")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[0], `"component":"batch","request_id":"abc"`)
	assert.Equal(t, 1, strings.Count(lines[1], "request_id"), "an explicit id is not doubled")
	assert.NotContains(t, lines[2], "request_id")
	assert.True(t, regexp.MustCompile(`"msg":"three"`).MatchString(lines[2]))
}
