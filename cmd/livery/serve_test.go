package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/samples"
)

// syncBuffer is an io.Writer that serve's goroutines write to while the
// test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logLines decodes every JSON log line.
func (b *syncBuffer) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), "log lines are JSON: %q", l)
		out = append(out, m)
	}
	return out
}

// running is a `livery serve` started in-process by startServe.
type running struct {
	url    string // http://127.0.0.1:PORT
	addr   string // 127.0.0.1:PORT
	stdout *syncBuffer
	logs   *syncBuffer
	stop   context.CancelFunc // begins a graceful shutdown, as SIGTERM does
	done   chan error         // serve's result
}

// startServe runs serve with args and the environment env (nothing else
// of the process's environment is seen) until the test ends.
func startServe(t *testing.T, args []string, env map[string]string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}, logs: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- serve(ctx, args, func(k string) string { return env[k] }, r.stdout, r.logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	listening := regexp.MustCompile(`listening on http://(\S+)\n`)
	require.Eventually(t, func() bool {
		select {
		case err := <-r.done:
			r.done <- err
			return true
		default:
		}
		return listening.MatchString(r.stdout.String())
	}, 30*time.Second, 5*time.Millisecond)
	m := listening.FindStringSubmatch(r.stdout.String())
	require.NotNil(t, m, "serve stopped: stdout %q, logs %s", r.stdout.String(), r.logs.String())
	r.addr = m[1]
	r.url = "http://" + r.addr
	return r
}

// wait stops nothing: it waits for serve to return and gives its error.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not return")
		return nil
	}
}

// send makes one request; body may be nil. It returns the status and body.
func send(t *testing.T, method, url, secret string, body io.Reader, contentType string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

// documentBody is a POST /v1/documents body for a sample document.
func documentBody(t *testing.T, kit, sample string) []byte {
	t.Helper()
	data, err := samples.Document(sample)
	require.NoError(t, err)
	body, err := json.Marshal(map[string]any{"kit": kit, "data": json.RawMessage(data)})
	require.NoError(t, err)
	return body
}

func TestParseServeDefaultsEnvAndFlags(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := parseServe(nil, none)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", cfg.addr)
	assert.Equal(t, "file://./livery-data", cfg.storage)
	assert.EqualValues(t, 10<<20, cfg.bodyLimit)
	assert.Equal(t, 30*time.Second, cfg.requestTimeout)
	assert.Equal(t, 25*time.Second, cfg.shutdownTimeout)
	assert.Zero(t, cfg.batchConcurrency)
	assert.False(t, cfg.presign)
	assert.True(t, cfg.sampleKits)
	assert.Equal(t, time.Second, cfg.kitCacheTTL)
	assert.Empty(t, cfg.pprofAddr)
	assert.Equal(t, 400, cfg.gcPercent)
	assert.Empty(t, cfg.keys)

	env := map[string]string{
		"LIVERY_ADDR": "127.0.0.1:9000", "LIVERY_STORAGE": "mem://", "LIVERY_BODY_LIMIT": "2MB",
		"LIVERY_REQUEST_TIMEOUT": "5s", "LIVERY_BATCH_CONCURRENCY": "3", "LIVERY_PRESIGN_DOWNLOADS": "true",
		"LIVERY_LOG_LEVEL": "debug", "LIVERY_SHUTDOWN_TIMEOUT": "1m", "LIVERY_SAMPLE_KITS": "false",
		"LIVERY_API_KEYS":      "billing:renderer:0123456789abcdef0123",
		"LIVERY_KIT_CACHE_TTL": "0", "LIVERY_PPROF_ADDR": "127.0.0.1:6060", "LIVERY_GC_PERCENT": "100",
	}
	cfg, err = parseServe(nil, func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9000", cfg.addr)
	assert.Equal(t, "mem://", cfg.storage)
	assert.EqualValues(t, 2_000_000, cfg.bodyLimit)
	assert.Equal(t, 5*time.Second, cfg.requestTimeout)
	assert.Equal(t, 3, cfg.batchConcurrency)
	assert.True(t, cfg.presign)
	assert.Equal(t, "DEBUG", cfg.logLevel.String())
	assert.Equal(t, time.Minute, cfg.shutdownTimeout)
	assert.False(t, cfg.sampleKits)
	assert.Zero(t, cfg.kitCacheTTL)
	assert.Equal(t, "127.0.0.1:6060", cfg.pprofAddr)
	assert.Equal(t, 100, cfg.gcPercent)
	require.Len(t, cfg.keys, 1)
	assert.Equal(t, "billing", cfg.keys[0].Name)

	// Flags win over the environment; bool flags may be bare.
	cfg, err = parseServe([]string{"--addr", "localhost:1", "--body-limit=512KiB", "--sample-kits", "--presign-downloads=false",
		"--log-level", "warn", "--request-timeout", "2s"}, func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, "localhost:1", cfg.addr)
	assert.EqualValues(t, 512<<10, cfg.bodyLimit)
	assert.True(t, cfg.sampleKits)
	assert.False(t, cfg.presign)
	assert.Equal(t, "WARN", cfg.logLevel.String())
	assert.Equal(t, 2*time.Second, cfg.requestTimeout)
}

func TestParseServeErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--body-limit", "lots"}, nil, `--body-limit (or $LIVERY_BODY_LIMIT): "lots" is not a size`},
		{nil, map[string]string{"LIVERY_BODY_LIMIT": "0"}, `--body-limit (or $LIVERY_BODY_LIMIT)`},
		{[]string{"--request-timeout", "-1s"}, nil, `--request-timeout (or $LIVERY_REQUEST_TIMEOUT)`},
		{[]string{"--shutdown-timeout", "soon"}, nil, `--shutdown-timeout`},
		{[]string{"--batch-concurrency", "-2"}, nil, `--batch-concurrency`},
		{[]string{"--log-level", "loud"}, nil, `--log-level (or $LIVERY_LOG_LEVEL): "loud" is not debug`},
		{[]string{"--addr", "8080"}, nil, `--addr (or $LIVERY_ADDR)`},
		{nil, map[string]string{"LIVERY_PRESIGN_DOWNLOADS": "yes please"}, `--presign-downloads`},
		{[]string{"--kit-cache-ttl", "-1s"}, nil, `--kit-cache-ttl (or $LIVERY_KIT_CACHE_TTL): "-1s" is not a duration of 0 or more`},
		{[]string{"--kit-cache-ttl", "often"}, nil, `--kit-cache-ttl`},
		{[]string{"--gc-percent", "10"}, nil, `--gc-percent (or $LIVERY_GC_PERCENT): "10" is not a number from 50 to 10000`},
		{[]string{"--gc-percent", "off"}, nil, `--gc-percent`},
		{[]string{"--pprof-addr", "0.0.0.0:6060"}, nil, `--pprof-addr (or $LIVERY_PPROF_ADDR): "0.0.0.0:6060" is not a loopback host:port`},
		{[]string{"--api-keys", "x"}, nil, `flag provided but not defined: -api-keys`},
		{[]string{"extra"}, nil, `unexpected argument "extra"`},
	} {
		_, err := parseServe(c.args, func(k string) string { return c.env[k] })
		require.Error(t, err, "%v %v", c.args, c.env)
		assert.ErrorIs(t, err, errUsage)
		assert.Contains(t, err.Error(), c.want)
	}
}

func TestParseServeKeys(t *testing.T) {
	const secret = "a-long-enough-secret-value"
	dir := t.TempDir()
	file := filepath.Join(dir, "keys.yaml")
	require.NoError(t, os.WriteFile(file, []byte("keys:\n  - name: studio\n    role: designer\n    sha256: "+strings.Repeat("ab", 32)+"\n"), 0o600))
	empty := filepath.Join(dir, "empty.yaml")
	require.NoError(t, os.WriteFile(empty, []byte("keys: []\n"), 0o600))

	env := map[string]string{"LIVERY_API_KEYS": "billing:renderer:" + secret}
	cfg, err := parseServe([]string{"--keys-file", file}, func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, []string{"studio (designer)", "billing (renderer)"}, keyNames(cfg.keys))

	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--keys-file", empty}, nil, "holds no keys"},
		{nil, map[string]string{"LIVERY_API_KEYS": ";"}, "$LIVERY_API_KEYS holds no keys"},
		{nil, map[string]string{"LIVERY_API_KEYS": "billing:renderer:short"}, "shorter than 16"},
		{[]string{"--keys-file", file}, map[string]string{"LIVERY_API_KEYS": "studio:admin:" + secret}, `"studio" is used twice`},
		{[]string{"--keys-file", filepath.Join(dir, "nope.yaml")}, nil, "no such file"},
	} {
		_, err := parseServe(c.args, func(k string) string { return c.env[k] })
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "127.1.2.3:0": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "10.0.0.5:8080": false, "example.com:80": false, "nonsense": false,
	} {
		assert.Equal(t, want, isLoopback(addr), addr)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1048576": 1 << 20, "10MiB": 10 << 20, "10mib": 10 << 20, "512KiB": 512 << 10, "1GiB": 1 << 30,
		"10MB": 10_000_000, "2kb": 2000, "300B": 300, " 7 MiB ": 7 << 20,
	} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "0", "-1MiB", "ten", "10XB", "10 M", "5TiB", "99999999999GiB"} {
		_, err := parseSize(in)
		assert.Error(t, err, in)
	}
}

func TestServeRefusesNonLoopbackWithoutKeys(t *testing.T) {
	t.Setenv("LIVERY_API_KEYS", "")
	t.Setenv("LIVERY_API_KEYS_FILE", "")
	for _, c := range []struct {
		args []string
		env  string
	}{
		{args: []string{"--addr", "0.0.0.0:0"}},
		{args: []string{"--addr", "[::]:0"}},
		{env: ":0"},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		t.Setenv("LIVERY_ADDR", c.env)
		code, stdout, stderr := runCLI(t, append([]string{"serve", "--storage", "file://" + dir}, c.args...)...)
		assert.Equal(t, 1, code)
		assert.Empty(t, stdout)
		assert.Regexp(t, `^livery serve: refusing to listen on \S+ without API keys: set \$LIVERY_API_KEYS or --keys-file`, stderr)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
		assert.NoDirExists(t, dir, "refused before anything is opened")
	}
}

// TestServeWithNoConfiguration is the newcomer's path: `livery serve` with
// nothing set opens ./livery-data, publishes the sample kits and renders.
func TestServeWithNoConfiguration(t *testing.T) {
	t.Chdir(t.TempDir())
	r := startServe(t, []string{"--addr", "127.0.0.1:0"}, nil)
	assert.DirExists(t, "livery-data")

	status, body := send(t, http.MethodGet, r.url+"/healthz", "", nil, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, _ = send(t, http.MethodGet, r.url+"/readyz", "", nil, "")
	require.Equal(t, http.StatusOK, status)

	status, body = send(t, http.MethodPost, r.url+"/v1/documents", "", bytes.NewReader(documentBody(t, "roastery@live", "invoice-onepage.json")), "application/json")
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var rec struct {
		ID  string `json:"id"`
		Kit struct {
			Name    string `json:"name"`
			Version int    `json:"version"`
		} `json:"kit"`
	}
	require.NoError(t, json.Unmarshal(body, &rec))
	assert.Equal(t, "roastery", rec.Kit.Name)
	assert.Equal(t, 1, rec.Kit.Version)
	status, pdf := send(t, http.MethodGet, r.url+"/v1/documents/"+rec.ID+"/pdf", "", nil, "")
	require.Equal(t, http.StatusOK, status)
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))

	_, metrics := send(t, http.MethodGet, r.url+"/metrics", "", nil, "")
	assert.Regexp(t, `livery_http_requests_total\{method="POST",route="/v1/documents",status="201"\} 1`, string(metrics))

	r.stop()
	require.NoError(t, r.wait(t))
	byMsg := map[string][]map[string]any{}
	for _, l := range r.logs.logLines(t) {
		byMsg[l["msg"].(string)] = append(byMsg[l["msg"].(string)], l)
	}
	require.Len(t, byMsg["published sample kits"], 1)
	var kits []string
	for _, k := range byMsg["published sample kits"][0]["kits"].([]any) {
		kits = append(kits, k.(string))
	}
	assert.ElementsMatch(t, samples.KitNames(), kits)
	require.Len(t, byMsg["no API keys configured: every caller is admin, so only loopback addresses are served"], 1)
	assert.Equal(t, "WARN", byMsg["no API keys configured: every caller is admin, so only loopback addresses are served"][0]["level"])
	require.Len(t, byMsg["listening"], 1)
	assert.Equal(t, "file://./livery-data", byMsg["listening"][0]["storage"])
	assert.Len(t, byMsg["request"], 5, "one line per request")
	for _, l := range byMsg["request"] {
		assert.Regexp(t, `^[0-9a-f]{24}$`, l["request_id"])
		for _, k := range []string{"method", "route", "status", "duration_ms"} {
			assert.Contains(t, l, k)
		}
	}
	assert.Len(t, byMsg["stopped"], 1)

	// A restart publishes nothing again.
	r = startServe(t, []string{"--addr", "127.0.0.1:0"}, nil)
	r.stop()
	require.NoError(t, r.wait(t))
	assert.NotContains(t, r.logs.String(), "published sample kits")
}

// TestServeProfiles checks that --pprof-addr serves Go's profiles on a
// listener of its own, and that the API's port does not.
func TestServeProfiles(t *testing.T) {
	t.Chdir(t.TempDir())
	r := startServe(t, []string{"--addr", "127.0.0.1:0", "--pprof-addr", "127.0.0.1:0", "--sample-kits=false"}, nil)
	defer func() {
		r.stop()
		require.NoError(t, r.wait(t))
	}()
	var addr string
	require.Eventually(t, func() bool {
		for _, l := range r.logs.logLines(t) {
			if l["msg"] == "serving pprof profiles" {
				addr, _ = l["addr"].(string)
			}
		}
		return addr != ""
	}, 10*time.Second, 10*time.Millisecond, "no pprof log line")
	status, body := send(t, http.MethodGet, "http://"+addr+"/debug/pprof/goroutine?debug=1", "", nil, "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "goroutine profile:")
	status, _ = send(t, http.MethodGet, r.url+"/debug/pprof/", "", nil, "")
	assert.Equal(t, http.StatusNotFound, status, "not on the API's port")
}

// TestServeShutdownFinishesInFlightRequests sends half a request, begins
// the shutdown, then sends the rest: the request is answered in full and
// serve returns cleanly. The API key's secret is never printed or logged.
func TestServeShutdownFinishesInFlightRequests(t *testing.T) {
	const secret = "billing-secret-0123456789"
	r := startServe(t, []string{"--addr", "127.0.0.1:0", "--storage", "file://" + t.TempDir()},
		map[string]string{"LIVERY_API_KEYS": "billing:renderer:" + secret, "LIVERY_LOG_LEVEL": "debug"})

	status, _ := send(t, http.MethodGet, r.url+"/v1/documents/"+strings.Repeat("0", 32), "", nil, "")
	assert.Equal(t, http.StatusUnauthorized, status)

	body := documentBody(t, "insurer@live", "policy-notice.json")
	pr, pw := io.Pipe()
	type answer struct {
		status int
		body   []byte
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, r.url+"/v1/documents", pr)
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{status: -1, body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, data}
	}()
	_, err := pw.Write(body[:len(body)/2])
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // the server is reading the body now

	r.stop()
	require.Eventually(t, func() bool { return strings.Contains(r.logs.String(), `"msg":"shutting down"`) }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", r.addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 10*time.Second, 5*time.Millisecond, "no new connections once shutdown began")
	select {
	case <-r.done:
		t.Fatal("serve returned with a request in flight")
	case <-time.After(100 * time.Millisecond):
	}
	_, err = pw.Write(body[len(body)/2:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())

	a := <-answered
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	require.NoError(t, r.wait(t))
	assert.Contains(t, r.logs.String(), `"msg":"stopped"`)
	assert.Contains(t, r.logs.String(), `"principal":"billing"`)
	assert.NotContains(t, r.logs.String(), secret)
	assert.NotContains(t, r.stdout.String(), secret)
}

// TestServeShutdownTimeout cuts a request that outlives --shutdown-timeout
// and says so.
func TestServeShutdownTimeout(t *testing.T) {
	r := startServe(t, []string{"--addr", "127.0.0.1:0", "--storage", "file://" + t.TempDir(), "--shutdown-timeout", "100ms"}, nil)
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		req, _ := http.NewRequest(http.MethodPost, r.url+"/v1/documents", pr)
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	_, err := pw.Write([]byte(`{"kit":`))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)
	r.stop()
	err = r.wait(t)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "after 100ms were cut off")
}

// TestServeBatches checks serve's wiring of the batch stream: it outlives
// the read and write timeouts that bound other requests, and shutdown ends
// it with a summary instead of cutting it.
func TestServeBatches(t *testing.T) {
	r := startServe(t, []string{"--addr", "127.0.0.1:0", "--storage", "file://" + t.TempDir(), "--request-timeout", "150ms", "--shutdown-timeout", "10s"}, nil)
	data, err := samples.Document("invoice-onepage.json")
	require.NoError(t, err)
	line, err := json.Marshal(map[string]any{"kit": "roastery@live", "data": json.RawMessage(data), "formats": []string{"txt"}})
	require.NoError(t, err)
	line = append(line, '\n')

	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, r.url+"/v1/batches", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-ndjson")
	respc := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			close(respc)
			return
		}
		respc <- resp
	}()
	// Longer than 2 × --request-timeout, the read and write timeouts.
	for range 5 {
		_, err := pw.Write(line)
		require.NoError(t, err)
		time.Sleep(100 * time.Millisecond)
	}
	resp := <-respc
	require.NotNil(t, resp)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	lines := bufio.NewScanner(resp.Body)
	for i := 1; i <= 5; i++ {
		require.True(t, lines.Scan(), "result %d: %v", i, lines.Err())
		assert.Contains(t, lines.Text(), fmt.Sprintf(`"line":%d,"document"`, i))
	}

	r.stop() // the client is still sending: the batch winds down
	var summary struct {
		Summary struct {
			Lines   int  `json:"lines"`
			Stopped bool `json:"stopped"`
		} `json:"summary"`
	}
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"summary"`) {
			require.NoError(t, json.Unmarshal(lines.Bytes(), &summary))
		}
	}
	assert.True(t, summary.Summary.Stopped, "the summary says the batch was stopped")
	assert.Equal(t, 5, summary.Summary.Lines)
	_ = pw.CloseWithError(errors.New("test done"))
	require.NoError(t, r.wait(t))
}

func TestHealthcheck(t *testing.T) {
	r := startServe(t, []string{"--addr", "127.0.0.1:0", "--storage", "file://" + t.TempDir()}, nil)
	_, port, err := net.SplitHostPort(r.addr)
	require.NoError(t, err)
	for _, addr := range []string{r.addr, "0.0.0.0:" + port, ":" + port} {
		code, stdout, stderr := runCLI(t, "healthcheck", "--addr", addr)
		assert.Equal(t, 0, code, "%s: %s", addr, stderr)
		assert.Equal(t, "ok\n", stdout)
	}
	t.Setenv("LIVERY_ADDR", "0.0.0.0:"+port)
	code, _, stderr := runCLI(t, "healthcheck")
	assert.Equal(t, 0, code, stderr)

	r.stop()
	require.NoError(t, r.wait(t))
	code, _, stderr = runCLI(t, "healthcheck", "--addr", r.addr, "--timeout", "2s")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "livery healthcheck: GET http://"+r.addr+"/healthz")
	code, _, _ = runCLI(t, "healthcheck", "--addr", "nonsense")
	assert.Equal(t, 2, code)
}

// TestConfigurationTableListsEverySetting keeps README.md's one table of
// settings in step with the flags.
func TestConfigurationTableListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	require.True(t, ok, "README.md has a Configuration section")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, s := range serveSettings {
		assert.Regexp(t, "(?m)^\\| `--"+s.flag+"` \\| `"+s.env+"` \\|", section, "a row for --%s", s.flag)
	}
	for _, env := range []string{envAPIKeys, "LIVERY_S3_ENDPOINT"} {
		assert.Regexp(t, "(?m)^\\| \\| `"+env+"` \\|", section, "a row for $%s", env)
	}
}
