package api

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/brandkits"
)

// contrastMessage matches the problems brandkits' contrast lint writes:
//
//	contrast 1.42:1 of text #ffffff on primary #f5d76e (1.5:1 on background #ffffff) is below 4.5:1 for body text (WCAG 2.x AA): table headers (8.5 pt bold) and …
//
// The text colour is named ("of text #…") only when it is not the kit colour
// at the problem's path. Lint offers no structured form of these checks, so
// the message is the contract; TestBrandkitLintContrast catches a drift.
var contrastMessage = regexp.MustCompile(`^contrast ([0-9.]+):1(?: of text (#[0-9a-f]{6}))? on (.+?) (#[0-9a-f]{6})(?: \((.+)\))? is below ([0-9.]+):1 for [a-z ]+ \(WCAG 2\.x AA\): (.+)$`)

// otherSurface matches one entry of the parenthesised list of further
// surfaces: "1.5:1 on background #ffffff".
var otherSurface = regexp.MustCompile(`([0-9.]+):1 on (.+?) (#[0-9a-f]{6})`)

// contrastChecks extracts the failing colour pairs from kit's lint
// problems: one per text colour and surface, worst first per colour.
func contrastChecks(kit *brandkits.Kit, problems []brandkits.Problem) []ContrastCheck {
	out := []ContrastCheck{}
	if kit == nil {
		return out
	}
	palette := kitPalette(kit)
	for _, p := range problems {
		m := contrastMessage.FindStringSubmatch(p.Message)
		if m == nil {
			continue
		}
		fg := m[2]
		if fg == "" {
			fg = palette[strings.TrimPrefix(p.Path, "colors.")]
		}
		minimum, _ := strconv.ParseFloat(m[6], 64)
		add := func(ratio, surface, bg string) {
			r, _ := strconv.ParseFloat(ratio, 64)
			out = append(out, ContrastCheck{Path: p.Path, Foreground: fg, Background: bg, Surface: surface, Ratio: r, Minimum: minimum, Uses: m[7]})
		}
		add(m[1], m[3], m[4])
		for _, o := range otherSurface.FindAllStringSubmatch(m[5], -1) {
			add(o[1], o[2], o[3])
		}
	}
	return out
}

// kitPalette is the kit's colours by key, with defaults applied and
// normalised by the loader to "#rrggbb".
func kitPalette(kit *brandkits.Kit) map[string]string {
	c := kit.Colors
	return map[string]string{
		"primary": c.Primary, "secondary": c.Secondary, "accent": c.Accent,
		"text": c.Text, "muted": c.Muted, "background": c.Background,
	}
}
