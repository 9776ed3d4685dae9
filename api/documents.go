package api

import "github.com/labstack/echo/v4"

// documentRoutes registers /v1/documents.
func (s *Server) documentRoutes(g *echo.Group) {}
