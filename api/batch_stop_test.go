package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeBatchConn stands in for net/http under one batch, so that a test
// chooses the order of what happens when reading stops. Its body hands out
// the lines, then runs quiet for the next read: as net/http does, a read
// that fails ends the request itself (endRequest) before it returns. Its
// response writer records what the batch wrote.
type fakeBatchConn struct {
	lines []byte
	quiet func(c *fakeBatchConn) error
	// endRequest cancels the request's context.
	endRequest context.CancelFunc
	// failWrites makes every write and flush fail: the client is gone.
	failWrites bool
	// in is the batch's body, to see when the batch interrupts it.
	in *batchBody

	results chan struct{} // one value per write: a result or the summary

	mu  sync.Mutex
	out bytes.Buffer
}

func newFakeBatchConn(lines []byte, quiet func(*fakeBatchConn) error, endRequest context.CancelFunc) *fakeBatchConn {
	return &fakeBatchConn{lines: lines, quiet: quiet, endRequest: endRequest, results: make(chan struct{}, 64)}
}

func (c *fakeBatchConn) Read(p []byte) (int, error) {
	if len(c.lines) > 0 {
		n := copy(p, c.lines)
		c.lines = c.lines[n:]
		return n, nil
	}
	return 0, c.quiet(c)
}

func (c *fakeBatchConn) Header() http.Header { return http.Header{} }
func (c *fakeBatchConn) WriteHeader(int)     {}

func (c *fakeBatchConn) Write(p []byte) (int, error) {
	if c.failWrites {
		return 0, syscall.EPIPE
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results <- struct{}{}
	return c.out.Write(p)
}

func (c *fakeBatchConn) FlushError() error {
	if c.failWrites {
		return syscall.EPIPE
	}
	return nil
}

func (c *fakeBatchConn) SetWriteDeadline(time.Time) error { return nil }
func (c *fakeBatchConn) SetReadDeadline(time.Time) error  { return nil }

// waitResults waits until the batch has written n results.
func (c *fakeBatchConn) waitResults(t *testing.T, n int) {
	for range n {
		select {
		case <-c.results:
		case <-time.After(20 * time.Second):
			t.Errorf("the batch did not write its %d results", n)
			return
		}
	}
}

// waitInterrupt waits until the batch has interrupted its reading.
func (c *fakeBatchConn) waitInterrupt(t *testing.T, why string) {
	for deadline := time.Now().Add(20 * time.Second); c.in.interruptCause() == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("the batch must interrupt reading %s", why)
			return
		}
	}
}

// connError is a failed read of a connection, as net returns it.
func connError(err error) error {
	return &net.OpError{Op: "read", Net: "tcp", Err: err}
}

// TestBatchReadStops runs a batch over fakeBatchConn and ends its reading
// in each of the ways it can end, forcing the order in which the batch's
// goroutines see it: in particular the batch interrupting its own reading,
// in answer to the request's end, before the read that ended the request
// has returned, which must not hide that read's error.
func TestBatchReadStops(t *testing.T) {
	tests := []struct {
		name string
		// quiet is the read after the two lines; it runs on the batch's
		// reader, so it reports with t.Errorf. hold, closed by it when
		// set, holds line 1 (a document) until then.
		quiet      func(t *testing.T, s *Server, c *fakeBatchConn, hold chan struct{}) error
		hold       bool
		failWrites bool
		want       BatchCounts
		wantSlug   string // of the summary's error, "" for none
		wantDetail string
	}{
		{
			name: "idle deadline, interrupted before the read returns",
			quiet: func(t *testing.T, _ *Server, c *fakeBatchConn, _ chan struct{}) error {
				c.waitResults(t, 2) // the client went quiet with its answers
				c.endRequest()
				c.waitInterrupt(t, "when the request ends")
				return connError(os.ErrDeadlineExceeded)
			},
			want:     BatchCounts{Lines: 2, OK: 1, Errors: 1, Stopped: true},
			wantSlug: ProblemTimeout, wantDetail: "the client sent nothing for 2m0s",
		},
		{
			name: "client gone, interrupted before the read returns",
			quiet: func(t *testing.T, _ *Server, c *fakeBatchConn, _ chan struct{}) error {
				c.waitResults(t, 2)
				c.endRequest()
				c.waitInterrupt(t, "when the request ends")
				return connError(syscall.ECONNRESET)
			},
			want:     BatchCounts{Lines: 2, OK: 1, Errors: 1, Stopped: true},
			wantSlug: ProblemBadRequest, wantDetail: "reading the request body failed",
		},
		{
			// Line 1 is still rendering when the request ends, because
			// the batch interrupted the read, and a while after: it must
			// be finished, not cancelled.
			name: "shutdown between lines",
			hold: true,
			quiet: func(t *testing.T, s *Server, c *fakeBatchConn, hold chan struct{}) error {
				s.BeginShutdown()
				c.waitInterrupt(t, "on shutdown")
				c.endRequest()
				time.AfterFunc(50*time.Millisecond, func() { close(hold) })
				return connError(os.ErrDeadlineExceeded)
			},
			want: BatchCounts{Lines: 2, OK: 1, Errors: 1, Stopped: true},
		},
		{
			name: "writer aborts",
			quiet: func(t *testing.T, _ *Server, c *fakeBatchConn, _ chan struct{}) error {
				c.waitInterrupt(t, "on abort")
				c.endRequest()
				return connError(os.ErrDeadlineExceeded)
			},
			failWrites: true,
			want:       BatchCounts{Stopped: true},
			wantSlug:   ProblemBadRequest, wantDetail: "the batch was cancelled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hold := make(chan struct{})
			// The fake sets no real deadlines: the default RequestTimeout
			// (30s, an idle time of 2m) times nothing here but a line.
			e := newTestEnv(t, "mem", func(c *Config) {
				c.BatchConcurrency = 2
				if tt.hold {
					hookKits(func(ctx context.Context, ref string) error {
						select {
						case <-hold:
						case <-ctx.Done():
						case <-time.After(20 * time.Second): // quiet never ran: do not hang
							return errors.New("line 1 was never let go")
						}
						return ctx.Err()
					})(c)
				}
			})
			reqCtx, endRequest := context.WithCancel(context.Background())
			defer endRequest()
			lines := append(mustBatchLine(t, "roastery", sampleDocument(t, "invoice-onepage.json"), "txt"), "\n\n"...)
			var c *fakeBatchConn
			c = newFakeBatchConn(lines, func(*fakeBatchConn) error { return tt.quiet(t, e.Server, c, hold) }, endRequest)
			c.failWrites = tt.failWrites
			rc := http.NewResponseController(c)
			run := e.Server.newBatchRun(&Principal{Name: "billing", Role: RoleRenderer}, "req-1", c, c, rc)
			c.in = run.in

			sum := run.run(reqCtx)

			gotErr := sum.Error
			sum.Error = nil
			require.Equal(t, tt.want, sum, "summary error: %+v", gotErr)
			if tt.wantSlug == "" {
				require.Nil(t, gotErr)
			} else {
				require.NotNil(t, gotErr)
				require.Equal(t, problemTypePrefix+tt.wantSlug, gotErr.Type, gotErr.Detail)
				require.Contains(t, gotErr.Detail, tt.wantDetail)
			}
			if !tt.failWrites {
				sum.Error = gotErr
				results, written := newBatchStream(t, bytes.NewReader(c.out.Bytes())).all()
				require.Len(t, results, tt.want.Lines)
				require.Equal(t, sum, written, "the summary written is the one returned")
			}
		})
	}
}

func TestBatchReadFailure(t *testing.T) {
	deadline := connError(os.ErrDeadlineExceeded)
	tests := []struct {
		err, cause, want error
	}{
		{deadline, nil, deadline},
		// net/http ended the request inside the failed read, and the batch
		// interrupted reading in answer before the read returned.
		{deadline, errBatchRequestEnded, deadline},
		{connError(syscall.ECONNRESET), errBatchRequestEnded, connError(syscall.ECONNRESET)},
		{&csvRunError{errors.New("no column aantal")}, nil, &csvRunError{errors.New("no column aantal")}},
		// The batch stopped reading on purpose: the read failed because of it.
		{deadline, errBatchShutdown, nil},
		{errBatchInterrupted, errBatchShutdown, nil},
		{deadline, errBatchAborted, nil},
		{errBatchInterrupted, errBatchAborted, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%v", tt.err, tt.cause), func(t *testing.T) {
			require.Equal(t, tt.want, readFailure(tt.err, tt.cause))
		})
	}
}
