package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/samples"
)

func TestPreviewCommandUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"all interfaces", []string{"--addr", "0.0.0.0:0"}, 2, "--addr 0.0.0.0:0: the preview listens on loopback only"},
		{"empty host", []string{"--addr", ":8080"}, 2, "loopback only"},
		{"a LAN address", []string{"--addr", "192.168.1.20:8080"}, 2, "loopback only"},
		{"no port", []string{"--addr", "127.0.0.1"}, 2, "--addr 127.0.0.1: not host:port"},
		{"dpi too low", []string{"--dpi", "5"}, 2, "--dpi 5: choose 18 to 600"},
		{"argument", []string{"samples/kits/roastery"}, 2, `unexpected argument "samples/kits/roastery"`},
		{"unknown flag", []string{"--watch"}, 2, "flag provided but not defined: -watch"},
		{"missing kit folder", []string{"--kit", missing}, 1, "--kit " + missing + ": not a folder"},
		{"sample kit name", []string{"--kit", "roastery"}, 1, "copy a sample kit from samples/kits/"},
		{"missing data", []string{"--data", missing}, 1, missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"preview"}, tt.args...), &stdout, &stderr)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout.String())
			assert.True(t, strings.HasPrefix(stderr.String(), "livery preview: "), stderr.String())
			assert.Contains(t, stderr.String(), tt.msg)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line")
		})
	}
}

func TestPreviewCommandServesUntilStopped(t *testing.T) {
	kit := filepath.Join(t.TempDir(), "roastery")
	fsys, err := samples.KitFS("roastery")
	require.NoError(t, err)
	require.NoError(t, os.CopyFS(kit, fsys))
	doc, err := samples.Document("invoice-onepage.json")
	require.NoError(t, err)
	data := filepath.Join(t.TempDir(), "invoice-onepage.json")
	require.NoError(t, os.WriteFile(data, doc, 0o644))

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	stdout, logs := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- servePreview(ctx, []string{"--kit", kit, "--data", data, "--dpi", "0"}, stdout, logs)
	}()
	listening := regexp.MustCompile(`^livery preview: listening on (http://127\.0\.0\.1:\d+/)\n$`)
	require.Eventually(t, func() bool { return listening.MatchString(stdout.String()) }, 30*time.Second, 5*time.Millisecond,
		"stdout %q, logs %s", stdout.String(), logs.String())
	url := listening.FindStringSubmatch(stdout.String())[1]

	resp, err := http.Get(url)
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), `id="doc-invoice-onepage"`)
	assert.Contains(t, string(page), "Up to date")
	assert.Contains(t, logs.String(), "msg=rendered documents=1 problems=0")

	// An open event stream must not hold up the shutdown.
	events, err := http.Get(url + "events")
	require.NoError(t, err)
	defer events.Body.Close()
	require.Equal(t, "text/event-stream", events.Header.Get("Content-Type"))

	stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the preview did not stop")
	}
	_, err = io.ReadAll(events.Body)
	assert.NoError(t, err, "the event stream ended cleanly")
}
