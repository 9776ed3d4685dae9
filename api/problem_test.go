package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/storage"
)

func TestProblemForMapsErrors(t *testing.T) {
	var syntaxErr error = json.Unmarshal([]byte("{"), &struct{}{})
	for _, c := range []struct {
		name   string
		err    error
		slug   string
		detail string // substring of the detail the client gets
	}{
		{"problem", fieldProblem("kit", "required"), ProblemValidation, "kit: required"},
		{"echo 404", echo.ErrNotFound, ProblemNotFound, "no such route"},
		{"echo 405", echo.ErrMethodNotAllowed, ProblemMethod, ""},
		{"echo 413", echo.ErrStatusRequestEntityTooLarge, ProblemTooLarge, ""},
		{"echo 415", echo.ErrUnsupportedMediaType, ProblemMediaType, ""},
		{"echo 406", echo.ErrNotAcceptable, ProblemNotAccept, ""},
		{"echo 400", echo.NewHTTPError(http.StatusBadRequest, "bad query"), ProblemBadRequest, "bad query"},
		{"echo 500", echo.NewHTTPError(http.StatusInternalServerError, "/srv/secret"), ProblemInternal, "request id"},
		{"max bytes", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 7}), ProblemTooLarge, "7 bytes"},
		{"document", &render.ValidationError{Problems: []render.FieldError{{Path: "lines[0].quantity", Message: "must be > 0"}}}, ProblemValidation, "must be > 0"},
		{"kit", &brandkits.ValidationError{Problems: []brandkits.Problem{{Path: "colors.primary", Message: "bad"}}}, ProblemKitInvalid, "colors.primary"},
		{"deadline", fmt.Errorf("render: %w", context.DeadlineExceeded), ProblemTimeout, ""},
		{"storage not found", fmt.Errorf(`storage: get "docs/x": %w: open /var/lib/livery/docs/x: no such file`, storage.ErrNotFound), ProblemNotFound, "does not exist"},
		{"storage exists", fmt.Errorf(`storage: put "docs/x" at /var/lib/livery: %w`, storage.ErrExists), ProblemConflict, "already exists"},
		{"storage down", storageError(errors.New("dial tcp 10.1.2.3:9000: connection refused")), ProblemUnavailable, "retry later"},
		{"storage down, deadline", storageError(context.DeadlineExceeded), ProblemTimeout, ""},
		{"kit ref", fmt.Errorf("resolve: %w", func() error { _, _, _, err := brandkits.ParseRef("Roastery"); return err }()), ProblemBadRequest, "lower case"},
		{"kit not found", fmt.Errorf("resolve kit roastery@9: %w", brandkits.ErrNotFound), ProblemNotFound, "roastery@9"},
		{"kit conflict", fmt.Errorf("kit is retired: %w", brandkits.ErrConflict), ProblemConflict, "retired"},
		{"json syntax", syntaxErr, ProblemBadRequest, "not valid JSON"},
		{"bug", errors.New("open /home/dev/livery/api/x.go: nil map"), ProblemInternal, "request id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := ProblemFor(c.err)
			assert.Equal(t, problemTypePrefix+c.slug, p.Type)
			assert.Equal(t, statuses[c.slug], p.Status)
			assert.Equal(t, titles[c.slug], p.Title)
			assert.Contains(t, p.Detail, c.detail)
			assert.NotContains(t, p.Detail, "/var/lib", "storage paths never reach the client")
			assert.NotContains(t, p.Detail, "/srv/secret")
			assert.NotContains(t, p.Detail, "10.1.2.3")
			assert.NotContains(t, p.Detail, ".go")
		})
	}
}

func TestEverySlugHasTitleStatusAndDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/api.md")
	require.NoError(t, err)
	assert.Len(t, Slugs, len(titles), "Slugs lists every slug")
	assert.Len(t, statuses, len(titles))
	for _, slug := range Slugs {
		require.NotEmpty(t, titles[slug], slug)
		require.NotZero(t, statuses[slug], slug)
		row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(slug) + "` \\| " + strconv.Itoa(statuses[slug]) + " \\|")
		assert.Regexp(t, row, string(doc), "docs/api.md's Errors table has a row for %s with its status", slug)
	}
}

func TestUnknownRoutesAreNotFoundProblems(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	for _, path := range []string{"/nope", "/v1/nope", "/v1", "/healthz/x", "/v1/documents/a/b/c/d"} {
		resp, body := e.do(t, http.MethodGet, path, secretAdmin, "", nil)
		p := requireProblem(t, resp, body, http.StatusNotFound, ProblemNotFound)
		assert.Equal(t, path, p.Instance)
		assert.Equal(t, resp.Header.Get(echo.HeaderXRequestID), p.RequestID)
	}
	// Behind /v1 the key is checked first: routes are not probed anonymously.
	resp, body := e.do(t, http.MethodGet, "/v1/nope", "", "", nil)
	requireProblem(t, resp, body, http.StatusUnauthorized, ProblemUnauth)
}

func TestWrongMethodIsMethodNotAllowedProblem(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodDelete, "/healthz", "GET, HEAD"},
		{http.MethodPost, "/metrics", "GET, HEAD"},
		{http.MethodPut, "/openapi.json", "GET, HEAD"},
		{http.MethodHead, "/v1/batches", "POST"},
	} {
		resp, body := e.do(t, c.method, c.path, "", "", nil)
		if c.method == http.MethodHead {
			require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
			assert.Empty(t, body)
		} else {
			requireProblem(t, resp, body, http.StatusMethodNotAllowed, ProblemMethod)
		}
		assert.Equal(t, c.allow, resp.Header.Get("Allow"))
	}
}

// readAll is a test route that reads the whole body and answers its size.
func readAll(c echo.Context) error {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"read": len(data)})
}

// chunked hides a body's length, so that the client sends it chunked.
type chunked struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	const limit = 1024
	e := newEnvWith(t, "mem", func(c *Config) { c.BodyLimit = limit }, func(s *Server) {
		s.Echo().POST("/v1/test/read", readAll, s.authenticate)
		s.Echo().POST("/v1/test/read-as-validation", func(c echo.Context) error {
			var v any
			if err := json.NewDecoder(c.Request().Body).Decode(&v); err != nil {
				return fieldProblem("body", "not JSON") // hides the cause; the limit still wins
			}
			return c.NoContent(http.StatusNoContent)
		}, s.authenticate)
		s.Echo().POST("/v1/batches", readAll, s.authenticate) // stand-in for the batch handler
	})
	send := func(path string, body io.Reader) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, e.URL+path, body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+secretAdmin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, data
	}
	big := strings.Repeat("x", 3*limit)
	at := strings.Repeat("x", limit)

	resp, body := send("/v1/test/read", strings.NewReader(big))
	p := requireProblem(t, resp, body, http.StatusRequestEntityTooLarge, ProblemTooLarge)
	assert.Contains(t, p.Detail, "1024 bytes")
	resp, body = send("/v1/test/read", chunked{strings.NewReader(big)})
	requireProblem(t, resp, body, http.StatusRequestEntityTooLarge, ProblemTooLarge)
	resp, body = send("/v1/test/read-as-validation", chunked{strings.NewReader(`["` + big + `"]`)})
	requireProblem(t, resp, body, http.StatusRequestEntityTooLarge, ProblemTooLarge)

	resp, body = send("/v1/test/read", chunked{strings.NewReader(at)})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.JSONEq(t, `{"read":1024}`, string(body))

	// POST /v1/batches is a stream with its own per-line limit.
	resp, body = send("/v1/batches", strings.NewReader(big))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	resp, body = send("/v1/batches", chunked{strings.NewReader(big)})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.JSONEq(t, `{"read":3072}`, string(body))
}

func TestRequestTimeout(t *testing.T) {
	const timeout = 50 * time.Millisecond
	logs := &logBuffer{}
	e := newEnvWith(t, "mem", func(c *Config) {
		c.RequestTimeout = timeout
		withLog(logs)(c)
	}, func(s *Server) {
		// A handler that honours its context.
		s.Echo().GET("/v1/test/wait", func(c echo.Context) error {
			<-c.Request().Context().Done()
			return storageError(c.Request().Context().Err())
		}, s.authenticate)
		// A handler that ignores it and fails in its own way after the deadline.
		s.Echo().GET("/v1/test/late", func(c echo.Context) error {
			time.Sleep(2 * timeout)
			return errors.New("render: something")
		}, s.authenticate)
		// A handler that ignores it and answers nothing.
		s.Echo().GET("/v1/test/silent", func(c echo.Context) error {
			time.Sleep(2 * timeout)
			return nil
		}, s.authenticate)
		// The batch stream has no deadline.
		s.Echo().POST("/v1/batches", func(c echo.Context) error {
			_, has := c.Request().Context().Deadline()
			return c.JSON(http.StatusOK, map[string]bool{"deadline": has})
		}, s.authenticate)
	})
	for _, path := range []string{"/v1/test/wait", "/v1/test/late", "/v1/test/silent"} {
		resp, body := e.do(t, http.MethodGet, path, secretAdmin, "", nil)
		p := requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemTimeout)
		assert.Contains(t, p.Detail, "50ms")
	}
	resp, body := e.do(t, http.MethodPost, "/v1/batches", secretAdmin, "application/x-ndjson", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"deadline":false}`, string(body))
	require.Eventually(t, func() bool { return strings.Count(logs.String(), `"msg":"request failed"`) == 3 }, 5*time.Second, 10*time.Millisecond)
}

func TestPanicGivesGenericProblem(t *testing.T) {
	logs := &logBuffer{}
	e := newEnvWith(t, "mem", withLog(logs), func(s *Server) {
		s.Echo().GET("/v1/test/boom", func(c echo.Context) error {
			var m map[string]int
			m["/srv/livery/secret-path"]++ // a real runtime panic
			return nil
		}, s.authenticate)
	})
	resp, body := e.do(t, http.MethodGet, "/v1/test/boom", secretAdmin, "", nil, "X-Request-Id", "req-boom-1")
	p := requireProblem(t, resp, body, http.StatusInternalServerError, ProblemInternal)
	assert.Equal(t, detailInternal, p.Detail)
	assert.Equal(t, "req-boom-1", p.RequestID)
	for _, leak := range []string{"goroutine", ".go:", "panic", "nil map", "/srv/livery"} {
		assert.NotContains(t, string(body), leak)
	}
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `"msg":"request"`) }, 5*time.Second, 10*time.Millisecond)
	var panicLine map[string]any
	for _, l := range logs.lines(t) {
		if l["msg"] == "handler panic" {
			panicLine = l
		}
	}
	require.NotNil(t, panicLine, "the panic is logged: %s", logs.String())
	assert.Equal(t, "req-boom-1", panicLine["request_id"])
	assert.Contains(t, panicLine["panic"], "nil map")
	assert.Contains(t, panicLine["stack"], "problem_test.go", "the stack goes to the log")

	// The server goes on serving.
	resp, _ = e.do(t, http.MethodGet, "/healthz", "", "", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	_, metrics := e.do(t, http.MethodGet, "/metrics", "", "", nil)
	assert.Contains(t, string(metrics), "livery_handler_panics_total 1")
}

func TestStorageErrorsGiveGenericDetails(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			logs := &logBuffer{}
			e := newEnvWith(t, backend, withLog(logs), func(s *Server) {
				// The shapes the document and kit handlers take: a read
				// that misses, and a read whose failure is the storage's.
				s.Echo().GET("/v1/test/missing", func(c echo.Context) error {
					_, _, err := s.cfg.Bucket.Get(c.Request().Context(), "documents/no-such-id.json")
					return err
				}, s.authenticate)
				s.Echo().GET("/v1/test/broken", func(c echo.Context) error {
					_, err := s.cfg.Bucket.Put(c.Request().Context(), "documents/some-id.json", []byte("{}"), storage.PutOptions{})
					return storageError(err)
				}, s.authenticate)
			})
			resp, body := e.do(t, http.MethodGet, "/v1/test/missing", secretAdmin, "", nil)
			p := requireProblem(t, resp, body, http.StatusNotFound, ProblemNotFound)
			assert.Equal(t, "the requested resource does not exist", p.Detail)
			assert.NotContains(t, string(body), "no-such-id")

			breakStorage(t, e)
			resp, body = e.do(t, http.MethodGet, "/v1/test/broken", secretAdmin, "", nil)
			p = requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemUnavailable)
			assert.NotContains(t, string(body), os.TempDir())
			assert.NotContains(t, string(body), "some-id")
			assert.NotContains(t, string(body), "127.0.0.1")
			require.Eventually(t, func() bool { return strings.Contains(logs.String(), `"msg":"request failed"`) }, 5*time.Second, 10*time.Millisecond)
			assert.Contains(t, logs.String(), "some-id", "the log has the detail the client does not")
		})
	}
}

func TestRequireMediaType(t *testing.T) {
	e := newEnvWith(t, "mem", nil, func(s *Server) {
		s.Echo().POST("/v1/test/json", readAll, s.authenticate, requireMediaType(echo.MIMEApplicationJSON))
	})
	for _, c := range []struct {
		ct   string
		want int
	}{
		{"application/json", http.StatusOK},
		{"application/json; charset=utf-8", http.StatusOK},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
		{"application/json;;", http.StatusUnsupportedMediaType},
	} {
		resp, body := e.do(t, http.MethodPost, "/v1/test/json", secretAdmin, c.ct, []byte(`{}`))
		if c.want == http.StatusOK {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "%q: %s", c.ct, body)
			continue
		}
		p := requireProblem(t, resp, body, c.want, ProblemMediaType)
		assert.Contains(t, p.Detail, "application/json")
	}
}
