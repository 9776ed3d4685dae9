package preview

import (
	"fmt"
	"net/http"
	"strconv"
)

// ServePageImage answers a request for page n (counting from 1) of v as a
// PNG image, rasterizing v's pages first when needed. It answers 404 for a
// page the PDF does not have or a View without page images, and 304 when
// the browser already holds this image (the ETag is v.Key, the page and the
// resolution).
func ServePageImage(w http.ResponseWriter, r *http.Request, v *View, n int) {
	if !v.HasPageImages() {
		http.Error(w, "no page images: pdftoppm is not installed, open the PDF instead", http.StatusNotFound)
		return
	}
	if n < 1 || (v.Pages > 0 && n > v.Pages) {
		http.Error(w, fmt.Sprintf("no page %d: the PDF has %d", n, v.Pages), http.StatusNotFound)
		return
	}
	etag := `"` + v.Key + "-" + strconv.Itoa(n) + "-" + strconv.Itoa(v.DPI()) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	images, err := v.PageImages(r.Context())
	switch {
	case err != nil && r.Context().Err() != nil:
		return // the browser went away
	case err != nil:
		http.Error(w, "rasterize "+v.Name+": "+err.Error(), http.StatusInternalServerError)
		return
	case n > len(images):
		http.Error(w, fmt.Sprintf("no page %d: the PDF has %d", n, len(images)), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(images[n-1])))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodHead {
		_, _ = w.Write(images[n-1])
	}
}
