package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"
)

// authzKeys are the columns of the authorization matrix, in order.
var authzKeys = []struct{ name, secret string }{
	{"none", ""},
	{"admin", secretAdmin},
	{"renderer", secretRenderer},
	{"renderer-roastery", secretRendererRoastery},
	{"designer", secretDesigner},
	{"designer-roastery", secretDesignerRoastery},
	{"designer-insurer", secretDesignerInsurer},
	{"unknown", "unknown-secret-0123456789abcdef"},
}

// authzKits are the kits every route is tried on: each is the tenant of
// one limited renderer or designer.
var authzKits = []string{"roastery", "insurer"}

// authzDocuments are the sample documents rendered with each kit.
var authzDocuments = map[string]string{"roastery": "invoice-onepage.json", "insurer": "invoice-kwd.json"}

// authzFixes make each sample kit lint clean, so that an allowed publish
// is a 201 whichever contrast checks lint makes.
var authzFixes = map[string][]kitEdit{
	"roastery": darkColors,
	"insurer":  {setKitValue("accent", `"#0b6770"`)},
}

// authzRequest is what one matrix cell sends.
type authzRequest struct {
	method, path, contentType string
	body                      []byte
}

// authzEndpoint is one row group of the matrix: a route and, per kit, the
// expected outcome for each key of authzKeys, as space-separated words:
//
//	401     refused: no key or an unknown key
//	403     refused: the role, or the key's kits, do not allow it
//	ok      allowed: the route's success status
//	line403 allowed, but the batch answers the line with a forbidden problem
type authzEndpoint struct {
	route   string // as registered with echo, "GET /v1/brandkits/:name"
	ok      []int  // success statuses
	want    map[string]string
	request func(t *testing.T, kit string) authzRequest
}

// Expected outcomes shared by several routes.
const (
	designersRoastery = "401 ok 403 403 ok ok 403 401"
	designersInsurer  = "401 ok 403 403 ok 403 ok 401"
	designersAny      = "401 ok 403 403 ok ok ok 401"
	renderRoastery    = "401 ok ok ok 403 403 403 401"
	renderInsurer     = "401 ok ok 403 403 403 403 401"
	readRoastery      = "401 ok ok ok ok ok 403 401"
	readInsurer       = "401 ok ok 403 ok 403 ok 401"
)

// TestAuthzMatrix tries every API route with every kind of key on kits of
// two tenants and checks who gets in. It also fails when a /v1 route is
// registered that the matrix does not cover.
func TestAuthzMatrix(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	docs := authzCreateDocuments(t, e)
	get := func(path string) func(*testing.T, string) authzRequest {
		return func(_ *testing.T, kit string) authzRequest {
			return authzRequest{method: http.MethodGet, path: strings.ReplaceAll(path, "{kit}", kit)}
		}
	}
	readDoc := func(suffix string) func(*testing.T, string) authzRequest {
		return func(t *testing.T, kit string) authzRequest {
			id := docs[kit]
			if id == "" {
				t.Fatalf("no %s document to read: creating it as admin failed (see the log above)", kit)
			}
			return authzRequest{method: http.MethodGet, path: "/v1/documents/" + id + suffix}
		}
	}
	endpoints := []authzEndpoint{
		{route: "GET /v1/brandkits", ok: []int{200}, want: both(designersAny), request: get("/v1/brandkits")},
		{route: "GET /v1/brandkits/:name", ok: []int{200}, want: byKit(designersRoastery, designersInsurer), request: get("/v1/brandkits/{kit}")},
		{route: "GET /v1/brandkits/:name/versions/:n", ok: []int{200}, want: byKit(designersRoastery, designersInsurer), request: get("/v1/brandkits/{kit}/versions/1")},
		{route: "GET /v1/brandkits/:name/versions/:n/assets/*", ok: []int{200}, want: byKit(designersRoastery, designersInsurer), request: get("/v1/brandkits/{kit}/versions/1/assets/kit.yaml")},
		{route: "GET /v1/brandkits/:name/diff", ok: []int{200}, want: byKit(designersRoastery, designersInsurer), request: get("/v1/brandkits/{kit}/diff?from=1&to=live")},
		{route: "POST /v1/brandkits/:name/versions", ok: []int{201}, want: byKit(designersRoastery, designersInsurer),
			request: func(t *testing.T, kit string) authzRequest {
				return authzRequest{http.MethodPost, "/v1/brandkits/" + kit + "/versions?note=matrix", "application/gzip", mustKitArchive(t, kit, authzFixes[kit]...)}
			}},
		{route: "POST /v1/brandkits/lint", ok: []int{200}, want: both(designersAny),
			request: func(t *testing.T, kit string) authzRequest {
				return authzRequest{http.MethodPost, "/v1/brandkits/lint", "application/gzip", mustKitArchive(t, kit)}
			}},
		{route: "PUT /v1/brandkits/:name/pins/:pin", ok: []int{200}, want: byKit(designersRoastery, designersInsurer),
			request: func(t *testing.T, kit string) authzRequest {
				return authzRequest{http.MethodPut, "/v1/brandkits/" + kit + "/pins/live", "application/json", []byte(`{"version": 1}`)}
			}},
		{route: "POST /v1/documents", ok: []int{200, 201}, want: byKit(renderRoastery, renderInsurer),
			request: func(t *testing.T, kit string) authzRequest {
				return authzRequest{http.MethodPost, "/v1/documents", "application/json", authzDocumentRequest(t, kit)}
			}},
		{route: "GET /v1/documents/:id", ok: []int{200}, want: byKit(readRoastery, readInsurer), request: readDoc("")},
		{route: "GET /v1/documents/:id/:format", ok: []int{200, 302, 307}, want: byKit(readRoastery, readInsurer), request: readDoc("/pdf")},
		{route: "POST /v1/batches", ok: []int{200}, want: byKit(renderRoastery, "401 ok ok line403 403 403 403 401"),
			request: func(t *testing.T, kit string) authzRequest {
				return authzRequest{http.MethodPost, "/v1/batches", "application/x-ndjson", append(authzDocumentRequest(t, kit), '\n')}
			}},
	}

	t.Run("covers every route", func(t *testing.T) {
		var covered []string
		for _, ep := range endpoints {
			covered = append(covered, normalizeRoute(ep.route))
		}
		for _, r := range e.Server.Echo().Routes() {
			if !strings.HasPrefix(r.Path, "/v1") || r.Method == echo.RouteNotFound {
				continue
			}
			if r.Method == http.MethodHead {
				// The GET route's twin, same handler and middleware (TestHead).
				require.Contains(t, covered, normalizeRoute(http.MethodGet+" "+r.Path), "HEAD %s has no GET", r.Path)
				continue
			}
			require.Contains(t, covered, normalizeRoute(r.Method+" "+r.Path), "route %s %s is not in the authorization matrix", r.Method, r.Path)
		}
	})

	for _, ep := range endpoints {
		for _, kit := range authzKits {
			words := strings.Fields(ep.want[kit])
			require.Len(t, words, len(authzKeys), "%s on %s: one expectation per key", ep.route, kit)
			for i, key := range authzKeys {
				t.Run(fmt.Sprintf("%s/%s/%s", ep.route, kit, key.name), func(t *testing.T) {
					req := ep.request(t, kit)
					resp, body := e.do(t, req.method, req.path, key.secret, req.contentType, req.body)
					switch words[i] {
					case "401":
						requireProblem(t, resp, body, http.StatusUnauthorized, ProblemUnauth)
					case "403":
						requireProblem(t, resp, body, http.StatusForbidden, ProblemForbidden)
					case "ok":
						require.Contains(t, ep.ok, resp.StatusCode, "allowed: want %v; body: %.500s", ep.ok, body)
						require.NotContains(t, string(body), problemTypePrefix+ProblemForbidden)
					case "line403":
						require.Equal(t, http.StatusOK, resp.StatusCode, "body: %.500s", body)
						require.Contains(t, string(body), problemTypePrefix+ProblemForbidden, "the line is refused")
					default:
						t.Fatalf("unknown expectation %q", words[i])
					}
				})
			}
		}
	}
}

// authzCreateDocuments renders one document per kit as admin, for the rows
// that read documents. A kit whose document cannot be made is left out:
// its read rows then fail, naming this as the cause.
func authzCreateDocuments(t *testing.T, e *testEnv) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, kit := range authzKits {
		resp, body := e.do(t, http.MethodPost, "/v1/documents", secretAdmin, "application/json", authzDocumentRequest(t, kit))
		var rec DocumentRecord
		if resp.StatusCode/100 != 2 || json.Unmarshal(body, &rec) != nil || rec.ID == "" {
			t.Logf("creating a %s document as admin: status %d, body %.300s", kit, resp.StatusCode, body)
			continue
		}
		ids[kit] = rec.ID
	}
	return ids
}

// authzDocumentRequest is a POST /v1/documents body rendering kit's sample
// document with its live version, as PDF.
func authzDocumentRequest(t *testing.T, kit string) []byte {
	t.Helper()
	data, err := json.Marshal(DocumentRequest{Kit: kit + "@live", Data: sampleDocument(t, authzDocuments[kit]), Formats: []string{"pdf"}})
	require.NoError(t, err)
	return data
}

// both expects the same outcomes for every kit.
func both(want string) map[string]string { return byKit(want, want) }

// byKit expects outcomes per kit of authzKits.
func byKit(roastery, insurer string) map[string]string {
	return map[string]string{"roastery": roastery, "insurer": insurer}
}

// routeParam matches a path parameter of an echo route.
var routeParam = regexp.MustCompile(`:[^/]+`)

// normalizeRoute drops parameter names, so the matrix does not depend on
// what a route calls them.
func normalizeRoute(r string) string { return routeParam.ReplaceAllString(r, ":") }
