package api

import (
	"context"
	"errors"
)

// createDocument validates req for principal p, renders it with the kit it
// names, stores every format and the document record, and returns the
// record. With a non-empty idemKey it is idempotent (see documents.go).
// Errors are *Problem values or errors ProblemFor maps. It is shared by
// POST /v1/documents and every line of a batch.
func (s *Server) createDocument(ctx context.Context, p *Principal, req DocumentRequest, idemKey string) (*DocumentRecord, error) {
	return nil, errors.New("createDocument: not written yet")
}
