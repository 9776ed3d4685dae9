package brandkits

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Minimum contrast ratios of WCAG 2.x success criterion 1.4.3 (level AA).
const (
	MinContrastText  = 4.5 // body text
	MinContrastLarge = 3.0 // large text, see IsLargeText
)

// IsLargeText reports whether text of size pt counts as large text in WCAG
// 2.x: at least 18 pt, or at least 14 pt when bold.
func IsLargeText(pt float64, bold bool) bool {
	return pt >= 18 || bold && pt >= 14
}

// RelativeLuminance returns the WCAG 2.x relative luminance of a colour
// written "#rrggbb" or "#rgb": 0 for black, 1 for white.
func RelativeLuminance(color string) (float64, error) {
	c, err := parseColor(color)
	if err != nil {
		return 0, err
	}
	return c.luminance(), nil
}

// ContrastRatio returns the WCAG 2.x contrast ratio of two colours written
// "#rrggbb" or "#rgb", from 1 (identical) to 21 (black on white). The order
// of the colours does not matter.
func ContrastRatio(a, b string) (float64, error) {
	ca, err := parseColor(a)
	if err != nil {
		return 0, err
	}
	cb, err := parseColor(b)
	if err != nil {
		return 0, err
	}
	return contrast(ca, cb), nil
}

// srgb is an 8-bit sRGB colour.
type srgb struct{ r, g, b uint8 }

var whiteRGB = srgb{255, 255, 255}

func parseColor(s string) (srgb, error) {
	n := normalizeColor(s)
	if !isHexColor(n) {
		return srgb{}, fmt.Errorf("%q is not a colour #rrggbb or #rgb", s)
	}
	v, err := strconv.ParseUint(n[1:], 16, 32)
	if err != nil { // unreachable after isHexColor, kept for safety
		return srgb{}, fmt.Errorf("%q is not a colour #rrggbb or #rgb", s)
	}
	return srgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

func (c srgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

// luminance linearises each channel with the sRGB transfer function and
// weighs them by the eye's sensitivity. WCAG 2.0 printed the threshold as
// 0.03928 where sRGB says 0.04045 (the renderers use the former); no 8-bit
// value lies between the two (10/255 < 0.03928, 11/255 > 0.04045), so both
// give the same ratios.
func (c srgb) luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

func contrast(a, b srgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix blends a towards b by t in [0, 1], rounding like the renderers do, so
// the tints checked are the tints printed.
func mixColor(a, b srgb, t float64) srgb {
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return srgb{f(a.r, b.r), f(a.g, b.g), f(a.b, b.b)}
}

// formatRatio prints a ratio truncated, never rounded, to two decimals:
// WCAG forbids rounding up, and 4.499 shown as "4.5:1" next to "below
// 4.5:1" would read as a contradiction.
func formatRatio(r float64) string {
	// The epsilon keeps 4.3, stored as 4.2999…, from printing as 4.29.
	s := strconv.FormatFloat(math.Floor(r*100+1e-9)/100, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
