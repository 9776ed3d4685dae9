package ubl

import (
	"regexp"

	"github.com/shopspring/decimal"
)

// totals passes the stated totals on, for Livery to check against its own:
// net is TaxExclusiveAmount, tax the TaxAmount of the TaxTotal in the
// document currency, gross TaxInclusiveAmount. Livery's invoice has the
// gross as the amount due, so PayableAmount must equal it: prepaid and
// rounding amounts are reported, not silently dropped.
func (r *reader) totals() {
	lmt := r.root.get(cac("LegalMonetaryTotal"))
	net, gross := lmt.get(cbc("TaxExclusiveAmount")), lmt.get(cbc("TaxInclusiveAmount"))
	payable := lmt.get(cbc("PayableAmount"))
	tax := r.taxAmount()
	stated := true
	for _, t := range []struct {
		target string
		n      node
	}{{"totals.net", net}, {"totals.tax", tax}, {"totals.gross", gross}, {"totals.gross", payable}} {
		if t.n.text() == "" {
			r.b.Problem(t.n.path, t.target, "required")
			stated = false
		}
	}
	if stated {
		r.amount("totals.net", net)
		r.amount("totals.tax", tax)
		r.amount("totals.gross", gross)
	}
	for _, name := range []string{"PrepaidAmount", "PayableRoundingAmount"} {
		if n := lmt.get(cbc(name)); nonZero(n.text()) {
			r.b.Report(n.path, "totals.gross", "not supported: Livery's invoice shows the gross total as the amount due")
			return
		}
	}
	if stated && !sameNumber(payable.text(), gross.text()) {
		r.b.Report(payable.path, "totals.gross", "stated "+payable.text()+" but TaxInclusiveAmount is "+gross.text()+": the amount due must be the gross total")
	}
}

// taxAmount finds the tax total in the document currency: a document may
// give a second one in its tax currency.
func (r *reader) taxAmount() node {
	all := r.root.all(cac("TaxTotal"))
	for _, t := range all {
		amt := t.get(cbc("TaxAmount"))
		if cur, _ := amt.attr("currencyID"); cur == r.currency {
			return amt
		}
	}
	if len(all) > 0 {
		return all[0].get(cbc("TaxAmount"))
	}
	return r.root.get(cac("TaxTotal"), cbc("TaxAmount"))
}

// nonZero reports whether s is a number other than zero (or not a number).
func nonZero(s string) bool {
	if s == "" {
		return false
	}
	d, ok := number(s)
	return !ok || !d.IsZero()
}

// sameNumber reports whether a and b are the same number ("119" and
// "119.00"); text that is no number compares as text.
func sameNumber(a, b string) bool {
	x, okA := number(a)
	y, okB := number(b)
	if !okA || !okB {
		return a == b
	}
	return x.Equal(y)
}

// number parses an xsd:decimal of at most 40 characters. It takes no
// exponent ("1e999999999"), so no input makes arithmetic on it expensive.
func number(s string) (decimal.Decimal, bool) {
	v := xsdDecimal(s)
	if len(v) > 40 || !plainDecimal.MatchString(v) {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(v)
	return d, err == nil
}

var plainDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
