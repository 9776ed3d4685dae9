package render

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/liveryhq/livery/brandkits"
)

// Swiss QR-bill limits (Swiss Payment Standards, Implementation Guidelines
// for the QR-bill, version 2.3).
const (
	swissMaxChars   = 997 // the whole payload
	swissMaxVersion = 25
	swissTextLen    = 140 // unstructured message
)

// Reference types of the Swiss QR-bill.
const (
	swissRefQRR  = "QRR"  // QR reference, with a QR-IBAN
	swissRefSCOR = "SCOR" // ISO 11649 creditor reference
	swissRefNON  = "NON"  // no reference
)

// swissParty is a creditor or debtor in the structured address form ("S").
type swissParty struct {
	Name    string
	Address brandkits.PostalAddress
	Country string // ISO 3166-1 alpha-2
}

// swissData is the content of a Swiss QR code.
type swissData struct {
	IBAN     string // compact, CH or LI
	Creditor swissParty
	Amount   decimal.Decimal // 0.01 to 999999999.99
	Currency string          // CHF or EUR
	Debtor   *swissParty     // nil: the payer fills in name and address
	RefType  string          // QRR, SCOR or NON
	Ref      string          // compact; empty for NON
	Message  string          // unstructured message
}

// payload is the code's text: the elements of the guidelines' data
// structure, one per line separated by LF, ending with the trailer "EPD"
// (billing information and alternative procedures are not used, and
// elements left out at the end take no separator). The ultimate creditor is
// reserved for future use and stays empty.
func (s swissData) payload() string {
	f := []string{"SPC", "0200", "1", s.IBAN}
	f = append(f, s.Creditor.fields()...)
	f = append(f, "", "", "", "", "", "", "") // ultimate creditor
	amount := ""
	if s.Amount.Sign() > 0 {
		amount = s.Amount.StringFixed(2)
	}
	f = append(f, amount, s.Currency)
	if s.Debtor != nil {
		f = append(f, s.Debtor.fields()...)
	} else {
		f = append(f, "", "", "", "", "", "", "")
	}
	f = append(f, s.RefType, s.Ref, s.Message, "EPD")
	return strings.Join(f, "\n")
}

// fields are a party's seven elements: address type S, name, street,
// building number, postal code, town, country.
func (p swissParty) fields() []string {
	a := p.Address
	return []string{"S", p.Name, a.Street, a.Building, a.PostalCode, a.Town, p.Country}
}

// lines prints a party as the payment part shows it: name, street and
// number, and the postal code and town, with the country code in front
// when the country is not Switzerland or Liechtenstein.
func (p swissParty) lines() []string {
	a := p.Address
	town := strings.TrimSpace(a.PostalCode + " " + a.Town)
	if p.Country != "CH" && p.Country != "LI" && p.Country != "" {
		town = p.Country + "-" + town
	}
	return nonBlank(p.Name, strings.TrimSpace(a.Street+" "+a.Building), town)
}

// swissAmount prints an amount as the QR-bill's style guide asks: a space
// between thousands and a point before the two decimals, "1 949.75".
func swissAmount(d decimal.Decimal) string {
	s := d.StringFixed(2)
	intPart, frac, _ := strings.Cut(s, ".")
	return groupDigits(intPart, " ") + "." + frac
}

// partyPaths are the document paths of a party's fields, for messages.
type partyPaths struct{ name, street, postal, town, country string }

// swissCode makes the QR-bill's payload and slip for in, adding to pp what
// the guidelines do not allow.
func (r *Renderer) swissCode(pp *payProblems, in payInput, amount decimal.Decimal) (string, *paySlip) {
	inv, kit := in.inv, r.kit
	if !brandkits.IsSwissIBAN(in.iban) {
		pp.add(in.ibanPath, "a QR-bill needs a Swiss or Liechtenstein IBAN (CH or LI), got "+groupIBAN(in.iban))
	}
	if msg := refIBANMismatch(in.kind, in.iban, ibanSource(in.ibanPath)); msg != "" {
		pp.add("payment.creditor_reference", msg)
	}
	d := swissData{IBAN: in.iban, Amount: amount, Currency: inv.Currency, RefType: swissRefNON, Message: in.text}
	switch in.kind {
	case refQRR:
		d.RefType, d.Ref = swissRefQRR, in.ref
	case refRF:
		d.RefType, d.Ref = swissRefSCOR, in.ref
	}

	creditor, paths := r.swissCreditor(pp, in)
	pp.checkParty(creditor, paths)
	d.Creditor = creditor
	if debtor, paths, ok := r.swissDebtor(inv.Buyer); ok {
		pp.checkParty(debtor, paths)
		d.Debtor = &debtor
	}
	pp.checkLen(in.textPath, d.Message, swissTextLen, "QR-bill")
	pp.checkCharset(in.textPath, d.Message)

	payload := d.payload()
	if n := utf8.RuneCountInString(payload); n > swissMaxChars {
		pp.add(in.textPath, fmt.Sprintf("makes the QR-bill's code %d characters long, more than the %d it may hold: shorten it", n, swissMaxChars))
	} else if n := len(payload); n > qrMaxBytes(swissMaxVersion) {
		pp.add(in.textPath, fmt.Sprintf("makes the QR-bill's code %d bytes long, more than a QR code of version %d holds: shorten it", n, swissMaxVersion))
	}

	slip := &paySlip{
		Labels:   brandkits.QRBillLabelsFor(kit.Tone.Locale),
		Account:  append([]string{groupIBAN(d.IBAN)}, creditor.lines()...),
		Message:  d.Message,
		Currency: d.Currency,
		Amount:   swissAmount(amount),
	}
	switch d.RefType {
	case swissRefQRR:
		slip.Reference = groupQRR(d.Ref)
	case swissRefSCOR:
		slip.Reference = groupRF(d.Ref)
	}
	if d.Debtor != nil {
		slip.Debtor = d.Debtor.lines()
	}
	return payload, slip
}

// swissCreditor is the invoice's seller, or else the kit's identity, as the
// QR-bill's creditor.
func (r *Renderer) swissCreditor(pp *payProblems, in payInput) (swissParty, partyPaths) {
	kit := r.kit
	p := swissParty{Name: in.name, Country: kit.Identity.Country}
	if s := in.inv.Seller; s != nil {
		paths := partyPaths{name: "seller.name", street: "seller.address.lines[0]", postal: "seller.address.postal_code",
			town: "seller.address.city", country: "seller.address.country"}
		a := s.Address
		if a == nil || len(a.Lines) == 0 {
			pp.add("seller.address", "required for the QR-bill: the creditor's street, postal code, town and country")
			return p, paths
		}
		street, building := brandkits.SplitStreet(r.fix.FixName(a.Lines[0]))
		p.Address = brandkits.PostalAddress{Street: street, Building: building, PostalCode: strings.TrimSpace(a.PostalCode), Town: r.fix.FixName(a.City)}
		if a.Country != "" {
			p.Country = a.Country
		}
		if p.Address.PostalCode == "" {
			pp.add(paths.postal, "required for the QR-bill's creditor address")
		}
		if p.Address.Town == "" {
			pp.add(paths.town, "required for the QR-bill's creditor address")
		}
		if p.Country == "" {
			pp.add(paths.country, "required for the QR-bill's creditor address (the brand kit has no identity.country either)")
		}
		return p, paths
	}
	paths := partyPaths{name: in.namePath, street: "kit:identity.address", postal: "kit:identity.address",
		town: "kit:identity.address", country: "kit:identity.country"}
	a, ok := brandkits.IdentityPostalAddress(kit.Identity.Address)
	if !ok {
		pp.add("kit:identity.address", `a QR-bill needs the street and number in the second-last line and the postal code and town in the last, e.g. ["Bahnhofstrasse 1", "8001 Zürich"]`)
	}
	p.Address = a
	if p.Country == "" {
		pp.add("kit:identity.country", "required for the QR-bill's creditor address")
	}
	return p, paths
}

// swissDebtor is the invoice's buyer as the QR-bill's debtor, written as
// the address block prints it. A buyer without postal code, town or a known
// country is left out: the payer then writes name and address by hand into
// the blank field the payment part has for it.
func (r *Renderer) swissDebtor(b Recipient) (swissParty, partyPaths, bool) {
	paths := partyPaths{name: "buyer.name", street: "buyer.address.lines[0]", postal: "buyer.address.postal_code",
		town: "buyer.address.city", country: "buyer.address.country"}
	name := b.Name
	if b.Company != "" {
		name, paths.name = b.Company, "buyer.company" // the company pays
	}
	a := b.Address
	country := a.Country
	if country == "" {
		country = r.kit.Identity.Country
	}
	if len(a.Lines) == 0 || strings.TrimSpace(a.PostalCode) == "" || strings.TrimSpace(a.City) == "" || country == "" {
		return swissParty{}, paths, false
	}
	street, building := brandkits.SplitStreet(r.fix.FixName(a.Lines[0]))
	return swissParty{
		Name:    r.fix.FixName(name),
		Address: brandkits.PostalAddress{Street: street, Building: building, PostalCode: strings.TrimSpace(a.PostalCode), Town: r.fix.FixName(a.City)},
		Country: country,
	}, paths, true
}

// checkParty reports a creditor's or debtor's fields that are too long for
// the QR-bill or hold characters it does not allow.
func (p *payProblems) checkParty(s swissParty, paths partyPaths) {
	for _, f := range []struct {
		path, value string
		max         int
	}{
		{paths.name, s.Name, brandkits.QRBillNameLen},
		{paths.street, s.Address.Street, brandkits.QRBillStreetLen},
		{paths.street, s.Address.Building, brandkits.QRBillBuildingLen},
		{paths.postal, s.Address.PostalCode, brandkits.QRBillPostalLen},
		{paths.town, s.Address.Town, brandkits.QRBillTownLen},
	} {
		p.checkLen(f.path, f.value, f.max, "QR-bill")
		p.checkCharset(f.path, f.value)
	}
}

// checkCharset reports the first character of s outside the QR-bill's
// character set.
func (p *payProblems) checkCharset(path, s string) {
	if c, ok := brandkits.QRBillText(s); !ok {
		p.add(path, fmt.Sprintf("%q (U+%04X) cannot be used in a QR-bill: the Swiss payment standards allow Latin letters, digits and common punctuation only", string(c), c))
	}
}
