package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientClosedRequest: a client that goes away while its document is
// being stored is logged and counted as 499, not as storage trouble (503
// with an ERROR line), and leaves nothing half-written.
func TestClientClosedRequest(t *testing.T) {
	var logs logBuffer
	e, flaky := newFlakyEnv(t, false, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	flaky.onPut = func(r *http.Request) {
		once.Do(func() {
			// The first content write is on its way: the client leaves,
			// and the write waits until the server gives it up.
			cancel()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
	}
	body, err := json.Marshal(docRequest(t, "roastery@live", "invoice-onepage.json"))
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+"/v1/documents", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secretRenderer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	require.True(t, errors.Is(err, context.Canceled), "the client gave up: %v", err)

	var line map[string]any
	require.Eventually(t, func() bool {
		for _, l := range logs.lines(t) {
			if l["msg"] == "request" {
				line = l
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond, "the request is logged")
	assert.EqualValues(t, StatusClientClosed, line["status"])
	assert.Equal(t, "INFO", line["level"])
	assert.Contains(t, logs.String(), `"msg":"client closed the request"`)
	assert.NotContains(t, logs.String(), `"level":"ERROR"`)
	assert.Equal(t, 1.0, e.requestsCounted(t, "/v1/documents", "499"))

	flaky.onPut = nil
	assert.Empty(t, mustKeys(t, e.Bucket, "documents/records/"), "no record")
	requireConsistent(t, e.Bucket)
}

// requestsCounted is livery_http_requests_total for route and status.
func (e *testEnv) requestsCounted(t testing.TB, route, status string) float64 {
	t.Helper()
	families, err := e.Server.metrics.registry.Gather()
	require.NoError(t, err)
	var n float64
	for _, f := range families {
		if f.GetName() != "livery_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["status"] == status {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}
