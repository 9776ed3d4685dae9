package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/storage"
)

// maxPinBody bounds the body of a pin request, {"version": N}.
const maxPinBody = 4 << 10

// handlePinKit handles PUT /v1/brandkits/{name}/pins/{pin}: points the pin
// (e.g. live) at {"version": N}, forward or back.
func (s *Server) handlePinKit(c echo.Context) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	pin := c.Param("pin")
	if err := brandkits.CheckPin(pin); err != nil {
		return fieldProblem("pin", err.Error())
	}
	number, err := readPinRequest(c)
	if err != nil {
		return err
	}
	p := principal(c)
	ctx := storage.WithActor(c.Request().Context(), p.Name)
	if err := s.cfg.Kits.Pin(ctx, name, pin, number); err != nil {
		return kitStoreError(err)
	}
	s.log.InfoContext(ctx, "kit pinned", "kit", name, "pin", pin, "version", number, "by", p.Name)
	return c.JSON(http.StatusOK, KitPin{Name: name, Pin: pin, Version: number})
}

// readPinRequest reads {"version": N}: 400 for malformed JSON, 422 for a
// missing or impossible version.
func readPinRequest(c echo.Context) (int, error) {
	data, err := io.ReadAll(io.LimitReader(c.Request().Body, maxPinBody+1))
	switch {
	case err != nil:
		return 0, problem(ProblemBadRequest, "the request body could not be read")
	case len(data) > maxPinBody:
		return 0, problem(ProblemTooLarge, "a pin request is {\"version\": N}, at most %d bytes", maxPinBody)
	}
	var body PinRequest
	var te *json.UnmarshalTypeError
	switch err := json.Unmarshal(data, &body); {
	case errors.As(err, &te):
		return 0, fieldProblem("version", "must be a version number such as 3")
	case err != nil:
		return 0, problem(ProblemBadRequest, "the body is not JSON: %s", err.Error())
	case body.Version == nil:
		return 0, fieldProblem("version", `required: the version the pin points at, {"version": 3}`)
	}
	if err := brandkits.CheckVersion(*body.Version); err != nil {
		return 0, fieldProblem("version", err.Error())
	}
	return *body.Version, nil
}

// handleDiffKit handles GET /v1/brandkits/{name}/diff?from=A&to=B, where A
// and B are version numbers or pins: every field and file that changed.
func (s *Server) handleDiffKit(c echo.Context) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	sides := [2]string{c.QueryParam("from"), c.QueryParam("to")}
	if sides[0] == "" || sides[1] == "" {
		return problem(ProblemBadRequest, "give both versions to compare, as numbers or pins: ?from=live&to=3")
	}
	ctx := c.Request().Context()
	var (
		kits  [2]*brandkits.Kit
		files [2]brandkits.Files
		out   = KitDiff{Name: name, Changes: []KitChange{}}
	)
	for i, sel := range sides {
		v, err := s.resolveVersion(ctx, name, sel)
		if err != nil {
			return err
		}
		if kits[i], files[i], err = s.cfg.Kits.Load(ctx, v); err != nil {
			return kitStoreError(err)
		}
		side := KitDiffSide{Ref: sel, Version: v.Number, Hash: v.Hash}
		if i == 0 {
			out.From = side
		} else {
			out.To = side
		}
	}
	for _, ch := range brandkits.Diff(kits[0], kits[1], files[0], files[1]) {
		out.Changes = append(out.Changes, KitChange{Path: ch.Path, Kind: ch.Kind, From: ch.From, To: ch.To})
	}
	return c.JSON(http.StatusOK, out)
}
