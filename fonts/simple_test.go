package fonts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func simpleFonts(t *testing.T, slug, text string) (reg, bold *SimpleFont) {
	t.Helper()
	f := mustFamily(t, slug)
	rs, err := f.RegularSubsetter()
	require.NoError(t, err)
	bs, err := f.BoldSubsetter()
	require.NoError(t, err)
	reg, err = rs.SimpleFont(text)
	require.NoError(t, err)
	bold, err = bs.SimpleFont(text)
	require.NoError(t, err)
	return reg, bold
}

// TestSimpleFontWithFpdf draws through fpdf's plain TrueType path and reads
// the text back: the encoding's glyph names must lead viewers to the right
// glyphs and text extraction to the right characters.
func TestSimpleFontWithFpdf(t *testing.T) {
	for _, slug := range Slugs() {
		t.Run(slug, func(t *testing.T) {
			text := sampleText + "\n" + invoiceText()
			reg, bold := simpleFonts(t, slug, text)

			var out bytes.Buffer
			var pdfErr error
			printed := captureStdout(t, func() {
				pdf := fpdf.New("P", "mm", "A4", "")
				pdf.AddFontFromBytes("X", "", reg.JSON, reg.Z)
				pdf.AddFontFromBytes("X", "B", bold.JSON, bold.Z)
				pdf.AddPage()
				pdf.SetFont("X", "B", 14)
				pdf.Cell(0, 10, bold.Encode(sampleText))
				pdf.Ln(10)
				pdf.SetFont("X", "", 10)
				for _, line := range invoiceLines {
					pdf.Cell(0, 6, reg.Encode(line))
					pdf.Ln(6)
				}
				pdf.MultiCell(60, 5, reg.Encode(sampleText), "1", "J", false)
				pdfErr = pdf.Output(&out)
				if pdfErr == nil {
					pdfErr = pdf.Error()
				}
			})
			require.NoError(t, pdfErr)
			assert.Empty(t, printed)
			pdf := out.String()
			assert.Contains(t, pdf, "/Subtype /TrueType")
			assert.Contains(t, pdf, "/BaseFont /"+reg.Name)
			assert.Contains(t, pdf, "/BaseFont /"+bold.Name)
			assert.Contains(t, pdf, "/FontFile2")
			assert.Contains(t, pdf, "/Differences [31 /.notdef /space")

			if got, ok := pdfText(t, out.Bytes()); ok {
				for _, line := range append([]string{sampleText}, invoiceLines...) {
					assert.Contains(t, collapseSpaces(got), collapseSpaces(line))
				}
			}
		})
	}
}

// TestWidthsMatchAcrossRoutes checks that layout does not change with the
// route: fpdf measures text set in the UTF-8 subset, and encoded text set
// in the simple font, exactly as it measures text set in the full font.
func TestWidthsMatchAcrossRoutes(t *testing.T) {
	for _, slug := range []string{"noto-sans", "lato", "liberation-serif"} {
		t.Run(slug, func(t *testing.T) {
			f := mustFamily(t, slug)
			reg, bold := simpleFonts(t, slug, invoiceText())
			regSub, err := Subset(f.Regular, []rune(invoiceText()))
			require.NoError(t, err)
			boldSub, err := Subset(f.Bold, []rune(invoiceText()))
			require.NoError(t, err)
			pdf := fpdf.New("P", "mm", "A4", "")
			pdf.AddUTF8FontFromBytes("U", "", f.Regular)
			pdf.AddUTF8FontFromBytes("U", "B", f.Bold)
			pdf.AddUTF8FontFromBytes("V", "", regSub)
			pdf.AddUTF8FontFromBytes("V", "B", boldSub)
			pdf.AddFontFromBytes("S", "", reg.JSON, reg.Z)
			pdf.AddFontFromBytes("S", "B", bold.JSON, bold.Z)
			for _, style := range []string{"", "B"} {
				sf := reg
				if style == "B" {
					sf = bold
				}
				for _, line := range invoiceLines {
					pdf.SetFont("U", style, 10)
					want := pdf.GetStringWidth(line)
					pdf.SetFont("V", style, 10)
					assert.InDelta(t, want, pdf.GetStringWidth(line), 1e-9, "subset: %q", line)
					pdf.SetFont("S", style, 10)
					assert.InDelta(t, want, pdf.GetStringWidth(sf.Encode(line)), 1e-9, "simple: %q", line)
				}
			}
			require.NoError(t, pdf.Error())
		})
	}
}

func TestSimpleFontEncode(t *testing.T) {
	s, err := mustFamily(t, "noto-sans").RegularSubsetter()
	require.NoError(t, err)
	sf, err := s.SimpleFont("ba Ł\n€{}0123456789")
	require.NoError(t, err)
	// Space is 32 and ASCII keeps its own code; the others take 0x7F on,
	// in rune order: Ł then €.
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{" ", " "},
		{"ab", "ab"},
		{"Ł€", "\x7f\x80"},
		{"{b}", "{b}"},               // fpdf's page alias stays itself ...
		{"0123456789", "0123456789"}, // ... and so do the digits that replace it
		{"a\tb\nb\r", "a\tb\nb\r"},
		{"xyz", "\x1f\x1f\x1f"}, // not in the font's set: .notdef
		{"a\x00b", "a\x1fb"},    // NUL would end fpdf's width loop
		{"😀", "\x1f"},           // beyond the BMP
		{"a\xffb", "a\x1fb"},    // invalid UTF-8
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, sf.Encode(tc.in), "%q", tc.in)
	}
	assert.True(t, sf.Covers("ab Ł€\n"))
	assert.False(t, sf.Covers("abc"))
}

// spillRunes returns 130 distinct non-ASCII letters: one more than the
// codes 0x7F-0xFF hold.
func spillRunes() []rune {
	var rs []rune
	for r := rune(0x391); len(rs) < 60; r++ {
		if r != 0x3A2 { // unassigned
			rs = append(rs, r)
		}
	}
	for r := rune(0x410); r < 0x410+64; r++ {
		rs = append(rs, r)
	}
	return append(rs, 'Ł', 'ł', 'Ż', 'ż', 'ğ', 'İ')
}

// TestSimpleFontSpillAndAlias reads back text whose runes spill into free
// ASCII codes, and checks fpdf's page-count alias, which it replaces in the
// finished page content as raw bytes.
func TestSimpleFontSpillAndAlias(t *testing.T) {
	spill := spillRunes()
	var lines []string
	for i := 0; i < len(spill); i += 26 {
		lines = append(lines, string(spill[i:min(i+26, len(spill))]))
	}
	lines = append(lines, "Total (net): 1,032.34 #7731 a/b \\ ~")
	footer := "Page %d of {nb}"
	runes := []rune(strings.Join(lines, "") + footer + "0123456789")
	s, err := mustFamily(t, "noto-sans").RegularSubsetter()
	require.NoError(t, err)
	sf, err := s.SimpleFontRunes(runes)
	require.NoError(t, err)
	require.Less(t, sf.Encode("я")[0], byte(0x7F), "the set must spill into ASCII codes")

	var out bytes.Buffer
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AliasNbPages("{nb}")
	pdf.AddFontFromBytes("X", "", sf.JSON, sf.Z)
	pdf.SetFooterFunc(func() {
		pdf.SetFont("X", "", 9)
		pdf.Text(20, 285, sf.Encode(fmt.Sprintf(footer, pdf.PageNo())))
	})
	for range 2 {
		pdf.AddPage()
		pdf.SetFont("X", "", 11)
		for _, line := range lines {
			require.True(t, sf.Covers(line), line)
			pdf.Cell(0, 7, sf.Encode(line))
			pdf.Ln(7)
		}
	}
	require.NoError(t, pdf.Output(&out))
	got, ok := pdfText(t, out.Bytes())
	if !ok {
		t.Skip("pdftotext not installed")
	}
	pages := strings.Split(got, "\f")
	require.GreaterOrEqual(t, len(pages), 2)
	for i, page := range pages[:2] {
		for _, line := range lines {
			assert.Contains(t, page, line, "page %d", i+1)
		}
		assert.Contains(t, page, fmt.Sprintf("Page %d of 2", i+1))
	}
}

// TestSimpleFontCodes checks the code assignment: printable ASCII is
// identity, other runes fill 0x7F-0xFF and then the ASCII codes the set
// leaves free, and the Differences name exactly the codes that are not
// identity.
func TestSimpleFontCodes(t *testing.T) {
	s, err := mustFamily(t, "noto-sans").RegularSubsetter()
	require.NoError(t, err)
	// 129 non-ASCII runes fill 0x7F-0xFF; the 130th spills to the first
	// free ASCII code.
	greekCyrillic := spillRunes()
	require.Len(t, greekCyrillic, 130)

	tests := []struct {
		name      string
		text      string
		want      map[rune]byte
		wantDiff  []string
		wantNoDif []string
	}{
		{
			name:      "ascii only",
			text:      "Page {nb} 0123456789",
			want:      map[rune]byte{'P': 'P', '{': '{', '}': '}', '0': '0', ' ': ' '},
			wantDiff:  []string{"31 /.notdef /space"},
			wantNoDif: []string{"/uni"},
		},
		{
			name:     "mixed",
			text:     "Ab Łódź €",
			want:     map[rune]byte{'A': 'A', 'b': 'b', 'ó': 0x7F, 'ĺ': 0, 'Ł': 0x80, 'ź': 0x81, '€': 0x82},
			wantDiff: []string{"31 /.notdef /space 127 /uni00F3 /uni0141 /uni017A /uni20AC"},
		},
		{
			name:     "spill into free ascii codes",
			text:     "!\"" + string(greekCyrillic),
			want:     map[rune]byte{'!': '!', '"': '"', 'ğ': 0x7F, 'İ': 0x80, 'я': '#'},
			wantDiff: []string{"31 /.notdef /space 35 /uni044F 127 /uni011F /uni0130"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sf, err := s.SimpleFont(tc.text)
			require.NoError(t, err)
			for r, code := range tc.want {
				if code == 0 {
					assert.False(t, sf.Covers(string(r)), "%q", r)
					continue
				}
				assert.Equal(t, string([]byte{code}), sf.Encode(string(r)), "%q", r)
			}
			var def fpdfFontDef
			require.NoError(t, json.Unmarshal(sf.JSON, &def))
			for _, d := range tc.wantDiff {
				assert.Contains(t, def.Diff, d)
			}
			for _, d := range tc.wantNoDif {
				assert.NotContains(t, def.Diff, d)
			}
			// Every rune has its own code, and codes carry its width.
			seen := map[byte]rune{}
			for _, r := range tc.text {
				code := sf.Encode(string(r))[0]
				if prev, ok := seen[code]; ok {
					assert.Equal(t, prev, r, "code %#x shared", code)
				}
				seen[code] = r
				assert.GreaterOrEqual(t, code, byte(32))
				assert.Positive(t, def.Cw[code], "width of %q", r)
			}
		})
	}
}

func TestSimpleFontDefinition(t *testing.T) {
	s, err := mustFamily(t, "noto-sans").RegularSubsetter()
	require.NoError(t, err)
	face := s.Face()
	sf, err := s.SimpleFont("Hello, Łódź! 漢")
	require.NoError(t, err)

	assert.Regexp(t, regexp.MustCompile(`^[A-Z]{6}\+NotoSans-Regular$`), sf.Name)
	var def fpdfFontDef
	require.NoError(t, json.Unmarshal(sf.JSON, &def))
	assert.Equal(t, "TrueType", def.Tp)
	assert.Equal(t, sf.Name, def.Name)
	assert.Equal(t, sf.Name+".z", def.File, "fpdf picks FlateDecode from the .z suffix")
	assert.Equal(t, sf.Size, def.OriginalSize)
	require.Len(t, def.Cw, 256)
	space, _ := face.Advance(' ')
	l, _ := face.Advance('Ł')
	assert.Equal(t, space, def.Cw[32]) // Noto Sans has 1000 units per em
	assert.Equal(t, l, def.Cw[sf.Encode("Ł")[0]])
	assert.Equal(t, face.advance(0), def.Cw[notdefCode])
	assert.Equal(t, def.Desc.MissingWidth, def.Cw[notdefCode])
	assert.Equal(t, def.Cw[sf.Encode("漢")[0]], def.Desc.MissingWidth, "a rune the font lacks is as wide as .notdef")
	assert.Equal(t, flagNonsymbolic, def.Desc.Flags)
	assert.Contains(t, def.Diff, "/uni0141") // Ł
	assert.NotContains(t, def.Diff, "/uni0048", "ASCII is named by the base encoding")
	assert.Contains(t, def.Diff, "/uni6F22") // 漢: named, drawn as .notdef

	// The program is the subset, and fpdf's name for it is tagged per set.
	same, err := s.SimpleFont("Hello, Łódź! 漢")
	require.NoError(t, err)
	assert.Equal(t, sf.Name, same.Name)
	other, err := s.SimpleFont("Hello, Lodz!")
	require.NoError(t, err)
	assert.NotEqual(t, sf.Name, other.Name)

	bold, err := mustFamily(t, "lato").BoldSubsetter()
	require.NoError(t, err)
	lb, err := bold.SimpleFont("x")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(lb.JSON, &def))
	assert.Equal(t, 0, def.Desc.ItalicAngle)
	assert.Greater(t, def.Desc.StemV, 87, "bold stems are wider")
}

func TestSimpleFontTooManyRunes(t *testing.T) {
	s, err := mustFamily(t, "noto-sans").RegularSubsetter()
	require.NoError(t, err)
	// Printable runes only: control characters (DEL, C1) take no code.
	var fits []rune
	for r := rune(0x21); len(fits) < MaxSimpleRunes-1; r++ {
		if r < 0x7F || r >= 0xA1 {
			fits = append(fits, r)
		}
	}
	tooMany := append(append([]rune{}, fits...), 'Ж')
	_, err = s.SimpleFontRunes(append(fits, ' ', '\n', 'A', 'A'))
	assert.NoError(t, err, "%d distinct runes plus space fit", len(fits))
	_, err = s.SimpleFontRunes(tooMany)
	assert.ErrorIs(t, err, ErrTooManyRunes)
}

func TestPDFName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NotoSans-Regular", "NotoSans-Regular"},
		{"", "Font"},
		{"My Font(1)/x#%", "My-Font-1--x--"},
		{"Łódź", "--d-"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, pdfName(tc.in), "%q", tc.in)
	}
}
