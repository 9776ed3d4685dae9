package api

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKeysEnv(t *testing.T) {
	const a, b = "a-secret-of-sixteen+", "another-long-secret"
	keys, err := ParseKeysEnv(" billing:renderer:" + a + ":roastery,insurer ; studio:designer:" + b + ";;")
	require.NoError(t, err)
	assert.Equal(t, []Key{
		{Name: "billing", Role: RoleRenderer, SHA256: HashSecret(a), Kits: []string{"roastery", "insurer"}},
		{Name: "studio", Role: RoleDesigner, SHA256: HashSecret(b)},
	}, keys)

	keys, err = ParseKeysEnv("")
	require.NoError(t, err)
	assert.Empty(t, keys)

	const secret = "s3cr3t-value-0123456789"
	for _, c := range []struct{ in, want string }{
		{"billing:renderer", "entry 1: want name:role:secret"},
		{"billing:" + secret + ":renderer", "entry 1 (billing): the role must be"}, // fields swapped
		{"billing:renderer:short", "shorter than 16"},
		{"x:renderer:" + secret + ";x:admin:" + secret, `"x" is used twice`},
		{":renderer:" + secret, "name: required"},
		{"billing:renderer:" + secret + ":roastery,", "empty kit name"},
	} {
		_, err := ParseKeysEnv(c.in)
		require.Error(t, err, c.in)
		assert.Contains(t, err.Error(), c.want)
		assert.NotContains(t, err.Error(), secret, "errors never repeat a secret")
	}
}

func TestLoadKeysFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	sum := HashSecret("file-secret-0123456789")
	keys, err := LoadKeysFile(write("keys.yaml", `
keys:
  - name: billing
    sha256: `+sum+`
    role: renderer
    kits: [roastery]
  - name: ops
    sha256: `+strings.ToUpper(sum)+`
    role: admin
`))
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, Key{Name: "billing", Role: RoleRenderer, SHA256: sum, Kits: []string{"roastery"}}, keys[0])

	for _, c := range []struct{ body, want string }{
		{"keys:\n  - name: a\n    sha256: abc\n    role: admin\n", "keys[0].sha256: not a hex SHA-256"},
		{"keys:\n  - name: a\n    sha256: " + sum + "\n    role: root\n", `"root" is not renderer`},
		{"keys:\n  - name: a\n    secret: x\n", "field secret not found"},
	} {
		_, err := LoadKeysFile(write("bad.yaml", c.body))
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
	_, err = LoadKeysFile(filepath.Join(dir, "missing.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestAuthenticate(t *testing.T) {
	e := newEnvWith(t, "mem", nil, func(s *Server) {
		s.Echo().GET("/v1/test/who", func(c echo.Context) error {
			return c.JSON(http.StatusOK, principal(c))
		}, s.authenticate)
		s.Echo().GET("/v1/test/designers", func(c echo.Context) error {
			return c.NoContent(http.StatusNoContent)
		}, s.authenticate, allow(RoleDesigner))
	})
	resp, body := e.do(t, http.MethodGet, "/v1/test/who", "", "", nil)
	requireProblem(t, resp, body, http.StatusUnauthorized, ProblemUnauth)
	assert.Equal(t, `Bearer realm="livery"`, resp.Header.Get("WWW-Authenticate"))

	resp, body = e.do(t, http.MethodGet, "/v1/test/who", "not-a-key", "", nil)
	requireProblem(t, resp, body, http.StatusUnauthorized, ProblemUnauth)
	assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "invalid_token")

	resp, body = e.do(t, http.MethodGet, "/v1/test/who", secretRendererRoastery, "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"Name":"billing-roastery","Role":"renderer","Kits":["roastery"]}`, string(body))

	resp, body = e.do(t, http.MethodGet, "/v1/test/who", "", "", nil, "X-API-Key", secretDesigner)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"studio"`)

	resp, body = e.do(t, http.MethodGet, "/v1/test/designers", secretRenderer, "", nil)
	requireProblem(t, resp, body, http.StatusForbidden, ProblemForbidden)
	for _, secret := range []string{secretDesigner, secretAdmin} {
		resp, _ = e.do(t, http.MethodGet, "/v1/test/designers", secret, "", nil)
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
}

func TestNoKeysMeansOpenAdmin(t *testing.T) {
	e := newEnvWith(t, "mem", func(c *Config) { c.Keys = nil }, func(s *Server) {
		s.Echo().GET("/v1/test/who", func(c echo.Context) error {
			return c.JSON(http.StatusOK, principal(c))
		}, s.authenticate)
	})
	resp, body := e.do(t, http.MethodGet, "/v1/test/who", "", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"Name":"local","Role":"admin","Kits":null}`, string(body))
}
