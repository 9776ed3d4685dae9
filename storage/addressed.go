package storage

import (
	"path"

	"gocloud.dev/blob"
)

// addressedTypes are the content types that a content-addressed object's
// extension stands for. Such an object needs no attribute sidecar on the
// file backend: its name holds its SHA-256 and its extension its type, so
// objectFrom gives back what the sidecar would have held. Skipping the
// sidecar saves a file and an MD5 pass (fileblob hashes every byte for it)
// per rendition: two of the five files a stored document used to cost.
var addressedTypes = map[string]string{
	".pdf":  "application/pdf",
	".html": "text/html; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

// fileblobDefaultType is the content type fileblob reports for an object
// without a sidecar.
const fileblobDefaultType = "application/octet-stream"

// writerFor returns the bucket view that writes obj: the file bucket's
// sidecar-less view when obj is created (never overwritten, so no older
// sidecar can outlive it) under its content address and its name and
// extension say everything a sidecar would, else the bucket itself.
func (b *Bucket) writerFor(obj Object, o PutOptions) *blob.Bucket {
	if b.lean == nil || !o.IfNotExist || len(obj.Metadata) > 0 {
		return b.b
	}
	if digest, ct, ok := addressedName(obj.Key); !ok || digest != obj.SHA256 || ct != obj.ContentType {
		return b.b
	}
	return b.lean
}

// addressedName splits a content-addressed key ".../<sha256><ext>" with an
// extension of addressedTypes into its digest and content type.
func addressedName(key string) (digest, contentType string, ok bool) {
	base := path.Base(key)
	ext := path.Ext(base)
	contentType, ok = addressedTypes[ext]
	digest = base[:len(base)-len(ext)]
	if !ok || len(digest) != 64 || !isLowerHex(digest) {
		return "", "", false
	}
	return digest, contentType, true
}

// addressedAttributes fills in the checksum and content type of an object
// that was stored without a sidecar (fileblob reports no metadata and its
// default type for it) from its content-addressed name. Other objects are
// returned as they are.
func addressedAttributes(key string, obj Object) Object {
	if obj.SHA256 != "" || len(obj.Metadata) > 0 || obj.ContentType != fileblobDefaultType {
		return obj
	}
	if digest, ct, ok := addressedName(key); ok {
		obj.SHA256, obj.ContentType = digest, ct
	}
	return obj
}
