package preview

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/liveryhq/livery/render"
)

//go:embed page.html
var pageHTML string

//go:embed refresh.js
var refreshJS string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// pagePolicy is the page's own Content-Security-Policy: its one script is
// allowed by hash, frames and images come from the preview itself.
var pagePolicy = func() string {
	sum := sha256.Sum256([]byte(refreshJS))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; frame-src 'self'; object-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// handlePage handles GET /: the page with every document side by side.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, s.pageData(s.current())); err != nil {
		s.log.Error("page template", "error", err)
		http.Error(w, "page template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pagePolicy)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// pageData is what the page template shows.
type pageData struct {
	Title      string
	Gen        int
	Script     template.JS
	Watching   []string
	Problems   int // everything wrong, kits and documents
	RenderedAt string
	Took       string
	Images     string // how PDFs are shown
	DataErrors []problem
	Kits       []kitView
	Docs       []docView
}

// kitView is one kit's card.
type kitView struct {
	Name, Brand, Source string
	Version, Hash, Full string
	Paper, Locale       string
	Colors              []swatch
	Problems            []problem
	Never               bool   // no version of it ever loaded
	GoodAt              string // when the version shown loaded
	Lint                []problem
	LintSummary         string
}

// swatch is one colour of a kit.
type swatch struct{ Name, Hex string }

// docView is one document rendered with one kit.
type docView struct {
	ID, Name, Path         string
	Kit, TypeLabel, Number string
	Problems               []problem
	Stale                  bool
	StaleWhy, RenderedAt   string
	Rendered               bool
	Pages, Paper           string
	PDFSize, HTMLSize      string
	RenderTime, RasterTime string
	HTMLURL, PDFURL        string
	Images                 []PageImage
	ImageErr               string
	ImagesOff              bool
	Text, SMS              string
	PageWidth, PageHeight  int
}

// PageImage is one page of a PDF shown as an image.
type PageImage struct {
	URL, Alt      string
	Width, Height int
}

func (s *Server) pageData(st *state) pageData {
	d := pageData{
		Gen: st.gen, Script: template.JS(refreshJS), DataErrors: st.problems,
		RenderedAt: st.at.Format("15:04:05"), Took: duration(st.took),
	}
	if s.ras != nil {
		d.Images = fmt.Sprintf("PDF pages as images at %d dpi", s.ras.DPI())
	} else {
		d.Images = "PDFs in the browser's viewer: " + s.noRas
	}
	if s.opts.KitDir != "" {
		d.Watching = append(d.Watching, s.opts.KitDir)
	}
	if s.opts.DataPath != "" {
		d.Watching = append(d.Watching, s.opts.DataPath)
	}
	d.Problems = len(st.problems)
	var names []string
	for _, k := range st.kits {
		kv := s.kitView(k)
		d.Problems += len(k.problems)
		d.Kits = append(d.Kits, kv)
		names = append(names, kv.Name)
	}
	for _, e := range st.entries {
		d.Docs = append(d.Docs, s.docView(e, st.kit(e.slot)))
		d.Problems += len(e.problems)
	}
	d.Title = "Livery preview"
	if len(names) == 1 {
		d.Title = names[0] + " · Livery preview"
	}
	if d.Problems > 0 {
		d.Title = "✕ " + d.Title
	}
	return d
}

func (s *Server) kitView(k *kitState) kitView {
	kv := kitView{Source: k.src.label(s.opts.KitDir), Problems: k.problems, Never: k.kit == nil}
	if k.src.dir == "" {
		kv.Name = k.src.sample
	} else {
		kv.Name = filepath.Base(k.src.dir)
	}
	if k.kit == nil {
		return kv
	}
	kit := k.kit
	kv.Name, kv.Brand = kit.Name, kit.Identity.BrandName
	kv.Version = "unpublished"
	if kit.Ref.Version > 0 {
		kv.Version = fmt.Sprintf("version %d", kit.Ref.Version)
	}
	kv.Full = kit.Ref.Hash
	kv.Hash = kit.Ref.Hash[:min(12, len(kit.Ref.Hash))]
	kv.Paper, kv.Locale = kit.Layout.Paper, kit.Tone.Locale
	c := kit.Colors
	for _, sw := range []swatch{{"primary", c.Primary}, {"secondary", c.Secondary}, {"accent", c.Accent},
		{"text", c.Text}, {"muted", c.Muted}, {"background", c.Background}} {
		if sw.Hex != "" {
			kv.Colors = append(kv.Colors, sw)
		}
	}
	kv.GoodAt = k.goodAt.Format("15:04:05")
	var errs, warns int
	for _, p := range k.lint {
		kv.Lint = append(kv.Lint, problem{Path: p.Path, Message: p.Message, Warning: p.Warning})
		if p.Warning {
			warns++
		} else {
			errs++
		}
	}
	switch {
	case errs+warns == 0:
		kv.LintSummary = "Lint: no findings"
	default:
		kv.LintSummary = fmt.Sprintf("Lint: %s, %s", plural(errs, "error"), plural(warns, "warning"))
	}
	return kv
}

func (s *Server) docView(e *entry, k *kitState) docView {
	dv := docView{ID: e.id, Name: e.doc.name, Path: e.doc.path, Problems: e.problems, Stale: e.stale, ImageErr: e.imageErr}
	if e.doc.sample {
		dv.Path = e.doc.name
	}
	if l := e.doc.legacy; l != nil {
		dv.Path = "samples/sources/" + l.file
		if l.profile != "" {
			dv.Path += " through " + l.profile
		}
	}
	if k != nil {
		dv.Kit = k.src.sample
		if k.kit != nil {
			dv.Kit = k.kit.Name
		}
		if e.stale && !k.ok() {
			dv.StaleWhy = "the kit has errors"
		}
	}
	if e.stale && dv.StaleWhy == "" {
		dv.StaleWhy = "this document has errors"
	}
	v := e.view
	if v == nil {
		return dv
	}
	base := "/doc/" + url.PathEscape(e.id)
	q := "?v=" + v.Key
	dv.Rendered = true
	dv.TypeLabel = TypeLabel(v.Type)
	dv.Number = v.Number
	dv.RenderedAt = v.RenderedAt.Format("15:04:05")
	dv.Pages = plural(v.Pages, "page")
	dv.Paper = paperName(v.PageWidth, v.PageHeight)
	dv.PDFSize, dv.HTMLSize = size(len(v.PDF)), size(len(v.HTML))
	dv.RenderTime = duration(v.RenderTime)
	if t := v.RasterTime(); t > 0 {
		dv.RasterTime = duration(t)
	}
	dv.HTMLURL, dv.PDFURL = base+"/html"+q, base+"/pdf"+q
	dv.Text, dv.SMS = string(v.Text), string(v.SMS)
	dv.PageWidth, dv.PageHeight = int(math.Round(v.PageWidth)), int(math.Round(v.PageHeight))
	if !v.HasPageImages() {
		dv.ImagesOff = true
		return dv
	}
	dv.Images = v.PageImageLinks(base+"/pages/", e.doc.name)
	return dv
}

// PageImageLinks describes v's page images for a page that serves page n's
// image at prefix+"<n>.png", with v.Key in the query so that a browser
// never shows a stale one; what names the document in each image's
// alternative text ("<what>, page n of N").
func (v *View) PageImageLinks(prefix, what string) []PageImage {
	var out []PageImage
	w, h := int(math.Round(v.PageWidth)), int(math.Round(v.PageHeight))
	for i := 1; i <= v.Pages; i++ {
		out = append(out, PageImage{
			URL:   fmt.Sprintf("%s%d.png?v=%s", prefix, i, v.Key),
			Alt:   fmt.Sprintf("%s, page %d of %d", what, i, v.Pages),
			Width: w, Height: h,
		})
	}
	return out
}

// TypeLabel names a document type for people: "Invoice", "Credit note",
// "Notice".
func TypeLabel(t render.DocumentType) string {
	switch t {
	case render.TypeInvoice:
		return "Invoice"
	case render.TypeCreditNote:
		return "Credit note"
	case render.TypeNotice:
		return "Notice"
	}
	return string(t)
}

// paperName names a page size in points, within a point.
func paperName(w, h float64) string {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1 }
	switch {
	case near(w, 595.28) && near(h, 841.89):
		return "A4"
	case near(w, 612) && near(h, 792):
		return "Letter"
	case w > 0 && h > 0:
		return fmt.Sprintf("%.0f × %.0f mm", w/72*25.4, h/72*25.4)
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// size formats a byte count in decimal units, as designers' tools do.
func size(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// duration formats a render time: milliseconds below ten seconds.
func duration(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
