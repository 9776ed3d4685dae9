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

	mu   sync.Mutex
	stop bool
}

func newBatchBody(r io.Reader, rc *http.ResponseController, idle time.Duration) *batchBody {
	return &batchBody{r: r, rc: rc, idle: idle}
}

// Read reads from the body with a fresh idle deadline.
func (b *batchBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.stop {
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
		if !b.stop {
			_ = b.rc.SetReadDeadline(time.Time{})
		}
		b.mu.Unlock()
	}
	return n, err
}

// interrupt ends reading: a Read in progress fails with a deadline error,
// later ones with errBatchInterrupted. The lock orders it after any
// deadline Read set, so a Read cannot start with a fresh deadline after it.
func (b *batchBody) interrupt() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop {
		return
	}
	b.stop = true
	_ = b.rc.SetReadDeadline(time.Unix(1, 0))
}

// interrupted reports whether interrupt was called.
func (b *batchBody) interrupted() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stop
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
