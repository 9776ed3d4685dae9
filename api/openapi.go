package api

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDoc is the OpenAPI 3.1 description of the service, served at
// GET /openapi.json. openapi_test.go checks it against the real routes both
// ways, so a route added or removed without it fails the tests.
//
//go:embed openapi.json
var openAPIDoc []byte

// serveOpenAPI handles GET /openapi.json (no API key needed).
func serveOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDoc)
}
