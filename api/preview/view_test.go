package preview_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/api/internal/browsertest"
	"github.com/liveryhq/livery/api/preview"
	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// mustRenderer prepares a bundled sample kit.
func mustRenderer(t *testing.T, kit string) *render.Renderer {
	t.Helper()
	fsys, err := samples.KitFS(kit)
	require.NoError(t, err)
	k, err := brandkits.LoadFS(fsys)
	require.NoError(t, err)
	r, err := render.New(k)
	require.NoError(t, err)
	return r
}

// mustSample returns a bundled sample document's bytes.
func mustSample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := samples.Document(name)
	require.NoError(t, err)
	return data
}

func TestPreviewRenderMakesAViewModel(t *testing.T) {
	tests := []struct {
		kit, doc      string
		typ           render.DocumentType
		number        string
		pages         int
		width, height float64
	}{
		{"roastery", "invoice-onepage.json", render.TypeInvoice, "RE-2026-11873", 1, 595.28, 841.89},
		{"telecom", "invoice-60-lines.json", render.TypeInvoice, "", 4, 612, 792},
		{"insurer", "payment-reminder.json", render.TypeNotice, "", 2, 595.28, 841.89},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			r := mustRenderer(t, tt.kit)
			v, err := preview.Render(r, tt.doc, mustSample(t, tt.doc), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.doc, v.Name)
			assert.Equal(t, tt.kit, v.Kit.Name)
			assert.Len(t, v.Kit.Hash, 64)
			assert.Equal(t, tt.typ, v.Type)
			if tt.number != "" {
				assert.Equal(t, tt.number, v.Number)
			}
			assert.NotEmpty(t, v.Number)
			assert.Equal(t, tt.pages, v.Pages)
			assert.InDelta(t, tt.width, v.PageWidth, 0.01)
			assert.InDelta(t, tt.height, v.PageHeight, 0.01)
			for _, b := range [][]byte{v.HTML, v.PDF, v.Text, v.SMS} {
				assert.NotEmpty(t, b)
			}
			assert.Positive(t, v.RenderTime)
			assert.False(t, v.HasPageImages())
			_, err = v.PageImages(context.Background())
			assert.ErrorIs(t, err, preview.ErrNoPageImages)

			again, err := preview.Render(r, tt.doc, mustSample(t, tt.doc), nil)
			require.NoError(t, err)
			assert.Equal(t, v.Key, again.Key, "same document and kit, same key")
		})
	}
	a, err := preview.Render(mustRenderer(t, "roastery"), "x.json", mustSample(t, "invoice-onepage.json"), nil)
	require.NoError(t, err)
	b, err := preview.Render(mustRenderer(t, "insurer"), "x.json", mustSample(t, "invoice-onepage.json"), nil)
	require.NoError(t, err)
	assert.NotEqual(t, a.Key, b.Key, "another kit, another key")
}

func TestPreviewRenderReportsDocumentProblems(t *testing.T) {
	_, err := preview.Render(mustRenderer(t, "roastery"), "bad.json", []byte(`{"type":"invoice","number":"1"}`), nil)
	var ve *render.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	assert.Contains(t, paths, "currency")
}

func TestPreviewPageImages(t *testing.T) {
	browsertest.NeedTool(t, "pdftoppm", "apt-get install poppler-utils")
	// pdftoppm rounds a page's size in pixels up: A4 is 595.28 × 841.89 pt.
	tests := []struct {
		kit, doc      string
		dpi           int
		pages         int
		width, height int
	}{
		{"roastery", "invoice-onepage.json", 72, 1, 596, 842},
		{"roastery", "invoice-onepage.json", 144, 1, 1191, 1684},
		{"telecom", "invoice-60-lines.json", 72, 4, 612, 792},
		{"insurer", "payment-reminder.json", 0, 2, 794, 1123}, // DefaultDPI, 96
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s at %d dpi", tt.doc, tt.dpi), func(t *testing.T) {
			ras, err := preview.NewRasterizer(tt.dpi)
			require.NoError(t, err)
			v, err := preview.Render(mustRenderer(t, tt.kit), tt.doc, mustSample(t, tt.doc), ras)
			require.NoError(t, err)
			require.True(t, v.HasPageImages())
			require.Equal(t, tt.pages, v.Pages)
			for n := 1; n <= tt.pages; n++ {
				rec := httptest.NewRecorder()
				preview.ServePageImage(rec, httptest.NewRequest(http.MethodGet, "/", nil), v, n)
				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				assert.Equal(t, "image/png", rec.Header().Get("Content-Type"))
				cfg, err := png.DecodeConfig(bytes.NewReader(rec.Body.Bytes()))
				require.NoError(t, err)
				assert.Equal(t, image.Point{tt.width, tt.height}, image.Point{cfg.Width, cfg.Height}, "page %d", n)

				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
				rec = httptest.NewRecorder()
				preview.ServePageImage(rec, req, v, n)
				assert.Equal(t, http.StatusNotModified, rec.Code)
			}
			assert.Positive(t, v.RasterTime())
			for _, n := range []int{0, tt.pages + 1} {
				rec := httptest.NewRecorder()
				preview.ServePageImage(rec, httptest.NewRequest(http.MethodGet, "/", nil), v, n)
				assert.Equal(t, http.StatusNotFound, rec.Code, "page %d", n)
			}
		})
	}
}

func TestPreviewPageImagesWithoutPdftoppm(t *testing.T) {
	v, err := preview.Render(mustRenderer(t, "roastery"), "x.json", mustSample(t, "invoice-onepage.json"), nil)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	preview.ServePageImage(rec, httptest.NewRequest(http.MethodGet, "/", nil), v, 1)
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.Contains(t, rec.Body.String(), "open the PDF")
}

func TestPreviewServesPageImages(t *testing.T) {
	browsertest.NeedTool(t, "pdftoppm", "apt-get install poppler-utils")
	kit := mustCopySampleKit(t, "telecom")
	data := mustCopySampleDocument(t, t.TempDir(), "invoice-60-lines.json")
	_, base := startPreview(t, preview.Options{KitDir: kit, DataPath: data, DPI: 72})
	sec := docSection(t, mustPage(t, base), "invoice-60-lines")
	assert.NotContains(t, sec, "<object", "page images, not the browser's viewer")
	for n := 1; n <= 4; n++ {
		assert.Contains(t, sec, fmt.Sprintf(`<img src="/doc/invoice-60-lines/pages/%d.png?v=`, n))
		status, h, body := mustGet(t, fmt.Sprintf("%s/doc/invoice-60-lines/pages/%d.png", base, n))
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "image/png", h.Get("Content-Type"))
		cfg, err := png.DecodeConfig(bytes.NewReader(body))
		require.NoError(t, err)
		assert.Equal(t, [2]int{612, 792}, [2]int{cfg.Width, cfg.Height})
	}
	for _, file := range []string{"6.png", "0.png", "1.jpg", "x.png"} {
		status, _, _ := mustGet(t, base+"/doc/invoice-60-lines/pages/"+file)
		assert.Equal(t, http.StatusNotFound, status, file)
	}
}
