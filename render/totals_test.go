package render

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// line is a test shorthand for an invoice line without discount.
func line(qty, price, rate string) Line {
	return Line{Description: "x", Quantity: MustDecimal(qty), UnitPrice: MustDecimal(price), TaxRate: MustDecimal(rate)}
}

func pct(p string) *Discount {
	d := MustDecimal(p)
	return &Discount{Percent: &d}
}

func off(a string) *Discount {
	d := MustDecimal(a)
	return &Discount{Amount: &d}
}

func withDiscount(l Line, d *Discount) Line {
	l.Discount = d
	return l
}

// assertDec compares a decimal with its expected fixed-point text, which also
// checks it was rounded to digits places.
func assertDec(t *testing.T, want string, got decimal.Decimal, digits int, msg string) {
	t.Helper()
	assert.Equal(t, want, got.StringFixed(int32(digits)), msg)
	assert.True(t, got.Equal(got.Round(int32(digits))), "%s: %s is not rounded to %d places", msg, got, digits)
}

func TestComputeTotalsRounding(t *testing.T) {
	tests := []struct {
		name               string
		currency           string
		line               Line
		digits             int
		amount, tax, gross string
	}{
		{name: "EUR half cent rounds up", currency: "EUR", line: line("1", "0.005", "0"), digits: 2, amount: "0.01", tax: "0.00", gross: "0.01"},
		{name: "EUR 2.675 is exact, rounds up", currency: "EUR", line: line("1", "2.675", "0"), digits: 2, amount: "2.68", tax: "0.00", gross: "2.68"},
		{name: "EUR 2.665 rounds up too (not to even)", currency: "EUR", line: line("1", "2.665", "0"), digits: 2, amount: "2.67", tax: "0.00", gross: "2.67"},
		{name: "EUR just below half", currency: "EUR", line: line("1", "0.004999", "0"), digits: 2, amount: "0.00", tax: "0.00", gross: "0.00"},
		{name: "EUR thirds", currency: "EUR", line: line("3", "0.333333", "19"), digits: 2, amount: "1.00", tax: "0.19", gross: "1.19"},
		{name: "EUR fractional quantity", currency: "EUR", line: line("1.5", "80.00", "19"), digits: 2, amount: "120.00", tax: "22.80", gross: "142.80"},
		{name: "EUR tax half cent", currency: "EUR", line: line("1", "0.50", "1"), digits: 2, amount: "0.50", tax: "0.01", gross: "0.51"},
		{name: "JPY no minor unit", currency: "JPY", line: line("3", "1250.5", "8"), digits: 0, amount: "3752", tax: "300", gross: "4052"},
		{name: "JPY half yen", currency: "JPY", line: line("1", "0.5", "10"), digits: 0, amount: "1", tax: "0", gross: "1"},
		{name: "JPY tax half", currency: "JPY", line: line("1", "105", "10"), digits: 0, amount: "105", tax: "11", gross: "116"},
		{name: "KWD three places", currency: "KWD", line: line("1", "1.2345", "0"), digits: 3, amount: "1.235", tax: "0.000", gross: "1.235"},
		{name: "KWD tax", currency: "KWD", line: line("2", "0.1255", "5"), digits: 3, amount: "0.251", tax: "0.013", gross: "0.264"},
		{name: "big numbers stay exact", currency: "EUR", line: line("999999999999999", "999999999999999.999999", "19"), digits: 2,
			amount: "999999999999998999999000000000.00", tax: "189999999999999809999810000000.00", gross: "1189999999999998809998810000000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ComputeTotals(&Invoice{Currency: tt.currency, Lines: []Line{tt.line}})
			require.NoError(t, err)
			assert.Equal(t, tt.digits, c.Digits)
			require.Len(t, c.Lines, 1)
			assertDec(t, tt.amount, c.Lines[0].Amount, tt.digits, "amount")
			assertDec(t, tt.amount, c.Lines[0].Net, tt.digits, "net")
			assertDec(t, tt.tax, c.Tax, tt.digits, "tax")
			assertDec(t, tt.gross, c.Gross, tt.digits, "gross")
		})
	}
}

// TestRoundingNegative pins half-away-from-zero for negative amounts, which
// valid lines never produce but a future credit line might.
func TestRoundingNegative(t *testing.T) {
	tests := []struct {
		qty, price string
		digits     int32
		want       string
	}{
		{"1", "-2.675", 2, "-2.68"},
		{"-1", "0.005", 2, "-0.01"},
		{"1", "-0.5", 0, "-1"},
		{"1", "-1.2345", 3, "-1.235"},
		{"1", "-2.664", 2, "-2.66"},
	}
	for _, tt := range tests {
		t.Run(tt.qty+"x"+tt.price, func(t *testing.T) {
			got := lineAmount(Line{Quantity: MustDecimal(tt.qty), UnitPrice: MustDecimal(tt.price)}, tt.digits)
			assert.Equal(t, tt.want, got.Amount.StringFixed(tt.digits))
		})
	}
}

func TestComputeTotalsTaxGroups(t *testing.T) {
	tests := []struct {
		name   string
		lines  []Line
		groups [][3]string // rate, base, tax
		net    string
		tax    string
		gross  string
	}{
		{
			name:   "tax on the group, not per line",
			lines:  []Line{line("1", "1.05", "7"), line("1", "1.05", "7")},
			groups: [][3]string{{"7", "2.10", "0.15"}}, // per line would be 0.07 + 0.07 = 0.14
			net:    "2.10", tax: "0.15", gross: "2.25",
		},
		{
			name:   "rates sorted descending, equal rates merged",
			lines:  []Line{line("1", "10", "7"), line("1", "10", "0"), line("1", "10", "19"), line("1", "10", "19.00"), line("1", "10", "5.5")},
			groups: [][3]string{{"19", "20.00", "3.80"}, {"7", "10.00", "0.70"}, {"5.5", "10.00", "0.55"}, {"0", "10.00", "0.00"}},
			net:    "50.00", tax: "5.05", gross: "55.05",
		},
		{
			name: "discounts",
			lines: []Line{
				withDiscount(line("1.5", "80.00", "19"), pct("10")),    // 120.00 - 12.00
				withDiscount(line("2", "19.99", "19"), off("4.00")),    // 39.98 - 4.00
				withDiscount(line("1", "9.99", "7"), pct("33.333333")), // 9.99 - 3.33
				withDiscount(line("1", "5.00", "7"), pct("100")),       // free
				withDiscount(line("1", "5.00", "7"), off("5")),         // free
			},
			groups: [][3]string{{"19", "143.98", "27.36"}, {"7", "6.66", "0.47"}},
			net:    "150.64", tax: "27.83", gross: "178.47",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ComputeTotals(&Invoice{Currency: "EUR", Lines: tt.lines})
			require.NoError(t, err)
			require.Len(t, c.TaxGroups, len(tt.groups))
			for i, g := range tt.groups {
				assert.Equal(t, g[0], c.TaxGroups[i].Rate.String(), "rate %d", i)
				assertDec(t, g[1], c.TaxGroups[i].Base, 2, "base")
				assertDec(t, g[2], c.TaxGroups[i].Tax, 2, "tax")
			}
			assertDec(t, tt.net, c.Net, 2, "net")
			assertDec(t, tt.tax, c.Tax, 2, "tax")
			assertDec(t, tt.gross, c.Gross, 2, "gross")
		})
	}
}

func TestComputeTotalsLineAmounts(t *testing.T) {
	c, err := ComputeTotals(&Invoice{Currency: "EUR", Lines: []Line{
		withDiscount(line("3", "9.99", "19"), pct("15")),
		line("1", "0.10", "19"),
	}})
	require.NoError(t, err)
	require.Len(t, c.Lines, 2)
	assertDec(t, "29.97", c.Lines[0].Amount, 2, "amount")
	assertDec(t, "4.50", c.Lines[0].Discount, 2, "discount") // 4.4955
	assertDec(t, "25.47", c.Lines[0].Net, 2, "net")
	assertDec(t, "0.00", c.Lines[1].Discount, 2, "no discount")
}

func TestComputeTotalsDeterministic(t *testing.T) {
	var lines []Line
	for _, r := range []string{"3", "19", "7", "0", "16", "5.5", "10", "21", "20", "25"} {
		lines = append(lines, line("1", "1", r))
	}
	first, err := ComputeTotals(&Invoice{Currency: "EUR", Lines: lines})
	require.NoError(t, err)
	for range 20 {
		again, err := ComputeTotals(&Invoice{Currency: "EUR", Lines: lines})
		require.NoError(t, err)
		assert.Equal(t, first, again)
	}
}

func TestComputeTotalsRejects(t *testing.T) {
	bad := line("1", "1", "19")
	bad.Quantity = decimalFromText("1e3")
	tests := []struct {
		name string
		inv  *Invoice
		want string
	}{
		{name: "nil", inv: nil, want: "invalid document: 1 problem: (document): no invoice"},
		{name: "unknown currency", inv: &Invoice{Currency: "EURO", Lines: []Line{line("1", "1", "0")}},
			want: `invalid document: 1 problem: currency: "EURO" is not an ISO 4217 currency code (e.g. EUR)`},
		{name: "no lines", inv: &Invoice{Currency: "EUR"}, want: "invalid document: 1 problem: lines: must have at least 1 item"},
		{name: "bad number", inv: &Invoice{Currency: "EUR", Lines: []Line{bad}},
			want: `invalid document: 1 problem: lines[0].quantity: "1e3" is not a decimal number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ComputeTotals(tt.inv)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.EqualError(t, err, tt.want)
		})
	}
}

func TestCurrencyDigits(t *testing.T) {
	tests := []struct {
		code    string
		want    int
		wantErr string
	}{
		{code: "EUR", want: 2},
		{code: "USD", want: 2},
		{code: "JPY", want: 0},
		{code: "KWD", want: 3},
		{code: "BHD", want: 3},
		{code: "CHF", want: 2},
		{code: "ISK", want: 0},
		{code: "eur", wantErr: `currency: "eur" is not an ISO 4217 currency code (e.g. EUR)`},
		{code: "ABC", wantErr: `currency: "ABC" is not an ISO 4217 currency code (e.g. EUR)`},
		{code: "XAU", wantErr: `currency: "XAU" is not a currency of legal tender`},
		{code: "XXX", wantErr: `currency: "XXX" is not a currency of legal tender`},
		{code: "XTS", wantErr: `currency: "XTS" is not a currency of legal tender`},
		{code: "", wantErr: `currency: "" is not an ISO 4217 currency code (e.g. EUR)`},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := CurrencyDigits(tt.code)
			if tt.wantErr != "" {
				assert.ErrorIs(t, err, ErrInvalid)
				assert.EqualError(t, err, "invalid document: 1 problem: "+tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestValidateTotalsMismatch(t *testing.T) {
	base := func() *Invoice {
		return &Invoice{
			Type: TypeInvoice, Number: "1", IssueDate: MustDate("2026-01-01"), Currency: "EUR",
			Buyer: Recipient{Name: "B", Address: Address{Lines: []string{"Street 1"}}},
			Lines: []Line{line("1", "100", "19")},
		}
	}
	tests := []struct {
		name   string
		totals Totals
		want   []FieldError
	}{
		{name: "agree", totals: Totals{Net: MustDecimal("100.00"), Tax: MustDecimal("19.00"), Gross: MustDecimal("119.00")}},
		{name: "agree with fewer zeros", totals: Totals{Net: MustDecimal("100"), Tax: MustDecimal("19"), Gross: MustDecimal("119.0")}},
		{name: "gross off by a cent", totals: Totals{Net: MustDecimal("100.00"), Tax: MustDecimal("19.00"), Gross: MustDecimal("119.01")},
			want: []FieldError{{Path: "totals.gross", Message: "stated 119.01 but lines add up to 119.00"}}},
		{name: "all wrong", totals: Totals{Net: MustDecimal("99"), Tax: MustDecimal("18.81"), Gross: MustDecimal("117.81")},
			want: []FieldError{
				{Path: "totals.gross", Message: "stated 117.81 but lines add up to 119.00"},
				{Path: "totals.net", Message: "stated 99 but lines add up to 100.00"},
				{Path: "totals.tax", Message: "stated 18.81 but lines add up to 19.00"},
			}},
		{name: "more places than the currency", totals: Totals{Net: MustDecimal("100.000"), Tax: MustDecimal("19.00"), Gross: MustDecimal("119.00")},
			want: []FieldError{{Path: "totals.net", Message: `"100.000" has 3 decimal places but EUR amounts have at most 2`}}},
		{name: "missing figure", totals: Totals{Net: MustDecimal("100.00"), Gross: MustDecimal("119.00")},
			want: []FieldError{{Path: "totals.tax", Message: "required"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := base()
			inv.StatedTotals = &tt.totals
			err := (&Document{Type: TypeInvoice, Invoice: inv}).Validate()
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.want, ve.Problems)
		})
	}
}
