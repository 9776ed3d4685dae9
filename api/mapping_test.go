package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/samples"
	"github.com/liveryhq/livery/storage"
)

// newMappingEnv is a test server with a profile store on its bucket holding
// every sample profile as version 1.
func newMappingEnv(t testing.TB, backend string) *testEnv {
	t.Helper()
	var profiles *storage.ProfileStore
	e := newTestEnv(t, backend, func(c *Config) {
		profiles = storage.NewProfileStore(c.Bucket)
		c.Profiles = profiles
	})
	pairs, err := samples.SourcePairs()
	require.NoError(t, err)
	published := map[string]bool{}
	for _, p := range pairs {
		if p.Profile == "" || published[p.Profile] {
			continue
		}
		published[p.Profile] = true
		yaml, err := samples.Source(p.Profile)
		require.NoError(t, err)
		name := strings.TrimSuffix(p.Profile, ".yaml")
		v, err := profiles.Publish(context.Background(), name, mapping.PublishRequest{YAML: yaml, Author: "test"})
		require.NoError(t, err)
		require.Equal(t, 1, v.Number)
		require.NoError(t, profiles.Pin(context.Background(), name, "live", 1))
	}
	return e
}

// mustSource returns a sample source file.
func mustSource(t testing.TB, name string) []byte {
	t.Helper()
	data, err := samples.Source(name)
	require.NoError(t, err)
	return data
}

// storedHTML downloads the HTML rendition of rec.
func storedHTML(t testing.TB, e *testEnv, rec DocumentRecord) string {
	t.Helper()
	resp, body := e.do(t, http.MethodGet, "/v1/documents/"+rec.ID+"/html", secretRenderer, "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	return string(body)
}

func TestMappingLegacyJSON(t *testing.T) {
	e := newMappingEnv(t, "mem")
	legacy := mustSource(t, "sap-export.json")
	prof, err := mapping.ParseProfile(mustSource(t, "sap-export.yaml"))
	require.NoError(t, err)
	doc, canonical, err := prof.MapDocument(legacy)
	require.NoError(t, err)

	for _, ref := range []string{"sap-export@1", "sap-export", "sap-export@live"} {
		req := DocumentRequest{Kit: "roastery@live", Profile: ref, Data: legacy, Formats: []string{"html"}}
		resp, body := e.postDocument(t, secretRenderer, req)
		rec := mustRecord(t, resp, body, map[bool]int{true: http.StatusCreated, false: http.StatusOK}[ref == "sap-export@1"])
		assert.Equal(t, "invoice", rec.Type)
		assert.Equal(t, doc.Invoice.Number, rec.Number)

		resp, body = e.do(t, http.MethodGet, "/v1/documents/"+rec.ID, secretRenderer, "", nil)
		got := mustRecord(t, resp, body, http.StatusOK)
		assert.Equal(t, rec, got)

		// The same document as the canonical JSON the profile makes of it.
		direct := e.mustCreateDocument(t, DocumentRequest{Kit: "roastery@live", Data: canonical, Formats: []string{"html"}}, http.StatusOK)
		assert.Equal(t, rec.ID, direct.ID, "a mapped document is the document of its canonical JSON")

		html := storedHTML(t, e, rec)
		assert.Contains(t, html, doc.Invoice.Number)
		gross := doc.Invoice.StatedTotals.Gross.String()
		assert.Contains(t, html, strings.Replace(gross, ".", ",", 1), "the total, as the kit's locale writes it")
	}
}

func TestMappingLegacyJSONErrors(t *testing.T) {
	e := newMappingEnv(t, "mem")
	var legacy map[string]any
	require.NoError(t, json.Unmarshal(mustSource(t, "sap-export.json"), &legacy))
	head := legacy["BELEGKOPF"].(map[string]any)
	delete(head, "BELEGNR")
	head["BELEGDATUM"] = "2026-11-12"
	legacy["POSITIONEN"].([]any)[1].(map[string]any)["MENGE"] = "zwei"
	data, err := json.Marshal(legacy)
	require.NoError(t, err)

	resp, body := e.postDocument(t, secretRenderer, DocumentRequest{Kit: "roastery@live", Profile: "sap-export@1", Data: data})
	p := requireProblem(t, resp, body, http.StatusUnprocessableEntity, ProblemValidation)
	byPath := map[string]FieldProblem{}
	for _, fp := range p.Errors {
		byPath[fp.Path] = fp
	}
	require.Contains(t, byPath, "data.BELEGKOPF.BELEGNR", "%s", body)
	assert.Equal(t, "number", byPath["data.BELEGKOPF.BELEGNR"].Target)
	assert.True(t, strings.HasPrefix(byPath["data.BELEGKOPF.BELEGNR"].Message, "number: "), "%s", body)
	require.Contains(t, byPath, "data.BELEGKOPF.BELEGDATUM", "%s", body)
	assert.Equal(t, "issue_date", byPath["data.BELEGKOPF.BELEGDATUM"].Target)
	require.Contains(t, byPath, "data.POSITIONEN[1].MENGE", "%s", body)
	assert.Equal(t, "lines[1].quantity", byPath["data.POSITIONEN[1].MENGE"].Target)

	for _, tc := range []struct{ profile, want string }{
		{"no-such-profile", "unknown profile"},
		{"sap-export@7", "unknown profile"},
		{"Bad Ref!", ""},
		{"billing-run@1", "CSV"},
	} {
		resp, body := e.postDocument(t, secretRenderer, DocumentRequest{Kit: "roastery@live", Profile: tc.profile, Data: mustSource(t, "sap-export.json")})
		p := requireProblem(t, resp, body, http.StatusUnprocessableEntity, ProblemValidation)
		require.Len(t, p.Errors, 1, "%s", body)
		assert.Equal(t, "profile", p.Errors[0].Path)
		assert.Contains(t, p.Errors[0].Message, tc.want)
	}

	// A key that may not use the kit learns nothing about profiles.
	resp, body = e.postDocument(t, secretRendererRoastery, DocumentRequest{Kit: "polderstroom@live", Profile: "no-such-profile", Data: data})
	requireProblem(t, resp, body, http.StatusForbidden, ProblemForbidden)

	// Without a profile store every profile is refused.
	plain := newTestEnv(t, "mem", nil)
	resp, body = plain.postDocument(t, secretRenderer, DocumentRequest{Kit: "roastery@live", Profile: "sap-export", Data: data})
	p = requireProblem(t, resp, body, http.StatusUnprocessableEntity, ProblemValidation)
	assert.Equal(t, "profile", p.Errors[0].Path)
}

func TestMappingUBLDocument(t *testing.T) {
	e := newMappingEnv(t, "file")
	body := mustSource(t, "ubl-invoice.xml")
	resp, out := e.do(t, http.MethodPost, "/v1/documents?kit=roastery@live&formats=html,txt", secretRenderer, XMLContentType, body)
	rec := mustRecord(t, resp, out, http.StatusCreated)
	assert.Equal(t, "invoice", rec.Type)
	assert.ElementsMatch(t, []string{"html", "txt"}, storedFormats(&rec))
	assert.Contains(t, storedHTML(t, e, rec), rec.Number)

	// The same again is the same document.
	resp, out = e.do(t, http.MethodPost, "/v1/documents?kit=roastery@live&formats=html&formats=txt", secretRenderer, XMLContentType+"; charset=utf-8", body)
	assert.Equal(t, rec.ID, mustRecord(t, resp, out, http.StatusOK).ID)

	resp, out = e.do(t, http.MethodPost, "/v1/documents?kit=polderstroom@live", secretRenderer, XMLContentType, mustSource(t, "ubl-credit-note.xml"))
	assert.Equal(t, "credit_note", mustRecord(t, resp, out, http.StatusCreated).Type)

	// Query problems.
	resp, out = e.do(t, http.MethodPost, "/v1/documents?formats=pdf&profile=x", secretRenderer, XMLContentType, body)
	p := requireProblem(t, resp, out, http.StatusUnprocessableEntity, ProblemValidation)
	assert.ElementsMatch(t, []string{"kit", "profile"}, fieldPaths(&p))

	// A broken UBL document names UBL paths.
	broken := bytes.Replace(body, []byte("<cbc:IssueDate>"), []byte("<cbc:IssueDate>x"), 1)
	resp, out = e.do(t, http.MethodPost, "/v1/documents?kit=roastery@live", secretRenderer, XMLContentType, broken)
	p = requireProblem(t, resp, out, http.StatusUnprocessableEntity, ProblemValidation)
	require.NotEmpty(t, p.Errors)
	assert.Contains(t, p.Errors[0].Path, "IssueDate", "%s", out)
	assert.Equal(t, "issue_date", p.Errors[0].Target)
}

func TestMappingUBLRefusesXXE(t *testing.T) {
	e := newMappingEnv(t, "mem")
	xxe := []byte(`<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&xxe;</cbc:ID></Invoice>`)
	resp, out := e.do(t, http.MethodPost, "/v1/documents?kit=roastery@live", secretRenderer, XMLContentType, xxe)
	p := requireProblem(t, resp, out, http.StatusUnprocessableEntity, ProblemValidation)
	require.Len(t, p.Errors, 1)
	assert.Equal(t, "body", p.Errors[0].Path)
	assert.Contains(t, p.Errors[0].Message, "DOCTYPE")
	assert.NotContains(t, string(out), "root:")

	resp, out = e.do(t, http.MethodPost, "/v1/documents?kit=roastery@live", secretRenderer, "text/xml", mustSource(t, "ubl-invoice.xml"))
	requireProblem(t, resp, out, http.StatusUnsupportedMediaType, ProblemMediaType)
}

// postCSVBatch posts a CSV billing run as a batch with query and returns
// the response.
func (e *testEnv) postCSVBatch(t testing.TB, query string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/v1/batches?"+query, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secretRenderer)
	req.Header.Set("Content-Type", CSVContentType+"; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

func TestMappingCSVBatch(t *testing.T) {
	for _, backend := range []string{"mem", "file"} {
		t.Run(backend, func(t *testing.T) {
			e := newMappingEnv(t, backend)
			run := mustSource(t, "billing-run.csv")
			resp := e.postCSVBatch(t, "profile=billing-run@1&kit=polderstroom@live&formats=html", bytes.NewReader(run))
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			results, sum := newBatchStream(t, resp.Body).all()
			require.Len(t, results, 3)
			assert.Equal(t, BatchCounts{Lines: 3, OK: 3}, sum)
			for i, want := range []struct{ number, rows string }{
				{"PS-F-2026-11-600101", "rows 2-4"},
				{"PS-F-2026-11-600102", "rows 5-6"},
				{"PS-F-2026-11-600103", "rows 7-9"},
			} {
				r := results[i]
				require.Nil(t, r.Error, "%+v", r.Error)
				assert.Equal(t, want.rows, r.Rows)
				assert.Equal(t, want.number, r.Document.Number)
				assert.Contains(t, storedHTML(t, e, *r.Document), want.number)
			}

			// A broken row fails its invoice alone.
			broken := bytes.Replace(run, []byte(";245,5;"), []byte(";zwei;"), 1)
			resp2 := e.postCSVBatch(t, "profile=billing-run&kit=polderstroom@live&formats=html", bytes.NewReader(broken))
			defer resp2.Body.Close()
			require.Equal(t, http.StatusOK, resp2.StatusCode)
			results, sum = newBatchStream(t, resp2.Body).all()
			require.Len(t, results, 3)
			assert.Equal(t, BatchCounts{Lines: 3, OK: 2, Errors: 1}, sum)
			assert.Equal(t, results[0].Document.ID, mustFirst(t, e, run), "same run, same documents")
			bad := results[1]
			require.NotNil(t, bad.Error)
			assert.Equal(t, "rows 5-6", bad.Rows)
			assert.Equal(t, http.StatusUnprocessableEntity, bad.Error.Status)
			require.NotEmpty(t, bad.Error.Errors)
			assert.Contains(t, bad.Error.Errors[0].Path, "row 5", "%+v", bad.Error.Errors)
			assert.Equal(t, "lines[0].quantity", bad.Error.Errors[0].Target)
		})
	}
}

// mustFirst returns the document id of the first invoice of run, rendered
// as TestMappingCSVBatch does.
func mustFirst(t testing.TB, e *testEnv, run []byte) string {
	t.Helper()
	resp := e.postCSVBatch(t, "profile=billing-run@live&kit=polderstroom@live&formats=html", bytes.NewReader(run))
	defer resp.Body.Close()
	results, _ := newBatchStream(t, resp.Body).all()
	require.NotNil(t, results[0].Document)
	return results[0].Document.ID
}

func TestMappingCSVBatchRefusals(t *testing.T) {
	e := newMappingEnv(t, "mem")
	run := mustSource(t, "billing-run.csv")
	for query, want := range map[string][]string{
		"kit=polderstroom@live":                             {"profile"},
		"profile=billing-run@1":                             {"kit"},
		"profile=nope&kit=polderstroom@live":                {"profile"},
		"profile=sap-export@1&kit=polderstroom@live":        {"profile"},
		"profile=billing-run@1&kit=polderstroom@live&x=1":   {"x"},
		"profile=billing-run@1&kit=polderstroom@live&kit=a": {"kit"},
	} {
		resp := e.postCSVBatch(t, query, bytes.NewReader(run))
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		p := requireProblem(t, resp, body, http.StatusUnprocessableEntity, ProblemValidation)
		assert.Equal(t, want, fieldPaths(&p), "query %s: %s", query, body)
	}

	// A header without the group_by column ends the run in the summary.
	resp := e.postCSVBatch(t, "profile=billing-run@1&kit=polderstroom@live", strings.NewReader("a;b\n1;2\n"))
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	results, sum := newBatchStream(t, resp.Body).all()
	assert.Empty(t, results)
	assert.True(t, sum.Stopped)
	require.NotNil(t, sum.Error)
	assert.Equal(t, http.StatusUnprocessableEntity, sum.Error.Status)
}

func TestMappingNDJSONBatchWithProfile(t *testing.T) {
	e := newMappingEnv(t, "mem")
	good, err := json.Marshal(DocumentRequest{Kit: "roastery@live", Profile: "sap-export@live", Data: mustSource(t, "sap-export.json"), Formats: []string{"html"}})
	require.NoError(t, err)
	bad, err := json.Marshal(DocumentRequest{Kit: "roastery@live", Profile: "sap-export@1", Data: json.RawMessage(`{"BELEGKOPF":{}}`)})
	require.NoError(t, err)
	resp := e.startBatch(t, context.Background(), secretRenderer, bytes.NewReader(append(append(good, '\n'), bad...)))
	defer resp.Body.Close()
	results, sum := newBatchStream(t, resp.Body).all()
	assert.Equal(t, BatchCounts{Lines: 2, OK: 1, Errors: 1}, sum)
	assert.Equal(t, "0090012345", results[0].Document.Number)
	assert.Contains(t, fieldPaths(results[1].Error), "data.BELEGKOPF.BELEGNR")
}

// csvRun generates a billing run of n invoices of 1 to 3 rows each in the
// shape of the sample billing run, one invoice per Read.
type csvRun struct {
	n, next int
	buf     []byte
	header  bool
}

func (r *csvRun) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case !r.header:
			r.header = true
			r.buf = []byte("factuurnr;factuurdatum;vervaldatum;klantnr;naam;straat;postcode;plaats;periode_van;periode_tot;omschrijving;aantal;eenheid;prijs;btw\n")
		case r.next == r.n:
			return 0, io.EOF
		default:
			r.next++
			var b bytes.Buffer
			for row := range 1 + r.next%3 {
				fmt.Fprintf(&b, "PS-F-BENCH-%07d;03-12-2026;17-12-2026;PS-%07d;KLANT %d;STRAAT %d;1073 LN;AMSTERDAM;01-11-2026;30-11-2026;REGEL %d;%d,5;KWH;0,27460;21\n",
					r.next, r.next, r.next, r.next, row, row+1)
			}
			r.buf = b.Bytes()
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// BenchmarkCSVBatch streams a generated billing run (1 to 3 rows per
// invoice, 2 on average) through POST /v1/batches as text/csv on the file
// backend, rendering and storing PDF and HTML, and reports documents per
// second and the peak heap in use while it runs. The run has
// $LIVERY_BENCH_CSV_INVOICES invoices (default 2,000); docs/benchmarks.md
// records the 100,000-row run (50,000 invoices).
func BenchmarkCSVBatch(b *testing.B) {
	invoices := 2_000
	if v := os.Getenv("LIVERY_BENCH_CSV_INVOICES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("LIVERY_BENCH_CSV_INVOICES=%q: want a positive number", v)
		}
		invoices = n
	}
	e := newMappingEnv(b, "file")
	for b.Loop() {
		var peak uint64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			var ms runtime.MemStats
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				select {
				case <-done:
					return
				case <-tick.C:
				}
			}
		})
		start := time.Now()
		q := url.Values{"profile": {"billing-run@1"}, "kit": {"polderstroom@live"}, "formats": {"pdf,html"}}
		resp := e.postCSVBatch(b, q.Encode(), &csvRun{n: invoices})
		// Results are counted, not kept, so the heap is the server's.
		stream := newBatchStream(b, resp.Body)
		n := 0
		for r := stream.result(); r != nil; r = stream.result() {
			n++
		}
		resp.Body.Close()
		elapsed := time.Since(start)
		close(done)
		wg.Wait()
		if stream.summary.OK != invoices || n != invoices {
			b.Fatalf("%d results, summary %+v", n, *stream.summary)
		}
		b.ReportMetric(float64(invoices)/elapsed.Seconds(), "docs/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}
