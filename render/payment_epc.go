package render

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/liveryhq/livery/brandkits"
)

// EPC069-12 ("Quick Response Code: Guidelines to Enable Data Capture for
// the Initiation of a SEPA Credit Transfer", version 3) limits. Version 002
// with character set 1 (UTF-8) is what every banking app reads; the BIC is
// optional in it.
const (
	epcMaxBytes   = 331 // the byte capacity of QR version 13 at level M
	epcMaxVersion = 13
	epcNameLen    = 70
	epcTextLen    = 140 // unstructured remittance information
)

// maxQRAmount is the largest amount EPC069-12 and the Swiss QR-bill carry.
var maxQRAmount = decimal.RequireFromString("999999999.99")

// epcData is the content of an EPC069-12 QR code (a GiroCode).
type epcData struct {
	BIC       string          // optional in version 002
	Name      string          // beneficiary, at most 70 characters
	IBAN      string          // compact
	Amount    decimal.Decimal // EUR, 0.01 to 999999999.99
	Purpose   string          // ISO 20022 purpose code; optional
	Reference string          // ISO 11649 creditor reference, compact; or
	Text      string          // unstructured remittance information
	Info      string          // beneficiary to originator information
}

// payload is the code's text: one element per line, separated by LF, in the
// order the guidelines fix. Elements after the last one used are left out,
// since the last populated element must not be followed by a separator.
func (e epcData) payload() string {
	amount := ""
	if e.Amount.Sign() > 0 {
		amount = "EUR" + e.Amount.StringFixed(2)
	}
	lines := []string{"BCD", "002", "1", "SCT", e.BIC, e.Name, e.IBAN, amount, e.Purpose, e.Reference, e.Text, e.Info}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// epcCode makes the GiroCode's payload for in, adding to pp what the
// guidelines do not allow.
func (r *Renderer) epcCode(pp *payProblems, in payInput, amount decimal.Decimal) string {
	if brandkits.IsQRIBAN(in.iban) {
		pp.add(in.ibanPath, "the QR-IBAN "+groupIBAN(in.iban)+" takes payments with a QR reference only, which a GiroCode cannot carry: name a plain IBAN")
	}
	if in.kind == refQRR {
		pp.add("payment.creditor_reference", "a GiroCode carries ISO 11649 creditor references (RF…) only, not a Swiss QR reference")
	}
	pp.checkLen(in.namePath, in.name, epcNameLen, "GiroCode")
	e := epcData{BIC: in.bic, Name: in.name, IBAN: in.iban, Amount: amount}
	path := in.textPath
	if in.kind == refRF {
		// One or the other: the guidelines allow a structured reference or
		// unstructured text, never both.
		e.Reference, path = in.ref, in.namePath
	} else {
		e.Text = in.text
		pp.checkLen(in.textPath, e.Text, epcTextLen, "GiroCode")
	}
	payload := e.payload()
	if n := len(payload); n > epcMaxBytes {
		pp.add(path, fmt.Sprintf("makes the GiroCode %d bytes long, more than the %d it may hold: shorten it", n, epcMaxBytes))
	}
	return payload
}
