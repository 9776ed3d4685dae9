package brandkits

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveryhq/livery/fonts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lintKit is the valid fixture made lint-clean: its 240 px logo is too
// coarse to print. (Its orange accent is fine: accent is never text.)
func lintKit(t *testing.T) *Kit {
	t.Helper()
	k, err := LoadDir(validDir)
	require.NoError(t, err)
	k.Logo = &Image{Format: "png", Data: pngBytes(t, 600, 200), Width: 600, Height: 200}
	return k
}

// subsetFont cuts a bundled program down to the runes of text, for kit fonts
// that lack exactly the characters a test wants missing.
func subsetFont(t *testing.T, data []byte, text string) []byte {
	t.Helper()
	sub, err := fonts.Subset(data, []rune(text))
	require.NoError(t, err)
	return sub
}

// useKitFont makes k use family "kit:Brand", cut down to text.
func useKitFont(t *testing.T, k *Kit, text string) {
	t.Helper()
	regular, bold := bundledFont(t)
	k.Typography.BodyFamily, k.Typography.HeadingFamily = "kit:Brand", "kit:Brand"
	k.Fonts = map[string][]byte{
		"Brand-Regular.ttf": subsetFont(t, regular, text),
		"Brand-Bold.ttf":    subsetFont(t, bold, text),
	}
}

func TestLintBaseKitIsClean(t *testing.T) {
	assert.Empty(t, lintKit(t).Lint())
}

// Each rule with a kit that fails it and one that passes it; want lists
// every problem Lint reports, so the passing kits must report nothing.
func TestLintRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, k *Kit)
		want   []wantProblem
	}{
		// contrast
		{
			name:   "muted too light on the background and the panel",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Muted = "#9ca3af" },
			want: []wantProblem{{path: "colors.muted", message: "contrast 2.29:1 on the panel tint #f6f3f2 (2.53:1 on background #ffffff) is below 4.5:1 for body text (WCAG 2.x AA): " +
				"the footer, labels and captions (7.5 pt) and labels in the payment panel and the e-mail footer (7.5 pt)"}},
		},
		{
			name:   "muted just dark enough",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Muted = "#6e6e6e" },
		},
		{
			name:   "text fine on white but not on the zebra rows",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Text = "#767676" },
			want: []wantProblem{{path: "colors.text", message: "contrast 4:1 on the table-header tint #f3f0ee (4.11:1 on the panel tint #f6f3f2) is below 4.5:1 for body text (WCAG 2.x AA): " +
				"zebra rows, the payment panel and key facts (9.5 pt) and headers of tables in the text (9.5 pt bold)"}},
		},
		{
			name: "text dark enough for the panel without zebra rows",
			mutate: func(t *testing.T, k *Kit) {
				k.Colors.Text = "#595959"
				k.Layout.Table.Zebra = false
			},
		},
		{
			name:   "pale primary: text in primary unreadable, dark text on it fine",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Primary = "#f5d000" },
			want: []wantProblem{{path: "colors.primary", message: "contrast 1.51:1 on background #ffffff is below 4.5:1 for body text (WCAG 2.x AA): " +
				"the document title (22 pt bold), the amount due (12 pt bold), ## headings in PDFs (13 pt bold), running heads (7.5 pt bold), links (10 pt) and the link under call-to-action buttons in PDFs (7.5 pt)"}},
		},
		{
			name:   "mid primary: large title passes at 3:1, white table headers on it do not",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Primary = "#e07a1f" },
			want: []wantProblem{
				{path: "colors.primary", message: "contrast 3.01:1 on background #ffffff is below 4.5:1 for body text (WCAG 2.x AA): " +
					"the amount due (12 pt bold), ## headings in PDFs (13 pt bold), running heads (7.5 pt bold), links (10 pt) and the link under call-to-action buttons in PDFs (7.5 pt)"},
				{path: "colors.primary", message: "contrast 3.01:1 of text #ffffff on primary #e07a1f is below 4.5:1 for body text (WCAG 2.x AA): table headers (8.5 pt bold)"},
				{path: "colors.primary", message: "contrast 2.4:1 of text #f8e2ce on primary #e07a1f is below 4.5:1 for body text (WCAG 2.x AA): the brand's details in the header band (7.5 pt)"},
			},
		},
		{
			name:   "teal primary readable as text and under white text",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Primary = "#0b6770" },
		},
		{
			name: "grey primary: neither white nor the text colour reads on it",
			mutate: func(t *testing.T, k *Kit) {
				k.Colors.Primary, k.Colors.Text = "#888888", "#333333"
			},
			// The button takes the e-mail's choice between white (3.54:1)
			// and the text colour (3.56:1) in both channels.
			want: []wantProblem{
				{path: "colors.primary", message: "contrast 3.54:1 on background #ffffff is below 4.5:1 for body text (WCAG 2.x AA): " +
					"the amount due (12 pt bold), ## headings in PDFs (13 pt bold), running heads (7.5 pt bold), links (10 pt) and the link under call-to-action buttons in PDFs (7.5 pt)"},
				{path: "colors.primary", message: "contrast 3.54:1 of text #ffffff on primary #888888 is below 4.5:1 for body text (WCAG 2.x AA): table headers (8.5 pt bold)"},
				{path: "colors.primary", message: "contrast 2.81:1 of text #e5e5e5 on primary #888888 is below 4.5:1 for body text (WCAG 2.x AA): the brand's details in the header band (7.5 pt)"},
				{path: "colors.primary", message: "contrast 3.56:1 of text #333333 on primary #888888 is below 4.5:1 for body text (WCAG 2.x AA): table headers in e-mails (8.5 pt bold) and call-to-action buttons (10.5 pt bold)"},
			},
		},
		{
			// Links and the call-to-action button are drawn in the primary
			// colour in both channels; the accent only decorates.
			name:   "pale accent: decoration only, never checked",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Accent = "#ffe14d" },
		},
		{
			name:   "broken colour reported by Validate only",
			mutate: func(t *testing.T, k *Kit) { k.Colors.Muted = "grey" },
			want:   []wantProblem{{path: "colors.muted", message: `must be a hex colour "#rrggbb" or "#rgb", got "grey"`}},
		},

		// fonts
		{
			name: "kit font lacks a character of a vocabulary replacement",
			mutate: func(t *testing.T, k *Kit) {
				useKitFont(t, k, k.lintTexts()+Alphabet("de-DE")+"€£$")
				k.Tone.Vocabulary = map[string]string{"OHM": "Ω-Widerstand"}
			},
			want: []wantProblem{
				{path: "fonts/Brand-Regular.ttf", message: `cannot draw "Ω" (U+03A9), used in the kit's texts or the document layout`},
				{path: "fonts/Brand-Bold.ttf", message: `cannot draw "Ω" (U+03A9), used in the kit's texts or the document layout`},
			},
		},
		{
			name: "kit font lacks a character of the wording: Validate's problem, once",
			mutate: func(t *testing.T, k *Kit) {
				useKitFont(t, k, k.lintTexts()+Alphabet("de-DE")+"€£$")
				k.Tone.Signature = "Ihr Team 咖"
			},
			want: []wantProblem{
				{path: "fonts/Brand-Regular.ttf", message: `cannot draw "咖" (U+5496) used in the kit's wording`},
				{path: "fonts/Brand-Bold.ttf", message: `cannot draw "咖" (U+5496) used in the kit's wording`},
			},
		},
		{
			name: "bundled family lacks a character of the kit's texts",
			mutate: func(t *testing.T, k *Kit) {
				k.Identity.Website = "https://咖啡.example"
			},
			want: []wantProblem{
				{path: "typography.body_family", message: `noto-sans cannot draw "咖" (U+5496), "啡" (U+5561), used in the kit's texts`},
				{path: "typography.body_family", message: `noto-sans bold cannot draw "咖" (U+5496), "啡" (U+5561)`},
				{path: "typography.heading_family", message: `noto-serif cannot draw "咖" (U+5496), "啡" (U+5561)`},
				{path: "typography.heading_family", message: `noto-serif bold cannot draw "咖" (U+5496), "啡" (U+5561)`},
			},
		},
		{
			name: "kit font covers the texts but not the locale's alphabet",
			mutate: func(t *testing.T, k *Kit) {
				alphabet := strings.NewReplacer("Ä", "", "„", "").Replace(Alphabet("de-DE"))
				useKitFont(t, k, k.lintTexts()+alphabet+"€£$")
			},
			want: []wantProblem{
				{path: "fonts/Brand-Regular.ttf", message: `cannot draw "Ä" (U+00C4), "„" (U+201E) of the de-DE alphabet: documents in that language may need them`, warning: true},
				{path: "fonts/Brand-Bold.ttf", message: `cannot draw "Ä" (U+00C4), "„" (U+201E) of the de-DE alphabet: documents in that language may need them`, warning: true},
			},
		},
		{
			name: "complete kit font",
			mutate: func(t *testing.T, k *Kit) {
				regular, bold := bundledFont(t)
				k.Typography.BodyFamily, k.Typography.HeadingFamily = "kit:Brand", "kit:Brand"
				k.Fonts = map[string][]byte{"Brand-Regular.ttf": regular, "Brand-Bold.ttf": bold}
			},
		},

		// logo
		{
			name: "logo too coarse for 300 dpi",
			mutate: func(t *testing.T, k *Kit) {
				k.Logo = &Image{Format: "png", Data: pngBytes(t, 600, 100), Width: 600, Height: 100}
				k.Layout.Header.LogoWidth = 120
			},
			want: []wantProblem{{path: "logo.png", message: "600 px wide prints at 127 dpi at 120 mm; 300 dpi needs 1417 px", warning: true}},
		},
		{
			name: "JPEG logo too coarse",
			mutate: func(t *testing.T, k *Kit) {
				k.Logo = &Image{Format: "jpeg", Data: jpegBytes(t, 240, 80), Width: 240, Height: 80}
			},
			want: []wantProblem{{path: "logo.jpg", message: "240 px wide prints at 135 dpi at 45 mm; 300 dpi needs 531 px", warning: true}},
		},
		{
			name: "logo just sharp enough",
			mutate: func(t *testing.T, k *Kit) {
				k.Logo = &Image{Format: "png", Data: pngBytes(t, 1417, 100), Width: 1417, Height: 100}
				k.Layout.Header.LogoWidth = 120
			},
		},
		{
			name:   "no logo",
			mutate: func(t *testing.T, k *Kit) { k.Logo = nil },
			want:   []wantProblem{{path: "logo.png", message: "no logo", warning: true}},
		},
		{
			name:   "unusable logo reported by Validate only",
			mutate: func(t *testing.T, k *Kit) { k.Logo = &Image{Format: "png", Width: 20_000, Height: 10} },
			want:   []wantProblem{{path: "logo.png", message: "at most 10000 per side"}},
		},

		// legal identity
		{
			name: "German invoices without VAT id, address, register, bank",
			mutate: func(t *testing.T, k *Kit) {
				k.Identity.VATID, k.Identity.Address, k.Identity.RegistrationID = "", nil, ""
				k.Identity.IBAN, k.Identity.BIC = "", ""
			},
			want: []wantProblem{
				{path: "identity.vat_id", message: "required for invoices from DE (de-DE): EU invoices state the seller's VAT id"},
				{path: "identity.address", message: "required for invoices from DE (de-DE)"},
				{path: "identity.registration_id", message: "Handelsregister", warning: true},
				{path: "identity.iban", message: "recommended", warning: true},
				{path: "identity.bic", message: "recommended", warning: true},
			},
		},
		{
			name: "French kit without SIREN",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Locale, k.Identity.Country, k.Identity.RegistrationID = "fr-FR", "FR", ""
			},
			want: []wantProblem{{path: "identity.registration_id", message: "recommended for invoices from FR (fr-FR): the SIREN number and RCS registration", warning: true}},
		},
		{
			name: "country from the locale when identity.country is empty",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Locale, k.Identity.Country, k.Identity.VATID = "nl-NL", "", ""
			},
			want: []wantProblem{{path: "identity.vat_id", message: "required for invoices from NL (nl-NL)"}},
		},
		{
			name: "British kit: address required, VAT number only if registered",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Locale, k.Identity.Country = "en-GB", "GB"
				k.Identity.VATID, k.Identity.Address, k.Identity.IBAN, k.Identity.BIC = "", []string{" "}, "", ""
			},
			want: []wantProblem{
				{path: "identity.address", message: "required for invoices from GB (en-GB)"},
				{path: "identity.address[0]", message: "empty line"}, // Validate's
				{path: "identity.vat_id", message: "leave it empty only if not registered", warning: true},
			},
		},
		{
			name: "American kit: address only",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Locale, k.Identity.Country, k.Layout.Paper, k.Layout.AddressBlock = "en-US", "US", "Letter", "us10"
				k.Identity.VATID, k.Identity.RegistrationID, k.Identity.IBAN, k.Identity.BIC = "", "", "", ""
			},
		},
		{
			name: "American kit without address",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Locale, k.Identity.Country, k.Layout.Paper, k.Layout.AddressBlock = "en-US", "US", "Letter", "us10"
				k.Identity.Address = nil
			},
			want: []wantProblem{{path: "identity.address", message: "required for invoices from US (en-US)"}},
		},
		{
			name: "country without rules",
			mutate: func(t *testing.T, k *Kit) {
				k.Identity.Country, k.Identity.VATID, k.Identity.Address = "CH", "", nil
			},
		},

		// templates
		{
			name: "unknown placeholder reported by Validate, once",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Greetings = map[string][]Template{"invoice": {{Text: "Hallo {vorname},"}, {Text: "Hallo,"}}}
			},
			want: []wantProblem{{path: "tone.greetings.invoice[0].text", message: "unknown placeholder {vorname}"}},
		},
		{
			name: "candidates hidden by an earlier one",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.Greetings = map[string][]Template{
					"invoice": {{Text: "Guten Tag,"}, {Text: "Hallo {first_name},"}, {Text: "Hallo,"}},
					"notice": {
						{Text: "Sehr geehrte Frau,", Gender: GenderFemale},
						{Text: "Sehr geehrte Frau {last_name},", Gender: GenderFemale},
						{Text: "Hallo {first_name},"},
						{Text: "Hallo {first_name},"},
						{Text: "Guten Tag,"},
					},
				}
			},
			want: []wantProblem{
				{path: "tone.greetings.invoice[1]", message: `never used: candidate 0 ("Guten Tag,") before it fits every recipient`, warning: true},
				{path: "tone.greetings.invoice[2]", message: `never used: candidate 0 ("Guten Tag,")`, warning: true},
				{path: "tone.greetings.notice[1]", message: `never used: candidate 0 ("Sehr geehrte Frau,") before it fits every female recipient`, warning: true},
				{path: "tone.greetings.notice[3]", message: "never used: same as candidate 2", warning: true},
			},
		},
		{
			name: "every candidate reachable",
			mutate: func(t *testing.T, k *Kit) {
				k.Tone.SignOffs = map[string][]Template{"default": {
					{Text: "Herzlich, {first_name}", Gender: GenderFemale},
					{Text: "Liebe Grüße", Gender: GenderFemale},
					{Text: "Lieber Gruß", Gender: GenderMale},
					{Text: "Viele Grüße"},
				}}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := lintKit(t)
			tt.mutate(t, k)
			assertProblems(t, tt.want, k.Lint())
		})
	}
}

func TestLintSortedAndStable(t *testing.T) {
	k := lintKit(t)
	k.Colors.Muted = "#cccccc"
	k.Logo = nil
	k.Identity.VATID = ""
	k.Tone.Greetings = map[string][]Template{"invoice": {{Text: "Hallo,"}, {Text: "Hallo,"}}}
	got := k.Lint()
	require.Len(t, got, 4)
	for i := 1; i < len(got); i++ {
		assert.LessOrEqual(t, got[i-1].Path, got[i].Path)
	}
	assert.Equal(t, got, k.Lint(), "deterministic")
}

func TestLintDoesNotChangeTheKit(t *testing.T) {
	k := &Kit{Name: "roastery", Identity: Identity{BrandName: "R", LegalName: "R GmbH", Address: []string{"Weg 1"}, VATID: "DE123456789"}}
	before := *k
	ps := k.Lint()
	assert.Equal(t, before, *k)
	// Linted with defaults (en-GB, noto-sans): only the missing logo.
	assertProblems(t, []wantProblem{{path: "logo.png", message: "no logo", warning: true}}, ps)
}

func TestSortProblems(t *testing.T) {
	got := sortProblems([]Problem{
		{Path: "logo.png", Message: "b", Warning: true},
		{Path: "colors.text", Message: "z"},
		{Path: "logo.png", Message: "a"},
		{Path: "colors.text", Message: "z"},
		{Path: "colors.text", Message: "z", Warning: true},
	})
	assert.Equal(t, []Problem{
		{Path: "colors.text", Message: "z"},
		{Path: "colors.text", Message: "z", Warning: true},
		{Path: "logo.png", Message: "a"},
		{Path: "logo.png", Message: "b", Warning: true},
	}, got)
}

func TestLintDir(t *testing.T) {
	got, err := LintDir(validDir)
	require.NoError(t, err)
	assertProblems(t, []wantProblem{
		{path: "logo.png", message: "240 px wide prints at 135 dpi at 45 mm; 300 dpi needs 531 px", warning: true},
	}, got)

	// A kit that does not load reports what stops it, not an error.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kit.yaml"), []byte(minimalYAML+"colors: {primary: red}\n"), 0o644))
	got, err = LintDir(dir)
	require.NoError(t, err)
	assertProblems(t, []wantProblem{{path: "colors.primary", message: `must be a hex colour`}}, got)

	// A folder that cannot be read is an error.
	dir = t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "kit.yaml"), 0o755))
	_, err = LintDir(dir)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrInvalid)
}

// Every sample kit lints without an error: the samples are what new kits
// are copied from. The folders are read from disk rather than through
// package samples, which imports this one.
func TestLintSampleKits(t *testing.T) {
	const dir = "../samples/kits"
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	require.NotEmpty(t, names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ps, err := LintDir(filepath.Join(dir, name))
			require.NoError(t, err)
			for _, p := range ps {
				assert.True(t, p.Warning, "sample kit %s: lint error %s", name, p)
			}
		})
	}
}

// Every bundled family draws every locale's alphabet, so kits using them never
// see the alphabet warning.
func TestBundledFontsCoverAlphabets(t *testing.T) {
	for _, slug := range fonts.Slugs() {
		fam, ok := fonts.Lookup(slug)
		require.True(t, ok)
		for _, locale := range Locales {
			for style, get := range map[string]func() (*fonts.Face, error){"regular": fam.RegularFace, "bold": fam.BoldFace} {
				face, err := get()
				require.NoError(t, err)
				assert.Empty(t, string(face.Missing(Alphabet(locale)+layoutRunes)), "%s %s, %s", slug, style, locale)
			}
		}
	}
}

func TestAlphabet(t *testing.T) {
	tests := []struct {
		locale      string
		has, hasNot string
	}{
		{"en-GB", "AZaz09£€$’", "äß«"},
		{"de-DE", "ÄÖÜäöüß„“", "«ç"},
		{"fr-FR", "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ«»\u202f\u00a0", "ß"},
		{"nl-NL", "ëïéèöüáó", "ĳĲß"},
		{"xx-XX", "Aa", "ä"}, // unknown locales fall back to en-GB
	}
	for _, tt := range tests {
		a := Alphabet(tt.locale)
		for _, r := range tt.has {
			assert.Contains(t, a, string(r), "%s has %q", tt.locale, r)
		}
		for _, r := range tt.hasNot {
			assert.NotContains(t, a, string(r), "%s lacks %q", tt.locale, r)
		}
	}
}
