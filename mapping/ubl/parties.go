package ubl

import (
	"regexp"
	"strings"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

// parties maps the supplier to the seller and the customer to the buyer.
// A document without a supplier leaves the seller out: the brand kit's
// identity stands in for it.
func (r *reader) parties() {
	if s := r.root.get(cac("AccountingSupplierParty")); s.ok() {
		r.party("seller", s.get(cac("Party")), true)
	}
	r.party("buyer", r.root.get(cac("AccountingCustomerParty"), cac("Party")), false)
}

// party maps a cac:Party. The legal name (RegistrationName) is preferred to
// the trading name (PartyName), as on a legal document it must be.
func (r *reader) party(target string, p node, seller bool) {
	name := p.get(cac("PartyLegalEntity"), cbc("RegistrationName"))
	if name.text() == "" && p.get(cac("PartyName"), cbc("Name")).text() != "" {
		name = p.get(cac("PartyName"), cbc("Name"))
	}
	r.set(target+".name", name)
	r.address(target+".address", p.get(cac("PostalAddress")), seller)
	for _, ts := range p.all(cac("PartyTaxScheme")) {
		id := ts.get(cbc("CompanyID"))
		switch {
		case strings.EqualFold(ts.get(cac("TaxScheme"), cbc("ID")).text(), "VAT"):
			r.set(target+".vat_id", id)
		case seller:
			r.set(target+".tax_id", id)
		}
	}
	contact := p.get(cac("Contact"))
	r.set(target+".email", contact.get(cbc("ElectronicMail")))
	if seller {
		r.set(target+".phone", contact.get(cbc("Telephone")))
	} else {
		r.set(target+".customer_number", p.get(cac("PartyIdentification"), cbc("ID")))
	}
}

// address maps a cac:PostalAddress. A seller's address without a street is
// left out (Livery prints the kit's); a buyer's is required, and its
// absence is reported at cbc:StreetName.
func (r *reader) address(target string, a node, optional bool) {
	var lines []node
	for _, n := range []node{a.get(cbc("StreetName")), a.get(cbc("AdditionalStreetName"))} {
		if n.text() != "" {
			lines = append(lines, n)
		}
	}
	for _, al := range a.all(cac("AddressLine")) {
		if l := al.get(cbc("Line")); l.text() != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 && optional {
		return
	}
	r.b.Trace(target+".lines", a.get(cbc("StreetName")).path)
	for i, l := range lines {
		r.set(target+".lines["+itoa(i)+"]", l)
	}
	r.set(target+".postal_code", a.get(cbc("PostalZone")))
	r.set(target+".city", a.get(cbc("CityName")))
	r.set(target+".region", a.get(cbc("CountrySubentity")))
	r.set(target+".country", a.get(cac("Country"), cbc("IdentificationCode")))
}

// payment maps the payment means to pay to (the first one with a payee
// account), the remittance reference and the payment terms.
func (r *reader) payment() {
	means := r.root.all(cac("PaymentMeans"))
	var pm node
	if len(means) > 0 {
		pm = means[0]
	}
	for _, m := range means {
		if m.get(cac("PayeeFinancialAccount")).ok() {
			pm = m
			break
		}
	}
	if pm.ok() {
		id := pm.get(cbc("PaymentID"))
		r.set("payment.reference", id)
		if isCreditorRef(id.text()) && mapping.HasTarget(render.TypeInvoice, "payment.creditor_reference") {
			r.set("payment.creditor_reference", id)
		}
		if !debit[pm.get(cbc("PaymentMeansCode")).text()] {
			acct := pm.get(cac("PayeeFinancialAccount"))
			r.set("payment.iban", acct.get(cbc("ID")))
			r.set("payment.bic", acct.get(cac("FinancialInstitutionBranch"), cbc("ID")))
		}
	}
	var terms []string
	var first node
	for i, t := range r.root.all(cac("PaymentTerms")) {
		if i == 0 {
			first = t.get(cbc("Note"))
		}
		for _, n := range t.all(cbc("Note")) {
			if n.text() != "" {
				terms = append(terms, n.text())
			}
		}
	}
	if first.path != "" {
		r.b.Set("payment.terms", strings.Join(terms, " "), first.path)
	}
}

// creditorRef is an ISO 11649 creditor reference, spaces removed.
var creditorRef = regexp.MustCompile(`^RF[0-9]{2}[0-9A-Z]{1,21}$`)

// isCreditorRef reports whether a PaymentID is an ISO 11649 creditor
// reference with matching check digits: only then does it become the
// structured reference payment QR codes carry. Any other PaymentID is
// remittance text, and stays that.
func isCreditorRef(s string) bool {
	ref := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if !creditorRef.MatchString(ref) {
		return false
	}
	rem := 0
	for _, c := range ref[4:] + ref[:4] {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
			rem = rem * 10 % 97
		}
		rem = (rem*10 + v) % 97
	}
	return rem == 1
}

// debit are the UNCL 4461 payment means in which the payee collects (card,
// direct debit): their account is not one to transfer to.
var debit = map[string]bool{"48": true, "49": true, "54": true, "55": true, "59": true}
