package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
)

// mustBatchLine returns one batch input line (without its line end).
func mustBatchLine(t testing.TB, kit string, data json.RawMessage, formats ...string) []byte {
	t.Helper()
	b, err := json.Marshal(DocumentRequest{Kit: kit, Data: data, Formats: formats})
	require.NoError(t, err)
	return b
}

// startBatch posts body as a batch and returns the response as soon as its
// header arrives; the caller reads and closes its body.
func (e *testEnv) startBatch(t testing.TB, ctx context.Context, secret string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+"/v1/batches", body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", NDJSONContentType)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, NDJSONContentType, resp.Header.Get("Content-Type"))
	return resp
}

// batchOutLine is any line of a batch response; unknown keys fail decoding.
type batchOutLine struct {
	Line     *int            `json:"line"`
	Rows     string          `json:"rows"`
	Document *DocumentRecord `json:"document"`
	Error    *Problem        `json:"error"`
	Summary  *BatchCounts    `json:"summary"`
}

// batchStream reads a batch response line by line and checks its framing:
// every line complete and JSON, results numbered 1, 2, ... each with a
// document or an error, and the summary last.
type batchStream struct {
	t       testing.TB
	br      *bufio.Reader
	next    int
	summary *BatchCounts
}

func newBatchStream(t testing.TB, r io.Reader) *batchStream {
	return &batchStream{t: t, br: bufio.NewReader(r), next: 1}
}

// result returns the next result, or nil once the summary has been read.
func (s *batchStream) result() *BatchResult {
	s.t.Helper()
	raw, err := s.br.ReadBytes('\n')
	if s.summary != nil {
		require.ErrorIs(s.t, err, io.EOF, "nothing may follow the summary")
		require.Empty(s.t, raw, "nothing may follow the summary")
		return nil
	}
	require.NoError(s.t, err, "line %d is cut off or missing: %q", s.next, raw)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var l batchOutLine
	require.NoError(s.t, dec.Decode(&l), "line: %s", raw)
	if l.Summary != nil {
		require.True(s.t, l.Line == nil && l.Document == nil && l.Error == nil, "summary line: %s", raw)
		s.summary = l.Summary
		return s.result()
	}
	require.NotNil(s.t, l.Line, "result without a line number: %s", raw)
	require.Equal(s.t, s.next, *l.Line, "results must come in input order")
	require.True(s.t, (l.Document == nil) != (l.Error == nil), "a result has a document or an error: %s", raw)
	s.next++
	return &BatchResult{Line: *l.Line, Rows: l.Rows, Document: l.Document, Error: l.Error}
}

// all reads the rest of the response.
func (s *batchStream) all() ([]BatchResult, BatchCounts) {
	s.t.Helper()
	var results []BatchResult
	for r := s.result(); r != nil; r = s.result() {
		results = append(results, *r)
	}
	return results, *s.summary
}

// lazyBody generates input lines as they are read, one line per Read, and
// counts them.
type lazyBody struct {
	n    int                // lines in all
	line func(i int) []byte // line i, from 1, without its end
	sent atomic.Int64
	buf  []byte
}

func (b *lazyBody) Read(p []byte) (int, error) {
	if len(b.buf) == 0 {
		i := int(b.sent.Load()) + 1
		if i > b.n {
			return 0, io.EOF
		}
		b.buf = append(b.line(i), '\n')
		b.sent.Add(1)
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

// hookedKits is a kit store that runs before on every Resolve, to slow
// lines down, hold them or watch them. An error from before is returned.
type hookedKits struct {
	brandkits.Store
	before func(ctx context.Context, ref string) error
}

func (k *hookedKits) Resolve(ctx context.Context, ref string) (brandkits.Version, error) {
	if err := k.before(ctx, ref); err != nil {
		return brandkits.Version{}, err
	}
	return k.Store.Resolve(ctx, ref)
}

// hookKits makes the test server's kit store run before on every Resolve.
// The server's kit cache is off, so that every line reaches the hook.
func hookKits(before func(ctx context.Context, ref string) error) func(*Config) {
	return func(c *Config) {
		c.Kits = &hookedKits{Store: c.Kits, before: before}
		c.KitCacheTTL = -1
	}
}

// counterValue reads a counter.
func counterValue(t testing.TB, c prometheus.Counter) int {
	t.Helper()
	var m dto.Metric
	require.NoError(t, c.Write(&m))
	return int(m.GetCounter().GetValue())
}

// linesWritten is how many batch results s has written so far.
func linesWritten(t testing.TB, s *Server) int {
	return counterValue(t, s.metrics.batchLines.WithLabelValues("ok")) +
		counterValue(t, s.metrics.batchLines.WithLabelValues("error"))
}

// requireStored checks that every format of rec is in the bucket as the
// record says.
func requireStored(t testing.TB, e *testEnv, rec *DocumentRecord) {
	t.Helper()
	require.NotEmpty(t, rec.Formats)
	for f, sf := range rec.Formats {
		obj, err := e.Bucket.Stat(context.Background(), sf.Key)
		require.NoError(t, err, "format %s of document %s", f, rec.ID)
		require.Equal(t, sf.Size, obj.Size)
		require.Equal(t, sf.SHA256, obj.SHA256)
	}
}

// requireDownload fetches every format of rec through GET
// /v1/documents/{id}/{format} and checks it against the record.
func requireDownload(t testing.TB, e *testEnv, secret string, rec *DocumentRecord) {
	t.Helper()
	for f, sf := range rec.Formats {
		resp, body := e.do(t, http.MethodGet, "/v1/documents/"+rec.ID+"/"+f, secret, "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s of %s: %s", f, rec.ID, body)
		sum := sha256.Sum256(body)
		require.Equal(t, sf.SHA256, hex.EncodeToString(sum[:]), "%s of %s", f, rec.ID)
		if f == "pdf" {
			require.True(t, bytes.HasPrefix(body, []byte("%PDF-")))
		}
	}
}

// fieldPaths lists the paths of a problem's field errors.
func fieldPaths(p *Problem) []string {
	var paths []string
	for _, fp := range p.Errors {
		paths = append(paths, fp.Path)
	}
	return paths
}
