package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of every route that is not a
// static file (openapi.json beside this file, edited by hand).
// TestOpenAPIMatchesRoutes keeps it and the route table in step.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the embedded OpenAPI document.
func OpenAPI() []byte { return openAPIDoc }

// handleOpenAPI serves the OpenAPI document.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	// Client generators and API explorers on other origins may fetch it;
	// it holds no data and the route reads no cookies.
	h.Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(openAPIDoc)
}
