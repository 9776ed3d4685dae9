package brandkits

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/liveryhq/livery/fonts"
)

// Lint returns everything Validate reports (see Problems) plus the checks a
// designer cares about beyond the schema, as errors or warnings located by
// path: contrast of the colour pairs documents print, font coverage of the
// kit's texts and its locale's alphabet, logo resolution, the legal identity
// invoices need in the kit's country, and greeting or sign-off candidates
// that can never be chosen. The result is sorted by path, then message,
// without duplicates.
//
// Lint works on a copy with defaults applied, so a kit built by hand lints as
// it would load, and the kit itself is not changed.
func (k *Kit) Lint() []Problem {
	c := *k // ApplyDefaults only sets fields held by value: the maps stay shared but untouched
	c.ApplyDefaults()
	ps := problems(c.Problems())
	c.lintContrast(&ps)
	c.lintFonts(&ps)
	c.lintLogo(&ps)
	c.lintIdentity(&ps)
	c.lintTemplates(&ps)
	return sortProblems(ps)
}

// LintDir lints the kit folder dir; see LintFS.
func LintDir(dir string) ([]Problem, error) {
	ps, err := LintFS(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("lint kit %s: %w", dir, err)
	}
	return ps, nil
}

// LintFS loads the kit at the root of fsys (see LoadFS) and lints it. A kit
// that does not load returns the problems that stop it, sorted like Lint's:
// the designer checks need a kit to look at, so they run once those are
// fixed. The error is for files that cannot be read, never for a broken kit.
func LintFS(fsys fs.FS) ([]Problem, error) {
	k, err := LoadFS(fsys)
	var ve *ValidationError
	switch {
	case err == nil:
		return k.Lint(), nil
	case errors.As(err, &ve):
		return sortProblems(ve.Problems), nil
	}
	return nil, err
}

// sortProblems orders problems by path, then message, errors before warnings
// of the same text, and drops exact duplicates, so a lint report can be
// compared between runs.
func sortProblems(ps []Problem) []Problem {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(warnRank(a.Warning), warnRank(b.Warning)),
		)
	})
	return slices.Compact(out)
}

func warnRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- contrast ----

// Tints the renderers lay under text, as fractions of the primary colour
// mixed into the background (render/pdf_letter.go, pdf_table.go).
const (
	panelTint = 0.06 // payment panel, key facts, zebra rows
	headTint  = 0.08 // header row of tables written in markdown
)

// nearBlack is the dark text the PDF renderer falls back to on pale fills.
var nearBlack = srgb{17, 17, 17}

// contrastUse is one kind of text a document prints in colour fg on bg.
type contrastUse struct {
	path   string // the kit colour to change: the text's own, or the fill it sits on
	fg, bg srgb
	fgName string // "" when fg is the colour at path, else e.g. "text #ffffff"
	bgName string // e.g. "background #ffffff"
	what   string // what is printed, e.g. "table headers"
	pt     float64
	bold   bool
}

// lintContrast checks every text colour on every surface the renderers
// (render/pdf*.go and render/html.go) print it on, against WCAG 2.x AA.
// Each problem sits at the kit colour to change, one per text colour (see
// reportContrast). colors.secondary is not checked: no renderer draws it.
// Nor is colors.accent: both channels draw it only as decoration (the bar
// under the HTML title, the border of quotes), never as text or under it.
func (k *Kit) lintContrast(ps *problems) {
	c := k.Colors
	var (
		primary, errP    = parseColor(c.Primary)
		text, errT       = parseColor(c.Text)
		muted, errM      = parseColor(c.Muted)
		background, errB = parseColor(c.Background)
	)
	if errB != nil || errP != nil {
		return // every pair involves them; Validate reports the broken value
	}
	ty := k.Typography
	base, small, title := ty.BaseSize, ty.SmallSize, ty.HeadingSize
	bgName := "background " + background.hex()
	panel := mixColor(background, primary, panelTint)
	panelName := "the panel tint " + panel.hex()
	head := mixColor(background, primary, headTint)
	primaryName := "primary " + primary.hex()

	var uses []contrastUse
	if errT == nil {
		panelWhat := "the payment panel and key facts"
		if k.Layout.Table.Zebra {
			panelWhat = "zebra rows, the payment panel and key facts"
		}
		uses = append(uses,
			contrastUse{path: "colors.text", fg: text, bg: background, bgName: bgName, what: "body text", pt: base},
			contrastUse{path: "colors.text", fg: text, bg: panel, bgName: panelName, what: panelWhat, pt: base * 0.95},
			contrastUse{path: "colors.text", fg: text, bg: head, bgName: "the table-header tint " + head.hex(), what: "headers of tables in the text", pt: base * 0.95, bold: true},
		)
	}
	if errM == nil {
		uses = append(uses,
			contrastUse{path: "colors.muted", fg: muted, bg: background, bgName: bgName, what: "the footer, labels and captions", pt: small},
			contrastUse{path: "colors.muted", fg: muted, bg: panel, bgName: panelName, what: "labels in the payment panel and the e-mail footer", pt: small},
		)
	}
	uses = append(uses,
		contrastUse{path: "colors.primary", fg: primary, bg: background, bgName: bgName, what: "the document title", pt: title, bold: true},
		contrastUse{path: "colors.primary", fg: primary, bg: background, bgName: bgName, what: "the amount due", pt: base * 1.2, bold: true},
		contrastUse{path: "colors.primary", fg: primary, bg: background, bgName: bgName, what: "## headings in PDFs", pt: base * 1.3, bold: true},
		contrastUse{path: "colors.primary", fg: primary, bg: background, bgName: bgName, what: "running heads", pt: small, bold: true},
		contrastUse{path: "colors.primary", fg: primary, bg: background, bgName: bgName, what: "links", pt: base},
		contrastUse{path: "colors.primary", fg: primary, bg: background, bgName: bgName, what: "the link under call-to-action buttons in PDFs", pt: small},
	)
	// The renderers choose the text colour on primary fills themselves, so
	// the colour to change is the primary. The PDF keeps the page background
	// when it reaches 3:1, else takes white or near-black; e-mails take white
	// or the text colour, whichever contrasts more.
	onPDF := onColorPDF(primary, background)
	uses = append(uses, contrastUse{path: "colors.primary", fg: onPDF, bg: primary, fgName: "text " + onPDF.hex(), bgName: primaryName, what: "table headers", pt: base * 0.85, bold: true})
	if k.Layout.Header.Style == "band" {
		uses = append(uses, contrastUse{path: "colors.primary", fg: onPDF, bg: primary, fgName: "text " + onPDF.hex(), bgName: primaryName, what: "the brand name in the header band", pt: base * 1.7, bold: true})
		if k.Layout.Header.LogoPosition != "center" {
			// The details beside the logo are softened towards the band.
			soft := mixColor(onPDF, primary, 0.22)
			uses = append(uses, contrastUse{path: "colors.primary", fg: soft, bg: primary, fgName: "text " + soft.hex(), bgName: primaryName, what: "the brand's details in the header band", pt: small})
		}
	}
	if errT == nil {
		// E-mails, and the call-to-action button in both channels, take white
		// or the text colour, whichever contrasts more (render's textOn). The
		// button is checked at the PDF's size, base × 1.05 pt bold: the
		// e-mail's (base × 1.5 + 1 px, at most 19 px) counts as large text
		// whenever the PDF's does, so it is never the stricter one.
		onHTML := text
		if contrast(primary, whiteRGB) >= contrast(primary, text) {
			onHTML = whiteRGB
		}
		uses = append(uses,
			contrastUse{path: "colors.primary", fg: onHTML, bg: primary, fgName: "text " + onHTML.hex(), bgName: primaryName, what: "table headers in e-mails", pt: base * 0.85, bold: true},
			contrastUse{path: "colors.primary", fg: onHTML, bg: primary, fgName: "text " + onHTML.hex(), bgName: primaryName, what: "call-to-action buttons", pt: base * 1.05, bold: true},
		)
	}
	reportContrast(ps, uses)
}

// onColorPDF is render's pdfDraw.onColor: the text colour on a fill.
func onColorPDF(fill, background srgb) srgb {
	if contrast(fill, background) >= 3 {
		return background
	}
	if contrast(fill, whiteRGB) >= contrast(fill, nearBlack) {
		return whiteRGB
	}
	return nearBlack
}

// reportContrast adds one problem per path and text colour that falls short
// on at least one surface: the designer changes one colour, so one message
// names the worst surface (others in parentheses), every failing use and the
// strictest minimum among them.
func reportContrast(ps *problems, uses []contrastUse) {
	type key struct {
		path string
		fg   srgb
	}
	var order []key
	failing := map[key][]contrastUse{}
	for _, u := range uses {
		if contrast(u.fg, u.bg) >= minContrast(u) {
			continue
		}
		kk := key{u.path, u.fg}
		if _, ok := failing[kk]; !ok {
			order = append(order, kk)
		}
		failing[kk] = append(failing[kk], u)
	}
	for _, kk := range order {
		us := failing[kk]
		need, kind := MinContrastLarge, "large text"
		whats := make([]string, len(us))
		var surfaces []contrastUse // one per background, worst first
		for i, u := range us {
			if minContrast(u) > need {
				need, kind = minContrast(u), "body text"
			}
			style := ""
			if u.bold {
				style = " bold"
			}
			whats[i] = fmt.Sprintf("%s (%g pt%s)", u.what, math.Round(u.pt*10)/10, style)
			if !slices.ContainsFunc(surfaces, func(s contrastUse) bool { return s.bg == u.bg }) {
				surfaces = append(surfaces, u)
			}
		}
		slices.SortStableFunc(surfaces, func(a, b contrastUse) int {
			return cmp.Compare(contrast(a.fg, a.bg), contrast(b.fg, b.bg))
		})
		worst := surfaces[0]
		of := ""
		if worst.fgName != "" {
			of = " of " + worst.fgName
		}
		also := ""
		if len(surfaces) > 1 {
			others := make([]string, len(surfaces)-1)
			for i, s := range surfaces[1:] {
				others[i] = fmt.Sprintf("%s:1 on %s", formatRatio(contrast(s.fg, s.bg)), s.bgName)
			}
			also = " (" + strings.Join(others, ", ") + ")"
		}
		ps.add(worst.path, "contrast %s:1%s on %s%s is below %g:1 for %s (WCAG 2.x AA): %s",
			formatRatio(contrast(worst.fg, worst.bg)), of, worst.bgName, also, need, kind, joinAnd(whats))
	}
}

func minContrast(u contrastUse) float64 {
	if IsLargeText(u.pt, u.bold) {
		return MinContrastLarge
	}
	return MinContrastText
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// ---- fonts ----

// layoutRunes are characters the renderers print around the kit's texts: the
// separator of the sender line above the address and the dash of billing
// periods. The renderer refuses to draw a document missing one.
const layoutRunes = "·–"

// commonRunes are the letters, digits and punctuation of every locale, with
// the currencies Livery prints most.
const commonRunes = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" +
	".,:;!?'\"()[]-/&@%#*+=‘’“”–…£€$"

// localeRunes adds the letters and punctuation each language needs. Dutch
// writes the IJ digraph as two letters, so U+0132/U+0133 are not required.
// French puts a (narrow) no-break space before ; : ! ? and inside « ».
var localeRunes = map[string]string{
	"en-GB": "",
	"en-US": "",
	"de-DE": "ÄÖÜäöüß„‚",
	"fr-FR": "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ«»\u202f\u00a0",
	"nl-NL": "ëïéèöüáóËÏÉÈÖÜÁÓ",
}

// Alphabet returns the characters documents in locale are expected to need:
// Latin letters, digits, common punctuation and currency signs, plus the
// language's own letters and quotation marks.
func Alphabet(locale string) string {
	return commonRunes + localeRunes[supportedLocale(locale)]
}

// lintFace is one font program a kit's documents are set in.
type lintFace struct {
	path string // where to report: the kit's file, or the typography key of a bundled family
	name string // for messages about bundled programs, e.g. "noto-sans bold"; "" for kit files
	face *fonts.Face
	kit  bool
}

// lintFonts checks that the fonts draw every character of the kit's texts
// (errors: the renderer refuses such documents) and of its locale's alphabet
// (warnings: documents in that language will likely need them). Validate
// checks kit fonts against the kit's wording already; only what it leaves
// out is reported here, so nothing is said twice.
func (k *Kit) lintFonts(ps *problems) {
	texts := k.lintTexts()
	wording := k.wording()
	alphabet := Alphabet(k.Tone.Locale)
	for _, f := range k.lintFaces() {
		var known []rune // reported by Validate for kit files
		if f.kit {
			known = append(f.face.Missing(wording), f.face.Missing("€£$")...)
		}
		missing := withoutRunes(f.face.Missing(texts), known)
		prefix := ""
		if f.name != "" {
			prefix = f.name + " "
		}
		if len(missing) > 0 {
			ps.add(f.path, "%scannot draw %s, used in the kit's texts or the document layout", prefix, quoteRunes(missing))
		}
		if miss := withoutRunes(f.face.Missing(alphabet), append(known, missing...)); len(miss) > 0 {
			ps.warn(f.path, "%scannot draw %s of the %s alphabet: documents in that language may need them", prefix, quoteRunes(miss), k.Tone.Locale)
		}
	}
}

// lintTexts is every fixed text a document of the kit can print: the wording
// Validate checks, plus vocabulary replacements, the identity details in the
// header, the footer with its placeholders filled, and the layout's
// separators. Only spaces are dropped: a no-break space must be drawable.
func (k *Kit) lintTexts() string {
	var b strings.Builder
	b.WriteString(k.wording())
	b.WriteString(layoutRunes)
	id := k.Identity
	for _, s := range []string{id.Email, id.Phone, id.Website, id.VATID, id.RegistrationID, id.IBAN, id.BIC, k.LegalText()} {
		b.WriteString(s)
	}
	for _, key := range slices.Sorted(maps.Keys(k.Tone.Vocabulary)) {
		b.WriteString(k.Tone.Vocabulary[key])
	}
	return strings.NewReplacer(" ", "", "\t", "", "\n", "", "\r", "").Replace(b.String())
}

// lintFaces returns the programs of the body and heading families that parse:
// kit files at their own paths, bundled ones at the typography key naming
// them. Broken or missing files are Validate's to report.
func (k *Kit) lintFaces() []lintFace {
	var out []lintFace
	seen := map[string]bool{}
	for _, fam := range []struct{ path, family string }{
		{"typography.body_family", k.Typography.BodyFamily},
		{"typography.heading_family", k.Typography.HeadingFamily},
	} {
		if seen[fam.family] {
			continue
		}
		seen[fam.family] = true
		if name, ok := strings.CutPrefix(fam.family, "kit:"); ok {
			for _, style := range []string{"Regular", "Bold"} {
				file := name + "-" + style + ".ttf"
				data, ok := k.Fonts[file]
				if !ok {
					continue
				}
				if face, err := fonts.Parse(data); err == nil {
					out = append(out, lintFace{path: "fonts/" + file, face: face, kit: true})
				}
			}
			continue
		}
		bf, ok := fonts.Lookup(fam.family)
		if !ok {
			continue
		}
		if face, err := bf.RegularFace(); err == nil {
			out = append(out, lintFace{path: fam.path, name: fam.family, face: face})
		}
		if face, err := bf.BoldFace(); err == nil {
			out = append(out, lintFace{path: fam.path, name: fam.family + " bold", face: face})
		}
	}
	return out
}

// without returns rs minus the runes in drop, in order.
func withoutRunes(rs, drop []rune) []rune {
	var out []rune
	for _, r := range rs {
		if !slices.Contains(drop, r) {
			out = append(out, r)
		}
	}
	return out
}

// ---- logo ----

// PrintDPI is the resolution a logo needs to print sharply.
const PrintDPI = 300

// lintLogo warns when the kit has no logo, or when the logo has too few
// pixels for PrintDPI at the width layout.header.logo_width asks for. The
// renderer may place it smaller to fit the header, which only raises its
// resolution, so the check errs on the safe side. Format, bytes and pixel
// limits (decompression bombs) are checked when the kit loads.
func (k *Kit) lintLogo(ps *problems) {
	if k.Logo == nil {
		ps.warn("logo.png", "no logo: the header shows the brand name in type; add logo.png or logo.jpg")
		return
	}
	path := "logo.png"
	if k.Logo.Format == "jpeg" {
		path = "logo.jpg"
	}
	mm := k.Layout.Header.LogoWidth
	if k.Logo.Format != "png" && k.Logo.Format != "jpeg" || checkLogoSize(k.Logo) != "" || !(mm > 0) {
		return // an image or width the kit cannot use: Validate reports it
	}
	inches := mm / 25.4
	dpi := float64(k.Logo.Width) / inches
	need := math.Round(inches * PrintDPI)
	if math.Round(dpi) < PrintDPI {
		ps.warn(path, "%d px wide prints at %.0f dpi at %g mm; %d dpi needs %.0f px", k.Logo.Width, dpi, mm, PrintDPI, need)
	}
}

// ---- legal identity ----

// euCountries are the EU member states (ISO 3166-1 alpha-2), whose invoices
// must state the seller's VAT id and full address (VAT Directive
// 2006/112/EC, art. 226).
var euCountries = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}

// registrationNames are the company registers whose number business letters
// and invoices of a country are expected to state.
var registrationNames = map[string]string{
	"DE": "Handelsregister entry (e.g. \"Amtsgericht Hamburg HRB 187654\")",
	"FR": "SIREN number and RCS registration",
	"NL": "KvK number (Kamer van Koophandel)",
}

// lintIdentity checks the legal details invoices need in the kit's country:
// identity.country, or the region of its locale when unset.
func (k *Kit) lintIdentity(ps *problems) {
	id := k.Identity
	country := id.Country
	if country == "" {
		_, country, _ = strings.Cut(k.Tone.Locale, "-")
	}
	where := fmt.Sprintf("invoices from %s (%s)", country, k.Tone.Locale)
	hasAddress := slices.ContainsFunc(id.Address, func(s string) bool { return strings.TrimSpace(s) != "" })
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	switch {
	case slices.Contains(euCountries, country):
		if blank(id.VATID) {
			ps.add("identity.vat_id", "required for %s: EU invoices state the seller's VAT id", where)
		}
		if !hasAddress {
			ps.add("identity.address", "required for %s: EU invoices state the seller's full address", where)
		}
		if reg, ok := registrationNames[country]; ok && blank(id.RegistrationID) {
			ps.warn("identity.registration_id", "recommended for %s: the %s", where, reg)
		}
		if blank(id.IBAN) {
			ps.warn("identity.iban", "recommended for %s: customers need it to pay by bank transfer", where)
		}
		if blank(id.BIC) {
			ps.warn("identity.bic", "recommended for %s: payers outside the SEPA area need it with the IBAN", where)
		}
	case country == "GB":
		if !hasAddress {
			ps.add("identity.address", "required for %s: invoices state the seller's address", where)
		}
		if blank(id.VATID) {
			ps.warn("identity.vat_id", "VAT-registered businesses must print their VAT number on %s; leave it empty only if not registered", where)
		}
	case country == "US":
		if !hasAddress {
			ps.add("identity.address", "required for %s: invoices state the seller's address", where)
		}
	}
}

// ---- templates ----

// lintTemplates warns about greeting and sign-off candidates that can never
// be chosen: candidates are tried in order, and one without placeholders fits
// every recipient of its gender (or everyone, without a gender), hiding the
// candidates after it; an exact repeat is never reached either. Whether the
// templates compile and use known fields is Validate's check.
func (k *Kit) lintTemplates(ps *problems) {
	for _, set := range []struct {
		base  string
		lists map[string][]Template
	}{{"tone.greetings", k.Tone.Greetings}, {"tone.sign_offs", k.Tone.SignOffs}} {
		for _, key := range slices.Sorted(maps.Keys(set.lists)) {
			path := joinKey(set.base, key)
			list := set.lists[key]
			fitsAll := -1                  // index of a candidate fitting everyone
			fitsGender := map[string]int{} // gender -> 1 + index of a candidate fitting all of it
			for i, c := range list {
				p := fmt.Sprintf("%s[%d]", path, i)
				switch j := slices.Index(list[:i], c); {
				case fitsAll >= 0:
					ps.warn(p, "never used: candidate %d (%q) before it fits every recipient", fitsAll, list[fitsAll].Text)
					continue
				case c.Gender != "" && fitsGender[c.Gender] > 0:
					g := fitsGender[c.Gender] - 1
					ps.warn(p, "never used: candidate %d (%q) before it fits every %s recipient", g, list[g].Text, c.Gender)
					continue
				case j >= 0:
					ps.warn(p, "never used: same as candidate %d", j)
					continue
				}
				fields, err := CompileTemplate(c.Text)
				if err != nil || len(fields) > 0 || strings.TrimSpace(c.Text) == "" {
					continue
				}
				if c.Gender == "" {
					fitsAll = i
				} else if fitsGender[c.Gender] == 0 {
					fitsGender[c.Gender] = i + 1
				}
			}
		}
	}
}
