package render

import (
	"fmt"

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
}

// fontPair is a family's regular and bold TrueType programs.
type fontPair struct {
	Name    string // family name as the PDF and CSS know it, e.g. "NotoSans"
	Regular []byte
	Bold    []byte

	RegularFace, BoldFace *fonts.Face // parsed once, for coverage checks
}
