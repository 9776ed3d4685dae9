package preview

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
)

// ErrNoPageImages is returned by View.PageImages for a View made without a
// Rasterizer: show the PDF in the browser's own viewer instead.
var ErrNoPageImages = errors.New("no page images: pdftoppm is not in use")

// View is one document rendered with one kit, ready to be shown: the HTML and
// the PDF side by side, the PDF also as one PNG image per page.
type View struct {
	Name   string              // the document's name, e.g. "invoice-onepage.json"
	Kit    brandkits.Ref       // the kit it was rendered with (version 0 for a folder)
	Type   render.DocumentType // invoice, credit_note or notice
	Number string              // the invoice number, or the notice's reference or subject

	HTML, PDF, Text, SMS []byte

	Pages                 int     // pages in the PDF
	PageWidth, PageHeight float64 // size of the first page, in PDF points (1/72 inch)

	RenderedAt time.Time     // when Render ran
	RenderTime time.Duration // how long rendering all formats took

	// Key changes whenever the rendered output does: put it in the URLs of
	// the HTML, PDF and page images so browsers never show a stale one.
	Key string

	ras  *Rasterizer
	lock chan struct{} // one rasterization at a time; a channel so waiting obeys ctx

	mu     sync.Mutex // guards images and took
	images [][]byte
	took   time.Duration
}

// Render parses data (a document in Livery's canonical JSON, named name) and
// renders it with r in every format. The PNG page images are made by ras on
// the first call of PageImages; with a nil ras the View has none. Errors are
// those of render.ParseDocument and Renderer.Render: a *render.ValidationError
// lists every problem of the document with its path.
func Render(r *render.Renderer, name string, data []byte, ras *Rasterizer) (*View, error) {
	start := time.Now()
	doc, err := render.ParseDocument(data)
	if err != nil {
		return nil, err
	}
	out, err := r.Render(doc, render.AllFormats...)
	if err != nil {
		return nil, err
	}
	v := &View{
		Name: name, Kit: r.Kit().Ref, Type: doc.Type,
		HTML: out.HTML, PDF: out.PDF, Text: out.Text, SMS: out.SMS,
		RenderedAt: start, RenderTime: time.Since(start),
		ras: ras, lock: make(chan struct{}, 1),
	}
	switch {
	case doc.Invoice != nil:
		v.Number = doc.Invoice.Number
	case doc.Notice != nil && doc.Notice.Reference != "":
		v.Number = doc.Notice.Reference
	case doc.Notice != nil:
		v.Number = doc.Notice.Subject
	}
	v.Pages, v.PageWidth, v.PageHeight = pdfPages(out.PDF)
	h := sha256.New()
	for _, b := range [][]byte{out.PDF, out.HTML, out.Text, out.SMS} {
		h.Write([]byte(strconv.Itoa(len(b)) + ":"))
		h.Write(b)
	}
	v.Key = hex.EncodeToString(h.Sum(nil))[:16]
	return v, nil
}

// HasPageImages reports whether the View can make PNG page images.
func (v *View) HasPageImages() bool { return v.ras != nil }

// PageImages returns one PNG image per PDF page, rasterizing them on the
// first call; later calls, and calls waiting for the first, get the same
// images. A failed or cancelled rasterization is tried again next time.
func (v *View) PageImages(ctx context.Context) ([][]byte, error) {
	if v.ras == nil {
		return nil, ErrNoPageImages
	}
	select {
	case v.lock <- struct{}{}:
		defer func() { <-v.lock }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	v.mu.Lock()
	images := v.images
	v.mu.Unlock()
	if images != nil {
		return images, nil
	}
	start := time.Now()
	images, err := v.ras.Rasterize(ctx, v.PDF)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.images, v.took = images, time.Since(start)
	v.mu.Unlock()
	return images, nil
}

// RasterTime returns how long rasterizing the page images took, or 0 when
// they have not been made yet.
func (v *View) RasterTime() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.took
}

// DPI returns the resolution of the page images, or 0 without any.
func (v *View) DPI() int {
	if v.ras == nil {
		return 0
	}
	return v.ras.DPI()
}

var (
	// pdfPageCount finds the /Count of a page tree node; the root's is the
	// largest. fpdf writes one flat /Pages node, so this is exact for
	// Livery's PDFs without a PDF parser in the binary.
	pdfPageCount = regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+(\d+)`)
	pdfMediaBox  = regexp.MustCompile(`/MediaBox\s*\[\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\]`)
)

// pdfPages reads the page count and the first page size (in points) of a
// PDF that Livery wrote; zeros when it cannot tell.
func pdfPages(pdf []byte) (pages int, width, height float64) {
	for _, m := range pdfPageCount.FindAllSubmatch(pdf, -1) {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n > pages {
			pages = n
		}
	}
	if m := pdfMediaBox.FindSubmatch(pdf); m != nil {
		var box [4]float64
		for i := range box {
			box[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
		}
		width, height = box[2]-box[0], box[3]-box[1]
	}
	return pages, width, height
}
