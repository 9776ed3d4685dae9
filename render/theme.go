package render

import (
	"github.com/liveryhq/livery/brandkits"
)

// rgb is a colour.
type rgb struct{ R, G, B uint8 }

// theme is a kit made ready to draw: colours parsed, font programs resolved and
// checked, page geometry in millimetres. Built once per Renderer.
type theme struct {
	kit *brandkits.Kit

	primary, secondary, accent, text, muted, background rgb

	heading, body fontPair

	pageW, pageH                                     float64 // mm
	marginTop, marginRight, marginBottom, marginLeft float64 // mm

	loc *locale
}

// fontPair is a family's regular and bold TrueType programs.
type fontPair struct {
	Name    string // family name as the PDF and CSS know it, e.g. "NotoSans"
	Regular []byte
	Bold    []byte
}
