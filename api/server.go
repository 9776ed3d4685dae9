package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveryhq/livery/brandkits"
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
	// renderers caches one Renderer per kit version hash: preparing a kit
	// (fonts, logo) costs far more than a render.
	renderers sync.Map // kit hash -> *rendererEntry
	// metrics are the Prometheus collectors (ops.go).
	metrics *metrics
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Bucket == nil || cfg.Kits == nil {
		return nil, errors.New("api: Config.Bucket and Config.Kits are required")
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		keys:     newKeyring(cfg.Keys),
		log:      cfg.Logger,
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
func (s *Server) routes() {
	e := s.echo
	e.Pre(s.requestID)
	e.Use(s.recoverPanics, s.observe)
	s.opsRoutes(e)

	v1 := e.Group("/v1", s.authenticate)
	s.documentRoutes(v1)
	s.batchRoutes(v1)
	s.brandkitRoutes(v1)
}

// handleError writes err as application/problem+json.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := *ProblemFor(err) // copy: shared *Problem values must not be edited
	p.Instance = c.Request().URL.Path
	p.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	if p.Status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed",
			"request_id", p.RequestID, "route", c.Path(), "status", p.Status, "error", err.Error())
	}
	writeProblem(c, &p)
}

// writeProblem sends p as the response.
func writeProblem(c echo.Context, p *Problem) {
	c.Response().Header().Set(echo.HeaderContentType, ProblemContentType)
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
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
// with its (cached) Renderer.
func (s *Server) resolveKit(ctx context.Context, p *Principal, ref string) (brandkits.Version, *render.Renderer, error) {
	name, _, _, err := brandkits.ParseRef(ref)
	if err != nil {
		return brandkits.Version{}, nil, fieldProblem("kit", err.Error())
	}
	if err := checkKit(p, name); err != nil {
		return brandkits.Version{}, nil, err
	}
	v, err := s.cfg.Kits.Resolve(ctx, ref)
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
