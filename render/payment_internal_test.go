package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
)

// The fixtures below are named pay* so they cannot clash with other test
// files of package render.

// payKitYAML is a kit whose identity can be the payee of both codes; mode
// is its payment.qr.
func payKitYAML(mode string, extra string) string {
	return `name: payco
identity:
  brand_name: "Robert Schneider"
  legal_name: "Robert Schneider AG"
  address: ["Rue du Lac 1268", "2501 Biel"]
  country: "CH"
  iban: "CH58 0079 1123 0008 8901 2"
typography: { body_family: "liberation-sans" }
payment: { qr: "` + mode + `" }
` + extra
}

// payRenderer loads a kit from YAML, as LoadDir would, and prepares it.
func payRenderer(t testing.TB, yaml string) *Renderer {
	t.Helper()
	kit, err := brandkits.Parse([]byte(yaml), nil)
	require.NoError(t, err)
	r, err := New(kit)
	require.NoError(t, err)
	return r
}

// paySwissDoc is the example of the QR-bill's implementation guidelines
// (QR-IBAN with a QR reference) as a Livery invoice.
const paySwissDoc = `{
  "type": "invoice", "number": "10201409", "issue_date": "2020-06-15", "currency": "CHF",
  "buyer": {
    "name": "Pia-Maria Rutschmann-Schnyder",
    "address": { "lines": ["Grosse Marktgasse 28"], "postal_code": "9400", "city": "Rorschach", "country": "CH" }
  },
  "lines": [{ "description": "Order", "quantity": "1", "unit_price": "1949.75", "tax_rate": "0" }],
  "payment": {
    "reference": "Auftrag vom 15.06.2020",
    "iban": "CH44 3199 9123 0008 8901 2",
    "creditor_reference": "21 00000 00003 13947 14300 09017"
  }
}`

// paySwissPayload is what the guidelines' example encodes, less the billing
// information and alternative procedures Livery does not write.
var paySwissPayload = strings.Join([]string{
	"SPC", "0200", "1", "CH4431999123000889012",
	"S", "Robert Schneider AG", "Rue du Lac", "1268", "2501", "Biel", "CH",
	"", "", "", "", "", "", "",
	"1949.75", "CHF",
	"S", "Pia-Maria Rutschmann-Schnyder", "Grosse Marktgasse", "28", "9400", "Rorschach", "CH",
	"QRR", "210000000003139471430009017", "Auftrag vom 15.06.2020", "EPD",
}, "\n")

// payEPCPayload is the GiroCode of testdata/documents/invoice.json.
const payEPCPayload = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthbound Coffee Roasters GmbH\nDE89370400440532013000\nEUR258.35\n\n\nRE 2026-000123"

// payView builds the view of a document with r, failing the test on errors.
func payView(t testing.TB, r *Renderer, data []byte) *view {
	t.Helper()
	doc, err := ParseDocument(data)
	require.NoError(t, err)
	v, err := r.buildView(doc)
	require.NoError(t, err)
	return v
}

func TestCreditorReferences(t *testing.T) {
	tests := []struct {
		ref  string
		kind refKind
		ok   bool
	}{
		{"RF18539007547034", refRF, true}, // ISO 11649's example
		{"RF18 5390 0754 7034", refRF, true},
		{"rf18539007547034", refRF, true},
		{"RF19539007547034", refRF, false},
		{"RF18539007547035", refRF, false},
		{"RF08 2026 0318", refRF, true},
		{"210000000003139471430009017", refQRR, true}, // the QR-bill guidelines' example
		{"21 00000 00003 13947 14300 09017", refQRR, true},
		{"000008207791225857421286694", refQRR, true},
		{"210000000003139471430009018", refQRR, false},
		{"000000000000000000000000000", refQRR, false}, // right check digit, but all zeros
		{"21000000000313947143000901", refNone, false}, // 26 digits
		{"RF", refNone, false},
		{"RE 2026-000123", refNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ref := compactRef(tt.ref)
			assert.Equal(t, tt.kind, kindOfRef(ref))
			assert.Equal(t, tt.ok, rfChecksumOK(ref) || qrrChecksumOK(ref))
		})
	}
	assert.Equal(t, 7, qrrCheckDigit("21000000000313947143000901"))
	assert.Equal(t, "RF18 5390 0754 7034", groupRef("RF18539007547034"))
	assert.Equal(t, "21 00000 00003 13947 14300 09017", groupRef("210000000003139471430009017"))
}

func TestQRIBAN(t *testing.T) {
	assert.True(t, brandkits.IsQRIBAN("CH4431999123000889012"))
	assert.True(t, brandkits.IsQRIBAN("CH6431961000004421557"))
	assert.False(t, brandkits.IsQRIBAN("CH5800791123000889012"), "IID 00791")
	assert.False(t, brandkits.IsQRIBAN("DE89370400440532013000"))
}

func TestEPCPayload(t *testing.T) {
	// EPC069-12's own example (the Belgian Red Cross), in version 002.
	e := epcData{
		BIC: "BPOTBEB1", Name: "Red Cross of Belgium", IBAN: "BE72000000001616",
		Amount: decimal.RequireFromString("1"), Purpose: "CHAR", Text: "Urgency fund", Info: "Sample EPC QR code",
	}
	assert.Equal(t, "BCD\n002\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR1.00\nCHAR\n\nUrgency fund\nSample EPC QR code", e.payload())
	// Nothing after the last element used, and no amount when there is none.
	e = epcData{Name: "Red Cross of Belgium", IBAN: "BE72000000001616", Reference: "RF18539007547034"}
	assert.Equal(t, "BCD\n002\n1\nSCT\n\nRed Cross of Belgium\nBE72000000001616\n\n\nRF18539007547034", e.payload())
}

func TestSwissPayloads(t *testing.T) {
	creditor := swissParty{Name: "Robert Schneider AG", Address: brandkits.PostalAddress{Street: "Rue du Lac", Building: "1268", PostalCode: "2501", Town: "Biel"}, Country: "CH"}
	debtor := swissParty{Name: "Pia-Maria Rutschmann-Schnyder", Address: brandkits.PostalAddress{Street: "Grosse Marktgasse", Building: "28", PostalCode: "9400", Town: "Rorschach"}, Country: "CH"}
	d := swissData{
		IBAN: "CH4431999123000889012", Creditor: creditor, Amount: decimal.RequireFromString("1949.75"), Currency: "CHF",
		Debtor: &debtor, RefType: swissRefQRR, Ref: "210000000003139471430009017", Message: "Auftrag vom 15.06.2020",
	}
	assert.Equal(t, paySwissPayload, d.payload())

	// The guidelines' other two examples: a creditor reference without a
	// debtor, and no reference nor amount.
	d = swissData{IBAN: "CH5800791123000889012", Creditor: creditor, Amount: decimal.RequireFromString("199.95"), Currency: "CHF",
		RefType: swissRefSCOR, Ref: "RF18539007547034"}
	assert.Equal(t, "SPC\n0200\n1\nCH5800791123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n199.95\nCHF\n\n\n\n\n\n\n\nSCOR\nRF18539007547034\n\nEPD", d.payload())
	d = swissData{IBAN: "CH5800791123000889012", Creditor: creditor, Currency: "EUR", RefType: swissRefNON}
	assert.Equal(t, "SPC\n0200\n1\nCH5800791123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n\nEUR\n\n\n\n\n\n\n\nNON\n\n\nEPD", d.payload())

	assert.Equal(t, "1 949.75", swissAmount(decimal.RequireFromString("1949.75")))
	assert.Equal(t, "999 999 999.99", swissAmount(decimal.RequireFromString("999999999.99")))
	assert.Equal(t, "0.50", swissAmount(decimal.RequireFromString("0.5")))
}

// TestPaymentCodeFromDocument builds both codes from documents, through the
// whole view, and compares them with the payloads the standards' examples
// give.
func TestPaymentCodeFromDocument(t *testing.T) {
	t.Run("swiss", func(t *testing.T) {
		v := payView(t, payRenderer(t, payKitYAML("auto", "")), []byte(paySwissDoc))
		require.NotNil(t, v.PayCode)
		assert.True(t, v.PayCode.Swiss)
		assert.Equal(t, paySwissPayload, v.PayCode.Payload)
		s := v.PayCode.Slip
		require.NotNil(t, s)
		assert.Equal(t, []string{"CH44 3199 9123 0008 8901 2", "Robert Schneider AG", "Rue du Lac 1268", "2501 Biel"}, s.Account)
		assert.Equal(t, "21 00000 00003 13947 14300 09017", s.Reference)
		assert.Equal(t, []string{"Pia-Maria Rutschmann-Schnyder", "Grosse Marktgasse 28", "9400 Rorschach"}, s.Debtor)
		assert.Equal(t, "1 949.75", s.Amount)
		assert.Equal(t, "Receipt", s.Labels.Receipt, "en-GB kits get the English headings")
		assert.Contains(t, v.Payment, pair{"Reference", "21 00000 00003 13947 14300 09017"})
	})
	t.Run("epc", func(t *testing.T) {
		v := payView(t, payRenderer(t, payKitYAML("epc", "")), readDoc(t, "invoice.json"))
		require.NotNil(t, v.PayCode)
		assert.False(t, v.PayCode.Swiss)
		assert.Nil(t, v.PayCode.Slip)
		assert.Equal(t, payEPCPayload, v.PayCode.Payload)
		assert.Equal(t, "Pay with code", v.PayCode.Caption)
		assert.LessOrEqual(t, v.PayCode.QR.version, epcMaxVersion)
	})
	t.Run("epc with a creditor reference", func(t *testing.T) {
		data := edited(t, "invoice.json", set("payment.creditor_reference", "RF18 5390 0754 7034"))
		v := payView(t, payRenderer(t, payKitYAML("auto", "")), data)
		require.NotNil(t, v.PayCode)
		assert.Equal(t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthbound Coffee Roasters GmbH\nDE89370400440532013000\nEUR258.35\n\nRF18539007547034", v.PayCode.Payload,
			"the structured reference replaces the text: never both")
	})
	t.Run("swiss without debtor address", func(t *testing.T) {
		data := strings.Replace(paySwissDoc, `"postal_code": "9400", "city": "Rorschach", `, "", 1)
		v := payView(t, payRenderer(t, payKitYAML("swiss", "")), []byte(data))
		require.NotNil(t, v.PayCode)
		assert.Nil(t, v.PayCode.Slip.Debtor, "the payer fills in a blank field")
		assert.Contains(t, v.PayCode.Payload, "CHF\n\n\n\n\n\n\n\nQRR\n")
	})
	t.Run("german headings", func(t *testing.T) {
		v := payView(t, payRenderer(t, payKitYAML("swiss", `tone: { locale: "de-DE" }`)), []byte(paySwissDoc))
		assert.Equal(t, "Empfangsschein", v.PayCode.Slip.Labels.Receipt)
		assert.Equal(t, "Zahlteil", v.PayCode.Slip.Labels.PaymentPart)
		assert.Equal(t, "Zahlen mit Code", v.PayCode.Caption)
	})
}

// TestPaymentCodeChoice checks which code, if any, each kit mode gives.
func TestPaymentCodeChoice(t *testing.T) {
	eur := readDoc(t, "invoice.json") // seller with a German IBAN
	chf := []byte(paySwissDoc)
	eurSwiss := []byte(strings.Replace(paySwissDoc, `"currency": "CHF"`, `"currency": "EUR"`, 1))
	chfGerman := edited(t, "invoice.json", set("currency", "CHF"))
	credit := []byte(strings.Replace(strings.Replace(paySwissDoc, `"type": "invoice"`, `"type": "credit_note", "credit_note_for": "1"`, 1), `, "iban": "CH44 3199 9123 0008 8901 2"`, "", 1))
	usd := edited(t, "invoice.json", set("currency", "USD"))
	const none, epc, swiss = "none", "epc", "swiss"
	tests := []struct {
		mode string
		doc  []byte
		want string
	}{
		{"off", eur, none},
		{"off", chf, none},
		{"auto", eur, epc},
		{"auto", chf, swiss},
		{"auto", eurSwiss, swiss},
		{"auto", chfGerman, none},
		{"auto", usd, none},
		{"epc", eur, epc},
		{"epc", chf, none},
		{"swiss", chf, swiss},
		{"swiss", eurSwiss, swiss},
		{"swiss", credit, none},
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/"+tt.want, func(t *testing.T) {
			v := payView(t, payRenderer(t, payKitYAML(tt.mode, "")), tt.doc)
			got := none
			if v.PayCode != nil {
				got = epc
				if v.PayCode.Swiss {
					got = swiss
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestPaymentValidation lists every problem a payment code can have, with
// the path it is reported at: document rules through ParseDocument, the
// kit's through Renderer.Validate and Render, which report them together
// with the document's own.
func TestPaymentValidation(t *testing.T) {
	swiss := func(old, new string) []byte { return []byte(strings.Replace(paySwissDoc, old, new, 1)) }
	eur := func(edits ...editFn) []byte { return edited(t, "invoice.json", edits...) }
	tests := []struct {
		name string
		mode string // "" checks ParseDocument alone
		doc  []byte
		path string
		msg  string
	}{
		{"bad IBAN checksum", "", eur(set("payment.iban", "DE88 3704 0044 0532 0130 00")), "payment.iban", "the check digits do not match"},
		{"bad RF checksum", "", eur(set("payment.creditor_reference", "RF19 5390 0754 7034")), "payment.creditor_reference", "not a valid creditor reference: the check digits do not match"},
		{"bad QRR check digit", "", swiss("09017", "09018"), "payment.creditor_reference", "not a valid QR reference"},
		{"reference of neither kind", "", eur(set("payment.creditor_reference", "RE 2026-000123")), "payment.creditor_reference", "neither an ISO 11649 creditor reference"},
		{"QRR with a plain IBAN", "", swiss("CH44 3199 9123 0008 8901 2", "CH58 0079 1123 0008 8901 2"), "payment.creditor_reference", "a QR reference needs a QR-IBAN"},
		{"RF with a QR-IBAN", "", swiss("21 00000 00003 13947 14300 09017", "RF18 5390 0754 7034"), "payment.creditor_reference", "takes QR references only"},
		{"QR-IBAN without reference", "swiss", swiss(`,
    "creditor_reference": "21 00000 00003 13947 14300 09017"`, ""), "payment.creditor_reference", "need a QR reference"},
		{"QRR with the kit's plain IBAN", "swiss", swiss(`
    "iban": "CH44 3199 9123 0008 8901 2",`, ""), "payment.creditor_reference", "the brand kit's identity.iban"},
		{"amount too large", "epc", eur(set("lines", raw(`[{"description":"Plant","quantity":"1","unit_price":"1000000000","tax_rate":"0"}]`)), del("totals")), "totals.gross", "more than a payment QR code can carry"},
		{"name too long for a GiroCode", "epc", eur(set("seller.name", strings.Repeat("Northbound ", 7)+"GmbH")), "seller.name", "too long for the GiroCode: 81 characters, at most 70"},
		{"QR-IBAN in a GiroCode", "epc", eur(set("payment.iban", "CH44 3199 9123 0008 8901 2"), set("payment.creditor_reference", "21 00000 00003 13947 14300 09017")), "payment.iban", "which a GiroCode cannot carry"},
		{"QR reference in a GiroCode", "epc", eur(set("payment.iban", "CH44 3199 9123 0008 8901 2"), set("payment.creditor_reference", "21 00000 00003 13947 14300 09017")), "payment.creditor_reference", "not a Swiss QR reference"},
		{"German IBAN on a QR-bill", "swiss", eur(), "payment.iban", "needs a Swiss or Liechtenstein IBAN"},
		{"debtor name too long", "swiss", swiss("Pia-Maria Rutschmann-Schnyder", strings.Repeat("Pia-Maria ", 8)), "buyer.name", "too long for the QR-bill: 80 characters, at most 70"},
		{"town too long", "swiss", swiss(`"city": "Rorschach"`, `"city": "`+strings.Repeat("Rorschach", 4)+`"`), "buyer.address.city", "at most 35"},
		{"Greek in a QR-bill", "swiss", swiss("Pia-Maria Rutschmann-Schnyder", "Γιάννης Παπαδόπουλος"), "buyer.name", `"Γ" (U+0393) cannot be used in a QR-bill`},
		{"seller without address", "swiss", swiss(`"buyer"`, `"seller": {"name": "Robert Schneider AG"}, "buyer"`), "seller.address", "required for the QR-bill"},
		{"seller without postal code", "swiss", swiss(`"buyer"`, `"seller": {"name": "Robert Schneider AG", "address": {"lines": ["Rue du Lac 1268"], "city": "Biel"}}, "buyer"`), "seller.address.postal_code", "required for the QR-bill"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			doc, perr := ParseDocument(tt.doc)
			if tt.mode == "" {
				err = perr
			} else {
				require.NoError(t, perr, "the document alone is valid")
				r := payRenderer(t, payKitYAML(tt.mode, ""))
				err = r.Validate(doc)
				_, rerr := r.Render(doc, FormatPDF)
				assert.Equal(t, err, rerr, "Render reports what Validate does")
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalid))
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			found := false
			for _, p := range ve.Problems {
				if p.Path == tt.path && strings.Contains(p.Message, tt.msg) {
					found = true
				}
			}
			assert.True(t, found, "no problem at %s with %q in %v", tt.path, tt.msg, ve.Problems)
		})
	}
}

// TestPaymentValidationTogether: the kit's payment problems come in one
// error with the document's own.
func TestPaymentValidationTogether(t *testing.T) {
	d, err := ParseDocument(edited(t, "invoice.json", set("seller.name", strings.Repeat("N", 80))))
	require.NoError(t, err)
	d.Invoice.Number = ""
	err = payRenderer(t, payKitYAML("epc", "")).Validate(d)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{"number", "seller.name"}, paths)
}
