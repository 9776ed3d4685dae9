package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
)

// brandkitRoutes registers /v1/brandkits. Every route is for designers and
// admins: a renderer gets 403 on all of them, and a designer limited to some
// kits gets 403 for any other kit named in the path (see kitFor). The role
// check is per route rather than on a group, since a group's middleware
// makes echo register catch-all routes on the group's own path, which
// handleError takes for "no such route".
func (s *Server) brandkitRoutes(g *echo.Group) {
	designers := allow(RoleDesigner)
	getAndHead(g, "/brandkits", s.handleListKits, designers)
	g.POST("/brandkits/lint", s.handleLintKit, designers)
	getAndHead(g, "/brandkits/:name", s.handleGetKit, designers)
	g.POST("/brandkits/:name/versions", s.handlePublishKit, designers)
	getAndHead(g, "/brandkits/:name/versions/:n", s.handleGetKitVersion, designers)
	getAndHead(g, "/brandkits/:name/versions/:n/assets/*", s.handleGetKitAsset, designers)
	g.PUT("/brandkits/:name/pins/:pin", s.handlePinKit, designers, requireMediaType(echo.MIMEApplicationJSON))
	getAndHead(g, "/brandkits/:name/diff", s.handleDiffKit, designers)
}

// handleListKits handles GET /v1/brandkits: the kits the caller may use.
func (s *Server) handleListKits(c echo.Context) error {
	p := principal(c)
	list, err := s.cfg.Kits.List(c.Request().Context())
	if err != nil {
		return kitStoreError(err)
	}
	out := []KitSummary{}
	for _, sum := range list {
		if p.CanUseKit(sum.Name) {
			out = append(out, kitSummary(sum))
		}
	}
	return c.JSON(http.StatusOK, out)
}

// handleGetKit handles GET /v1/brandkits/{name}: its versions, oldest
// first, and pins.
func (s *Server) handleGetKit(c echo.Context) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	sum, err := s.cfg.Kits.Get(c.Request().Context(), name)
	if err != nil {
		return kitStoreError(err)
	}
	out := KitDetail{KitSummary: kitSummary(sum), Versions: []KitVersionInfo{}}
	for _, v := range sum.Versions {
		out.Versions = append(out.Versions, versionInfo(v))
	}
	return c.JSON(http.StatusOK, out)
}

// handleGetKitVersion handles GET /v1/brandkits/{name}/versions/{n}, where n
// is a version number or a pin: the kit as parsed (kit.yaml's keys with
// defaults applied) and its files.
func (s *Server) handleGetKitVersion(c echo.Context) error {
	v, err := s.pathVersion(c)
	if err != nil {
		return err
	}
	kit, _, err := s.cfg.Kits.Load(c.Request().Context(), v)
	if err != nil {
		return kitStoreError(err)
	}
	model, err := kitModel(kit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, KitVersionDetail{Name: v.Name, KitVersionInfo: versionInfo(v), Kit: model, Assets: kitAssets(v)})
}

// handleGetKitAsset handles GET /v1/brandkits/{name}/versions/{n}/assets/{path}:
// one file of a version (kit.yaml, the logo, a font) as it was published.
func (s *Server) handleGetKitAsset(c echo.Context) error {
	v, err := s.pathVersion(c)
	if err != nil {
		return err
	}
	path := c.Param("*")
	sum := assetSHA256(v, path)
	if sum == "" {
		return problem(ProblemNotFound, "kit %s@%d has no file %q", v.Name, v.Number, path)
	}
	// Load checks every file against its SHA-256; the Store reads no less.
	_, files, err := s.cfg.Kits.Load(c.Request().Context(), v)
	if err != nil {
		return kitStoreError(err)
	}
	data := files[path]
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+sum+`"`)
	if isDigits(c.Param("n")) {
		h.Set("Cache-Control", "private, max-age=31536000, immutable") // versions never change
	} else {
		h.Set("Cache-Control", "private, no-cache") // a pin moves
	}
	return c.Blob(http.StatusOK, assetContentType(path, data), data)
}

// pathVersion resolves the version the request path names, {name} and {n}
// (a number or a pin), for a caller who may use the kit.
func (s *Server) pathVersion(c echo.Context) (brandkits.Version, error) {
	name, err := kitFor(c)
	if err != nil {
		return brandkits.Version{}, err
	}
	return s.resolveVersion(c.Request().Context(), name, c.Param("n"))
}

// resolveVersion resolves version sel (a number or a pin) of kit name.
func (s *Server) resolveVersion(ctx context.Context, name, sel string) (brandkits.Version, error) {
	v, err := s.cfg.Kits.Resolve(ctx, name+"@"+sel)
	return v, kitStoreError(err)
}

// kitFor returns the kit name of the request path after checking that the
// caller may use it (403 otherwise) and that it is a kit name (400).
func kitFor(c echo.Context) (string, error) {
	name := c.Param("name")
	if err := checkKit(principal(c), name); err != nil {
		return "", err
	}
	if err := brandkits.CheckName(name); err != nil {
		return "", problem(ProblemBadRequest, "%s", err.Error())
	}
	return name, nil
}

// kitStoreError passes on the kit store's errors about kits, versions and
// pins, which ProblemFor maps and whose text names nothing but those. Any
// other failure is storage trouble: 503 with a generic detail, the error
// itself (which may name storage keys or file paths) in the log only.
// storageError would not do, as it passes storage.ErrNotFound on as a 404:
// a missing file of a published version is damage, not a wrong request.
func kitStoreError(err error) error {
	var p *Problem
	switch {
	case err == nil, errors.As(err, &p),
		errors.Is(err, brandkits.ErrBadRef), errors.Is(err, brandkits.ErrNotFound),
		errors.Is(err, brandkits.ErrConflict), errors.Is(err, brandkits.ErrInvalid),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("%w: %w", ProblemFor(errStorage), err)
}

// kitSummary is the list entry of a kit.
func kitSummary(s brandkits.Summary) KitSummary {
	pins := s.Pins
	if pins == nil {
		pins = map[string]int{}
	}
	return KitSummary{Name: s.Name, Latest: s.Latest, Pins: pins, Retired: s.Retired}
}

// versionInfo describes v without its files.
func versionInfo(v brandkits.Version) KitVersionInfo {
	return KitVersionInfo{Version: v.Number, Hash: v.Hash, Created: v.Created, Author: v.Author, Note: v.Note}
}

// assetURL is where one file of v is downloaded.
func assetURL(v brandkits.Version, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return fmt.Sprintf("/v1/brandkits/%s/versions/%d/assets/%s", v.Name, v.Number, strings.Join(segs, "/"))
}

// kitAssets lists the files of v with their download paths.
func kitAssets(v brandkits.Version) []KitAsset {
	out := make([]KitAsset, 0, len(v.Assets))
	for _, a := range v.Assets {
		out = append(out, KitAsset{Path: a.Path, Size: a.Size, SHA256: a.SHA256, URL: assetURL(v, a.Path)})
	}
	return out
}

// assetSHA256 is the SHA-256 of v's file at path, "" when v has none.
func assetSHA256(v brandkits.Version, path string) string {
	for _, a := range v.Assets {
		if a.Path == path {
			return a.SHA256
		}
	}
	return ""
}

// assetContentType types a kit file by its content, as the kit loader
// does (a logo.png holding a JPEG is a JPEG); kit.yaml is YAML text.
func assetContentType(path string, data []byte) string {
	if path == "kit.yaml" {
		return "application/yaml; charset=utf-8"
	}
	return http.DetectContentType(data)
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
