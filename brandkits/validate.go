package brandkits

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/liveryhq/livery/fonts"
)

// Validate checks a kit, normally after ApplyDefaults, and returns a
// *ValidationError listing every problem when at least one is an error;
// warnings alone return nil (see Problems).
func (k *Kit) Validate() error {
	return problems(k.check()).err()
}

// Problems returns everything Validate finds, warnings included, for linting
// and previews.
func (k *Kit) Problems() []Problem {
	return k.check()
}

var (
	slugRE        = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	countryRE     = regexp.MustCompile(`^[A-Z]{2}$`)
	ibanRE        = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`)
	bicRE         = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$`)
	kitFontNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
)

// IdentityFields are the placeholders of layout.footer.legal_text.
var IdentityFields = []string{
	"brand_name", "legal_name", "address", "country", "registration_id",
	"vat_id", "email", "phone", "website", "iban", "bic",
}

func (k *Kit) check() problems {
	var ps problems
	switch {
	case k.Name == "":
		ps.add("name", `required: a lower-case slug such as "roastery"`)
	case !slugRE.MatchString(k.Name):
		ps.add("name", "must be 2-63 lower-case letters, digits and hyphens, starting with a letter or digit, got %q", k.Name)
	}
	k.checkIdentity(&ps)
	k.checkColors(&ps)
	k.checkTypography(&ps)
	k.checkTone(&ps)
	k.checkLayout(&ps)
	k.checkPayment(&ps)
	if k.Logo != nil {
		path := "logo.png"
		if k.Logo.Format == "jpeg" {
			path = "logo.jpg"
		}
		switch {
		case k.Logo.Format != "png" && k.Logo.Format != "jpeg":
			ps.add(path, "format %q: only png and jpeg logos are supported", k.Logo.Format)
		case len(k.Logo.Data) > MaxLogoBytes:
			ps.add(path, "too large: at most %d MB", MaxLogoBytes>>20)
		default:
			if msg := checkLogoSize(k.Logo); msg != "" {
				ps.add(path, "%s", msg)
			}
		}
	}
	return ps
}

func (k *Kit) checkIdentity(ps *problems) {
	id := k.Identity
	if strings.TrimSpace(id.BrandName) == "" {
		ps.add("identity.brand_name", "required: the name customers know, printed in the header")
	}
	if strings.TrimSpace(id.LegalName) == "" {
		ps.add("identity.legal_name", "required: the registered company name invoices must state")
	}
	for i, line := range id.Address {
		if strings.TrimSpace(line) == "" {
			ps.add(fmt.Sprintf("identity.address[%d]", i), "empty line")
		}
	}
	if id.Country != "" && !countryRE.MatchString(id.Country) {
		ps.add("identity.country", `must be an ISO 3166-1 alpha-2 code such as "DE", got %q`, id.Country)
	}
	if id.IBAN != "" {
		if iban := compact(id.IBAN); !ibanRE.MatchString(iban) || !ibanChecksumOK(iban) {
			ps.add("identity.iban", "not a valid IBAN (wrong format or check digits): %q", id.IBAN)
		}
	}
	if id.BIC != "" && !bicRE.MatchString(compact(id.BIC)) {
		ps.add("identity.bic", "not a valid BIC (8 or 11 letters and digits): %q", id.BIC)
	}
	if id.Email != "" {
		if a, err := mail.ParseAddress(id.Email); err != nil || a.Address != strings.TrimSpace(id.Email) {
			ps.add("identity.email", "not an e-mail address: %q", id.Email)
		}
	}
	if id.Website != "" && (strings.ContainsAny(id.Website, " \t\n") || !strings.Contains(id.Website, ".")) {
		ps.add("identity.website", "not a web address: %q", id.Website)
	}
}

func compact(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ibanChecksumOK checks the ISO 13616 mod-97 check digits, which catch a
// mistyped IBAN before it is printed on thousands of invoices.
func ibanChecksumOK(iban string) bool {
	var digits strings.Builder
	for _, c := range iban[4:] + iban[:4] {
		if c >= 'A' && c <= 'Z' {
			fmt.Fprintf(&digits, "%d", c-'A'+10)
		} else {
			digits.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func (k *Kit) checkColors(ps *problems) {
	for _, c := range []struct{ path, value string }{
		{"colors.primary", k.Colors.Primary},
		{"colors.secondary", k.Colors.Secondary},
		{"colors.accent", k.Colors.Accent},
		{"colors.text", k.Colors.Text},
		{"colors.muted", k.Colors.Muted},
		{"colors.background", k.Colors.Background},
	} {
		switch {
		case c.value == "":
			ps.add(c.path, `required: a colour such as "#1f3a5f"`)
		case !isHexColor(c.value):
			ps.add(c.path, `must be a hex colour "#rrggbb" or "#rgb", got %q`, c.value)
		}
	}
}

func checkRange(ps *problems, path string, v, lo, hi float64, unit string) {
	if !(v >= lo && v <= hi) { // written so that NaN fails too
		ps.add(path, "must be between %g and %g%s, got %g", lo, hi, unit, v)
	}
}

func (k *Kit) checkTypography(ps *problems) {
	ty := k.Typography
	checkRange(ps, "typography.base_size", ty.BaseSize, 7, 16, " pt")
	checkRange(ps, "typography.heading_size", ty.HeadingSize, 10, 40, " pt")
	checkRange(ps, "typography.small_size", ty.SmallSize, 5, 12, " pt")
	checkRange(ps, "typography.line_height", ty.LineHeight, 1, 2, "")
	if ty.BaseSize >= 7 && ty.BaseSize <= 16 && ty.HeadingSize < ty.BaseSize {
		ps.warn("typography.heading_size", "smaller than base_size (%g < %g pt): the title will not stand out", ty.HeadingSize, ty.BaseSize)
	}
	if ty.BaseSize >= 7 && ty.BaseSize <= 16 && ty.SmallSize > ty.BaseSize {
		ps.warn("typography.small_size", "larger than base_size (%g > %g pt)", ty.SmallSize, ty.BaseSize)
	}

	used := map[string]bool{}
	faces := map[string]*fonts.Face{}
	for _, name := range slices.Sorted(maps.Keys(k.Fonts)) {
		face, err := fonts.Parse(k.Fonts[name])
		if err != nil {
			used[name] = true // reported as broken; "not used" would be noise
			ps.add("fonts/"+name, "%s", fontMessage(name, k.Fonts[name], err))
			continue
		}
		faces[name] = face
	}
	checked := map[string]bool{}
	k.checkFamily(ps, "typography.body_family", ty.BodyFamily, used, faces, checked)
	if ty.HeadingFamily != ty.BodyFamily { // the same family is reported once
		k.checkFamily(ps, "typography.heading_family", ty.HeadingFamily, used, faces, checked)
	}
	for _, name := range slices.Sorted(maps.Keys(k.Fonts)) {
		if !used[name] {
			ps.warn("fonts/"+name, `not used: name a family "kit:NAME" for fonts/NAME-Regular.ttf and fonts/NAME-Bold.ttf, or remove it`)
		}
	}
}

func fontMessage(name string, data []byte, err error) string {
	switch {
	case bytes.HasPrefix(data, []byte("OTTO")):
		return "CFF-flavoured OpenType (.otf) cannot be embedded in PDFs; use the TrueType (.ttf) build of the font"
	case errors.Is(err, fonts.ErrNotTrueType), errors.Is(err, fonts.ErrEmbeddingRestricted):
		return err.Error()
	}
	return fmt.Sprintf("cannot be used as a font: %v", err)
}

// checkFamily checks a bundled slug or a "kit:NAME" family. For kit fonts it
// also checks that the faces draw every character of the kit's own wording:
// a brand font without "ü" would print boxes in every German letter.
func (k *Kit) checkFamily(ps *problems, path, family string, used map[string]bool, faces map[string]*fonts.Face, checked map[string]bool) {
	name, isKit := strings.CutPrefix(family, "kit:")
	if !isKit {
		if _, ok := fonts.Lookup(family); !ok {
			slugs := fonts.Slugs()
			msg := fmt.Sprintf("unknown font family %q", family)
			if s := suggest(family, slugs); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			ps.add(path, "%s: use a bundled family (%s) or \"kit:NAME\" for fonts shipped in the kit", msg, strings.Join(slugs, ", "))
		}
		return
	}
	if !kitFontNameRE.MatchString(name) {
		ps.add(path, "kit font family %q: NAME must be letters, digits, - and _", family)
		return
	}
	var missing, otfs []string
	for _, style := range []string{"Regular", "Bold"} {
		file := name + "-" + style + ".ttf"
		used[file] = true
		if _, ok := k.Fonts[file]; !ok {
			missing = append(missing, "fonts/"+file)
			if otf := name + "-" + style + ".otf"; k.Fonts[otf] != nil {
				used[otf] = true
				otfs = append(otfs, "fonts/"+otf)
			}
			continue
		}
		face := faces[file]
		if face == nil || checked[file] {
			continue // broken (reported at its path) or already checked
		}
		checked[file] = true
		if miss := face.Missing(k.wording()); len(miss) > 0 {
			ps.add("fonts/"+file, "cannot draw %s used in the kit's wording", quoteRunes(miss))
		}
		if miss := face.Missing("€£$"); len(miss) > 0 {
			ps.warn("fonts/"+file, "cannot draw %s: amounts in that currency will not print", quoteRunes(miss))
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("family %q needs %s", family, strings.Join(missing, " and "))
		if len(otfs) > 0 {
			msg += fmt.Sprintf(" (found %s: only TrueType .ttf files are used)", strings.Join(otfs, ", "))
		}
		ps.add(path, "%s", msg)
	}
}

func quoteRunes(rs []rune) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%q (U+%04X)", string(r), r)
	}
	return strings.Join(out, ", ")
}

// wording is every fixed text the kit prints, for the glyph check: labels,
// greetings, sign-offs, signature, identity and footer, plus digits and the
// punctuation of amounts and dates.
func (k *Kit) wording() string {
	var b strings.Builder
	b.WriteString("0123456789.,:;-/()%")
	for _, key := range LabelKeys {
		b.WriteString(literalText(k.Label(key)))
	}
	greet := DefaultGreetings(k.Tone.Locale, k.Tone.Formality)
	signs := DefaultSignOffs(k.Tone.Locale, k.Tone.Formality)
	for _, m := range []map[string][]Template{k.Tone.Greetings, k.Tone.SignOffs, greet, signs} {
		for _, list := range m {
			for _, c := range list {
				b.WriteString(literalText(c.Text))
			}
		}
	}
	id := k.Identity
	for _, s := range append([]string{k.Tone.Signature, id.BrandName, id.LegalName, literalText(k.Layout.Footer.LegalText)}, id.Address...) {
		b.WriteString(s)
	}
	return strings.Join(strings.Fields(b.String()), "")
}

// literalText is a template without its placeholders.
func literalText(text string) string {
	parts, err := parseTemplate(text, nil)
	if err != nil {
		return text
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.lit)
	}
	return b.String()
}

func checkEnum(ps *problems, path, v string, allowed []string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	msg := fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), v)
	if s := suggest(v, allowed); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	ps.add(path, "%s", msg)
	return false
}

func (k *Kit) checkTone(ps *problems) {
	t := k.Tone
	checkEnum(ps, "tone.locale", t.Locale, Locales)
	checkEnum(ps, "tone.formality", t.Formality, Formalities)
	k.checkTemplates(ps, "tone.greetings", t.Greetings, DefaultGreetings(t.Locale, t.Formality))
	k.checkTemplates(ps, "tone.sign_offs", t.SignOffs, DefaultSignOffs(t.Locale, t.Formality))

	for _, key := range slices.Sorted(maps.Keys(t.Labels)) {
		path := joinKey("tone.labels", key)
		if !slices.Contains(LabelKeys, key) {
			msg := "unknown label key"
			if s := suggest(key, LabelKeys); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			ps.add(path, "%s", msg)
			continue
		}
		v := t.Labels[key]
		if strings.TrimSpace(v) == "" {
			ps.add(path, "empty: remove it to use the default %q", DefaultLabelsFor(t.Locale, t.Formality)[key])
			continue
		}
		allowed := append([]string{}, labelPlaceholders[key]...) // non-nil: no placeholder allowed
		fields, err := templateFields(v, allowed)
		if err != nil {
			ps.add(path, "%v", err)
			continue
		}
		for _, want := range allowed {
			if !slices.Contains(fields, want) {
				ps.warn(path, "does not use {%s}", want)
			}
		}
	}

	seen := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(t.Vocabulary)) {
		path := joinKey("tone.vocabulary", key)
		switch f := foldString(strings.TrimSpace(key)); {
		case f == "":
			ps.add(path, "empty word")
		case strings.TrimSpace(t.Vocabulary[key]) == "":
			ps.add(path, "empty replacement")
		case seen[f] != "":
			ps.warn(path, "same word as %q, which differs only in case; only one of them applies", seen[f])
		default:
			seen[f] = key
		}
	}
	for i, w := range t.KeepUpper {
		if strings.TrimSpace(w) == "" {
			ps.add(fmt.Sprintf("tone.keep_upper[%d]", i), "empty word")
		}
	}
}

// checkTemplates checks greeting or sign-off lists. The last candidate of
// every list must be neutral (no placeholder, no gender) so that a recipient
// the data says nothing about still gets one, never a blank or a guess.
func (k *Kit) checkTemplates(ps *problems, base string, lists, defaults map[string][]Template) {
	example := ""
	if d := defaults["default"]; len(d) > 0 {
		example = d[len(d)-1].Text
	}
	for _, key := range slices.Sorted(maps.Keys(lists)) {
		path := joinKey(base, key)
		list := lists[key]
		if len(list) == 0 {
			ps.add(path, "needs at least one candidate, the last without placeholders or gender, such as %q", example)
			continue
		}
		for i, c := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			if strings.TrimSpace(c.Text) == "" {
				ps.add(p+".text", "required")
			} else if _, err := CompileTemplate(c.Text); err != nil {
				ps.add(p+".text", "%v", err)
			}
			if c.Gender != "" && !slices.Contains([]string{GenderFemale, GenderMale, GenderOther}, c.Gender) {
				ps.add(p+".gender", "must be female, male or other, got %q", c.Gender)
			}
		}
		// Any placeholder counts, known or not, so that a misspelt one does
		// not hide the missing fallback until the next upload.
		last := list[len(list)-1]
		if fields, err := templateFields(last.Text, nil); err == nil && (len(fields) > 0 || last.Gender != "") {
			ps.add(path, "the last candidate must have no placeholders and no gender, so every recipient gets one; end with e.g. %q", example)
		}
	}
}

func (k *Kit) checkLayout(ps *problems) {
	l := k.Layout
	paperOK := checkEnum(ps, "layout.paper", l.Paper, Papers)
	for _, m := range []struct {
		path string
		v    float64
	}{
		{"layout.margins.top", l.Margins.Top},
		{"layout.margins.right", l.Margins.Right},
		{"layout.margins.bottom", l.Margins.Bottom},
		{"layout.margins.left", l.Margins.Left},
	} {
		checkRange(ps, m.path, m.v, 5, 50, " mm")
	}
	checkEnum(ps, "layout.header.style", l.Header.Style, HeaderStyles)
	checkEnum(ps, "layout.header.logo_position", l.Header.LogoPosition, LogoPositions)
	checkRange(ps, "layout.header.logo_width", l.Header.LogoWidth, 5, 120, " mm")
	if checkEnum(ps, "layout.address_block", l.AddressBlock, AddressBlocks) && paperOK {
		// A warning, not an error: a tri-folded A4 sheet fits a US #10
		// envelope and a folded Letter sheet a DL one, so the pairing can
		// be deliberate; but usually the address misses the window, which
		// the designer must hear about.
		switch {
		case strings.HasPrefix(l.AddressBlock, "din5008") && l.Paper != "A4":
			ps.warn("layout.address_block", "%s places the address for A4 window envelopes, but the paper is %s; use us10", l.AddressBlock, l.Paper)
		case l.AddressBlock == "us10" && l.Paper != "Letter":
			ps.warn("layout.address_block", "us10 places the address for US #10 window envelopes, but the paper is %s; use din5008a or din5008b", l.Paper)
		}
	}
	checkEnum(ps, "layout.table.rules", l.Table.Rules, TableRules)
	if _, err := templateFields(l.Footer.LegalText, IdentityFields); err != nil {
		ps.add("layout.footer.legal_text", "%v", err)
	}
}

// LegalText returns the footer's legal text with its identity placeholders
// filled ({address} joins the address lines with ", ").
func (k *Kit) LegalText() string {
	id := k.Identity
	return Expand(k.Layout.Footer.LegalText, map[string]string{
		"brand_name":      id.BrandName,
		"legal_name":      id.LegalName,
		"address":         strings.Join(id.Address, ", "),
		"country":         id.Country,
		"registration_id": id.RegistrationID,
		"vat_id":          id.VATID,
		"email":           id.Email,
		"phone":           id.Phone,
		"website":         id.Website,
		"iban":            id.IBAN,
		"bic":             id.BIC,
	})
}
