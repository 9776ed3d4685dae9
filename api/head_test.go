package api

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHead: every GET route answers HEAD with the status and headers of the
// GET and no body (RFC 9110, 9.3.2); a route without GET lists HEAD only
// where GET is allowed.
func TestHead(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			rec := e.mustCreateDocument(t, docRequest(t, "roastery", "invoice-onepage.json"), http.StatusCreated)
			cases := []struct {
				name, path, secret string
				status             int
			}{
				{"liveness", "/healthz", "", http.StatusOK},
				{"OpenAPI", "/openapi.json", "", http.StatusOK},
				{"document record", "/v1/documents/" + rec.ID, secretRenderer, http.StatusOK},
				{"PDF", rec.Formats["pdf"].URL, secretRenderer, http.StatusOK},
				{"HTML", rec.Formats["html"].URL, secretRenderer, http.StatusOK},
				{"kits", "/v1/brandkits", secretDesigner, http.StatusOK},
				{"no key", rec.Formats["pdf"].URL, "", http.StatusUnauthorized},
				{"other tenant", rec.Formats["pdf"].URL, secretDesignerInsurer, http.StatusForbidden},
				{"unknown document", "/v1/documents/0123456789abcdef0123456789abcdef", secretRenderer, http.StatusNotFound},
				{"POST-only route", "/v1/batches", secretRenderer, http.StatusMethodNotAllowed},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					get, getBody := e.do(t, http.MethodGet, tc.path, tc.secret, "", nil)
					head, headBody := e.do(t, http.MethodHead, tc.path, tc.secret, "", nil)
					require.Equal(t, tc.status, head.StatusCode)
					assert.Empty(t, headBody)
					if tc.status != http.StatusMethodNotAllowed {
						assert.Equal(t, get.StatusCode, head.StatusCode)
					}
					for _, h := range []string{"Content-Type", "ETag", "Content-Disposition", "Content-Security-Policy", "X-Content-Type-Options", "Allow"} {
						assert.Equal(t, get.Header.Get(h), head.Header.Get(h), h)
					}
					if get.StatusCode == http.StatusOK && get.Header.Get("Content-Length") != "" {
						assert.Equal(t, strconv.Itoa(len(getBody)), head.Header.Get("Content-Length"), "the GET's length")
					}
				})
			}
			t.Run("allowed methods", func(t *testing.T) {
				resp, _ := e.do(t, http.MethodDelete, rec.Formats["pdf"].URL, secretRenderer, "", nil)
				require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
				assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
				resp, _ = e.do(t, http.MethodHead, "/v1/batches", secretRenderer, "", nil)
				assert.Equal(t, "POST", resp.Header.Get("Allow"))
			})
		})
	}
}
