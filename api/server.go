package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/storage"
)

// Config is everything a Server needs. Bucket and Kits are required; the
// rest has working defaults (see withDefaults).
type Config struct {
	// Bucket stores rendered documents and idempotency records.
	Bucket *storage.Bucket
	// Kits is the brand kit store (usually a storage.KitStore on Bucket).
	Kits brandkits.Store
	// Keys are the API keys; none means every caller is admin, and the
	// caller of New must then listen on loopback only.
	Keys []Key
	// Logger receives structured request and error logs; default discards.
	Logger *slog.Logger
	// Registry receives the Prometheus metrics; default a new registry.
	Registry *prometheus.Registry
	// BodyLimit caps a request body in bytes (413 beyond); default 10 MiB.
	// A batch is a stream: BatchLineLimit caps each of its lines instead.
	BodyLimit int64
	// BatchLineLimit caps one NDJSON line of a batch; default 1 MiB.
	BatchLineLimit int
	// RequestTimeout bounds a non-batch request; default 30s.
	RequestTimeout time.Duration
	// BatchConcurrency bounds the renders one batch runs at once; default
	// GOMAXPROCS.
	BatchConcurrency int
	// PresignDownloads makes GET /v1/documents/{id}/{format} redirect to a
	// short-lived presigned URL where the storage supports it (S3).
	PresignDownloads bool
	// Now is the clock; default time.Now.
	Now func() time.Time
	// KitCacheTTL is how long the answer to a moving kit reference
	// ("roastery", "roastery@live") is reused before the kit store is asked
	// again, so a pin moved by another replica or directly in storage shows
	// within it (pins moved and kits published through this server show at
	// once; "roastery@3" never changes and is kept for good). Default 1s;
	// negative asks the store on every request.
	KitCacheTTL time.Duration
	// Profiles is the mapping profile store (usually a
	// storage.ProfileStore on Bucket) that requests naming a "profile"
	// read legacy input through; nil refuses them.
	Profiles mapping.Store
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.BodyLimit <= 0 {
		c.BodyLimit = 10 << 20
	}
	if c.BatchLineLimit <= 0 {
		c.BatchLineLimit = 1 << 20
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.BatchConcurrency <= 0 {
		c.BatchConcurrency = runtime.GOMAXPROCS(0)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.KitCacheTTL == 0 {
		c.KitCacheTTL = defaultKitCacheTTL
	}
	return c
}

// Server is the Livery REST service. It is an http.Handler.
type Server struct {
	cfg  Config
	echo *echo.Echo
	keys *keyring
	log  *slog.Logger
	// stopping is closed when Shutdown begins: batches stop taking new
	// lines, finish the ones in flight and end their response.
	stopping chan struct{}
	stopOnce sync.Once
	// kits resolves the kit references of documents, cached (kitcache.go).
	kits *kitCache
	// renderers caches one Renderer per kit version hash: preparing a kit
	// (fonts, logo) costs far more than a render.
	renderers sync.Map // kit hash -> *rendererEntry
	// metrics are the Prometheus collectors (ops.go).
	metrics *metrics
	// catchAll holds the paths of echo's "route not found" routes ("/*",
	// and one pair per group with middleware).
	catchAll map[string]bool
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Bucket == nil || cfg.Kits == nil {
		return nil, errors.New("api: Config.Bucket and Config.Kits are required")
	}
	cfg = cfg.withDefaults()
	// The cache has a clock of its own: tests that fix Config.Now for the
	// documents' timestamps must not stop it from expiring.
	kits := newKitCache(cfg.Kits, cfg.KitCacheTTL, time.Now)
	cfg.Kits = &forgettingStore{Store: cfg.Kits, cache: kits}
	s := &Server{
		cfg:      cfg,
		kits:     kits,
		keys:     newKeyring(cfg.Keys),
		log:      slog.New(requestIDHandler{cfg.Logger.Handler()}),
		stopping: make(chan struct{}),
	}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	s.echo = e
	s.routes()
	s.catchAll = map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound {
			s.catchAll[r.Path] = true
		}
	}
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Echo returns the underlying echo instance (for tests and the OpenAPI
// route check).
func (s *Server) Echo() *echo.Echo { return s.echo }

// Stopping returns a channel closed when the server begins shutting down.
func (s *Server) Stopping() <-chan struct{} { return s.stopping }

// BeginShutdown tells long requests (batches) to wind down: stop reading
// input, finish what is in flight, end the response. Call it before
// http.Server.Shutdown, which then waits for them.
func (s *Server) BeginShutdown() { s.stopOnce.Do(func() { close(s.stopping) }) }

// routes registers every route. Each group's handlers live in the file
// named after it.
//
// Middleware order, outermost first: requestID (before routing), observe
// (one log line and the metrics for every request, panics included),
// recoverPanics, limits (body size and deadline; see streamRoutes).
func (s *Server) routes() {
	e := s.echo
	e.Pre(s.requestID)
	e.Use(s.observe, s.recoverPanics, s.limits)
	s.opsRoutes(e)

	v1 := e.Group("/v1", s.authenticate)
	s.documentRoutes(v1)
	s.batchRoutes(v1)
	s.brandkitRoutes(v1)
	s.studioRoutes(e)
}

// getter is what registers routes: *echo.Echo and *echo.Group.
type getter interface {
	GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	HEAD(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// getAndHead registers a GET route and its HEAD twin (RFC 9110, 9.3.2): the same
// handler, whose body net/http drops for HEAD while sending the status and
// headers. Handlers that can skip the body's work check isHead.
func getAndHead(r getter, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.GET(path, h, m...)
	r.HEAD(path, h, m...)
}

// isHead reports whether c is a HEAD request, which net/http answers
// without a body.
func isHead(c echo.Context) bool { return c.Request().Method == http.MethodHead }

// streamRoutes are the routes ("METHOD /path" as registered) whose body is
// a stream: they get neither Config.BodyLimit nor Config.RequestTimeout and
// bound themselves instead (a batch caps each line at BatchLineLimit and
// winds down on Stopping).
var streamRoutes = map[string]bool{
	http.MethodPost + " /v1/batches": true,
}

// isStream reports whether c's route is one of streamRoutes.
func isStream(c echo.Context) bool {
	return streamRoutes[c.Request().Method+" "+c.Path()]
}

// limits caps the request body at Config.BodyLimit (413, whether the body
// announces its length or arrives chunked) and gives the request a
// Config.RequestTimeout deadline on its context (503 "timeout" when the
// handler comes back after it without having answered). Stream routes are
// exempt.
func (s *Server) limits(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isStream(c) {
			return next(c)
		}
		req := c.Request()
		if req.ContentLength > s.cfg.BodyLimit {
			return tooLarge(s.cfg.BodyLimit)
		}
		ctx, cancel := context.WithTimeout(req.Context(), s.cfg.RequestTimeout)
		defer cancel()
		req = req.WithContext(ctx)
		var body *limitedBody
		if req.Body != nil && req.Body != http.NoBody {
			body = &limitedBody{r: req.Body, limit: s.cfg.BodyLimit, left: s.cfg.BodyLimit}
			req.Body = body
		}
		c.SetRequest(req)
		err := next(c)
		if c.Response().Committed {
			return err
		}
		// Whatever the handler made of a failed read (a JSON syntax
		// error, a validation problem), the cause is the limit.
		if body != nil && body.over {
			return tooLarge(s.cfg.BodyLimit)
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return problem(ProblemTimeout, "the request took longer than the %s the server allows", s.cfg.RequestTimeout)
		}
		return err
	}
}

// limitedBody is a request body that fails once it has given more than its
// limit, with an *http.MaxBytesError (which ProblemFor maps to 413).
type limitedBody struct {
	r     io.ReadCloser
	limit int64
	left  int64 // bytes still allowed
	over  bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, &http.MaxBytesError{Limit: b.limit}
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte past the limit tells "at" from "over"
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		b.over = true
		return int(b.left), &http.MaxBytesError{Limit: b.limit}
	}
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.r.Close() }

// requireMediaType refuses with 415 a request whose Content-Type is not one
// of types (parameters such as charset ignored). Attach it per route:
//
//	g.POST("/documents", s.handleCreateDocument, requireMediaType("application/json"))
func requireMediaType(types ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ct := c.Request().Header.Get(echo.HeaderContentType)
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || !slices.Contains(types, mt) {
				return problem(ProblemMediaType, "send the body as %s, not %q", strings.Join(types, " or "), ct)
			}
			return next(c)
		}
	}
}

// handleError writes err as application/problem+json.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if s.unmatched(c) {
		// echo's catch-all routes win over its own 405, so a path that
		// exists with other methods is told apart here.
		if allowed := s.allowedMethods(c.Request().URL.Path); len(allowed) > 0 {
			c.Response().Header().Set(echo.HeaderAllow, strings.Join(allowed, ", "))
			err = echo.ErrMethodNotAllowed
		}
	}
	if clientClosed(c, err) {
		// Nobody reads an answer, and the failure is not the server's: a
		// storage write cut short by the cancelled context is not storage
		// trouble, and must not page anyone as a 503 would.
		c.Response().Status = StatusClientClosed
		s.log.InfoContext(c.Request().Context(), "client closed the request",
			"route", c.Path(), "error", err.Error())
		return
	}
	p := *ProblemFor(err) // copy: shared *Problem values must not be edited
	p.Instance = c.Request().URL.Path
	p.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	if p.Status >= 500 {
		// The full error, never sent to the client; the context carries
		// the request id into the line.
		s.log.ErrorContext(c.Request().Context(), "request failed",
			"route", c.Path(), "status", p.Status, "problem", p.Type, "error", err.Error())
	}
	writeProblem(c, &p)
}

// StatusClientClosed is the status logged and counted for a request whose
// client closed its connection before the answer (nginx's 499); no answer
// is written.
const StatusClientClosed = 499

// clientClosed reports whether err is the request's own context being
// cancelled, which net/http does when the client goes away (a timeout is
// DeadlineExceeded instead).
func clientClosed(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(c.Request().Context().Err(), context.Canceled)
}

// unmatched reports whether c went to a catch-all "route not found"
// handler: no route has its path.
func (s *Server) unmatched(c echo.Context) bool {
	p := c.Path()
	return p == "" || s.catchAll[p]
}

// allowedMethods lists the methods of the routes matching path, sorted.
func (s *Server) allowedMethods(path string) []string {
	var out []string
	for _, r := range s.echo.Routes() {
		if r.Method != echo.RouteNotFound && routeMatches(r.Path, path) && !slices.Contains(out, r.Method) {
			out = append(out, r.Method)
		}
	}
	slices.Sort(out)
	return out
}

// routeMatches reports whether an echo route pattern ("/v1/documents/:id",
// "/assets/*") matches path.
func routeMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, seg := range ps {
		switch {
		case seg == "*":
			return true // the rest, empty or not
		case i >= len(xs):
			return false
		case strings.HasPrefix(seg, ":"):
			if xs[i] == "" {
				return false
			}
		case seg != xs[i]:
			return false
		}
	}
	return len(xs) == len(ps)
}

// writeProblem sends p as the response.
func writeProblem(c echo.Context, p *Problem) {
	c.Response().Header().Set(echo.HeaderContentType, ProblemContentType)
	c.Response().WriteHeader(p.Status)
	if isHead(c) {
		return
	}
	_ = jsonEncode(c.Response(), p)
}

// rendererEntry builds a kit version's Renderer once.
type rendererEntry struct {
	once sync.Once
	r    *render.Renderer
	err  error
}

// resolveKit resolves a kit reference ("name", "name@N", "name@live") for
// principal p, refusing kits outside its tenants, and returns the version
// with its (cached) Renderer. The reference is resolved through s.kits, so
// a moved pin shows within Config.KitCacheTTL.
func (s *Server) resolveKit(ctx context.Context, p *Principal, ref string) (brandkits.Version, *render.Renderer, error) {
	name, _, _, err := brandkits.ParseRef(ref)
	if err != nil {
		return brandkits.Version{}, nil, fieldProblem("kit", err.Error())
	}
	if err := checkKit(p, name); err != nil {
		return brandkits.Version{}, nil, err
	}
	v, err := s.kits.Resolve(ctx, ref)
	if err != nil {
		return brandkits.Version{}, nil, storageError(err)
	}
	en, _ := s.renderers.LoadOrStore(v.Hash, &rendererEntry{})
	entry := en.(*rendererEntry)
	entry.once.Do(func() {
		kit, _, err := s.cfg.Kits.Load(ctx, v)
		if err != nil {
			entry.err = storageError(err)
			return
		}
		entry.r, entry.err = render.New(kit)
	})
	if entry.err != nil {
		s.renderers.Delete(v.Hash) // a failed load may succeed next time
		return v, nil, entry.err
	}
	return v, entry.r, nil
}
