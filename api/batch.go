package api

import "github.com/labstack/echo/v4"

// batchRoutes registers /v1/batches.
func (s *Server) batchRoutes(g *echo.Group) {}
