package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/storage"
)

// documentIDLen is the length of a document id in hex digits (128 bits).
const documentIDLen = 32

// createDocument validates req for principal p, renders it with the kit it
// names, stores every format and the document record, and returns the
// record. With a non-empty idemKey it is idempotent (see documents.go).
// Errors are *Problem values or errors ProblemFor maps. It is shared by
// POST /v1/documents and every line of a batch.
func (s *Server) createDocument(ctx context.Context, p *Principal, req DocumentRequest, idemKey string) (*DocumentRecord, error) {
	res, err := s.createDoc(ctx, p, req, idemKey, "")
	if err != nil {
		return nil, err
	}
	return res.record, nil
}

// docCreation is the outcome of one create.
type docCreation struct {
	record *DocumentRecord
	// rendered reports that the document was rendered for this request or,
	// on a replay, for the first request with its idempotency key (201);
	// false means it was stored already (200).
	rendered bool
	// replayed reports an answer taken from an idempotency entry.
	replayed bool
	// output holds the bytes rendered by this request, nil when it
	// rendered nothing.
	output map[render.Format][]byte
}

// docPlan is a validated request.
type docPlan struct {
	formats []render.Format // canonical order, no duplicates
	doc     *render.Document
	data    []byte // the request's data, compacted
	// fingerprint identifies the request for its idempotency key; it is
	// computed only for a request that has one (requestFingerprint).
	fingerprint string
}

// createDoc is createDocument. inline, when set, is a format the caller wants
// back in the response, refused with 406 unless the request renders it.
//
// The steps, in this order: validate everything that needs no storage;
// replay the idempotency key's entry if it has one; resolve the kit and
// derive the document id; answer with the stored record if that id has one;
// else render, store each format content-addressed, create the record, and
// last create the idempotency entry. Each write lands only after the ones it
// refers to, so a failure leaves nothing that points at missing data.
func (s *Server) createDoc(ctx context.Context, p *Principal, req DocumentRequest, idemKey string, inline render.Format) (*docCreation, error) {
	pl, err := validateDocumentRequest(p, req)
	if err != nil {
		return nil, err
	}
	if inline != "" && !slices.Contains(pl.formats, inline) {
		return nil, problem(ProblemNotAccept, "the response was asked to carry the %s, but the request does not render %s: add it to formats", inline, inline)
	}
	docs := storage.NewDocumentStore(s.cfg.Bucket)
	if idemKey != "" {
		if pl.fingerprint, err = requestFingerprint(req, pl); err != nil {
			return nil, err
		}
		entry, err := docs.Idempotency(ctx, p.Name, idemKey)
		switch {
		case err == nil:
			return s.replayDocument(ctx, p, entry, pl.fingerprint)
		case !errors.Is(err, storage.ErrNotFound):
			return nil, storageError(err)
		}
	}
	v, r, err := s.resolveKit(ctx, p, req.Kit)
	if errors.Is(err, brandkits.ErrNotFound) {
		return nil, fieldProblem("kit", err.Error())
	}
	if err != nil {
		return nil, err
	}
	id := documentID(v, pl.formats, pl.data)
	c := &docCreation{}
	var found bool
	c.record, found, err = s.lookupRecord(ctx, id)
	if err == nil && !found {
		c.record, c.output, c.rendered, err = s.renderAndStore(ctx, id, v, r, pl)
	}
	if err != nil {
		return nil, err
	}
	if idemKey == "" {
		return c, nil
	}
	err = docs.CreateIdempotency(ctx, storage.IdempotencyEntry{
		Scope: p.Name, Key: idemKey, RequestSHA256: pl.fingerprint,
		DocumentID: id, Rendered: c.rendered, Created: s.documentTime(),
	})
	if errors.Is(err, storage.ErrExists) {
		// A concurrent request with the same key got there first: its
		// entry decides, exactly as if this request were its retry.
		entry, err := docs.Idempotency(ctx, p.Name, idemKey)
		if err != nil {
			return nil, storageError(err)
		}
		return s.replayDocument(ctx, p, entry, pl.fingerprint)
	}
	if err != nil {
		return nil, storageError(fmt.Errorf("document %s: idempotency key: %w", id, err))
	}
	return c, nil
}

// validateDocumentRequest checks req for p: kit reference first (403 for a kit p
// may not use), then every field and the document, all problems in one 422.
func validateDocumentRequest(p *Principal, req DocumentRequest) (*docPlan, error) {
	var errs []FieldProblem
	bad := func(path, msg string) { errs = append(errs, FieldProblem{Path: path, Message: msg}) }

	if name, _, _, err := brandkits.ParseRef(req.Kit); err != nil {
		bad("kit", err.Error())
	} else if err := checkKit(p, name); err != nil {
		return nil, err
	}
	switch render.DocumentType(req.Type) {
	case "", render.TypeInvoice, render.TypeCreditNote, render.TypeNotice:
	default:
		bad("type", fmt.Sprintf(`must be "invoice", "credit_note" or "notice" (got %s)`, strconv.Quote(req.Type)))
	}
	pl := &docPlan{formats: defaultFormats}
	if req.Formats != nil {
		pl.formats = nil
		seen := map[string]bool{}
		for i, f := range req.Formats {
			path := fmt.Sprintf("formats[%d]", i)
			switch {
			case formatIndex(f) < 0:
				bad(path, fmt.Sprintf("unknown format %s: must be %s", strconv.Quote(f), formatNames))
			case seen[f]:
				bad(path, fmt.Sprintf("%q is listed twice", f))
			default:
				seen[f] = true
				pl.formats = append(pl.formats, render.Format(f))
			}
		}
		if len(req.Formats) == 0 {
			bad("formats", "must name at least one format, or be left out for pdf and html")
		}
		slices.SortFunc(pl.formats, func(a, b render.Format) int { return formatIndex(string(a)) - formatIndex(string(b)) })
	}

	doc, err := render.ParseDocument(req.Data)
	var dv *render.ValidationError
	switch {
	case errors.As(err, &dv):
		errs = append(errs, ProblemFor(dv).Errors...)
	case err != nil:
		return nil, err
	case req.Type != "" && render.DocumentType(req.Type) != doc.Type:
		bad("type", fmt.Sprintf("is %q but data.type is %q; they must agree (or leave type out)", req.Type, doc.Type))
	}
	if len(errs) > 0 {
		return nil, validationProblem(errs)
	}

	pl.doc = doc
	var compact bytes.Buffer
	if err := json.Compact(&compact, req.Data); err != nil {
		return nil, fmt.Errorf("compact document data: %w", err) // ParseDocument accepted it: a bug
	}
	pl.data = compact.Bytes()
	return pl, nil
}

// requestFingerprint is the SHA-256 that an idempotency entry keeps of the
// request that made it: type, kit, compacted data and formats, so that a
// retry with whitespace changed is the same request.
func requestFingerprint(req DocumentRequest, pl *docPlan) (string, error) {
	canonical, err := json.Marshal(struct {
		Type    string          `json:"type"`
		Kit     string          `json:"kit"`
		Data    json.RawMessage `json:"data"`
		Formats []render.Format `json:"formats"`
	}{req.Type, req.Kit, pl.data, pl.formats})
	if err != nil {
		return "", fmt.Errorf("fingerprint request: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:]), nil
}

// replayDocument answers from an idempotency entry: the record it names when the
// request is the same, 409 when the key was used for another request.
func (s *Server) replayDocument(ctx context.Context, p *Principal, entry storage.IdempotencyEntry, fingerprint string) (*docCreation, error) {
	if entry.RequestSHA256 != fingerprint {
		return nil, problem(ProblemConflict, "the Idempotency-Key %q was used for a different request (document %s) on %s; send a new key for a new document",
			entry.Key, entry.DocumentID, entry.Created.Format(time.RFC3339))
	}
	rec, found, err := s.lookupRecord(ctx, entry.DocumentID)
	if err != nil {
		return nil, err
	}
	if !found {
		// Entries are written after their records; only a deleted record
		// gets here.
		return nil, fmt.Errorf("idempotency key %q names document %s, which has no record", entry.Key, entry.DocumentID)
	}
	if err := checkKit(p, rec.Kit.Name); err != nil {
		return nil, err
	}
	return &docCreation{record: rec, rendered: entry.Rendered, replayed: true}, nil
}

// renderAndStore renders every format of pl, stores each content-addressed
// and then creates the record of document id. rendered is false when a
// concurrent request created the record first; its record is returned then.
func (s *Server) renderAndStore(ctx context.Context, id string, v brandkits.Version, r *render.Renderer, pl *docPlan) (rec *DocumentRecord, out map[render.Format][]byte, rendered bool, err error) {
	// One call for every format: they share the view (formatted money,
	// dates, markdown), which is built once.
	o, err := r.Render(pl.doc, pl.formats...)
	if err != nil {
		return nil, nil, false, fmt.Errorf("render: %w", err)
	}
	out = make(map[render.Format][]byte, len(pl.formats))
	for _, f := range pl.formats {
		s.metrics.renderTime.WithLabelValues(string(f)).Observe(o.Took[f].Seconds())
		out[f] = o.Bytes(f)
	}

	rec = &DocumentRecord{
		ID:      id,
		Type:    string(pl.doc.Type),
		Number:  documentNumber(pl.doc),
		Kit:     KitRef{Name: v.Name, Version: v.Number, Hash: v.Hash},
		Created: s.documentTime(),
		Formats: make(map[string]StoredFormat, len(pl.formats)),
	}
	docs := storage.NewDocumentStore(s.cfg.Bucket)
	for _, f := range pl.formats {
		data := out[f]
		obj, created, err := docs.PutContent(ctx, data, f.Extension(), documentFormats[formatIndex(string(f))].contentType)
		if err != nil {
			return nil, nil, false, storageError(fmt.Errorf("document %s: store %s: %w", id, f, err))
		}
		if created {
			s.metrics.bytesStored.WithLabelValues(string(f)).Add(float64(len(data)))
		}
		rec.Formats[string(f)] = StoredFormat{
			Key: obj.Key, ContentType: obj.ContentType, Size: obj.Size, SHA256: obj.SHA256,
			URL: documentPath(id) + "/" + string(f),
		}
	}
	err = docs.CreateRecord(ctx, id, rec)
	if errors.Is(err, storage.ErrExists) {
		// Same id, same kit version, formats and data: the same document,
		// rendered by a concurrent request. Its record stands.
		rec, found, err := s.lookupRecord(ctx, id)
		if err == nil && !found {
			err = fmt.Errorf("document %s: the record exists but cannot be read back", id)
		}
		return rec, out, false, err
	}
	if err != nil {
		return nil, nil, false, storageError(fmt.Errorf("document %s: store record: %w", id, err))
	}
	return rec, out, true, nil
}

// lookupRecord reads the record of document id; found is false when there
// is none. A storage failure is a 503 error.
func (s *Server) lookupRecord(ctx context.Context, id string) (rec *DocumentRecord, found bool, err error) {
	rec = new(DocumentRecord)
	err = storage.NewDocumentStore(s.cfg.Bucket).Record(ctx, id, rec)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, storageError(fmt.Errorf("document %s: read record: %w", id, err))
	}
	return rec, true, nil
}

// documentID derives a document's id from everything its bytes depend on:
// the kit version (name and number are printed into the PDF and HTML, the
// hash covers every file of the kit), the formats and the data. The same
// request with the same kit version gets the same id, and so the same
// stored document.
func documentID(v brandkits.Version, formats []render.Format, data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "livery document v1\nkit %s@%d %s\nformats %v\n", v.Name, v.Number, v.Hash, formats)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))[:documentIDLen]
}

// documentNumber is an invoice's number or a notice's reference.
func documentNumber(doc *render.Document) string {
	switch {
	case doc.Invoice != nil:
		return doc.Invoice.Number
	case doc.Notice != nil:
		return doc.Notice.Reference
	}
	return ""
}

// documentPath is the URL path of a document's record.
func documentPath(id string) string { return "/v1/documents/" + id }

// documentTime is the server's clock in UTC, to the millisecond (what JSON keeps
// readable and every consumer parses).
func (s *Server) documentTime() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }
