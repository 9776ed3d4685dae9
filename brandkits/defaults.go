package brandkits

import (
	"strings"
)

// Allowed values of the kit's enumerations, in the spelling the kit is
// normalised to.
var (
	Papers        = []string{"A4", "Letter"}
	HeaderStyles  = []string{"band", "minimal", "centered"}
	LogoPositions = []string{"left", "right", "center"}
	AddressBlocks = []string{"din5008a", "din5008b", "us10", "none"}
	TableRules    = []string{"none", "horizontal", "grid"}
	Formalities   = []string{Formal, Informal}
	PaymentQRs    = []string{QROff, QRAuto, QREPC, QRSwiss}
)

// Values of Payment.QR.
const (
	QROff   = "off"   // no payment code
	QRAuto  = "auto"  // the code the invoice's currency and IBAN call for
	QREPC   = "epc"   // EPC069-12 (GiroCode) on EUR invoices
	QRSwiss = "swiss" // the Swiss QR-bill on CHF and EUR invoices
)

// DefaultFamily is the bundled font family used when a kit names none.
const DefaultFamily = "noto-sans"

// Default colours: a sober dark blue on white with near-black text, which
// reads as neutral rather than as anybody's brand. The muted grey is dark
// enough for small text on white (5.36:1) and on the panel tint the default
// primary lays under payment labels and the e-mail footer (#f2f3f5, 4.83:1);
// it stays above 4.5:1 on the 6 % tint of any primary, black included.
const (
	defaultPrimary    = "#1f3a5f"
	defaultText       = "#1a1a1a"
	defaultMuted      = "#646b78"
	defaultBackground = "#ffffff"
)

// letterMargin is 0.75 in, the customary US letter margin, in millimetres.
const letterMargin = 19.05

// ApplyDefaults fills every value kit.yaml left out and normalises spelling:
// enumerations to their canonical case ("a4" -> "A4", "de_de" -> "de-DE") and
// colours to lower-case #rrggbb. Values it cannot make sense of are left for
// Validate to report. It is idempotent.
//
// Defaults: locale en-GB, formal; paper Letter for en-US and A4 otherwise
// (an American kit that names no paper means Letter); margins 20/20/20/25 mm
// (top/right/bottom/left, DIN 5008) on A4 and 0.75 in on Letter; address block
// din5008a on A4 and us10 on Letter; fonts noto-sans, the heading following
// the body family; sizes 10/20/8 pt, line height 1.35; band header with the
// logo 40 mm wide on the left; horizontal table rules; no payment code. Page numbers default
// to on, which Parse handles because a bool cannot say it was omitted.
func (k *Kit) ApplyDefaults() {
	k.Name = strings.TrimSpace(k.Name)
	id := &k.Identity
	id.Country = strings.ToUpper(strings.TrimSpace(id.Country))

	t := &k.Tone
	t.Locale = orDefault(canonical(strings.ReplaceAll(t.Locale, "_", "-"), Locales), "en-GB")
	t.Formality = orDefault(canonical(t.Formality, Formalities), Formal)

	l := &k.Layout
	defaultPaper := "A4"
	if t.Locale == "en-US" {
		defaultPaper = "Letter"
	}
	l.Paper = orDefault(canonical(l.Paper, Papers), defaultPaper)
	m := Margins{Top: 20, Right: 20, Bottom: 20, Left: 25}
	if l.Paper == "Letter" {
		m = Margins{Top: letterMargin, Right: letterMargin, Bottom: letterMargin, Left: letterMargin}
	}
	defaultFloat(&l.Margins.Top, m.Top)
	defaultFloat(&l.Margins.Right, m.Right)
	defaultFloat(&l.Margins.Bottom, m.Bottom)
	defaultFloat(&l.Margins.Left, m.Left)
	l.Header.Style = orDefault(canonical(l.Header.Style, HeaderStyles), "band")
	l.Header.LogoPosition = orDefault(canonical(l.Header.LogoPosition, LogoPositions), "left")
	defaultFloat(&l.Header.LogoWidth, 40)
	address := "din5008a"
	if l.Paper == "Letter" {
		address = "us10"
	}
	l.AddressBlock = orDefault(canonical(l.AddressBlock, AddressBlocks), address)
	l.Table.Rules = orDefault(canonical(l.Table.Rules, TableRules), "horizontal")
	k.Payment.QR = orDefault(canonical(k.Payment.QR, PaymentQRs), QROff)

	ty := &k.Typography
	ty.BodyFamily = orDefault(strings.TrimSpace(ty.BodyFamily), DefaultFamily)
	// Headings follow the body: a kit that sets only its brand font expects
	// to see it everywhere.
	ty.HeadingFamily = orDefault(strings.TrimSpace(ty.HeadingFamily), ty.BodyFamily)
	defaultFloat(&ty.BaseSize, 10)
	defaultFloat(&ty.HeadingSize, 20)
	defaultFloat(&ty.SmallSize, 8)
	defaultFloat(&ty.LineHeight, 1.35)

	c := &k.Colors
	c.Primary = orDefault(normalizeColor(c.Primary), defaultPrimary)
	// Secondary and accent follow the primary colour: a kit with a single
	// brand colour stays monochrome instead of gaining a colour of ours. A
	// broken primary is not copied, so it is reported once.
	follow := c.Primary
	if !isHexColor(follow) {
		follow = defaultPrimary
	}
	c.Secondary = orDefault(normalizeColor(c.Secondary), follow)
	c.Accent = orDefault(normalizeColor(c.Accent), follow)
	c.Text = orDefault(normalizeColor(c.Text), defaultText)
	c.Muted = orDefault(normalizeColor(c.Muted), defaultMuted)
	c.Background = orDefault(normalizeColor(c.Background), defaultBackground)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// defaultFloat sets *v to def when it is zero, which no size or margin may be.
func defaultFloat(v *float64, def float64) {
	if *v == 0 {
		*v = def
	}
}

// canonical returns the allowed value v matches case-insensitively (spaces
// trimmed), or v unchanged.
func canonical(v string, allowed []string) string {
	v = strings.TrimSpace(v)
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	return v
}

// normalizeColor turns "#ABC" and "#AABBCC" into "#aabbcc"; anything else is
// returned trimmed but unchanged for Validate to report.
func normalizeColor(s string) string {
	s = strings.TrimSpace(s)
	if !isHexColor(s) {
		return s
	}
	s = strings.ToLower(s)
	if len(s) == 4 {
		s = string([]byte{'#', s[1], s[1], s[2], s[2], s[3], s[3]})
	}
	return s
}

func isHexColor(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
