package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkBatch streams b.N one-page invoices, each a distinct document
// rendered as PDF and HTML (the defaults), through POST /v1/batches on the
// file backend, and reports documents per second and the peak heap in use.
// The client runs in the same process and holds no more than one line of
// either stream, so the peak is the server's working set: it should not
// grow with b.N.
//
//	go test ./api -run '^$' -bench Batch -benchtime 2000x
func BenchmarkBatch(b *testing.B) {
	e := newTestEnv(b, "file", nil)
	var compact bytes.Buffer
	require.NoError(b, json.Compact(&compact, sampleDocument(b, "invoice-onepage.json")))
	line := mustBatchLine(b, "roastery@live", compact.Bytes())
	number := []byte(`"RE-2026-11873"`)
	require.True(b, bytes.Contains(line, number))
	body := &lazyBody{n: b.N, line: func(i int) []byte {
		return bytes.Replace(line, number, fmt.Appendf(nil, `"RE-%09d"`, i), 1)
	}}

	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})

	b.ResetTimer()
	start := time.Now()
	resp := e.startBatch(b, context.Background(), secretRenderer, body)
	stream := newBatchStream(b, resp.Body)
	for r := stream.result(); r != nil; r = stream.result() {
		if r.Error != nil {
			b.Fatalf("line %d: %s", r.Line, r.Error.Detail)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	_ = resp.Body.Close()
	close(stop)
	wg.Wait()

	require.Equal(b, BatchCounts{Lines: b.N, OK: b.N}, *stream.summary)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
