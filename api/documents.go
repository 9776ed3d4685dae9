package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/storage"
)

// Headers of the documents routes.
const (
	// HeaderIdempotencyKey makes POST /v1/documents safe to retry.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderIdempotentReplayed is "true" on an answer repeated from an
	// earlier request with the same Idempotency-Key.
	HeaderIdempotentReplayed = "Idempotent-Replayed"
	// HeaderDocumentID carries the document id, also when the body is the
	// document's PDF instead of its record.
	HeaderDocumentID = "Livery-Document-Id"
)

// maxIdempotencyKeyLen bounds an Idempotency-Key, in bytes.
const maxIdempotencyKeyLen = 255

// presignExpiry is how long a redirect to presigned storage stays valid:
// long enough to follow at once, too short to be worth sharing.
const presignExpiry = 5 * time.Minute

// documentRoutes registers /v1/documents.
func (s *Server) documentRoutes(g *echo.Group) {
	g.POST("/documents", s.handleCreateDocument, allow(RoleRenderer), requireMediaType("application/json", XMLContentType))
	getAndHead(g, "/documents/:id", s.handleGetDocument, allow(RoleRenderer, RoleDesigner))
	getAndHead(g, "/documents/:id/:format", s.handleGetDocumentContent, allow(RoleRenderer, RoleDesigner))
}

// handleCreateDocument handles POST /v1/documents.
func (s *Server) handleCreateDocument(c echo.Context) error {
	idemKey, err := idempotencyKey(c.Request().Header)
	if err != nil {
		return err
	}
	inline, err := inlineFormat(c)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return fmt.Errorf("read request body: %w", err) // the body limit's 413 passes through
	}
	req, err := s.readDocumentRequest(c, body)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, err := s.createDoc(ctx, principal(c), req, idemKey, inline)
	if err != nil {
		return err
	}

	rec := res.record
	h := c.Response().Header()
	h.Set(echo.HeaderLocation, documentPath(rec.ID))
	h.Set(HeaderDocumentID, rec.ID)
	if res.replayed {
		h.Set(HeaderIdempotentReplayed, "true")
	}
	status := http.StatusOK
	if res.rendered {
		status = http.StatusCreated
	}
	if inline == "" {
		return c.JSON(status, rec)
	}
	stored := rec.Formats[string(inline)]
	data := res.output[inline]
	if data == nil {
		if data, _, err = s.cfg.Bucket.Get(ctx, stored.Key); err != nil {
			return contentError(rec.ID, string(inline), err)
		}
	}
	setContentHeaders(h, rec, string(inline), stored, "inline")
	return c.Blob(status, stored.ContentType, data)
}

// handleGetDocument handles GET /v1/documents/{id}.
func (s *Server) handleGetDocument(c echo.Context) error {
	rec, err := s.visibleRecord(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rec)
}

// handleGetDocumentContent handles GET /v1/documents/{id}/{format}: the
// stored bytes, streamed, or a redirect to a presigned storage URL when
// Config.PresignDownloads is set and the storage can sign.
func (s *Server) handleGetDocumentContent(c echo.Context) error {
	rec, err := s.visibleRecord(c)
	if err != nil {
		return err
	}
	format := c.Param("format")
	stored, ok := rec.Formats[format]
	if !ok {
		return problem(ProblemNotFound, "document %s has no %q rendition; it was rendered as %s", rec.ID, format, strings.Join(storedFormats(rec), ", "))
	}
	ctx := c.Request().Context()
	etag := strconv.Quote(stored.SHA256)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		c.Response().Header().Set("ETag", etag)
		return c.NoContent(http.StatusNotModified)
	}
	if s.cfg.PresignDownloads {
		// The storage answers with the headers a streamed download has
		// (but for nosniff and the HTML's sandbox, which S3 cannot send).
		u, err := s.cfg.Bucket.SignedURL(ctx, stored.Key, presignExpiry, storage.SignOptions{
			ContentDisposition: contentDisposition(rec, format, "attachment"),
			ContentType:        stored.ContentType,
		})
		switch {
		case err == nil:
			c.Response().Header().Set("Cache-Control", "no-store") // the URL expires
			return c.Redirect(http.StatusTemporaryRedirect, u)
		case !errors.Is(err, errors.ErrUnsupported):
			return storageError(fmt.Errorf("document %s: sign %s: %w", rec.ID, format, err))
		}
	}
	h := c.Response().Header()
	if isHead(c) {
		// The record knows everything the headers say.
		setDownloadHeaders(h, rec, format, stored, stored.Size)
		return c.NoContent(http.StatusOK)
	}
	rc, obj, err := s.cfg.Bucket.NewReader(ctx, stored.Key)
	if err != nil {
		return contentError(rec.ID, format, err)
	}
	defer rc.Close()
	setDownloadHeaders(h, rec, format, stored, obj.Size)
	c.Response().WriteHeader(http.StatusOK)
	if err := copyVerified(c.Response(), rc, obj.Size); err != nil {
		// The status is sent; a short body (one byte held back) is how the
		// client learns. handleError cannot write any more, so log here.
		s.log.ErrorContext(ctx, "document download failed", "document", rec.ID, "format", format, "error", err.Error())
		return err
	}
	return nil
}

// contentError reports a failure to read a rendition that a record names.
// A missing object there is damage (500), not the client's 404; anything
// else is storage failing (503).
func contentError(id, format string, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("document %s: its %s is missing from storage: %v", id, format, err)
	}
	return storageError(fmt.Errorf("document %s: read %s: %w", id, format, err))
}

// visibleRecord reads the record of the document the route's :id names,
// for a caller who may see it: 404 for an id that is malformed or unknown,
// 403 for a document of a kit outside the caller's tenants.
func (s *Server) visibleRecord(c echo.Context) (*DocumentRecord, error) {
	id := c.Param("id")
	if !validDocumentID(id) {
		return nil, problem(ProblemNotFound, "there is no document %q: ids are %d lower-case hex digits", id, documentIDLen)
	}
	rec, found, err := s.lookupRecord(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, problem(ProblemNotFound, "there is no document %q", id)
	}
	if err := checkKit(principal(c), rec.Kit.Name); err != nil {
		return nil, err
	}
	return rec, nil
}

// validDocumentID accepts what documentID makes.
func validDocumentID(id string) bool {
	if len(id) != documentIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// storedFormats lists a record's formats in canonical order.
func storedFormats(rec *DocumentRecord) []string {
	var out []string
	for _, d := range documentFormats {
		if _, ok := rec.Formats[string(d.format)]; ok {
			out = append(out, string(d.format))
		}
	}
	return out
}

// setContentHeaders describes one stored rendition of rec in h:
// ETag (its SHA-256), a Content-Disposition with a file name made from the
// document number, and headers that keep a browser from running stored
// HTML as part of this API's origin.
func setContentHeaders(h http.Header, rec *DocumentRecord, format string, stored StoredFormat, disposition string) {
	h.Set("ETag", strconv.Quote(stored.SHA256))
	h.Set("Content-Disposition", contentDisposition(rec, format, disposition))
	h.Set("X-Content-Type-Options", "nosniff")
	if format == string(render.FormatHTML) {
		h.Set("Content-Security-Policy", "sandbox")
	}
}

// setDownloadHeaders describes a download of a stored rendition of size
// bytes in h: setContentHeaders' headers, its type and its length.
func setDownloadHeaders(h http.Header, rec *DocumentRecord, format string, stored StoredFormat, size int64) {
	setContentHeaders(h, rec, format, stored, "attachment")
	h.Set(echo.HeaderContentType, stored.ContentType)
	h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
}

// contentDisposition is the Content-Disposition of a rendition: disposition
// ("attachment" or "inline") with its downloadName.
func contentDisposition(rec *DocumentRecord, format, disposition string) string {
	return mime.FormatMediaType(disposition, map[string]string{"filename": downloadName(rec, format)})
}

// downloadName is a file name for a rendition: the document number with
// anything but letters, digits, '.', '_' and '-' replaced, or the id when
// there is no number.
func downloadName(rec *DocumentRecord, format string) string {
	name := strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, rec.Number)
	if strings.Trim(name, ".-_") == "" || len(name) > 100 {
		name = rec.ID
	}
	return name + render.Format(format).Extension()
}

// copyVerified copies size bytes from r (a storage reader, whose final Read
// fails on a checksum mismatch) to w, holding the last byte back until r
// has ended cleanly: a client that was promised size bytes then never gets
// all of them from a corrupt or broken read.
func copyVerified(w io.Writer, r io.Reader, size int64) error {
	if size > 0 {
		if _, err := io.CopyN(w, r, size-1); err != nil {
			return err
		}
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if int64(len(rest)) != min(size, 1) {
		return fmt.Errorf("stored object is not %d bytes long", size)
	}
	_, err = w.Write(rest)
	return err
}

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// idempotencyKey reads the Idempotency-Key header: "" when absent, else 1
// to 255 printable ASCII characters, 400 otherwise.
func idempotencyKey(h http.Header) (string, error) {
	vs := h.Values(HeaderIdempotencyKey)
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1:
		return "", problem(ProblemBadRequest, "send one %s header, not %d", HeaderIdempotencyKey, len(vs))
	}
	if msg := checkIdempotencyKey(vs[0]); msg != "" {
		return "", problem(ProblemBadRequest, "%s %s", HeaderIdempotencyKey, msg)
	}
	return vs[0], nil
}

// checkIdempotencyKey says what is wrong with an idempotency key, "" when
// nothing is: the rule for the header and for a batch line's key alike.
func checkIdempotencyKey(k string) string {
	if k == "" || len(k) > maxIdempotencyKeyLen {
		return fmt.Sprintf("must be 1 to %d characters long", maxIdempotencyKeyLen)
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return fmt.Sprintf("may hold only printable ASCII characters (byte %d is not)", i)
		}
	}
	return ""
}

// inlineFormat returns the format whose bytes the client wants as the
// response body instead of the record: ?inline=pdf|html|txt, or
// Accept: application/pdf. "" means the record (JSON).
func inlineFormat(c echo.Context) (render.Format, error) {
	if c.QueryParams().Has("inline") {
		v := c.QueryParam("inline")
		if formatIndex(v) < 0 {
			return "", problem(ProblemBadRequest, "inline=%s: must be %s", strconv.Quote(v), formatNames)
		}
		return render.Format(v), nil
	}
	return negotiateRecordOrPDF(c.Request().Header.Get(echo.HeaderAccept))
}

// negotiateRecordOrPDF reads an Accept header for POST /v1/documents:
// application/pdf ranked at least as high as JSON asks for the PDF; JSON,
// application/* or */* (or no header) get the record; anything else is 406.
func negotiateRecordOrPDF(accept string) (render.Format, error) {
	if strings.TrimSpace(accept) == "" {
		return "", nil
	}
	jsonQ, pdfQ := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		switch mt {
		case "application/pdf":
			pdfQ = max(pdfQ, q)
		case "application/json", "application/*", "*/*":
			jsonQ = max(jsonQ, q)
		}
	}
	switch {
	case pdfQ > 0 && pdfQ >= jsonQ:
		return render.FormatPDF, nil
	case jsonQ > 0:
		return "", nil
	}
	return "", problem(ProblemNotAccept, "this route answers application/json (the document record) or application/pdf (the PDF itself), not %q", accept)
}
