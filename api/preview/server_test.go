package preview_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/api/preview"
	"github.com/liveryhq/livery/samples"
)

func TestPreviewPageListsEverySampleDocument(t *testing.T) {
	_, base := startPreview(t, preview.Options{NoPageImages: true})
	page := mustPage(t, base)
	assert.Contains(t, page, "Up to date")
	for _, kit := range samples.KitNames() {
		assert.Contains(t, page, `id="kit-`+kit+`"`)
	}
	pairs, err := samples.Pairs()
	require.NoError(t, err)
	require.Len(t, pairs, len(sampleDocumentNames(t)), "every sample document has a kit in pairs.json")
	for _, p := range pairs {
		id := strings.TrimSuffix(p.Document, ".json")
		t.Run(id, func(t *testing.T) {
			sec := docSection(t, page, id)
			assert.Contains(t, sec, `data-kit="`+p.Kit+`"`)
			assert.Contains(t, sec, "<h2>"+p.Document)
			assert.Contains(t, sec, `<iframe src="/doc/`+id+`/html?v=`)
			assert.Contains(t, sec, `sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"`)
			assert.Contains(t, sec, `<object data="/doc/`+id+`/pdf?v=`, "without page images the browser shows the PDF")
			assert.Contains(t, page, `href="#doc-`+id+`"`, "listed in the table of contents")

			status, h, body := mustGet(t, base+"/doc/"+id+"/html")
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
			assert.Contains(t, h.Get("Content-Security-Policy"), "sandbox allow-same-origin")
			assert.NotContains(t, h.Get("Content-Security-Policy"), "allow-scripts")
			assert.True(t, strings.HasPrefix(string(body), "<!DOCTYPE html>"))

			status, h, body = mustGet(t, base+"/doc/"+id+"/pdf")
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, "application/pdf", h.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(string(body), "%PDF-"))

			status, _, _ = mustGet(t, base+"/doc/"+id+"/html", "If-None-Match", h.Get("ETag"))
			assert.Equal(t, http.StatusOK, status, "the HTML's ETag differs from the PDF's")
		})
	}
	status, _, _ := mustGet(t, base+"/doc/no-such-document/html")
	assert.Equal(t, http.StatusNotFound, status)
}

func TestPreviewChoosesKitsForDocuments(t *testing.T) {
	dataDir := t.TempDir()
	dataFile := mustCopySampleDocument(t, dataDir, "invoice-onepage.json")
	insurer := mustCopySampleKit(t, "insurer")
	everySampleKit := map[string]string{}
	for _, kit := range samples.KitNames() {
		everySampleKit["invoice-onepage@"+kit] = kit
	}
	require.Contains(t, everySampleKit, "invoice-onepage@roastery")
	tests := []struct {
		name string
		opts preview.Options
		want map[string]string // section id: kit
		docs int
	}{
		{
			name: "a kit folder renders every sample document",
			opts: preview.Options{KitDir: insurer},
			want: map[string]string{"invoice-onepage": "insurer", "policy-notice": "insurer", "invoice-60-lines": "insurer"},
			docs: len(sampleDocumentNames(t)),
		},
		{
			name: "a kit folder and a data file",
			opts: preview.Options{KitDir: insurer, DataPath: dataFile},
			want: map[string]string{"invoice-onepage": "insurer"},
			docs: 1,
		},
		{
			name: "a data file without a kit is rendered with every sample kit",
			opts: preview.Options{DataPath: dataFile},
			want: everySampleKit,
			docs: len(everySampleKit),
		},
		{
			name: "a data folder",
			opts: preview.Options{KitDir: insurer, DataPath: dataDir},
			want: map[string]string{"invoice-onepage": "insurer"},
			docs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.NoPageImages = true
			_, base := startPreview(t, tt.opts)
			page := mustPage(t, base)
			for id, kit := range tt.want {
				assert.Contains(t, docSection(t, page, id), `data-kit="`+kit+`"`, id)
			}
			assert.Equal(t, tt.docs, strings.Count(page, `<section class="card doc`))
		})
	}
}

func TestPreviewShowsKitErrorsWithPaths(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(t *testing.T, dir string)
		path  string
		msg   string
	}{
		{
			name:  "invalid colour",
			spoil: func(t *testing.T, dir string) { mustSetPrimary(t, dir, "#12345") },
			path:  "colors.primary", msg: `got "#12345"`,
		},
		{
			name: "unknown key",
			spoil: func(t *testing.T, dir string) {
				f, err := os.OpenFile(filepath.Join(dir, "kit.yaml"), os.O_APPEND|os.O_WRONLY, 0)
				require.NoError(t, err)
				_, err = f.WriteString("\nlogo_size: 12\n")
				require.NoError(t, err)
				require.NoError(t, f.Close())
			},
			path: "logo_size", msg: "unknown key",
		},
		{
			name: "broken font",
			spoil: func(t *testing.T, dir string) {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "fonts"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "fonts", "Brand-Regular.ttf"), []byte("not a font"), 0o644))
			},
			path: "fonts/Brand-Regular.ttf",
		},
		{
			name:  "missing kit.yaml",
			spoil: func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, "kit.yaml"))) },
			path:  "kit.yaml", msg: "missing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := mustCopySampleKit(t, "roastery")
			tt.spoil(t, dir)
			data := mustCopySampleDocument(t, t.TempDir(), "invoice-onepage.json")
			_, base := startPreview(t, preview.Options{KitDir: dir, DataPath: data, NoPageImages: true})
			page := html.UnescapeString(mustPage(t, base))
			assert.Contains(t, page, "<code>"+tt.path+"</code>")
			assert.Contains(t, page, tt.msg)
			assert.Contains(t, page, "nothing to show until they are fixed")
			assert.NotContains(t, page, "Up to date")
			assert.NotContains(t, docSection(t, page, "invoice-onepage"), "<iframe")
		})
	}
}

func TestPreviewKeepsLastGoodRenderWhenTheKitBreaks(t *testing.T) {
	kit := mustCopySampleKit(t, "roastery")
	data := mustCopySampleDocument(t, t.TempDir(), "invoice-onepage.json")
	_, base := startPreview(t, preview.Options{KitDir: kit, DataPath: data, NoPageImages: true})

	good := docSection(t, mustPage(t, base), "invoice-onepage")
	iframe := good[strings.Index(good, "<iframe"):]
	iframe = iframe[:strings.Index(iframe, ">")]
	_, _, htmlBefore := mustGet(t, base+"/doc/invoice-onepage/html")
	assert.Contains(t, string(htmlBefore), "#4a2c1d")

	mustSetPrimary(t, kit, "#4A2C1")
	page := waitForPage(t, base, "the kit's error", func(p string) bool { return strings.Contains(p, "<code>colors.primary</code>") })
	assert.Contains(t, page, "showing the last good version")
	sec := docSection(t, page, "invoice-onepage")
	assert.Contains(t, sec, `class="card doc stale"`)
	assert.Contains(t, sec, iframe, "the last good HTML stays on the page")
	assert.Contains(t, sec, "last good render")
	_, _, htmlDuring := mustGet(t, base+"/doc/invoice-onepage/html")
	assert.Equal(t, htmlBefore, htmlDuring)

	mustSetPrimary(t, kit, "#1D5C4A")
	page = waitForPage(t, base, "the fixed kit", func(p string) bool { return strings.Contains(p, "Up to date") })
	assert.NotContains(t, docSection(t, page, "invoice-onepage"), "stale")
	_, _, htmlAfter := mustGet(t, base+"/doc/invoice-onepage/html")
	assert.Contains(t, string(htmlAfter), "#1d5c4a")
}

func TestPreviewShowsDocumentErrorsWithPaths(t *testing.T) {
	dataDir := t.TempDir()
	path := mustCopySampleDocument(t, dataDir, "invoice-onepage.json")
	kit := mustCopySampleKit(t, "roastery")
	_, base := startPreview(t, preview.Options{KitDir: kit, DataPath: dataDir, NoPageImages: true})
	require.Contains(t, docSection(t, mustPage(t, base), "invoice-onepage"), "<iframe")

	var doc map[string]any
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["lines"].([]any)[0].(map[string]any)["quantity"] = "0"
	delete(doc, "currency")
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dataDir, "broken.json"), []byte(`{"type": "invoice",`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dataDir, "notes.txt"), []byte("not a document"), 0o644))

	page := waitForPage(t, base, "the document errors", func(p string) bool {
		return strings.Contains(p, "<code>lines[0].quantity</code>") && strings.Contains(p, `id="doc-broken"`)
	})
	sec := docSection(t, page, "invoice-onepage")
	assert.Contains(t, sec, "<code>currency</code>")
	assert.Contains(t, sec, "showing the last good render")
	assert.Contains(t, sec, "<iframe", "the last good render stays")
	assert.Contains(t, sec, "stale")
	broken := docSection(t, page, "broken")
	assert.Contains(t, broken, "problem")
	assert.NotContains(t, broken, "<iframe")
	assert.NotContains(t, page, `id="doc-notes"`, "only *.json files are documents")
}

func TestPreviewWatchesTheFontsFolder(t *testing.T) {
	kit := mustCopySampleKit(t, "roastery")
	data := mustCopySampleDocument(t, t.TempDir(), "invoice-onepage.json")
	_, base := startPreview(t, preview.Options{KitDir: kit, DataPath: data, NoPageImages: true})
	mustPage(t, base)

	// fonts/ does not exist when the preview starts: the watcher adds it.
	fonts := filepath.Join(kit, "fonts")
	require.NoError(t, os.Mkdir(fonts, 0o755))
	font := filepath.Join(fonts, "Brand-Regular.ttf")
	require.NoError(t, os.WriteFile(font, []byte("not a font"), 0o644))
	waitForPage(t, base, "the broken font", func(p string) bool { return strings.Contains(p, "<code>fonts/Brand-Regular.ttf</code>") })

	// Only a watch on fonts/ itself sees this.
	require.NoError(t, os.Remove(font))
	waitForPage(t, base, "the kit without the font", func(p string) bool { return strings.Contains(p, "Up to date") })
}

func TestPreviewEventsTellPagesToRefresh(t *testing.T) {
	kit := mustCopySampleKit(t, "roastery")
	data := mustCopySampleDocument(t, t.TempDir(), "invoice-onepage.json")
	p, base := startPreview(t, preview.Options{KitDir: kit, DataPath: data, NoPageImages: true})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := sseEvents(resp.Body)
	next := func() string {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(waitFor):
			t.Fatal("no event")
			return ""
		}
	}
	assert.Equal(t, "render 1", next(), "the current generation at once")

	// Saving the same bytes renders again but changes nothing on the page,
	// so no event: the next one is the real change's.
	yaml, err := os.ReadFile(filepath.Join(kit, "kit.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(kit, "kit.yaml"), yaml, 0o644))
	time.Sleep(5 * preview.DefaultDebounce) // let that reload happen
	mustSetPrimary(t, kit, "#1D5C4A")
	assert.Equal(t, "render 2", next())

	require.NoError(t, p.Close())
	select {
	case ev, ok := <-events:
		assert.False(t, ok, "stream ends on Close, got %q", ev)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end the event stream")
	}
	status, _, _ := mustGet(t, base+"/events")
	assert.Equal(t, http.StatusServiceUnavailable, status)
}

func TestPreviewAnswersOnlyLoopbackHosts(t *testing.T) {
	p, err := preview.New(preview.Options{
		KitDir:       mustCopySampleKit(t, "roastery"),
		DataPath:     mustCopySampleDocument(t, t.TempDir(), "invoice-onepage.json"),
		NoPageImages: true,
	})
	require.NoError(t, err)
	defer p.Close()
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", http.StatusOK},
		{"localhost:8080", http.StatusOK},
		{"[::1]:8080", http.StatusOK},
		{"127.0.0.2", http.StatusOK},
		{"evil.example", http.StatusMisdirectedRequest},
		{"evil.example:8080", http.StatusMisdirectedRequest},
		{"192.168.1.20:8080", http.StatusMisdirectedRequest},
		{"", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, req)
			assert.Equal(t, tt.want, rec.Code)
		})
	}
}

func TestPreviewNewRefusesMissingPaths(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	for _, opts := range []preview.Options{{KitDir: missing}, {DataPath: missing}} {
		_, err := preview.New(opts)
		assert.ErrorContains(t, err, missing)
	}
}

func TestPreviewCloseStopsTheWatcher(t *testing.T) {
	kit := mustCopySampleKit(t, "roastery")
	data := mustCopySampleDocument(t, t.TempDir(), "invoice-onepage.json")
	before := runtime.NumGoroutine()
	p, err := preview.New(preview.Options{KitDir: kit, DataPath: data, NoPageImages: true})
	require.NoError(t, err)
	assert.Greater(t, runtime.NumGoroutine(), before, "the watcher runs")
	require.NoError(t, p.Close())
	require.NoError(t, p.Close(), "Close twice is harmless")
	// A plain loop: assert.Eventually runs its own goroutines.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left after Close")
}
