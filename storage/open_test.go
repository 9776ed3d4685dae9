package storage

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSetting(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name    string
		raw     string
		env     string // LIVERY_S3_ENDPOINT
		want    setting
		wantErr string
	}{
		{name: "file absolute", raw: "file:///var/lib/livery", want: setting{scheme: "file", dir: "/var/lib/livery"}},
		{name: "file relative", raw: "file://./livery-data", want: setting{scheme: "file", dir: "./livery-data"}},
		{name: "file parent", raw: "file://../data", want: setting{scheme: "file", dir: "../data"}},
		{name: "file escaped", raw: "file:///srv/with%20space", want: setting{scheme: "file", dir: "/srv/with space"}},
		{name: "mem", raw: "mem://", want: setting{scheme: "mem"}},
		{name: "s3 bucket", raw: "s3://docs", want: setting{scheme: "s3", bucket: "docs"}},
		{name: "s3 prefix", raw: "s3://docs/livery/prod/", want: setting{scheme: "s3", bucket: "docs", prefix: "livery/prod/"}},
		{
			name: "s3 all parameters",
			raw:  "s3://docs/p?region=eu-west-1&endpoint=http://127.0.0.1:9000&path_style=false",
			want: setting{scheme: "s3", bucket: "docs", prefix: "p/", region: "eu-west-1", endpoint: "http://127.0.0.1:9000", pathStyle: &no},
		},
		{
			name: "s3 endpoint from env",
			raw:  "s3://docs?path_style=1",
			env:  "https://minio.internal:9000",
			want: setting{scheme: "s3", bucket: "docs", endpoint: "https://minio.internal:9000", pathStyle: &yes},
		},
		{
			name: "s3 query endpoint beats env",
			raw:  "s3://docs?endpoint=http://127.0.0.1:9000",
			env:  "https://minio.internal:9000",
			want: setting{scheme: "s3", bucket: "docs", endpoint: "http://127.0.0.1:9000"},
		},
		{name: "no scheme", raw: "/var/lib/livery", wantErr: "no scheme"},
		{name: "empty", raw: "", wantErr: "no scheme"},
		{name: "unknown scheme", raw: "gs://bucket", wantErr: `unknown scheme "gs"`},
		{name: "file without dir", raw: "file://", wantErr: "no directory"},
		{name: "file host form", raw: "file://host/dir", wantErr: "must be absolute"},
		{name: "file parameters", raw: "file:///x?create=1", wantErr: "no parameters"},
		{name: "mem with bucket", raw: "mem://x", wantErr: "mem takes no"},
		{name: "s3 without bucket", raw: "s3:///prefix", wantErr: "no bucket"},
		{name: "s3 unknown parameter", raw: "s3://b?regoin=x", wantErr: `unknown parameter "regoin"`},
		{name: "s3 bad path_style", raw: "s3://b?path_style=maybe", wantErr: "path_style"},
		{name: "s3 repeated parameter", raw: "s3://b?region=a&region=b", wantErr: "given 2 times"},
		{name: "s3 bad endpoint", raw: "s3://b?endpoint=127.0.0.1:9000", wantErr: "not an http(s) URL"},
		{name: "s3 bad env endpoint", raw: "s3://b", env: "minio:9000", wantErr: "not an http(s) URL"},
		{name: "s3 credentials in setting", raw: "s3://key:secret@b", wantErr: "credentials do not belong"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvS3Endpoint, tc.env)
			got, err := parseSetting(tc.raw)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSettingFromEnv(t *testing.T) {
	cases := []struct{ env, want string }{
		{"", DefaultSetting},
		{"s3://docs/livery", "s3://docs/livery"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			t.Setenv(EnvSetting, tc.env)
			assert.Equal(t, tc.want, SettingFromEnv())
		})
	}
}

func TestOpenFile(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		setting string
		dir     string // relative to the working directory
	}{
		{"default", "", "livery-data"},
		{"relative", "file://./nested/data", "nested/data"},
		{"absolute", "file://ABS/abs-data", "abs-data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wd := t.TempDir()
			t.Chdir(wd)
			b := openForTest(t, strings.Replace(tc.setting, "ABS", wd, 1))
			require.NoError(t, b.Ping(ctx))

			_, err := b.Put(ctx, "documents/a.pdf", []byte("%PDF"), PutOptions{ContentType: "application/pdf"})
			require.NoError(t, err)
			data, err := os.ReadFile(filepath.Join(wd, tc.dir, "documents", "a.pdf"))
			require.NoError(t, err)
			assert.Equal(t, "%PDF", string(data))
			// The metadata sidecar sits next to the file; no temporary file
			// is left behind.
			entries, err := os.ReadDir(filepath.Join(wd, tc.dir, "documents"))
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"a.pdf", "a.pdf.attrs"}, names)

			// fileblob would report a deleted directory as an empty bucket.
			require.NoError(t, os.RemoveAll(filepath.Join(wd, tc.dir)))
			assert.Error(t, b.Ping(ctx))
		})
	}
}

// TestFileConditionalCreateAcrossBuckets: two Buckets opened on one
// directory in one process share their key locks, so a conditional create
// stays exclusive between them.
func TestFileConditionalCreateAcrossBuckets(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	buckets := []*Bucket{openForTest(t, "file://"+dir), openForTest(t, "file://"+dir+"/"), openForTest(t, "file://"+dir+"/../"+filepath.Base(dir))}
	for round := range 5 {
		key := "race/" + string(rune('a'+round))
		start := make(chan struct{})
		errs := make(chan error, 30)
		done := make(chan struct{})
		go func() {
			defer close(done)
			var wg sync.WaitGroup
			for i := range 30 {
				wg.Go(func() {
					<-start
					_, err := buckets[i%len(buckets)].Put(ctx, key, []byte{byte(i)}, PutOptions{IfNotExist: true})
					errs <- err
				})
			}
			close(start)
			wg.Wait()
			close(errs)
		}()
		<-done
		wins := 0
		for err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, ErrExists)
		}
		assert.Equal(t, 1, wins, "round %d", round)
	}
}

func TestOpenS3(t *testing.T) {
	ctx := context.Background()
	endpoint := startGofakes3(t)
	s3TestEnv(t, "fake-access", "fake-secret")
	createBucket(t, endpoint, "livery", "fake-access", "fake-secret")

	t.Run("endpoint from LIVERY_S3_ENDPOINT", func(t *testing.T) {
		t.Setenv(EnvS3Endpoint, endpoint)
		b := openForTest(t, "s3://livery")
		assert.NoError(t, b.Ping(ctx))
		assert.Contains(t, b.String(), endpoint)
	})

	t.Run("query endpoint beats LIVERY_S3_ENDPOINT", func(t *testing.T) {
		t.Setenv(EnvS3Endpoint, "http://127.0.0.1:1")
		b := openForTest(t, "s3://livery?endpoint="+endpoint)
		assert.NoError(t, b.Ping(ctx))
	})

	t.Run("region from the AWS chain", func(t *testing.T) {
		t.Setenv("AWS_REGION", "eu-central-1")
		b := openForTest(t, "s3://livery?endpoint="+endpoint)
		assert.NoError(t, b.Ping(ctx))
	})

	t.Run("no region for AWS itself", func(t *testing.T) {
		_, err := Open(ctx, "s3://livery")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no region")
	})

	t.Run("missing bucket fails Ping", func(t *testing.T) {
		b := openForTest(t, "s3://no-such-bucket?endpoint="+endpoint)
		err := b.Ping(ctx)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrNotFound)
	})

	t.Run("setting prefixes isolate", func(t *testing.T) {
		// "tenant" is a string prefix of "tenant-b": the setting's prefix
		// must end at a slash to keep them apart.
		root := openForTest(t, "s3://livery?endpoint="+endpoint)
		tenant := openForTest(t, "s3://livery/iso/tenant?endpoint="+endpoint)
		tenantB := openForTest(t, "s3://livery/iso/tenant-b/?endpoint="+endpoint)
		_, err := tenant.Put(ctx, "doc", []byte("a"), PutOptions{})
		require.NoError(t, err)
		_, err = tenantB.Put(ctx, "doc", []byte("b"), PutOptions{})
		require.NoError(t, err)

		objs, err := root.List(ctx, "iso/")
		require.NoError(t, err)
		assert.Equal(t, []string{"iso/tenant-b/doc", "iso/tenant/doc"}, keysOf(objs))
		objs, err = tenant.List(ctx, "")
		require.NoError(t, err)
		assert.Equal(t, []string{"doc"}, keysOf(objs))
		data, _, err := root.Get(ctx, "iso/tenant/doc")
		require.NoError(t, err)
		assert.Equal(t, "a", string(data))
	})
}

func TestSignedURL(t *testing.T) {
	ctx := context.Background()
	endpoint := startGofakes3(t)
	s3TestEnv(t, "fake-access", "fake-secret")
	createBucket(t, endpoint, "livery", "fake-access", "fake-secret")
	cases := []struct {
		name        string
		setting     string
		unsupported bool
	}{
		{"s3", "s3://livery/signed?endpoint=" + endpoint, false},
		{"file", "file://" + t.TempDir(), true},
		{"mem", "mem://", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := openForTest(t, tc.setting)
			_, err := b.Put(ctx, "doc.pdf", []byte("%PDF signed"), PutOptions{ContentType: "application/pdf"})
			require.NoError(t, err)
			u, err := b.SignedURL(ctx, "doc.pdf", time.Minute, SignOptions{ContentDisposition: "attachment; filename=RE-1.pdf", ContentType: "application/pdf"})
			if tc.unsupported {
				assert.ErrorIs(t, err, errors.ErrUnsupported)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, u, "X-Amz-Signature=")
			resp, err := http.Get(u)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "%PDF signed", string(body))
			assert.Equal(t, "attachment; filename=RE-1.pdf", resp.Header.Get("Content-Disposition"), "the signed override")
			assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
		})
	}
}
