package fonts

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// MaxSimpleRunes is the most distinct runes, space included, one SimpleFont
// can encode: codes 32 to 255, the range fpdf writes widths for.
const MaxSimpleRunes = 224

// ErrTooManyRunes is returned when a text needs more distinct runes than a
// SimpleFont can encode; use a Subset with fpdf's UTF-8 font path instead.
var ErrTooManyRunes = errors.New("too many distinct runes for a single-byte font")

// notdefCode is the code Encode writes for runes outside the font's
// encoding: the encoding maps it to .notdef, so such a rune draws the
// missing-glyph box, as it would in a font that lacks it.
const notdefCode = 31

// SimpleFont is a document-specific, single-byte-encoded TrueType subset
// for fpdf's AddFontFromBytes:
//
//	pdf.AddFontFromBytes("NotoSans", "", sf.JSON, sf.Z)
//	pdf.SetFont("NotoSans", "", 10)
//	pdf.Cell(0, 6, sf.Encode("Łódź"))
//
// Why: fpdf's UTF-8 font path costs several milliseconds per font and
// document whatever the font's size (it JSON-encodes and SHA-1s a
// 65,536-entry width table and compresses a 128 KB CID map every time),
// while its plain TrueType path embeds a ready, compressed program as is.
// Each rune of the text gets a byte code; the PDF encoding names it with
// its Unicode name (uniXXXX), through which viewers find the glyph in the
// program's Unicode cmap, and through which text extraction and copy and
// paste recover the original text.
//
// Code 32 is always the space, so fpdf's word spacing and line breaking
// work on encoded text, and printable ASCII keeps its own codes, so fpdf's
// page-count alias and the digits it is replaced with match in the encoded
// page content (see assignCodes). A SimpleFont is immutable and safe for
// concurrent use.
type SimpleFont struct {
	// Name is the PostScript name with a subset tag, e.g.
	// "KQWZMD+NotoSans-Regular"; it is the PDF's BaseFont.
	Name string
	// JSON is the font definition for fpdf.AddFontFromBytes.
	JSON []byte
	// Z is the zlib-compressed TrueType program for fpdf.AddFontFromBytes.
	Z []byte
	// Size is the uncompressed size of the TrueType program.
	Size int

	codes map[rune]byte
	// low holds the codes of runes below 256 (0 = none), sparing the map
	// look-up for most Latin text.
	low [256]byte
}

// fpdfFontDef mirrors the JSON font definition fpdf's AddFontFromBytes
// reads (fpdf's fontDefType).
type fpdfFontDef struct {
	Tp           string
	Name         string
	Desc         fpdfFontDesc
	Up           int
	Ut           int
	Cw           []int
	Enc          string
	Diff         string
	File         string
	OriginalSize int
}

type fpdfFontDesc struct {
	Ascent       int
	Descent      int
	CapHeight    int
	Flags        int
	FontBBox     struct{ Xmin, Ymin, Xmax, Ymax int }
	ItalicAngle  int
	StemV        int
	MissingWidth int
}

// PDF font descriptor flags (PDF 32000-1, table 123).
const (
	flagFixedPitch  = 1 << 0
	flagNonsymbolic = 1 << 5
	flagItalic      = 1 << 6
)

// SimpleFont builds a SimpleFont that can draw every rune of text. Give it
// all the text the document draws in this font.
func (s *Subsetter) SimpleFont(text string) (*SimpleFont, error) {
	return s.SimpleFontRunes([]rune(text))
}

// SimpleFontRunes builds a SimpleFont for runes. Control characters are
// ignored (Encode passes '\t', '\n' and '\r' through for fpdf's layout);
// runes above U+FFFF are not encodable and draw .notdef. It returns
// ErrTooManyRunes past MaxSimpleRunes distinct runes.
func (s *Subsetter) SimpleFontRunes(runes []rune) (*SimpleFont, error) {
	f := s.face
	set := make([]rune, 0, len(runes)+1)
	set = append(set, ' ')
	for _, r := range runes {
		if r != ' ' && r < 0xFFFF && !unicode.IsControl(r) && !(r >= 0xD800 && r <= 0xDFFF) {
			set = append(set, r)
		}
	}
	slices.Sort(set[1:])
	set = slices.Compact(set)
	if len(set) > MaxSimpleRunes {
		return nil, fmt.Errorf("%w: %d distinct runes, at most %d fit", ErrTooManyRunes, len(set), MaxSimpleRunes)
	}
	program, err := s.Subset(set)
	if err != nil {
		return nil, err
	}
	z, err := compress(program)
	if err != nil {
		return nil, err
	}

	scale := 1000 / float64(f.unitsPerEm)
	scaled := func(v int16) int { return int(math.Round(float64(v) * scale)) }
	sf := &SimpleFont{Name: subsetTag(f.psName, set) + "+" + pdfName(f.psName), Z: z, Size: len(program), codes: make(map[rune]byte, len(set))}
	def := fpdfFontDef{Tp: "TrueType", Name: sf.Name, Cw: make([]int, 256), File: sf.Name + ".z", OriginalSize: len(program)}

	// Codes: see assignCodes. Differences name every code that does not
	// already carry the right name in the base encoding (WinAnsi, in which
	// each printable ASCII code names its own character): code 31 is
	// .notdef, 32 the space, and every other rune is named uniXXXX.
	byCode := assignCodes(set)
	notdefWidth := int(math.Round(float64(f.advance(0)) * scale))
	def.Cw[notdefCode] = notdefWidth
	var diff strings.Builder
	diff.Grow(10 * len(set))
	diff.WriteString("31 /.notdef /space")
	next := 33 // the code the Differences array names next without a new start
	for code := 32; code < 256; code++ {
		r := byCode[code]
		if r == 0 {
			continue
		}
		sf.codes[r] = byte(code)
		if r < 256 {
			sf.low[r] = byte(code)
		}
		w := notdefWidth
		if g := f.glyphIndex(r); g != 0 {
			w = int(math.Round(float64(f.advance(g)) * scale))
		}
		def.Cw[code] = w
		if r == rune(code) {
			continue // ASCII and the space: named by the base encoding
		}
		if code != next {
			diff.WriteByte(' ')
			diff.WriteString(strconv.Itoa(code))
		}
		diff.WriteString(" /uni")
		diff.WriteString(strings.ToUpper(strconv.FormatInt(int64(r)|0x10000, 16)[1:]))
		next = code + 1
	}
	def.Diff = diff.String()

	d := &def.Desc
	d.Ascent, d.Descent = scaled(int16(u16(f.hhea, 4))), scaled(int16(u16(f.hhea, 6)))
	d.CapHeight = d.Ascent
	weight := 500
	if len(f.os2) >= 6 {
		weight = int(u16(f.os2, 4))
	}
	if len(f.os2) >= 90 && u16(f.os2, 0) >= 2 {
		d.CapHeight = scaled(int16(u16(f.os2, 88)))
	}
	d.FontBBox.Xmin, d.FontBBox.Ymin = scaled(int16(u16(f.head, 36))), scaled(int16(u16(f.head, 38)))
	d.FontBBox.Xmax, d.FontBBox.Ymax = scaled(int16(u16(f.head, 40))), scaled(int16(u16(f.head, 42)))
	d.ItalicAngle = int(int16(u16(f.post, 4)))
	d.Flags = flagNonsymbolic
	if d.ItalicAngle != 0 {
		d.Flags |= flagItalic
	}
	if u32(f.post, 12) != 0 {
		d.Flags |= flagFixedPitch
	}
	// The same stem estimate fpdf makes for its UTF-8 fonts.
	d.StemV = 50 + int(math.Pow(float64(weight)/65, 2))
	d.MissingWidth = notdefWidth
	def.Up, def.Ut = scaled(int16(u16(f.post, 8))), scaled(int16(u16(f.post, 10)))

	if sf.JSON, err = json.Marshal(&def); err != nil {
		return nil, err
	}
	return sf, nil
}

// Encode converts UTF-8 text to the font's single-byte codes, for every
// fpdf call that takes text while this font is set (Cell, MultiCell,
// GetStringWidth, SplitText, ...). '\t', '\n' and '\r' pass through; runes
// the font was not built for become a code that draws .notdef.
func (sf *SimpleFont) Encode(text string) string {
	b := make([]byte, 0, len(text))
	for _, r := range text {
		if r >= 0 && r < 256 && sf.low[r] != 0 {
			b = append(b, sf.low[r])
			continue
		}
		switch c, ok := sf.codes[r]; {
		case ok:
			b = append(b, c)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, byte(r))
		default:
			b = append(b, notdefCode)
		}
	}
	return string(b)
}

// Covers reports whether Encode maps every rune of text to its own code
// (control characters aside).
func (sf *SimpleFont) Covers(text string) bool {
	for _, r := range text {
		if _, ok := sf.codes[r]; !ok && !unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// assignCodes gives each rune of set (sorted, space first) a byte code, as
// byCode[code] = rune (0: free). Code 32 is the space. Printable ASCII runes
// (0x21-0x7E) keep their own code, so that text fpdf rewrites in the
// finished page content still matches: its page-count alias ("{nb}") is
// replaced by the decimal page count as raw bytes, which only works if both
// encode to themselves. The other runes take the codes ASCII never uses
// (0x7F-0xFF) in rune order, then the printable ASCII codes the set leaves
// free. set holds at most MaxSimpleRunes runes, so every rune gets a code.
func assignCodes(set []rune) *[256]rune {
	var byCode [256]rune
	byCode[' '] = ' '
	var others []rune
	for _, r := range set[1:] {
		if r > ' ' && r < 0x7F {
			byCode[r] = r
		} else {
			others = append(others, r)
		}
	}
	code := 0x7F
	for _, r := range others {
		if code > 0xFF {
			code = 0x21
		}
		for byCode[code] != 0 {
			code++
		}
		byCode[code] = r
		code++
	}
	return &byCode
}

// subsetTag derives the six-letter subset tag PDF asks for from the rune
// set, so that different subsets of one font get different names.
func subsetTag(psName string, set []rune) string {
	h := fnv.New64a()
	h.Write([]byte(psName))
	for _, r := range set {
		h.Write([]byte{byte(r >> 16), byte(r >> 8), byte(r)})
	}
	v := h.Sum64()
	var tag [6]byte
	for i := range tag {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(tag[:])
}

// pdfName keeps a PostScript name to characters a PDF name holds without
// escapes.
func pdfName(s string) string {
	if s == "" {
		return "Font"
	}
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || strings.ContainsRune("()<>[]{}/%#", r) {
			return '-'
		}
		return r
	}, s)
}

// zlibWriters are reused because a new zlib writer allocates and clears
// about a megabyte, which would cost more than compressing a subset.
// BestSpeed: on a 10 KB subset it takes a third of the default level's
// time for 4% more bytes.
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	w := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
