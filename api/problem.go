package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/storage"
)

// ProblemContentType is the media type of every error response (RFC 9457).
const ProblemContentType = "application/problem+json"

// problemTypePrefix starts every problem type URI; the rest is a stable slug
// documented in docs/api.md.
const problemTypePrefix = "urn:livery:problem:"

// Problem type slugs. They are part of the API: clients switch on them.
const (
	ProblemValidation  = "validation"          // the request body or document is invalid (422)
	ProblemKitInvalid  = "kit-invalid"         // a brand kit fails lint (422)
	ProblemBadRequest  = "bad-request"         // malformed syntax: not JSON, bad query (400)
	ProblemUnauth      = "unauthenticated"     // no or unknown API key (401)
	ProblemForbidden   = "forbidden"           // role or tenant does not allow it (403)
	ProblemNotFound    = "not-found"           // no such route, document, kit or version (404)
	ProblemMethod      = "method-not-allowed"  // route exists, method does not (405)
	ProblemNotAccept   = "not-acceptable"      // Accept asks for what we cannot give (406)
	ProblemConflict    = "conflict"            // idempotency key reused, lost race (409)
	ProblemTooLarge    = "too-large"           // body over the limit (413)
	ProblemMediaType   = "unsupported-media"   // Content-Type we do not read (415)
	ProblemUnavailable = "storage-unavailable" // storage failed; nothing was half-written (503)
	ProblemTimeout     = "timeout"             // the request ran out of time (503)
	ProblemStopping    = "shutting-down"       // the server is shutting down; retry on another replica (503)
	ProblemInternal    = "internal"            // a bug: details are in the log, never here (500)
)

// Slugs lists every problem type slug, in the order docs/api.md lists them.
var Slugs = []string{
	ProblemBadRequest, ProblemUnauth, ProblemForbidden, ProblemNotFound, ProblemMethod,
	ProblemNotAccept, ProblemConflict, ProblemTooLarge, ProblemMediaType, ProblemValidation,
	ProblemKitInvalid, ProblemInternal, ProblemUnavailable, ProblemTimeout, ProblemStopping,
}

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty"`
	// RequestID matches the X-Request-Id header and the server's log lines.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists every field problem of a validation failure.
	Errors []FieldProblem `json:"errors,omitempty"`
	// Warnings lists lint warnings that did not block the request.
	Warnings []FieldProblem `json:"warnings,omitempty"`
}

// FieldProblem is one problem with one field, by its JSON path
// ("data.lines[3].quantity") or kit path ("colors.primary"). For legacy
// input the path is in the source ("data.BELEGKOPF.BELEGNR", "row 17,
// column qty", "Invoice/cbc:IssueDate") and Target names the canonical
// field it feeds ("lines[2].quantity"), which the message names too.
type FieldProblem struct {
	Path    string `json:"path"`
	Target  string `json:"target,omitempty"`
	Message string `json:"message"`
}

// Error implements error so handlers can return a *Problem.
func (p *Problem) Error() string {
	if p.Detail != "" {
		return p.Title + ": " + p.Detail
	}
	return p.Title
}

// titles are the fixed human titles per slug.
var titles = map[string]string{
	ProblemValidation:  "Invalid document",
	ProblemKitInvalid:  "Invalid brand kit",
	ProblemBadRequest:  "Bad request",
	ProblemUnauth:      "Unauthenticated",
	ProblemForbidden:   "Forbidden",
	ProblemNotFound:    "Not found",
	ProblemMethod:      "Method not allowed",
	ProblemNotAccept:   "Not acceptable",
	ProblemConflict:    "Conflict",
	ProblemTooLarge:    "Request body too large",
	ProblemMediaType:   "Unsupported media type",
	ProblemUnavailable: "Storage unavailable",
	ProblemTimeout:     "Request timed out",
	ProblemStopping:    "Shutting down",
	ProblemInternal:    "Internal error",
}

// statuses are the HTTP statuses per slug.
var statuses = map[string]int{
	ProblemValidation:  http.StatusUnprocessableEntity,
	ProblemKitInvalid:  http.StatusUnprocessableEntity,
	ProblemBadRequest:  http.StatusBadRequest,
	ProblemUnauth:      http.StatusUnauthorized,
	ProblemForbidden:   http.StatusForbidden,
	ProblemNotFound:    http.StatusNotFound,
	ProblemMethod:      http.StatusMethodNotAllowed,
	ProblemNotAccept:   http.StatusNotAcceptable,
	ProblemConflict:    http.StatusConflict,
	ProblemTooLarge:    http.StatusRequestEntityTooLarge,
	ProblemMediaType:   http.StatusUnsupportedMediaType,
	ProblemUnavailable: http.StatusServiceUnavailable,
	ProblemTimeout:     http.StatusServiceUnavailable,
	ProblemStopping:    http.StatusServiceUnavailable,
	ProblemInternal:    http.StatusInternalServerError,
}

// problem returns a Problem of the slug with a formatted detail.
func problem(slug string, format string, args ...any) *Problem {
	return &Problem{
		Type:   problemTypePrefix + slug,
		Title:  titles[slug],
		Status: statuses[slug],
		Detail: fmt.Sprintf(format, args...),
	}
}

// fieldProblem is a validation problem naming one field.
func fieldProblem(path, message string) *Problem {
	p := problem(ProblemValidation, "%s: %s", path, message)
	p.Errors = []FieldProblem{{Path: path, Message: message}}
	return p
}

// detailInternal is the only detail a client ever sees of a server fault.
const detailInternal = "the server failed; the request id leads to the log entry"

// ProblemFor maps any error a handler returns onto the Problem the client
// sees. Errors that are not the client's fault and not known failures of a
// dependency become ProblemInternal with a generic detail: the error itself
// is logged, never sent. Storage errors name keys and directories, so they
// too reach the client only as generic details.
func ProblemFor(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return httpErrorProblem(he)
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	var dv *render.ValidationError
	if errors.As(err, &dv) {
		p := problem(ProblemValidation, "%s", dv.Error())
		for _, fe := range dv.Problems {
			p.Errors = append(p.Errors, FieldProblem{Path: joinPath("data", fe.Path), Message: fe.Message})
		}
		return p
	}
	var me *mapping.Error
	if errors.As(err, &me) {
		return mappingProblem(me, "data")
	}
	var kv *brandkits.ValidationError
	if errors.As(err, &kv) {
		p := problem(ProblemKitInvalid, "%s", kv.Error())
		for _, e := range kv.Errors() {
			p.Errors = append(p.Errors, FieldProblem{Path: e.Path, Message: e.Message})
		}
		for _, w := range kv.Warnings() {
			p.Warnings = append(p.Warnings, FieldProblem{Path: w.Path, Message: w.Message})
		}
		return p
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return problem(ProblemTimeout, "the request took longer than the server allows")
	case errors.Is(err, storage.ErrNotFound):
		return problem(ProblemNotFound, "the requested resource does not exist")
	case errors.Is(err, storage.ErrExists):
		return problem(ProblemConflict, "the resource already exists")
	case errors.Is(err, errStorage):
		return problem(ProblemUnavailable, "storage did not answer correctly; nothing was stored, retry later")
	case errors.Is(err, render.ErrInvalid):
		return problem(ProblemValidation, "%s", err.Error())
	case errors.Is(err, brandkits.ErrInvalid):
		return problem(ProblemKitInvalid, "%s", err.Error())
	case errors.Is(err, brandkits.ErrBadRef):
		return problem(ProblemBadRequest, "%s", err.Error())
	case errors.Is(err, brandkits.ErrNotFound):
		return problem(ProblemNotFound, "%s", err.Error())
	case errors.Is(err, brandkits.ErrConflict):
		return problem(ProblemConflict, "%s", err.Error())
	case errors.As(err, &syntax), errors.As(err, &typ):
		return problem(ProblemBadRequest, "the body is not valid JSON: %s", err.Error())
	}
	return problem(ProblemInternal, detailInternal)
}

// mappingProblem is the 422 problem of legacy input that cannot be mapped:
// one FieldProblem per mapping problem, its path the source path under
// prefix ("data.KOPF.NR"; prefix "" keeps the source path as it is, "row
// 4, column qty") and its message naming the canonical target first.
func mappingProblem(me *mapping.Error, prefix string) *Problem {
	p := problem(ProblemValidation, "%s", me.Error())
	for _, mp := range me.Problems {
		fp := FieldProblem{Target: mp.Target, Message: mp.Message}
		switch {
		case prefix != "":
			fp.Path = joinPath(prefix, mp.Source)
		case mp.Source != "":
			fp.Path = mp.Source
		default:
			fp.Path = "body"
		}
		if mp.Target != "" {
			fp.Message = mp.Target + ": " + mp.Message
		}
		p.Errors = append(p.Errors, fp)
	}
	return p
}

// tooLarge is the problem of a body over limit bytes.
func tooLarge(limit int64) *Problem {
	return problem(ProblemTooLarge, "the request body is larger than the %d bytes the server accepts", limit)
}

// errStorage marks a failure of the storage backend; wrap with
// storageError so the client gets a 503 and the detail stays in the log.
var errStorage = errors.New("storage unavailable")

// storageError wraps err as a storage failure.
func storageError(err error) error {
	if err == nil || errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrExists) ||
		errors.Is(err, brandkits.ErrNotFound) || errors.Is(err, brandkits.ErrConflict) {
		return err
	}
	return fmt.Errorf("%w: %w", errStorage, err)
}

// joinPath prefixes a document path with the request field holding it.
func joinPath(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
}

// httpErrorProblem maps echo's own errors (routing, body limit, binding).
func httpErrorProblem(he *echo.HTTPError) *Problem {
	msg := http.StatusText(he.Code)
	if s, ok := he.Message.(string); ok && s != "" {
		msg = s
	}
	switch he.Code {
	case http.StatusNotFound:
		return problem(ProblemNotFound, "no such route")
	case http.StatusMethodNotAllowed:
		return problem(ProblemMethod, "the route does not take this method")
	case http.StatusRequestEntityTooLarge:
		return problem(ProblemTooLarge, "the request body is larger than the server accepts")
	case http.StatusNotAcceptable:
		return problem(ProblemNotAccept, "%s", msg)
	case http.StatusUnauthorized:
		return problem(ProblemUnauth, "%s", msg)
	case http.StatusForbidden:
		return problem(ProblemForbidden, "%s", msg)
	case http.StatusUnsupportedMediaType:
		return problem(ProblemMediaType, "%s", msg)
	case http.StatusServiceUnavailable:
		return problem(ProblemTimeout, "%s", msg)
	}
	if he.Code >= 400 && he.Code < 500 {
		p := problem(ProblemBadRequest, "%s", msg)
		p.Status = he.Code
		return p
	}
	return problem(ProblemInternal, detailInternal)
}
