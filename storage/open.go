package storage

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/blob/s3blob"
)

const (
	// EnvSetting names the environment variable that holds the storage
	// setting (see Open).
	EnvSetting = "LIVERY_STORAGE"
	// EnvS3Endpoint names the environment variable that supplies the S3
	// endpoint when an s3:// setting has no endpoint parameter.
	EnvS3Endpoint = "LIVERY_S3_ENDPOINT"
	// DefaultSetting is the embedded default: a directory next to where
	// Livery runs.
	DefaultSetting = "file://./livery-data"
)

// SettingFromEnv returns $LIVERY_STORAGE, or DefaultSetting when it is unset
// or empty.
func SettingFromEnv() string {
	if v := os.Getenv(EnvSetting); v != "" {
		return v
	}
	return DefaultSetting
}

// Open opens a bucket from one setting; an empty setting means DefaultSetting.
//
//	file:///var/lib/livery     absolute directory, created if missing
//	file://./livery-data       directory relative to the working directory
//	s3://bucket                a whole S3 bucket
//	s3://bucket/some/prefix?region=eu-west-1&endpoint=http://127.0.0.1:9000&path_style=true
//	mem://                     in memory, for tests
//
// S3 parameters, all optional:
//   - region: else the AWS chain (AWS_REGION, profile), else us-east-1 when a
//     custom endpoint is set (S3-compatible servers accept any), else an error.
//   - endpoint: an http(s) URL of an S3-compatible server (MinIO, Ceph, R2).
//     Precedence: this parameter, then $LIVERY_S3_ENDPOINT, then the AWS
//     SDK's own configuration (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
//     endpoint_url in the profile), then AWS S3 itself.
//   - path_style: true or false; defaults to true when the endpoint came from
//     the setting or $LIVERY_S3_ENDPOINT (bucket-in-host addressing fails for
//     IP addresses and most self-hosted servers), false otherwise.
//
// Credentials always come from the standard AWS chain (environment, shared
// files, SSO, web identity, container or instance roles), never the setting,
// so the setting can be logged. The s3 bucket must already exist.
func Open(ctx context.Context, setting string) (*Bucket, error) {
	if setting == "" {
		setting = DefaultSetting
	}
	s, err := parseSetting(setting)
	if err != nil {
		return nil, err
	}
	switch s.scheme {
	case "file":
		return openFile(s)
	case "mem":
		b := OpenBucket(memblob.OpenBucket(nil))
		b.desc = "mem://"
		// memblob is atomic per call, but Stat and read are two calls; the
		// key locks keep an overwrite from landing between them.
		b.locks = new(keyLocks)
		return b, nil
	default:
		return openS3(ctx, s)
	}
}

// setting is a parsed storage setting.
type setting struct {
	scheme string // file, s3, mem
	dir    string // file: the directory as written
	bucket string // s3
	prefix string // s3: "" or ending in "/"
	region string // s3: "" means the AWS chain decides
	// endpoint is the custom S3 endpoint from the setting or EnvS3Endpoint.
	endpoint  string
	pathStyle *bool // s3: nil means the default described on Open
}

func parseSetting(raw string) (setting, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("storage: setting %q: %s (want file:///abs/dir, file://./rel/dir, s3://bucket/prefix?region=...&endpoint=...&path_style=true or mem://)",
			raw, fmt.Sprintf(format, args...))
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return setting{}, bad("no scheme")
	}
	switch scheme {
	case "file":
		// Parsed by hand: url.Parse would read "./rel" as a host name.
		p, query, _ := strings.Cut(rest, "?")
		if query != "" {
			return setting{}, bad("file settings take no parameters")
		}
		dir, err := url.PathUnescape(p)
		if err != nil {
			return setting{}, bad("%v", err)
		}
		switch {
		case dir == "":
			return setting{}, bad("no directory")
		case !filepath.IsAbs(dir) && dir != "." && dir != ".." &&
			!strings.HasPrefix(dir, "./") && !strings.HasPrefix(dir, "../"):
			// "file://host/dir" means a remote host in RFC 8089; refusing it
			// beats silently writing to a relative directory named "host".
			return setting{}, bad("directory must be absolute (file:///dir) or start with ./ (file://./dir)")
		}
		return setting{scheme: "file", dir: dir}, nil
	case "mem":
		if rest != "" {
			return setting{}, bad("mem takes no bucket or parameters")
		}
		return setting{scheme: "mem"}, nil
	case "s3":
	default:
		return setting{}, bad("unknown scheme %q", scheme)
	}

	u, err := url.Parse(raw)
	if err != nil {
		return setting{}, bad("%v", err)
	}
	if u.User != nil {
		return setting{}, bad("credentials do not belong in the setting; use the AWS credential chain")
	}
	if u.Host == "" {
		return setting{}, bad("no bucket")
	}
	s := setting{scheme: "s3", bucket: u.Host}
	if p := strings.Trim(u.Path, "/"); p != "" {
		s.prefix = p + "/"
	}
	for k, vs := range u.Query() {
		if len(vs) != 1 {
			return setting{}, bad("parameter %q given %d times", k, len(vs))
		}
		v := vs[0]
		switch k {
		case "region":
			s.region = v
		case "endpoint":
			s.endpoint = v
		case "path_style":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return setting{}, bad("path_style: %v", err)
			}
			s.pathStyle = &b
		default:
			return setting{}, bad("unknown parameter %q", k)
		}
	}
	if s.endpoint == "" {
		s.endpoint = os.Getenv(EnvS3Endpoint)
	}
	if s.endpoint != "" {
		e, err := url.Parse(s.endpoint)
		if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
			return setting{}, bad("endpoint %q is not an http(s) URL", s.endpoint)
		}
	}
	return s, nil
}

func openFile(s setting) (*Bucket, error) {
	abs, err := filepath.Abs(s.dir)
	if err != nil {
		return nil, fmt.Errorf("storage: open file://%s: %w", s.dir, err)
	}
	abs = filepath.Clean(abs)
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("storage: open file://%s: %w", s.dir, err)
	}
	// fileblob writes each object to a temporary file and renames it into
	// place. Its default, a temporary file in os.TempDir, keeps half-written
	// files out of the tree that List walks, but the rename fails when
	// TMPDIR is on another filesystem (a container's /tmp and a data
	// volume). Then the temporary files go next to their targets instead:
	// List skips them and walks again when one vanishes under it.
	beside := tempBeside(abs)
	bb, err := fileblob.OpenBucket(abs, &fileblob.Options{CreateDir: true, DirFileMode: 0o750, NoTempDir: beside})
	if err != nil {
		return nil, fmt.Errorf("storage: open file://%s: %w", s.dir, err)
	}
	b := OpenBucket(bb)
	b.desc = "file://" + s.dir
	b.dir = s.dir
	// Buckets opened on one directory share their locks, or a second Open
	// of the same setting would race the first one's conditional creates.
	b.locks = dirLocks(abs)
	b.tempBeside = beside
	b.lean, err = fileblob.OpenBucket(abs, &fileblob.Options{DirFileMode: 0o750, NoTempDir: beside, Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		_ = bb.Close()
		return nil, fmt.Errorf("storage: open file://%s: %w", s.dir, err)
	}
	return b, nil
}

// tempBeside reports whether fileblob must put its temporary files next to
// their targets because a file cannot be renamed from os.TempDir into dir. It
// is a variable so that tests can force either layout.
var tempBeside = func(dir string) bool {
	// The probe's name ends in .tmp, which List skips, should a crash leave
	// it behind.
	f, err := os.CreateTemp("", ".livery-rename-probe-*.tmp")
	if err != nil {
		return true
	}
	_ = f.Close()
	target := filepath.Join(dir, filepath.Base(f.Name()))
	if err := os.Rename(f.Name(), target); err != nil {
		_ = os.Remove(f.Name())
		return true
	}
	_ = os.Remove(target)
	return false
}

func openS3(ctx context.Context, s setting) (*Bucket, error) {
	var opts []func(*config.LoadOptions) error
	if s.region != "" {
		opts = append(opts, config.WithRegion(s.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("storage: open s3://%s: aws config: %w", s.bucket, err)
	}
	if cfg.Region == "" {
		if s.endpoint == "" {
			return nil, fmt.Errorf("storage: open s3://%s: no region: add ?region= or set AWS_REGION", s.bucket)
		}
		cfg.Region = "us-east-1"
	}
	pathStyle := s.endpoint != ""
	if s.pathStyle != nil {
		pathStyle = *s.pathStyle
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		if s.endpoint != "" {
			o.BaseEndpoint = aws.String(s.endpoint)
			// The SDK's default flexible checksums (CRC32 trailers in
			// aws-chunked bodies) are not understood by every S3-compatible
			// server; our own SHA-256 already covers integrity end to end.
			// AWS_REQUEST_CHECKSUM_CALCULATION still wins when set.
			if cfg.RequestChecksumCalculation == aws.RequestChecksumCalculationUnset {
				o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			}
			if cfg.ResponseChecksumValidation == aws.ResponseChecksumValidationUnset {
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			}
		}
	})
	// s3blob's uploads go through the transfer manager, which ignores the
	// client's checksum setting unless it is passed again here.
	bb, err := s3blob.OpenBucket(ctx, client, s.bucket, &s3blob.Options{
		RequestChecksumCalculation: client.Options().RequestChecksumCalculation,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: open s3://%s: %w", s.bucket, err)
	}
	if s.prefix != "" {
		bb = blob.PrefixedBucket(bb, s.prefix)
	}
	b := OpenBucket(bb)
	b.desc = "s3://" + s.bucket + "/" + s.prefix
	if s.endpoint != "" {
		b.desc += " at " + s.endpoint
	}
	return b, nil
}
