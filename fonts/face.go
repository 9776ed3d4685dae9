package fonts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode"
	"unicode/utf16"
)

// ErrNotTrueType is returned for font programs fpdf cannot embed: CFF-flavoured
// OpenType, collections, web fonts, or TrueType without a Unicode BMP cmap.
var ErrNotTrueType = errors.New("not a TrueType font")

// ErrMalformed is returned for data that is not a well-formed font program
// (garbage, truncated, tables pointing outside the file).
var ErrMalformed = errors.New("malformed font")

// ErrEmbeddingRestricted is returned for fonts whose OS/2 fsType forbids
// embedding or subsetting; fpdf would refuse them too, and the licence
// would not allow shipping them inside a PDF.
var ErrEmbeddingRestricted = errors.New("font licence forbids embedding or subsetting")

// Face is a parsed and checked TrueType font program. It is immutable after
// Parse and safe for concurrent use.
type Face struct {
	data []byte

	head, hhea, maxp, hmtx, loca, glyf, cmap, name, post, os2 []byte

	numGlyphs   int
	numHMetrics int
	unitsPerEm  int
	longLoca    bool

	// bmp maps every BMP code point to its glyph (0 = none). A flat array
	// makes Has and the subsetter's look-ups a single index, which matters
	// when a document is rendered in a few milliseconds.
	bmp []uint16
	// groups are the format 12 ranges for supplementary-plane runes,
	// sorted by start.
	groups []cmapGroup

	psName string
	family string
}

type cmapGroup struct {
	start, end rune
	glyph      uint32
}

// Parse parses and checks a font program. It keeps a reference to data,
// which must not be modified afterwards. It returns an error wrapping
// ErrNotTrueType for programs fpdf cannot embed (CFF-flavoured .otf first
// among them), ErrEmbeddingRestricted for fonts whose licence flags forbid
// embedding, and ErrMalformed for anything that is not a sound font.
func Parse(data []byte) (*Face, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("%w: %d bytes is too short for a font program", ErrMalformed, len(data))
	}
	switch tag := string(data[:4]); tag {
	case "\x00\x01\x00\x00", "true":
	case "OTTO":
		return nil, errCFF
	case "ttcf":
		return nil, fmt.Errorf("%w: font is a collection (.ttc); extract one face as a .ttf", ErrNotTrueType)
	case "wOFF", "wOF2":
		return nil, fmt.Errorf("%w: font is a compressed web font (WOFF); convert it to a .ttf", ErrNotTrueType)
	default:
		return nil, fmt.Errorf("%w: not a font program (starts with %q)", ErrMalformed, tag)
	}
	tables, err := readDirectory(data)
	if err != nil {
		return nil, err
	}
	if _, ok := tables["glyf"]; !ok {
		if _, cff := tables["CFF "]; cff {
			return nil, errCFF
		}
		if _, cff := tables["CFF2"]; cff {
			return nil, errCFF
		}
		return nil, fmt.Errorf("%w: font has no glyf table (no TrueType outlines)", ErrNotTrueType)
	}
	for _, t := range [...]string{"head", "hhea", "maxp", "hmtx", "loca", "cmap", "name", "post"} {
		if _, ok := tables[t]; !ok {
			return nil, fmt.Errorf("%w: required table %q is missing", ErrMalformed, t)
		}
	}
	f := &Face{
		data: data,
		head: tables["head"], hhea: tables["hhea"], maxp: tables["maxp"],
		hmtx: tables["hmtx"], loca: tables["loca"], glyf: tables["glyf"],
		cmap: tables["cmap"], name: tables["name"], post: tables["post"],
		os2: tables["OS/2"],
	}
	for _, step := range []func() error{f.parseMetrics, f.checkGlyphs, f.checkEmbedding, f.parseCmap, f.parseNames} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

var errCFF = fmt.Errorf("%w: font is CFF-flavoured OpenType (.otf); Livery needs TrueType outlines (glyf)", ErrNotTrueType)

// readDirectory returns the tables of the sfnt directory as sub-slices of
// data, refusing records that point outside it.
func readDirectory(data []byte) (map[string][]byte, error) {
	n := int(u16(data, 4))
	if n == 0 {
		return nil, fmt.Errorf("%w: table directory is empty", ErrMalformed)
	}
	if 12+16*n > len(data) {
		return nil, fmt.Errorf("%w: table directory of %d tables is truncated", ErrMalformed, n)
	}
	tables := make(map[string][]byte, n)
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, length := uint64(u32(rec, 8)), uint64(u32(rec, 12))
		if off+length > uint64(len(data)) {
			return nil, fmt.Errorf("%w: table %q (offset %d, length %d) lies outside the %d-byte file", ErrMalformed, tag, off, length, len(data))
		}
		tables[tag] = data[off : off+length : off+length]
	}
	return tables, nil
}

func (f *Face) parseMetrics() error {
	if len(f.head) < 54 {
		return fmt.Errorf("%w: head table is truncated", ErrMalformed)
	}
	if u32(f.head, 12) != 0x5F0F3CF5 {
		return fmt.Errorf("%w: head table has a bad magic number", ErrMalformed)
	}
	f.unitsPerEm = int(u16(f.head, 18))
	if f.unitsPerEm < 16 || f.unitsPerEm > 16384 {
		return fmt.Errorf("%w: unitsPerEm %d is out of range", ErrMalformed, f.unitsPerEm)
	}
	switch u16(f.head, 50) {
	case 0:
	case 1:
		f.longLoca = true
	default:
		return fmt.Errorf("%w: unknown indexToLocFormat %d", ErrMalformed, u16(f.head, 50))
	}
	if len(f.maxp) < 6 {
		return fmt.Errorf("%w: maxp table is truncated", ErrMalformed)
	}
	f.numGlyphs = int(u16(f.maxp, 4))
	if f.numGlyphs == 0 {
		return fmt.Errorf("%w: font has no glyphs", ErrMalformed)
	}
	if len(f.hhea) < 36 {
		return fmt.Errorf("%w: hhea table is truncated", ErrMalformed)
	}
	f.numHMetrics = int(u16(f.hhea, 34))
	if f.numHMetrics == 0 || f.numHMetrics > f.numGlyphs {
		return fmt.Errorf("%w: numberOfHMetrics %d does not fit %d glyphs", ErrMalformed, f.numHMetrics, f.numGlyphs)
	}
	if len(f.hmtx) < 4*f.numHMetrics+2*(f.numGlyphs-f.numHMetrics) {
		return fmt.Errorf("%w: hmtx table is truncated", ErrMalformed)
	}
	if len(f.post) < 32 {
		return fmt.Errorf("%w: post table is truncated", ErrMalformed)
	}
	entry := 2
	if f.longLoca {
		entry = 4
	}
	if len(f.loca) < entry*(f.numGlyphs+1) {
		return fmt.Errorf("%w: loca table is truncated", ErrMalformed)
	}
	return nil
}

// glyphRange returns the byte range of glyph g inside the glyf table.
func (f *Face) glyphRange(g int) (start, end int) {
	if f.longLoca {
		return int(u32(f.loca, 4*g)), int(u32(f.loca, 4*g+4))
	}
	return 2 * int(u16(f.loca, 2*g)), 2 * int(u16(f.loca, 2*g+2))
}

// glyphData returns glyph g's outline bytes (empty for blank glyphs).
func (f *Face) glyphData(g int) []byte {
	start, end := f.glyphRange(g)
	return f.glyf[start:end]
}

// Composite glyph flags (OpenType glyf table).
const (
	argsAreWords     = 0x0001
	haveScale        = 0x0008
	moreComponents   = 0x0020
	haveXYScale      = 0x0040
	haveTwoByTwo     = 0x0080
	haveInstructions = 0x0100
)

// componentSize is the length of a composite glyph component record with
// the given flags, header included.
func componentSize(flags uint16) int {
	n := 4 + 2
	if flags&argsAreWords != 0 {
		n += 2
	}
	switch {
	case flags&haveScale != 0:
		n += 2
	case flags&haveXYScale != 0:
		n += 4
	case flags&haveTwoByTwo != 0:
		n += 8
	}
	return n
}

// checkGlyphs walks every glyph once so that the subsetter can later copy
// and rewrite glyphs without bounds surprises.
func (f *Face) checkGlyphs() error {
	for g := range f.numGlyphs {
		start, end := f.glyphRange(g)
		if start > end || end > len(f.glyf) {
			return fmt.Errorf("%w: glyph %d lies outside the glyf table", ErrMalformed, g)
		}
		d := f.glyf[start:end]
		if len(d) == 0 {
			continue
		}
		if len(d) < 10 {
			return fmt.Errorf("%w: glyph %d is truncated", ErrMalformed, g)
		}
		contours := int(int16(u16(d, 0)))
		if contours >= 0 {
			if 10+2*contours+2 > len(d) {
				return fmt.Errorf("%w: glyph %d is truncated", ErrMalformed, g)
			}
			if 12+2*contours+int(u16(d, 10+2*contours)) > len(d) {
				return fmt.Errorf("%w: glyph %d's instructions run past its end", ErrMalformed, g)
			}
			continue
		}
		if _, err := f.components(g, d, nil); err != nil {
			return err
		}
	}
	return nil
}

// components calls visit (if non-nil) for each component glyph id of
// composite glyph g, and returns the offset where its component records end.
func (f *Face) components(g int, d []byte, visit func(int)) (int, error) {
	p := 10
	for {
		if p+4 > len(d) {
			return 0, fmt.Errorf("%w: composite glyph %d is truncated", ErrMalformed, g)
		}
		flags := u16(d, p)
		c := int(u16(d, p+2))
		if c >= f.numGlyphs {
			return 0, fmt.Errorf("%w: composite glyph %d refers to glyph %d of %d", ErrMalformed, g, c, f.numGlyphs)
		}
		if visit != nil {
			visit(c)
		}
		p += componentSize(flags)
		if p > len(d) {
			return 0, fmt.Errorf("%w: composite glyph %d is truncated", ErrMalformed, g)
		}
		if flags&moreComponents == 0 {
			return p, nil
		}
	}
}

func (f *Face) checkEmbedding() error {
	if len(f.os2) < 10 {
		return nil
	}
	// Bit values from the OS/2 spec: 0x0002 restricted licence embedding,
	// 0x0100 no subsetting, 0x0200 bitmap embedding only. fpdf refuses the
	// same set, and Livery always subsets.
	fsType := u16(f.os2, 8)
	if fsType&0x000F == 0x0002 || fsType&0x0300 != 0 {
		return fmt.Errorf("%w (OS/2 fsType 0x%04x)", ErrEmbeddingRestricted, fsType)
	}
	return nil
}

func (f *Face) parseCmap() error {
	c := f.cmap
	if len(c) < 4 {
		return fmt.Errorf("%w: cmap table is truncated", ErrMalformed)
	}
	n := int(u16(c, 2))
	if 4+8*n > len(c) {
		return fmt.Errorf("%w: cmap encoding records are truncated", ErrMalformed)
	}
	var fmt4, fmt12 []byte
	for i := range n {
		platform, encoding := u16(c, 4+8*i), u16(c, 6+8*i)
		off := int(u32(c, 8+8*i))
		if off+4 > len(c) {
			return fmt.Errorf("%w: cmap subtable %d lies outside the table", ErrMalformed, i)
		}
		sub := c[off:]
		switch format := u16(sub, 0); {
		case format == 4 && fmt4 == nil && (platform == 0 && encoding <= 3 || platform == 3 && encoding == 1):
			if len(sub) < 16 || u16(sub, 2) < 16 {
				return fmt.Errorf("%w: cmap format 4 subtable is truncated", ErrMalformed)
			}
			fmt4 = sub[:min(int(u16(sub, 2)), len(sub))]
			// Large subtables sometimes carry a length that wrapped at 16
			// bits: then bound the segments by the cmap table instead.
			if segs := 16 + 4*int(u16(sub, 6)); segs > len(fmt4) && segs <= len(sub) {
				fmt4 = sub
			}
		case format == 12 && fmt12 == nil && (platform == 0 && (encoding == 4 || encoding == 6) || platform == 3 && encoding == 10):
			if len(sub) < 16 {
				return fmt.Errorf("%w: cmap format 12 subtable is truncated", ErrMalformed)
			}
			fmt12 = sub
		}
	}
	if fmt4 == nil {
		// fpdf only reads a format 4 Unicode cmap: without one it prints
		// "Font does not have cmap for Unicode" and draws nothing.
		return fmt.Errorf("%w: font has no Unicode BMP cmap (format 4)", ErrNotTrueType)
	}
	if err := f.parseFormat4(fmt4); err != nil {
		return err
	}
	if fmt12 != nil {
		return f.parseFormat12(fmt12)
	}
	return nil
}

func (f *Face) parseFormat4(t []byte) error {
	segX2 := int(u16(t, 6))
	if segX2%2 != 0 || 16+4*segX2 > len(t) {
		return fmt.Errorf("%w: cmap format 4 segments are truncated", ErrMalformed)
	}
	f.bmp = make([]uint16, 0x10000)
	ends, starts := t[14:], t[16+segX2:]
	deltas, rangeOffs := t[16+2*segX2:], 16+3*segX2
	next := 0 // first code point not yet mapped
	for s := 0; s < segX2; s += 2 {
		start, end := int(u16(starts, s)), int(u16(ends, s))
		// Segments are sorted and disjoint in a sound font; clamping keeps
		// a hostile one from making this loop quadratic.
		start = max(start, next)
		next = max(next, end+1)
		delta, ro := int(u16(deltas, s)), int(u16(t, rangeOffs+s))
		for r := start; r <= end && r < 0xFFFF; r++ {
			g := 0
			if ro == 0 {
				g = (r + delta) & 0xFFFF
			} else {
				// idRangeOffset counts from its own position in the table.
				p := rangeOffs + s + ro + 2*(r-start)
				if p+2 > len(t) {
					continue
				}
				if g = int(u16(t, p)); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g < f.numGlyphs {
				f.bmp[r] = uint16(g)
			}
		}
	}
	return nil
}

func (f *Face) parseFormat12(t []byte) error {
	n := int(u32(t, 12))
	if n > (len(t)-16)/12 {
		return fmt.Errorf("%w: cmap format 12 groups are truncated", ErrMalformed)
	}
	for i := range n {
		g := t[16+12*i:]
		start, end, glyph := rune(u32(g, 0)), rune(u32(g, 4)), u32(g, 8)
		if start > end || end > unicode.MaxRune || end < 0x10000 {
			// The BMP comes from format 4, which is what fpdf reads too.
			continue
		}
		start = max(start, 0x10000)
		f.groups = append(f.groups, cmapGroup{start: start, end: end, glyph: glyph + uint32(start-rune(u32(g, 0)))})
	}
	sort.Slice(f.groups, func(i, j int) bool { return f.groups[i].start < f.groups[j].start })
	return nil
}

// glyphIndex returns the glyph for r, 0 if the font has none.
func (f *Face) glyphIndex(r rune) int {
	if r >= 0 && r < 0xFFFF {
		return int(f.bmp[r])
	}
	i := sort.Search(len(f.groups), func(i int) bool { return f.groups[i].end >= r })
	if i == len(f.groups) || f.groups[i].start > r {
		return 0
	}
	g := f.groups[i].glyph + uint32(r-f.groups[i].start)
	if g >= uint32(f.numGlyphs) {
		return 0
	}
	return int(g)
}

func (f *Face) parseNames() error {
	t := f.name
	if len(t) < 6 {
		return fmt.Errorf("%w: name table is truncated", ErrMalformed)
	}
	n, strOff := int(u16(t, 2)), int(u16(t, 4))
	if 6+12*n > len(t) {
		return fmt.Errorf("%w: name records are truncated", ErrMalformed)
	}
	best := map[uint16]int{} // nameID -> rank of the record used so far
	for i := range n {
		rec := t[6+12*i:]
		length, off := int(u16(rec, 8)), strOff+int(u16(rec, 10))
		if off+length > len(t) {
			// Checked for every record: the subsetter copies several.
			return fmt.Errorf("%w: name record %d lies outside the table", ErrMalformed, i)
		}
		id := u16(rec, 6)
		if id != 1 && id != 6 && id != 16 {
			continue
		}
		rank, ok := nameRank(u16(rec, 0), u16(rec, 2), u16(rec, 4))
		if !ok || (best[id] != 0 && best[id] <= rank) {
			continue
		}
		s := decodeName(u16(rec, 0), t[off:off+length])
		best[id] = rank
		switch id {
		case 6:
			f.psName = s
		case 16:
			f.family = s
		case 1:
			if best[16] == 0 {
				f.family = s
			}
		}
	}
	return nil
}

// nameRank orders name records: Windows US English first, then other
// Windows Unicode, then Mac Roman English, then Unicode platform.
func nameRank(platform, encoding, language uint16) (int, bool) {
	switch {
	case platform == 3 && encoding == 1 && language == 0x409:
		return 1, true
	case platform == 3 && encoding == 1:
		return 2, true
	case platform == 1 && encoding == 0 && language == 0:
		return 3, true
	case platform == 0:
		return 4, true
	}
	return 0, false
}

func decodeName(platform uint16, b []byte) string {
	if platform == 1 {
		// Mac Roman; names worth reading here are ASCII.
		return string(b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = u16(b, 2*i)
	}
	return string(utf16.Decode(u))
}

// Has reports whether the face has a glyph for r (per its cmap).
func (f *Face) Has(r rune) bool { return f.glyphIndex(r) != 0 }

// Missing returns the distinct runes of s the face cannot draw, in order of
// appearance. Control characters such as '\n' and '\t' count as covered:
// they lay out text and are never drawn.
func (f *Face) Missing(s string) []rune {
	var missing []rune
	var seen map[rune]bool
	for _, r := range s {
		if unicode.IsControl(r) || f.Has(r) || seen[r] {
			continue
		}
		if seen == nil {
			seen = map[rune]bool{}
		}
		seen[r] = true
		missing = append(missing, r)
	}
	return missing
}

// PostScriptName returns the font's PostScript name, e.g. "NotoSans-Regular".
func (f *Face) PostScriptName() string { return f.psName }

// FamilyName returns the font's (typographic) family name, e.g. "Noto Sans".
func (f *Face) FamilyName() string { return f.family }

// NumGlyphs returns the number of glyphs in the font.
func (f *Face) NumGlyphs() int { return f.numGlyphs }

// UnitsPerEm returns the font's design units per em.
func (f *Face) UnitsPerEm() int { return f.unitsPerEm }

// Advance returns r's advance width in font units, and false if the face
// has no glyph for r.
func (f *Face) Advance(r rune) (int, bool) {
	g := f.glyphIndex(r)
	if g == 0 {
		return 0, false
	}
	return f.advance(g), true
}

// advance returns glyph g's advance width in font units.
func (f *Face) advance(g int) int {
	if g >= f.numHMetrics {
		g = f.numHMetrics - 1
	}
	return int(u16(f.hmtx, 4*g))
}

// lsb returns glyph g's left side bearing.
func (f *Face) lsb(g int) uint16 {
	if g < f.numHMetrics {
		return u16(f.hmtx, 4*g+2)
	}
	return u16(f.hmtx, 4*f.numHMetrics+2*(g-f.numHMetrics))
}

func u16(b []byte, i int) uint16 { return binary.BigEndian.Uint16(b[i:]) }
func u32(b []byte, i int) uint32 { return binary.BigEndian.Uint32(b[i:]) }
