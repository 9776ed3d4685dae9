// Package fonts embeds the open-licensed TrueType families Livery ships and
// checks font programs before they reach the PDF library.
package fonts

import "errors"

// STUB: owned by the fonts helper, who replaces this file.

// Family is a bundled font family with its regular and bold programs.
type Family struct {
	Slug    string // e.g. "noto-sans"
	Name    string // family name, e.g. "Noto Sans"
	Regular []byte
	Bold    []byte
	License string // licence id, e.g. "OFL-1.1"
}

// ErrNotTrueType is returned for font programs fpdf cannot embed.
var ErrNotTrueType = errors.New("not a TrueType font")

// Lookup returns the bundled family with the given slug.
func Lookup(slug string) (*Family, bool) { return nil, false }

// Slugs lists the bundled families' slugs, sorted.
func Slugs() []string { return nil }

// Face is a parsed font program.
type Face struct{}

// Parse parses and checks a font program.
func Parse(data []byte) (*Face, error) { return nil, ErrNotTrueType }

// Has reports whether the face has a glyph for r.
func (f *Face) Has(r rune) bool { return false }

// Missing returns the distinct runes of s the face cannot draw, in order of appearance.
func (f *Face) Missing(s string) []rune { return nil }

// PostScriptName returns the font's PostScript name, e.g. "NotoSans-Regular".
func (f *Face) PostScriptName() string { return "" }
