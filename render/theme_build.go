package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/fonts"
)

// Paper sizes in millimetres.
var paperSizes = map[string][2]float64{
	"A4":     {210, 297},
	"Letter": {215.9, 279.4},
}

// newTheme resolves a kit into drawing terms. The kit is expected to be loaded
// (defaults applied, validated); newTheme still refuses what it cannot draw.
func newTheme(kit *brandkits.Kit) (*theme, error) {
	if kit == nil {
		return nil, fmt.Errorf("no brand kit")
	}
	th := &theme{kit: kit}
	colors := []struct {
		path string
		hex  string
		dst  *rgb
	}{
		{"colors.primary", kit.Colors.Primary, &th.primary},
		{"colors.secondary", kit.Colors.Secondary, &th.secondary},
		{"colors.accent", kit.Colors.Accent, &th.accent},
		{"colors.text", kit.Colors.Text, &th.text},
		{"colors.muted", kit.Colors.Muted, &th.muted},
		{"colors.background", kit.Colors.Background, &th.background},
	}
	for _, c := range colors {
		v, err := parseHex(c.hex)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.path, err)
		}
		*c.dst = v
	}
	var err error
	if th.body, err = resolveFamily(kit, kit.Typography.BodyFamily); err != nil {
		return nil, fmt.Errorf("typography.body_family: %w", err)
	}
	if th.heading, err = resolveFamily(kit, kit.Typography.HeadingFamily); err != nil {
		return nil, fmt.Errorf("typography.heading_family: %w", err)
	}
	size, ok := paperSizes[kit.Layout.Paper]
	if !ok {
		return nil, fmt.Errorf("layout.paper: unknown paper %q", kit.Layout.Paper)
	}
	th.pageW, th.pageH = size[0], size[1]
	m := kit.Layout.Margins
	th.marginTop, th.marginRight, th.marginBottom, th.marginLeft = m.Top, m.Right, m.Bottom, m.Left
	if th.loc, err = newLocale(kit.Tone.Locale); err != nil {
		return nil, fmt.Errorf("tone.locale: %w", err)
	}
	return th, nil
}

// resolveFamily finds a family's regular and bold programs: bundled ones by slug,
// kit-shipped ones as "kit:NAME" (fonts/NAME-Regular.ttf, fonts/NAME-Bold.ttf).
func resolveFamily(kit *brandkits.Kit, family string) (fontPair, error) {
	if name, ok := strings.CutPrefix(family, "kit:"); ok {
		p := fontPair{Name: name}
		for _, v := range []struct {
			file string
			data *[]byte
			face **fonts.Face
			sub  **fonts.Subsetter
		}{
			{"fonts/" + name + "-Regular.ttf", &p.Regular, &p.RegularFace, &p.RegularSub},
			{"fonts/" + name + "-Bold.ttf", &p.Bold, &p.BoldFace, &p.BoldSub},
		} {
			data, ok := kit.Fonts[strings.TrimPrefix(v.file, "fonts/")]
			if !ok {
				data, ok = kit.Fonts[v.file]
			}
			if !ok {
				return fontPair{}, fmt.Errorf("kit has no %s", v.file)
			}
			face, err := fonts.Parse(data)
			if err != nil {
				return fontPair{}, fmt.Errorf("%s: %w", v.file, err)
			}
			// One Subsetter per kit font and Renderer: it pre-builds the
			// tables every document's subset shares.
			*v.data, *v.face, *v.sub = data, face, fonts.NewSubsetter(face)
		}
		return p, nil
	}
	fam, ok := fonts.Lookup(family)
	if !ok {
		return fontPair{}, fmt.Errorf("unknown font family %q (bundled: %s)", family, strings.Join(fonts.Slugs(), ", "))
	}
	reg, err := fam.RegularFace()
	if err != nil {
		return fontPair{}, err
	}
	bold, err := fam.BoldFace()
	if err != nil {
		return fontPair{}, err
	}
	// The bundled families' Subsetters are shared by the whole process.
	regSub, err := fam.RegularSubsetter()
	if err != nil {
		return fontPair{}, err
	}
	boldSub, err := fam.BoldSubsetter()
	if err != nil {
		return fontPair{}, err
	}
	return fontPair{
		Name: fam.Name, Regular: fam.Regular, Bold: fam.Bold,
		RegularFace: reg, BoldFace: bold, RegularSub: regSub, BoldSub: boldSub,
	}, nil
}

// parseHex parses #rrggbb or #rgb.
func parseHex(s string) (rgb, error) {
	h := strings.TrimPrefix(s, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 || !strings.HasPrefix(s, "#") {
		return rgb{}, fmt.Errorf("%q is not a #rrggbb colour", s)
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return rgb{}, fmt.Errorf("%q is not a #rrggbb colour", s)
	}
	return rgb{uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}
