package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openAPI is the part of an OpenAPI document the tests read.
type openAPI struct {
	OpenAPI    string                                `json:"openapi"`
	Info       struct{ Description string }          `json:"info"`
	Paths      map[string]map[string]openAPIOp       `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

type openAPIOp struct {
	OperationID string                     `json:"operationId"`
	Description string                     `json:"description"`
	Security    *[]map[string][]string     `json:"security"`
	Parameters  []json.RawMessage          `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

// mustOpenAPI decodes the embedded document.
func mustOpenAPI(t *testing.T) (openAPI, map[string]any) {
	t.Helper()
	var doc openAPI
	require.NoError(t, json.Unmarshal(openAPIDoc, &doc))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(openAPIDoc, &raw))
	return doc, raw
}

// openAPIPath writes an echo route path the OpenAPI way: ":id" is "{id}",
// and the trailing wildcard of the kit asset route is "{path}".
func openAPIPath(echoPath string) string {
	segs := strings.Split(echoPath, "/")
	for i, s := range segs {
		switch {
		case strings.HasPrefix(s, ":"):
			segs[i] = "{" + s[1:] + "}"
		case s == "*":
			segs[i] = "{path}"
		}
	}
	return strings.Join(segs, "/")
}

// isStudioPath reports whether an echo route is one of the kit studio's
// (/studio and below): HTML pages for browsers with their own session
// cookie, not API, so openapi.json does not describe them.
func isStudioPath(path string) bool {
	return path == "/studio" || strings.HasPrefix(path, "/studio/")
}

// TestOpenAPIMatchesRoutes fails when a route is added, removed or moved
// without the OpenAPI document following, or the other way round.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, _ := mustOpenAPI(t)
	e := newTestEnv(t, "mem", nil)
	var real, documented, heads []string
	for _, r := range e.Server.Echo().Routes() {
		if r.Method == echo.RouteNotFound || isStudioPath(r.Path) {
			continue
		}
		if r.Method == http.MethodHead {
			// Every GET answers HEAD too; the document says so once
			// (info.description) instead of listing each twin.
			heads = append(heads, http.MethodGet+" "+openAPIPath(r.Path))
			continue
		}
		real = append(real, r.Method+" "+openAPIPath(r.Path))
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(real)
	sort.Strings(documented)
	for _, r := range real {
		assert.Contains(t, documented, r, "route %s is served but not in api/openapi.json", r)
	}
	for _, d := range documented {
		assert.Contains(t, real, d, "api/openapi.json documents %s, which no route serves", d)
	}
	for _, h := range heads {
		assert.Contains(t, real, h, "HEAD without its GET")
	}
	assert.Contains(t, doc.Info.Description, "HEAD")
}

func TestOpenAPIOperations(t *testing.T) {
	doc, _ := mustOpenAPI(t)
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3.1."), doc.OpenAPI)
	ids := map[string]bool{}
	param := regexp.MustCompile(`\{([a-z]+)\}`)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			name := strings.ToUpper(method) + " " + path
			require.NotEmpty(t, op.OperationID, name)
			assert.False(t, ids[op.OperationID], "operationId %s used twice", op.OperationID)
			ids[op.OperationID] = true
			assert.NotEmpty(t, op.Description, name)

			if strings.HasPrefix(path, "/v1/") {
				assert.Nil(t, op.Security, "%s uses the document's API key security", name)
				assert.Contains(t, op.Description, "Roles:", "%s names the roles that may call it", name)
				assert.Contains(t, op.Responses, "401", name)
				assert.Contains(t, op.Responses, "403", name)
			} else {
				require.NotNil(t, op.Security, name)
				assert.Empty(t, *op.Security, "%s needs no key", name)
			}
			assert.True(t, slices.ContainsFunc(mapsKeys(op.Responses), func(c string) bool { return c[0] == '2' }), "%s has a success response", name)
			for code, resp := range op.Responses {
				if code[0] == '4' || code[0] == '5' {
					assert.Contains(t, string(resp), "#/components/responses/", "%s %s is one of the problem responses", name, code)
				}
			}
			inPath := paramNames(t, doc, op.Parameters, "path")
			var want []string
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				want = append(want, m[1])
			}
			assert.ElementsMatch(t, want, inPath, "%s declares its path parameters", name)
		}
	}
	var responses map[string]struct {
		Content map[string]struct {
			Schema map[string]string `json:"schema"`
		} `json:"content"`
	}
	raw, _ := json.Marshal(doc.Components["responses"])
	require.NoError(t, json.Unmarshal(raw, &responses))
	for name, r := range responses {
		assert.Equal(t, "#/components/schemas/Problem", r.Content[ProblemContentType].Schema["$ref"], "response %s is a problem", name)
	}
	assert.Contains(t, doc.Components["securitySchemes"], "bearer")
}

func TestOpenAPIRefsResolve(t *testing.T) {
	_, raw := mustOpenAPI(t)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
				var at any = raw
				for _, p := range parts {
					m, _ := at.(map[string]any)
					at = m[p]
				}
				assert.NotNil(t, at, "$ref %s resolves", ref)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(raw)
}

// TestOpenAPISchemasMatchTypes compares each schema's properties with the
// JSON fields of the Go type the server encodes or decodes.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	_, raw := mustOpenAPI(t)
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	for name, v := range map[string]any{
		"Problem": Problem{}, "FieldProblem": FieldProblem{},
		"DocumentRequest": DocumentRequest{}, "DocumentRecord": DocumentRecord{}, "KitRef": KitRef{}, "StoredFormat": StoredFormat{},
		"BatchResult": BatchResult{}, "BatchSummary": BatchSummary{}, "BatchCounts": BatchCounts{},
		"KitSummary": KitSummary{}, "KitDetail": KitDetail{}, "KitVersionInfo": KitVersionInfo{}, "KitAsset": KitAsset{},
		"KitVersionDetail": KitVersionDetail{}, "KitPublished": KitPublished{}, "KitLintReport": KitLintReport{},
		"ContrastCheck": ContrastCheck{}, "PinRequest": PinRequest{}, "KitPin": KitPin{}, "KitDiff": KitDiff{},
		"KitDiffSide": KitDiffSide{}, "KitChange": KitChange{},
	} {
		s, ok := schemas[name].(map[string]any)
		require.True(t, ok, "schema %s", name)
		assert.ElementsMatch(t, jsonFields(reflect.TypeOf(v)), schemaProperties(schemas, s), "schema %s", name)
	}
	// A batch line is a document request with its idempotency key.
	assert.ElementsMatch(t, append(jsonFields(reflect.TypeOf(DocumentRequest{})), "idempotency_key"),
		schemaProperties(schemas, schemas["BatchLine"].(map[string]any)))

	p := schemas["Problem"].(map[string]any)["properties"].(map[string]any)["type"].(map[string]any)["enum"].([]any)
	var slugs []string
	for _, v := range p {
		slugs = append(slugs, strings.TrimPrefix(v.(string), problemTypePrefix))
	}
	assert.ElementsMatch(t, Slugs, slugs, "the Problem schema lists every problem type")
}

// jsonFields lists the JSON names of t's fields, embedded structs flattened.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "":
			out = append(out, jsonFields(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	return out
}

// schemaProperties lists a schema's property names, allOf flattened.
func schemaProperties(all map[string]any, s map[string]any) []string {
	if ref, ok := s["$ref"].(string); ok {
		return schemaProperties(all, all[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any))
	}
	var out []string
	props, _ := s["properties"].(map[string]any)
	for name := range props {
		out = append(out, name)
	}
	if parts, ok := s["allOf"].([]any); ok {
		for _, p := range parts {
			out = append(out, schemaProperties(all, p.(map[string]any))...)
		}
	}
	return out
}

func TestOpenAPIServedWithoutKey(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, body := e.do(t, http.MethodGet, "/openapi.json", "", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, echo.MIMEApplicationJSON, resp.Header.Get("Content-Type"))
	assert.Equal(t, openAPIDoc, body)
}

func mapsKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// paramNames lists the names of the parameters in (path, query, header),
// following references to components.
func paramNames(t *testing.T, doc openAPI, params []json.RawMessage, in string) []string {
	t.Helper()
	var out []string
	for _, raw := range params {
		var p struct {
			Ref  string `json:"$ref"`
			Name string `json:"name"`
			In   string `json:"in"`
		}
		require.NoError(t, json.Unmarshal(raw, &p))
		if p.Ref != "" {
			c, ok := doc.Components["parameters"][strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			require.True(t, ok, p.Ref)
			require.NoError(t, json.Unmarshal(c, &p))
		}
		if p.In == in {
			out = append(out, p.Name)
		}
	}
	return out
}
