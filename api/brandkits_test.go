package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

// Colours the tests give sample kits. kitDarkPrimary and kitDarkAccent pass
// every contrast check on roastery's paper background; kitLightPrimary
// fails them.
const (
	kitDarkPrimary  = "#3b2417"
	kitDarkAccent   = "#6b2a1a"
	kitLightPrimary = "#f5d76e"
)

// kitEdit changes the files of a sample kit before it is archived.
type kitEdit func(t testing.TB, files brandkits.Files)

// setKitValue replaces the value of the first kit.yaml line "key: ..." (at
// any indentation), keeping a trailing comment.
func setKitValue(key, value string) kitEdit {
	return func(t testing.TB, files brandkits.Files) {
		t.Helper()
		re := regexp.MustCompile(`(?m)^(\s*` + regexp.QuoteMeta(key) + `:\s*)("[^"]*"|[^\s#]+)`)
		loc := re.FindSubmatchIndex(files["kit.yaml"])
		require.NotNil(t, loc, "kit.yaml has no %s:", key)
		y := files["kit.yaml"]
		files["kit.yaml"] = append(append(append([]byte{}, y[:loc[4]]...), value...), y[loc[5]:]...)
	}
}

// darkColors makes roastery pass every contrast check with a new primary.
var darkColors = []kitEdit{setKitValue("primary", `"`+kitDarkPrimary+`"`), setKitValue("accent", `"`+kitDarkAccent+`"`)}

// mustKitFiles returns the files of sample kit name with edits applied.
func mustKitFiles(t testing.TB, name string, edits ...kitEdit) brandkits.Files {
	t.Helper()
	fsys, err := samples.KitFS(name)
	require.NoError(t, err)
	files, err := brandkits.FilesFromFS(fsys)
	require.NoError(t, err)
	for _, e := range edits {
		e(t, files)
	}
	return files
}

// mustKitArchive returns sample kit name, edited, as a .tar.gz.
func mustKitArchive(t testing.TB, name string, edits ...kitEdit) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, brandkits.WriteArchive(&buf, mustKitFiles(t, name, edits...)))
	return buf.Bytes()
}

// mustDecode decodes a JSON answer of status into a T.
func mustDecode[T any](t testing.TB, resp *http.Response, body []byte, status int) T {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "body: %s", body)
	var v T
	require.NoError(t, json.Unmarshal(body, &v), "body: %s", body)
	return v
}

// getKit returns GET /v1/brandkits/{name} as admin.
func (e *testEnv) getKit(t testing.TB, name string) KitDetail {
	t.Helper()
	resp, body := e.do(t, http.MethodGet, "/v1/brandkits/"+name, secretAdmin, "", nil)
	return mustDecode[KitDetail](t, resp, body, http.StatusOK)
}

// pin moves pin of kit name to version as secret and returns the response.
func (e *testEnv) pin(t testing.TB, name, pin, secret string, version any) (*http.Response, []byte) {
	t.Helper()
	return e.doJSON(t, http.MethodPut, "/v1/brandkits/"+name+"/pins/"+pin, secret, map[string]any{"version": version})
}

// TestBrandkitPublishPinDiff walks the designer's cycle over real HTTP on
// every backend: publish version 2, read it back, pin live back and
// forward, and diff the two versions.
func TestBrandkitPublishPinDiff(t *testing.T) {
	for _, backend := range []string{"mem", "file", "s3"} {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			before := e.getKit(t, "roastery")
			require.Equal(t, 1, before.Latest)
			require.Equal(t, map[string]int{"live": 1}, before.Pins)
			require.Len(t, before.Versions, 1)

			archive := mustKitArchive(t, "roastery", darkColors...)
			resp, body := e.do(t, http.MethodPost, "/v1/brandkits/roastery/versions?note="+url.QueryEscape("Darker palette"),
				secretDesignerRoastery, "application/gzip", archive)
			pub := mustDecode[KitPublished](t, resp, body, http.StatusCreated)
			require.Equal(t, "/v1/brandkits/roastery/versions/2", resp.Header.Get("Location"))
			require.Equal(t, 2, pub.Version)
			require.Equal(t, "studio-roastery", pub.Author)
			require.Equal(t, "Darker palette", pub.Note)
			require.NotNil(t, pub.Warnings)
			require.Contains(t, string(body), `"warnings":[`)

			after := e.getKit(t, "roastery")
			require.Equal(t, 2, after.Latest)
			require.Equal(t, map[string]int{"live": 1}, after.Pins, "publishing does not move live")
			require.Len(t, after.Versions, 2)
			v2 := after.Versions[1]
			require.Equal(t, KitVersionInfo{Version: 2, Hash: pub.Hash, Created: v2.Created, Author: "studio-roastery", Note: "Darker palette"}, v2)

			resp, body = e.do(t, http.MethodGet, "/v1/brandkits/roastery/versions/2", secretDesignerRoastery, "", nil)
			detail := mustDecode[KitVersionDetail](t, resp, body, http.StatusOK)
			require.Equal(t, pub.Hash, detail.Hash)
			require.Equal(t, kitDarkPrimary, detail.Kit["colors"].(map[string]any)["primary"])
			files := mustKitFiles(t, "roastery")
			var logo KitAsset
			for _, a := range detail.Assets {
				if a.Path == "logo.png" {
					logo = a
				}
			}
			require.Equal(t, int64(len(files["logo.png"])), logo.Size)
			require.Len(t, logo.SHA256, 64)

			resp, body = e.do(t, http.MethodGet, logo.URL, secretDesignerRoastery, "", nil)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
			require.Equal(t, files["logo.png"], body)

			for _, step := range []int{1, 2, 1} {
				resp, body = e.pin(t, "roastery", "live", secretDesignerRoastery, step)
				require.Equal(t, KitPin{Name: "roastery", Pin: "live", Version: step}, mustDecode[KitPin](t, resp, body, http.StatusOK))
				require.Equal(t, step, e.getKit(t, "roastery").Pins["live"])
				v, err := e.Kits.Resolve(context.Background(), "roastery@live")
				require.NoError(t, err)
				require.Equal(t, step, v.Number, "documents render with the pinned version")
			}

			resp, body = e.do(t, http.MethodGet, "/v1/brandkits/roastery/diff?from=live&to=2", secretDesignerRoastery, "", nil)
			diff := mustDecode[KitDiff](t, resp, body, http.StatusOK)
			require.Equal(t, KitDiffSide{Ref: "live", Version: 1, Hash: before.Versions[0].Hash}, diff.From)
			require.Equal(t, KitDiffSide{Ref: "2", Version: 2, Hash: pub.Hash}, diff.To)
			require.Contains(t, diff.Changes, KitChange{Path: "colors.primary", Kind: brandkits.ChangeChanged, From: `"#4a2c1d"`, To: `"` + kitDarkPrimary + `"`})
			for _, ch := range diff.Changes {
				require.True(t, strings.HasPrefix(ch.Path, "colors."), "only colours changed: %+v", ch)
			}
		})
	}
}

// TestBrandkitPublishNoteHeader takes the note from a percent-encoded
// header when the query has none.
func TestBrandkitPublishNoteHeader(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, body := e.do(t, http.MethodPost, "/v1/brandkits/roastery/versions", secretAdmin, "application/octet-stream",
		mustKitArchive(t, "roastery", darkColors...), noteHeader, url.PathEscape("Herbst: dunkler, wärmer"))
	pub := mustDecode[KitPublished](t, resp, body, http.StatusCreated)
	require.Equal(t, "Herbst: dunkler, wärmer", pub.Note)
	require.Equal(t, "admin", pub.Author)
}

// TestBrandkitPublishRefused covers every way a publish is refused, and
// that none of them adds a version.
func TestBrandkitPublishRefused(t *testing.T) {
	for _, backend := range []string{"mem", "file"} {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			require.NoError(t, e.Kits.Retire(context.Background(), "telecom"))
			tests := []struct {
				name        string
				kit         string // path name
				contentType string
				body        []byte
				query       string
				status      int
				slug        string
				errPath     string // a path the problem's errors must name
			}{
				{"contrast error", "roastery", "application/gzip", mustKitArchive(t, "roastery", setKitValue("primary", `"`+kitLightPrimary+`"`)), "", 422, ProblemKitInvalid, "colors.primary"},
				{"name mismatch", "insurer", "application/gzip", mustKitArchive(t, "roastery", darkColors...), "", 422, ProblemKitInvalid, "name"},
				{"broken yaml", "roastery", "application/gzip", mustKitArchive(t, "roastery", func(_ testing.TB, f brandkits.Files) { f["kit.yaml"] = []byte("name: [") }), "", 422, ProblemKitInvalid, "kit.yaml"},
				{"not an archive", "roastery", "", []byte("name: roastery\n"), "", 422, ProblemKitInvalid, ""},
				{"json body", "roastery", "application/json", []byte(`{"kit":"roastery"}`), "", 415, ProblemMediaType, ""},
				{"retired kit", "telecom", "application/zip", mustKitArchive(t, "telecom", setKitValue("accent", `"#6d1a8c"`)), "", 409, ProblemConflict, ""},
				{"bad kit name", "Roastery", "application/gzip", mustKitArchive(t, "roastery", darkColors...), "", 400, ProblemBadRequest, ""},
				{"reserved kit name", "blobs", "application/gzip", mustKitArchive(t, "roastery", append(darkColors, setKitValue("name", "blobs"))...), "", 400, ProblemBadRequest, ""},
				{"note too long", "roastery", "application/gzip", mustKitArchive(t, "roastery", darkColors...), "?note=" + strings.Repeat("x", maxNoteRunes+1), 400, ProblemBadRequest, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					resp, body := e.do(t, http.MethodPost, "/v1/brandkits/"+tt.kit+"/versions"+tt.query, secretDesigner, tt.contentType, tt.body)
					p := requireProblem(t, resp, body, tt.status, tt.slug)
					if tt.errPath != "" {
						require.Contains(t, paths(p.Errors), tt.errPath)
					}
					if tt.slug == ProblemKitInvalid {
						require.NotEmpty(t, p.Errors, "every problem is listed")
					}
				})
			}
			for _, name := range []string{"roastery", "insurer", "telecom"} {
				require.Equal(t, 1, e.getKit(t, name).Latest, "%s: nothing was published", name)
			}
		})
	}
}

// TestBrandkitPublishLintProblems checks that a refused publish lists every
// problem with its path and message, warnings included.
func TestBrandkitPublishLintProblems(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	noLogo := func(_ testing.TB, f brandkits.Files) { delete(f, "logo.png") }
	archive := mustKitArchive(t, "roastery", setKitValue("primary", `"`+kitLightPrimary+`"`), noLogo)
	resp, body := e.do(t, http.MethodPost, "/v1/brandkits/roastery/versions", secretDesigner, "application/gzip", archive)
	p := requireProblem(t, resp, body, http.StatusUnprocessableEntity, ProblemKitInvalid)
	for _, fp := range append(p.Errors, p.Warnings...) {
		require.NotEmpty(t, fp.Path)
		require.NotEmpty(t, fp.Message)
	}
	require.Contains(t, paths(p.Errors), "colors.primary")
	require.Contains(t, paths(p.Warnings), "logo.png", "no logo is a warning")
}

// TestBrandkitTooLarge refuses an archive over the server's limit with 413.
func TestBrandkitTooLarge(t *testing.T) {
	e := newTestEnv(t, "mem", func(c *Config) { c.BodyLimit = 4 << 10 })
	archive := mustKitArchive(t, "roastery")
	require.Greater(t, len(archive), 4<<10)
	for _, path := range []string{"/v1/brandkits/roastery/versions", "/v1/brandkits/lint"} {
		resp, body := e.do(t, http.MethodPost, path, secretDesigner, "application/gzip", archive)
		requireProblem(t, resp, body, http.StatusRequestEntityTooLarge, ProblemTooLarge)
	}
}

// TestBrandkitList lists every kit for unlimited keys and only their own
// for tenant-limited designers.
func TestBrandkitList(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	for _, tt := range []struct {
		secret string
		want   []string
	}{
		{secretAdmin, samples.KitNames()},
		{secretDesigner, samples.KitNames()},
		{secretDesignerRoastery, []string{"roastery"}},
		{secretDesignerInsurer, []string{"insurer"}},
	} {
		resp, body := e.do(t, http.MethodGet, "/v1/brandkits", tt.secret, "", nil)
		list := mustDecode[[]KitSummary](t, resp, body, http.StatusOK)
		var names []string
		for _, k := range list {
			names = append(names, k.Name)
			require.Equal(t, KitSummary{Name: k.Name, Latest: 1, Pins: map[string]int{"live": 1}}, k)
		}
		require.Equal(t, tt.want, names)
	}
}

// TestBrandkitRead covers reading versions by number and pin, the kit
// model, and the errors of reads.
func TestBrandkitRead(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, body := e.do(t, http.MethodGet, "/v1/brandkits/insurer/versions/live", secretDesignerInsurer, "", nil)
	detail := mustDecode[KitVersionDetail](t, resp, body, http.StatusOK)
	require.Equal(t, "insurer", detail.Name)
	require.Equal(t, 1, detail.Version)
	require.Equal(t, "test", detail.Author)
	require.Equal(t, "insurer", detail.Kit["name"])
	for _, key := range []string{"identity", "colors", "typography", "tone", "layout"} {
		require.Contains(t, detail.Kit, key)
	}
	require.NotEmpty(t, detail.Kit["layout"].(map[string]any)["paper"], "defaults are applied")
	require.Equal(t, []string{"kit.yaml", "logo.png"}, assetPaths(detail.Assets))

	resp, body = e.do(t, http.MethodGet, "/v1/brandkits/insurer/versions/1/assets/kit.yaml", secretDesignerInsurer, "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/yaml; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Equal(t, string(mustKitFiles(t, "insurer")["kit.yaml"]), string(body))
	require.Contains(t, resp.Header.Get("Cache-Control"), "immutable")

	for _, tt := range []struct {
		path   string
		status int
		slug   string
	}{
		{"/v1/brandkits/nosuchkit", 404, ProblemNotFound},
		{"/v1/brandkits/insurer/versions/9", 404, ProblemNotFound},
		{"/v1/brandkits/insurer/versions/beta", 404, ProblemNotFound},
		{"/v1/brandkits/insurer/versions/01", 400, ProblemBadRequest},
		{"/v1/brandkits/insurer/versions/0", 400, ProblemBadRequest},
		{"/v1/brandkits/insurer/versions/1/assets/logo.jpg", 404, ProblemNotFound},
		{"/v1/brandkits/insurer/versions/1/assets/../kit.yaml", 404, ProblemNotFound},
		{"/v1/brandkits/insurer/diff?from=1", 400, ProblemBadRequest},
		{"/v1/brandkits/insurer/diff?from=1&to=7", 404, ProblemNotFound},
		{"/v1/brandkits/insurer/diff?from=1&to=x!", 400, ProblemBadRequest},
	} {
		resp, body := e.do(t, http.MethodGet, tt.path, secretAdmin, "", nil)
		requireProblem(t, resp, body, tt.status, tt.slug)
	}
}

// TestBrandkitPinRefused covers the errors of moving a pin.
func TestBrandkitPinRefused(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	for _, tt := range []struct {
		name, kit, pin string
		body           any
		status         int
		slug           string
	}{
		{"unknown version", "roastery", "live", map[string]any{"version": 9}, 404, ProblemNotFound},
		{"unknown kit", "nosuchkit", "live", map[string]any{"version": 1}, 404, ProblemNotFound},
		{"bad pin name", "roastery", "Live", map[string]any{"version": 1}, 422, ProblemValidation},
		{"pin like a version", "roastery", "2", map[string]any{"version": 1}, 422, ProblemValidation},
		{"version zero", "roastery", "live", map[string]any{"version": 0}, 422, ProblemValidation},
		{"version missing", "roastery", "live", map[string]any{}, 422, ProblemValidation},
		{"version a string", "roastery", "live", map[string]any{"version": "2"}, 422, ProblemValidation},
		{"version a fraction", "roastery", "live", map[string]any{"version": 1.5}, 422, ProblemValidation},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.doJSON(t, http.MethodPut, "/v1/brandkits/"+tt.kit+"/pins/"+tt.pin, secretAdmin, tt.body)
			requireProblem(t, resp, body, tt.status, tt.slug)
		})
	}
	resp, body := e.do(t, http.MethodPut, "/v1/brandkits/roastery/pins/live", secretAdmin, "application/json", []byte(`{"version":`))
	requireProblem(t, resp, body, http.StatusBadRequest, ProblemBadRequest)
	resp, body = e.do(t, http.MethodPut, "/v1/brandkits/roastery/pins/live", secretAdmin, "text/plain", []byte(`{"version":1}`))
	requireProblem(t, resp, body, http.StatusUnsupportedMediaType, ProblemMediaType)
	require.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins)

	// A new pin can be made, as the CLI does.
	resp, body = e.pin(t, "roastery", "staging", secretAdmin, 1)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	require.Equal(t, map[string]int{"live": 1, "staging": 1}, e.getKit(t, "roastery").Pins)
}

// TestBrandkitStorageFailureHidesPaths answers a kit whose stored files
// are gone with 503 and a detail that names no storage key or directory.
func TestBrandkitStorageFailureHidesPaths(t *testing.T) {
	e := newTestEnv(t, "file", nil)
	v, err := e.Kits.Resolve(context.Background(), "roastery@1")
	require.NoError(t, err)
	for _, a := range v.Assets {
		require.NoError(t, e.Bucket.Blob().Delete(context.Background(), "kits/blobs/"+a.SHA256))
	}
	for _, path := range []string{"/v1/brandkits/roastery/versions/1", "/v1/brandkits/roastery/versions/1/assets/logo.png", "/v1/brandkits/roastery/diff?from=1&to=live"} {
		resp, body := e.do(t, http.MethodGet, path, secretAdmin, "", nil)
		p := requireProblem(t, resp, body, http.StatusServiceUnavailable, ProblemUnavailable)
		require.NotContains(t, string(body), "kits/blobs")
		require.NotContains(t, string(body), os.TempDir())
		require.NotContains(t, string(body), v.Assets[0].SHA256[:12])
		require.Empty(t, p.Errors)
	}
}

// paths lists the paths of field problems.
func paths(ps []FieldProblem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Path
	}
	return out
}

// assetPaths lists the paths of kit assets.
func assetPaths(as []KitAsset) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Path
	}
	return out
}
