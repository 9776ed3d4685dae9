package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"weak"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/mapping/ubl"
)

// Media types of legacy input (docs/api.md, "Legacy input").
const (
	// XMLContentType is a UBL 2.1 Invoice or CreditNote sent to POST
	// /v1/documents.
	XMLContentType = "application/xml"
	// CSVContentType is a CSV billing run sent to POST /v1/batches.
	CSVContentType = "text/csv"
)

// profileCacheMax bounds each map of a profile cache: a server sees a
// handful of profiles, so reaching it means someone is enumerating versions.
const profileCacheMax = 1024

// profileCache remembers what never changes: the version an exact reference
// ("billing-run@3") names, and the parsed profile of each version (by its
// hash, which covers the whole file). Moving references ("billing-run",
// "billing-run@live") are asked of the store every time.
type profileCache struct {
	store    mapping.Store
	mu       sync.Mutex
	versions map[string]mapping.Version  // "name@N" -> version
	parsed   map[string]*mapping.Profile // version hash -> profile
}

// profileCaches holds the profile cache of each Server. The key is weak and
// the entry is removed when its Server is collected, so short-lived servers
// (tests) leave nothing behind; the Server type is not ours to extend.
var profileCaches sync.Map // weak.Pointer[Server] -> *profileCache

// profileCache returns s's profile cache, creating it on first use.
func (s *Server) profileCache() *profileCache {
	key := weak.Make(s)
	if c, ok := profileCaches.Load(key); ok {
		return c.(*profileCache)
	}
	c, loaded := profileCaches.LoadOrStore(key, &profileCache{
		store:    s.cfg.Profiles,
		versions: map[string]mapping.Version{},
		parsed:   map[string]*mapping.Profile{},
	})
	if !loaded {
		runtime.AddCleanup(s, func(k weak.Pointer[Server]) { profileCaches.Delete(k) }, key)
	}
	return c.(*profileCache)
}

// resolveProfile finds and loads the profile ref names ("name", "name@N",
// "name@PIN"). A reference that is malformed or names no profile is a 422
// problem at path, as is any reference when the server has no profile
// store; storage failures are 503.
func (s *Server) resolveProfile(ctx context.Context, path, ref string) (mapping.Version, *mapping.Profile, error) {
	if s.cfg.Profiles == nil {
		return mapping.Version{}, nil, fieldProblem(path, "this server keeps no mapping profiles; send canonical data instead")
	}
	name, number, _, err := mapping.ParseRef(ref)
	if err != nil {
		return mapping.Version{}, nil, fieldProblem(path, err.Error())
	}
	c := s.profileCache()
	exact := ""
	if number > 0 {
		exact = mapping.FormatRef(name, number, "")
	}
	c.mu.Lock()
	v, ok := c.versions[exact]
	c.mu.Unlock()
	if !ok || exact == "" {
		v, err = c.store.Resolve(ctx, ref)
		switch {
		case errors.Is(err, mapping.ErrNotFound):
			return mapping.Version{}, nil, fieldProblem(path, fmt.Sprintf("unknown profile %q: %s", ref, err.Error()))
		case errors.Is(err, mapping.ErrBadRef):
			return mapping.Version{}, nil, fieldProblem(path, err.Error())
		case err != nil:
			return mapping.Version{}, nil, storageError(fmt.Errorf("resolve profile %s: %w", ref, err))
		}
	}
	c.mu.Lock()
	prof := c.parsed[v.Hash]
	c.mu.Unlock()
	if prof == nil {
		if prof, err = c.store.Load(ctx, v); err != nil {
			return mapping.Version{}, nil, storageError(fmt.Errorf("load profile %s: %w", v.Ref(), err))
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.versions) >= profileCacheMax {
		clear(c.versions)
	}
	if len(c.parsed) >= profileCacheMax {
		clear(c.parsed)
	}
	c.versions[v.Ref()] = v
	c.parsed[v.Hash] = prof
	return v, prof, nil
}

// mapDocumentRequest turns a request naming a profile into one in canonical
// form: its data, legacy JSON, is mapped through the profile, replaced by
// the canonical JSON, and Profile is set to the exact version used
// ("name@N"). A request without a profile is returned as it is. The kit is
// checked for p first, so a caller who may not use it learns nothing about
// profiles.
//
// The document id and the idempotency fingerprint (render_doc.go:
// documentID, requestFingerprint) hash the canonical data, not req.Profile,
// on purpose: a document is what was rendered, so the same legacy data
// mapped to the same canonical JSON by two profile versions is one document.
func (s *Server) mapDocumentRequest(ctx context.Context, p *Principal, req DocumentRequest) (DocumentRequest, error) {
	if req.Profile == "" {
		return req, nil
	}
	if name, _, _, err := brandkits.ParseRef(req.Kit); err == nil {
		if err := checkKit(p, name); err != nil {
			return req, err
		}
	}
	v, prof, err := s.resolveProfile(ctx, "profile", req.Profile)
	if err != nil {
		return req, err
	}
	if prof.CSV != nil {
		return req, fieldProblem("profile", fmt.Sprintf("profile %s reads CSV billing runs: send the file to POST /v1/batches as %s", v.Ref(), CSVContentType))
	}
	if len(req.Data) == 0 {
		return req, fieldProblem("data", "required: the legacy document the profile reads")
	}
	_, data, err := prof.MapDocument(req.Data)
	if err != nil {
		return req, err // *mapping.Error: ProblemFor names data.<source> and the target
	}
	req.Data = data
	req.Profile = v.Ref()
	return req, nil
}

// readDocumentRequest reads the body of POST /v1/documents by its media
// type: a JSON DocumentRequest (its data mapped when it names a profile),
// or a UBL 2.1 document with the kit and formats in the query.
func (s *Server) readDocumentRequest(c echo.Context, body []byte) (DocumentRequest, error) {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != XMLContentType {
		req, err := decodeDocumentRequest(body)
		if err != nil {
			return req, err
		}
		return s.mapDocumentRequest(c.Request().Context(), principal(c), req)
	}
	req, err := queryDocumentRequest(c.Request(), "kit", "formats")
	if err != nil {
		return req, err
	}
	if len(body) > ubl.MaxSize {
		return req, tooLarge(ubl.MaxSize)
	}
	if name, _, _, err := brandkits.ParseRef(req.Kit); err == nil {
		if err := checkKit(principal(c), name); err != nil {
			return req, err
		}
	}
	_, data, err := ubl.ParseDocument(body)
	var me *mapping.Error
	switch {
	case errors.As(err, &me):
		return req, mappingProblem(me, "") // paths in the UBL document, "body" for the whole
	case err != nil:
		return req, err
	}
	req.Data = data
	return req, nil
}

// queryDocumentRequest reads kit, formats and, when params lists it,
// profile from the query of a request whose body is legacy input. formats
// may be repeated or comma-separated ("formats=pdf,html"). Parameters not
// in params are refused, as unknown fields of a JSON request are.
func queryDocumentRequest(r *http.Request, params ...string) (DocumentRequest, error) {
	var req DocumentRequest
	q := r.URL.Query()
	var errs []FieldProblem
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(params, name) {
			errs = append(errs, FieldProblem{Path: fieldPath(name), Message: "unknown query parameter; this input takes " + strings.Join(params, ", ")})
		}
	}
	for _, name := range []string{"kit", "profile"} {
		if len(q[name]) > 1 {
			errs = append(errs, FieldProblem{Path: name, Message: "given more than once"})
		}
	}
	req.Kit = q.Get("kit")
	req.Profile = q.Get("profile")
	if req.Kit == "" {
		errs = append(errs, FieldProblem{Path: "kit", Message: "required: name the brand kit in the query (?kit=roastery@live)"})
	}
	if fs, ok := q["formats"]; ok {
		req.Formats = []string{}
		for _, f := range fs {
			for part := range strings.SplitSeq(f, ",") {
				req.Formats = append(req.Formats, strings.TrimSpace(part))
			}
		}
	}
	if len(errs) > 0 {
		return req, validationProblem(errs)
	}
	return req, nil
}
