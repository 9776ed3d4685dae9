package render

import (
	"slices"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// Computed is an invoice's amounts as Livery computes them from the lines.
// Every amount is already rounded to the currency's minor unit (Digits
// decimal places); renderers format them and never do arithmetic.
type Computed struct {
	Digits    int          // decimal places of the currency's minor unit: JPY 0, EUR 2, KWD 3
	Lines     []LineAmount // one per invoice line, in order
	TaxGroups []TaxGroup   // one per distinct tax rate, highest rate first
	Net       decimal.Decimal
	Tax       decimal.Decimal
	Gross     decimal.Decimal
}

// LineAmount is one line's money: Amount is quantity × unit price rounded,
// Net is Amount less Discount.
type LineAmount struct {
	Amount   decimal.Decimal
	Discount decimal.Decimal
	Net      decimal.Decimal
}

// TaxGroup is the lines sharing one tax rate: Base is the sum of their net
// amounts and Tax is computed once on that sum (EN 16931), so it can differ
// by a cent from adding up per-line tax.
type TaxGroup struct {
	Rate decimal.Decimal // percent, trailing zeros dropped (19.00 → 19)
	Base decimal.Decimal
	Tax  decimal.Decimal
}

// tenderCurrencies holds the ISO 4217 codes that are or were legal tender
// somewhere: ParseISO alone also accepts gold (XAU), fund codes (CLF, BOV) and
// the test and "no currency" codes (XTS, XXX), which no invoice should use.
var tenderCurrencies = func() map[currency.Unit]bool {
	set := map[currency.Unit]bool{}
	for it := currency.Query(currency.Historical); it.Next(); {
		if it.IsTender() {
			set[it.Unit()] = true
		}
	}
	return set
}()

// CurrencyDigits returns how many decimal places amounts in the currency
// with ISO 4217 code have (JPY 0, EUR 2, KWD 3), from CLDR's standard
// rounding. It fails for a code that is not an upper-case ISO 4217 code of a
// currency of legal tender.
func CurrencyDigits(code string) (int, error) {
	d, msg := currencyDigits(code)
	if msg != "" {
		return 0, newValidationError([]FieldError{{Path: "currency", Message: msg}})
	}
	return d, nil
}

// currencyDigits returns the digits, or why code is not acceptable.
func currencyDigits(code string) (int, string) {
	if len(code) != 3 || !isUpperASCII(code) {
		return 0, msgNotCurrency(code)
	}
	u, err := currency.ParseISO(code)
	if err != nil {
		return 0, msgNotCurrency(code)
	}
	if !tenderCurrencies[u] {
		return 0, quoted(code) + " is not a currency of legal tender"
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, ""
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ComputeTotals computes line amounts, tax per rate and the invoice totals
// with the rules of docs/input.md. It needs a known currency and lines with
// valid numbers, and returns a *ValidationError naming the problems
// otherwise; it does not check the rest of the invoice (Validate does).
func ComputeTotals(inv *Invoice) (*Computed, error) {
	if inv == nil {
		return nil, newValidationError([]FieldError{{Message: "no invoice"}})
	}
	c := &checker{}
	digits, ok := c.currency("currency", inv.Currency)
	c.lines(inv.Lines, inv.Currency, digits, ok)
	if len(c.ps) > 0 {
		return nil, newValidationError(c.ps)
	}
	return computeTotals(inv.Lines, digits), nil
}

// computeTotals does the arithmetic on lines whose numbers are known to be
// valid. Multiplying and shifting by a power of ten are exact; the only
// rounding is the explicit half-away-from-zero Round to the minor unit.
func computeTotals(lines []Line, digits int) *Computed {
	places := int32(digits)
	comp := &Computed{Digits: digits, Lines: make([]LineAmount, len(lines))}
	groups := map[string]*TaxGroup{}
	for i, l := range lines {
		la := lineAmount(l, places)
		comp.Lines[i] = la
		comp.Net = comp.Net.Add(la.Net)
		// The normalised string makes 19, 19.0 and "19.00" one group.
		key := l.TaxRate.Dec().String()
		g, ok := groups[key]
		if !ok {
			rate, _ := decimal.NewFromString(key)
			g = &TaxGroup{Rate: rate}
			groups[key] = g
		}
		g.Base = g.Base.Add(la.Net)
	}
	comp.TaxGroups = make([]TaxGroup, 0, len(groups))
	for _, g := range groups {
		g.Tax = percentOf(g.Base, g.Rate, places)
		comp.TaxGroups = append(comp.TaxGroups, *g)
	}
	// Rates are distinct, so this order is total and independent of map order.
	slices.SortFunc(comp.TaxGroups, func(a, b TaxGroup) int { return b.Rate.Cmp(a.Rate) })
	for _, g := range comp.TaxGroups {
		comp.Tax = comp.Tax.Add(g.Tax)
	}
	comp.Net = comp.Net.Round(places)
	comp.Tax = comp.Tax.Round(places)
	comp.Gross = comp.Net.Add(comp.Tax)
	return comp
}

// lineAmount computes one line's amount, discount and net.
func lineAmount(l Line, places int32) LineAmount {
	amount := l.Quantity.Dec().Mul(l.UnitPrice.Dec()).Round(places)
	var discount decimal.Decimal
	if l.Discount != nil {
		switch {
		case given(l.Discount.Percent):
			discount = percentOf(amount, l.Discount.Percent.Dec(), places)
		case given(l.Discount.Amount):
			discount = l.Discount.Amount.Dec()
		}
	}
	return LineAmount{Amount: amount, Discount: discount.Round(places), Net: amount.Sub(discount).Round(places)}
}

// percentOf is round(base × pct / 100); Shift(-2) divides by 100 exactly,
// where Div would cut off at DivisionPrecision digits.
func percentOf(base, pct decimal.Decimal, places int32) decimal.Decimal {
	return base.Mul(pct).Shift(-2).Round(places)
}

// given reports whether an optional decimal was given.
func given(p *Decimal) bool { return p != nil && p.IsSet() }
