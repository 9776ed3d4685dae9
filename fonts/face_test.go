package fonts

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlugsAndLookup(t *testing.T) {
	want := []string{"lato", "liberation-sans", "liberation-serif", "noto-sans", "noto-serif"}
	assert.Equal(t, want, Slugs())
	assert.True(t, slices.IsSorted(Slugs()))

	_, ok := Lookup("comic-sans")
	assert.False(t, ok)
	_, ok = Lookup("")
	assert.False(t, ok)
}

func TestBundledFamilies(t *testing.T) {
	const latinExt = "Łódź Żółć ąęśńź İstanbul ğüşçı Škoda őű ÅÆØ €"
	const greek = "Ωμέγα Αθήνα ευχαριστώ"
	const cyrillic = "Привет Москва ЁёЙй Україна ґєї"
	tests := []struct {
		slug, name, psRegular, psBold string
		covers                        []string
	}{
		{"noto-sans", "Noto Sans", "NotoSans-Regular", "NotoSans-Bold", []string{latinExt, greek, cyrillic, "₽ ₴ №"}},
		{"noto-serif", "Noto Serif", "NotoSerif-Regular", "NotoSerif-Bold", []string{latinExt, greek, cyrillic, "₽ ₴ №"}},
		{"liberation-sans", "Liberation Sans", "LiberationSans", "LiberationSans-Bold", []string{latinExt, greek, cyrillic}},
		{"liberation-serif", "Liberation Serif", "LiberationSerif", "LiberationSerif-Bold", []string{latinExt, greek, cyrillic}},
		// Lato 2.0 as packaged by Debian has Greek and Cyrillic too.
		{"lato", "Lato", "Lato-Regular", "Lato-Bold", []string{latinExt, greek, cyrillic}},
	}
	for _, tc := range tests {
		t.Run(tc.slug, func(t *testing.T) {
			f := mustFamily(t, tc.slug)
			assert.Equal(t, tc.slug, f.Slug)
			assert.Equal(t, tc.name, f.Name)
			assert.Equal(t, "OFL-1.1", f.License)
			assert.NotEmpty(t, f.Regular)
			assert.NotEmpty(t, f.Bold)

			reg, err := f.RegularFace()
			require.NoError(t, err)
			bold, err := f.BoldFace()
			require.NoError(t, err)
			assert.Equal(t, tc.psRegular, reg.PostScriptName())
			assert.Equal(t, tc.psBold, bold.PostScriptName())
			assert.Equal(t, tc.name, reg.FamilyName())
			for _, s := range tc.covers {
				assert.Empty(t, string(reg.Missing(s)), "regular: %s", s)
				assert.Empty(t, string(bold.Missing(s)), "bold: %s", s)
			}
			assert.Empty(t, reg.Missing(invoiceText()))
			lic := f.LicenseText()
			assert.Contains(t, lic, "SIL OPEN FONT LICENSE Version 1.1")
			assert.Contains(t, lic, tc.name)
		})
	}
}

func TestFamilyFacesParseOnce(t *testing.T) {
	f := mustFamily(t, "noto-sans")
	a, err := f.RegularFace()
	require.NoError(t, err)
	b, err := f.RegularFace()
	require.NoError(t, err)
	assert.Same(t, a, b, "the bundled face must be parsed once and shared")

	s1, err := f.RegularSubsetter()
	require.NoError(t, err)
	s2, err := f.RegularSubsetter()
	require.NoError(t, err)
	assert.Same(t, s1, s2)
	assert.Same(t, a, s1.Face())

	bold, err := f.BoldFace()
	require.NoError(t, err)
	assert.NotSame(t, a, bold)

	// A Family made by hand (not from Lookup) still works.
	hand := &Family{Slug: "x", Regular: f.Regular, Bold: f.Bold}
	assert.Empty(t, hand.LicenseText())
	face, err := hand.BoldFace()
	require.NoError(t, err)
	assert.Equal(t, "NotoSans-Bold", face.PostScriptName())
	sub, err := hand.RegularSubsetter()
	require.NoError(t, err)
	assert.Equal(t, "NotoSans-Regular", sub.Face().PostScriptName())
}

func TestHasAndMissing(t *testing.T) {
	noto, err := mustFamily(t, "noto-sans").RegularFace()
	require.NoError(t, err)
	lib, err := mustFamily(t, "liberation-sans").RegularFace()
	require.NoError(t, err)
	tests := []struct {
		name    string
		face    *Face
		text    string
		missing []rune
	}{
		{"empty", noto, "", nil},
		{"ascii", noto, "Hello, World!", nil},
		{"controls are covered", noto, "a\tb\nc\r\x00\x7f", nil},
		{"wide coverage", noto, sampleText, nil},
		{"distinct, in order", lib, "a₽b₽ c 😀 ₽ 😀", []rune{'₽', '😀'}},
		{"CJK", noto, "漢字 abc かな", []rune{'漢', '字', 'か', 'な'}},
		{"invalid UTF-8 decodes to U+FFFD", lib, "a\xffb", []rune{0xFFFD}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.missing, tc.face.Missing(tc.text))
		})
	}

	hasTests := []struct {
		face *Face
		r    rune
		want bool
	}{
		{noto, 'A', true},
		{noto, 'Ł', true},
		{noto, 'Ж', true},
		{noto, 'Ω', true},
		{noto, '€', true},
		{noto, '漢', false},
		{noto, '😀', false},
		{noto, -1, false},
		{noto, 0x110000, false},
		{noto, 0xFFFF, false},
		{lib, '₽', false},
		{noto, '\n', false}, // Has is the cmap's word; Missing forgives controls
	}
	for _, tc := range hasTests {
		assert.Equal(t, tc.want, tc.face.Has(tc.r), "%s has %U", tc.face.PostScriptName(), tc.r)
	}

	adv, ok := noto.Advance('A')
	assert.True(t, ok)
	assert.Positive(t, adv)
	_, ok = noto.Advance('漢')
	assert.False(t, ok)
	assert.Equal(t, 1000, noto.UnitsPerEm())
	assert.Greater(t, noto.NumGlyphs(), 3000)
}

// patched returns a copy of data with fn applied to the named table.
func patched(t *testing.T, data []byte, tag string, fn func(table []byte)) []byte {
	t.Helper()
	out := slices.Clone(data)
	off, n := tableAt(t, out, tag)
	fn(out[off : off+n])
	return out
}

func TestParseRejects(t *testing.T) {
	noto := mustFamily(t, "noto-sans").Regular
	// A CFF-flavoured OpenType file as far as the directory goes: the error
	// must come before anything looks at the CFF data.
	otf := sfntFile("OTTO", map[string][]byte{"CFF ": make([]byte, 64), "head": make([]byte, 54), "cmap": make([]byte, 4)})
	// A TrueType-tagged file whose outlines are CFF.
	cffInTTF := sfntFile("\x00\x01\x00\x00", map[string][]byte{"CFF2": make([]byte, 64), "head": make([]byte, 54)})
	noGlyf := sfntFile("\x00\x01\x00\x00", map[string][]byte{"head": make([]byte, 54)})
	noName := sfntFile("\x00\x01\x00\x00", map[string][]byte{"glyf": nil, "loca": nil, "head": nil, "hhea": nil, "maxp": nil, "hmtx": nil, "cmap": nil, "post": nil})
	outside := slices.Clone(noto[:12+16])
	binary.BigEndian.PutUint16(outside[4:], 1)

	tests := []struct {
		name    string
		data    []byte
		want    error
		message string
	}{
		{"nil", nil, ErrMalformed, "too short"},
		{"empty", []byte{}, ErrMalformed, "too short"},
		{"text", []byte("this is not a font, just some text"), ErrMalformed, "not a font program"},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), ErrMalformed, "not a font program"},
		{"CFF .otf", otf, ErrNotTrueType, "font is CFF-flavoured OpenType (.otf); Livery needs TrueType outlines (glyf)"},
		{"CFF2 in a TrueType wrapper", cffInTTF, ErrNotTrueType, "CFF-flavoured"},
		{"collection", append([]byte("ttcf"), noto[4:200]...), ErrNotTrueType, "collection (.ttc)"},
		{"WOFF", append([]byte("wOFF"), noto[4:200]...), ErrNotTrueType, "WOFF"},
		{"WOFF2", append([]byte("wOF2"), noto[4:200]...), ErrNotTrueType, "WOFF"},
		{"no glyf", noGlyf, ErrNotTrueType, "no glyf table"},
		{"no name table", noName, ErrMalformed, `required table "name" is missing`},
		{"empty directory", []byte("\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), ErrMalformed, "directory is empty"},
		{"truncated directory", noto[:100], ErrMalformed, "directory of 18 tables is truncated"},
		{"table outside the file", outside, ErrMalformed, "lies outside"},
		{"truncated to half", noto[:len(noto)/2], ErrMalformed, "lies outside"},
		{"last byte missing", noto[:len(noto)-1], ErrMalformed, "lies outside"},
		{"bad head magic", patched(t, noto, "head", func(b []byte) { b[12] = 0 }), ErrMalformed, "bad magic"},
		{"bad unitsPerEm", patched(t, noto, "head", func(b []byte) { binary.BigEndian.PutUint16(b[18:], 1) }), ErrMalformed, "unitsPerEm"},
		{"bad loca format", patched(t, noto, "head", func(b []byte) { b[51] = 7 }), ErrMalformed, "indexToLocFormat"},
		{"zero glyphs", patched(t, noto, "maxp", func(b []byte) { binary.BigEndian.PutUint16(b[4:], 0) }), ErrMalformed, "no glyphs"},
		{"too many hmetrics", patched(t, noto, "hhea", func(b []byte) { binary.BigEndian.PutUint16(b[34:], 0xFFFF) }), ErrMalformed, "numberOfHMetrics"},
		{"restricted licence", patched(t, noto, "OS/2", func(b []byte) { binary.BigEndian.PutUint16(b[8:], 0x0002) }), ErrEmbeddingRestricted, "fsType 0x0002"},
		{"no subsetting", patched(t, noto, "OS/2", func(b []byte) { binary.BigEndian.PutUint16(b[8:], 0x0100) }), ErrEmbeddingRestricted, "fsType 0x0100"},
		{"no Unicode cmap", patched(t, noto, "cmap", func(b []byte) {
			for i := range int(binary.BigEndian.Uint16(b[2:])) {
				binary.BigEndian.PutUint16(b[4+8*i:], 7) // unknown platform
			}
		}), ErrNotTrueType, "no Unicode BMP cmap"},
		{"loca past glyf", patched(t, noto, "loca", func(b []byte) { binary.BigEndian.PutUint16(b[len(b)-2:], 0xFFFF) }), ErrMalformed, "outside the glyf table"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.data)
			require.Error(t, err)
			assert.Nil(t, f)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.message)
			// Each kind of refusal is its own: a CFF font is not "malformed".
			for _, other := range []error{ErrNotTrueType, ErrMalformed, ErrEmbeddingRestricted} {
				if other != tc.want {
					assert.False(t, errors.Is(err, other), "%v is also %v", err, other)
				}
			}
		})
	}
}

func TestParseAcceptsEditableEmbedding(t *testing.T) {
	// 0x0004 (preview & print) and 0x0008 (editable) allow embedding.
	noto := mustFamily(t, "noto-sans").Regular
	for _, fsType := range []uint16{0, 0x0004, 0x0008} {
		_, err := Parse(patched(t, noto, "OS/2", func(b []byte) { binary.BigEndian.PutUint16(b[8:], fsType) }))
		assert.NoError(t, err, "fsType 0x%04x", fsType)
	}
}

// TestParseNeverPanics feeds Parse (and, when it accepts, the subsetter)
// truncated, random and bit-flipped programs: a font uploaded to a brand
// kit must never take the service down.
func TestParseNeverPanics(t *testing.T) {
	src := mustFamily(t, "liberation-sans").Regular
	rng := rand.New(rand.NewPCG(1, 2))
	try := func(data []byte) {
		t.Helper()
		require.NotPanics(t, func() {
			f, err := Parse(data)
			if err != nil {
				return
			}
			f.Missing(sampleText)
			sub, err := NewSubsetter(f).Subset([]rune(sampleText + "AÅÆ"))
			if err == nil {
				_, _ = Parse(sub) // may fail on a mangled source, must not panic
			}
			if sf, err := NewSubsetter(f).SimpleFont(sampleText); err == nil {
				sf.Encode(sampleText)
			}
		}, "len %d", len(data))
	}
	// Every short prefix, then prefixes cut inside each table.
	for n := 0; n < 600; n++ {
		try(src[:n])
	}
	for range 40 {
		try(src[:rng.IntN(len(src))])
	}
	// Random bytes, with and without a TrueType header.
	for range 50 {
		b := make([]byte, rng.IntN(4096))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		try(b)
		if len(b) > 12 {
			copy(b, "\x00\x01\x00\x00\x00\x08")
			try(b)
		}
	}
	// Flips in the directory and in the tables the parser and subsetter read.
	regions := [][2]int{{0, 12 + 16*int(binary.BigEndian.Uint16(src[4:]))}}
	for _, tag := range []string{"head", "hhea", "maxp", "cmap", "loca", "name", "OS/2", "post", "hmtx"} {
		off, n := tableAt(t, src, tag)
		regions = append(regions, [2]int{off, off + min(n, 4096)})
	}
	for _, reg := range regions {
		for range 25 {
			b := slices.Clone(src)
			for range 1 + rng.IntN(8) {
				b[reg[0]+rng.IntN(reg[1]-reg[0])] ^= byte(1 << rng.IntN(8))
			}
			try(b)
		}
	}
	// Glyph data: flip bytes inside the glyphs sampleText uses.
	f, err := Parse(src)
	require.NoError(t, err)
	glyfOff, _ := tableAt(t, src, "glyf")
	for _, r := range sampleText + "AÅÆ" {
		start, end := f.glyphRange(f.glyphIndex(r))
		if start == end {
			continue
		}
		for range 10 {
			b := slices.Clone(src)
			b[glyfOff+start+rng.IntN(end-start)] = byte(rng.Uint32())
			try(b)
		}
	}
}

// FuzzParse lets `go test -fuzz FuzzParse ./fonts/` look for panics; in a
// normal test run it replays the seeds.
func FuzzParse(f *testing.F) {
	src := mustFamily(f, "liberation-sans").Regular
	f.Add(src[:4096])
	f.Add([]byte("OTTO\x00\x01\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		face, err := Parse(data)
		if err == nil {
			_, _ = NewSubsetter(face).Subset([]rune("Aé€"))
		}
	})
}
