package storage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gocloud.dev/blob"
)

func TestConformanceFile(t *testing.T) {
	cases := []struct {
		name   string
		beside bool
	}{
		// TMPDIR on the data's filesystem: temporary files stay out of the
		// data tree.
		{"temp in TMPDIR", false},
		// TMPDIR elsewhere (forced here): temporary files next to targets.
		{"temp beside target", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forceTempBeside(t, tc.beside)
			runConformance(t, func(t *testing.T) *Bucket {
				return openForTest(t, "file://"+filepath.Join(t.TempDir(), "data"))
			}, gapKeyUnderKeyFile)
		})
	}
}

// forceTempBeside makes file buckets opened during t place their temporary
// files as told, whatever the rename probe would find.
func forceTempBeside(t *testing.T, beside bool) {
	probe := tempBeside
	t.Cleanup(func() { tempBeside = probe })
	tempBeside = func(string) bool { return beside }
}

// TestFileTempLocation pins where an in-flight write's temporary file lives
// in each layout.
func TestFileTempLocation(t *testing.T) {
	cases := []struct {
		name   string
		beside bool
	}{
		{"probe finds TMPDIR usable", false},
		{"beside target", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			if tc.beside {
				forceTempBeside(t, true)
			}
			data := filepath.Join(t.TempDir(), "data")
			b := openForTest(t, "file://"+data)
			assert.Empty(t, globAll(t, tmp), "the rename probe cleans up")

			// A content type makes the writer open its file at once instead of
			// buffering bytes to sniff one.
			w, err := b.Blob().NewWriter(testContext(t), "docs/a.pdf", &blob.WriterOptions{ContentType: "application/pdf"})
			require.NoError(t, err)
			_, err = w.Write([]byte("%PDF in flight"))
			require.NoError(t, err)
			inTMPDIR, beside := globAll(t, tmp), globAll(t, filepath.Join(data, "docs"))
			require.NoError(t, w.Close())

			if tc.beside {
				assert.Empty(t, inTMPDIR)
				require.Len(t, beside, 1)
				assert.Regexp(t, `^a\.pdf\.[0-9a-f]+\.tmp$`, beside[0])
			} else {
				require.Len(t, inTMPDIR, 1)
				assert.Empty(t, beside)
			}
			assert.Equal(t, []string{"a.pdf", "a.pdf.attrs"}, globAll(t, filepath.Join(data, "docs")))
		})
	}
}

func globAll(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestFileKeyUnderKey pins what the file backend does with gapKeyUnderKeyFile:
// the conflicting write fails loudly and nothing already stored is lost.
func TestFileKeyUnderKey(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name          string
		first, second string
	}{
		{"key below a key", "n/a", "n/a/b"},
		{"key above a key", "n/a/b", "n/a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := openForTest(t, "file://"+t.TempDir())
			_, err := b.Put(ctx, tc.first, []byte("first"), PutOptions{})
			require.NoError(t, err)
			_, err = b.Put(ctx, tc.second, []byte("second"), PutOptions{})
			require.Error(t, err)
			assert.NotErrorIs(t, err, ErrExists)
			_, err = b.Stat(ctx, tc.second)
			assert.ErrorIs(t, err, ErrNotFound)
			data, _, err := b.Get(ctx, tc.first)
			require.NoError(t, err)
			assert.Equal(t, "first", string(data))
		})
	}
}

func TestConformanceMem(t *testing.T) {
	runConformance(t, func(t *testing.T) *Bucket { return openForTest(t, "mem://") })
}

// TestConformanceGofakes3 runs the suite through s3blob and the AWS SDK
// against gofakes3, a real S3 protocol server, started in-process over HTTP.
func TestConformanceGofakes3(t *testing.T) {
	endpoint, continued := startCountingGofakes3(t)
	s3TestEnv(t, "fake-access", "fake-secret")
	createBucket(t, endpoint, "livery", "fake-access", "fake-secret")
	runConformance(t, s3Opener(endpoint, "livery"), gapMultipartIfNotExist)
	// Proof that the 1,100-key listing went past S3's first page on the wire.
	assert.Positive(t, continued.Load(), "no ListObjectsV2 request carried a continuation token")
}

// TestConformanceMinIO runs the suite against MinIO at $LIVERY_TEST_MINIO
// (host:port), which .ci/run installs and starts. Credentials default to
// MinIO's minioadmin/minioadmin.
func TestConformanceMinIO(t *testing.T) {
	addr := os.Getenv("LIVERY_TEST_MINIO")
	if addr == "" {
		const why = "LIVERY_TEST_MINIO is not set (host:port of a MinIO server; .ci/run starts one)"
		if os.Getenv("CI") == "true" {
			t.Fatal(why + ": CI must run the MinIO conformance suite")
		}
		t.Skip(why)
	}
	access, secret := envOr("LIVERY_TEST_MINIO_ACCESS_KEY", "minioadmin"), envOr("LIVERY_TEST_MINIO_SECRET_KEY", "minioadmin")
	endpoint := "http://" + addr
	s3TestEnv(t, access, secret)
	createBucket(t, endpoint, "livery-test", access, secret)
	runConformance(t, s3Opener(endpoint, "livery-test"), gapKeyUnderKeyMinIO)
}

// s3Opener returns an opener that gives every bucket its own prefix inside
// one S3 bucket, so "buckets are isolated" checks prefix isolation. The run
// ID keeps repeated runs against a long-lived server apart.
func s3Opener(endpoint, bucket string) func(t *testing.T) *Bucket {
	run := fmt.Sprintf("run-%x", time.Now().UnixNano())
	var n atomic.Int64
	return func(t *testing.T) *Bucket {
		return openForTest(t, fmt.Sprintf("s3://%s/%s/%d?endpoint=%s&region=us-east-1", bucket, run, n.Add(1), endpoint))
	}
}

func openForTest(t *testing.T, setting string) *Bucket {
	t.Helper()
	b, err := Open(context.Background(), setting)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// startGofakes3 serves an in-memory gofakes3 over HTTP.
func startGofakes3(t *testing.T) (endpoint string) {
	t.Helper()
	endpoint, _ = startCountingGofakes3(t)
	return endpoint
}

// startCountingGofakes3 is startGofakes3 that also counts the list requests
// asking for a second or later page.
func startCountingGofakes3(t *testing.T) (endpoint string, continued *atomic.Int64) {
	t.Helper()
	faker := gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog()))
	h := faker.Server()
	continued = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Query().Get("continuation-token") != "" {
			continued.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, continued
}

// s3TestEnv points the standard AWS credential chain at static keys and
// away from anything on the machine (profiles, instance metadata), so that
// Open is tested the way production uses it.
func s3TestEnv(t *testing.T, access, secret string) {
	t.Helper()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION", EnvS3Endpoint} {
		unsetenv(t, k)
	}
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
}

// unsetenv removes k for the rest of the test: t.Setenv registers the
// restore, os.Unsetenv makes the variable absent rather than empty.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "")
	require.NoError(t, os.Unsetenv(k))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// createBucket creates an S3 bucket with a client of its own: Open never
// creates buckets, production ones are provisioned outside Livery.
func createBucket(t *testing.T, endpoint, bucket, access, secret string) {
	t.Helper()
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(access, secret, ""),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	var owned *s3types.BucketAlreadyOwnedByYou
	if errors.As(err, &owned) {
		return
	}
	require.NoError(t, err, "create bucket %s at %s", bucket, endpoint)
}
