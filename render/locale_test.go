package render

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// Expected strings spell no-break spaces as \u00a0. CLDR now groups fr digits
// with U+202F; x/text v0.43.0 still has U+00A0, and Livery uses x/text's.

func localeForTest(t *testing.T, tag string) *locale {
	t.Helper()
	l, err := newLocale(tag)
	require.NoError(t, err)
	return l
}

func TestNewLocale(t *testing.T) {
	tests := []struct {
		in      string
		wantTag string
		wantErr bool
	}{
		{in: "en-GB", wantTag: "en-GB"},
		{in: "en-US", wantTag: "en-US"},
		{in: "de-DE", wantTag: "de-DE"},
		{in: "fr-FR", wantTag: "fr-FR"},
		{in: "nl-NL", wantTag: "nl-NL"},
		{in: "de-de", wantTag: "de-DE"},
		{in: "en", wantErr: true},
		{in: "es-ES", wantErr: true},
		{in: "de-AT", wantErr: true},
		{in: "", wantErr: true},
		{in: "not a tag", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			l, err := newLocale(tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantTag, l.Tag())
			assert.Equal(t, language.MustParse(tt.wantTag), l.Lang())
		})
	}
}

func TestLocaleMoney(t *testing.T) {
	type moneyCase struct {
		amount   string
		currency string
		digits   int
		want     string
	}
	tests := []struct {
		tag   string
		cases []moneyCase
	}{
		{"en-GB", []moneyCase{
			{"1234.5", "GBP", 2, "£1,234.50"},
			{"1234.5", "EUR", 2, "€1,234.50"},
			{"-1234.5", "EUR", 2, "-€1,234.50"},
			{"0", "GBP", 2, "£0.00"},
			{"1235", "JPY", 0, "JP¥1,235"}, // CLDR en-GB: JPY is "JP¥", USD "US$"
			{"1234.5", "USD", 2, "US$1,234.50"},
			{"1234.5", "KWD", 3, "KWD\u00a01,234.500"}, // CLDR currencySpacing
			{"-1234.567", "KWD", 3, "-KWD\u00a01,234.567"},
			{"123456789012345.67", "GBP", 2, "£123,456,789,012,345.67"},
			{"0.005", "GBP", 2, "£0.01"},  // rounded half away from zero
			{"-0.004", "GBP", 2, "£0.00"}, // no negative zero
			{"1.5", "XYZ", 2, "XYZ\u00a01.50"},
		}},
		{"en-US", []moneyCase{
			{"1234.5", "USD", 2, "$1,234.50"},
			{"-1234.5", "USD", 2, "-$1,234.50"},
			{"0", "USD", 2, "$0.00"},
			{"1234.5", "EUR", 2, "€1,234.50"},
			{"1235", "JPY", 0, "¥1,235"},
			{"1234.5", "KWD", 3, "KWD\u00a01,234.500"},
			{"123456789012345.67", "USD", 2, "$123,456,789,012,345.67"},
		}},
		{"de-DE", []moneyCase{
			{"1234.5", "EUR", 2, "1.234,50\u00a0€"},
			{"-1234.5", "EUR", 2, "-1.234,50\u00a0€"},
			{"0", "EUR", 2, "0,00\u00a0€"},
			{"1235", "JPY", 0, "1.235\u00a0¥"},
			{"-1235", "JPY", 0, "-1.235\u00a0¥"},
			{"1234.5", "KWD", 3, "1.234,500\u00a0KWD"},
			{"1234.5", "GBP", 2, "1.234,50\u00a0£"},
			{"1234.5", "USD", 2, "1.234,50\u00a0$"},
			{"123456789012345.67", "EUR", 2, "123.456.789.012.345,67\u00a0€"},
		}},
		{"fr-FR", []moneyCase{
			{"1234.5", "EUR", 2, "1\u00a0234,50\u00a0€"},
			{"-1234.5", "EUR", 2, "-1\u00a0234,50\u00a0€"},
			{"0", "EUR", 2, "0,00\u00a0€"},
			{"1235", "JPY", 0, "1\u00a0235\u00a0JPY"}, // CLDR fr: JPY's symbol is "JPY"
			{"1234.5", "KWD", 3, "1\u00a0234,500\u00a0KWD"},
			{"1234.5", "USD", 2, "1\u00a0234,50\u00a0$US"},
			{"123456789012345.67", "EUR", 2, "123\u00a0456\u00a0789\u00a0012\u00a0345,67\u00a0€"},
		}},
		{"nl-NL", []moneyCase{
			{"1234.5", "EUR", 2, "€\u00a01.234,50"},
			{"-1234.5", "EUR", 2, "€\u00a0-1.234,50"},
			{"0", "EUR", 2, "€\u00a00,00"},
			{"1235", "JPY", 0, "JP¥\u00a01.235"},
			{"1234.5", "KWD", 3, "KWD\u00a01.234,500"},
			{"-1234.5", "KWD", 3, "KWD\u00a0-1.234,500"},
			{"1234.5", "USD", 2, "US$\u00a01.234,50"},
			{"123456789012345.67", "EUR", 2, "€\u00a0123.456.789.012.345,67"},
		}},
	}
	for _, tt := range tests {
		l := localeForTest(t, tt.tag)
		for _, c := range tt.cases {
			t.Run(tt.tag+"/"+c.currency+"/"+c.amount, func(t *testing.T) {
				got := l.Money(decimal.RequireFromString(c.amount), c.currency, c.digits)
				assert.Equal(t, c.want, got)
			})
		}
	}
}

func TestLocaleMoneyBeyondInt64(t *testing.T) {
	// Never reached by real amounts, but must still group and not overflow.
	l := localeForTest(t, "de-DE")
	got := l.Money(decimal.RequireFromString("12345678901234567890.5"), "EUR", 2)
	assert.Equal(t, "12.345.678.901.234.567.890,50\u00a0€", got)
}

func TestLocaleNumberPercent(t *testing.T) {
	type numCase struct {
		in, number, percent string
	}
	tests := []struct {
		tag   string
		cases []numCase
	}{
		{"en-GB", []numCase{
			{"2.5", "2.5", "2.5%"},
			{"1234", "1,234", "1,234%"},
			{"1.50", "1.5", "1.5%"},
			{"19", "19", "19%"},
			{"5.5", "5.5", "5.5%"},
			{"0", "0", "0%"},
			{"-3.25", "-3.25", "-3.25%"},
			{"1234567.125", "1,234,567.125", "1,234,567.125%"},
		}},
		{"en-US", []numCase{
			{"2.5", "2.5", "2.5%"},
			{"1234", "1,234", "1,234%"},
			{"19", "19", "19%"},
		}},
		{"de-DE", []numCase{
			{"2.5", "2,5", "2,5\u00a0%"},
			{"1234", "1.234", "1.234\u00a0%"},
			{"1.50", "1,5", "1,5\u00a0%"},
			{"19", "19", "19\u00a0%"},
			{"5.5", "5,5", "5,5\u00a0%"},
			{"-3.25", "-3,25", "-3,25\u00a0%"},
		}},
		{"fr-FR", []numCase{
			{"2.5", "2,5", "2,5\u00a0%"},
			{"1234", "1\u00a0234", "1\u00a0234\u00a0%"},
			{"19", "19", "19\u00a0%"},
			{"5.5", "5,5", "5,5\u00a0%"},
		}},
		{"nl-NL", []numCase{
			{"2.5", "2,5", "2,5%"},
			{"1234", "1.234", "1.234%"},
			{"19", "19", "19%"},
			{"5.5", "5,5", "5,5%"},
		}},
	}
	for _, tt := range tests {
		l := localeForTest(t, tt.tag)
		for _, c := range tt.cases {
			t.Run(tt.tag+"/"+c.in, func(t *testing.T) {
				d := decimal.RequireFromString(c.in)
				assert.Equal(t, c.number, l.Number(d))
				assert.Equal(t, c.percent, l.Percent(d))
			})
		}
	}
}

func TestLocaleDate(t *testing.T) {
	type dateCase struct {
		year        int
		month       time.Month
		day         int
		long, short string
	}
	tests := []struct {
		tag   string
		cases []dateCase
	}{
		{"en-GB", []dateCase{
			{2026, time.November, 1, "1 November 2026", "01/11/2026"},
			{2027, time.March, 31, "31 March 2027", "31/03/2027"},
		}},
		{"en-US", []dateCase{
			{2026, time.November, 1, "November 1, 2026", "11/01/2026"},
			{2027, time.March, 31, "March 31, 2027", "03/31/2027"},
		}},
		{"de-DE", []dateCase{
			{2026, time.November, 1, "1. November 2026", "01.11.2026"},
			{2027, time.March, 9, "9. März 2027", "09.03.2027"},
		}},
		{"fr-FR", []dateCase{
			// CLDR's long pattern is "d MMMM y": no "1er".
			{2026, time.November, 1, "1 novembre 2026", "01/11/2026"},
			{2027, time.August, 15, "15 août 2027", "15/08/2027"},
			{2027, time.February, 2, "2 février 2027", "02/02/2027"},
		}},
		{"nl-NL", []dateCase{
			{2026, time.November, 1, "1 november 2026", "01-11-2026"},
			{2027, time.March, 9, "9 maart 2027", "09-03-2027"},
		}},
	}
	for _, tt := range tests {
		l := localeForTest(t, tt.tag)
		for _, c := range tt.cases {
			t.Run(tt.tag+"/"+c.long, func(t *testing.T) {
				assert.Equal(t, c.long, l.Date(c.year, c.month, c.day))
				assert.Equal(t, c.short, l.ShortDate(c.year, c.month, c.day))
			})
		}
	}
}

func TestLocaleDateBadMonth(t *testing.T) {
	// An out-of-range month must not panic; it falls back to its number.
	l := localeForTest(t, "en-GB")
	assert.Equal(t, "1 13 2026", l.Date(2026, 13, 1))
}
