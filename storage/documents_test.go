package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRecord stands in for the API's document record.
type testRecord struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

func TestDocumentStore(t *testing.T) {
	for _, kb := range kitBackends(t) {
		t.Run(kb.name, func(t *testing.T) {
			b := kb.open(t)
			s := NewDocumentStore(b)
			ctx := testContext(t)
			pdf := []byte("%PDF-1.7 a document")

			obj, created, err := s.PutContent(ctx, pdf, ".pdf", "application/pdf")
			require.NoError(t, err)
			assert.True(t, created)
			sum := sha256Hex(pdf)
			assert.Equal(t, Object{Key: "documents/content/" + sum + ".pdf", Size: int64(len(pdf)), SHA256: sum,
				ContentType: "application/pdf", Metadata: map[string]string{}}, obj)

			again, created, err := s.PutContent(ctx, pdf, ".pdf", "application/pdf")
			require.NoError(t, err)
			assert.False(t, created, "the same bytes are stored once")
			assert.Equal(t, obj, again)

			const id = "0123456789abcdef0123456789abcdef"
			var rec testRecord
			require.ErrorIs(t, s.Record(ctx, id, &rec), ErrNotFound)
			require.NoError(t, s.CreateRecord(ctx, id, testRecord{ID: id, Key: obj.Key}))
			require.ErrorIs(t, s.CreateRecord(ctx, id, testRecord{ID: id, Key: "other"}), ErrExists)
			require.NoError(t, s.Record(ctx, id, &rec))
			assert.Equal(t, testRecord{ID: id, Key: obj.Key}, rec, "the first record stands")

			_, err = s.Idempotency(ctx, "billing", "key-1")
			require.ErrorIs(t, err, ErrNotFound)
			entry := IdempotencyEntry{Scope: "billing", Key: "key-1", RequestSHA256: sum, DocumentID: id, Rendered: true,
				Created: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
			require.NoError(t, s.CreateIdempotency(ctx, entry))
			loser := entry
			loser.RequestSHA256 = "other"
			require.ErrorIs(t, s.CreateIdempotency(ctx, loser), ErrExists)
			got, err := s.Idempotency(ctx, "billing", "key-1")
			require.NoError(t, err)
			assert.Equal(t, entry, got)
			_, err = s.Idempotency(ctx, "other-client", "key-1")
			require.ErrorIs(t, err, ErrNotFound, "keys are scoped")

			keys := allKeys(t, b)
			assert.Len(t, keys, 3)
			assert.Contains(t, keys, "documents/content/"+sum+".pdf")
			assert.Contains(t, keys, "documents/records/"+id+".json")
			for _, k := range keys {
				assert.True(t, strings.HasPrefix(k, "documents/"), k)
			}
		})
	}
}

func TestDocumentStoreRefusesBadIDs(t *testing.T) {
	s := NewDocumentStore(openForTest(t, "mem://"))
	ctx := testContext(t)
	for _, id := range []string{"", "../kits/x", "ABCDEF", "abc/def", strings.Repeat("a", 65)} {
		var rec testRecord
		assert.ErrorIs(t, s.Record(ctx, id, &rec), ErrNotFound, "%q", id)
		assert.ErrorIs(t, s.CreateRecord(ctx, id, rec), ErrInvalidKey, "%q", id)
		assert.ErrorIs(t, s.CreateIdempotency(ctx, IdempotencyEntry{Scope: "a", Key: "b", DocumentID: id}), ErrInvalidKey, "%q", id)
	}
	assert.Empty(t, allKeys(t, s.b))
}

func TestDocumentStoreIdempotencyKeysAnyText(t *testing.T) {
	s := NewDocumentStore(openForTest(t, "mem://"))
	ctx := testContext(t)
	const id = "00000000000000000000000000000001"
	// Keys that would be unsafe or ambiguous as object names, and scopes
	// that a naive "scope:key" join would confuse.
	pairs := [][2]string{{"a", "b:c"}, {"a:b", "c"}, {"billing", "../../kits/roastery"}, {"billing", strings.Repeat("k", 255)}, {"billing", "a b/c.json"}}
	for _, p := range pairs {
		require.NoError(t, s.CreateIdempotency(ctx, IdempotencyEntry{Scope: p[0], Key: p[1], DocumentID: id}), "%q", p)
	}
	for _, p := range pairs {
		e, err := s.Idempotency(ctx, p[0], p[1])
		require.NoError(t, err)
		assert.Equal(t, p[1], e.Key)
	}
	keys := allKeys(t, s.b)
	assert.Len(t, keys, len(pairs))
	for _, k := range keys {
		assert.Regexp(t, `^documents/idempotency/[0-9a-f]{64}\.json$`, k)
	}
}

func TestDocumentStoreContentChecksum(t *testing.T) {
	b := openForTest(t, "mem://")
	s := NewDocumentStore(b)
	ctx := context.Background()
	data := []byte("<html>document</html>")
	// Other bytes under the name of these ones: damage, never handed out.
	_, err := b.Put(ctx, "documents/content/"+sha256Hex(data)+".html", []byte("tampered"), PutOptions{})
	require.NoError(t, err)
	_, _, err = s.PutContent(ctx, data, ".html", "text/html; charset=utf-8")
	require.ErrorIs(t, err, ErrChecksum)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
