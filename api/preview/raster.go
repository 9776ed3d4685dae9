package preview

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// DefaultDPI is the resolution of page images when none is chosen: an A4
// page becomes 794 × 1123 pixels, sharp at the width a preview column has,
// and a page takes pdftoppm about a tenth of a second.
const DefaultDPI = 96

// Rasterizer turns PDF pages into PNG images with poppler's pdftoppm. It
// runs at most one pdftoppm per CPU at a time and is safe for concurrent use.
type Rasterizer struct {
	path string
	dpi  int
	sem  chan struct{}
}

// NewRasterizer finds pdftoppm in $PATH and rasterizes at dpi (DefaultDPI
// when 0). The error wraps exec.ErrNotFound when pdftoppm is not installed.
func NewRasterizer(dpi int) (*Rasterizer, error) {
	if dpi == 0 {
		dpi = DefaultDPI
	}
	if dpi < 18 || dpi > 600 {
		return nil, fmt.Errorf("page image resolution %d dpi: choose 18 to 600", dpi)
	}
	path, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, fmt.Errorf("page images need pdftoppm (apt-get install poppler-utils): %w", err)
	}
	return &Rasterizer{path: path, dpi: dpi, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}, nil
}

// DPI returns the resolution of the images, in pixels per inch.
func (r *Rasterizer) DPI() int { return r.dpi }

// Rasterize renders every page of pdf to a PNG image, in page order. It
// stops pdftoppm when ctx ends.
func (r *Rasterizer) Rasterize(ctx context.Context, pdf []byte) ([][]byte, error) {
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	dir, err := os.MkdirTemp("", "livery-pages-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// pdftoppm reads the PDF from standard input ("-") and writes
	// page-1.png, page-2.png, ... (zero-padded to the width of the page
	// count, so the names sort in page order).
	cmd := exec.CommandContext(ctx, r.path, "-png", "-r", fmt.Sprint(r.dpi), "-", filepath.Join(dir, "page"))
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("pdftoppm: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".png") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("pdftoppm wrote no pages: %s", strings.TrimSpace(stderr.String()))
	}
	pages := make([][]byte, len(names))
	for i, name := range names {
		if pages[i], err = os.ReadFile(filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	return pages, nil
}
