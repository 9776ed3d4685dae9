package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// DocumentStore keeps rendered documents in a Bucket. The layout under
// "documents/":
//
//	documents/content/<sha256><ext>       every rendition (PDF, HTML, text), content-addressed:
//	                                      identical bytes are stored once, whoever renders them
//	documents/records/<id>.json           one record per document, created once, never overwritten
//	documents/idempotency/<sha256>.json   one entry per (scope, Idempotency-Key), created once
//
// A writer stores the content first, then the record, then the idempotency
// entry, each only after the one before succeeded, so a failure at any point
// leaves no record naming missing content and no idempotency entry naming a
// missing record: what stays behind is content nothing refers to, which a
// retry reuses. Records and entries are created with conditional creates,
// so concurrent writers never overwrite each other.
//
// DocumentStore is a small value: make one per use with NewDocumentStore.
type DocumentStore struct {
	b *Bucket
}

// Key prefixes of the document layout.
const (
	documentContentPrefix     = "documents/content/"
	documentRecordPrefix      = "documents/records/"
	documentIdempotencyPrefix = "documents/idempotency/"
)

// maxDocumentIDLen bounds a document id: a hex SHA-256 at most.
const maxDocumentIDLen = 64

// NewDocumentStore returns a DocumentStore keeping documents in b.
func NewDocumentStore(b *Bucket) *DocumentStore { return &DocumentStore{b: b} }

// IdempotencyEntry remembers the outcome of a request sent with an
// Idempotency-Key, so a retry gets the same answer without rendering again.
type IdempotencyEntry struct {
	// Scope is whose key it is (the API key's name): two clients choosing
	// the same Idempotency-Key never see each other's entries.
	Scope string `json:"scope"`
	// Key is the client's Idempotency-Key.
	Key string `json:"key"`
	// RequestSHA256 fingerprints the request; a retry must match it.
	RequestSHA256 string `json:"request_sha256"`
	// DocumentID is the document the request produced.
	DocumentID string `json:"document_id"`
	// Rendered reports that the first request rendered the document, as
	// opposed to finding it already stored.
	Rendered bool `json:"rendered"`
	// Created is when the first request finished.
	Created time.Time `json:"created"`
}

// PutContent stores data under documents/content/<sha256><ext> unless those
// bytes are stored already. created reports whether this call wrote them.
// Stored bytes that do not match their name fail with ErrChecksum.
func (s *DocumentStore) PutContent(ctx context.Context, data []byte, ext, contentType string) (obj Object, created bool, err error) {
	digest := digestOf(data)
	key := documentContentPrefix + digest + ext
	obj, err = s.b.put(ctx, key, data, digest, PutOptions{ContentType: contentType, IfNotExist: true})
	if err == nil {
		return obj, true, nil
	}
	if !errors.Is(err, ErrExists) {
		return Object{}, false, err
	}
	// Bucket.PutContent does the same but cannot say whether it wrote; the
	// caller counts the bytes it really stored.
	existing, err := s.b.Stat(ctx, key)
	if err != nil {
		return Object{}, false, err
	}
	if existing.SHA256 != "" && existing.SHA256 != digest {
		return Object{}, false, fmt.Errorf("storage: document content %q: stored sha256 %s: %w", key, existing.SHA256, ErrChecksum)
	}
	return existing, false, nil
}

// CreateRecord stores record (as JSON) as the record of document id, only if
// the document has none yet: otherwise it fails with ErrExists and leaves the
// stored record untouched. Store every content the record names first.
func (s *DocumentStore) CreateRecord(ctx context.Context, id string, record any) error {
	if !validDocumentID(id) {
		return fmt.Errorf("storage: document id %q: %w", id, ErrInvalidKey)
	}
	return s.create(ctx, documentRecordPrefix+id+".json", record)
}

// Record reads the record of document id into record. An unknown or
// malformed id fails with ErrNotFound.
func (s *DocumentStore) Record(ctx context.Context, id string, record any) error {
	if !validDocumentID(id) {
		return fmt.Errorf("storage: document id %q: %w", id, ErrNotFound)
	}
	return s.read(ctx, documentRecordPrefix+id+".json", record)
}

// CreateIdempotency stores e under its scope and key, only if that pair has
// no entry yet: otherwise it fails with ErrExists and the stored entry wins.
// Create it after the record it names.
func (s *DocumentStore) CreateIdempotency(ctx context.Context, e IdempotencyEntry) error {
	if !validDocumentID(e.DocumentID) {
		return fmt.Errorf("storage: idempotency entry names document id %q: %w", e.DocumentID, ErrInvalidKey)
	}
	return s.create(ctx, idempotencyKey(e.Scope, e.Key), e)
}

// Idempotency returns the entry of key in scope, or an error matching
// ErrNotFound.
func (s *DocumentStore) Idempotency(ctx context.Context, scope, key string) (IdempotencyEntry, error) {
	var e IdempotencyEntry
	if err := s.read(ctx, idempotencyKey(scope, key), &e); err != nil {
		return IdempotencyEntry{}, err
	}
	if e.Scope != scope || e.Key != key {
		// Only a hand-edited or misplaced object can get here.
		return IdempotencyEntry{}, fmt.Errorf("storage: idempotency entry for %q holds %q: %w", key, e.Key, ErrChecksum)
	}
	return e, nil
}

// idempotencyKey names the entry of key in scope. Hashing keeps any
// printable client key (slashes, dots, 255 characters) a valid object key of
// fixed length, and the NUL separator keeps scope "a" with key "b:c" apart
// from scope "a:b" with key "c".
func idempotencyKey(scope, key string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + key))
	return documentIdempotencyPrefix + hex.EncodeToString(sum[:]) + ".json"
}

func (s *DocumentStore) create(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("storage: encode %q: %w", key, err)
	}
	_, err = s.b.Put(ctx, key, append(data, '\n'), PutOptions{ContentType: "application/json", IfNotExist: true})
	return err
}

func (s *DocumentStore) read(ctx context.Context, key string, v any) error {
	data, _, err := s.b.Get(ctx, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("storage: decode %q: %w", key, err)
	}
	return nil
}

// validDocumentID accepts 1-64 lower-case hex digits: the ids Livery makes,
// and nothing that could climb out of the records folder.
func validDocumentID(id string) bool {
	return id != "" && len(id) <= maxDocumentIDLen && isLowerHex(id)
}

// isLowerHex reports whether s holds lower-case hex digits only, as the
// hex SHA-256s and ids this package names objects by do.
func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
