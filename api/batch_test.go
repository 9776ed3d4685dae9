package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// batchCase is an input line of a kind and the result it must get.
type batchCase struct {
	kind string
	line func(n int) []byte // the line when it is line n
	slug string             // "" when the line must be stored
	path string             // a field problem's path the error must list
}

// batchCases are lines of every kind a batch meets, for a key limited to
// kit roastery and a line limit of 16 KiB. Good lines are distinct
// documents (their number is their line's), so each is rendered and stored.
func batchCases(t testing.TB) []batchCase {
	invoice := sampleDocument(t, "invoice-onepage.json")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(invoice, &doc))
	numbered := func(kit string, formats ...string) func(int) []byte {
		return func(n int) []byte {
			doc["number"] = fmt.Sprintf("RE-2026-%06d", n)
			data, err := json.Marshal(doc)
			require.NoError(t, err)
			return mustBatchLine(t, kit, data, formats...)
		}
	}
	fixed := func(line []byte) func(int) []byte { return func(int) []byte { return line } }
	doc["currency"] = "EURO"
	badCurrency, err := json.Marshal(doc)
	require.NoError(t, err)
	doc["currency"] = "EUR"
	// Kit references name a pin or a version: resolving "roastery" (the
	// latest) lists the bucket, which on "mem" sorts every key stored.
	crlf := numbered("roastery@live", "txt")
	return []batchCase{
		{"good", numbered("roastery@live", "txt"), "", ""},
		{"good, version", numbered("roastery@1", "txt"), "", ""},
		{"good, crlf", func(n int) []byte { return append(crlf(n), '\r') }, "", ""},
		{"good, pdf and html, latest", numbered("roastery", "pdf", "html"), "", ""},
		{"invalid json", fixed([]byte(`{"kit":"roastery","data":`)), ProblemBadRequest, ""},
		{"not an object", fixed([]byte(`["roastery"]`)), ProblemBadRequest, ""},
		{"blank", fixed(nil), ProblemBadRequest, ""},
		{"whitespace", fixed([]byte(" \t ")), ProblemBadRequest, ""},
		{"oversized", fixed([]byte(`{"kit":"roastery","data":{"notes":"` + strings.Repeat("x", 100<<10) + `"}}`)), ProblemTooLarge, ""},
		{"unknown field", fixed([]byte(`{"kit":"roastery","colour":"red","data":{}}`)), ProblemValidation, "colour"},
		{"wrong type", fixed([]byte(`{"kit":["roastery"],"data":{}}`)), ProblemValidation, "kit"},
		{"invalid document", fixed(mustBatchLine(t, "roastery", badCurrency, "txt")), ProblemValidation, "data.currency"},
		{"unknown kit version", fixed(mustBatchLine(t, "roastery@99", invoice, "txt")), ProblemValidation, "kit"},
		{"forbidden kit", fixed(mustBatchLine(t, "insurer", sampleDocument(t, "payment-reminder.json"), "txt")), ProblemForbidden, ""},
	}
}

// TestBatchTenThousandLines streams 10,000 lines, bad ones of every kind
// among them, and checks that each gets its result in order and every good
// one is stored.
func TestBatchTenThousandLines(t *testing.T) {
	e := newTestEnv(t, "mem", func(c *Config) { c.BatchLineLimit = 16 << 10; c.BatchConcurrency = 4 })
	cases := batchCases(t)
	// Every 50 lines, one of each kind; plain good lines between them. PDF
	// and HTML, which take most of the time, only every 500 lines.
	caseOf := func(i int) batchCase {
		k := i % 50
		switch {
		case k >= len(cases), cases[k].kind == "good, pdf and html, latest" && i%500 != k:
			return cases[0]
		}
		return cases[k]
	}
	const n = 10_000
	var body bytes.Buffer
	for i := 1; i <= n; i++ {
		body.Write(caseOf(i).line(i))
		body.WriteByte('\n')
	}
	resp := e.startBatch(t, context.Background(), secretRendererRoastery, &body)
	defer resp.Body.Close()
	results, sum := newBatchStream(t, resp.Body).all()

	require.Len(t, results, n)
	var ok int
	for i, r := range results {
		c := caseOf(i + 1)
		if c.slug == "" {
			require.Nil(t, r.Error, "line %d (%s): %+v", r.Line, c.kind, r.Error)
			require.NotEmpty(t, r.Document.ID)
			ok++
			if i%97 == 0 || c.kind != "good" {
				requireStored(t, e, r.Document)
			}
			if i < 50 {
				requireDownload(t, e, secretRendererRoastery, r.Document)
			}
			continue
		}
		require.NotNil(t, r.Error, "line %d (%s) must fail", r.Line, c.kind)
		require.Equal(t, problemTypePrefix+c.slug, r.Error.Type, "line %d (%s): %s", r.Line, c.kind, r.Error.Detail)
		require.Equal(t, statuses[c.slug], r.Error.Status)
		require.NotEmpty(t, r.Error.Title)
		require.NotEmpty(t, r.Error.Detail)
		if c.path != "" {
			require.Contains(t, fieldPaths(r.Error), c.path, "line %d (%s)", r.Line, c.kind)
		}
	}
	require.Equal(t, BatchCounts{Lines: n, OK: ok, Errors: n - ok}, sum)
	require.Equal(t, ok, counterValue(t, e.Server.metrics.batchLines.WithLabelValues("ok")))
	require.Equal(t, n-ok, counterValue(t, e.Server.metrics.batchLines.WithLabelValues("error")))
}

func TestBatchRequestProblems(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	line := mustBatchLine(t, "roastery", sampleDocument(t, "invoice-onepage.json"), "txt")
	tests := []struct {
		name        string
		secret      string
		contentType string
		status      int
		slug        string
	}{
		{"no key", "", NDJSONContentType, http.StatusUnauthorized, ProblemUnauth},
		{"designer", secretDesigner, NDJSONContentType, http.StatusForbidden, ProblemForbidden},
		{"json body", secretRenderer, "application/json", http.StatusUnsupportedMediaType, ProblemMediaType},
		{"no content type", secretRenderer, "", http.StatusUnsupportedMediaType, ProblemMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(t, http.MethodPost, "/v1/batches", tt.secret, tt.contentType, line)
			requireProblem(t, resp, body, tt.status, tt.slug)
		})
	}
	t.Run("empty batch", func(t *testing.T) {
		resp, body := e.do(t, http.MethodPost, "/v1/batches", secretAdmin, NDJSONContentType+"; charset=utf-8", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		results, sum := newBatchStream(t, bytes.NewReader(body)).all()
		require.Empty(t, results)
		require.Equal(t, BatchCounts{}, sum)
	})
	t.Run("shutting down", func(t *testing.T) {
		e.Server.BeginShutdown()
		resp, body := e.do(t, http.MethodPost, "/v1/batches", secretRenderer, NDJSONContentType, line)
		requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemStopping)
	})
}

// TestBatchIdempotencyKey checks that a line's idempotency_key works as
// the Idempotency-Key header of POST /v1/documents does, in the same scope,
// and that a line with a key gets the document id the same request without
// one gets.
func TestBatchIdempotencyKey(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, sampleDocument(t, "invoice-onepage.json")))
	invoice := json.RawMessage(compact.Bytes())
	var doc map[string]any
	require.NoError(t, json.Unmarshal(invoice, &doc))
	doc["notes"] = "R&D <costs> are *not* included"
	escapable, err := json.Marshal(doc) // encoding/json writes & < > as \u0026 \u003c \u003e
	require.NoError(t, err)
	doc["number"] = "RE-2026-99999"
	other, err := json.Marshal(doc)
	require.NoError(t, err)
	line := func(data json.RawMessage, key string) string {
		l := `{"kit":"roastery","formats":["txt"],"data":` + string(data)
		if key != "" {
			l += `,"idempotency_key":"` + key + `"`
		}
		return l + "}\n"
	}
	run := func(lines ...string) []BatchResult {
		t.Helper()
		resp := e.startBatch(t, context.Background(), secretRenderer, strings.NewReader(strings.Join(lines, "")))
		defer resp.Body.Close()
		results, _ := newBatchStream(t, resp.Body).all()
		require.Len(t, results, len(lines))
		return results
	}

	first := run(line(invoice, "run-1/1"), line(escapable, ""), line(escapable, "run-1/3"))
	for _, r := range first {
		require.Nil(t, r.Error, "line %d: %+v", r.Line, r.Error)
	}
	require.Equal(t, first[1].Document.ID, first[2].Document.ID, "a key must not change the document id")

	again := run(line(invoice, "run-1/1"), line(other, "run-1/1"))
	require.Nil(t, again[0].Error)
	require.Equal(t, *first[0].Document, *again[0].Document, "a retry gets the first answer")
	require.NotNil(t, again[1].Error, "a key used for another request")
	require.Equal(t, problemTypePrefix+ProblemConflict, again[1].Error.Type)

	resp, body := e.doJSON(t, http.MethodPost, "/v1/documents", secretRenderer,
		DocumentRequest{Kit: "roastery", Data: other, Formats: []string{"txt"}}, HeaderIdempotencyKey, "run-1/1")
	requireProblem(t, resp, body, http.StatusConflict, ProblemConflict)
}

// TestBatchExpectContinue sends the header first and the body only after
// the server's 100 Continue, as curl does with large bodies.
func TestBatchExpectContinue(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	body := append(mustBatchLine(t, "roastery", sampleDocument(t, "invoice-onepage.json"), "txt"), '\n')
	conn, err := net.Dial("tcp", e.HTTP.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "POST /v1/batches HTTP/1.1\r\nHost: livery\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", secretRenderer, NDJSONContentType, len(body))
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.1 100 Continue\r\n", status, "the 100 comes before anything else")
	for line := ""; line != "\r\n"; {
		line, err = br.ReadString('\n')
		require.NoError(t, err)
	}
	_, err = conn.Write(body)
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	results, sum := newBatchStream(t, resp.Body).all()
	require.Len(t, results, 1)
	require.Equal(t, BatchCounts{Lines: 1, OK: 1}, sum)
}
