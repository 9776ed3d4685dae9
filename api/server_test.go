package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/samples"
	"github.com/liveryhq/livery/storage"
)

// newEnvWith is newTestEnv with test-only routes: add registers them on the
// server before it starts listening (registering later would race the
// server's goroutines on echo's router).
func newEnvWith(t testing.TB, backend string, edit func(*Config), add func(s *Server)) *testEnv {
	t.Helper()
	var b *storage.Bucket
	if backend == "s3" {
		b = openFrontedS3(t)
	} else {
		b = openTestBucket(t, backend)
	}
	kits := storage.NewKitStore(b)
	_, err := samples.Publish(context.Background(), kits, "test")
	require.NoError(t, err)
	cfg := Config{Bucket: b, Kits: kits, Keys: testKeys()}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	if add != nil {
		add(s)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &testEnv{Server: s, HTTP: hs, URL: hs.URL, Bucket: b, Kits: kits}
}

// s3Fronts are the proxies in front of the fake S3 servers of newEnvWith,
// by URL: closing one is the S3 server going away.
var s3Fronts sync.Map // URL -> *httptest.Server

// openFrontedS3 opens a bucket on a fake S3 server reached through a proxy
// that breakStorage can shut down.
func openFrontedS3(t testing.TB) *storage.Bucket {
	t.Helper()
	target, err := url.Parse(startGofakes3(t))
	require.NoError(t, err)
	front := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(front.Close)
	s3Fronts.Store(front.URL, front)
	b, err := storage.Open(context.Background(), "s3://livery?region=us-east-1&endpoint="+front.URL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// breakStorage makes e's storage fail: the file bucket's directory is
// replaced by a file; the S3 server goes away.
func breakStorage(t testing.TB, e *testEnv) {
	t.Helper()
	desc := e.Bucket.String()
	switch {
	case strings.HasPrefix(desc, "file://"):
		dir := strings.TrimPrefix(desc, "file://")
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.WriteFile(dir, []byte("not a directory"), 0o600))
	case strings.HasPrefix(desc, "s3://"):
		_, endpoint, _ := strings.Cut(desc, " at ")
		front, ok := s3Fronts.Load(endpoint)
		require.True(t, ok, "%s was not opened by newEnvWith", desc)
		front.(*httptest.Server).Close()
	default:
		t.Fatalf("cannot break %s", desc)
	}
}

// logBuffer collects a server's JSON log lines; the server writes from its
// own goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns every log line decoded.
func (b *logBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), "log line %s", l)
		out = append(out, m)
	}
	return out
}

// withLog makes the server log JSON at debug level into buf.
func withLog(buf *logBuffer) func(*Config) {
	return func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

func TestNewRequiresStorage(t *testing.T) {
	_, err := New(Config{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Bucket")
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	assert.EqualValues(t, 10<<20, c.BodyLimit)
	assert.Equal(t, 1<<20, c.BatchLineLimit)
	assert.Positive(t, c.RequestTimeout)
	assert.Positive(t, c.BatchConcurrency)
	assert.NotNil(t, c.Logger)
	assert.NotNil(t, c.Registry)
	assert.NotNil(t, c.Now)
}

func TestBeginShutdownClosesStoppingOnce(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	select {
	case <-e.Server.Stopping():
		t.Fatal("stopping before shutdown")
	default:
	}
	e.Server.BeginShutdown()
	e.Server.BeginShutdown() // a second call must not panic
	<-e.Server.Stopping()
}

func TestRouteMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/healthz", "/healthz", true},
		{"/healthz", "/healthz/x", false},
		{"/v1/documents/:id", "/v1/documents/abc", true},
		{"/v1/documents/:id", "/v1/documents/", false},
		{"/v1/documents/:id", "/v1/documents", false},
		{"/v1/documents/:id/:format", "/v1/documents/abc/pdf", true},
		{"/v1/brandkits/:name/versions/:n/assets/*", "/v1/brandkits/r/versions/1/assets/fonts/A.ttf", true},
		{"/v1/brandkits/:name/versions/:n/assets/*", "/v1/brandkits/r/versions/1/other/x", false},
		{"/*", "/anything/at/all", true},
	} {
		assert.Equal(t, c.want, routeMatches(c.pattern, c.path), "%s ~ %s", c.pattern, c.path)
	}
}

func TestEveryRouteAnswersOnlyItsMethods(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	for _, r := range e.Server.Echo().Routes() {
		if r.Method == echo.RouteNotFound || r.Method == http.MethodDelete {
			continue
		}
		path := strings.NewReplacer(":name", "roastery", ":n", "1", ":pin", "live", ":id", "x", ":format", "pdf", "*", "kit.yaml").Replace(r.Path)
		resp, body := e.do(t, http.MethodDelete, path, secretAdmin, "", nil)
		requireProblem(t, resp, body, http.StatusMethodNotAllowed, ProblemMethod)
		assert.Contains(t, resp.Header.Get("Allow"), r.Method, "%s", path)
	}
}
