package render

import (
	"strings"

	"github.com/liveryhq/livery/brandkits"
)

// refKind is the kind of a structured creditor reference.
type refKind int

const (
	refNone refKind = iota // not a structured reference
	refRF                  // ISO 11649 creditor reference, "RF18539007547034"
	refQRR                 // Swiss QR reference, 27 digits
)

// compactRef removes the spaces a reference is printed with and upper-cases
// it, as banks read it.
func compactRef(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// kindOfRef tells an ISO 11649 reference ("RF" first) from a QR reference
// (digits only) by its form alone; check digits are checked separately.
func kindOfRef(ref string) refKind {
	switch {
	case len(ref) >= 5 && len(ref) <= 25 && strings.HasPrefix(ref, "RF") && isDigits(ref[2:4]) && isAlnum(ref[4:]):
		return refRF
	case len(ref) == 27 && isDigits(ref):
		return refQRR
	}
	return refNone
}

// rfChecksumOK verifies an ISO 11649 reference's check digits: mod 97 of
// the reference with "RF" and the check digits moved to its end, letters
// counting 10 to 35, must be 1 (the IBAN's algorithm).
func rfChecksumOK(ref string) bool {
	return kindOfRef(ref) == refRF && ibanChecksumOK(ref)
}

// qrrTable is the mod-10 recursive carry table of the Swiss QR reference
// (and of the ISR reference before it).
var qrrTable = [10]int{0, 9, 4, 6, 8, 2, 7, 1, 3, 5}

// qrrCheckDigit is the mod-10 recursive check digit of a string of digits.
func qrrCheckDigit(digits string) int {
	carry := 0
	for i := 0; i < len(digits); i++ {
		carry = qrrTable[(carry+int(digits[i]-'0'))%10]
	}
	return (10 - carry) % 10
}

// qrrChecksumOK verifies a QR reference's last digit. A reference of only
// zeros has a right check digit but is not allowed.
func qrrChecksumOK(ref string) bool {
	if kindOfRef(ref) != refQRR || strings.Trim(ref, "0") == "" {
		return false
	}
	return int(ref[26]-'0') == qrrCheckDigit(ref[:26])
}

// groupRF prints an ISO 11649 reference in groups of four, as the QR-bill's
// style guide and banks do: "RF18 5390 0754 7034".
func groupRF(ref string) string { return groupEvery(ref, 4) }

// groupQRR prints a QR reference as two digits and five groups of five:
// "21 00000 00003 13947 14300 09017".
func groupQRR(ref string) string {
	if len(ref) != 27 {
		return ref
	}
	return ref[:2] + " " + groupEvery(ref[2:], 5)
}

// groupEvery puts a space after every n characters of s.
func groupEvery(s string, n int) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%n == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// payeeIBAN is the IBAN an invoice is paid to as the document states it,
// with the path it came from: payment.iban before seller.iban. It is ""
// when the document leaves it to the kit.
func payeeIBAN(inv *Invoice) (iban, bic, path string) {
	if p := inv.Payment; p != nil && p.IBAN != "" {
		return p.IBAN, p.BIC, "payment.iban"
	}
	if s := inv.Seller; s != nil && s.IBAN != "" {
		return s.IBAN, s.BIC, "seller.iban"
	}
	return "", "", ""
}

// creditorReference checks payment.creditor_reference: its form and check
// digits, and that it suits the IBAN the document names. A QR reference is
// only valid with a QR-IBAN, and a QR-IBAN takes QR references only.
func (c *checker) creditorReference(inv *Invoice) {
	const path = "payment.creditor_reference"
	p := inv.Payment
	before := len(c.ps)
	c.text(path, p.CreditorReference, maxCreditorRefLen, false, singleLine)
	if p.CreditorReference == "" || len(c.ps) > before {
		return
	}
	ref := compactRef(p.CreditorReference)
	kind := kindOfRef(ref)
	switch {
	case kind == refNone:
		c.add(path, quoted(p.CreditorReference)+" is neither an ISO 11649 creditor reference (RF, 2 check digits, 1 to 21 letters and digits) nor a Swiss QR reference (27 digits)")
		return
	case kind == refRF && !rfChecksumOK(ref):
		c.add(path, quoted(p.CreditorReference)+" is not a valid creditor reference: the check digits do not match")
		return
	case kind == refQRR && !qrrChecksumOK(ref):
		c.add(path, quoted(p.CreditorReference)+" is not a valid QR reference: the check digit (the last digit) does not match")
		return
	}
	iban, _, ibanPath := payeeIBAN(inv)
	compact := strings.ReplaceAll(iban, " ", "")
	if iban == "" || !ibanPattern.MatchString(iban) || !ibanChecksumOK(compact) {
		return // the kit's IBAN is checked when rendering; a broken one is reported at its path
	}
	if msg := refIBANMismatch(kind, compact, ibanPath); msg != "" {
		c.add(path, msg)
	}
}

// refIBANMismatch says what is wrong with a reference of kind for the
// compact IBAN named at ibanPath, or "".
func refIBANMismatch(kind refKind, iban, ibanPath string) string {
	qrIBAN := brandkits.IsQRIBAN(iban)
	switch {
	case kind == refQRR && !qrIBAN:
		return "a QR reference needs a QR-IBAN (institution ID 30000-31999), but " + ibanPath + " " + groupIBAN(iban) + " is a plain IBAN: use an RF creditor reference"
	case kind == refRF && qrIBAN:
		return "the QR-IBAN " + groupIBAN(iban) + " (" + ibanPath + ") takes QR references only, not an RF creditor reference"
	case kind == refNone && qrIBAN:
		return "required: payments to the QR-IBAN " + groupIBAN(iban) + " (" + ibanPath + ") need a QR reference"
	}
	return ""
}
