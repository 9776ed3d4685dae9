package brandkits

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the Swiss QR-bill's creditor and debtor address fields
// (Implementation Guidelines for the QR-bill, v2.3, structured address "S"),
// in characters. A payee's name is limited to 70 characters by EPC069-12
// too.
const (
	QRBillNameLen     = 70
	QRBillStreetLen   = 70
	QRBillBuildingLen = 16
	QRBillPostalLen   = 16
	QRBillTownLen     = 35
)

// checkPayment checks payment.qr and, when it is on, that the kit's identity
// can stand as the payee of the codes it asks for.
func (k *Kit) checkPayment(ps *problems) {
	mode := k.Payment.QR
	if !checkEnum(ps, "payment.qr", mode, PaymentQRs) || mode == QROff {
		return
	}
	id := k.Identity
	iban := compact(id.IBAN)
	ibanOK := iban != "" && ibanRE.MatchString(iban) && ibanChecksumOK(iban)
	if iban == "" {
		ps.warn("payment.qr", "%s, but identity.iban is empty: only invoices that name their own IBAN (payment.iban or seller.iban) get a code", mode)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(id.LegalName)); n > QRBillNameLen {
		ps.add("identity.legal_name", "too long for a payment code: %d characters, at most %d (payment.qr is %s)", n, QRBillNameLen, mode)
	}
	swissIBAN := ibanOK && IsSwissIBAN(iban)
	switch {
	case mode == QREPC && ibanOK && IsQRIBAN(iban):
		ps.add("identity.iban", "a QR-IBAN takes payments with a QR reference only, which a GiroCode cannot carry: use payment.qr: swiss or auto, or a plain IBAN")
	case mode == QRSwiss && ibanOK && !swissIBAN:
		ps.add("identity.iban", "a QR-bill (payment.qr: swiss) needs a Swiss or Liechtenstein IBAN (CH or LI), got %q", id.IBAN)
	}
	// The kit's identity is the creditor of every QR-bill that names no
	// seller: check it now rather than refuse invoice after invoice.
	if mode == QRSwiss || mode == QRAuto && swissIBAN {
		k.checkQRBillCreditor(ps, mode)
	}
}

// checkQRBillCreditor checks that the identity reads as a QR-bill creditor:
// a structured address (street, postal code, town, country) in the Swiss
// payment character set.
func (k *Kit) checkQRBillCreditor(ps *problems, mode string) {
	id := k.Identity
	if id.Country == "" {
		ps.add("identity.country", "required for the QR-bill's creditor address (payment.qr is %s)", mode)
	}
	checkQRBillText(ps, "identity.legal_name", id.LegalName)
	a, ok := IdentityPostalAddress(id.Address)
	if !ok {
		ps.add("identity.address", `a QR-bill (payment.qr is %s) needs the street and number in the second-last line and the postal code and town in the last, e.g. ["Bahnhofstrasse 1", "8001 Zürich"]`, mode)
		return
	}
	n := len(id.Address)
	for _, f := range []struct {
		path, value string
		max         int
	}{
		{fmt.Sprintf("identity.address[%d]", n-2), a.Street, QRBillStreetLen},
		{fmt.Sprintf("identity.address[%d]", n-2), a.Building, QRBillBuildingLen},
		{fmt.Sprintf("identity.address[%d]", n-1), a.PostalCode, QRBillPostalLen},
		{fmt.Sprintf("identity.address[%d]", n-1), a.Town, QRBillTownLen},
	} {
		if c := utf8.RuneCountInString(f.value); c > f.max {
			ps.add(f.path, "too long for the QR-bill: %q has %d characters, at most %d", f.value, c, f.max)
		}
	}
	checkQRBillText(ps, fmt.Sprintf("identity.address[%d]", n-2), id.Address[n-2])
	checkQRBillText(ps, fmt.Sprintf("identity.address[%d]", n-1), id.Address[n-1])
}

// checkQRBillText reports the first character of s outside the QR-bill's
// character set.
func checkQRBillText(ps *problems, path, s string) {
	if r, ok := QRBillText(s); !ok {
		ps.add(path, "%q (U+%04X) cannot be used in a QR-bill: the Swiss payment standards allow Latin letters, digits and common punctuation only", string(r), r)
	}
}

// QRBillText reports whether every character of s is in the character set
// the Swiss QR-bill allows (Implementation Guidelines v2.3: Basic Latin,
// Latin-1 Supplement and Latin Extended-A, plus Ș, ș, Ț, ț and €), and
// otherwise the first one that is not.
func QRBillText(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0x17f, r >= 0x218 && r <= 0x21b, r == 0x20ac:
		default:
			return r, false
		}
	}
	return 0, true
}

// IsSwissIBAN reports whether a compact IBAN is Swiss or from Liechtenstein,
// the only accounts a QR-bill may name.
func IsSwissIBAN(iban string) bool {
	return strings.HasPrefix(iban, "CH") || strings.HasPrefix(iban, "LI")
}

// IsQRIBAN reports whether a compact IBAN is a QR-IBAN: a Swiss or
// Liechtenstein IBAN whose institution ID (positions 5 to 9) lies in 30000 to
// 31999. A QR-IBAN takes payments with a QR reference only.
func IsQRIBAN(iban string) bool {
	if len(iban) < 9 || !IsSwissIBAN(iban) {
		return false
	}
	iid := iban[4:9]
	for _, c := range iid {
		if c < '0' || c > '9' {
			return false
		}
	}
	return iid >= "30000" && iid <= "31999"
}

// PostalAddress is an address in the fields payment standards ask for.
type PostalAddress struct {
	Street     string // street or P.O. box
	Building   string // building number, may be empty
	PostalCode string
	Town       string
}

// postalLineRE reads a "postal code and town" line: a code starting with a
// digit (optionally after a country prefix, "CH-8001"; a Dutch code keeps
// its letters, "1017 XT"), then the town.
var postalLineRE = regexp.MustCompile(`^(?:[A-Z]{1,3}-)?([0-9]{4} ?[A-Z]{2}|[0-9][0-9A-Z-]{2,15})\s+(\S.*)$`)

// SplitPostalLine splits a line such as "8001 Zürich" or "CH-8001 Zürich"
// into the postal code and the town.
func SplitPostalLine(line string) (code, town string, ok bool) {
	m := postalLineRE.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return "", "", false
	}
	return m[1], strings.TrimSpace(m[2]), true
}

// SplitStreet splits a street line such as "Bahnhofstrasse 12a" into the
// street and the building number; a line that does not end in a number
// (numbers first, as in "4 Harbour Row") is all street.
func SplitStreet(line string) (street, building string) {
	line = strings.Join(strings.Fields(line), " ")
	i := strings.LastIndexByte(line, ' ')
	if i <= 0 {
		return line, ""
	}
	last := line[i+1:]
	if last[0] < '0' || last[0] > '9' || utf8.RuneCountInString(last) > QRBillBuildingLen {
		return line, ""
	}
	return strings.TrimRight(line[:i], ","), last
}

// IdentityPostalAddress reads identity.address as a postal address: the last
// line holds the postal code and town, the one before it the street and
// number; lines above those (a c/o line) are not part of it.
func IdentityPostalAddress(lines []string) (PostalAddress, bool) {
	if len(lines) < 2 {
		return PostalAddress{}, false
	}
	code, town, ok := SplitPostalLine(lines[len(lines)-1])
	if !ok {
		return PostalAddress{}, false
	}
	street, building := SplitStreet(lines[len(lines)-2])
	if street == "" {
		return PostalAddress{}, false
	}
	return PostalAddress{Street: street, Building: building, PostalCode: code, Town: town}, true
}
