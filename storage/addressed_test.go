package storage

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFileAddressedContent pins which objects the file backend stores
// without an attribute sidecar, and that such objects still come back with
// their checksum and content type, verified on every read.
func TestFileAddressedContent(t *testing.T) {
	pdf := []byte("%PDF-1.7 an addressed rendition")
	pdfKey := "documents/content/" + sha256Hex(pdf) + ".pdf"
	cases := []struct {
		name        string
		put         func(t *testing.T, b *Bucket) Object
		key         string
		contentType string
		metadata    map[string]string
		sidecar     bool
	}{
		{"document PDF", func(t *testing.T, b *Bucket) Object {
			obj, _, err := NewDocumentStore(b).PutContent(testContext(t), pdf, ".pdf", "application/pdf")
			require.NoError(t, err)
			return obj
		}, pdfKey, "application/pdf", nil, false},
		{"document HTML", func(t *testing.T, b *Bucket) Object {
			obj, _, err := NewDocumentStore(b).PutContent(testContext(t), []byte("<p>hi</p>"), ".html", "text/html; charset=utf-8")
			require.NoError(t, err)
			return obj
		}, "documents/content/" + sha256Hex([]byte("<p>hi</p>")) + ".html", "text/html; charset=utf-8", nil, false},
		{"text through Bucket.PutContent", func(t *testing.T, b *Bucket) Object {
			obj, err := b.PutContent(testContext(t), "x/", []byte("hi"), ".txt", PutOptions{ContentType: "text/plain; charset=utf-8"})
			require.NoError(t, err)
			return obj
		}, "x/" + sha256Hex([]byte("hi")) + ".txt", "text/plain; charset=utf-8", nil, false},
		{"no extension (kit blobs)", func(t *testing.T, b *Bucket) Object {
			obj, err := b.PutContent(testContext(t), "kits/blobs/", pdf, "", PutOptions{ContentType: "application/pdf"})
			require.NoError(t, err)
			return obj
		}, "kits/blobs/" + sha256Hex(pdf), "application/pdf", nil, true},
		{"a type the extension does not say", func(t *testing.T, b *Bucket) Object {
			obj, _, err := NewDocumentStore(b).PutContent(testContext(t), pdf, ".pdf", "application/x-pdf")
			require.NoError(t, err)
			return obj
		}, pdfKey, "application/x-pdf", nil, true},
		{"metadata of its own", func(t *testing.T, b *Bucket) Object {
			obj, err := b.PutContent(testContext(t), "documents/content/", pdf, ".pdf", PutOptions{ContentType: "application/pdf", Metadata: map[string]string{"kit": "roastery"}})
			require.NoError(t, err)
			return obj
		}, pdfKey, "application/pdf", map[string]string{"kit": "roastery"}, true},
		{"overwritable put under an addressed name", func(t *testing.T, b *Bucket) Object {
			obj, err := b.Put(testContext(t), pdfKey, pdf, PutOptions{ContentType: "application/pdf"})
			require.NoError(t, err)
			return obj
		}, pdfKey, "application/pdf", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			b := openForTest(t, "file://"+dir)
			put := tc.put(t, b)
			assert.Equal(t, tc.key, put.Key)
			assert.Equal(t, tc.contentType, put.ContentType)

			_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(tc.key)+".attrs"))
			assert.Equal(t, tc.sidecar, err == nil, "sidecar: %v", err)

			// A second Bucket on the directory reads what the first wrote.
			again := openForTest(t, "file://"+dir)
			st, err := again.Stat(testContext(t), tc.key)
			require.NoError(t, err)
			assert.Equal(t, put.SHA256, st.SHA256)
			assert.Equal(t, tc.contentType, st.ContentType)
			if tc.metadata == nil {
				assert.Empty(t, st.Metadata)
			} else {
				assert.Equal(t, tc.metadata, st.Metadata)
			}
			data, _, err := again.Get(testContext(t), tc.key)
			require.NoError(t, err)
			assert.Equal(t, put.Size, int64(len(data)))
			keys := allKeys(t, again)
			assert.Equal(t, []string{tc.key}, keys, "List shows the object and nothing else")
		})
	}
}

// TestFileAddressedContentDamage: bytes that no longer match the name of a
// sidecar-less object fail their checksum on every read path.
func TestFileAddressedContentDamage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	b := openForTest(t, "file://"+dir)
	ctx := testContext(t)
	obj, _, err := NewDocumentStore(b).PutContent(ctx, []byte("<p>original</p>"), ".html", "text/html; charset=utf-8")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(obj.Key)), []byte("<p>tampered</p>"), 0o644))

	_, _, err = b.Get(ctx, obj.Key)
	require.ErrorIs(t, err, ErrChecksum)
	rc, _, err := b.NewReader(ctx, obj.Key)
	require.NoError(t, err)
	_, err = io.ReadAll(rc)
	_ = rc.Close()
	require.ErrorIs(t, err, ErrChecksum)
	assert.True(t, strings.Contains(err.Error(), obj.SHA256), err.Error())

}
