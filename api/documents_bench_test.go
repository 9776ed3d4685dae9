package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkCreateDocument sends POST /v1/documents over HTTP to a server on
// the file backend and on the memory backend (which leaves the filesystem's
// cost out), from GOMAXPROCS×4 goroutines: each request is a distinct
// one-page invoice (kit roastery@live, PDF and HTML stored), so every one
// renders and stores. The server logs JSON, as `livery serve` does, to
// io.Discard. It reports documents per second; for a profile of the whole
// request path:
//
//	go test ./api -run '^$' -bench CreateDocument/file -benchtime 3000x -cpuprofile cpu.out
func BenchmarkCreateDocument(b *testing.B) {
	for _, backend := range []string{"file", "mem"} {
		b.Run(backend, func(b *testing.B) { benchmarkCreateDocument(b, backend) })
	}
}

func benchmarkCreateDocument(b *testing.B, backend string) {
	e := newTestEnv(b, backend, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	})
	var compact bytes.Buffer
	require.NoError(b, json.Compact(&compact, sampleDocument(b, "invoice-onepage.json")))
	body := mustBatchLine(b, "roastery@live", compact.Bytes())
	number := []byte(`"RE-2026-11873"`)
	require.True(b, bytes.Contains(body, number))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var seq atomic.Int64

	b.SetParallelism(4)
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := bytes.Replace(body, number, fmt.Appendf(nil, `"RE-%09d"`, seq.Add(1)), 1)
			hr, err := http.NewRequest(http.MethodPost, e.URL+"/v1/documents", bytes.NewReader(req))
			if err != nil {
				b.Error(err)
				return
			}
			hr.Header.Set("Authorization", "Bearer "+secretRenderer)
			hr.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(hr)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
	// CPU time per document (server and client: one process) is what
	// other load on a shared machine disturbs least.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time (user and system) this process has used, or 0
// where getrusage is not available.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
