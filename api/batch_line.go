package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// batchReadBuffer is the read buffer of a batch body. A line longer than
// it is gathered from several reads, up to the line limit.
const batchReadBuffer = 64 << 10

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
