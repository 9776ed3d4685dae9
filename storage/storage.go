// Package storage keeps Livery's blobs (rendered documents, kit versions) in a
// bucket: the local filesystem by default, S3 or any S3-compatible server in
// production, memory in tests. It is a thin layer over gocloud.dev/blob.
package storage

import (
	"context"
	"errors"
	"io"
)

// STUB: the storage helper replaces this file; the exported API is the contract.

// Errors, wrapped with detail.
var (
	ErrNotFound = errors.New("object not found")
	ErrExists   = errors.New("object already exists") // a conditional create lost
)

// Object describes a stored object.
type Object struct {
	Key         string
	Size        int64
	SHA256      string // hex
	ContentType string
	Metadata    map[string]string
}

// PutOptions control a write.
type PutOptions struct {
	ContentType string
	Metadata    map[string]string
	// IfNotExist makes the write fail with ErrExists when the key exists
	// (S3: If-None-Match: *), wherever an overwrite would lose data.
	IfNotExist bool
}

// Bucket is an opened storage location.
type Bucket struct{}

// Open opens a bucket from one setting: "file:///var/lib/livery",
// "s3://bucket/prefix?region=eu-west-1&endpoint=http://127.0.0.1:9000&path_style=true",
// or "mem://" (tests).
func Open(ctx context.Context, setting string) (*Bucket, error) { return nil, errors.New("stub") }

// Close releases the bucket.
func (b *Bucket) Close() error { return nil }

// Put writes data under key, recording its SHA-256 in the metadata.
func (b *Bucket) Put(ctx context.Context, key string, data []byte, o PutOptions) (Object, error) {
	return Object{}, errors.New("stub")
}

// PutContent stores data under prefix + its hex SHA-256 + ext, created only
// if absent; storing the same bytes twice is not an error and returns the
// existing object.
func (b *Bucket) PutContent(ctx context.Context, prefix string, data []byte, ext string, o PutOptions) (Object, error) {
	return Object{}, errors.New("stub")
}

// Get reads a whole object.
func (b *Bucket) Get(ctx context.Context, key string) ([]byte, Object, error) {
	return nil, Object{}, errors.New("stub")
}

// Open streams an object.
func (b *Bucket) NewReader(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	return nil, Object{}, errors.New("stub")
}

// Stat returns an object's attributes.
func (b *Bucket) Stat(ctx context.Context, key string) (Object, error) { return Object{}, errors.New("stub") }

// List returns the keys under prefix, sorted, following every page.
func (b *Bucket) List(ctx context.Context, prefix string) ([]Object, error) {
	return nil, errors.New("stub")
}

// Ping checks the bucket is reachable (for readiness probes).
func (b *Bucket) Ping(ctx context.Context) error { return errors.New("stub") }
