package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// locale formats money, quantities, percentages and dates for one of the locales
// Livery speaks. It holds no mutable state, so one value serves concurrent renders.
//
// Separators, grouping and the percent pattern come from golang.org/x/text (CLDR
// data). x/text's number formatter only accepts ints and floats, and floats are
// never allowed near money, so numbers are assembled here from an integer part
// grouped by x/text, the locale's decimal separator and the exact fraction digits
// of the decimal.
type locale struct {
	tag     language.Tag
	printer *message.Printer

	decimalSep string // e.g. "." or ","
	groupSep   string // only used past int64, where x/text cannot group for us
	minus      string
	percentPre string // text before the number in a percentage
	percentSuf string // text after it, e.g. "\u00a0%"

	money  moneyPattern
	months *[12]string
	long   string // CLDR date pattern, e.g. "d MMMM y"
	short  string
}

// moneyPattern is a CLDR currency pattern split into the parts Money needs:
// '¤' is the currency symbol, '#' the number, '-' the locale's minus sign.
type moneyPattern struct {
	positive, negative string
}

// localeData is what x/text cannot give us: currency patterns and dates.
type localeData struct {
	money  moneyPattern
	months *[12]string
	long   string
	short  string
}

// Month names are CLDR's gregorian format-wide months. x/text has no public
// date formatter, hence this table.
var (
	monthsEN = [12]string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
	monthsDE = [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni",
		"Juli", "August", "September", "Oktober", "November", "Dezember"}
	monthsFR = [12]string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	monthsNL = [12]string{"januari", "februari", "maart", "april", "mei", "juni",
		"juli", "augustus", "september", "oktober", "november", "december"}
)

// locales lists the supported locales. Sources, all CLDR (common/main/*.xml):
//   - money: numbers/currencyFormats[latn]/standard; en-GB inherits en's
//     "¤#,##0.00", de and fr have "#,##0.00\u00a0¤", nl has
//     "¤\u00a0#,##0.00;¤\u00a0-#,##0.00". A pattern without an explicit negative
//     part puts the minus sign in front.
//   - long dates: dateFormats/dateFormatLength[long].
//   - short dates: the numeric day-month-year form with a four-digit year and
//     zero-padded day and month (CLDR's medium/yMd skeleton shapes), because an
//     invoice date must not have a two-digit year, which CLDR's short format uses
//     for en-US and de.
var locales = map[string]localeData{
	"en-GB": {moneyPattern{"¤#", "-¤#"}, &monthsEN, "d MMMM y", "dd/MM/y"},
	"en-US": {moneyPattern{"¤#", "-¤#"}, &monthsEN, "MMMM d, y", "MM/dd/y"},
	"de-DE": {moneyPattern{"#\u00a0¤", "-#\u00a0¤"}, &monthsDE, "d. MMMM y", "dd.MM.y"},
	"fr-FR": {moneyPattern{"#\u00a0¤", "-#\u00a0¤"}, &monthsFR, "d MMMM y", "dd/MM/y"},
	"nl-NL": {moneyPattern{"¤\u00a0#", "¤\u00a0-#"}, &monthsNL, "d MMMM y", "dd-MM-y"},
}

// newLocale returns the locale for a BCP 47 tag such as "de-DE".
func newLocale(tag string) (*locale, error) {
	t, err := language.Parse(tag)
	if err != nil {
		return nil, fmt.Errorf("locale %q: %w", tag, err)
	}
	data, ok := locales[t.String()]
	if !ok {
		return nil, fmt.Errorf("locale %q is not supported (use en-GB, en-US, de-DE, fr-FR or nl-NL)", tag)
	}
	p := message.NewPrinter(t)
	l := &locale{
		tag:     t,
		printer: p,
		money:   data.money,
		months:  data.months,
		long:    data.long,
		short:   data.short,
	}
	// Read the symbols off x/text's output for integer inputs, the only exact
	// ones it takes.
	var ok1, ok2, ok3, ok4 bool
	l.decimalSep, ok1 = between(p.Sprint(number.Decimal(0, number.Scale(1))), "0", "0")
	l.groupSep, ok2 = between(p.Sprint(number.Decimal(1000)), "1", "000")
	l.minus, ok3 = between(p.Sprint(number.Decimal(-1)), "", "1")
	l.percentPre, l.percentSuf, ok4 = strings.Cut(p.Sprint(number.Percent(0)), "0")
	if !ok1 || !ok2 || !ok3 || !ok4 || l.decimalSep == "" || l.minus == "" {
		return nil, fmt.Errorf("locale %q: unexpected number format from x/text", tag)
	}
	return l, nil
}

// between returns s without prefix and suffix, and whether both were there.
func between(s, prefix, suffix string) (string, bool) {
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) || len(s) < len(prefix)+len(suffix) {
		return "", false
	}
	return s[len(prefix) : len(s)-len(suffix)], true
}

// Tag returns the locale's BCP 47 tag, e.g. "de-DE".
func (l *locale) Tag() string { return l.tag.String() }

// Lang returns the locale's language tag.
func (l *locale) Lang() language.Tag { return l.tag }

// Money formats an amount in a currency (ISO 4217 code) with digits fraction
// digits, e.g. "1.234,50 €" in de-DE. The caller rounds; an amount with more
// fraction digits is rounded half away from zero rather than cut.
func (l *locale) Money(amount decimal.Decimal, currencyCode string, digits int) string {
	digits = max(digits, 0)
	amount = amount.Round(int32(digits))
	num := l.digits(amount.Abs().StringFixed(int32(digits)))
	sym := l.symbol(currencyCode)
	pattern := l.money.positive
	if amount.Sign() < 0 {
		pattern = l.money.negative
	}
	var b strings.Builder
	for i, r := range pattern {
		switch r {
		case '¤':
			b.WriteString(sym)
			// CLDR currencySpacing: a symbol that ends or starts with a letter
			// (e.g. "KWD", "CHF") gets a no-break space next to the digits.
			if next := pattern[i+len("¤"):]; strings.HasPrefix(next, "#") && spaced(lastRune(sym)) {
				b.WriteString("\u00a0")
			}
		case '#':
			b.WriteString(num)
			if strings.HasPrefix(pattern[i+1:], "¤") && spaced(firstRune(sym)) {
				b.WriteString("\u00a0")
			}
		case '-':
			b.WriteString(l.minus)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// symbol is the currency's CLDR standard symbol in the locale ("€", "US$",
// "KWD"). The narrow symbol is not used: "$" for both USD and CAD would make an
// invoice ambiguous. An unknown code is printed as given.
func (l *locale) symbol(code string) string {
	u, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	return l.printer.Sprint(currency.Symbol(u))
}

// spaced reports whether a symbol rune needs a space next to digits: CLDR's
// currencyMatch [[:^S:]&[:^Z:]].
func spaced(r rune) bool {
	return r != utf8.RuneError && !unicode.IsSymbol(r) && !unicode.Is(unicode.Z, r)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// Number formats a quantity with the locale's separators and only the fraction
// digits the value needs: 1.50 is "1.5", 1234 is "1,234" in en.
func (l *locale) Number(d decimal.Decimal) string {
	s := l.digits(d.Abs().String())
	if d.Sign() < 0 {
		return l.minus + s
	}
	return s
}

// Percent formats a percentage given in percent (19 is "19 %" in de-DE), using
// x/text's percent pattern for the locale.
func (l *locale) Percent(d decimal.Decimal) string {
	return l.percentPre + l.Number(d) + l.percentSuf
}

// digits localises a non-negative plain decimal string such as "1234.50".
func (l *locale) digits(s string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	var grouped string
	if n, err := strconv.ParseInt(intPart, 10, 64); err == nil {
		grouped = l.printer.Sprint(number.Decimal(n))
	} else {
		grouped = groupDigits(intPart, l.groupSep)
	}
	if frac == "" {
		return grouped
	}
	return grouped + l.decimalSep + frac
}

// groupDigits groups a digit string in threes, as all supported locales do. It
// is only reached for integer parts beyond int64, which amounts never have.
func groupDigits(s, sep string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Date formats a date in the locale's long form, e.g. "1. November 2026".
func (l *locale) Date(year int, month time.Month, day int) string {
	return l.formatDate(l.long, year, month, day)
}

// ShortDate formats a date numerically, e.g. "01.11.2026".
func (l *locale) ShortDate(year int, month time.Month, day int) string {
	return l.formatDate(l.short, year, month, day)
}

// formatDate expands the CLDR pattern letters our patterns use (d, dd, MM,
// MMMM, y); every other rune is literal.
func (l *locale) formatDate(pattern string, year int, month time.Month, day int) string {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		switch {
		case c == 'd' && n == 1:
			b.WriteString(strconv.Itoa(day))
		case c == 'd':
			fmt.Fprintf(&b, "%02d", day)
		case c == 'M' && n >= 4 && month >= time.January && month <= time.December:
			b.WriteString(l.months[month-1])
		case c == 'M':
			// Also the fallback for an out-of-range month, so nothing panics.
			fmt.Fprintf(&b, "%02d", int(month))
		case c == 'y':
			b.WriteString(strconv.Itoa(year))
		default:
			b.WriteString(pattern[i : i+n])
		}
		i += n
	}
	return b.String()
}
