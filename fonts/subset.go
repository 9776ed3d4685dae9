package fonts

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
)

// Subsetter cuts a parsed face down to the glyphs a document uses. Build it
// once per font (it pre-builds the tables that do not depend on the runes)
// and call Subset per document; it is safe for concurrent use.
//
// Why: fpdf re-parses and re-subsets whatever font program it is handed for
// every document, so handing it a program of a few dozen glyphs instead of
// the full font cuts that work to almost nothing.
type Subsetter struct {
	face *Face
	name []byte // the name table, filtered to the records worth keeping
}

// NewSubsetter prepares face for subsetting.
func NewSubsetter(face *Face) *Subsetter {
	return &Subsetter{face: face, name: buildName(face.name)}
}

// Face returns the face the subsetter cuts.
func (s *Subsetter) Face() *Face { return s.face }

// Subset parses data and returns a TrueType program with only the glyphs for
// runes (plus .notdef and composite components). Use a Subsetter to subset
// the same font more than once.
func Subset(data []byte, runes []rune) ([]byte, error) {
	f, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return NewSubsetter(f).Subset(runes)
}

// SubsetString is Subset for the runes of text.
func (s *Subsetter) SubsetString(text string) ([]byte, error) {
	return s.Subset([]rune(text))
}

// plan is the glyph selection for one subset.
type plan struct {
	olds  []int         // new glyph id -> old glyph id
	newOf map[int]int   // old glyph id -> new glyph id
	cmap  []runeToGlyph // sorted by rune, new glyph ids
}

type runeToGlyph struct {
	r rune
	g int
}

func (s *Subsetter) plan(runes []rune) plan {
	f := s.face
	sorted := slices.Clone(runes)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	p := plan{olds: make([]int, 1, len(sorted)+8), newOf: make(map[int]int, len(sorted)+8)}
	p.newOf[0] = 0
	add := func(old int) int {
		if n, ok := p.newOf[old]; ok {
			return n
		}
		n := len(p.olds)
		p.olds = append(p.olds, old)
		p.newOf[old] = n
		return n
	}
	// New glyph ids follow rune order, so runs of consecutive runes get
	// consecutive glyphs and the cmap needs few segments.
	for _, r := range sorted {
		if g := f.glyphIndex(r); g != 0 {
			p.cmap = append(p.cmap, runeToGlyph{r, add(g)})
		}
	}
	// Composite glyphs (accented letters, mostly) draw other glyphs: pull
	// those in too. Walking the growing list reaches nested components, and
	// add's check stops cycles.
	for i := 1; i < len(p.olds); i++ {
		d := f.glyphData(p.olds[i])
		if len(d) >= 10 && int16(u16(d, 0)) < 0 {
			// Parse checked every composite, so this cannot fail.
			_, _ = f.components(p.olds[i], d, func(c int) { add(c) })
		}
	}
	return p
}

// Subset returns a TrueType program with the glyphs for runes, .notdef and
// the components of composite glyphs, renumbered from 0. Runes the font
// lacks are left out (they draw .notdef, as with the full font). Outlines
// and advance widths are copied unchanged; hinting (fpgm, prep, cvt and
// glyph instructions) is dropped, as PDF viewers rasterise at device
// resolution and the hints only cost bytes. The name table keeps the
// original family and PostScript names.
func (s *Subsetter) Subset(runes []rune) ([]byte, error) {
	f := s.face
	p := s.plan(runes)
	n := len(p.olds)

	// glyf and loca.
	size := 0
	for _, old := range p.olds {
		size += len(f.glyphData(old)) + 3
	}
	glyf := make([]byte, 0, size)
	offsets := make([]int, n+1)
	for i, old := range p.olds {
		offsets[i] = len(glyf)
		var err error
		if glyf, err = appendGlyph(glyf, f, old, p.newOf); err != nil {
			return nil, err
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	offsets[n] = len(glyf)
	longLoca := len(glyf) > 0x1FFFF
	var loca []byte
	if longLoca {
		loca = make([]byte, 4*(n+1))
		for i, o := range offsets {
			binary.BigEndian.PutUint32(loca[4*i:], uint32(o))
		}
	} else {
		loca = make([]byte, 2*(n+1))
		for i, o := range offsets {
			binary.BigEndian.PutUint16(loca[2*i:], uint16(o/2))
		}
	}

	// hmtx: a full metric per glyph keeps it simple; at a few dozen glyphs
	// the bytes saved by sharing the last advance are not worth it.
	hmtx := make([]byte, 4*n)
	for i, old := range p.olds {
		binary.BigEndian.PutUint16(hmtx[4*i:], uint16(f.advance(old)))
		binary.BigEndian.PutUint16(hmtx[4*i+2:], f.lsb(old))
	}

	cmap, err := buildCmap(p.cmap)
	if err != nil {
		return nil, err
	}

	head := slices.Clone(f.head[:54])
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	if longLoca {
		binary.BigEndian.PutUint16(head[50:], 1)
	} else {
		binary.BigEndian.PutUint16(head[50:], 0)
	}
	hhea := slices.Clone(f.hhea[:36])
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	maxp := slices.Clone(f.maxp)
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))
	if len(maxp) >= 28 {
		binary.BigEndian.PutUint16(maxp[26:], 0) // maxSizeOfInstructions: none kept
	}
	// post format 3 (no glyph names) keeps italic angle, underline and
	// fixed-pitch, which is all a PDF reader takes from it.
	post := make([]byte, 32)
	binary.BigEndian.PutUint32(post, 0x00030000)
	copy(post[4:16], f.post[4:16])

	tables := []sfntTable{
		{"OS/2", nil}, {"cmap", cmap}, {"glyf", glyf}, {"head", head},
		{"hhea", hhea}, {"hmtx", hmtx}, {"loca", loca}, {"maxp", maxp},
		{"name", s.name}, {"post", post},
	}
	if f.os2 != nil {
		os2 := slices.Clone(f.os2)
		if len(os2) >= 68 && len(p.cmap) > 0 {
			// usFirstCharIndex / usLastCharIndex describe the subset.
			binary.BigEndian.PutUint16(os2[64:], uint16(min(p.cmap[0].r, 0xFFFF)))
			binary.BigEndian.PutUint16(os2[66:], uint16(min(p.cmap[len(p.cmap)-1].r, 0xFFFF)))
		}
		tables[0].data = os2
	} else {
		tables = tables[1:]
	}
	return assemble(tables), nil
}

// appendGlyph appends glyph old, with instructions removed and composite
// components renumbered, to dst.
func appendGlyph(dst []byte, f *Face, old int, newOf map[int]int) ([]byte, error) {
	d := f.glyphData(old)
	if len(d) == 0 {
		return dst, nil
	}
	contours := int(int16(u16(d, 0)))
	if contours >= 0 {
		// Header and endPtsOfContours, a zero instructionLength, then the
		// flags and coordinates unchanged.
		il := 10 + 2*contours
		dst = append(dst, d[:il]...)
		dst = append(dst, 0, 0)
		return append(dst, d[il+2+int(u16(d, il)):]...), nil
	}
	end, err := f.components(old, d, nil)
	if err != nil {
		return nil, err
	}
	at := len(dst)
	dst = append(dst, d[:end]...)
	c := dst[at:]
	for p := 10; ; {
		flags := u16(c, p) &^ haveInstructions
		binary.BigEndian.PutUint16(c[p:], flags)
		binary.BigEndian.PutUint16(c[p+2:], uint16(newOf[int(u16(c, p+2))]))
		if flags&moreComponents == 0 {
			return dst, nil
		}
		p += componentSize(flags)
	}
}

// buildCmap writes a cmap with a format 4 subtable (3,1) for the BMP, which
// is the one fpdf reads, and a format 12 subtable (3,10) when supplementary
// runes are present.
func buildCmap(m []runeToGlyph) ([]byte, error) {
	type seg struct {
		start, end rune
		glyph      int
	}
	var bmp, all []seg
	for _, e := range m {
		if last := len(all) - 1; last >= 0 && all[last].end+1 == e.r && all[last].glyph+int(e.r-all[last].start) == e.g {
			all[last].end = e.r
		} else {
			all = append(all, seg{e.r, e.r, e.g})
		}
		if e.r >= 0xFFFF {
			continue
		}
		if last := len(bmp) - 1; last >= 0 && bmp[last].end+1 == e.r && bmp[last].glyph+int(e.r-bmp[last].start) == e.g {
			bmp[last].end = e.r
		} else {
			bmp = append(bmp, seg{e.r, e.r, e.g})
		}
	}
	bmp = append(bmp, seg{0xFFFF, 0xFFFF, 0}) // required final segment
	segCount := len(bmp)
	len4 := 16 + 8*segCount
	if len4 > 0xFFFF {
		return nil, fmt.Errorf("fonts: %d cmap segments do not fit a format 4 subtable", segCount)
	}
	supplementary := len(m) > 0 && m[len(m)-1].r > 0xFFFF
	numTables := 1
	if supplementary {
		numTables = 2
	}
	off4 := 4 + 8*numTables
	out := make([]byte, off4, off4+len4+16+12*len(all))
	binary.BigEndian.PutUint16(out[2:], uint16(numTables))
	binary.BigEndian.PutUint16(out[4:], 3)
	binary.BigEndian.PutUint16(out[6:], 1)
	binary.BigEndian.PutUint32(out[8:], uint32(off4))

	// searchRange etc. are the binary-search hints the format requires.
	entrySelector := 0
	for 1<<(entrySelector+1) <= segCount {
		entrySelector++
	}
	searchRange := 2 << entrySelector
	out = be16(out, 4, uint16(len4), 0, uint16(2*segCount), uint16(searchRange), uint16(entrySelector), uint16(2*segCount-searchRange))
	for _, s := range bmp {
		out = be16(out, uint16(s.end))
	}
	out = be16(out, 0) // reservedPad
	for _, s := range bmp {
		out = be16(out, uint16(s.start))
	}
	for _, s := range bmp {
		d := s.glyph - int(s.start)
		if s.start == 0xFFFF {
			d = 1 // maps 0xFFFF to glyph 0, as the final segment should
		}
		out = be16(out, uint16(d))
	}
	for range bmp {
		out = be16(out, 0) // idRangeOffset: deltas only
	}
	if supplementary {
		off12 := len(out)
		binary.BigEndian.PutUint16(out[12:], 3)
		binary.BigEndian.PutUint16(out[14:], 10)
		binary.BigEndian.PutUint32(out[16:], uint32(off12))
		out = be16(out, 12, 0)
		out = be32(out, uint32(16+12*len(all)), 0, uint32(len(all)))
		for _, s := range all {
			out = be32(out, uint32(s.start), uint32(s.end), uint32(s.glyph))
		}
	}
	return out, nil
}

// buildName keeps the Windows (and, failing those, Mac) English name records
// that identify the font and its licence: copyright, family, subfamily,
// unique id, full name, version, PostScript name, licence and licence URL.
// Parse has checked the records' bounds.
func buildName(t []byte) []byte {
	type rec struct {
		platform, encoding, language, id uint16
		s                                []byte
	}
	n, strOff := int(u16(t, 2)), int(u16(t, 4))
	keep := map[uint16]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 13: true, 14: true}
	var win, mac []rec
	for i := range n {
		r := t[6+12*i:]
		pl, enc, lang, id := u16(r, 0), u16(r, 2), u16(r, 4), u16(r, 6)
		if !keep[id] {
			continue
		}
		off := strOff + int(u16(r, 10))
		s := t[off : off+int(u16(r, 8))]
		switch {
		case pl == 3 && enc == 1 && lang == 0x409:
			win = append(win, rec{pl, enc, lang, id, s})
		case pl == 1 && enc == 0 && lang == 0:
			mac = append(mac, rec{pl, enc, lang, id, s})
		}
	}
	recs := win
	if len(recs) == 0 {
		recs = mac
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].id < recs[j].id })
	out := be16(nil, 0, uint16(len(recs)), uint16(6+12*len(recs)))
	var strs []byte
	for _, r := range recs {
		out = be16(out, r.platform, r.encoding, r.language, r.id, uint16(len(r.s)), uint16(len(strs)))
		strs = append(strs, r.s...)
	}
	return append(out, strs...)
}

type sfntTable struct {
	tag  string
	data []byte
}

// assemble writes an sfnt file from tables sorted by tag, with checksums
// and head.checkSumAdjustment filled in.
func assemble(tables []sfntTable) []byte {
	size := 12 + 16*len(tables)
	for _, t := range tables {
		size += (len(t.data) + 3) &^ 3
	}
	out := make([]byte, 12+16*len(tables), size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(len(tables)))
	entrySelector := 0
	for 1<<(entrySelector+1) <= len(tables) {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*len(tables)-searchRange))
	headAt := -1
	for i, t := range tables {
		rec := out[12+16*i:]
		copy(rec, t.tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t.data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t.data)))
		if t.tag == "head" {
			headAt = len(out)
		}
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

// checksum is the sfnt table checksum: the sum of big-endian uint32 words,
// the last one zero-padded.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	var last [4]byte
	copy(last[:], b)
	return sum + binary.BigEndian.Uint32(last[:])
}

func be16(b []byte, vs ...uint16) []byte {
	for _, v := range vs {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b
}

func be32(b []byte, vs ...uint32) []byte {
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}
