package preview_test

import (
	"bufio"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/api/preview"
	"github.com/liveryhq/livery/samples"
)

// waitFor is how long a test waits for the preview to notice a file change.
const waitFor = 15 * time.Second

// mustCopySampleKit copies a bundled sample kit to a temporary folder, for
// tests that edit it.
func mustCopySampleKit(t *testing.T, name string) string {
	t.Helper()
	src, err := samples.KitFS(name)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.CopyFS(dir, src))
	return dir
}

// mustCopySampleDocument copies a bundled sample document into dir.
func mustCopySampleDocument(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := samples.Document(name)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// startPreview serves a preview on a loopback port until the test ends.
func startPreview(t *testing.T, opts preview.Options) (*preview.Server, string) {
	t.Helper()
	p, err := preview.New(opts)
	require.NoError(t, err)
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	// Runs before ts.Close: Close ends the event streams ts.Close waits for.
	t.Cleanup(func() { require.NoError(t, p.Close()) })
	return p, ts.URL
}

// mustGet fetches url and returns the status, headers and body.
func mustGet(t *testing.T, url string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, body
}

// mustPage returns the preview page's HTML.
func mustPage(t *testing.T, base string) string {
	t.Helper()
	status, _, body := mustGet(t, base+"/")
	require.Equal(t, http.StatusOK, status)
	return string(body)
}

// waitForPage polls the page until ok accepts it, failing with the last
// page seen when that takes longer than waitFor.
func waitForPage(t *testing.T, base, what string, ok func(page string) bool) string {
	t.Helper()
	var page string
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		if page = mustPage(t, base); ok(page) {
			return page
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("page never showed %s; last page:\n%s", what, page)
	return ""
}

// docSection returns the page's section of one document.
func docSection(t *testing.T, page, id string) string {
	t.Helper()
	at := strings.Index(page, `id="doc-`+id+`"`)
	require.GreaterOrEqual(t, at, 0, "no section for %s", id)
	start := strings.LastIndex(page[:at], "<section")
	end := strings.Index(page[start:], "</section>")
	require.Greater(t, end, 0)
	return page[start : start+end]
}

var primaryLine = regexp.MustCompile(`(?m)^(\s*primary:\s*)"#[0-9A-Fa-f]*"`)

// mustSetPrimary rewrites colors.primary in dir/kit.yaml the way many
// editors save: a new file renamed over the old one.
func mustSetPrimary(t *testing.T, dir, hex string) {
	t.Helper()
	path := filepath.Join(dir, "kit.yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Regexp(t, primaryLine, string(data))
	data = primaryLine.ReplaceAll(data, []byte(`${1}"`+hex+`"`))
	tmp := filepath.Join(dir, ".kit.yaml.new")
	require.NoError(t, os.WriteFile(tmp, data, 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

// sseEvents reads a Server-Sent Events stream into a channel of "event
// data" strings, closed when the stream ends.
func sseEvents(body io.Reader) <-chan string {
	out := make(chan string, 16)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		var event string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				out <- event + " " + strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return out
}

// sampleDocumentNames lists the bundled documents (file names).
func sampleDocumentNames(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(samples.FS(), "documents")
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
