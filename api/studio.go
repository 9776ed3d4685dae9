package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/api/preview"
)

// studioFiles are the studio's page templates and its one small script.
//
//go:embed studio/*.html studio/studio.js
var studioFiles embed.FS

// studioScript is inlined in every page and allowed by its hash.
var studioScript = func() string {
	b, err := studioFiles.ReadFile("studio/studio.js")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// studioPolicy is the Content-Security-Policy of the studio's pages: the
// one script by hash, styles inline, images, frames and forms from the
// server itself, and no framing by others.
var studioPolicy = func() string {
	sum := sha256.Sum256([]byte(studioScript))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; object-src 'self'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}()

// studioPages are the parsed pages, each the layout with its own content.
var studioPages = func() map[string]*template.Template {
	funcs := template.FuncMap{"plural": plural, "short": shortHash, "date": studioDate, "bytes": byteSize, "hexOf": hexOf}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(studioFiles, "studio/layout.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"signin", "kits", "kit", "live", "upload", "draft", "documents", "compare", "error"} {
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(studioFiles, "studio/"+name+".html"))
	}
	return out
}()

// Studio bounds: drafts are kept in memory, per server.
const (
	studioSessionTTL = 8 * time.Hour
	studioDraftTTL   = 2 * time.Hour
	studioMaxDrafts  = 16
	studioDraftBytes = 128 << 20 // all drafts' files together
)

// studio is the kit studio: server-rendered pages under /studio where a
// designer signs in with their API key, looks after kit versions and the
// live pin, and uploads a kit as a draft to lint, preview, compare with
// live and publish. It holds what lives only in this server's memory.
type studio struct {
	s      *Server
	secret []byte // signs session cookies; random per server, so a restart signs everyone out
	drafts *draftStore
	ras    *preview.Rasterizer // nil: PDFs are shown by the browser's viewer
}

// studioRoutes registers /studio. The pages are HTML for browsers, not
// API: they are not in openapi.json, and they answer errors with pages.
// Every page but sign-in needs a designer or admin session (see handle).
func (s *Server) studioRoutes(e *echo.Echo) {
	st := &studio{s: s, secret: make([]byte, 32), drafts: newDraftStore(s.cfg.Now)}
	_, _ = rand.Read(st.secret) // never fails (crypto/rand)
	ras, err := preview.NewRasterizer(0)
	switch {
	case err == nil:
		st.ras = ras
	case errors.Is(err, exec.ErrNotFound):
		s.log.Warn("studio: no page images, PDFs are shown by the browser's viewer", "reason", err.Error())
	default:
		s.log.Error("studio: page images", "error", err.Error())
	}
	getAndHead(e, "/studio", st.handle(st.handleKits))
	getAndHead(e, "/studio/signin", st.handleSignInPage)
	e.POST("/studio/signin", st.handleSignIn)
	e.POST("/studio/signout", st.handleSignOut)
	getAndHead(e, "/studio/kits/:name", st.handle(st.handleKit))
	getAndHead(e, "/studio/kits/:name/live", st.handle(st.handleLiveConfirm))
	e.POST("/studio/kits/:name/live", st.handle(st.handleLiveMove))
	getAndHead(e, "/studio/upload", st.handle(st.handleUploadPage))
	e.POST("/studio/drafts", st.handle(st.handleUpload))
	getAndHead(e, "/studio/drafts/:id", st.handle(st.handleDraft))
	e.POST("/studio/drafts/:id/publish", st.handle(st.handlePublish))
	e.POST("/studio/drafts/:id/discard", st.handle(st.handleDiscard))
	getAndHead(e, "/studio/drafts/:id/documents", st.handle(st.handleDocuments))
	getAndHead(e, "/studio/drafts/:id/compare", st.handle(st.handleCompare))
	getAndHead(e, "/studio/drafts/:id/files/:side/:doc/:file", st.handle(st.handleFile))
	e.RouteNotFound("/studio/*", st.handleNotFound)
}

// studioHandler is a studio page handler, called with the signed-in
// principal (a designer or an admin).
type studioHandler func(c echo.Context, p *Principal) error

// handle wraps a page handler: it refuses cross-site POSTs, resolves the
// session (sending the browser to sign in without one), refuses renderer
// keys with a 403 page, and shows any error the handler returns as a page.
func (st *studio) handle(h studioHandler) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := st.serve(c, h); err != nil {
			st.errorPage(c, err)
		}
		return nil
	}
}

// serve runs h for a signed-in designer or admin, or says why not.
func (st *studio) serve(c echo.Context, h studioHandler) error {
	if c.Request().Method == http.MethodPost {
		if err := sameOrigin(c.Request()); err != nil {
			return err
		}
	}
	p, ended := st.session(c)
	if p == nil {
		st.clearCookie(c)
		return c.Redirect(http.StatusSeeOther, signInURL(c.Request(), ended))
	}
	c.Set(principalKey, p)
	if p.Role != RoleDesigner && p.Role != RoleAdmin {
		return problem(ProblemForbidden, "the %s key %q renders documents; the studio is for designer and admin keys", p.Role, p.Name)
	}
	return h(c, p)
}

// studioPage is what every page's layout shows.
type studioPage struct {
	Title  string
	Who    *Principal // nil when nobody is signed in
	Open   bool       // no API keys are configured: everyone is admin
	Wide   bool       // the page uses the whole window (documents side by side)
	Script template.JS
}

// page fills the layout's fields for principal p.
func (st *studio) page(title string, p *Principal) studioPage {
	return studioPage{Title: title, Who: p, Open: st.open(), Script: template.JS(studioScript)}
}

// open reports whether the server runs without API keys (loopback only).
func (st *studio) open() bool { return len(st.s.keys.keys) == 0 }

// render writes page name with data as the response.
func (st *studio) render(c echo.Context, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := studioPages[name].Execute(&buf, data); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", studioPolicy)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	return c.HTMLBlob(status, buf.Bytes())
}

// errorPageData is the error page.
type errorPageData struct {
	studioPage
	Status   int
	Heading  string
	Detail   string
	Errors   []FieldProblem
	SignedIn bool
}

// errorPage shows err as a page with the status ProblemFor gives it. As
// with the API, only 5xx are logged with the error itself, and their page
// names nothing but the request id.
func (st *studio) errorPage(c echo.Context, err error) {
	if c.Response().Committed {
		return
	}
	p := ProblemFor(err)
	if p.Status >= 500 {
		st.s.log.ErrorContext(c.Request().Context(), "studio request failed",
			"route", c.Path(), "status", p.Status, "problem", p.Type, "error", err.Error())
	}
	who, _ := c.Get(principalKey).(*Principal)
	d := errorPageData{studioPage: st.page(p.Title, who), Status: p.Status, Heading: p.Title, Detail: p.Detail, Errors: p.Errors, SignedIn: who != nil && !st.open()}
	if p.Status >= 500 {
		d.Detail = "The server failed. Request id " + c.Response().Header().Get(echo.HeaderXRequestID) + " leads to the log entry."
	}
	if rerr := st.render(c, p.Status, "error", d); rerr != nil {
		st.s.log.ErrorContext(c.Request().Context(), "studio error page", "error", rerr.Error())
		c.Response().WriteHeader(http.StatusInternalServerError)
	}
}

// handleNotFound handles every other path under /studio: a 404 page. A
// path that some route serves with other methods goes to handleError,
// which answers 405 with Allow, as everywhere else.
func (st *studio) handleNotFound(c echo.Context) error {
	path := c.Request().URL.Path
	if path == "/studio/" {
		return c.Redirect(http.StatusSeeOther, "/studio")
	}
	if len(st.s.allowedMethods(path)) > 0 {
		return echo.ErrNotFound
	}
	st.errorPage(c, problem(ProblemNotFound, "there is no studio page at %s", path))
	return nil
}

// plural writes "1 error", "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// shortHash abbreviates a content hash for tables; the full hash goes in
// a title attribute.
func shortHash(h string) string { return h[:min(12, len(h))] }

// studioDate formats a time for tables, in UTC so every replica agrees.
func studioDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// studioKitSwatches lists a palette in the order designers think of it.
func studioKitSwatches(colors map[string]string) []swatch {
	var out []swatch
	for _, name := range []string{"primary", "secondary", "accent", "text", "muted", "background"} {
		if hex := colors[name]; hex != "" {
			out = append(out, swatch{Name: name, Hex: strings.ToLower(hex)})
		}
	}
	return out
}

// swatch is one named colour.
type swatch struct{ Name, Hex string }

// hexOf returns the colour a diff value holds ("\"#4a2c1d\"" gives
// "#4a2c1d"), or "" for any other value.
func hexOf(v string) string {
	v = strings.Trim(v, `"'`)
	if len(v) == 7 && v[0] == '#' && strings.Trim(strings.ToLower(v[1:]), "0123456789abcdef") == "" {
		return strings.ToLower(v)
	}
	return ""
}
