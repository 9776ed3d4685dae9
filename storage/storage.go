// Package storage keeps Livery's blobs (rendered documents, kit versions) in a
// bucket: the local filesystem by default, S3 or any S3-compatible server in
// production, memory in tests. It is a thin layer over gocloud.dev/blob that
// adds what Livery relies on everywhere: one setting string to open a bucket,
// content-addressed keys, a SHA-256 checksum, content type and metadata on
// every object, and conditional creates that never overwrite.
//
// Backends and what they guarantee:
//
//   - fileblob (file://): each write goes to a temporary file and is renamed
//     into place, so a reader sees the whole old object, the whole new one,
//     or none. The temporary file is made in TMPDIR when a rename from there
//     into the data directory works, else next to its target (key.<hex>.tmp,
//     skipped by List; a crash can strand one). Metadata lives in a
//     key.attrs sidecar file, except for content-addressed renditions
//     (<sha256>.pdf, .html, .txt, created with IfNotExist and no metadata of
//     their own), whose name holds their checksum and type. fileblob's
//     own IfNotExist check is not atomic (it stats, then renames), so this
//     package serialises commits per key across all Buckets on one directory
//     in the process; two processes sharing a directory can still both win a
//     conditional create, so the file backend is for single-node use. Files
//     are not fsynced: a power loss can lose recent writes or truncate them
//     (a truncated object then fails its checksum on read).
//   - s3blob (s3://): conditional creates are sent as If-None-Match: * and
//     decided by the server (AWS S3, MinIO, Ceph RGW and R2 support it).
//   - memblob (mem://): everything is atomic under one mutex; for tests.
//
// Keys are slash-separated paths ("documents/<sha256>.pdf") with the same
// rules on every backend (see ErrInvalidKey). A key must not also be the
// "directory" of another key ("a" and "a/b"): a filesystem cannot hold both,
// and MinIO stores both but lists only one. Keep objects at the leaves of
// fixed layouts.
package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"mime"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Errors, wrapped with detail: test with errors.Is.
var (
	// ErrNotFound reports that no object is stored under the key.
	ErrNotFound = errors.New("object not found")
	// ErrExists reports that a conditional create (IfNotExist) lost: the key
	// already holds an object, which was left untouched.
	ErrExists = errors.New("object already exists")
	// ErrChecksum reports that the bytes read do not match the SHA-256
	// recorded when the object was written.
	ErrChecksum = errors.New("object checksum mismatch")
	// ErrInvalidKey reports a key that this package refuses on every backend.
	ErrInvalidKey = errors.New("invalid object key")
)

// MetaSHA256 is the metadata key under which every Put records the hex
// SHA-256 of the object's bytes. It is reserved: callers may not set it.
const MetaSHA256 = "sha256"

// maxKeyLen is S3's limit on key length in bytes; enforcing it everywhere
// keeps a key that works on the file backend working on S3.
const maxKeyLen = 1024

// Object describes a stored object.
type Object struct {
	Key         string
	Size        int64
	SHA256      string // hex; empty only for objects written without this package
	ContentType string
	// Metadata holds the caller's metadata with lower-cased keys (S3
	// lower-cases them, so every backend does); MetaSHA256 is not repeated
	// here. Never nil for objects returned by Put, Get, NewReader and Stat.
	Metadata map[string]string
}

// PutOptions control a write.
type PutOptions struct {
	// ContentType is stored with the object; when empty it is sniffed from
	// the first bytes (net/http.DetectContentType).
	ContentType string
	// Metadata is stored with the object. Keys are case-insensitive and
	// stored lower-cased; MetaSHA256 is reserved.
	Metadata map[string]string
	// IfNotExist makes the write fail with ErrExists when the key exists
	// (S3: If-None-Match: *), wherever an overwrite would lose data.
	IfNotExist bool
}

// Bucket is an opened storage location. It is safe for concurrent use.
type Bucket struct {
	b    *blob.Bucket
	desc string
	// dir is the directory of a bucket opened from a file:// setting, checked
	// by Ping because fileblob reports a deleted directory as an empty bucket.
	dir string
	// locks is set for fileblob buckets, whose write path (write sidecar
	// attributes, stat for IfNotExist, rename) is not atomic: holding a
	// per-key lock around it makes conditional creates exclusive and keeps
	// readers from pairing one version's attributes with another's bytes.
	// mem:// buckets use them too, to keep Stat and read on one version.
	locks *keyLocks
	// isFile marks a fileblob bucket, whose listing needs care (see List).
	isFile bool
	// tempBeside marks a file bucket whose temporary files live next to
	// their targets, in the tree that List walks (see openFile).
	tempBeside bool
	// lean is, for a file bucket, a second fileblob view of its directory
	// that writes no attribute sidecars, for content-addressed objects that
	// need none (see addressedTypes).
	lean *blob.Bucket
}

// OpenBucket wraps an already opened gocloud bucket. The Bucket takes
// ownership: closing it closes bb.
func OpenBucket(bb *blob.Bucket) *Bucket {
	b := &Bucket{b: bb, desc: "blob bucket"}
	// fileblob is the only driver that exposes an os.FileInfo for its bucket;
	// recognising it this way also works through blob.PrefixedBucket.
	var fi os.FileInfo
	if bb.As(&fi) {
		b.isFile = true
		b.locks = new(keyLocks)
	}
	return b
}

// Blob returns the underlying gocloud bucket, for what this package does not
// wrap. Objects written through it bypass the checksum and key rules.
func (b *Bucket) Blob() *blob.Bucket { return b.b }

// String describes the bucket for logs; it never contains credentials.
func (b *Bucket) String() string { return b.desc }

// Close releases the bucket.
func (b *Bucket) Close() error {
	if b.lean != nil {
		_ = b.lean.Close()
	}
	return b.b.Close()
}

// Put writes data under key, recording its SHA-256 and content type.
func (b *Bucket) Put(ctx context.Context, key string, data []byte, o PutOptions) (Object, error) {
	return b.put(ctx, key, data, digestOf(data), o)
}

// digestOf is the hex SHA-256 of data.
func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// put is Put with the hex SHA-256 of data already computed, for callers
// that needed it for the key: hashing a rendition twice costs as much as
// writing it.
func (b *Bucket) put(ctx context.Context, key string, data []byte, digest string, o PutOptions) (Object, error) {
	if err := checkKey(key); err != nil {
		return Object{}, err
	}
	obj, wopts, err := prepare(key, data, digest, o)
	if err != nil {
		return Object{}, err
	}
	// AWS S3 answers 409 ConditionalRequestConflict when another write to the
	// key is in flight; the outcome is then unknown, so try again and let the
	// server decide (412 once the other write has landed).
	var lost bool
	for attempt := 1; ; attempt++ {
		lost, err = b.write(ctx, b.writerFor(obj, o), key, data, wopts)
		if err == nil || attempt == 3 || !isConditionalConflict(err) {
			break
		}
		select {
		case <-ctx.Done():
			return Object{}, fmt.Errorf("storage: put %q: %w", key, ctx.Err())
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
	if lost {
		return Object{}, fmt.Errorf("storage: put %q: %w: %w", key, ErrExists, err)
	}
	if err != nil {
		return Object{}, fmt.Errorf("storage: put %q: %w", key, err)
	}
	return obj, nil
}

// PutContent stores data under prefix + its hex SHA-256 + ext, created only
// if absent; storing the same bytes twice is not an error and returns the
// existing object (whose content type and metadata are the first writer's).
func (b *Bucket) PutContent(ctx context.Context, prefix string, data []byte, ext string, o PutOptions) (Object, error) {
	digest := digestOf(data)
	key := prefix + digest + ext
	o.IfNotExist = true
	obj, err := b.put(ctx, key, data, digest, o)
	if !errors.Is(err, ErrExists) {
		return obj, err
	}
	existing, err := b.Stat(ctx, key)
	if err != nil {
		return Object{}, err
	}
	// A content-addressed key holding other bytes means corruption or a
	// writer that bypassed this package; returning it would hand out the
	// wrong content under a name that promises otherwise.
	if existing.SHA256 != "" && existing.SHA256 != digest {
		return Object{}, fmt.Errorf("storage: put content %q: stored sha256 %s: %w", key, existing.SHA256, ErrChecksum)
	}
	return existing, nil
}

// Get reads a whole object and verifies it against its recorded SHA-256.
func (b *Bucket) Get(ctx context.Context, key string) ([]byte, Object, error) {
	// NewReader already keeps checksum and bytes on one version where the
	// backend allows (locks, S3 If-Match); where it cannot (another process
	// overwriting a file bucket, a memblob from OpenBucket), an overwrite
	// between the two reads shows up as a mismatch that a second read
	// settles, while real corruption fails every time.
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var data []byte
		var obj Object
		data, obj, err = b.get(ctx, key)
		if !errors.Is(err, ErrChecksum) {
			return data, obj, err
		}
	}
	return nil, Object{}, err
}

func (b *Bucket) get(ctx context.Context, key string) ([]byte, Object, error) {
	rc, obj, err := b.NewReader(ctx, key)
	if err != nil {
		return nil, Object{}, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, Object{}, err
	}
	if obj.SHA256 == "" {
		sum := sha256.Sum256(data)
		obj.SHA256 = hex.EncodeToString(sum[:])
	}
	return data, obj, nil
}

// NewReader streams an object. The final Read returns an error wrapping
// ErrChecksum instead of io.EOF when the bytes do not match the recorded
// SHA-256, so a caller that reads to the end never accepts corrupt data.
func (b *Bucket) NewReader(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	if err := checkKey(key); err != nil {
		return nil, Object{}, err
	}
	// The attributes and the bytes come from two requests; when an overwrite
	// lands in between, start again rather than pair one version's checksum
	// and metadata with another's bytes.
	const attempts = 5
	for attempt := 1; ; attempt++ {
		unlock := b.rlock(key)
		attrs, err := b.b.Attributes(ctx, key)
		if err != nil {
			unlock()
			return nil, Object{}, wrapErr("read", key, err)
		}
		// An open reader keeps reading the version it opened (an open file,
		// one S3 GET), so the lock is needed only until the open.
		r, err := b.b.NewReader(ctx, key, &blob.ReaderOptions{BeforeRead: ifMatch(attrs.ETag)})
		unlock()
		if err != nil {
			// 412: the ETag from Stat no longer matches (S3 If-Match).
			if gcerrors.Code(err) == gcerrors.FailedPrecondition && attempt < attempts {
				continue
			}
			if gcerrors.Code(err) == gcerrors.NotFound {
				return nil, Object{}, wrapErr("read", key, err)
			}
			return nil, Object{}, fmt.Errorf("storage: read %q: %w", key, err)
		}
		obj := objectFrom(key, attrs)
		// Servers that ignore If-Match on GET (gofakes3) still return the
		// metadata of the version they send.
		if d, ok := responseSHA256(r); ok && d != obj.SHA256 && attempt < attempts {
			_ = r.Close()
			continue
		}
		return &verifyingReader{r: r, key: key, want: obj.SHA256, h: sha256.New()}, obj, nil
	}
}

// ifMatch makes an S3 GET conditional on the ETag that Stat saw; other
// drivers do not offer a GetObjectInput and are left alone.
func ifMatch(etag string) func(as func(any) bool) error {
	return func(as func(any) bool) error {
		var in *s3.GetObjectInput
		if etag != "" && as(&in) {
			in.IfMatch = aws.String(etag)
		}
		return nil
	}
}

// responseSHA256 returns the checksum recorded on the version an S3 GET is
// returning, when r is an S3 reader.
func responseSHA256(r *blob.Reader) (string, bool) {
	var out s3.GetObjectOutput
	if !r.As(&out) {
		return "", false
	}
	for k, v := range out.Metadata {
		if strings.EqualFold(k, MetaSHA256) {
			return v, true
		}
	}
	return "", true
}

// Stat returns an object's attributes.
func (b *Bucket) Stat(ctx context.Context, key string) (Object, error) {
	if err := checkKey(key); err != nil {
		return Object{}, err
	}
	unlock := b.rlock(key)
	attrs, err := b.b.Attributes(ctx, key)
	unlock()
	if err != nil {
		return Object{}, wrapErr("stat", key, err)
	}
	return objectFrom(key, attrs), nil
}

// List returns the objects whose keys start with prefix (no delimiter: the
// whole subtree), sorted by key in byte order, following every page. Only
// Key and Size are filled in: the rest needs a Stat per object.
func (b *Bucket) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	err := b.listPages(ctx, prefix, func(page []*blob.ListObject) {
		for _, lo := range page {
			// fileblob lists its in-flight temporary files (key.<hex>.tmp);
			// such names are refused as keys, so nothing real is hidden.
			if lo.IsDir || reservedSuffix(lo.Key) != "" {
				continue
			}
			out = append(out, Object{Key: lo.Key, Size: lo.Size})
		}
	})
	if err != nil {
		return nil, wrapErr("list", prefix, err)
	}
	// fileblob walks directories, which orders "a/b" before "a-c"; S3 orders
	// by bytes. Sorting here gives every backend S3's order.
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Ping checks the bucket is reachable (for readiness probes).
func (b *Bucket) Ping(ctx context.Context) error {
	if b.dir != "" {
		fi, err := os.Stat(b.dir)
		if err != nil {
			return fmt.Errorf("storage: ping %s: %w", b.desc, err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("storage: ping %s: not a directory", b.desc)
		}
	}
	ok, err := b.b.IsAccessible(ctx)
	if err != nil {
		return fmt.Errorf("storage: ping %s: %w", b.desc, err)
	}
	if !ok {
		return fmt.Errorf("storage: ping %s: bucket does not exist: %w", b.desc, ErrNotFound)
	}
	return nil
}

// SignOptions are headers that the storage sends with the answer to a
// signed GET instead of the object's own (S3's response-content-*
// overrides, which the signature covers).
type SignOptions struct {
	// ContentDisposition, when set, is the answer's Content-Disposition,
	// e.g. attachment; filename=RE-2026-11873.pdf.
	ContentDisposition string
	// ContentType, when set, is the answer's Content-Type.
	ContentType string
}

// SignedURL returns a URL that lets its holder GET the object without
// credentials until expiry, answered with o's headers. Only the S3 backend
// supports it; the others return an error wrapping errors.ErrUnsupported.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration, o SignOptions) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	u, err := b.b.SignedURL(ctx, key, &blob.SignedURLOptions{Expiry: expiry, Method: http.MethodGet,
		BeforeSign: func(as func(any) bool) error {
			var in *s3.GetObjectInput
			if as(&in) {
				if o.ContentDisposition != "" {
					in.ResponseContentDisposition = aws.String(o.ContentDisposition)
				}
				if o.ContentType != "" {
					in.ResponseContentType = aws.String(o.ContentType)
				}
			}
			return nil
		}})
	if err != nil {
		if gcerrors.Code(err) == gcerrors.Unimplemented {
			return "", fmt.Errorf("storage: signed url %q on %s: %w", key, b.desc, errors.ErrUnsupported)
		}
		return "", wrapErr("signed url", key, err)
	}
	return u, nil
}

// prepare validates the options and returns the Object that the write will
// produce together with the gocloud writer options.
func prepare(key string, data []byte, digest string, o PutOptions) (Object, *blob.WriterOptions, error) {
	ct := o.ContentType
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	// gocloud normalises the type this way before storing it; doing the same
	// makes Put's answer equal to a later Stat.
	t, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return Object{}, nil, fmt.Errorf("storage: put %q: content type %q: %w", key, ct, err)
	}
	if ct = mime.FormatMediaType(t, params); ct == "" {
		return Object{}, nil, fmt.Errorf("storage: put %q: content type %q cannot be stored", key, o.ContentType)
	}

	md := make(map[string]string, len(o.Metadata)+1)
	for k, v := range o.Metadata {
		lk := strings.ToLower(k)
		switch {
		case lk == "":
			return Object{}, nil, fmt.Errorf("storage: put %q: empty metadata key", key)
		case lk == MetaSHA256:
			return Object{}, nil, fmt.Errorf("storage: put %q: metadata key %q is reserved", key, k)
		case !utf8.ValidString(k) || !utf8.ValidString(v):
			return Object{}, nil, fmt.Errorf("storage: put %q: metadata %q is not valid UTF-8", key, k)
		}
		if _, dup := md[lk]; dup {
			return Object{}, nil, fmt.Errorf("storage: put %q: metadata key %q given twice in different case", key, lk)
		}
		md[lk] = v
	}
	user := make(map[string]string, len(md))
	for k, v := range md {
		user[k] = v
	}
	md[MetaSHA256] = digest

	obj := Object{Key: key, Size: int64(len(data)), SHA256: digest, ContentType: ct, Metadata: user}
	return obj, &blob.WriterOptions{ContentType: ct, Metadata: md, IfNotExist: o.IfNotExist}, nil
}

// write stores data; lost reports that an IfNotExist write failed because
// the key exists. Only a failure of the commit (Close) can mean that: an
// error opening the writer with the same code (a closed bucket is
// FailedPrecondition too) is something else.
func (b *Bucket) write(ctx context.Context, bb *blob.Bucket, key string, data []byte, wopts *blob.WriterOptions) (lost bool, err error) {
	// A cancelled write must not land: cancelling this context before Close
	// makes every driver abort instead of committing.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := bb.NewWriter(wctx, key, wopts)
	if err != nil {
		return false, err
	}
	// fileblob commits in Close (sidecar, existence check, rename) and
	// removes its temporary file there on failure; the bytes go to that file
	// before, so only Close is locked.
	if _, err := w.Write(data); err != nil {
		cancel()
		unlock := b.lockCommit(key)
		_ = w.Close()
		unlock()
		return false, err
	}
	unlock := b.lockCommit(key)
	err = w.Close()
	unlock()
	if err != nil && wopts.IfNotExist {
		// fileblob, memblob and s3blob all report a lost IfNotExist as
		// FailedPrecondition (S3: 412 Precondition Failed).
		switch gcerrors.Code(err) {
		case gcerrors.FailedPrecondition, gcerrors.AlreadyExists:
			lost = true
		}
	}
	return lost, err
}

// s3PageSize is the most keys one ListObjectsV2 response carries.
const s3PageSize = 1000

// listPages hands every listed object under prefix to fn, page by page.
func (b *Bucket) listPages(ctx context.Context, prefix string, fn func([]*blob.ListObject)) error {
	opts := &blob.ListOptions{Prefix: prefix}
	if b.isFile {
		// fileblob's page token assumes that its directory walk visits keys
		// in byte order, which is false ("a-b" sorts before "a/c" but is
		// walked after it), so its second page silently drops keys
		// (gocloud.dev v0.47.0). Ask again for a page twice as large until
		// one page holds everything; gocloud allocates the whole page up
		// front, so it cannot simply be asked for a huge one.
		//
		// When temporary files live next to their targets (see openFile), a
		// rename between fileblob reading a directory and stat-ing the entry
		// fails the walk with NotFound. Commits through this process wait
		// for the walk; for other writers, walking again sees the renamed
		// file.
		if b.tempBeside {
			b.locks.commits.Lock()
			defer b.locks.commits.Unlock()
		}
		const walks = 10
		for size, attempt := s3PageSize, 1; ; {
			page, next, err := b.b.ListPage(ctx, blob.FirstPageToken, size, opts)
			switch {
			case err != nil && gcerrors.Code(err) == gcerrors.NotFound && attempt < walks:
				attempt++
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Duration(attempt) * time.Millisecond):
				}
			case err != nil:
				return err
			case len(next) == 0:
				fn(page)
				return nil
			default:
				size *= 2
			}
		}
	}
	for token := blob.FirstPageToken; ; {
		page, next, err := b.b.ListPage(ctx, token, s3PageSize, opts)
		if err != nil {
			return err
		}
		fn(page)
		if len(next) == 0 {
			return nil
		}
		token = next
	}
}

// lockCommit takes what a commit on a local backend needs: the key's lock,
// and with temporary files beside their targets a share of the commit lock
// that List takes whole, so no temporary file vanishes under its walk.
func (b *Bucket) lockCommit(key string) (unlock func()) {
	if b.locks == nil {
		return func() {}
	}
	l := b.locks.of(key)
	l.Lock()
	if !b.tempBeside {
		return l.Unlock
	}
	b.locks.commits.RLock()
	return func() {
		b.locks.commits.RUnlock()
		l.Unlock()
	}
}

func (b *Bucket) rlock(key string) (unlock func()) {
	if b.locks == nil {
		return func() {}
	}
	l := b.locks.of(key)
	l.RLock()
	return l.RUnlock
}

func objectFrom(key string, a *blob.Attributes) Object {
	md := make(map[string]string, len(a.Metadata))
	var digest string
	for k, v := range a.Metadata {
		if k == MetaSHA256 {
			digest = v
			continue
		}
		md[k] = v
	}
	return addressedAttributes(key, Object{Key: key, Size: a.Size, SHA256: digest, ContentType: a.ContentType, Metadata: md})
}

// wrapErr maps gocloud's portable "not found" onto ErrNotFound for reads,
// keeping the driver's error in the chain for detail.
func wrapErr(op, key string, err error) error {
	notFound := gcerrors.Code(err) == gcerrors.NotFound ||
		// fileblob: "a/b" when "a" is a file is ENOTDIR, not ENOENT, yet
		// there is no such object all the same.
		errors.Is(err, syscall.ENOTDIR)
	if notFound {
		return fmt.Errorf("storage: %s %q: %w: %w", op, key, ErrNotFound, err)
	}
	return fmt.Errorf("storage: %s %q: %w", op, key, err)
}

func isConditionalConflict(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ConditionalRequestConflict"
}

// checkKey enforces one key syntax on every backend, so that a key accepted
// by the file backend in development also works on S3, and no key can
// collide with fileblob's own files or climb out of its directory.
func checkKey(key string) error {
	bad := func(why string) error { return fmt.Errorf("storage: key %q: %s: %w", key, why, ErrInvalidKey) }
	switch {
	case key == "":
		return bad("empty")
	case len(key) > maxKeyLen:
		return bad("longer than 1024 bytes")
	case !utf8.ValidString(key):
		return bad("not valid UTF-8")
	case strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/"):
		return bad("leading or trailing slash")
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f {
			return bad("control character")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return bad("empty path segment")
		case ".", "..":
			return bad("dot segment")
		}
	}
	if s := reservedSuffix(key); s != "" {
		return bad("suffix " + s + " is reserved for the file backend's own files")
	}
	return nil
}

// reservedSuffix returns the suffix that fileblob uses for its sidecar
// attribute files (.attrs) or temporary files (.tmp) if key ends in one.
func reservedSuffix(key string) string {
	for _, s := range []string{".attrs", ".tmp"} {
		if strings.HasSuffix(key, s) {
			return s
		}
	}
	return ""
}

// verifyingReader hashes what passes through it and turns the final io.EOF
// into an ErrChecksum error when the digest differs from the recorded one.
type verifyingReader struct {
	r    *blob.Reader
	key  string
	want string
	h    hash.Hash
	err  error // sticky result once the end was reached
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); v.want != "" && got != v.want {
			err = fmt.Errorf("storage: read %q: sha256 %s, recorded %s: %w", v.key, got, v.want, ErrChecksum)
		}
		v.err = err
	} else if err != nil {
		err = wrapErr("read", v.key, err)
	}
	return n, err
}

func (v *verifyingReader) Close() error { return v.r.Close() }

var (
	dirLocksMu sync.Mutex
	dirLocksOf = map[string]*keyLocks{}
)

// dirLocks returns the process-wide locks for a fileblob directory. Entries
// live as long as the process: one per directory ever opened, a handful.
func dirLocks(dir string) *keyLocks {
	dirLocksMu.Lock()
	defer dirLocksMu.Unlock()
	l := dirLocksOf[dir]
	if l == nil {
		l = new(keyLocks)
		dirLocksOf[dir] = l
	}
	return l
}

// keyLocks holds a fixed set of striped per-key locks (bounded memory
// whatever the number of keys, at the price of unrelated keys occasionally
// sharing one) and the commit lock of a file bucket (see lockCommit).
type keyLocks struct {
	stripes [64]sync.RWMutex
	commits sync.RWMutex
}

func (l *keyLocks) of(key string) *sync.RWMutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return &l.stripes[h.Sum32()%uint32(len(l.stripes))]
}
