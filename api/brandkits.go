package api

import "github.com/labstack/echo/v4"

// brandkitRoutes registers /v1/brandkits.
func (s *Server) brandkitRoutes(g *echo.Group) {}
