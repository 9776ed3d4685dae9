package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveryhq/livery/render"
)

// DocumentRequest is the body of POST /v1/documents and one line of a batch.
type DocumentRequest struct {
	// Type is "invoice", "credit_note" or "notice"; optional, but when set it
	// must equal data.type.
	Type string `json:"type,omitempty"`
	// Kit is "name", "name@N" or "name@PIN" (e.g. "roastery@live").
	Kit string `json:"kit"`
	// Data is the document in Livery's canonical JSON (docs/input.md).
	Data json.RawMessage `json:"data"`
	// Formats are any of "pdf", "html", "txt"; default pdf and html.
	Formats []string `json:"formats,omitempty"`
	// Profile, when set, names the mapping profile ("name", "name@N" or
	// "name@PIN") that reads Data as legacy JSON (docs/mapping.md). Once
	// mapped (mapDocumentRequest), Data is the canonical JSON and Profile
	// the exact version used, "name@N".
	Profile string `json:"profile,omitempty"`
}

// KitRef names the exact kit version a document was rendered with.
type KitRef struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// StoredFormat is one stored rendition of a document.
type StoredFormat struct {
	Key         string `json:"key"` // storage key, content-addressed
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"` // download path on this server
}

// DocumentRecord is what POST /v1/documents answers and GET
// /v1/documents/{id} returns.
type DocumentRecord struct {
	ID      string                  `json:"id"`
	Type    string                  `json:"type"`
	Number  string                  `json:"number,omitempty"` // invoice number or notice reference
	Kit     KitRef                  `json:"kit"`
	Created time.Time               `json:"created"`
	Formats map[string]StoredFormat `json:"formats"`
}

// documentFormat is a format documents are stored in, with the media type
// it is stored and served as.
type documentFormat struct {
	format      render.Format
	contentType string
}

// documentFormats are the formats a document can be stored in, in their
// canonical order.
var documentFormats = []documentFormat{
	{render.FormatPDF, "application/pdf"},
	{render.FormatHTML, "text/html; charset=utf-8"},
	{render.FormatText, "text/plain; charset=utf-8"},
}

// defaultFormats are rendered when a request names none.
var defaultFormats = []render.Format{render.FormatPDF, render.FormatHTML}

// formatIndex returns the position of f in documentFormats, or -1 when
// documents are not stored in f.
func formatIndex(f string) int {
	return slices.IndexFunc(documentFormats, func(d documentFormat) bool { return string(d.format) == f })
}

// formatNames lists the document formats for messages.
const formatNames = `"pdf", "html" or "txt"`

// requestFields are the fields of a DocumentRequest, as JSON names them.
var requestFields = []string{"type", "kit", "data", "formats", "profile"}

// decodeDocumentRequest reads a DocumentRequest from JSON. Field names are
// matched exactly (encoding/json would take "KIT" for "kit"), and every
// unknown field or field of the wrong JSON type is reported at once as a
// 422 problem naming it; a body that is not a JSON object is 400. The
// values themselves are checked by createDocument.
func decodeDocumentRequest(body []byte) (DocumentRequest, error) {
	var req DocumentRequest
	if len(bytes.TrimSpace(body)) == 0 {
		return req, problem(ProblemBadRequest, "the request body is empty: send a JSON object with kit, data and optionally type and formats")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return req, problem(ProblemBadRequest, "the request body is not JSON: %s at byte offset %d", se.Error(), se.Offset)
		case err == nil, errors.As(err, &te):
			return req, problem(ProblemBadRequest, "the request body must be a JSON object")
		}
		return req, problem(ProblemBadRequest, "the request body is not JSON: %s", err.Error())
	}
	var errs []FieldProblem
	bad := func(path, msg string) { errs = append(errs, FieldProblem{Path: path, Message: msg}) }
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if !slices.Contains(requestFields, name) {
			bad(fieldPath(name), "unknown field; a document request has type, kit, data, formats and profile")
		}
	}
	decodeString := func(name string, dst *string) {
		if raw, ok := fields[name]; ok && json.Unmarshal(raw, dst) != nil {
			bad(name, "must be a string")
		}
	}
	decodeString("type", &req.Type)
	decodeString("kit", &req.Kit)
	decodeString("profile", &req.Profile)
	req.Data = fields["data"]
	if raw, ok := fields["formats"]; ok && string(raw) != "null" {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			bad("formats", "must be an array of strings: any of "+formatNames)
		}
		req.Formats = make([]string, len(items))
		for i, item := range items {
			if json.Unmarshal(item, &req.Formats[i]) != nil || string(item) == "null" {
				bad(fmt.Sprintf("formats[%d]", i), "must be a string: "+formatNames)
			}
		}
	}
	if len(errs) > 0 {
		return req, validationProblem(errs)
	}
	return req, nil
}

// validationProblem is a 422 problem listing every field problem.
func validationProblem(errs []FieldProblem) *Problem {
	if len(errs) == 1 {
		return fieldProblem(errs[0].Path, errs[0].Message)
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Path + ": " + e.Message
	}
	p := problem(ProblemValidation, "%d problems: %s", len(errs), strings.Join(msgs, "; "))
	p.Errors = errs
	return p
}

// fieldPath writes a top-level field name as a path, quoting names that
// are not plain identifiers so the path stays unambiguous and one line.
func fieldPath(name string) string {
	plain := name != "" && len(name) <= 64
	for _, r := range name {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	if r := []rune(name); len(r) > 40 {
		name = string(r[:40]) + "…"
	}
	return "[" + strconv.Quote(name) + "]"
}
