package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// batchReadBuffer is the read buffer of a batch body. A line longer than
// it is gathered from several reads, up to the line limit.
const batchReadBuffer = 64 << 10

// lineReader splits a stream into lines ending in "\n" or "\r\n" without
// ever holding more than limit bytes of one line: the rest of a longer line
// is read and dropped.
type lineReader struct {
	br    *bufio.Reader
	limit int
}

func newLineReader(r io.Reader, limit int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, batchReadBuffer), limit: limit}
}

// next returns the next line without its line end. A line over the limit
// comes back as tooLong with no bytes. A last line without a line end is
// still a line; err is io.EOF only when no line is left, and any other err
// means the stream failed (the line being read is lost).
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	read := false
	for {
		frag, err := lr.br.ReadSlice('\n')
		read = read || len(frag) > 0
		if !tooLong {
			// One byte more than the limit may be the "\r" of "\r\n".
			if len(line)+len(bytes.TrimSuffix(frag, []byte("\n"))) > lr.limit+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, frag...)
			}
		}
		switch {
		case err == nil: // frag ends in "\n"
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && read:
		default:
			return nil, false, err
		}
		if tooLong {
			return nil, true, nil
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > lr.limit {
			return nil, true, nil
		}
		return line, false, nil
	}
}

// batchLine is one input line of a batch: a document request, as POST
// /v1/documents takes it, and optionally the idempotency key that route
// takes in its Idempotency-Key header.
type batchLine struct {
	DocumentRequest
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// idempotencyKeyField is the JSON name of batchLine.IdempotencyKey.
const idempotencyKeyField = "idempotency_key"

// decodeBatchLine reads one input line. Problems with the line's shape are
// reported as POST /v1/documents reports them (decodeDocumentRequest), the
// key's included; what the fields hold is createDocument's to check.
func decodeBatchLine(raw []byte) (batchLine, error) {
	var l batchLine
	if len(bytes.TrimSpace(raw)) == 0 {
		return l, problem(ProblemBadRequest, "blank line: every line must be one JSON object, a document request")
	}
	var keyProblems []FieldProblem
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) == nil {
		if k, ok := fields[idempotencyKeyField]; ok {
			var err error
			if l.IdempotencyKey, err = lineIdempotencyKey(k); err != nil {
				keyProblems = ProblemFor(err).Errors
			}
			delete(fields, idempotencyKeyField)
			if raw, err = marshalFields(fields); err != nil {
				return l, err
			}
		}
	}
	req, err := decodeDocumentRequest(raw)
	var p *Problem
	switch {
	case len(keyProblems) == 0 && err == nil:
		l.DocumentRequest = req
		return l, nil
	case len(keyProblems) == 0:
		return l, err
	case err == nil:
		return l, validationProblem(keyProblems)
	case errors.As(err, &p) && p.Type == problemTypePrefix+ProblemValidation:
		return l, validationProblem(append(keyProblems, p.Errors...))
	}
	return l, err
}

// lineIdempotencyKey checks a line's idempotency key by the rule of the
// Idempotency-Key header: 1 to maxIdempotencyKeyLen printable ASCII
// characters.
func lineIdempotencyKey(raw json.RawMessage) (string, error) {
	var k string
	if err := json.Unmarshal(raw, &k); err != nil {
		return "", fieldProblem(idempotencyKeyField, "must be a string")
	}
	if k == "" || len(k) > maxIdempotencyKeyLen {
		return "", fieldProblem(idempotencyKeyField, fmt.Sprintf("must be 1 to %d characters long", maxIdempotencyKeyLen))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", fieldProblem(idempotencyKeyField, fmt.Sprintf("may hold only printable ASCII characters (byte %d is not)", i))
		}
	}
	return k, nil
}

// marshalFields writes a line's fields back as one JSON object, values as
// they came: with HTML escaping off, the document data compacts to the
// same bytes, so the line gets the document id POST /v1/documents gives
// the same request.
func marshalFields(fields map[string]json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fields); err != nil {
		return nil, fmt.Errorf("batch line: re-encode fields: %w", err) // they were just decoded: a bug
	}
	return b.Bytes(), nil
}
