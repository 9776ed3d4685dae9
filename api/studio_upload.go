package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/storage"
)

// uploadForm is the form that uploads a kit archive as a draft.
type uploadForm struct {
	Kits      []string // existing kits the key may use
	Kit       string   // chosen in advance
	Fixed     bool     // the kit is given: no choice shown
	Button    string
	MaxUpload int64
}

// uploadData is the upload page, alone or with what was wrong.
type uploadData struct {
	studioPage
	Form      uploadForm
	Error     string
	ErrorPath string // the archive entry at fault
}

// uploadFormFor is the upload form for kit name, fixed when not "".
func (st *studio) uploadFormFor(name string) uploadForm {
	return uploadForm{Kit: name, Fixed: name != "", MaxUpload: st.s.archiveLimits().MaxArchiveBytes}
}

// handleUploadPage handles GET /studio/upload?kit=NAME: the upload form.
func (st *studio) handleUploadPage(c echo.Context, p *Principal) error {
	return st.uploadPage(c, p, http.StatusOK, c.QueryParam("kit"), "", "")
}

// uploadPage shows the upload form with status, and an error when there
// is one.
func (st *studio) uploadPage(c echo.Context, p *Principal, status int, kit, msg, path string) error {
	list, err := st.s.cfg.Kits.List(c.Request().Context())
	if err != nil {
		return kitStoreError(err)
	}
	d := uploadData{studioPage: st.page("Upload a kit", p), Form: st.uploadFormFor(""), Error: msg, ErrorPath: path}
	d.Form.Kit = kit
	for _, k := range list {
		if p.CanUseKit(k.Name) && !k.Retired {
			d.Form.Kits = append(d.Form.Kits, k.Name)
		}
	}
	return st.render(c, status, "upload", d)
}

// handleUpload handles POST /studio/drafts: a kit archive (.zip or
// .tar.gz) sent as the multipart field "archive", linted and kept as a
// draft; "kit" names the kit it is for ("" for the name kit.yaml gives).
func (st *studio) handleUpload(c echo.Context, p *Principal) error {
	files, upload, err := st.readUpload(c)
	target := c.FormValue("kit") // after the file: a body over the limit fails that first
	var ae *brandkits.ArchiveError
	var up *Problem
	switch {
	case errors.As(err, &ae):
		return st.uploadPage(c, p, http.StatusUnprocessableEntity, target, "The archive cannot be read as a kit: "+ae.Message, ae.Path)
	case errors.As(err, &up) && up.Status < 500:
		return st.uploadPage(c, p, up.Status, target, up.Detail, "")
	case err != nil:
		return err
	}
	d := newDraft(p.Name, target, upload, files, st.s.cfg.Now())
	if d.Kit != "" && !p.CanUseKit(d.Kit) {
		return st.uploadPage(c, p, http.StatusForbidden, target, fmt.Sprintf("This key may not change brand kit %q. Upload one of your own kits.", d.Kit), "")
	}
	if err := st.drafts.add(d); err != nil {
		return err
	}
	st.s.log.InfoContext(c.Request().Context(), "studio draft", "kit", d.Kit, "hash", d.Report.Hash, "errors", len(d.Report.Errors), "by", p.Name)
	return c.Redirect(http.StatusSeeOther, "/studio/drafts/"+d.ID)
}

// readUpload reads the form's archive with the API's archive limits.
func (st *studio) readUpload(c echo.Context) (brandkits.Files, string, error) {
	limits := st.s.archiveLimits()
	over := problem(ProblemTooLarge, "The archive is larger than %s, the limit for a kit.", byteSize(limits.MaxArchiveBytes))
	fh, err := c.FormFile("archive")
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, "", over
	case err != nil:
		return nil, "", problem(ProblemBadRequest, "Choose the kit folder as a .zip or .tar.gz file to upload.")
	case fh.Size > limits.MaxArchiveBytes:
		return nil, "", over
	}
	if form := c.Request().MultipartForm; form != nil {
		defer form.RemoveAll()
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limits.MaxArchiveBytes+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > limits.MaxArchiveBytes {
		return nil, "", over
	}
	files, err := brandkits.ReadArchive(bytes.NewReader(data), int64(len(data)), limits)
	return files, fh.Filename, err
}

// draftData is the draft page: lint, and publishing.
type draftData struct {
	studioPage
	Tab     string // of the draft's pages: lint, documents, compare
	D       *draft
	Colors  []swatch
	Docs    []studioDoc
	Exists  bool // the kit has a version already
	Retired bool
	Live    int
	Next    int // the version publishing makes
	Refused string
	Note    string
	Form    uploadForm // to upload a fixed archive
}

// handleDraft handles GET /studio/drafts/{id}: the draft's lint results,
// contrast checks with swatches, and the publish form.
func (st *studio) handleDraft(c echo.Context, p *Principal) error {
	d, err := st.drafts.get(c.Param("id"), p.Name)
	if err != nil {
		return err
	}
	data, err := st.draftData(c, p, d)
	if err != nil {
		return err
	}
	return st.render(c, http.StatusOK, "draft", data)
}

// draftData gathers the draft page, with the state of the kit it is for.
func (st *studio) draftData(c echo.Context, p *Principal, d *draft) (draftData, error) {
	data := draftData{
		studioPage: st.page("Draft · "+d.Kit, p), Tab: "lint", D: d, Colors: studioKitSwatches(d.Report.Colors),
		Docs: studioDocs(d.Kit), Next: 1, Form: st.uploadFormFor(d.Kit),
	}
	data.Form.Button = "Upload a fixed archive"
	if d.Kit == "" {
		return data, nil
	}
	sum, err := st.s.cfg.Kits.Get(c.Request().Context(), d.Kit)
	switch {
	case errors.Is(err, brandkits.ErrNotFound):
		return data, nil
	case err != nil:
		return data, kitStoreError(err)
	}
	data.Exists, data.Retired, data.Live, data.Next = sum.Latest > 0, sum.Retired, sum.Pins["live"], sum.Latest+1
	return data, nil
}

// handlePublish handles POST /studio/drafts/{id}/publish: publishes the
// draft as the next version, as POST /v1/brandkits/{name}/versions does
// (refused while lint finds errors), and moves live to it when the form
// asks. The draft is gone afterwards.
func (st *studio) handlePublish(c echo.Context, p *Principal) error {
	d, err := st.drafts.get(c.Param("id"), p.Name)
	if err != nil {
		return err
	}
	if err := checkKit(p, d.Kit); err != nil {
		return err
	}
	note, noteErr := formNote(c, c.FormValue("note"))
	if !d.Report.OK || noteErr != nil {
		data, err := st.draftData(c, p, d)
		if err != nil {
			return err
		}
		data.Note = c.FormValue("note")
		data.Refused = fmt.Sprintf("Lint found %s: fix them in the kit and upload it again.", plural(len(d.Report.Errors), "error"))
		if noteErr != nil {
			data.Refused = "The note cannot be used: " + ProblemFor(noteErr).Detail + "."
		}
		return st.render(c, http.StatusUnprocessableEntity, "draft", data)
	}
	ctx := storage.WithActor(c.Request().Context(), p.Name)
	v, err := st.s.cfg.Kits.Publish(ctx, d.Kit, brandkits.PublishRequest{Files: d.Files, Author: p.Name, Note: note})
	if err != nil {
		return kitStoreError(err)
	}
	st.drafts.remove(d.ID)
	st.s.log.InfoContext(ctx, "kit published", "kit", v.Name, "version", v.Number, "hash", v.Hash, "author", p.Name, "via", "studio")
	to := fmt.Sprintf("/studio/kits/%s?published=%d", v.Name, v.Number)
	if c.FormValue("live") != "" {
		if err := st.s.cfg.Kits.Pin(ctx, v.Name, "live", v.Number); err != nil {
			return kitStoreError(err)
		}
		st.s.log.InfoContext(ctx, "kit pinned", "kit", v.Name, "pin", "live", "version", v.Number, "by", p.Name, "via", "studio")
		to += "&live=1"
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// formNote checks a change note from the publish form with the API's rules,
// by handing it to versionNote the way the API receives it (?note=).
func formNote(c echo.Context, note string) (string, error) {
	req := c.Request().Clone(c.Request().Context())
	req.URL.RawQuery = url.Values{"note": {note}}.Encode()
	req.Header.Del(noteHeader)
	return versionNote(c.Echo().NewContext(req, c.Response()))
}

// handleDiscard handles POST /studio/drafts/{id}/discard: drops the draft.
func (st *studio) handleDiscard(c echo.Context, p *Principal) error {
	d, err := st.drafts.get(c.Param("id"), p.Name)
	if err != nil {
		return err
	}
	st.drafts.remove(d.ID)
	if d.Kit != "" && slices.Contains(st.kitNames(c), d.Kit) {
		return c.Redirect(http.StatusSeeOther, "/studio/kits/"+d.Kit)
	}
	return c.Redirect(http.StatusSeeOther, "/studio")
}

// kitNames lists the stored kits' names; none when storage fails.
func (st *studio) kitNames(c echo.Context) []string {
	list, _ := st.s.cfg.Kits.List(c.Request().Context())
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = k.Name
	}
	return out
}
