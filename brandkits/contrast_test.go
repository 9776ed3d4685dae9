package brandkits

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContrastRatio(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want float64
	}{
		{"black on white", "#000000", "#ffffff", 21},
		{"order does not matter", "#ffffff", "#000000", 21},
		{"shorthand", "#fff", "#000", 21},
		{"upper case", "#FFFFFF", "#000000", 21},
		// The usual examples around the 4.5:1 line: #777 just fails, #767676 just passes.
		{"#777777 on white", "#777777", "#ffffff", 4.4781},
		{"#767676 on white", "#767676", "#ffffff", 4.5422},
		{"same colour", "#4a2c1d", "#4a2c1d", 1},
		// By hand: pure red has luminance 0.2126, so 1.05 / 0.2626.
		{"red on white", "#ff0000", "#ffffff", 3.9985},
		// Pure blue: 0.0722, so 1.05 / 0.1222.
		{"blue on white", "#0000ff", "#ffffff", 8.5925},
		// Mid grey: ((128/255 + 0.055) / 1.055)^2.4 = 0.21586, so 0.26586 / 0.05.
		{"grey on black", "#808080", "#000000", 5.3172},
		// Below the 0.04045 threshold the channel is linear: 10/255/12.92 = 0.0030353.
		{"near black on black", "#0a0a0a", "#000000", 1.0607},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ContrastRatio(tt.a, tt.b)
			require.NoError(t, err)
			assert.InDelta(t, tt.want, got, 0.0005)
		})
	}
}

func TestContrastRatioErrors(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"red", "#ffffff"},
		{"#ffffff", "#12345"},
		{"", "#000"},
		{"#ggg", "#000"},
	} {
		_, err := ContrastRatio(tt.a, tt.b)
		assert.Error(t, err, "%q on %q", tt.a, tt.b)
	}
}

func TestRelativeLuminance(t *testing.T) {
	tests := []struct {
		color string
		want  float64
	}{
		{"#000000", 0},
		{"#ffffff", 1},
		{"#ff0000", 0.2126},
		{"#00ff00", 0.7152},
		{"#0000ff", 0.0722},
		{"#808080", 0.21586},
	}
	for _, tt := range tests {
		t.Run(tt.color, func(t *testing.T) {
			got, err := RelativeLuminance(tt.color)
			require.NoError(t, err)
			assert.InDelta(t, tt.want, got, 0.00001)
		})
	}
	_, err := RelativeLuminance("blue")
	assert.Error(t, err)
}

func TestIsLargeText(t *testing.T) {
	tests := []struct {
		pt   float64
		bold bool
		want bool
	}{
		{18, false, true},
		{17.9, false, false},
		{14, true, true},
		{13.9, true, false},
		{14, false, false},
		{24, true, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IsLargeText(tt.pt, tt.bold), "%g pt bold=%v", tt.pt, tt.bold)
	}
}

func TestFormatRatio(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{21, "21"},
		{3.2, "3.2"},
		{4.3, "4.3"},
		{4.4776, "4.47"}, // truncated like WCAG checkers, never rounded up
		{4.4999, "4.49"},
		{1, "1"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, formatRatio(tt.in), "%v", tt.in)
	}
}

func TestMix(t *testing.T) {
	// Rounds half up like render's pdfMix and mixRGB, so the tints linted
	// are the tints printed.
	assert.Equal(t, srgb{128, 128, 128}, mixColor(whiteRGB, srgb{}, 0.5))
	assert.Equal(t, whiteRGB, mixColor(whiteRGB, srgb{1, 2, 3}, 0))
	assert.Equal(t, srgb{1, 2, 3}, mixColor(whiteRGB, srgb{1, 2, 3}, 1))
	// #6b3e26 at 6 % over white: 255 - 148*0.06 = 246.12, 255 - 193*0.06 = 243.42, 255 - 217*0.06 = 241.98.
	assert.Equal(t, "#f6f3f2", mixColor(whiteRGB, srgb{0x6b, 0x3e, 0x26}, 0.06).hex())
}
