package fonts

import (
	"bytes"
	"encoding/binary"
	"strings"
	"sync"
	"testing"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// subsetCase is a face to subset and the text to subset it for.
type subsetCase struct {
	slug string
	bold bool
	text string
}

func subsetCases() []subsetCase {
	var cases []subsetCase
	for _, slug := range Slugs() {
		for _, bold := range []bool{false, true} {
			cases = append(cases,
				subsetCase{slug, bold, sampleText},
				subsetCase{slug, bold, invoiceText()},
			)
		}
	}
	return append(cases,
		subsetCase{"noto-sans", false, ""},
		subsetCase{"noto-sans", false, "aaaa"},
		subsetCase{"noto-sans", false, "漢字 😀 only missing runes ₿"},
		subsetCase{"noto-sans", false, "ÅåÉéÓóĄąİğŞşЁё"}, // composites
	)
}

func (c subsetCase) subsetter(t *testing.T) *Subsetter {
	t.Helper()
	f := mustFamily(t, c.slug)
	get := f.RegularSubsetter
	if c.bold {
		get = f.BoldSubsetter
	}
	s, err := get()
	require.NoError(t, err)
	return s
}

func (c subsetCase) String() string {
	style := "regular"
	if c.bold {
		style = "bold"
	}
	name := c.text
	if len([]rune(name)) > 16 {
		name = string([]rune(name)[:16])
	}
	return c.slug + "/" + style + "/" + name
}

// TestSubsetDrawsLikeOriginal checks the subset with an independent
// parser (x/image/font/sfnt): every requested rune the font has maps to a
// glyph with the same advance and the same outline, nothing else is
// mapped, and the glyph count is the requested glyphs plus .notdef and
// composite components.
func TestSubsetDrawsLikeOriginal(t *testing.T) {
	for _, tc := range subsetCases() {
		t.Run(tc.String(), func(t *testing.T) {
			s := tc.subsetter(t)
			face := s.Face()
			sub, err := s.SubsetString(tc.text)
			require.NoError(t, err)

			orig, err := sfnt.Parse(face.data)
			require.NoError(t, err)
			cut, err := sfnt.Parse(sub)
			require.NoError(t, err)
			assert.Equal(t, orig.UnitsPerEm(), cut.UnitsPerEm())

			ppem := fixed.Int26_6(face.UnitsPerEm() << 6)
			var ob, cb sfnt.Buffer
			glyphs := map[sfnt.GlyphIndex]bool{0: true}
			for _, r := range tc.text {
				og, err := orig.GlyphIndex(&ob, r)
				require.NoError(t, err)
				cg, err := cut.GlyphIndex(&cb, r)
				require.NoError(t, err)
				if og == 0 {
					assert.Zero(t, cg, "%q is not in the font, so not in the subset", r)
					continue
				}
				require.NotZero(t, cg, "%q lost", r)
				glyphs[og] = true

				oa, err := orig.GlyphAdvance(&ob, og, ppem, font.HintingNone)
				require.NoError(t, err)
				ca, err := cut.GlyphAdvance(&cb, cg, ppem, font.HintingNone)
				require.NoError(t, err)
				assert.Equal(t, oa, ca, "advance of %q", r)

				os, err := orig.LoadGlyph(&ob, og, ppem, nil)
				require.NoError(t, err)
				// LoadGlyph reuses the buffer's storage: copy before the next call.
				want := append(sfnt.Segments{}, os...)
				cs, err := cut.LoadGlyph(&cb, cg, ppem, nil)
				require.NoError(t, err)
				assert.Equal(t, want, append(sfnt.Segments{}, cs...), "outline of %q", r)
			}
			// Runes not asked for are not mapped.
			for _, r := range "QXZqxz0ЖΣ" {
				if strings.ContainsRune(tc.text, r) {
					continue
				}
				g, err := cut.GlyphIndex(&cb, r)
				require.NoError(t, err)
				assert.Zero(t, g, "%q was not requested", r)
			}
			// Glyph count: requested glyphs plus their components.
			want := map[int]bool{}
			var walk func(g int)
			walk = func(g int) {
				if want[g] {
					return
				}
				want[g] = true
				if d := face.glyphData(g); len(d) > 0 && int16(u16(d, 0)) < 0 {
					_, err := face.components(g, d, walk)
					require.NoError(t, err)
				}
			}
			for g := range glyphs {
				walk(int(g))
			}
			assert.Equal(t, len(want), cut.NumGlyphs())

			// Names survive, so the PDF and any font tool still name it.
			got, err := Parse(sub)
			require.NoError(t, err)
			assert.Equal(t, face.PostScriptName(), got.PostScriptName())
			assert.Equal(t, face.FamilyName(), got.FamilyName())
			var ps sfnt.Buffer
			name, err := cut.Name(&ps, sfnt.NameIDPostScript)
			require.NoError(t, err)
			assert.Equal(t, face.PostScriptName(), name)
		})
	}
}

func TestSubsetComposites(t *testing.T) {
	s, err := mustFamily(t, "noto-sans").RegularSubsetter()
	require.NoError(t, err)
	face := s.Face()
	d := face.glyphData(face.glyphIndex('ó'))
	require.Less(t, int16(u16(d, 0)), int16(0), "ó is a composite in Noto Sans")

	sub, err := s.Subset([]rune{'ó'})
	require.NoError(t, err)
	got, err := Parse(sub)
	require.NoError(t, err)
	// .notdef, ó, and its components (o and the acute accent at least).
	assert.GreaterOrEqual(t, got.NumGlyphs(), 4)
	assert.True(t, got.Has('ó'))
	assert.False(t, got.Has('o'), "component glyphs are not mapped to runes")

	// Components point at glyphs inside the subset, and no hinting is left.
	cd := got.glyphData(got.glyphIndex('ó'))
	_, err = got.components(1, cd, func(c int) {
		assert.Less(t, c, got.NumGlyphs())
		assert.NotZero(t, c)
	})
	require.NoError(t, err)
	for p := 10; ; {
		flags := u16(cd, p)
		assert.Zero(t, flags&haveInstructions)
		if flags&moreComponents == 0 {
			break
		}
		p += componentSize(flags)
	}
}

// TestSubsetIsWellFormed checks the container itself: sorted directory,
// table checksums, the whole-file checksum, no hinting tables, and that
// every table fpdf reads is there.
func TestSubsetIsWellFormed(t *testing.T) {
	s, err := mustFamily(t, "noto-sans").BoldSubsetter()
	require.NoError(t, err)
	sub, err := s.SubsetString(sampleText)
	require.NoError(t, err)

	assert.Equal(t, uint32(0x00010000), binary.BigEndian.Uint32(sub))
	n := int(binary.BigEndian.Uint16(sub[4:]))
	var tags []string
	for i := range n {
		rec := sub[12+16*i:]
		tag := string(rec[:4])
		tags = append(tags, tag)
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		assert.Zero(t, off%4, "%s is 4-byte aligned", tag)
		data := slicesClone(sub[off : off+length])
		if tag == "head" {
			binary.BigEndian.PutUint32(data[8:], 0)
		}
		assert.Equal(t, binary.BigEndian.Uint32(rec[4:]), checksum(data), "%s checksum", tag)
	}
	assert.Equal(t, []string{"OS/2", "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"}, tags)
	assert.Equal(t, uint32(0xB1B0AFBA), checksum(sub), "checkSumAdjustment")
	assert.Less(t, len(sub), 16*1024, "a sample text's subset is small")
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }

func TestSubsetFunction(t *testing.T) {
	f := mustFamily(t, "liberation-serif")
	sub, err := Subset(f.Regular, []rune("Hello"))
	require.NoError(t, err)
	got, err := Parse(sub)
	require.NoError(t, err)
	assert.Empty(t, got.Missing("Hello"))
	assert.Equal(t, []rune("abc"), got.Missing("abc"))

	_, err = Subset([]byte("garbage"), []rune("Hello"))
	assert.ErrorIs(t, err, ErrMalformed)
}

func TestBuildCmapSupplementary(t *testing.T) {
	// None of the bundled fonts reach past the BMP, so check the format 12
	// path by reading a built cmap back.
	m := []runeToGlyph{{'A', 1}, {'B', 2}, {'C', 3}, {'é', 4}, {'€', 5}, {0x1F600, 6}, {0x1F601, 7}, {0x1F680, 8}}
	c, err := buildCmap(m)
	require.NoError(t, err)
	f := &Face{cmap: c, numGlyphs: 9}
	require.NoError(t, f.parseCmap())
	for _, e := range m {
		assert.Equal(t, e.g, f.glyphIndex(e.r), "%U", e.r)
	}
	for _, r := range []rune{'D', 'a', 0x1F602, 0x1F67F, 0xFFFF, 0x10FFFF} {
		assert.Zero(t, f.glyphIndex(r), "%U", r)
	}

	// BMP only: a single (3,1) format 4 subtable.
	c, err = buildCmap(m[:5])
	require.NoError(t, err)
	assert.Equal(t, uint16(1), binary.BigEndian.Uint16(c[2:]))
}

func TestSubsetConcurrent(t *testing.T) {
	s, err := mustFamily(t, "noto-serif").RegularSubsetter()
	require.NoError(t, err)
	want, err := s.SubsetString(invoiceText())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, err := s.SubsetString(invoiceText())
				assert.NoError(t, err)
				assert.True(t, bytes.Equal(want, got), "subsets are deterministic")
			}
		})
	}
	wg.Wait()
}

// TestSubsetWithFpdf is the check that matters: fpdf's UTF-8 font path
// takes every subset, draws the text, and complains about nothing (fpdf
// reports font trouble only by printing).
func TestSubsetWithFpdf(t *testing.T) {
	for _, slug := range Slugs() {
		t.Run(slug, func(t *testing.T) {
			f := mustFamily(t, slug)
			reg, err := f.RegularSubsetter()
			require.NoError(t, err)
			bold, err := f.BoldSubsetter()
			require.NoError(t, err)
			text := sampleText + "\n" + invoiceText()
			regSub, err := reg.SubsetString(text)
			require.NoError(t, err)
			boldSub, err := bold.SubsetString(text)
			require.NoError(t, err)

			var out bytes.Buffer
			var pdfErr error
			printed := captureStdout(t, func() {
				pdf := fpdf.New("P", "mm", "A4", "")
				pdf.AddUTF8FontFromBytes("X", "", regSub)
				pdf.AddUTF8FontFromBytes("X", "B", boldSub)
				pdf.AddPage()
				pdf.SetFont("X", "B", 14)
				pdf.Cell(0, 10, sampleText)
				pdf.Ln(10)
				pdf.SetFont("X", "", 10)
				for _, line := range invoiceLines {
					pdf.Cell(0, 6, line)
					pdf.Ln(6)
				}
				pdf.MultiCell(60, 5, sampleText, "1", "J", false)
				pdfErr = pdf.Output(&out)
				if pdfErr == nil {
					pdfErr = pdf.Error()
				}
			})
			require.NoError(t, pdfErr)
			assert.Empty(t, printed, "fpdf printed a complaint")
			assert.Contains(t, out.String(), "/FontFile2")
			assert.Contains(t, out.String(), "/CIDFontType2")

			if got, ok := pdfText(t, out.Bytes()); ok {
				for _, line := range append([]string{sampleText}, invoiceLines...) {
					assert.Contains(t, collapseSpaces(got), collapseSpaces(line))
				}
			}
		})
	}
}

// collapseSpaces folds runs of white space, which text extraction does not
// reproduce exactly.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
