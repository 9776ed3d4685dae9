package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/samples"
	"github.com/liveryhq/livery/storage"
)

// Test API keys: secret -> key. Tests send the secret; the server only
// knows its hash.
const (
	secretAdmin            = "admin-secret"
	secretRenderer         = "renderer-secret"          // renderer of every kit
	secretRendererRoastery = "renderer-roastery-secret" // renderer of kit roastery only
	secretDesigner         = "designer-secret"          // designer of every kit
	secretDesignerRoastery = "designer-roastery-secret" // designer of kit roastery only
	secretDesignerInsurer  = "designer-insurer-secret"  // designer of kit insurer only
)

// testKeys are the keys every test server knows.
func testKeys() []Key {
	return []Key{
		{Name: "admin", Role: RoleAdmin, SHA256: HashSecret(secretAdmin)},
		{Name: "billing", Role: RoleRenderer, SHA256: HashSecret(secretRenderer)},
		{Name: "billing-roastery", Role: RoleRenderer, SHA256: HashSecret(secretRendererRoastery), Kits: []string{"roastery"}},
		{Name: "studio", Role: RoleDesigner, SHA256: HashSecret(secretDesigner)},
		{Name: "studio-roastery", Role: RoleDesigner, SHA256: HashSecret(secretDesignerRoastery), Kits: []string{"roastery"}},
		{Name: "studio-insurer", Role: RoleDesigner, SHA256: HashSecret(secretDesignerInsurer), Kits: []string{"insurer"}},
	}
}

// testEnv is a running API server over one storage backend, with the sample
// kits published as version 1 and pinned live.
type testEnv struct {
	Server *Server
	HTTP   *httptest.Server
	URL    string
	Bucket *storage.Bucket
	Kits   *storage.KitStore
}

// backends are the storage backends end-to-end tests run on: the local
// filesystem and S3 through gofakes3, a real S3 protocol server in-process.
var backends = []string{"file", "s3"}

// newTestEnv starts a server on backend ("file", "s3" or "mem"). edit, when
// not nil, adjusts the Config before New.
func newTestEnv(t testing.TB, backend string, edit func(*Config)) *testEnv {
	t.Helper()
	b := openTestBucket(t, backend)
	kits := storage.NewKitStore(b)
	_, err := samples.Publish(context.Background(), kits, "test")
	require.NoError(t, err)
	cfg := Config{Bucket: b, Kits: kits, Keys: testKeys()}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &testEnv{Server: s, HTTP: hs, URL: hs.URL, Bucket: b, Kits: kits}
}

// openTestBucket opens an empty bucket on backend.
func openTestBucket(t testing.TB, backend string) *storage.Bucket {
	t.Helper()
	var setting string
	switch backend {
	case "file":
		setting = "file://" + filepath.Join(t.TempDir(), "data")
	case "mem":
		setting = "mem://"
	case "s3":
		endpoint := startGofakes3(t)
		setting = "s3://livery?region=us-east-1&endpoint=" + endpoint
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	b, err := storage.Open(context.Background(), setting)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// startGofakes3 serves an in-memory gofakes3 with bucket "livery" over
// HTTP and points the AWS credential chain at its static keys.
func startGofakes3(t testing.TB) string {
	t.Helper()
	faker := gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog()))
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", storage.EnvS3Endpoint} {
		setenv(t, k, "")
	}
	none := filepath.Join(t.TempDir(), "none")
	setenv(t, "AWS_CONFIG_FILE", none)
	setenv(t, "AWS_SHARED_CREDENTIALS_FILE", none)
	setenv(t, "AWS_EC2_METADATA_DISABLED", "true")
	setenv(t, "AWS_ACCESS_KEY_ID", "fake-access")
	setenv(t, "AWS_SECRET_ACCESS_KEY", "fake-secret")
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("fake-access", "fake-secret", ""),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("livery")})
	require.NoError(t, err)
	return srv.URL
}

// setenv is t.Setenv for testing.TB (benchmarks too).
func setenv(t testing.TB, k, v string) {
	t.Helper()
	old, had := os.LookupEnv(k)
	require.NoError(t, os.Setenv(k, v))
	t.Cleanup(func() {
		if had {
			_ = os.Setenv(k, old)
		} else {
			_ = os.Unsetenv(k)
		}
	})
}

// do sends a request with the API key secret (none when empty) and returns
// the response with its body read.
func (e *testEnv) do(t testing.TB, method, path, secret, contentType string, body []byte, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, data
}

// doJSON sends v as a JSON body.
func (e *testEnv) doJSON(t testing.TB, method, path, secret string, v any, headers ...string) (*http.Response, []byte) {
	t.Helper()
	body, err := json.Marshal(v)
	require.NoError(t, err)
	return e.do(t, method, path, secret, "application/json", body, headers...)
}

// requireProblem checks that resp is an RFC 9457 problem of status and
// type slug, and returns it.
func requireProblem(t testing.TB, resp *http.Response, body []byte, status int, slug string) Problem {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "status; body: %s", body)
	require.Equal(t, ProblemContentType, resp.Header.Get("Content-Type"), "body: %s", body)
	var p Problem
	require.NoError(t, json.Unmarshal(body, &p), "problem JSON: %s", body)
	require.Equal(t, problemTypePrefix+slug, p.Type, "problem type; body: %s", body)
	require.Equal(t, status, p.Status)
	require.NotEmpty(t, p.Title)
	return p
}

// sampleDocument returns a sample document's JSON.
func sampleDocument(t testing.TB, name string) json.RawMessage {
	t.Helper()
	data, err := samples.Document(name)
	require.NoError(t, err)
	return data
}
