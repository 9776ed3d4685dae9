package brandkits

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/liveryhq/livery/fonts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const validDir = "testdata/kits/valid"

// Needs the real fonts package (noto-sans and noto-serif bundled).
func TestLoadDirValid(t *testing.T) {
	k, err := LoadDir(validDir)
	require.NoError(t, err)

	assert.Equal(t, "roastery", k.Name)
	assert.Equal(t, "Roastery Kaffeerösterei GmbH", k.Identity.LegalName)
	assert.Equal(t, []string{"Röstweg 12", "10115 Berlin"}, k.Identity.Address)
	assert.Equal(t, "#6b3e26", k.Colors.Primary, "upper case normalised")
	assert.Equal(t, "#222222", k.Colors.Text, "#rgb expanded")
	assert.Equal(t, "noto-serif", k.Typography.HeadingFamily)
	assert.Equal(t, 7.5, k.Typography.SmallSize)
	assert.Equal(t, "de-DE", k.Tone.Locale)
	assert.True(t, k.Tone.FixLegacyCaps)
	assert.Equal(t, []Template{
		{Text: "Sehr geehrte Frau {last_name},", Gender: "female"},
		{Text: "Sehr geehrter Herr {last_name},", Gender: "male"},
		{Text: "Guten Tag,"},
	}, k.Tone.Greetings["payment_reminder"], "bare strings are candidates without gender")
	assert.Equal(t, "din5008b", k.Layout.AddressBlock)
	assert.True(t, k.Layout.Footer.PageNumbers)
	assert.True(t, k.Layout.Table.Zebra)

	require.NotNil(t, k.Logo)
	assert.Equal(t, "png", k.Logo.Format)
	assert.Equal(t, 240, k.Logo.Width)
	assert.Equal(t, 80, k.Logo.Height)
	assert.Empty(t, k.Fonts)

	yamlBytes, err := os.ReadFile(filepath.Join(validDir, "kit.yaml"))
	require.NoError(t, err)
	logo, err := os.ReadFile(filepath.Join(validDir, "logo.png"))
	require.NoError(t, err)
	assert.Equal(t, Ref{Name: "roastery", Version: 0, Hash: ContentHash(yamlBytes, map[string][]byte{"logo.png": logo})}, k.Ref)
	assert.Empty(t, k.Problems(), "no warnings either")
}

func TestLoadDirErrors(t *testing.T) {
	_, err := LoadDir(t.TempDir())
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "kit.yaml: missing")

	// A folder that cannot be read is not the designer's mistake.
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "kit.yaml"), 0o755))
	_, err = LoadDir(dir)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrInvalid)
}

// Needs the real fonts package: kit fonts are built from a bundled family.
func TestLoadDirFontsAndLogo(t *testing.T) {
	dir := t.TempDir()
	yamlBytes := []byte(minimalYAML + "typography: {body_family: kit:Brand}\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kit.yaml"), yamlBytes, 0o644))
	jpg := jpegBytes(t, 30, 20)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "logo.jpg"), jpg, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "fonts"), 0o755))
	regular, bold := bundledFont(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fonts", "Brand-Regular.ttf"), regular, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fonts", "Brand-Bold.ttf"), bold, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fonts", "OFL.txt"), []byte("licence"), 0o644))

	k, err := LoadDir(dir)
	require.NoError(t, err)
	assert.Equal(t, "kit:Brand", k.Typography.BodyFamily)
	assert.Equal(t, "kit:Brand", k.Typography.HeadingFamily, "heading follows body")
	assert.Len(t, k.Fonts, 2, "the licence file is not a font")
	assert.Equal(t, "jpeg", k.Logo.Format)
	assert.Equal(t, ContentHash(yamlBytes, map[string][]byte{
		"logo.jpg": jpg, "fonts/Brand-Regular.ttf": regular, "fonts/Brand-Bold.ttf": bold,
	}), k.Ref.Hash)
}

func TestLoadFS(t *testing.T) {
	logo := pngBytes(t, 4, 4)
	fsys := fstest.MapFS{
		"kit.yaml":          {Data: []byte(minimalYAML)},
		"logo.png":          {Data: logo},
		"README.md":         {Data: []byte("ignored: LoadFS reads only kit files")},
		"fonts/OFL.txt":     {Data: []byte("licence")},
		"fonts/.hidden.ttf": {Data: []byte("ignored")},
	}
	k, err := LoadFS(fsys)
	require.NoError(t, err)
	assert.Equal(t, 4, k.Logo.Width)
	assert.Equal(t, ContentHash([]byte(minimalYAML), map[string][]byte{"logo.png": logo}), k.Ref.Hash)

	fsys["fonts/Huge.ttf"] = &fstest.MapFile{Data: make([]byte, MaxFontBytes+10)}
	_, err = LoadFS(fsys)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assertProblems(t, []wantProblem{{path: "fonts/Huge.ttf", message: "too large: at most 16 MB"}}, ve.Problems)
}

func TestContentHash(t *testing.T) {
	y := []byte("name: a")
	base := ContentHash(y, map[string][]byte{"logo.png": []byte("xy")})
	assert.Len(t, base, 64)
	assert.Equal(t, base, ContentHash(y, map[string][]byte{"logo.png": []byte("xy")}), "deterministic")
	for name, other := range map[string]string{
		"yaml changed":         ContentHash([]byte("name: b"), map[string][]byte{"logo.png": []byte("xy")}),
		"asset changed":        ContentHash(y, map[string][]byte{"logo.png": []byte("xz")}),
		"asset renamed":        ContentHash(y, map[string][]byte{"logo.jpg": []byte("xy")}),
		"bytes moved":          ContentHash([]byte("name: ax"), map[string][]byte{"logo.png": []byte("y")}),
		"asset added":          ContentHash(y, map[string][]byte{"logo.png": []byte("xy"), "fonts/A.ttf": nil}),
		"no assets":            ContentHash(y, nil),
		"split across assets":  ContentHash(y, map[string][]byte{"logo.png": []byte("x"), "logo.pnh": []byte("y")}),
		"yaml passed as asset": ContentHash(nil, map[string][]byte{"kit.yaml": y, "logo.png": []byte("xy")}),
	} {
		assert.NotEqual(t, base, other, name)
	}
}

// minimalYAML is the least a kit needs; broken cases add to it.
const minimalYAML = "name: roastery\nidentity:\n  brand_name: Roastery\n  legal_name: Roastery GmbH\n"

type wantProblem struct {
	path    string
	message string // substring
	warning bool
}

// Needs the real fonts package: the default family must resolve so that only
// the problems listed are errors.
func TestParseReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []wantProblem
	}{
		{
			name: "unknown key with suggestion and line",
			yaml: minimalYAML + "layout:\n  margin: {top: 10}\n",
			want: []wantProblem{{path: "layout.margin", message: `unknown key (line 6); did you mean "margins"?`}},
		},
		{
			name: "unknown top-level key",
			yaml: minimalYAML + "colours: {primary: '#000000'}\n",
			want: []wantProblem{{path: "colours", message: `unknown key (line 5); did you mean "colors"?`}},
		},
		{
			name: "known key at the wrong level",
			yaml: minimalYAML + "vat_id: DE123\n",
			want: []wantProblem{{path: "vat_id", message: `unknown key (line 5); did you mean "identity.vat_id"?`}},
		},
		{
			name: "unknown key without a close match",
			yaml: minimalYAML + "tone:\n  sparkle: true\n",
			want: []wantProblem{{path: "tone.sparkle", message: "unknown key (line 6)"}},
		},
		{
			name: "unknown key inside a candidate",
			yaml: minimalYAML + "tone:\n  greetings:\n    invoice:\n      - {txt: Hello}\n",
			want: []wantProblem{{path: "tone.greetings.invoice[0].txt", message: `unknown key (line 8); did you mean "text"?`}},
		},
		{
			name: "bad colour",
			yaml: minimalYAML + "colors:\n  primary: blue\n",
			want: []wantProblem{{path: "colors.primary", message: `must be a hex colour "#rrggbb" or "#rgb", got "blue" (line 6)`}},
		},
		{
			name: "unquoted colour is a comment",
			yaml: minimalYAML + "colors:\n  accent: #FF8800\n",
			want: []wantProblem{{path: "colors.accent", message: `write the colour in quotes, "#FF8800"`}},
		},
		{
			name: "bad locale",
			yaml: minimalYAML + "tone: {locale: es-ES}\n",
			want: []wantProblem{{path: "tone.locale", message: `must be one of en-GB, en-US, de-DE, fr-FR, nl-NL, got "es-ES"`}},
		},
		{
			name: "missing legal name",
			yaml: "name: roastery\nidentity: {brand_name: Roastery}\n",
			want: []wantProblem{{path: "identity.legal_name", message: "required"}},
		},
		{
			name: "bad name",
			yaml: "name: Roastery Coffee\nidentity: {brand_name: R, legal_name: R}\n",
			want: []wantProblem{{path: "name", message: `lower-case letters, digits and hyphens, starting with a letter or digit, got "Roastery Coffee" (line 1)`}},
		},
		{
			name: "template with unknown field",
			yaml: minimalYAML + "tone:\n  greetings:\n    invoice: ['Dear {nickname},', 'Hello,']\n",
			want: []wantProblem{{path: "tone.greetings.invoice[0].text", message: "unknown placeholder {nickname}"}},
		},
		{
			name: "template with unbalanced brace",
			yaml: minimalYAML + "tone:\n  sign_offs:\n    default: ['Regards {name', 'Regards']\n",
			want: []wantProblem{{path: "tone.sign_offs.default[0].text", message: `unbalanced "{"`}},
		},
		{
			name: "missing neutral fallback",
			yaml: minimalYAML + "tone:\n  greetings:\n    default:\n      - 'Dear {name},'\n",
			want: []wantProblem{{path: "tone.greetings.default", message: `the last candidate must have no placeholders and no gender, so every recipient gets one; end with e.g. "Dear customer,"`}},
		},
		{
			name: "gendered fallback",
			yaml: minimalYAML + "tone:\n  locale: de-DE\n  sign_offs:\n    notice:\n      - {text: Tschüss, gender: female}\n",
			want: []wantProblem{{path: "tone.sign_offs.notice", message: `end with e.g. "Mit freundlichen Grüßen"`}},
		},
		{
			name: "empty candidate list and bad gender",
			yaml: minimalYAML + "tone:\n  greetings:\n    invoice: []\n    notice: [{text: 'Hi {first_name},', gender: f}, Hello]\n",
			want: []wantProblem{
				{path: "tone.greetings.invoice", message: "needs at least one candidate"},
				{path: "tone.greetings.notice[0].gender", message: `must be female, male or other, got "f"`},
			},
		},
		{
			name: "labels: unknown key, unknown placeholder, empty, missing placeholder",
			yaml: minimalYAML + "tone:\n  labels:\n    totl: Sum\n    tax: 'VAT {percent}'\n    invoice: ''\n    page: 'Page {page}'\n",
			want: []wantProblem{
				{path: "tone.labels.totl", message: `unknown label key; did you mean "total"?`},
				{path: "tone.labels.tax", message: "unknown placeholder {percent}"},
				{path: "tone.labels.invoice", message: `empty: remove it to use the default "Invoice"`},
				{path: "tone.labels.page", message: "does not use {pages}", warning: true},
			},
		},
		{
			name: "wrong types",
			yaml: minimalYAML + "typography: {base_size: big}\nlayout:\n  footer: {page_numbers: yes}\n  header: [band]\ntone:\n  keep_upper: KWH\n  labels: [a]\n",
			want: []wantProblem{
				{path: "typography.base_size", message: `expected a number, got "big" (line 5)`},
				{path: "layout.footer.page_numbers", message: `expected true or false, got "yes" (line 7)`},
				{path: "layout.header", message: "expected a mapping of keys, got a list (line 8)"},
				{path: "tone.keep_upper", message: `expected a list, got "KWH" (line 10)`},
				{path: "tone.labels", message: "expected a mapping of keys, got a list (line 11)"},
			},
		},
		{
			name: "ranges, NaN included",
			yaml: minimalYAML + "typography: {base_size: 30, line_height: .nan}\nlayout:\n  margins: {left: 2}\n  header: {logo_width: 500}\n",
			want: []wantProblem{
				{path: "typography.base_size", message: "must be between 7 and 16 pt, got 30 (line 5)"},
				{path: "typography.line_height", message: "must be between 1 and 2, got NaN"},
				{path: "layout.margins.left", message: "must be between 5 and 50 mm, got 2 (line 7)"},
				{path: "layout.header.logo_width", message: "must be between 5 and 120 mm, got 500"},
			},
		},
		{
			name: "enumerations",
			yaml: minimalYAML + "tone: {formality: casual}\nlayout:\n  paper: A5\n  header: {style: bands, logo_position: middle}\n  address_block: din5008c\n  table: {rules: all}\n",
			want: []wantProblem{
				{path: "tone.formality", message: `must be one of formal, informal, got "casual"`},
				{path: "layout.paper", message: `must be one of A4, Letter, got "A5"`},
				{path: "layout.header.style", message: `got "bands"; did you mean "band"?`},
				{path: "layout.header.logo_position", message: `got "middle"`},
				{path: "layout.address_block", message: `got "din5008c"; did you mean "din5008a"?`},
				{path: "layout.table.rules", message: `got "all"`},
			},
		},
		{
			name: "identity details",
			yaml: "name: roastery\nidentity:\n  brand_name: R\n  legal_name: R\n  iban: DE89 3704 0044 0532 0130 01\n  bic: COBA\n  email: billing at roastery\n  country: Germany\n  address: [Röstweg 12, '']\n",
			want: []wantProblem{
				{path: "identity.iban", message: "not a valid IBAN"},
				{path: "identity.bic", message: "not a valid BIC"},
				{path: "identity.email", message: "not an e-mail address"},
				{path: "identity.country", message: "ISO 3166-1 alpha-2"},
				{path: "identity.address[1]", message: "empty line"},
			},
		},
		{
			name: "unknown font family",
			yaml: minimalYAML + "typography: {body_family: noto-snas, heading_family: 'kit:My Font'}\n",
			want: []wantProblem{
				{path: "typography.body_family", message: `unknown font family "noto-snas"; did you mean "noto-sans"?`},
				{path: "typography.heading_family", message: "NAME must be letters, digits, - and _"},
			},
		},
		{
			name: "kit font files missing",
			yaml: minimalYAML + "typography: {body_family: 'kit:Brand'}\n",
			want: []wantProblem{{path: "typography.body_family", message: `family "kit:Brand" needs fonts/Brand-Regular.ttf and fonts/Brand-Bold.ttf (line 5)`}},
		},
		{
			name: "footer placeholders",
			yaml: minimalYAML + "layout:\n  footer: {legal_text: '{legal_name} · {ceo}'}\n",
			want: []wantProblem{{path: "layout.footer.legal_text", message: "unknown placeholder {ceo}"}},
		},
		{
			name: "vocabulary and keep_upper",
			yaml: minimalYAML + "tone:\n  vocabulary: {ELEC: '', 'K.W.H.': kWh, kwh: kWh, KWH: kWh}\n  keep_upper: [VAT, ' ']\n",
			want: []wantProblem{
				{path: "tone.vocabulary.ELEC", message: "empty replacement"},
				{path: "tone.vocabulary.kwh", message: `same word as "KWH"`, warning: true},
				{path: "tone.keep_upper[1]", message: "empty word"},
			},
		},
		{
			name: "duplicate key",
			yaml: minimalYAML + "colors:\n  primary: '#000000'\n  primary: '#111111'\n",
			want: []wantProblem{{path: "colors.primary", message: "duplicate key (lines 6 and 7)"}},
		},
		{
			name: "broken list entry",
			yaml: minimalYAML + "tone:\n  greetings:\n    invoice:\n      - Hello\n      -\n      - [a]\n",
			want: []wantProblem{
				{path: "tone.greetings.invoice[1]", message: "empty entry (line 9)"},
				{path: "tone.greetings.invoice[2]", message: "expected a mapping of keys, got a list (line 10)"},
			},
		},
		{
			name: "syntax error",
			yaml: "name: roastery\nidentity: {brand_name: R\n",
			want: []wantProblem{{path: "kit.yaml", message: "line 1: did not find expected ',' or '}'"}},
		},
		{
			name: "empty",
			yaml: "# nothing yet\n",
			want: []wantProblem{{path: "kit.yaml", message: "empty"}},
		},
		{
			name: "not a mapping",
			yaml: "- name: roastery\n",
			want: []wantProblem{{path: "kit.yaml", message: "expected a mapping of keys such as name:"}},
		},
		{
			name: "two documents",
			yaml: minimalYAML + "---\nname: other\n",
			want: []wantProblem{{path: "kit.yaml", message: "more than one YAML document"}},
		},
		{
			name: "everything at once",
			yaml: "name: roastery\nidentity: {brand_name: Roastery}\ncolors: {primary: blue}\ntone:\n  locale: es-ES\n  greetings:\n    default: ['Dear {nick},']\nlayout:\n  margin: 3\n",
			want: []wantProblem{
				{path: "layout.margin", message: `unknown key (line 9); did you mean "margins"?`},
				{path: "identity.legal_name", message: "required"},
				{path: "colors.primary", message: "must be a hex colour"},
				{path: "tone.locale", message: "must be one of"},
				{path: "tone.greetings.default[0].text", message: "unknown placeholder {nick}"},
				{path: "tone.greetings.default", message: "the last candidate must have no placeholders"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse([]byte(tt.yaml), nil)
			var got []Problem
			if err != nil {
				assert.Nil(t, k)
				require.ErrorIs(t, err, ErrInvalid)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				got = ve.Problems
			} else {
				got = k.Problems()
			}
			assertProblems(t, tt.want, got)
		})
	}
}

// assertProblems checks that want and got hold the same problems: every
// wanted one is there, and nothing else.
func assertProblems(t *testing.T, want []wantProblem, got []Problem) {
	t.Helper()
	matched := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !matched[i] && g.Path == w.path && g.Warning == w.warning && strings.Contains(g.Message, w.message) {
				matched[i], found = true, true
				break
			}
		}
		assert.True(t, found, "missing problem %s: %q (warning %v)\ngot: %v", w.path, w.message, w.warning, got)
	}
	for i, g := range got {
		assert.True(t, matched[i], "unexpected problem %v", g)
	}
}

func TestParseMergeAndAliases(t *testing.T) {
	yamlText := minimalYAML + `colors:
  primary: &brand "#6b3e26"
  accent: *brand
layout:
  margins: &m {top: 15, left: 30}
  header:
    <<: {style: minimal}
    logo_width: 30
tone:
  greetings:
    invoice: &g [Hello]
    notice: *g
`
	k, err := Parse([]byte(yamlText), nil)
	require.NoError(t, err)
	assert.Equal(t, "#6b3e26", k.Colors.Accent)
	assert.Equal(t, "minimal", k.Layout.Header.Style)
	assert.Equal(t, 15.0, k.Layout.Margins.Top)
	assert.Equal(t, 20.0, k.Layout.Margins.Right, "defaulted")
	assert.Equal(t, []Template{{Text: "Hello"}}, k.Tone.Greetings["notice"])

	_, err = Parse([]byte(minimalYAML+"layout:\n  header:\n    <<: {stile: band}\n"), nil)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), `layout.header.stile: unknown key (line 7); did you mean "style"?`)
}

func TestParseExcessiveAliases(t *testing.T) {
	// 400 keys aliasing a list of 400 aliases: 160,000 candidates to walk
	// from a 10 kB file.
	var b strings.Builder
	b.WriteString(minimalYAML + "tone:\n  signature: &t Hello\n  sign_offs:\n    default: &l [" + strings.Repeat("*t, ", 399) + "*t]\n  greetings:\n")
	for i := range 400 {
		b.WriteString("    k" + strconv.Itoa(i) + ": *l\n")
	}
	_, err := Parse([]byte(b.String()), nil)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "kit.yaml: too many values (more than 100000, counting aliases)")
}

func TestParseAliasCycles(t *testing.T) {
	for in, want := range map[string]string{
		"layout: &a {header: *a}\n":             "layout.header: an alias refers to a value that contains it",
		"layout: &a\n  <<: *a\n":                "layout: an alias refers to a value that contains it",
		"layout:\n  header:\n    <<: &a [*a]\n": "layout.header: a << merge needs a mapping or a list of mappings",
		"tone: {keep_upper: &a [*a]}\n":         "tone.keep_upper[0]: an alias refers to a value that contains it",
		"tone: {greetings: &a {x: *a}}\n":       "tone.greetings.x: an alias refers to a value that contains it",
	} {
		_, err := Parse([]byte(minimalYAML+in), nil)
		require.ErrorIs(t, err, ErrInvalid, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

func TestParsePageNumbersDefault(t *testing.T) {
	for name, tc := range map[string]struct {
		yaml string
		want bool
	}{
		"omitted":   {minimalYAML, true},
		"null":      {minimalYAML + "layout: {footer: {page_numbers: null}}\n", true},
		"false":     {minimalYAML + "layout: {footer: {page_numbers: false}}\n", false},
		"true":      {minimalYAML + "layout: {footer: {page_numbers: true}}\n", true},
		"no footer": {minimalYAML + "layout: {footer: }\n", true},
	} {
		t.Run(name, func(t *testing.T) {
			k, err := Parse([]byte(tc.yaml), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, k.Layout.Footer.PageNumbers)
		})
	}
}

func TestParseAssets(t *testing.T) {
	png1 := pngBytes(t, 20, 10)
	tests := []struct {
		name   string
		assets map[string][]byte
		want   []wantProblem
	}{
		{"png logo", map[string][]byte{"logo.png": png1}, nil},
		{"jpeg logo", map[string][]byte{"logo.jpg": jpegBytes(t, 20, 10)}, nil},
		{"jpeg named png is detected by content", map[string][]byte{"logo.png": jpegBytes(t, 20, 10)}, nil},
		{"both logos", map[string][]byte{"logo.png": png1, "logo.jpg": jpegBytes(t, 20, 10)},
			[]wantProblem{{path: "logo.jpg", message: "both logo.png and logo.jpg exist"}}},
		{"gif", map[string][]byte{"logo.png": gifBytes(t)},
			[]wantProblem{{path: "logo.png", message: "not a PNG or JPEG image (it is a GIF)"}}},
		{"svg", map[string][]byte{"logo.png": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
			[]wantProblem{{path: "logo.png", message: "it is SVG; export it as PNG"}}},
		{"truncated png", map[string][]byte{"logo.png": png1[:len(png1)-20]},
			[]wantProblem{{path: "logo.png", message: "broken PNG image"}}},
		{"too many pixels per side", map[string][]byte{"logo.png": pngBytes(t, 10_001, 1)},
			[]wantProblem{{path: "logo.png", message: "image is 10001×1 pixels, at most 10000 per side"}}},
		{"too large file", map[string][]byte{"logo.png": append(bytes.Clone(png1), make([]byte, MaxLogoBytes)...)},
			[]wantProblem{{path: "logo.png", message: "too large: at most 5 MB"}}},
		{"unexpected file", map[string][]byte{"README.md": []byte("hi"), "fonts/sub/A.ttf": nil},
			[]wantProblem{
				{path: "README.md", message: "unexpected file"},
				{path: "fonts/sub/A.ttf", message: "unexpected file"},
			}},
		{"CFF otf", map[string][]byte{"fonts/Brand-Regular.otf": append([]byte("OTTO"), make([]byte, 64)...)},
			[]wantProblem{{path: "fonts/Brand-Regular.otf", message: "CFF-flavoured OpenType (.otf) cannot be embedded in PDFs"}}},
		{"garbage ttf", map[string][]byte{"fonts/Brand-Regular.ttf": []byte("not a font")},
			[]wantProblem{{path: "fonts/Brand-Regular.ttf", message: ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse([]byte(minimalYAML), tt.assets)
			if len(tt.want) == 0 {
				require.NoError(t, err)
				require.NotNil(t, k.Logo)
				assert.Equal(t, 20, k.Logo.Width)
				assert.Equal(t, 10, k.Logo.Height)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assertProblems(t, tt.want, ve.Problems)
		})
	}
}

// Needs the real fonts package: kit fonts are copies of bundled ones.
func TestParseKitFonts(t *testing.T) {
	regular, bold := bundledFont(t)
	cff := append([]byte("OTTO"), make([]byte, 64)...)
	tests := []struct {
		name   string
		yaml   string
		assets map[string][]byte
		want   []wantProblem
	}{
		{
			name:   "complete family",
			yaml:   minimalYAML + "typography: {body_family: 'kit:Brand', heading_family: noto-serif}\n",
			assets: map[string][]byte{"fonts/Brand-Regular.ttf": regular, "fonts/Brand-Bold.ttf": bold},
		},
		{
			name:   "bold missing, otf instead",
			yaml:   minimalYAML + "typography: {body_family: 'kit:Brand'}\n",
			assets: map[string][]byte{"fonts/Brand-Regular.ttf": regular, "fonts/Brand-Bold.otf": cff},
			want: []wantProblem{
				{path: "fonts/Brand-Bold.otf", message: "CFF-flavoured OpenType"},
				// once, though heading_family follows body_family
				{path: "typography.body_family", message: `needs fonts/Brand-Bold.ttf (found fonts/Brand-Bold.otf: only TrueType .ttf files are used)`},
			},
		},
		{
			name:   "unused font",
			yaml:   minimalYAML,
			assets: map[string][]byte{"fonts/Spare-Regular.ttf": regular},
			want:   []wantProblem{{path: "fonts/Spare-Regular.ttf", message: "not used", warning: true}},
		},
		{
			name:   "glyphs missing for the kit's wording",
			yaml:   minimalYAML + "typography: {body_family: 'kit:Brand', heading_family: noto-sans}\ntone: {signature: 咖啡}\n",
			assets: map[string][]byte{"fonts/Brand-Regular.ttf": regular, "fonts/Brand-Bold.ttf": bold},
			want: []wantProblem{
				{path: "fonts/Brand-Regular.ttf", message: `cannot draw "咖" (U+5496), "啡" (U+5561)`},
				{path: "fonts/Brand-Bold.ttf", message: `cannot draw "咖" (U+5496)`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse([]byte(tt.yaml), tt.assets)
			var got []Problem
			if err != nil {
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				got = ve.Problems
			} else {
				got = k.Problems()
			}
			assertProblems(t, tt.want, got)
		})
	}
}

func TestValidationError(t *testing.T) {
	err := error(&ValidationError{Problems: []Problem{
		{Path: "colors.primary", Message: "bad"},
		{Path: "layout.address_block", Message: "odd", Warning: true},
		{Path: "name", Message: "required"},
	}})
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.Equal(t, "invalid brand kit (2 errors, 1 warning): colors.primary: bad; layout.address_block: odd (warning); name: required", err.Error())
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Errors(), 2)
	assert.Len(t, ve.Warnings(), 1)

	one := &ValidationError{Problems: []Problem{{Path: "kit.yaml", Message: "empty"}}}
	assert.Equal(t, "invalid brand kit (1 error): kit.yaml: empty", one.Error())
}

func bundledFont(t *testing.T) (regular, bold []byte) {
	t.Helper()
	fam, ok := fonts.Lookup("lato")
	require.True(t, ok, "bundled font lato missing: the fonts package is not in place yet")
	return fam.Regular, fam.Bold
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil))
	return b.Bytes()
}

func gifBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black}), nil))
	return b.Bytes()
}
