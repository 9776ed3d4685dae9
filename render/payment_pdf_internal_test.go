package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payRender renders data with a kit of mode and extra YAML.
func payRender(t testing.TB, mode, extra string, data []byte, formats ...Format) *Output {
	t.Helper()
	doc, err := ParseDocument(data)
	require.NoError(t, err)
	out, err := payRenderer(t, payKitYAML(mode, extra)).Render(doc, formats...)
	require.NoError(t, err)
	return out
}

func TestSwissSlipPDF(t *testing.T) {
	// Without an address window, a short invoice has room for the slip
	// under its sign-off.
	out := payRender(t, "swiss", "tone: { locale: \"de-DE\" }\nlayout: { address_block: \"none\", header: { style: \"minimal\" } }", []byte(paySwissDoc), FormatPDF)
	pdfTValidate(t, out.PDF)
	pages := pdfPages(t, out.PDF)
	require.Len(t, pages, 1, "a short invoice keeps the slip on its page")
	text := pdfSquash(pages[0])
	for _, want := range []string{
		"Empfangsschein", "Zahlteil", "Konto / Zahlbar an", "CH44 3199 9123 0008 8901 2", "Robert Schneider AG",
		"Rue du Lac 1268", "2501 Biel", "Referenz", "21 00000 00003 13947 14300 09017", "Zusätzliche Informationen",
		"Auftrag vom 15.06.2020", "Zahlbar durch", "Pia-Maria Rutschmann-Schnyder", "Grosse Marktgasse 28",
		"9400 Rorschach", "Währung", "Betrag", "CHF", "1 949.75", "Annahmestelle", "Seite 1 von 1",
	} {
		assert.Contains(t, text, want)
	}
	// The page footer sits above the slip, every word of the page apart.
	words := pdfWords(t, out.PDF)[0]
	slipTop := ptFromMM(297 - slipH)
	for _, w := range words {
		if w.text == "Seite" {
			assert.Less(t, w.yMax, slipTop, "the page label is above the slip")
		}
	}
	assertNoPDFOverlap(t, out.PDF)

	fonts := pdfFontList(t, out.PDF)
	var names []string
	for _, f := range fonts {
		names = append(names, f.name)
		assert.True(t, f.embedded, f.name)
	}
	assert.Len(t, fonts, 2, "the kit's Liberation Sans serves the slip: %v", names)
}

func TestSwissSlipFonts(t *testing.T) {
	for _, tt := range []struct {
		name, typography string
		fonts            int // embedded in all
	}{
		{"noto body", `typography: { body_family: "noto-sans", heading_family: "noto-serif" }`, 5},
		// The heading's Liberation Sans Bold serves the slip too.
		{"liberation headings", `typography: { body_family: "lato", heading_family: "liberation-sans" }`, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			yaml := strings.Replace(payKitYAML("swiss", ""), `typography: { body_family: "liberation-sans" }`, tt.typography, 1)
			doc, err := ParseDocument([]byte(paySwissDoc))
			require.NoError(t, err)
			for _, route := range []fontRoute{routeSimple, routeUTF8Subset, routeUTF8Full} {
				r := payRenderer(t, yaml)
				r.theme.pdfTuning.route = route
				out, err := r.Render(doc, FormatPDF)
				require.NoError(t, err)
				var names []string
				for _, f := range smpPDFFonts(t, out.PDF) {
					assert.True(t, f.embedded, f.name)
					names = append(names, smpFontKey(f.name))
				}
				assert.Len(t, names, tt.fonts, "the kit's faces and the slip's: %v", names)
				liberation := 0
				for _, n := range names {
					if strings.Contains(n, "liberationsans") {
						liberation++
					}
				}
				assert.Equal(t, 2, liberation, "Liberation Sans regular and bold once each, route %d: %v", route, names)
				assert.Contains(t, pdfSquash(strings.Join(pdfPages(t, out.PDF), "")), "Payment part", "route %d", route)
			}
		})
	}
}

// TestSwissSlipOwnPage: a slip that does not fit under the content goes to
// a page of its own, whose footer moves above it too.
func TestSwissSlipOwnPage(t *testing.T) {
	long := strings.Replace(paySwissDoc, `"payment"`, `"notes": "`+strings.Repeat("Lorem ipsum dolor sit amet. ", 60)+`", "payment"`, 1)
	out := payRender(t, "swiss", "", []byte(long), FormatPDF)
	pdfTValidate(t, out.PDF)
	pages := pdfPages(t, out.PDF)
	require.Len(t, pages, 2)
	assert.NotContains(t, pages[0], "Payment part")
	assert.Contains(t, pdfSquash(pages[1]), "Payment part")
	assert.Contains(t, pdfSquash(pages[1]), "Page 2 of 2")
	assertNoPDFOverlap(t, out.PDF)
	assert.Equal(t, paySwissPayload, payDecode(t, payRasterize(t, out.PDF, 2, 200, 60, 297-slipH, 80, 80)))
}

func TestEPCPanelPDF(t *testing.T) {
	out := payRender(t, "epc", `tone: { locale: "de-DE" }`, readDoc(t, "invoice.json"), FormatPDF, FormatHTML, FormatText)
	pdfTValidate(t, out.PDF)
	text := pdfSquash(strings.Join(pdfPages(t, out.PDF), ""))
	assert.Contains(t, text, "Zahlen mit Code")
	assert.Contains(t, text, "DE89 3704 0044 0532 0130 00")
	assertNoPDFOverlap(t, out.PDF)
	assert.Contains(t, smpHTMLText(t, out.HTML), "Zahlen mit Code")
	assert.NotContains(t, string(out.Text), "Zahlen mit Code", "the text channel has the payment details in words")
}

// TestPaymentCodesDeterministic: the same document gives the same bytes.
func TestPaymentCodesDeterministic(t *testing.T) {
	for _, tt := range []struct {
		mode string
		doc  []byte
	}{{"epc", readDoc(t, "invoice.json")}, {"swiss", []byte(paySwissDoc)}} {
		a := payRender(t, tt.mode, `tone: { locale: "fr-FR" }`, tt.doc, FormatPDF, FormatHTML)
		b := payRender(t, tt.mode, `tone: { locale: "fr-FR" }`, tt.doc, FormatPDF, FormatHTML)
		assert.True(t, bytes.Equal(a.PDF, b.PDF), "%s PDF", tt.mode)
		assert.True(t, bytes.Equal(a.HTML, b.HTML), "%s HTML", tt.mode)
	}
}

// TestNoPaymentCodeChangesNothing: a kit that asks for no code renders as
// before, byte for byte, whatever the document's payment data.
func TestNoPaymentCodeChangesNothing(t *testing.T) {
	doc := readDoc(t, "invoice.json")
	off := payRender(t, "off", "", doc, FormatPDF, FormatHTML)
	usd := payRender(t, "auto", "", edited(t, "invoice.json", set("currency", "USD")), FormatHTML)
	assert.NotContains(t, string(off.HTML), "data:image/png", "no code image")
	assert.NotContains(t, string(usd.HTML), "data:image/png", "no code in USD")
	assert.NotContains(t, string(off.PDF), " re\nf\nQ", "no code drawn")
}
