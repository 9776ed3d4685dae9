package ubl

import (
	"encoding/json"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

func itoa(i int) string { return strconv.Itoa(i) }

// exemptCategories are the UNCL 5305 tax categories whose rate is 0 when
// no Percent is given: exempt, zero rated, reverse charge, intra-community,
// export, outside the scope of tax.
var exemptCategories = map[string]bool{"E": true, "Z": true, "AE": true, "K": true, "G": true, "O": true}

// lines maps every InvoiceLine (CreditNoteLine) to a canonical line, and
// every charge on it to a line of its own after it: Livery's line has a
// discount but no surcharge.
func (r *reader) lines() {
	lineName, qtyName := "InvoiceLine", "InvoicedQuantity"
	if r.credit {
		lineName, qtyName = "CreditNoteLine", "CreditedQuantity"
	}
	r.b.Trace("lines", r.root.get(cac(lineName)).path)
	for _, ln := range r.root.all(cac(lineName)) {
		first := r.next
		target := "lines[" + itoa(r.next) + "]"
		r.next++
		r.b.Ensure(target, ln.path)

		item := ln.get(cac("Item"))
		name := item.get(cbc("Name"))
		if name.text() == "" && item.get(cbc("Description")).text() != "" {
			name = item.get(cbc("Description"))
		}
		desc := name.text()
		if note := ln.get(cbc("Note")).text(); note != "" && desc != "" {
			desc += " – " + note
		}
		r.b.Set(target+".description", desc, name.path)

		qty := ln.get(cbc(qtyName))
		r.decimal(target+".quantity", qty)
		if code, at := qty.attr("unitCode"); code != "" {
			unit, known := units[code]
			if !known {
				unit = code
			}
			r.b.Set(target+".unit", unit, at)
		}
		r.unitPrice(target+".unit_price", ln.get(cac("Price")))
		rate := r.taxRate(target+".tax_rate", item.get(cac("ClassifiedTaxCategory")))

		var allowances, charges []node
		for _, ac := range ln.all(cac("AllowanceCharge")) {
			switch ind := ac.get(cbc("ChargeIndicator")); ind.text() {
			case "false":
				allowances = append(allowances, ac)
			case "true":
				charges = append(charges, ac)
			default:
				r.b.Problem(ind.path, target+".discount", "must be true (a charge) or false (an allowance), not "+strconv.Quote(ind.text()))
			}
		}
		r.discount(target+".discount", allowances, qty, ln.get(cac("Price")))
		for _, ch := range charges {
			r.chargeLine(ch, desc, rate)
		}
		r.lineMap = append(r.lineMap, ublLine{amount: ln.get(cbc("LineExtensionAmount")), first: first, count: r.next - first})
	}
}

// unitPrice maps cac:Price: the net price per BaseQuantity (1 when absent),
// divided down to the price of one unit.
func (r *reader) unitPrice(target string, price node) {
	amt := price.get(cbc("PriceAmount"))
	r.checkCurrency(target, amt)
	base := price.get(cbc("BaseQuantity"))
	bq, ok := number(base.text())
	if !ok || bq.Equal(decimal.NewFromInt(1)) {
		r.decimal(target, amt)
		return
	}
	p, ok := number(amt.text())
	switch {
	case !ok:
		r.decimal(target, amt)
	case bq.Sign() <= 0:
		r.b.Problem(base.path, target, "must be greater than 0 (got "+strconv.Quote(base.text())+")")
	default:
		unit := p.DivRound(bq, render.MaxFractionDigits)
		if !unit.Mul(bq).Equal(p) {
			r.b.Problem(amt.path, target, "price "+p.String()+" per "+bq.String()+" units has no exact unit price with at most 6 decimal places")
			return
		}
		r.b.Set(target, unit.String(), amt.path)
	}
}

// taxRate maps a tax category's Percent; a category that is exempt or zero
// rated needs none. It returns the rate for the lines made from charges.
func (r *reader) taxRate(target string, cat node) string {
	pct := cat.get(cbc("Percent"))
	v := xsdDecimal(pct.text())
	if v == "" && exemptCategories[cat.get(cbc("ID")).text()] {
		v = "0"
	}
	r.b.Set(target, v, pct.path)
	return v
}

// discount maps a line's allowances. One allowance with a percentage that
// gives exactly its amount, as Livery computes a percentage discount, is a
// percent discount (printed as one); otherwise the amounts are added up into
// one amount discount.
func (r *reader) discount(target string, allowances []node, qty, price node) {
	if len(allowances) == 0 {
		return
	}
	first := allowances[0]
	if len(allowances) == 1 {
		pct := first.get(cbc("MultiplierFactorNumeric"))
		if pct.text() != "" && r.percentGives(pct.text(), first.get(cbc("Amount")).text(), qty, price) {
			r.b.Set(target+".percent", xsdDecimal(pct.text()), pct.path)
			return
		}
	}
	sum, places := decimal.Zero, int32(0)
	for _, a := range allowances {
		amt := a.get(cbc("Amount"))
		r.checkCurrency(target+".amount", amt)
		d, ok := number(amt.text())
		if !ok {
			r.b.Set(target+".amount", xsdDecimal(amt.text()), amt.path) // validation names the bad number
			return
		}
		sum, places = sum.Add(d), max(places, -d.Exponent())
	}
	r.b.Set(target+".amount", sum.StringFixed(places), first.get(cbc("Amount")).path)
}

// percentGives reports whether a percentage of the line amount, rounded as
// Livery rounds, is exactly amount.
func (r *reader) percentGives(pct, amount string, qty, price node) bool {
	digits, err := render.CurrencyDigits(r.currency)
	if err != nil {
		return false
	}
	var vals [4]decimal.Decimal
	for i, s := range []string{pct, amount, qty.text(), price.get(cbc("PriceAmount")).text()} {
		d, ok := number(s)
		if !ok {
			return false
		}
		vals[i] = d
	}
	if bq := price.get(cbc("BaseQuantity")).text(); bq != "" {
		return false // a price per base quantity: keep the stated amount
	}
	places := int32(digits)
	line := vals[2].Mul(vals[3]).Round(places)
	return line.Mul(vals[0]).Div(decimal.NewFromInt(100)).Round(places).Equal(vals[1])
}

// chargeLine adds a line for a charge: one unit at the charge's amount,
// described by its reason, taxed at rate (the rate of the line it belongs
// to, or, at document level, its own).
func (r *reader) chargeLine(ch node, about, rate string) {
	target := "lines[" + itoa(r.next) + "]"
	r.next++
	r.b.Ensure(target, ch.path)
	reason := ch.get(cbc("AllowanceChargeReason"))
	if reason.text() == "" {
		reason = ch.get(cbc("AllowanceChargeReasonCode"))
	}
	desc := reason.text()
	if about != "" && desc != "" {
		desc += " (" + about + ")"
	}
	r.b.Set(target+".description", desc, reason.path)
	r.b.Set(target+".quantity", "1", ch.path)
	r.amount(target+".unit_price", ch.get(cbc("Amount")))
	if rate != "" {
		r.b.Set(target+".tax_rate", rate, ch.path)
	} else {
		r.taxRate(target+".tax_rate", ch.get(cac("TaxCategory")))
	}
}

// documentCharges maps charges on the whole document to lines of their
// own. Allowances on the whole document have no place in Livery's invoice
// and are reported.
func (r *reader) documentCharges() {
	for _, ac := range r.root.all(cac("AllowanceCharge")) {
		switch ind := ac.get(cbc("ChargeIndicator")); ind.text() {
		case "true":
			r.chargeLine(ac, "", "")
		case "false":
			r.b.Problem(ac.path, "", "an allowance on the whole document is not supported: Livery's invoice has no place for it; give the discount on the lines")
		default:
			r.b.Problem(ind.path, "", "must be true (a charge) or false (an allowance), not "+strconv.Quote(ind.text()))
		}
	}
}

// checkLineAmounts compares each line's LineExtensionAmount with what
// Livery computes for it (and the lines made from its charges), so a line
// Livery reads differently from its sender is named, not just the totals.
// It checks whenever the lines are valid, even if the rest of the document
// is not, so every problem is reported at once.
func (r *reader) checkLineAmounts(canonical []byte) []mapping.Problem {
	var inv render.Invoice
	if json.Unmarshal(canonical, &inv) != nil {
		return nil
	}
	c, err := render.ComputeTotals(&inv)
	if err != nil {
		return nil // the lines have problems of their own
	}
	var problems []mapping.Problem
	for _, l := range r.lineMap {
		target := "lines[" + itoa(l.first) + "]"
		if !l.amount.ok() {
			problems = append(problems, mapping.Problem{Source: l.amount.path, Target: target, Message: "required"})
			continue
		}
		net := decimal.Zero
		for k := l.first; k < l.first+l.count && k < len(c.Lines); k++ {
			net = net.Add(c.Lines[k].Net)
		}
		stated, ok := number(l.amount.text())
		switch {
		case !ok:
			problems = append(problems, mapping.Problem{Source: l.amount.path, Target: target, Message: strconv.Quote(l.amount.text()) + " is not a decimal number"})
		case !stated.Equal(net):
			problems = append(problems, mapping.Problem{Source: l.amount.path, Target: target, Message: "stated " + l.amount.text() + " but quantity × price − allowances + charges is " + net.StringFixed(int32(c.Digits))})
		}
	}
	return problems
}
