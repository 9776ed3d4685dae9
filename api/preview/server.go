package preview

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options say what the preview shows.
type Options struct {
	// KitDir is the kit folder being edited: every document is rendered
	// with it, and every change under it renders them again. Empty: the
	// bundled sample kits, each sample document with its own kit.
	KitDir string
	// DataPath is a document JSON file, or a folder whose *.json files are
	// the documents; changes to them render again. Empty: the bundled
	// sample documents. Without KitDir, they are rendered with every
	// sample kit.
	DataPath string
	// DPI is the resolution of the PDF page images (DefaultDPI when 0).
	DPI int
	// NoPageImages shows PDFs in the browser's own viewer instead of as
	// page images, as happens anyway when pdftoppm is not installed.
	NoPageImages bool
	// Debounce is how long files must be quiet after a change before the
	// preview renders again (DefaultDebounce when 0).
	Debounce time.Duration
	// Logger receives a line per render and every problem; nil discards.
	Logger *slog.Logger
}

// Server is the preview: an http.Handler for the page, its event stream and
// the rendered files, and the watcher that renders again on changes. Close
// it to stop the watcher and end the event streams.
type Server struct {
	opts  Options
	log   *slog.Logger
	src   *sources
	ras   *Rasterizer // nil: PDFs are shown by the browser's viewer
	noRas string      // why there are no page images
	watch *watcher    // nil when nothing on disk is shown
	hub   hub
	mux   *http.ServeMux

	reloadMu sync.Mutex // one reload at a time
	mu       sync.RWMutex
	cur      *state
	closed   bool

	ctx       context.Context // ends with Close, and with it all background work
	cancel    context.CancelFunc
	wg        sync.WaitGroup // the watcher and the event streams
	closeOnce sync.Once
	closeErr  error
}

// New renders every document once, starts watching the kit folder and the
// data path, and returns the preview. It fails when KitDir or DataPath
// does not exist; problems inside them are shown on the page instead.
func New(opts Options) (*Server, error) {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	s := &Server{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	src, err := newSources(opts.KitDir, opts.DataPath)
	if err != nil {
		return nil, err
	}
	s.src = src
	if opts.NoPageImages {
		s.noRas = "page images are turned off"
	} else if s.ras, err = NewRasterizer(opts.DPI); err != nil {
		if !errors.Is(err, exec.ErrNotFound) {
			return nil, err
		}
		s.noRas = "pdftoppm is not installed (apt-get install poppler-utils)"
		s.log.Warn("no page images: PDFs are shown by the browser's own viewer", "reason", s.noRas)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.routes()
	s.reload()
	if opts.KitDir != "" || opts.DataPath != "" {
		if s.watch, err = newWatcher(opts.KitDir, opts.DataPath, src.dataDir, opts.Debounce, s.log); err != nil {
			s.cancel()
			return nil, err
		}
		s.wg.Go(func() { s.watch.run(s.ctx, s.reload) })
	}
	return s, nil
}

// Close stops the watcher, ends the event streams and waits for them. The
// handler answers 503 to new event streams afterwards.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		if s.watch != nil {
			s.closeErr = s.watch.close()
		}
		s.wg.Wait()
	})
	return s.closeErr
}

// track counts a long-running request so that Close waits for it; false
// once the server is closed.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// current returns the state the page shows now; nil before the first reload.
func (s *Server) current() *state {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cur
}

// routes registers the handlers; each names its route.
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.handlePage)
	s.mux.HandleFunc("GET /events", s.handleEvents)
	s.mux.HandleFunc("GET /doc/{id}/html", s.handleHTML)
	s.mux.HandleFunc("GET /doc/{id}/pdf", s.handlePDF)
	s.mux.HandleFunc("GET /doc/{id}/pages/{file}", s.handlePageImage)
}

// ServeHTTP answers requests addressed to a loopback host only: a web page
// elsewhere that makes the browser resolve its own name to 127.0.0.1 (DNS
// rebinding) must not read the documents the preview shows.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !loopbackHost(r.Host) {
		http.Error(w, "the preview answers only at localhost, 127.0.0.1 or [::1]", http.StatusMisdirectedRequest)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.mux.ServeHTTP(w, r)
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// lookup finds the entry of the {id} in the request's path, answering 404
// when there is none or it has no render.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *entry {
	e := s.current().byID[r.PathValue("id")]
	if e == nil || e.view == nil {
		http.Error(w, "no such document: "+r.PathValue("id"), http.StatusNotFound)
		return nil
	}
	return e
}

// notModified sets the ETag of a view's file and reports whether the
// browser has it already.
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	etag = `"` + etag + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// htmlPolicy lets a rendered e-mail draw itself and nothing else: no
// scripts, no requests (its images are data: URIs), links opening in a new
// tab. allow-same-origin lets the preview page read the frame (tests do);
// without allow-scripts that gives the e-mail no powers.
const htmlPolicy = "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox; " +
	"default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'"

// handleHTML handles GET /doc/{id}/html: the rendered HTML, sandboxed.
func (s *Server) handleHTML(w http.ResponseWriter, r *http.Request) {
	e := s.lookup(w, r)
	if e == nil || notModified(w, r, e.view.Key+"-html") {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", htmlPolicy)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.view.HTML)))
	_, _ = w.Write(e.view.HTML)
}

// handlePDF handles GET /doc/{id}/pdf: the rendered PDF, shown inline.
func (s *Server) handlePDF(w http.ResponseWriter, r *http.Request) {
	e := s.lookup(w, r)
	if e == nil || notModified(w, r, e.view.Key+"-pdf") {
		return
	}
	name := strings.TrimSuffix(e.doc.name, ".json") + ".pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.view.PDF)))
	_, _ = w.Write(e.view.PDF)
}

// handlePageImage handles GET /doc/{id}/pages/{n}.png: one PDF page as PNG.
func (s *Server) handlePageImage(w http.ResponseWriter, r *http.Request) {
	e := s.lookup(w, r)
	if e == nil {
		return
	}
	n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("file"), ".png"))
	if err != nil || !strings.HasSuffix(r.PathValue("file"), ".png") {
		http.Error(w, "page images are named N.png", http.StatusNotFound)
		return
	}
	ServePageImage(w, r, e.view, n)
}
