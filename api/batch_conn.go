package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// errBatchInterrupted is what a batch body's Read returns once the batch
// has stopped reading it.
var errBatchInterrupted = errors.New("batch: reading stopped")

// batchBody is a batch's request body. Each Read must make progress within
// idle; interrupt makes a blocked Read return at once, which is how a batch
// stops reading when the server shuts down while the client is between
// lines.
type batchBody struct {
	r    io.Reader
	rc   *http.ResponseController
	idle time.Duration

	mu sync.Mutex
	// cause is why the batch interrupted reading, nil until it does. It is
	// set before the deadline that makes a Read in progress fail, so a Read
	// that failed because of interrupt always finds it set.
	cause error
}

func newBatchBody(r io.Reader, rc *http.ResponseController, idle time.Duration) *batchBody {
	return &batchBody{r: r, rc: rc, idle: idle}
}

// Read reads from the body with a fresh idle deadline.
func (b *batchBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.cause != nil {
		b.mu.Unlock()
		return 0, errBatchInterrupted
	}
	// Deadlines the server does not support (ErrNotSupported) leave the
	// read unbounded; nothing better can be done.
	_ = b.rc.SetReadDeadline(time.Now().Add(b.idle))
	b.mu.Unlock()
	n, err := b.r.Read(p)
	if err == io.EOF {
		// At the end of the body net/http starts its own read, to notice
		// the client going away; with the idle deadline left in place it
		// would fail, and cancel the request, while the last lines are
		// still being answered.
		b.mu.Lock()
		if b.cause == nil {
			_ = b.rc.SetReadDeadline(time.Time{})
		}
		b.mu.Unlock()
	}
	return n, err
}

// interrupt ends reading for cause (not nil): a Read in progress fails
// with a deadline error once grace has passed (at once for none) unless
// data comes first, later ones with errBatchInterrupted. The lock orders
// it after any deadline Read set, so a Read cannot start with a fresh
// deadline after it. The first cause is kept.
func (b *batchBody) interrupt(cause error, grace time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cause != nil {
		return
	}
	b.cause = cause
	deadline := time.Unix(1, 0)
	if grace > 0 {
		deadline = time.Now().Add(grace)
	}
	_ = b.rc.SetReadDeadline(deadline)
}

// interruptCause is why interrupt was called, or nil if it was not.
func (b *batchBody) interruptCause() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cause
}

// batchReadGrace is how long the body may still be read after a batch
// stopped reading it on purpose, where a read failed at once would cost
// the client the end of the response: a Read in progress when a shutdown
// begins, and net/http's own read of the rest of the body after the batch
// (release). Long enough for a client that is sending to be read from,
// short enough not to hold up a shutdown when the client has gone quiet.
const batchReadGrace = time.Second

// release hands the body back to net/http once the batch is done with it.
// After the handler, net/http reads up to 256 KiB more of the body to see
// whether it ends; when it goes on, net/http closes the connection in two
// steps (its sending side, then the rest after a delay), so that a client
// still sending gets to read the response to its end before the close
// resets the connection. A read that fails makes it close in one step, and
// such a client loses what it has not read yet, the summary too: with
// interrupt's deadline left in the past every read fails, so release moves
// it a moment away. (A chunked body whose read failed keeps failing, so on
// shutdown interrupt gives a Read in progress that moment too.)
func (b *batchBody) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cause != nil {
		_ = b.rc.SetReadDeadline(time.Now().Add(batchReadGrace))
	}
}

// batchOut writes a batch's response lines. Each write and flush must make
// progress within idle: a client that stops reading holds back the batch
// (no more input is read), and after idle it is dropped.
type batchOut struct {
	rc   *http.ResponseController
	idle time.Duration
	enc  *json.Encoder
}

// newBatchOut writes to w (the echo response, so the request log counts the
// bytes) and flushes and sets deadlines through rc.
func newBatchOut(w io.Writer, rc *http.ResponseController, idle time.Duration) *batchOut {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &batchOut{rc: rc, idle: idle, enc: enc}
}

// write writes v as one line.
func (o *batchOut) write(v any) error {
	_ = o.rc.SetWriteDeadline(time.Now().Add(o.idle))
	return o.enc.Encode(v)
}

// flush sends what was written to the client.
func (o *batchOut) flush() error {
	_ = o.rc.SetWriteDeadline(time.Now().Add(o.idle))
	return o.rc.Flush()
}
