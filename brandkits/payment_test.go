package brandkits

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payKit is a kit whose identity suits a QR-bill, with extra YAML after it.
const payKit = `name: alpen
identity:
  brand_name: Alpen
  legal_name: Alpen AG
  address: ["Bollwerk 15", "3011 Bern"]
  country: CH
  iban: CH93 0076 2011 6238 5295 7
`

func TestPaymentDefaults(t *testing.T) {
	k, err := Parse([]byte(minimalYAML), nil)
	require.NoError(t, err)
	assert.Equal(t, QROff, k.Payment.QR, "no code unless the kit asks")
	k, err = Parse([]byte(payKit+"payment: {qr: Swiss}\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, QRSwiss, k.Payment.QR, "spelling is normalised")
}

func TestPaymentChecks(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []wantProblem // nil: loads without a problem
	}{
		{"off", payKit + "payment: {qr: off}\n", nil},
		{"auto", payKit + "payment: {qr: auto}\n", nil},
		{"swiss", payKit + "payment: {qr: swiss}\n", nil},
		{"unknown mode", payKit + "payment: {qr: girocode}\n", []wantProblem{{path: "payment.qr", message: `must be one of off, auto, epc, swiss, got "girocode"`}}},
		{"unknown key", payKit + "payment: {code: epc}\n", []wantProblem{{path: "payment.code", message: "unknown key"}}},
		{"no IBAN", minimalYAML + "payment: {qr: epc}\n", []wantProblem{{path: "payment.qr", message: "identity.iban is empty", warning: true}}},
		{"QR-IBAN for a GiroCode", strings.Replace(payKit, "CH93 0076 2011 6238 5295 7", "CH44 3199 9123 0008 8901 2", 1) + "payment: {qr: epc}\n",
			[]wantProblem{{path: "identity.iban", message: "a QR-IBAN takes payments with a QR reference only"}}},
		{"German IBAN for a QR-bill", strings.Replace(payKit, "CH93 0076 2011 6238 5295 7", "DE89 3704 0044 0532 0130 00", 1) + "payment: {qr: swiss}\n",
			[]wantProblem{{path: "identity.iban", message: "needs a Swiss or Liechtenstein IBAN"}}},
		{"German IBAN, auto", strings.Replace(payKit, "CH93 0076 2011 6238 5295 7", "DE89 3704 0044 0532 0130 00", 1) + "payment: {qr: auto}\n", nil},
		{"name too long", strings.Replace(payKit, "Alpen AG", strings.Repeat("Alpen ", 12)+"AG", 1) + "payment: {qr: epc}\n",
			[]wantProblem{{path: "identity.legal_name", message: "too long for a payment code: 74 characters, at most 70"}}},
		{"address without postal line", strings.Replace(payKit, `["Bollwerk 15", "3011 Bern"]`, `["Bollwerk 15, Bern"]`, 1) + "payment: {qr: swiss}\n",
			[]wantProblem{{path: "identity.address", message: "second-last line"}}},
		{"no country", strings.Replace(payKit, "  country: CH\n", "", 1) + "payment: {qr: auto}\n",
			[]wantProblem{{path: "identity.country", message: "required for the QR-bill's creditor address"}}},
		{"Greek name", strings.Replace(payKit, "Alpen AG", "Άλπεν AG", 1) + "payment: {qr: swiss}\n",
			[]wantProblem{{path: "identity.legal_name", message: `"Ά" (U+0386) cannot be used in a QR-bill`}}},
		{"town too long", strings.Replace(payKit, "3011 Bern", "3011 "+strings.Repeat("Bern", 9), 1) + "payment: {qr: swiss}\n",
			[]wantProblem{{path: "identity.address[1]", message: "at most 35"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse([]byte(tt.yaml), nil)
			var ps []Problem
			var ve *ValidationError
			switch {
			case errors.As(err, &ve):
				ps = ve.Problems
			case err == nil:
				ps = k.Problems()
			default:
				t.Fatal(err)
			}
			if tt.want == nil {
				assert.Empty(t, ps)
				return
			}
			require.Len(t, ps, len(tt.want), "%v", ps)
			for i, w := range tt.want {
				assert.Equal(t, w.path, ps[i].Path)
				assert.Contains(t, ps[i].Message, w.message)
				assert.Equal(t, w.warning, ps[i].Warning)
			}
		})
	}
}

func TestPostalAddressParts(t *testing.T) {
	for _, tt := range []struct{ line, street, building string }{
		{"Bahnhofstrasse 12a", "Bahnhofstrasse", "12a"},
		{"Rue du Lac 1268", "Rue du Lac", "1268"},
		{"Schwarzwaldstr. 142", "Schwarzwaldstr.", "142"},
		{"4 Harbour Row", "4 Harbour Row", ""},
		{"Postfach", "Postfach", ""},
		{"  Grosse   Marktgasse  28 ", "Grosse Marktgasse", "28"},
	} {
		street, building := SplitStreet(tt.line)
		assert.Equal(t, [2]string{tt.street, tt.building}, [2]string{street, building}, tt.line)
	}
	for _, tt := range []struct{ line, code, town string }{
		{"3011 Bern", "3011", "Bern"},
		{"CH-8001 Zürich", "8001", "Zürich"},
		{"79115 Freiburg im Breisgau", "79115", "Freiburg im Breisgau"},
		{"1017 XT Amsterdam", "1017 XT", "Amsterdam"},
		{"3011 BERN", "3011", "BERN"},
	} {
		code, town, ok := SplitPostalLine(tt.line)
		assert.True(t, ok, tt.line)
		assert.Equal(t, [2]string{tt.code, tt.town}, [2]string{code, town}, tt.line)
	}
	for _, line := range []string{"Edinburgh EH6 6LU", "Bern", ""} {
		_, _, ok := SplitPostalLine(line)
		assert.False(t, ok, line)
	}
	a, ok := IdentityPostalAddress([]string{"c/o Kundendienst", "Bollwerk 15", "3011 Bern"})
	require.True(t, ok)
	assert.Equal(t, PostalAddress{Street: "Bollwerk", Building: "15", PostalCode: "3011", Town: "Bern"}, a)
}

func TestQRBillText(t *testing.T) {
	for _, s := range []string{"Zürich", "Łódź", "Șoseaua Țării", "5 €", "Ærø"} {
		_, ok := QRBillText(s)
		assert.True(t, ok, s)
	}
	for _, s := range []string{"Γιάννης", "東京", "tab\there", "→"} {
		_, ok := QRBillText(s)
		assert.False(t, ok, s)
	}
}

func TestQRBillLabels(t *testing.T) {
	assert.Equal(t, "Zahlteil", QRBillLabelsFor("de-DE").PaymentPart)
	assert.Equal(t, "Section paiement", QRBillLabelsFor("fr-FR").PaymentPart)
	assert.Equal(t, "Payment part", QRBillLabelsFor("en-US").PaymentPart)
	assert.Equal(t, "Payment part", QRBillLabelsFor("nl-NL").PaymentPart, "the standard has no Dutch")
	for _, l := range qrBillLabels {
		assert.NotContains(t, []string{l.Receipt, l.PaymentPart, l.Account, l.Reference, l.Additional, l.Currency, l.Amount, l.PayableBy, l.PayableByBlank, l.AcceptancePoint}, "")
	}
}
