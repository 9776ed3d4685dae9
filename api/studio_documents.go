package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/api/preview"
	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
)

// sideDraft names the draft in file URLs; a published version is "v3".
const sideDraft = "draft"

// docCard is one sample document rendered with one side.
type docCard struct {
	studioDoc
	Side, Label      string // "draft", "v3"; "Draft", "Version 3 · live"
	Type, Number     string
	Pages            int
	Errors           []FieldProblem
	HTMLURL, PDFURL  string
	Images           []preview.PageImage
	ImagesOff        bool
	RenderTime, Size string
}

// documentsData is the page of every sample document with the draft.
type documentsData struct {
	studioPage
	Tab       string
	D         *draft
	RenderErr string
	Docs      []docCard
}

// handleDocuments handles GET /studio/drafts/{id}/documents: every sample
// document rendered with the draft, HTML beside the PDF's pages.
func (st *studio) handleDocuments(c echo.Context, p *Principal) error {
	d, err := st.drafts.get(c.Param("id"), p.Name)
	if err != nil {
		return err
	}
	data := documentsData{studioPage: st.page("Documents · draft of "+d.Kit, p), Tab: "documents", D: d}
	data.Wide = true
	r, err := d.Renderer()
	if err != nil {
		data.RenderErr = err.Error()
		return st.render(c, http.StatusOK, "documents", data)
	}
	for _, doc := range studioDocs(d.Kit) {
		data.Docs = append(data.Docs, st.docCard(d, sideDraft, "Draft", r, doc))
	}
	return st.render(c, http.StatusOK, "documents", data)
}

// docCard renders doc with r (once per draft and side) and describes it.
func (st *studio) docCard(d *draft, side, label string, r *render.Renderer, doc studioDoc) docCard {
	card := docCard{studioDoc: doc, Side: side, Label: label}
	v, err := d.view(side, r, doc, st.ras)
	if err != nil {
		var ve *render.ValidationError
		if errors.As(err, &ve) {
			card.Errors = ProblemFor(err).Errors
		} else {
			card.Errors = []FieldProblem{{Path: doc.File, Message: err.Error()}}
		}
		return card
	}
	base := fmt.Sprintf("/studio/drafts/%s/files/%s/%s/", d.ID, side, doc.ID)
	q := "?v=" + v.Key
	card.Type, card.Number, card.Pages = preview.TypeLabel(v.Type), v.Number, v.Pages
	card.HTMLURL, card.PDFURL = base+"html"+q, base+"pdf"+q
	card.RenderTime = fmt.Sprintf("%.0f ms", float64(v.RenderTime.Microseconds())/1000)
	card.Size = fmt.Sprintf("PDF %d KB · HTML %d KB", (len(v.PDF)+512)/1024, (len(v.HTML)+512)/1024)
	if !v.HasPageImages() {
		card.ImagesOff = true
		return card
	}
	card.Images = v.PageImageLinks(base, doc.File+", "+label)
	return card
}

// compareData is the page comparing the draft with a published version.
type compareData struct {
	studioPage
	Tab        string
	D          *draft
	Docs       []studioDoc
	Doc        studioDoc
	Versions   []KitVersionInfo // newest first, to compare with
	Against    KitVersionInfo   // zero when the kit has no version yet
	Live       int
	Changes    []KitChange
	RenderErr  string
	Old, New   docCard
	NoVersions bool
}

// handleCompare handles GET /studio/drafts/{id}/compare?doc=ID&against=N:
// one sample document rendered with a published version (live unless
// another is asked for) and with the draft, side by side, and every field
// and file the draft changes.
func (st *studio) handleCompare(c echo.Context, p *Principal) error {
	d, err := st.drafts.get(c.Param("id"), p.Name)
	if err != nil {
		return err
	}
	data := compareData{studioPage: st.page("Compare · draft of "+d.Kit, p), Tab: "compare", D: d, Docs: studioDocs(d.Kit)}
	data.Wide = true
	data.Doc = data.Docs[0]
	if id := c.QueryParam("doc"); id != "" {
		if data.Doc, err = findDoc(d.Kit, id); err != nil {
			return err
		}
	}
	if d.Kit == "" {
		data.NoVersions = true // kit.yaml names no kit: nothing to compare with
		return st.render(c, http.StatusOK, "compare", data)
	}
	if err := checkKit(p, d.Kit); err != nil {
		return err
	}
	ctx := c.Request().Context()
	sum, err := st.s.cfg.Kits.Get(ctx, d.Kit)
	if errors.Is(err, brandkits.ErrNotFound) || (err == nil && len(sum.Versions) == 0) {
		data.NoVersions = true
		return st.render(c, http.StatusOK, "compare", data)
	}
	if err != nil {
		return kitStoreError(err)
	}
	data.Live = sum.Pins["live"]
	against := data.Live
	if q := c.QueryParam("against"); q != "" {
		if against, err = formVersion(q); err != nil {
			return err
		}
	} else if against == 0 {
		against = sum.Latest
	}
	v, ok := versionOf(sum, against)
	if !ok {
		return problem(ProblemNotFound, "kit %s has no version %d", d.Kit, against)
	}
	data.Against = versionInfo(v)
	for i := len(sum.Versions) - 1; i >= 0; i-- {
		data.Versions = append(data.Versions, versionInfo(sum.Versions[i]))
	}
	if d.kit != nil {
		vk, vf, err := st.s.cfg.Kits.Load(ctx, v)
		if err != nil {
			return kitStoreError(err)
		}
		data.Changes = kitChanges(vk, d.kit, vf, d.Files)
	}
	_, vr, err := st.s.resolveKit(ctx, p, d.Kit+"@"+strconv.Itoa(v.Number))
	if err != nil {
		return err
	}
	label := fmt.Sprintf("Version %d", v.Number)
	if v.Number == data.Live {
		label += " · live"
	}
	data.Old = st.docCard(d, "v"+strconv.Itoa(v.Number), label, vr, data.Doc)
	r, err := d.Renderer()
	if err != nil {
		data.RenderErr = err.Error()
		return st.render(c, http.StatusOK, "compare", data)
	}
	data.New = st.docCard(d, sideDraft, "Draft", r, data.Doc)
	return st.render(c, http.StatusOK, "compare", data)
}

// handleFile handles GET /studio/drafts/{id}/files/{side}/{doc}/{file}: a
// rendered document's HTML ("html", shown sandboxed), PDF ("pdf") or PDF
// page image ("2.png"), with the draft (side "draft") or a published
// version of its kit ("v3").
func (st *studio) handleFile(c echo.Context, p *Principal) error {
	d, err := st.drafts.get(c.Param("id"), p.Name)
	if err != nil {
		return err
	}
	doc, err := findDoc(d.Kit, c.Param("doc"))
	if err != nil {
		return err
	}
	var r *render.Renderer
	side := c.Param("side")
	if side == sideDraft {
		r, err = d.Renderer()
	} else if n, ok := strings.CutPrefix(side, "v"); ok && isDigits(n) {
		_, r, err = st.s.resolveKit(c.Request().Context(), p, d.Kit+"@"+n)
	} else {
		err = problem(ProblemNotFound, "no side %q: draft, or a version such as v3", side)
	}
	if err != nil {
		return err
	}
	v, err := d.view(side, r, doc, st.ras)
	if err != nil {
		return err
	}
	w, req := c.Response(), c.Request()
	file := c.Param("file")
	switch {
	case file == "html":
		return serveRendered(c, v.Key+"-html", "text/html; charset=utf-8", v.HTML, studioHTMLPolicy)
	case file == "pdf":
		w.Header().Set("Content-Disposition", `inline; filename="`+doc.ID+`.pdf"`)
		return serveRendered(c, v.Key+"-pdf", "application/pdf", v.PDF, "")
	case strings.HasSuffix(file, ".png") && isDigits(strings.TrimSuffix(file, ".png")):
		n, _ := strconv.Atoi(strings.TrimSuffix(file, ".png"))
		preview.ServePageImage(w, req, v, n)
		return nil
	}
	return problem(ProblemNotFound, "no file %q: html, pdf or a page image such as 1.png", file)
}

// studioHTMLPolicy lets a rendered e-mail draw itself and nothing else, as
// in the live preview: no scripts, no requests (its images are inline),
// links opening in a new tab, shown only in the studio's own frames.
const studioHTMLPolicy = "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox; " +
	"default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'"

// serveRendered answers a rendered file with its ETag; 304 when the
// browser has it.
func serveRendered(c echo.Context, etag, contentType string, data []byte, policy string) error {
	h := c.Response().Header()
	etag = `"` + etag + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if policy != "" {
		h.Set("Content-Security-Policy", policy)
	}
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType, data)
}
