package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/liveryhq/livery/render"
)

// MaxSourceSize is the largest source document Map reads, in bytes: the
// limit of a canonical document, since one source maps to one document.
const MaxSourceSize = render.MaxDocumentSize

// decodeSource reads a legacy JSON document into a tree of map[string]any,
// []any, string, json.Number (digits kept exactly), bool and nil.
func decodeSource(src []byte) (any, error) {
	if len(src) > MaxSourceSize {
		return nil, Whole("input is %d bytes, more than the limit of %d bytes (5 MiB)", len(src), MaxSourceSize)
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, Whole("empty input: expected a JSON document")
	}
	if !utf8.Valid(src) {
		return nil, Whole("the input is not UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, Whole("%s", jsonProblem(src, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, Whole("invalid JSON: data after the top-level value")
	}
	return v, nil
}

// jsonProblem words a decoding error with a line and column.
func jsonProblem(src []byte, err error) string {
	var serr *json.SyntaxError
	if errors.As(err, &serr) {
		line, col := position(src, int(serr.Offset))
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "invalid JSON: unexpected end of input"
	}
	return "invalid JSON: " + err.Error()
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}
