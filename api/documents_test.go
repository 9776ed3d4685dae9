package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
	"github.com/liveryhq/livery/storage"
)

// docRequest builds a DocumentRequest for a sample document.
func docRequest(t testing.TB, kit, sample string, formats ...string) DocumentRequest {
	t.Helper()
	return DocumentRequest{Kit: kit, Data: sampleDocument(t, sample), Formats: formats}
}

// postDocument sends req to POST /v1/documents.
func (e *testEnv) postDocument(t testing.TB, secret string, req any, headers ...string) (*http.Response, []byte) {
	t.Helper()
	return e.doJSON(t, http.MethodPost, "/v1/documents", secret, req, headers...)
}

// mustCreateDocument posts req as the renderer and requires status.
func (e *testEnv) mustCreateDocument(t testing.TB, req DocumentRequest, status int, headers ...string) DocumentRecord {
	t.Helper()
	resp, body := e.postDocument(t, secretRenderer, req, headers...)
	return mustRecord(t, resp, body, status)
}

// mustRecord requires status and decodes the DocumentRecord in body.
func mustRecord(t testing.TB, resp *http.Response, body []byte, status int) DocumentRecord {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "body: %s", body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var rec DocumentRecord
	require.NoError(t, json.Unmarshal(body, &rec), "%s", body)
	return rec
}

// mustRenderDirect renders data with the kit version ref names through the
// render package alone, as a library user would.
func (e *testEnv) mustRenderDirect(t testing.TB, ref string, data []byte, formats ...render.Format) *render.Output {
	t.Helper()
	ctx := context.Background()
	v, err := e.Kits.Resolve(ctx, ref)
	require.NoError(t, err)
	kit, _, err := e.Kits.Load(ctx, v)
	require.NoError(t, err)
	r, err := render.New(kit)
	require.NoError(t, err)
	doc, err := render.ParseDocument(data)
	require.NoError(t, err)
	out, err := r.Render(doc, formats...)
	require.NoError(t, err)
	return out
}

// mustKeys lists the keys under prefix.
func mustKeys(t testing.TB, b *storage.Bucket, prefix string) []string {
	t.Helper()
	objs, err := b.List(context.Background(), prefix)
	require.NoError(t, err)
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	return keys
}

// metricSum adds up a metric family's counter values or histogram sample
// counts across labels.
func (e *testEnv) metricSum(t testing.TB, name string) float64 {
	t.Helper()
	families, err := e.Server.metrics.registry.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			sum += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

// renders counts the renders the server timed, all formats together.
func (e *testEnv) renders(t testing.TB) float64 {
	return e.metricSum(t, "livery_render_duration_seconds")
}

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// contentTypes are the media types documents are stored and served as.
var contentTypes = map[render.Format]string{
	render.FormatPDF:  "application/pdf",
	render.FormatHTML: "text/html; charset=utf-8",
	render.FormatText: "text/plain; charset=utf-8",
}

func TestCreateDocumentStoresEveryFormat(t *testing.T) {
	cases := []struct {
		name, kit, sample string
		formats           []string
		want              []render.Format
		number            string
		filename          string
	}{
		{"default formats", "roastery", "invoice-onepage.json", nil,
			[]render.Format{render.FormatPDF, render.FormatHTML}, "RE-2026-11873", "RE-2026-11873"},
		{"text only, pinned", "insurer@live", "payment-reminder.json", []string{"txt"},
			[]render.Format{render.FormatText}, "HH-2231-0457/ARR/11", "HH-2231-0457-ARR-11"},
		{"all three, any order, version", "telecom@1", "credit-note.json", []string{"txt", "pdf", "html"},
			[]render.Format{render.FormatPDF, render.FormatHTML, render.FormatText}, "", ""},
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					req := docRequest(t, tc.kit, tc.sample, tc.formats...)
					resp, body := e.postDocument(t, secretRenderer, req)
					rec := mustRecord(t, resp, body, http.StatusCreated)
					assert.Equal(t, "/v1/documents/"+rec.ID, resp.Header.Get("Location"))
					assert.Equal(t, rec.ID, resp.Header.Get(HeaderDocumentID))
					assert.Regexp(t, `^[0-9a-f]{32}$`, rec.ID)

					v, err := e.Kits.Resolve(context.Background(), tc.kit)
					require.NoError(t, err)
					assert.Equal(t, KitRef{Name: v.Name, Version: 1, Hash: v.Hash}, rec.Kit)
					doc, err := render.ParseDocument(req.Data)
					require.NoError(t, err)
					assert.Equal(t, string(doc.Type), rec.Type)
					if tc.number != "" {
						assert.Equal(t, tc.number, rec.Number)
					}
					assert.WithinDuration(t, time.Now(), rec.Created, time.Minute)
					require.Len(t, rec.Formats, len(tc.want))

					direct := e.mustRenderDirect(t, tc.kit, req.Data, tc.want...)
					for _, f := range tc.want {
						want := direct.Bytes(f)
						require.NotEmpty(t, want)
						sf := rec.Formats[string(f)]
						assert.Equal(t, hexSum(want), sf.SHA256, "%s sha256", f)
						assert.Equal(t, int64(len(want)), sf.Size, "%s size", f)
						assert.Equal(t, "documents/content/"+sf.SHA256+f.Extension(), sf.Key)
						assert.Equal(t, "/v1/documents/"+rec.ID+"/"+string(f), sf.URL)
						assert.Equal(t, contentTypes[f], sf.ContentType)

						resp, got := e.do(t, http.MethodGet, sf.URL, secretRenderer, "", nil)
						require.Equal(t, http.StatusOK, resp.StatusCode, "%s", got)
						assert.True(t, bytes.Equal(want, got), "%s bytes differ from a direct render", f)
						assert.Equal(t, sf.ContentType, resp.Header.Get("Content-Type"))
						assert.Equal(t, strconv.Itoa(len(want)), resp.Header.Get("Content-Length"))
						assert.Equal(t, `"`+sf.SHA256+`"`, resp.Header.Get("ETag"))
						assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
						name := tc.filename
						if name == "" {
							name = rec.Number
						}
						if name == "" {
							name = rec.ID
						}
						assert.Equal(t, `attachment; filename=`+name+f.Extension(), resp.Header.Get("Content-Disposition"))
					}

					resp, body = e.do(t, http.MethodGet, "/v1/documents/"+rec.ID, secretRenderer, "", nil)
					assert.Equal(t, rec, mustRecord(t, resp, body, http.StatusOK))
				})
			}
		})
	}
}

func TestCreateDocumentSameRequestFindsStoredDocument(t *testing.T) {
	e := newTestEnv(t, "file", nil)
	req := docRequest(t, "roastery@live", "invoice-onepage.json")
	first := e.mustCreateDocument(t, req, http.StatusCreated)
	keys, renders := mustKeys(t, e.Bucket, "documents/"), e.renders(t)
	assert.Equal(t, 2.0, renders, "one render per format")

	// Whitespace in the data does not make another document.
	var indented bytes.Buffer
	require.NoError(t, json.Indent(&indented, req.Data, "", "\t"))
	again := req
	again.Data = indented.Bytes()
	second := e.mustCreateDocument(t, again, http.StatusOK)
	assert.Equal(t, first, second)
	assert.Equal(t, keys, mustKeys(t, e.Bucket, "documents/"), "no object was added")
	assert.Equal(t, renders, e.renders(t), "nothing was rendered again")

	// Other formats are another document; the PDF they share is stored once.
	pdfOnly := e.mustCreateDocument(t, docRequest(t, "roastery@live", "invoice-onepage.json", "pdf"), http.StatusCreated)
	assert.NotEqual(t, first.ID, pdfOnly.ID)
	assert.Equal(t, first.Formats["pdf"].Key, pdfOnly.Formats["pdf"].Key)
	assert.Len(t, mustKeys(t, e.Bucket, "documents/content/"), 2)
	assert.Equal(t, float64(first.Formats["pdf"].Size+first.Formats["html"].Size),
		e.metricSum(t, "livery_bytes_stored_total"), "bytes stored counts each new object once")
}

func TestCreateDocumentIdempotencyKey(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			req := docRequest(t, "roastery@live", "invoice-onepage.json", "pdf", "txt")
			key := []string{HeaderIdempotencyKey, "run-2026-11/line-17"}

			resp, body := e.postDocument(t, secretRenderer, req, key...)
			first := mustRecord(t, resp, body, http.StatusCreated)
			assert.Empty(t, resp.Header.Get(HeaderIdempotentReplayed))
			keys, renders := mustKeys(t, e.Bucket, ""), e.renders(t)
			assert.Len(t, mustKeys(t, e.Bucket, "documents/idempotency/"), 1)

			// The retry: the same answer, nothing rendered or stored again.
			resp, body = e.postDocument(t, secretRenderer, req, key...)
			assert.Equal(t, first, mustRecord(t, resp, body, http.StatusCreated))
			assert.Equal(t, "true", resp.Header.Get(HeaderIdempotentReplayed))
			assert.Equal(t, "/v1/documents/"+first.ID, resp.Header.Get("Location"))
			assert.Equal(t, keys, mustKeys(t, e.Bucket, ""), "the retry stored nothing")
			assert.Equal(t, renders, e.renders(t), "the retry rendered nothing")

			// The key keeps its document even after the live pin moves on.
			publishRoasteryV2(t, e)
			resp, body = e.postDocument(t, secretRenderer, req, key...)
			assert.Equal(t, first, mustRecord(t, resp, body, http.StatusCreated))
			moved := e.mustCreateDocument(t, req, http.StatusCreated)
			assert.Equal(t, 2, moved.Kit.Version, "without the key, live is version 2 now")
			assert.NotEqual(t, first.ID, moved.ID)

			// The same key for another request is a conflict.
			other := docRequest(t, "roastery@live", "invoice-onepage.json", "pdf")
			resp, body = e.postDocument(t, secretRenderer, other, key...)
			p := requireProblem(t, resp, body, http.StatusConflict, ProblemConflict)
			assert.Contains(t, p.Detail, first.ID)

			// Keys are per API key: another client's same key is its own.
			resp, body = e.postDocument(t, secretAdmin, other, key...)
			assert.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
		})
	}
}

// publishRoasteryV2 publishes a changed roastery kit as version 2 and pins
// live to it.
func publishRoasteryV2(t testing.TB, e *testEnv) {
	t.Helper()
	fsys, err := samples.KitFS("roastery")
	require.NoError(t, err)
	files, err := brandkits.FilesFromFS(fsys)
	require.NoError(t, err)
	files["kit.yaml"] = append(bytes.Clone(files["kit.yaml"]), "\n# version 2\n"...)
	ctx := context.Background()
	v, err := e.Kits.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Author: "test"})
	require.NoError(t, err)
	require.Equal(t, 2, v.Number)
	require.NoError(t, e.Kits.Pin(ctx, "roastery", "live", 2))
	// The pin moved behind the server's back, which it would notice only
	// after Config.KitCacheTTL.
	e.Server.kits.forget("roastery")
}

func TestCreateDocumentConcurrentRetries(t *testing.T) {
	e := newTestEnv(t, "file", nil)
	req := docRequest(t, "roastery", "invoice-onepage.json")
	const n = 6
	ids := make([]string, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, body := e.postDocument(t, secretRenderer, req, HeaderIdempotencyKey, "same-key")
			var rec DocumentRecord
			if assert.NoError(t, json.Unmarshal(body, &rec), "%s", body) {
				ids[i], statuses[i] = rec.ID, resp.StatusCode
			}
		})
	}
	wg.Wait()
	for i := range n {
		assert.Equal(t, ids[0], ids[i])
		assert.Contains(t, []int{http.StatusCreated, http.StatusOK}, statuses[i])
	}
	assert.Len(t, mustKeys(t, e.Bucket, "documents/records/"), 1)
	assert.Len(t, mustKeys(t, e.Bucket, "documents/content/"), 2)
	assert.Len(t, mustKeys(t, e.Bucket, "documents/idempotency/"), 1)
}

func TestCreateDocumentInline(t *testing.T) {
	e := newTestEnv(t, "file", nil)
	req := docRequest(t, "roastery", "invoice-onepage.json")
	direct := e.mustRenderDirect(t, "roastery", req.Data, render.FormatPDF)

	cases := []struct {
		name    string
		path    string
		headers []string
		status  int
	}{
		{"Accept application/pdf", "/v1/documents", []string{"Accept", "application/pdf"}, http.StatusCreated},
		{"Accept ranks pdf first, stored already", "/v1/documents", []string{"Accept", "application/json;q=0.5, application/pdf"}, http.StatusOK},
		{"inline=pdf", "/v1/documents?inline=pdf", nil, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := json.Marshal(req)
			require.NoError(t, err)
			resp, got := e.do(t, http.MethodPost, tc.path, secretRenderer, "application/json", body, tc.headers...)
			require.Equal(t, tc.status, resp.StatusCode, "%s", got)
			assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
			assert.True(t, bytes.Equal(direct.PDF, got), "the body is the PDF")
			id := resp.Header.Get(HeaderDocumentID)
			assert.Equal(t, "/v1/documents/"+id, resp.Header.Get("Location"))
			assert.Equal(t, `"`+hexSum(direct.PDF)+`"`, resp.Header.Get("ETag"))
			assert.Equal(t, "inline; filename=RE-2026-11873.pdf", resp.Header.Get("Content-Disposition"))
		})
	}

	t.Run("html inline is sandboxed", func(t *testing.T) {
		resp, got := e.postDocument(t, secretRenderer, req)
		rec := mustRecord(t, resp, got, http.StatusOK)
		body, err := json.Marshal(req)
		require.NoError(t, err)
		resp, got = e.do(t, http.MethodPost, "/v1/documents?inline=html", secretRenderer, "application/json", body)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", got)
		assert.Equal(t, rec.Formats["html"].SHA256, hexSum(got))
		assert.Equal(t, "sandbox", resp.Header.Get("Content-Security-Policy"))
	})

	t.Run("pdf not among the formats", func(t *testing.T) {
		records := mustKeys(t, e.Bucket, "documents/records/")
		resp, body := e.postDocument(t, secretRenderer, docRequest(t, "roastery", "invoice-onepage.json", "html"), "Accept", "application/pdf")
		requireProblem(t, resp, body, http.StatusNotAcceptable, ProblemNotAccept)
		assert.Equal(t, records, mustKeys(t, e.Bucket, "documents/records/"), "refused before rendering")
	})
	t.Run("Accept nothing we make", func(t *testing.T) {
		resp, body := e.postDocument(t, secretRenderer, req, "Accept", "text/csv")
		requireProblem(t, resp, body, http.StatusNotAcceptable, ProblemNotAccept)
	})
	t.Run("unknown inline format", func(t *testing.T) {
		body, err := json.Marshal(req)
		require.NoError(t, err)
		resp, got := e.do(t, http.MethodPost, "/v1/documents?inline=docx", secretRenderer, "application/json", body)
		requireProblem(t, resp, got, http.StatusBadRequest, ProblemBadRequest)
	})
}

func TestCreateDocumentRefusals(t *testing.T) {
	e := newTestEnv(t, "file", nil)
	good := sampleDocument(t, "invoice-onepage.json")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(good, &doc))
	doc["lines"].([]any)[0].(map[string]any)["quantity"] = "0"
	badQuantity, err := json.Marshal(doc)
	require.NoError(t, err)
	body := func(fields string) []byte {
		return []byte(`{"kit":"roastery",` + fields + `"data":` + string(good) + `}`)
	}

	cases := []struct {
		name        string
		secret      string
		contentType string
		body        []byte
		headers     []string
		status      int
		slug        string
		paths       []string // field problems, when the problem lists them
	}{
		{name: "no API key", body: body(""), status: 401, slug: ProblemUnauth},
		{name: "designer", secret: secretDesigner, body: body(""), status: 403, slug: ProblemForbidden},
		{name: "other tenant", secret: secretRendererRoastery, body: []byte(`{"kit":"insurer","data":` + string(good) + `}`), status: 403, slug: ProblemForbidden},
		{name: "other tenant, even unknown kit", secret: secretRendererRoastery, body: []byte(`{"kit":"nosuchkit","data":{}}`), status: 403, slug: ProblemForbidden},
		{name: "not JSON", body: []byte(`{"kit":`), status: 400, slug: ProblemBadRequest},
		{name: "empty body", body: nil, status: 400, slug: ProblemBadRequest},
		{name: "JSON array", body: []byte(`[]`), status: 400, slug: ProblemBadRequest},
		{name: "form content type", contentType: "application/x-www-form-urlencoded", body: body(""), status: 415, slug: ProblemMediaType},
		{name: "unknown fields", body: body(`"kits":"x","Formats":["pdf"],`), status: 422, slug: ProblemValidation, paths: []string{"Formats", "kits"}},
		{name: "kit of the wrong type", body: []byte(`{"kit":3,"data":{}}`), status: 422, slug: ProblemValidation, paths: []string{"kit"}},
		{name: "formats not a list", body: body(`"formats":"pdf",`), status: 422, slug: ProblemValidation, paths: []string{"formats"}},
		{name: "bad formats", body: body(`"formats":["pdf","docx","pdf",7],`), status: 422, slug: ProblemValidation,
			paths: []string{"formats[3]"}},
		{name: "unknown and repeated formats", body: body(`"formats":["pdf","docx","pdf","sms"],`), status: 422, slug: ProblemValidation,
			paths: []string{"formats[1]", "formats[2]", "formats[3]"}},
		{name: "no formats", body: body(`"formats":[],`), status: 422, slug: ProblemValidation, paths: []string{"formats"}},
		{name: "type disagrees with data", body: body(`"type":"notice",`), status: 422, slug: ProblemValidation, paths: []string{"type"}},
		{name: "unknown type", body: body(`"type":"letter",`), status: 422, slug: ProblemValidation, paths: []string{"type"}},
		{name: "invalid document", body: []byte(`{"kit":"roastery","data":` + string(badQuantity) + `}`), status: 422, slug: ProblemValidation,
			paths: []string{"data.lines[0].quantity"}},
		{name: "no data", body: []byte(`{"kit":"roastery"}`), status: 422, slug: ProblemValidation, paths: []string{"data"}},
		{name: "every problem at once", body: []byte(`{"kit":"Roastery!","type":"letter","formats":["doc"],"data":{"type":"invoice"}}`),
			status: 422, slug: ProblemValidation, paths: []string{"kit", "type", "formats[0]", "data.buyer"}},
		{name: "bad kit reference", body: []byte(`{"kit":"roastery@0","data":` + string(good) + `}`), status: 422, slug: ProblemValidation, paths: []string{"kit"}},
		{name: "no kit", body: []byte(`{"data":` + string(good) + `}`), status: 422, slug: ProblemValidation, paths: []string{"kit"}},
		{name: "unknown kit", body: []byte(`{"kit":"nosuchkit","data":` + string(good) + `}`), status: 422, slug: ProblemValidation, paths: []string{"kit"}},
		{name: "unknown version", body: []byte(`{"kit":"roastery@9","data":` + string(good) + `}`), status: 422, slug: ProblemValidation, paths: []string{"kit"}},
		{name: "unknown pin", body: []byte(`{"kit":"roastery@staging","data":` + string(good) + `}`), status: 422, slug: ProblemValidation, paths: []string{"kit"}},
		{name: "empty idempotency key", body: body(""), headers: []string{HeaderIdempotencyKey, ""}, status: 400, slug: ProblemBadRequest},
		{name: "idempotency key too long", body: body(""), headers: []string{HeaderIdempotencyKey, strings.Repeat("k", 256)}, status: 400, slug: ProblemBadRequest},
		{name: "idempotency key not ASCII", body: body(""), headers: []string{HeaderIdempotencyKey, "schlüssel"}, status: 400, slug: ProblemBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct, secret := tc.contentType, tc.secret
			if ct == "" {
				ct = "application/json"
			}
			if secret == "" && tc.status != http.StatusUnauthorized {
				secret = secretRenderer
			}
			resp, got := e.do(t, http.MethodPost, "/v1/documents", secret, ct, tc.body, tc.headers...)
			p := requireProblem(t, resp, got, tc.status, tc.slug)
			if tc.paths != nil {
				var paths []string
				for _, fp := range p.Errors {
					paths = append(paths, fp.Path)
				}
				for _, want := range tc.paths {
					assert.Contains(t, paths, want, "problem: %s", got)
				}
			}
		})
	}
	assert.Empty(t, mustKeys(t, e.Bucket, "documents/"), "no refusal stored anything")
	assert.Zero(t, e.renders(t), "no refusal rendered anything")
}

func TestGetDocument(t *testing.T) {
	e := newTestEnv(t, "file", nil)
	roastery := e.mustCreateDocument(t, docRequest(t, "roastery", "invoice-onepage.json"), http.StatusCreated)
	insurer := e.mustCreateDocument(t, docRequest(t, "insurer", "payment-reminder.json", "txt"), http.StatusCreated)

	cases := []struct {
		name   string
		secret string
		path   string
		status int
		slug   string
	}{
		{"renderer", secretRenderer, "/v1/documents/" + roastery.ID, 200, ""},
		{"designer", secretDesigner, "/v1/documents/" + roastery.ID + "/html", 200, ""},
		{"tenant's own kit", secretRendererRoastery, "/v1/documents/" + roastery.ID + "/pdf", 200, ""},
		{"other tenant's document", secretRendererRoastery, "/v1/documents/" + insurer.ID, 403, ProblemForbidden},
		{"other tenant's content", secretDesignerRoastery, "/v1/documents/" + insurer.ID + "/txt", 403, ProblemForbidden},
		{"no API key", "", "/v1/documents/" + roastery.ID, 401, ProblemUnauth},
		{"unknown id", secretRenderer, "/v1/documents/" + strings.Repeat("0", 32), 404, ProblemNotFound},
		{"unknown id, content", secretRenderer, "/v1/documents/" + strings.Repeat("0", 32) + "/pdf", 404, ProblemNotFound},
		{"id not hex", secretRenderer, "/v1/documents/" + strings.Repeat("z", 32), 404, ProblemNotFound},
		{"id too short", secretRenderer, "/v1/documents/" + roastery.ID[:31], 404, ProblemNotFound},
		{"id upper case", secretRenderer, "/v1/documents/" + strings.ToUpper(roastery.ID), 404, ProblemNotFound},
		{"id climbing out", secretRenderer, "/v1/documents/..%2F..%2Fkits", 404, ProblemNotFound},
		{"format not rendered", secretRenderer, "/v1/documents/" + roastery.ID + "/txt", 404, ProblemNotFound},
		{"unknown format", secretRenderer, "/v1/documents/" + roastery.ID + "/docx", 404, ProblemNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, http.MethodGet, tc.path, tc.secret, "", nil)
			if tc.slug == "" {
				assert.Equal(t, tc.status, resp.StatusCode, "%s", body)
				return
			}
			requireProblem(t, resp, body, tc.status, tc.slug)
		})
	}

	t.Run("content missing behind a record", func(t *testing.T) {
		rec := e.mustCreateDocument(t, docRequest(t, "telecom", "credit-note.json", "txt"), http.StatusCreated)
		require.NoError(t, e.Bucket.Blob().Delete(context.Background(), rec.Formats["txt"].Key))
		resp, body := e.do(t, http.MethodGet, rec.Formats["txt"].URL, secretRenderer, "", nil)
		p := requireProblem(t, resp, body, http.StatusInternalServerError, ProblemInternal)
		assert.NotContains(t, p.Detail, "documents/")
	})

	t.Run("If-None-Match", func(t *testing.T) {
		etag := `"` + roastery.Formats["pdf"].SHA256 + `"`
		resp, body := e.do(t, http.MethodGet, roastery.Formats["pdf"].URL, secretRenderer, "", nil, "If-None-Match", `"other", `+etag)
		assert.Equal(t, http.StatusNotModified, resp.StatusCode)
		assert.Empty(t, body)
		assert.Equal(t, etag, resp.Header.Get("ETag"))
	})
}

func TestGetDocumentPresigned(t *testing.T) {
	presign := func(c *Config) { c.PresignDownloads = true }
	t.Run("s3 redirects", func(t *testing.T) {
		e := newTestEnv(t, "s3", presign)
		rec := e.mustCreateDocument(t, docRequest(t, "roastery", "invoice-onepage.json"), http.StatusCreated)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, err := http.NewRequest(http.MethodGet, e.URL+rec.Formats["pdf"].URL, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+secretRenderer)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		loc, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		assert.NotEmpty(t, loc.Query().Get("X-Amz-Signature"))
		assert.Equal(t, "300", loc.Query().Get("X-Amz-Expires"))

		// No API key: the signature is the permission.
		resp, err = http.Get(loc.String())
		require.NoError(t, err)
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, rec.Formats["pdf"].SHA256, hexSum(got))
		// Saved under the same name as a streamed download.
		assert.Equal(t, "attachment; filename=RE-2026-11873.pdf", resp.Header.Get("Content-Disposition"))
		assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))

		// The tenant check comes before the redirect.
		insurer := e.mustCreateDocument(t, docRequest(t, "insurer", "payment-reminder.json"), http.StatusCreated)
		resp2, body := e.do(t, http.MethodGet, insurer.Formats["pdf"].URL, secretRendererRoastery, "", nil)
		requireProblem(t, resp2, body, http.StatusForbidden, ProblemForbidden)
	})
	t.Run("file streams", func(t *testing.T) {
		e := newTestEnv(t, "file", presign)
		rec := e.mustCreateDocument(t, docRequest(t, "roastery", "invoice-onepage.json"), http.StatusCreated)
		resp, got := e.do(t, http.MethodGet, rec.Formats["html"].URL, secretRenderer, "", nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, rec.Formats["html"].SHA256, hexSum(got))
	})
}

// flakyS3 stands in front of an S3 server and fails on demand.
type flakyS3 struct {
	next http.Handler
	// putsLeft is how many more PUTs pass while limited is set; the rest
	// get 500 InternalError.
	putsLeft atomic.Int64
	limited  atomic.Bool
	// down drops every connection without an answer, as a server that
	// went away.
	down atomic.Bool
	puts atomic.Int64
	// onPut, when set before requests start, runs for every PUT before it
	// is passed on; the PUT is passed on once it returns.
	onPut func(r *http.Request)
}

func (f *flakyS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	if r.Method == http.MethodPut {
		f.puts.Add(1)
		if f.onPut != nil {
			f.onPut(r)
		}
		if f.limited.Load() && f.putsLeft.Add(-1) < 0 {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected</Message></Error>`)
			return
		}
	}
	f.next.ServeHTTP(w, r)
}

// newFlakyEnv is an "s3" test env whose storage goes through a flakyS3;
// edits adjust its Config.
// Unless retries is set, the AWS SDK gives up after one attempt instead of
// three with backoff, which ends in the same error seconds sooner.
func newFlakyEnv(t *testing.T, retries bool, edits ...func(*Config)) (*testEnv, *flakyS3) {
	t.Helper()
	if !retries {
		setenv(t, "AWS_MAX_ATTEMPTS", "1")
	}
	target, err := url.Parse(startGofakes3(t))
	require.NoError(t, err)
	flaky := &flakyS3{next: httputil.NewSingleHostReverseProxy(target)}
	proxy := httptest.NewServer(flaky)
	t.Cleanup(proxy.Close)
	b, err := storage.Open(context.Background(), "s3://livery?region=us-east-1&endpoint="+proxy.URL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	kits := storage.NewKitStore(b)
	_, err = samples.Publish(context.Background(), kits, "test")
	require.NoError(t, err)
	e := newTestEnv(t, "mem", func(c *Config) {
		c.Bucket, c.Kits = b, kits
		for _, edit := range edits {
			edit(c)
		}
	})
	e.Bucket, e.Kits = b, kits
	return e, flaky
}

// requireConsistent checks the documents layout: every record names stored
// content that matches it, every idempotency entry names a stored record.
func requireConsistent(t *testing.T, b *storage.Bucket) {
	t.Helper()
	ctx := context.Background()
	for _, key := range mustKeys(t, b, "documents/records/") {
		data, _, err := b.Get(ctx, key)
		require.NoError(t, err)
		var rec DocumentRecord
		require.NoError(t, json.Unmarshal(data, &rec))
		for f, sf := range rec.Formats {
			obj, err := b.Stat(ctx, sf.Key)
			require.NoError(t, err, "record %s names %s content %s", rec.ID, f, sf.Key)
			assert.Equal(t, sf.SHA256, obj.SHA256)
		}
	}
	for _, key := range mustKeys(t, b, "documents/idempotency/") {
		data, _, err := b.Get(ctx, key)
		require.NoError(t, err)
		var entry storage.IdempotencyEntry
		require.NoError(t, json.Unmarshal(data, &entry))
		_, err = b.Stat(ctx, "documents/records/"+entry.DocumentID+".json")
		require.NoError(t, err, "idempotency entry %s names a missing record", key)
	}
}

func TestCreateDocumentStorageFailure(t *testing.T) {
	// Each request writes, in order: the PDF, the HTML, the record and the
	// idempotency entry. passing is how many of them land.
	cases := []struct {
		name       string
		passing    int64
		down       bool
		wantRecord bool // the record landed before the failure
		retries    bool // as in production: the SDK tries three times
	}{
		{name: "first content write fails", passing: 0},
		{name: "second content write fails", passing: 1},
		{name: "record write fails", passing: 2},
		{name: "idempotency entry write fails", passing: 3, wantRecord: true},
		{name: "server gone", down: true},
		{name: "server gone, after retries", down: true, retries: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, flaky := newFlakyEnv(t, tc.retries)
			req := docRequest(t, "roastery@live", "invoice-onepage.json")
			key := []string{HeaderIdempotencyKey, "flaky-1"}

			flaky.putsLeft.Store(tc.passing)
			flaky.limited.Store(!tc.down)
			flaky.down.Store(tc.down)
			start := time.Now()
			resp, body := e.postDocument(t, secretRenderer, req, key...)
			p := requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemUnavailable)
			assert.NotContains(t, p.Detail, "documents/", "storage keys stay in the log")
			t.Logf("503 after %s", time.Since(start).Round(time.Millisecond))
			flaky.limited.Store(false)
			flaky.down.Store(false)

			assert.Empty(t, mustKeys(t, e.Bucket, "documents/idempotency/"), "no idempotency entry")
			records := mustKeys(t, e.Bucket, "documents/records/")
			if tc.wantRecord {
				assert.Len(t, records, 1, "the document itself was stored whole")
			} else {
				assert.Empty(t, records, "no record")
			}
			requireConsistent(t, e.Bucket)

			// The client's retry succeeds and reuses what landed.
			putsBefore := flaky.puts.Load()
			resp, body = e.postDocument(t, secretRenderer, req, key...)
			status := http.StatusCreated
			if tc.wantRecord {
				status = http.StatusOK
			}
			rec := mustRecord(t, resp, body, status)
			assert.Len(t, mustKeys(t, e.Bucket, "documents/records/"), 1)
			assert.Len(t, mustKeys(t, e.Bucket, "documents/content/"), 2)
			assert.Len(t, mustKeys(t, e.Bucket, "documents/idempotency/"), 1)
			requireConsistent(t, e.Bucket)
			assert.LessOrEqual(t, flaky.puts.Load()-putsBefore, int64(4))

			resp, got := e.do(t, http.MethodGet, rec.Formats["pdf"].URL, secretRenderer, "", nil)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, rec.Formats["pdf"].SHA256, hexSum(got))
		})
	}

	t.Run("reads fail too", func(t *testing.T) {
		e, flaky := newFlakyEnv(t, false)
		rec := e.mustCreateDocument(t, docRequest(t, "roastery", "invoice-onepage.json"), http.StatusCreated)
		flaky.down.Store(true)
		for _, path := range []string{"/v1/documents/" + rec.ID, rec.Formats["pdf"].URL} {
			resp, body := e.do(t, http.MethodGet, path, secretRenderer, "", nil)
			requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemUnavailable)
		}
	})
}

func TestCopyVerified(t *testing.T) {
	data := []byte("%PDF-1.7 whole document")
	cases := []struct {
		name    string
		r       io.Reader
		size    int64
		want    string
		wantErr bool
	}{
		{"whole", bytes.NewReader(data), int64(len(data)), string(data), false},
		{"empty", bytes.NewReader(nil), 0, "", false},
		{"short read", bytes.NewReader(data[:5]), int64(len(data)), string(data[:5]), true},
		{"longer than told", bytes.NewReader(data), 5, "%PDF", true},
		{"checksum fails at the end", io.MultiReader(bytes.NewReader(data), errReader{fmt.Errorf("checksum: %w", storage.ErrChecksum)}),
			int64(len(data)), string(data[:len(data)-1]), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			err := copyVerified(&w, tc.r, tc.size)
			assert.Equal(t, tc.wantErr, err != nil, "%v", err)
			assert.Equal(t, tc.want, w.String(), "the last byte is held back on failure")
		})
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestNegotiateRecordOrPDF(t *testing.T) {
	cases := []struct {
		accept string
		want   render.Format
		fails  bool
	}{
		{"", "", false},
		{"*/*", "", false},
		{"application/json", "", false},
		{"application/pdf", render.FormatPDF, false},
		{"application/pdf, */*;q=0.1", render.FormatPDF, false},
		{"application/json, application/pdf;q=0.9", "", false},
		{"application/pdf;q=0, application/json", "", false},
		{"text/html", "", true},
		{"application/pdf;q=0", "", true},
	}
	for _, tc := range cases {
		got, err := negotiateRecordOrPDF(tc.accept)
		assert.Equal(t, tc.fails, err != nil, "%q: %v", tc.accept, err)
		assert.Equal(t, tc.want, got, "%q", tc.accept)
	}
}
