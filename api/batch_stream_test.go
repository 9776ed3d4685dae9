package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// batchGoroutines reports whether any goroutine of a batch is still alive.
func batchGoroutines() bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Contains(buf[:n], []byte("api.(*batchRun)"))
		}
		buf = make([]byte, 2*len(buf))
	}
}

// TestBatchOrderUnderRandomDelays holds every line's kit lookup for a
// random time, so lines finish out of order, and checks that results still
// come in input order, each the right one.
func TestBatchOrderUnderRandomDelays(t *testing.T) {
	var inFlight, maxInFlight atomic.Int64
	e := newTestEnv(t, "mem", func(c *Config) {
		c.BatchConcurrency = 8
		hookKits(func(ctx context.Context, ref string) error {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
			}
			return sleepCtx(ctx, rand.N(4*time.Millisecond))
		})(c)
	})
	invoice := sampleDocument(t, "invoice-onepage.json")
	const n = 400
	// Line i: good when i%3 == 0, else an unknown kit named after the line.
	var body bytes.Buffer
	for i := 1; i <= n; i++ {
		kit := "roastery"
		if i%3 != 0 {
			kit = fmt.Sprintf("nokit-%d", i)
		}
		body.Write(mustBatchLine(t, kit, invoice, "txt"))
		body.WriteByte('\n')
	}
	resp := e.startBatch(t, context.Background(), secretRenderer, &body)
	defer resp.Body.Close()
	results, sum := newBatchStream(t, resp.Body).all()

	require.Len(t, results, n)
	for i, r := range results {
		if (i+1)%3 == 0 {
			require.NotNil(t, r.Document, "line %d: %+v", r.Line, r.Error)
			continue
		}
		require.NotNil(t, r.Error, "line %d", r.Line)
		require.Equal(t, []string{"kit"}, fieldPaths(r.Error), "line %d: %s", r.Line, r.Error.Detail)
		require.Contains(t, r.Error.Detail, fmt.Sprintf("nokit-%d", i+1), "line %d got another line's result", r.Line)
	}
	require.Equal(t, BatchCounts{Lines: n, OK: n / 3, Errors: n - n/3}, sum)
	require.Greater(t, maxInFlight.Load(), int64(1), "lines must overlap for the order to be tested")
}

// TestBatchReadAheadIsBounded holds line 1000 and checks that meanwhile the
// batch reads no further than its window beyond the last result written,
// however much input is waiting; and that no line is ever processed more
// than a window ahead of the results written.
func TestBatchReadAheadIsBounded(t *testing.T) {
	const n, held, workers = 3000, 1000, 2
	window := batchWindowPerWorker * workers
	release := make(chan struct{})
	var srv atomic.Pointer[Server]
	var beyond, maxAhead atomic.Int64
	e := newTestEnv(t, "mem", func(c *Config) {
		c.BatchConcurrency = workers
		hookKits(func(ctx context.Context, ref string) error {
			if ref == "held" {
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil
			}
			line, err := strconv.Atoi(strings.TrimPrefix(ref, "nokit-"))
			if err != nil {
				return nil
			}
			if line > held {
				beyond.Add(1)
			}
			ahead := int64(line - linesWritten(t, srv.Load()))
			for m := maxAhead.Load(); ahead > m && !maxAhead.CompareAndSwap(m, ahead); m = maxAhead.Load() {
			}
			return nil
		})(c)
	})
	srv.Store(e.Server)
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(free) // a failed check must not leave the batch (and the server's Close) hanging
	invoice := sampleDocument(t, "invoice-onepage.json")
	body := &lazyBody{n: n, line: func(i int) []byte {
		kit := fmt.Sprintf("nokit-%d", i)
		if i == held {
			kit = "held"
		}
		return mustBatchLine(t, kit, invoice, "txt")
	}}
	resp := e.startBatch(t, context.Background(), secretRenderer, body)
	defer resp.Body.Close()
	var out []byte
	var readErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		out, readErr = io.ReadAll(resp.Body)
	}()

	require.Eventually(t, func() bool { return beyond.Load() == int64(window-1) }, 20*time.Second, 2*time.Millisecond,
		"the lines after the held one, up to the window, are processed")
	require.Eventually(t, func() bool { return linesWritten(t, e.Server) == held-1 }, 5*time.Second, 2*time.Millisecond)
	time.Sleep(100 * time.Millisecond) // time to read more, if it could
	require.Equal(t, int64(window-1), beyond.Load(), "no line may be read beyond the window while line %d is held", held)
	require.Equal(t, held-1, linesWritten(t, e.Server))

	free()
	<-done
	require.NoError(t, readErr)
	results, sum := newBatchStream(t, bytes.NewReader(out)).all()
	require.Len(t, results, n)
	require.Equal(t, BatchCounts{Lines: n, Errors: n}, sum)
	require.LessOrEqual(t, maxAhead.Load(), int64(window))
	require.Positive(t, maxAhead.Load())
}

// TestBatchClientDisconnect drops the connection in the middle of a long
// batch and checks that the batch stops and leaves no goroutine behind.
func TestBatchClientDisconnect(t *testing.T) {
	var resolves atomic.Int64
	e := newTestEnv(t, "mem", func(c *Config) {
		c.BatchConcurrency = 2
		hookKits(func(ctx context.Context, ref string) error {
			resolves.Add(1)
			return sleepCtx(ctx, 2*time.Millisecond)
		})(c)
	})
	line := mustBatchLine(t, "roastery", sampleDocument(t, "invoice-onepage.json"), "txt")
	body := &lazyBody{n: 1_000_000, line: func(int) []byte { return line }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp := e.startBatch(t, ctx, secretRenderer, body)
	stream := newBatchStream(t, resp.Body)
	for range 20 {
		require.NotNil(t, stream.result())
	}
	cancel()
	_ = resp.Body.Close()

	require.Eventually(t, func() bool { return !batchGoroutines() }, 10*time.Second, 5*time.Millisecond,
		"the batch must end when its client goes")
	started := resolves.Load()
	time.Sleep(50 * time.Millisecond)
	require.Equal(t, started, resolves.Load(), "no line may start after the batch ended")
	require.Less(t, started, int64(1000))
}

// TestBatchGracefulShutdown shuts the server down in the middle of a long
// batch, while lines are being rendered (with a client that reads the end
// of the response at once, and one that reads it late) and while the
// client is between lines: the lines in flight are finished and answered,
// each answered line is stored, every line started is answered, the
// server's Shutdown completes, and the response ends with a summary that
// says where to resume.
func TestBatchGracefulShutdown(t *testing.T) {
	tests := []struct {
		name string
		// pause, when set, is how many lines the client sends before it
		// goes quiet (until the test ends).
		pause int
		// late, when set, has the client read the rest of the response
		// only a while after the batch has ended, still sending its body
		// meanwhile: the server must not reset the connection under it.
		late bool
	}{
		{"while rendering", 0, false},
		{"while rendering, the end read late", 0, true},
		{"while the client is between lines", 25, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var started atomic.Int64
			e := newTestEnv(t, "file", func(c *Config) {
				c.BatchConcurrency = 2
				hookKits(func(ctx context.Context, ref string) error {
					started.Add(1)
					return sleepCtx(ctx, 3*time.Millisecond)
				})(c)
			})
			invoice := sampleDocument(t, "invoice-onepage.json")
			quiet := make(chan struct{})
			t.Cleanup(func() { close(quiet) })
			body := &lazyBody{n: 100_000, line: func(i int) []byte {
				if i == tt.pause+1 && tt.pause > 0 {
					<-quiet
				}
				if i%10 == 0 {
					return mustBatchLine(t, "roastery", invoice, "pdf")
				}
				return mustBatchLine(t, "roastery", invoice, "txt")
			}}
			resp := e.startBatch(t, context.Background(), secretRenderer, body)
			defer resp.Body.Close()
			stream := newBatchStream(t, resp.Body)
			var results []BatchResult
			for range 20 {
				results = append(results, *stream.result())
			}
			if tt.pause > 0 {
				for len(results) < tt.pause {
					results = append(results, *stream.result())
				}
			}

			e.Server.BeginShutdown()
			shutdown := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				shutdown <- e.HTTP.Config.Shutdown(ctx)
			}()
			if tt.late {
				require.Eventually(t, func() bool { return !batchGoroutines() }, 20*time.Second, time.Millisecond)
				// A reset follows the batch's end within microseconds;
				// net/http's orderly close waits 500ms before it.
				time.Sleep(100 * time.Millisecond)
			}
			rest, sum := stream.all()
			results = append(results, rest...)

			require.NoError(t, <-shutdown, "the batch must end by itself")
			require.Equal(t, BatchCounts{Lines: len(results), OK: len(results), Stopped: true}, sum)
			require.Less(t, sum.Lines, 100_000)
			if tt.pause > 0 {
				require.Equal(t, tt.pause, sum.Lines)
			}
			require.Equal(t, int64(sum.Lines), started.Load(), "every line started must be answered")
			for _, r := range results {
				require.Nil(t, r.Error, "line %d", r.Line)
				requireStored(t, e, r.Document)
			}
		})
	}
}

// warmRenderer builds the test server's renderer of kit ref before a test
// that gives each line a deadline. Building it (parsing the kit and its
// fonts) is done once per server and takes up to half a second under -race
// on a busy 2-core machine, while a line after it takes tens of
// milliseconds: left to the first lines, it is what such a test would time.
func warmRenderer(t *testing.T, e *testEnv, ref string) {
	t.Helper()
	_, _, err := e.Server.resolveKit(context.Background(), &Principal{Name: "warm-up", Role: RoleRenderer}, ref)
	require.NoError(t, err)
}

// TestBatchLineTimeout holds one line until its deadline: that line fails
// with a timeout and the others are stored.
func TestBatchLineTimeout(t *testing.T) {
	e := newTestEnv(t, "mem", func(c *Config) {
		// Ten times what a line takes under -race on a busy 2-core
		// machine once the renderer is built; the held line waits for all
		// of it.
		c.RequestTimeout = 500 * time.Millisecond
		hookKits(func(ctx context.Context, ref string) error {
			if ref == "roastery@1" {
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		})(c)
	})
	// roastery, roastery@1 and roastery@live are one version: one renderer.
	warmRenderer(t, e, "roastery")
	invoice := sampleDocument(t, "invoice-onepage.json")
	var body bytes.Buffer
	for _, kit := range []string{"roastery", "roastery@1", "roastery@live"} {
		body.Write(append(mustBatchLine(t, kit, invoice, "txt"), '\n'))
	}
	resp := e.startBatch(t, context.Background(), secretRenderer, &body)
	defer resp.Body.Close()
	results, sum := newBatchStream(t, resp.Body).all()
	require.Equal(t, BatchCounts{Lines: 3, OK: 2, Errors: 1}, sum)
	require.NotNil(t, results[1].Error)
	require.Equal(t, problemTypePrefix+ProblemTimeout, results[1].Error.Type, results[1].Error.Detail)
	require.Contains(t, results[1].Error.Detail, "500ms")
}

// TestBatchClientGoesQuiet stops sending in the middle of the body: once
// the idle time (4 × RequestTimeout) has passed, the batch ends with what
// it answered and a summary that says why.
func TestBatchClientGoesQuiet(t *testing.T) {
	// Lines must render within RequestTimeout, and the test waits 4 × it:
	// ten times a line's time under -race on a busy machine, the renderer
	// built beforehand.
	e := newTestEnv(t, "mem", func(c *Config) { c.RequestTimeout = 500 * time.Millisecond })
	warmRenderer(t, e, "roastery")
	line := mustBatchLine(t, "roastery", sampleDocument(t, "invoice-onepage.json"), "txt")
	quiet := make(chan struct{})
	t.Cleanup(func() { close(quiet) })
	body := &lazyBody{n: 100, line: func(i int) []byte {
		if i == 6 {
			<-quiet
		}
		return line
	}}
	resp := e.startBatch(t, context.Background(), secretRenderer, body)
	defer resp.Body.Close()
	results, sum := newBatchStream(t, resp.Body).all()
	require.Len(t, results, 5)
	require.NotNil(t, sum.Error, "summary %+v", sum)
	require.Equal(t, problemTypePrefix+ProblemTimeout, sum.Error.Type)
	require.Contains(t, sum.Error.Detail, "2s")
	sum.Error = nil
	require.Equal(t, BatchCounts{Lines: 5, OK: 5, Stopped: true}, sum)
}
