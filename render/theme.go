package render

import (
	"fmt"
	"sync"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/fonts"
)

// rgb is a colour.
type rgb struct{ R, G, B uint8 }

// hex returns the colour as lower-case #rrggbb.
func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// theme is a kit made ready to draw: colours parsed, font programs resolved and
// checked, page geometry in millimetres. Built once per Renderer.
type theme struct {
	kit *brandkits.Kit

	primary, secondary, accent, text, muted, background rgb

	heading, body fontPair

	pageW, pageH                                     float64 // mm
	marginTop, marginRight, marginBottom, marginLeft float64 // mm

	loc *locale

	// pdf is the PDF renderer's per-kit state, prepared on first use and
	// shared by the theme's documents.
	pdf pdfThemeState
	// pdfTuning is the zero value but in benchmarks and tests.
	pdfTuning pdfTuning
}

// pdfThemeState is the PDF renderer's font and logo state for one kit.
type pdfThemeState struct {
	once  sync.Once
	faces []pdfFace // see pdfFaces
	err   error

	simple simpleFontCache
	logos  pdfLogos
}

// pdfTuning switches the PDF renderer back to slower ways it has replaced,
// so that benchmarks can measure each step (docs/benchmarks.md) and tests
// can compare routes. The zero value is what production uses.
type pdfTuning struct {
	route       fontRoute // how fonts reach fpdf
	noFontCache bool      // build every document's SimpleFonts afresh
	kitLogo     bool      // hand fpdf the kit's logo file as it is
	// fpdfCompression lets fpdf compress the streams, with a new compressor
	// each, instead of compressStreams.
	fpdfCompression bool
}

// fontPair is a family's regular and bold TrueType programs.
type fontPair struct {
	Name    string // family name as the PDF and CSS know it, e.g. "NotoSans"
	Regular []byte
	Bold    []byte

	RegularFace, BoldFace *fonts.Face // parsed once, for coverage checks
	// RegularSub and BoldSub cut the programs down per PDF document; nil
	// when the pair was not built by resolveFamily (the PDF renderer then
	// parses the program itself).
	RegularSub, BoldSub *fonts.Subsetter
}
