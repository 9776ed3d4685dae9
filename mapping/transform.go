package mapping

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// transform is a named text transform a rule applies in order.
type transform struct {
	name string
	fn   func(string) string
}

// transforms are the text transforms a profile can name.
var transforms = map[string]func(string) string{
	"trim":     strings.TrimSpace,
	"collapse": collapseSpaces,
	"upper":    strings.ToUpper,
	"lower":    strings.ToLower,
	"sentence": sentenceCase,
	"title":    titleCase,
}

// transformNames lists the transforms in the order docs/mapping.md does.
var transformNames = []string{"trim", "collapse", "upper", "lower", "sentence", "title"}

// collapseSpaces trims s and turns every run of white space inside it into
// one space, as fixed-width exports need.
func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// sentenceCase lowers s and raises the first letter of each sentence: the
// first letter of s and the first after ". ", "! " or "? ".
func sentenceCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := true
	var prev rune
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start && unicode.IsLetter(r) {
				r = unicode.ToUpper(r)
			}
			start = false
		case unicode.IsSpace(r) && (prev == '.' || prev == '!' || prev == '?'):
			start = true
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// titleCase lowers s and raises the first letter of every word, a word
// starting after anything that is not a letter: "MÜLLER-LÜDENSCHEIDT" becomes
// "Müller-Lüdenscheidt", "O'NEILL" "O'Neill". It knows no exceptions
// ("GmbH"); a brand kit's casing rules and vocabulary do that better.
func titleCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inWord := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if inWord {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToTitle(r)
			}
			inWord = true
		} else {
			inWord = unicode.IsDigit(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dateFormat is a source date format: a Go layout ("02.01.2006") or one
// written with YYYY, YY, MM and DD ("YYYYMMDD", "DD.MM.YYYY").
type dateFormat struct {
	text   string
	layout string
}

var dateTokens = strings.NewReplacer("YYYY", "2006", "YY", "06", "MM", "01", "DD", "02")

// parseDateFormat reads a date format and checks that it holds a year, a
// month and a day, by writing a date with it and reading it back.
func parseDateFormat(s string) (*dateFormat, error) {
	layout := s
	if strings.Contains(s, "YY") || strings.Contains(s, "MM") || strings.Contains(s, "DD") {
		layout = dateTokens.Replace(s)
	}
	if len(s) > 40 {
		return nil, fmt.Errorf("date format is too long")
	}
	ref := time.Date(2031, time.November, 23, 0, 0, 0, 0, time.UTC)
	back, err := time.Parse(layout, ref.Format(layout))
	if err != nil || back.Year() != ref.Year() || back.Month() != ref.Month() || back.Day() != ref.Day() {
		return nil, fmt.Errorf("date format %q must hold a year, a month and a day: write it as YYYYMMDD, DD.MM.YYYY, ... or as a Go layout such as 02.01.2006", s)
	}
	return &dateFormat{text: s, layout: layout}, nil
}

// parse reads v in the format and returns it as "YYYY-MM-DD".
func (f *dateFormat) parse(v string) (string, string) {
	t, err := time.Parse(f.layout, strings.TrimSpace(v))
	if err != nil {
		return "", "not a date in the format " + f.text + ": " + quote(v)
	}
	return t.Format("2006-01-02"), ""
}

// maxNumberLen bounds the text of a number a rule converts: far above the
// 15+6 digits a canonical decimal may have, so the canonical check still
// names the real problem, and far below anything costly.
const maxNumberLen = 64

var (
	plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	commaNumber = regexp.MustCompile(`^-?([0-9]{1,3}([. '\x{00A0}\x{202F}][0-9]{3})+|[0-9]+)(,[0-9]+)?$`)
	groupSep    = strings.NewReplacer(".", "", " ", "", "'", "", "\u00a0", "", "\u202f", "")
)

// toDecimal turns a source number into a canonical decimal: with comma set
// a decimal comma and '.', space or apostrophe grouping ("1.234,56"); a
// trailing minus as SAP writes it ("12,50-"); and with minor >= 0 a whole
// number of minor units shifted by minor places ("1250" and 2: "12.50").
// It returns the decimal or a problem.
func toDecimal(v string, comma bool, minor int) (string, string) {
	s := strings.TrimSpace(v)
	if len(s) > maxNumberLen {
		return "", "not a number: " + quote(v)
	}
	if strings.HasSuffix(s, "-") && !strings.HasPrefix(s, "-") {
		s = "-" + strings.TrimSpace(s[:len(s)-1])
	}
	s = strings.TrimPrefix(s, "+")
	switch {
	case comma && commaNumber.MatchString(s):
		s = strings.Replace(groupSep.Replace(s), ",", ".", 1)
	case comma:
		return "", "not a number: " + quote(v)
	case !plainNumber.MatchString(s):
		if strings.Contains(s, ",") && commaNumber.MatchString(s) {
			return "", "not a number: " + quote(v) + " (a decimal comma? set decimal_comma: true)"
		}
		return "", "not a number: " + quote(v)
	}
	if minor < 0 {
		return s, ""
	}
	if strings.Contains(s, ".") {
		return "", "not a whole number of minor units: " + quote(v)
	}
	return shiftMinor(s, minor), ""
}

// shiftMinor writes the integer s (optionally signed) divided by 10^places,
// with exactly places decimals: ("1250", 2) is "12.50", ("-5", 2) "-0.05".
func shiftMinor(s string, places int) string {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
	if len(digits) <= places {
		digits = strings.Repeat("0", places-len(digits)+1) + digits
	}
	out := digits
	if places > 0 {
		out = digits[:len(digits)-places] + "." + digits[len(digits)-places:]
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// validText reports why v cannot be a canonical text, or "".
func validText(v string) string {
	if !utf8.ValidString(v) {
		return "not valid UTF-8 text"
	}
	return ""
}
