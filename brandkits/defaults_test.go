package brandkits

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApplyDefaults(t *testing.T) {
	tests := []struct {
		name  string
		kit   Kit
		check func(t *testing.T, k *Kit)
	}{
		{
			name: "empty kit",
			check: func(t *testing.T, k *Kit) {
				assert.Equal(t, "en-GB", k.Tone.Locale)
				assert.Equal(t, Formal, k.Tone.Formality)
				assert.Equal(t, "A4", k.Layout.Paper)
				assert.Equal(t, Margins{Top: 20, Right: 20, Bottom: 20, Left: 25}, k.Layout.Margins)
				assert.Equal(t, "din5008a", k.Layout.AddressBlock)
				assert.Equal(t, Header{Style: "band", LogoPosition: "left", LogoWidth: 40}, k.Layout.Header)
				assert.Equal(t, "horizontal", k.Layout.Table.Rules)
				assert.Equal(t, Typography{HeadingFamily: "noto-sans", BodyFamily: "noto-sans", BaseSize: 10, HeadingSize: 20, SmallSize: 8, LineHeight: 1.35}, k.Typography)
				assert.Equal(t, Colors{Primary: "#1f3a5f", Secondary: "#1f3a5f", Accent: "#1f3a5f", Text: "#1a1a1a", Muted: "#646b78", Background: "#ffffff"}, k.Colors)
			},
		},
		{
			name: "letter paper",
			kit:  Kit{Layout: Layout{Paper: "letter", Margins: Margins{Top: 30}}},
			check: func(t *testing.T, k *Kit) {
				assert.Equal(t, "Letter", k.Layout.Paper)
				assert.Equal(t, Margins{Top: 30, Right: 19.05, Bottom: 19.05, Left: 19.05}, k.Layout.Margins)
				assert.Equal(t, "us10", k.Layout.AddressBlock)
			},
		},
		{
			name: "en-US means Letter",
			kit:  Kit{Tone: Tone{Locale: "en_us"}},
			check: func(t *testing.T, k *Kit) {
				assert.Equal(t, "en-US", k.Tone.Locale)
				assert.Equal(t, "Letter", k.Layout.Paper)
				assert.Equal(t, "us10", k.Layout.AddressBlock)
			},
		},
		{
			name: "explicit values and spelling",
			kit: Kit{
				Identity:   Identity{Country: " de"},
				Colors:     Colors{Primary: "#ABC", Accent: " #FF8800 ", Text: "black"},
				Typography: Typography{BodyFamily: "kit:Brand"},
				Tone:       Tone{Locale: "DE-de", Formality: "Informal"},
				Layout:     Layout{Paper: "A4", AddressBlock: "US10", Header: Header{Style: "Minimal"}},
			},
			check: func(t *testing.T, k *Kit) {
				assert.Equal(t, "DE", k.Identity.Country)
				assert.Equal(t, "#aabbcc", k.Colors.Primary)
				assert.Equal(t, "#aabbcc", k.Colors.Secondary, "follows primary")
				assert.Equal(t, "#ff8800", k.Colors.Accent)
				assert.Equal(t, "black", k.Colors.Text, "left for Validate")
				assert.Equal(t, "kit:Brand", k.Typography.HeadingFamily, "follows body")
				assert.Equal(t, "de-DE", k.Tone.Locale)
				assert.Equal(t, Informal, k.Tone.Formality)
				assert.Equal(t, "us10", k.Layout.AddressBlock)
				assert.Equal(t, "minimal", k.Layout.Header.Style)
			},
		},
		{
			name: "broken primary is not copied",
			kit:  Kit{Colors: Colors{Primary: "brown"}},
			check: func(t *testing.T, k *Kit) {
				assert.Equal(t, "brown", k.Colors.Primary)
				assert.Equal(t, "#1f3a5f", k.Colors.Secondary)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.kit
			k.ApplyDefaults()
			tt.check(t, &k)
			again := k
			again.ApplyDefaults()
			assert.Equal(t, k, again, "idempotent")
		})
	}
}

// Needs the real fonts package for the default family.
func TestValidateDefaultsOnly(t *testing.T) {
	k := &Kit{Name: "roastery", Identity: Identity{BrandName: "Roastery", LegalName: "Roastery GmbH"}}
	k.ApplyDefaults()
	require.NoError(t, k.Validate())
	assert.Empty(t, k.Problems())
}

// Needs the real fonts package for the default family.
func TestValidateWarningsOnly(t *testing.T) {
	k := &Kit{Name: "roastery", Identity: Identity{BrandName: "R", LegalName: "R"}, Layout: Layout{Paper: "Letter", AddressBlock: "din5008a"}}
	k.ApplyDefaults()
	require.NoError(t, k.Validate(), "warnings alone do not fail")
	assertProblems(t, []wantProblem{{path: "layout.address_block", message: "din5008a places the address for A4 window envelopes, but the paper is Letter; use us10", warning: true}}, k.Problems())

	k.Name = ""
	err := k.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, `invalid brand kit (1 error, 1 warning): name: required: a lower-case slug such as "roastery"; layout.address_block: din5008a places the address for A4 window envelopes, but the paper is Letter; use us10 (warning)`, err.Error())
}

func TestValidateLogo(t *testing.T) {
	k := &Kit{Name: "roastery", Identity: Identity{BrandName: "R", LegalName: "R"}}
	k.ApplyDefaults()
	k.Logo = &Image{Format: "gif", Width: 1, Height: 1}
	assertProblems(t, []wantProblem{{path: "logo.png", message: `format "gif"`}}, k.Problems())
	k.Logo = &Image{Format: "jpeg", Width: 20_000, Height: 10}
	assertProblems(t, []wantProblem{{path: "logo.jpg", message: "at most 10000 per side"}}, k.Problems())
	k.Logo = &Image{Format: "png", Width: 6000, Height: 6000}
	assertProblems(t, []wantProblem{{path: "logo.png", message: "at most 25 megapixels"}}, k.Problems())
}

// A kit that sets only what has no default lints without an error: every
// colour pair the defaults make passes the contrast checks. The address is
// not a default but the law's: en-GB invoices must state it.
func TestLintDefaultKit(t *testing.T) {
	k := &Kit{Name: "northbound", Identity: Identity{
		BrandName: "Northbound Coffee", LegalName: "Northbound Coffee Ltd",
		Address: []string{"4 Harbour Row", "Edinburgh EH6 6LU"},
	}}
	for _, p := range k.Lint() {
		assert.True(t, p.Warning, "default kit: lint error %s", p)
		assert.NotContains(t, p.Path, "colors.", "default kit: %s", p)
	}

	// The default muted grey holds even on the panel tint of the darkest
	// primary a kit could pick.
	k.Colors.Primary = "#000000"
	for _, p := range k.Lint() {
		assert.NotEqual(t, "colors.muted", p.Path, "default muted on a black primary's tint: %s", p)
	}
}
