package visualtest

import (
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// reportDir is where a failing comparison's pictures go: the test's
// artifact directory under go test -artifacts (-outputdir decides where),
// otherwise a temporary directory that is kept, so the path in the log
// still shows something after the run.
func reportDir(t *testing.T) string {
	t.Helper()
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		return t.ArtifactDir()
	}
	dir, err := os.MkdirTemp("", "livery-visual-")
	require.NoError(t, err)
	return dir
}

// writeReport writes the pictures that show how web differs from pdf into
// dir and returns the side-by-side picture's path:
//
//   - name-pdf.png and name-html.png, the two captures as they are;
//   - name-diff.png, three panels side by side: the PDF page, the e-mail
//     and an overlay in which ink of the PDF alone is cyan, ink of the
//     e-mail alone red and ink of both dark, the cells that differ framed
//     in magenta, the cells that paint a brand colour where the other
//     picture does not in yellow, and each word further than the line
//     tolerance joined to its place in the PDF by an orange line; a blue
//     line marks the end of the compared region.
func writeReport(t *testing.T, dir, name string, pdf, web *capture, p *parity) string {
	t.Helper()
	mustWritePNG(t, filepath.Join(dir, name+"-pdf.png"), pdf.img)
	mustWritePNG(t, filepath.Join(dir, name+"-html.png"), web.img)

	w := p.width
	h := max(pdf.img.Bounds().Dy(), web.img.Bounds().Dy())
	const gutter = 12
	out := image.NewRGBA(image.Rect(0, 0, 3*w+2*gutter, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{0x80, 0x80, 0x80, 0xff}), image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(0, 0, w, pdf.img.Bounds().Dy()), pdf.img, image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(w+gutter, 0, 2*w+gutter, web.img.Bounds().Dy()), web.img, image.Point{}, draw.Src)

	ox := 2 * (w + gutter)
	lum := func(img *image.RGBA, bg color.RGBA, x, y int) uint8 {
		if !image.Pt(x, y).In(img.Bounds()) {
			return 0xff
		}
		c := img.RGBAAt(x, y)
		if chebyshev(c, bg) <= inkDistance/2 {
			return 0xff
		}
		return uint8((299*int(c.R) + 587*int(c.G) + 114*int(c.B)) / 1000)
	}
	for y := range h {
		for x := range w {
			a, b := lum(pdf.img, pdf.bg, x, y), lum(web.img, web.bg, x, y)
			out.SetRGBA(ox+x, y, color.RGBA{a, b, b, 0xff})
		}
	}
	magenta := color.RGBA{0xe0, 0x00, 0xe0, 0xff}
	for _, c := range p.diff {
		rect(out, image.Rect(ox+c.X, c.Y, ox+c.X+p.tol.Cell, c.Y+p.tol.Cell), magenta)
	}
	yellow := color.RGBA{0xf0, 0xc8, 0x00, 0xff}
	for _, u := range p.colours {
		for _, c := range u.misplaced {
			rect(out, image.Rect(ox+c.X+1, c.Y+1, ox+c.X+p.tol.Cell-1, c.Y+p.tol.Cell-1), yellow)
		}
	}
	orange := color.RGBA{0xff, 0x8c, 0x00, 0xff}
	for _, d := range p.deltas {
		if d.far() <= p.tol.LineMM {
			break
		}
		a := image.Pt(ox+int((d.PDF.X0+d.PDF.X1)/2), int((d.PDF.Y0+d.PDF.Y1)/2))
		b := image.Pt(ox+int((d.Web.X0+d.Web.X1)/2), int((d.Web.Y0+d.Web.Y1)/2))
		line(out, a, b, orange)
		rect(out, image.Rect(ox+int(d.Web.X0), int(d.Web.Y0), ox+int(d.Web.X1), int(d.Web.Y1)), orange)
	}
	blue := color.RGBA{0x1f, 0x6f, 0xff, 0xff}
	for _, x0 := range []int{0, w + gutter, ox} {
		line(out, image.Pt(x0, p.region), image.Pt(x0+w-1, p.region), blue)
	}
	path := filepath.Join(dir, name+"-diff.png")
	mustWritePNG(t, path, out)
	return path
}

// rect frames r in c.
func rect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	line(img, r.Min, image.Pt(r.Max.X-1, r.Min.Y), c)
	line(img, image.Pt(r.Min.X, r.Max.Y-1), image.Pt(r.Max.X-1, r.Max.Y-1), c)
	line(img, r.Min, image.Pt(r.Min.X, r.Max.Y-1), c)
	line(img, image.Pt(r.Max.X-1, r.Min.Y), image.Pt(r.Max.X-1, r.Max.Y-1), c)
}

// line draws a one-pixel line from a to b.
func line(img *image.RGBA, a, b image.Point, c color.RGBA) {
	n := max(abs(b.X-a.X), abs(b.Y-a.Y), 1)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		p := image.Pt(a.X+int(math.Round(t*float64(b.X-a.X))), a.Y+int(math.Round(t*float64(b.Y-a.Y))))
		if p.In(img.Bounds()) {
			img.SetRGBA(p.X, p.Y, c)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// mustWritePNG writes img to path.
func mustWritePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, png.Encode(f, img))
	require.NoError(t, f.Close())
}
