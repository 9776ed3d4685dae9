package api

import (
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pipeDeadlines is a response writer whose read deadlines are those of a
// net.Pipe, which honours them as a TCP connection does.
type pipeDeadlines struct {
	http.ResponseWriter
	conn net.Conn
}

func (p pipeDeadlines) SetReadDeadline(t time.Time) error { return p.conn.SetReadDeadline(t) }

// readStarts reports every Read of its connection as it starts.
type readStarts struct {
	net.Conn
	started chan struct{}
}

func (r readStarts) Read(p []byte) (int, error) {
	r.started <- struct{}{}
	return r.Conn.Read(p)
}

// mustBatchBodyPipe returns a batchBody reading the server end of a pipe,
// the client end, and a channel that gets a value as each read of the
// server end starts.
func mustBatchBodyPipe(t *testing.T) (*batchBody, net.Conn, <-chan struct{}) {
	t.Helper()
	server, client := net.Pipe()
	t.Cleanup(func() { _ = server.Close(); _ = client.Close() })
	rc := http.NewResponseController(pipeDeadlines{conn: server})
	started := make(chan struct{}, 8)
	return newBatchBody(readStarts{server, started}, rc, time.Minute), client, started
}

// readAsync starts a Read of 16 bytes of b and returns what it gives.
func readAsync(b interface{ Read([]byte) (int, error) }) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		p := make([]byte, 16)
		n, err := b.Read(p)
		ch <- readResult{string(p[:n]), err}
	}()
	return ch
}

type readResult struct {
	data string
	err  error
}

// TestBatchBodyInterrupt checks what interrupt does to a Read in progress:
// on shutdown a client still sending is read from (a failed read would
// leave net/http unable to close the connection in order, see release);
// otherwise the Read fails at once.
func TestBatchBodyInterrupt(t *testing.T) {
	t.Run("shutdown, client sending", func(t *testing.T) {
		b, client, started := mustBatchBodyPipe(t)
		got := readAsync(b)
		<-started
		b.interrupt(errBatchShutdown, batchReadGrace)
		_, err := client.Write([]byte("{}\n"))
		require.NoError(t, err)
		r := <-got
		require.NoError(t, r.err)
		require.Equal(t, "{}\n", r.data)
		_, err = b.Read(make([]byte, 16))
		require.ErrorIs(t, err, errBatchInterrupted, "no Read after interrupt reaches the connection")
	})
	t.Run("shutdown, client quiet", func(t *testing.T) {
		b, _, started := mustBatchBodyPipe(t)
		got := readAsync(b)
		<-started
		start := time.Now()
		b.interrupt(errBatchShutdown, 50*time.Millisecond)
		r := <-got
		require.ErrorIs(t, r.err, os.ErrDeadlineExceeded)
		require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	})
	t.Run("abort", func(t *testing.T) {
		b, client, started := mustBatchBodyPipe(t)
		got := readAsync(b)
		<-started
		b.interrupt(errBatchAborted, 0)
		r := <-got
		require.ErrorIs(t, r.err, os.ErrDeadlineExceeded)
		require.Equal(t, errBatchAborted, b.interruptCause())
		b.interrupt(errBatchShutdown, batchReadGrace)
		require.Equal(t, errBatchAborted, b.interruptCause(), "the first cause stays")

		// release lets net/http read the rest of the body after the batch.
		b.release()
		after := readAsync(b.r)
		_, err := client.Write([]byte("rest"))
		require.NoError(t, err)
		r = <-after
		require.NoError(t, r.err)
		require.Equal(t, "rest", r.data)
	})
}
