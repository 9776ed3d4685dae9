package render

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/liveryhq/livery/brandkits"
)

// payCode is an invoice's payment QR code: what it holds and what the
// channels print with it. The PDF and HTML draw it; text and SMS have the
// payment details in words already.
type payCode struct {
	Swiss   bool   // a Swiss QR-bill; otherwise an EPC069-12 GiroCode
	Payload string // the exact text the code encodes
	Caption string // the kit's pay_with_code label, printed under the code
	QR      *qrMatrix
	// Slip is the Swiss QR-bill's receipt and payment part, nil for EPC.
	Slip *paySlip
}

// paySlip holds the words of a Swiss QR-bill's receipt and payment part,
// formatted as the standard's style guide asks. The headings are the
// standard's, not the kit's.
type paySlip struct {
	Labels    brandkits.QRBillLabels
	Account   []string // IBAN in groups of four, then the creditor's lines
	Reference string   // grouped; "" without a reference
	Message   string   // additional information; "" without
	Debtor    []string // nil: a blank field for the payer to fill in
	Currency  string
	Amount    string // "1 949.75"
}

// eachString calls fn with every string the slip prints.
func (s *paySlip) eachString(fn func(string)) {
	l := s.Labels
	for _, x := range []string{l.Receipt, l.PaymentPart, l.Account, l.Reference, l.Additional, l.Currency,
		l.Amount, l.PayableBy, l.PayableByBlank, l.AcceptancePoint, s.Reference, s.Message, s.Currency, s.Amount} {
		fn(x)
	}
	for _, list := range [][]string{s.Account, s.Debtor} {
		for _, x := range list {
			fn(x)
		}
	}
}

// payProblems collects what stops an invoice from carrying its code. A
// path starting "kit:" names a key of the brand kit, not of the document.
type payProblems struct {
	kit string
	ps  []FieldError
}

func (p *payProblems) add(path, msg string) {
	if key, ok := strings.CutPrefix(path, "kit:"); ok {
		p.ps = append(p.ps, FieldError{Message: fmt.Sprintf("%s of brand kit %q: %s", key, p.kit, msg)})
		return
	}
	p.ps = append(p.ps, FieldError{Path: path, Message: msg})
}

// payInput is what both codes are made of, with the paths it came from.
type payInput struct {
	inv                 *Invoice
	iban, bic, ibanPath string // compact; ibanPath "kit:identity.iban" for the kit's
	name, namePath      string
	ref                 string // compact structured reference, or ""
	kind                refKind
	text, textPath      string // unstructured remittance information
}

// paymentCode works out the payment QR code the kit asks for on inv, and
// every reason inv cannot carry it. There is no code (and no problem) when
// the kit asks for none, for credit notes and invoices with nothing to pay,
// in currencies without a code, and when no IBAN is known. It is safe on a
// document that failed Validate: what it cannot read, it leaves to Validate.
func (r *Renderer) paymentCode(inv *Invoice) (*payCode, []FieldError) {
	kit := r.kit
	mode := kit.Payment.QR
	if mode == "" || mode == brandkits.QROff || inv == nil || inv.Type != TypeInvoice {
		return nil, nil
	}
	cur := inv.Currency
	if cur != "EUR" && cur != "CHF" {
		return nil, nil
	}
	c, err := ComputeTotals(inv)
	if err != nil || c.Gross.Sign() <= 0 {
		return nil, nil
	}
	in := payInput{inv: inv}
	docIBAN, docBIC, path := payeeIBAN(inv)
	in.iban, in.bic, in.ibanPath = compactRef(docIBAN), compactRef(docBIC), path
	if docIBAN == "" {
		in.iban, in.bic, in.ibanPath = compactRef(kit.Identity.IBAN), compactRef(kit.Identity.BIC), "kit:identity.iban"
	}
	if len(in.iban) < 15 || len(in.iban) > 34 || !ibanChecksumOK(in.iban) {
		return nil, nil // none at all, or broken and reported where it is given
	}
	swissIBAN := brandkits.IsSwissIBAN(in.iban)
	swiss := false
	switch mode {
	case brandkits.QRAuto:
		if cur == "CHF" && !swissIBAN {
			return nil, nil
		}
		swiss = swissIBAN
	case brandkits.QREPC:
		if cur != "EUR" {
			return nil, nil
		}
	case brandkits.QRSwiss:
		swiss = true
	default:
		return nil, nil
	}

	in.name, in.namePath = strings.TrimSpace(kit.Identity.LegalName), "kit:identity.legal_name"
	if inv.Seller != nil {
		in.name, in.namePath = strings.TrimSpace(inv.Seller.Name), "seller.name"
	}
	in.text, in.textPath = inv.Number, "number"
	if p := inv.Payment; p != nil {
		if p.Reference != "" {
			in.text, in.textPath = p.Reference, "payment.reference"
		}
		if p.CreditorReference != "" {
			in.ref = compactRef(p.CreditorReference)
			in.kind = kindOfRef(in.ref)
		}
	}
	pp := &payProblems{kit: kit.Name}
	if c.Gross.GreaterThan(maxQRAmount) {
		pp.add("totals.gross", fmt.Sprintf("the amount due, %s %s, is more than a payment QR code can carry (at most 999999999.99)", c.Gross.StringFixed(2), cur))
	}
	code := &payCode{Caption: kit.Label("pay_with_code")}
	if swiss {
		code.Swiss = true
		code.Payload, code.Slip = r.swissCode(pp, in, c.Gross)
	} else {
		code.Payload = r.epcCode(pp, in, c.Gross)
	}
	if len(pp.ps) > 0 {
		return nil, pp.ps
	}
	return code, nil
}

// ibanSource words where an IBAN came from for a message.
func ibanSource(path string) string {
	if key, ok := strings.CutPrefix(path, "kit:"); ok {
		return "the brand kit's " + key
	}
	return path
}

// checkLen reports s at path when it has more than max characters.
func (p *payProblems) checkLen(path, s string, max int, code string) {
	if n := utf8.RuneCountInString(s); n > max {
		p.add(path, fmt.Sprintf("too long for the %s: %d characters, at most %d", code, n, max))
	}
}

// payCodeView is inv's payment code with its QR matrix, or nil. Render
// validated inv with the kit first, so a problem here is a bug, not input.
func (r *Renderer) payCodeView(inv *Invoice) (*payCode, error) {
	code, problems := r.paymentCode(inv)
	if len(problems) > 0 {
		return nil, newValidationError(problems)
	}
	if code == nil {
		return nil, nil
	}
	max := epcMaxVersion
	if code.Swiss {
		max = swissMaxVersion
	}
	m, err := encodeQR(code.Payload, max)
	if err != nil {
		return nil, err
	}
	code.QR = m
	return code, nil
}

// groupRef prints a structured reference as banks print it: a QR reference
// in groups of five after two digits, an RF reference in groups of four.
func groupRef(s string) string {
	ref := compactRef(s)
	switch kindOfRef(ref) {
	case refQRR:
		return groupQRR(ref)
	case refRF:
		return groupRF(ref)
	}
	return s
}
