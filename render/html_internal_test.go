package render

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xhtml "golang.org/x/net/html"

	"github.com/liveryhq/livery/brandkits"
)

// The fixtures below are named ht* so they cannot clash with other test files
// of package render.

// htLogo draws a small PNG logo, a round mark and a bar in colour c, on a
// transparent background like most real logos.
func htLogo(t testing.TB, c rgb) *brandkits.Image {
	t.Helper()
	const w, h = 160, 48
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	fg := color.NRGBA{c.R, c.G, c.B, 255}
	for y := range h {
		for x := range w {
			dx, dy := x-24, y-24
			switch {
			case dx*dx+dy*dy <= 20*20:
				img.Set(x, y, fg)
			case x >= 54 && x < 152 && y >= 16 && y < 32:
				img.Set(x, y, color.NRGBA{c.R, c.G, c.B, 170})
			}
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return &brandkits.Image{Format: "png", Data: buf.Bytes(), Width: w, Height: h}
}

// htTheme builds a theme by hand with the given layout options.
func htTheme(t testing.TB, header, logoPos, rules string, zebra bool) *theme {
	primary := rgb{0x8b, 0x2f, 0x1c}
	kit := &brandkits.Kit{
		Name: "morgenrot",
		Typography: brandkits.Typography{
			HeadingFamily: "noto-serif", BodyFamily: "noto-sans",
			BaseSize: 10, HeadingSize: 22, SmallSize: 8, LineHeight: 1.45,
		},
		Layout: brandkits.Layout{
			Paper:        "A4",
			Margins:      brandkits.Margins{Top: 20, Right: 20, Bottom: 20, Left: 25},
			AddressBlock: "din5008a",
			Header:       brandkits.Header{Style: header, LogoPosition: logoPos, LogoWidth: 42},
			Table:        brandkits.Table{Zebra: zebra, Rules: rules},
			Footer:       brandkits.Footer{PageNumbers: true},
		},
		Logo: htLogo(t, rgb{0xd9, 0x91, 0x2b}),
	}
	return &theme{
		kit:        kit,
		primary:    primary,
		secondary:  rgb{0x3b, 0x2a, 0x22},
		accent:     rgb{0xd9, 0x91, 0x2b},
		text:       rgb{0x2a, 0x21, 0x1c},
		muted:      rgb{0x7a, 0x6f, 0x68},
		background: rgb{0xff, 0xff, 0xff},
		heading:    fontPair{Name: "NotoSerif"},
		body:       fontPair{Name: "NotoSans"},
		pageW:      210, pageH: 297,
		marginTop: 20, marginRight: 20, marginBottom: 20, marginLeft: 25,
	}
}

// nb joins an amount and its currency as the locale code does.
const nb = "\u00a0"

// htInvoice is a German invoice with long descriptions, several tax rates,
// payment details, markdown notes and a legal footer.
func htInvoice() *view {
	return &view{
		Kind:  TypeInvoice,
		Title: "Rechnung",
		Lang:  "de-DE",
		Meta: meta{
			Title: "Rechnung RE-2026-0042", Author: "Rösterei Morgenrot GmbH",
			Subject: "Rechnung RE-2026-0042 vom 1. November 2026", Keywords: "Rechnung, RE-2026-0042",
			Creator: "Livery", Kit: "morgenrot@3 sha256:9f2c4e1a",
		},
		SenderLine: "Rösterei Morgenrot GmbH · Kastanienallee 12 · 10435 Berlin",
		Recipient:  []string{"Café Lindenblatt", "Herr Jonas Weber", "Lindenstraße 5", "50674 Köln"},
		Brand:      "Rösterei Morgenrot",
		BrandInfo:  []string{"Kastanienallee 12 · 10435 Berlin", "hallo@morgenrot.example · +49 30 1234567", "USt-IdNr. DE123456789"},
		Info: []pair{
			{"Rechnungsnummer", "RE-2026-0042"},
			{"Rechnungsdatum", "1. November 2026"},
			{"Kundennummer", "K-10023"},
			{"Leistungszeitraum", "1.–31. Oktober 2026"},
			{"Fällig am", "15. November 2026"},
		},
		Greeting: "Sehr geehrter Herr Weber,",
		Intro:    "vielen Dank für Ihre Bestellung. Für den Leistungszeitraum berechnen wir Ihnen folgende Positionen:",
		Table: &table{
			Columns: []column{
				{Label: "Beschreibung", Align: alignLeft, Width: 0.46},
				{Label: "Menge", Align: alignRight, Width: 0.12},
				{Label: "Einzelpreis", Align: alignRight, Width: 0.15},
				{Label: "USt.", Align: alignRight, Width: 0.09},
				{Label: "Betrag", Align: alignRight, Width: 0.18},
			},
			Rows: [][]string{
				{"Espresso-Bohnen „Hausmischung“, 1 kg, ganze Bohne, fair gehandelt aus Kolumbien und Äthiopien", "12 Stk.", "18,90" + nb + "€", "7" + nb + "%", "226,80" + nb + "€"},
				{"Wartung Siebträgermaschine (Entkalken, Dichtungen tauschen, Mahlwerk justieren)", "1 Pausch.", "149,00" + nb + "€", "19" + nb + "%", "149,00" + nb + "€"},
				{"Barista-Workshop für zwei Personen", "2 Pers.", "89,00" + nb + "€", "19" + nb + "%", "178,00" + nb + "€"},
				{"Versandkostenpauschale", "1", "4,90" + nb + "€", "19" + nb + "%", "4,90" + nb + "€"},
			},
		},
		Totals: []totalRow{
			{Label: "Zwischensumme netto", Value: "558,70" + nb + "€"},
			{Label: "USt. 7" + nb + "% auf 226,80" + nb + "€", Value: "15,88" + nb + "€"},
			{Label: "USt. 19" + nb + "% auf 331,90" + nb + "€", Value: "63,06" + nb + "€"},
			{Label: "Gesamtbetrag", Value: "1.637,64" + nb + "€", Strong: true},
		},
		TaxNote: "Die Lieferung der Espresso-Bohnen unterliegt dem ermäßigten Steuersatz nach § 12 Abs. 2 UStG.",
		PayBy:   "Bitte überweisen Sie 1.637,64" + nb + "€ bis zum 15. November 2026.",
		Payment: []pair{
			{"IBAN", "DE89 3704 0044 0532 0130 00"},
			{"BIC", "COBADEFFXXX"},
			{"Verwendungszweck", "RE-2026-0042"},
			{"Zahlungsbedingungen", "14 Tage netto, ohne Abzug"},
		},
		Body: []block{
			{Kind: blockParagraph, Inlines: []inline{
				{Text: "Hinweis: "}, {Text: "Ab Januar", Bold: true},
				{Text: " liefern wir in Mehrwegbehältern. Details finden Sie unter "},
				{Text: "morgenrot.example/mehrweg", URL: "https://morgenrot.example/mehrweg"},
				{Text: "."},
			}},
		},
		SignOff:   "Mit freundlichen Grüßen",
		Signature: "Ihr Team der Rösterei Morgenrot",
		Footer: []string{
			"Rösterei Morgenrot GmbH · Amtsgericht Berlin-Charlottenburg HRB 123456 · USt-IdNr. DE123456789",
			"Geschäftsführung: Lena Morgenroth · IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX",
		},
		PageLabel: "Seite {page} von {pages}",
		Summary:   "Morgenrot: Rechnung RE-2026-0042 über 1.637,64 €, fällig 15.11.2026.",
	}
}

// htScript is markdown text that must come out as text, never as markup.
const htScript = "<script>alert('owned')</script>"

// htNotice is an English notice exercising every markdown block, facts and an
// action.
func htNotice() *view {
	return &view{
		Kind:     TypeNotice,
		Title:    "Changes to your service plan",
		Subtitle: "Policy update",
		Lang:     "en-GB",
		Meta: meta{
			Title: "Changes to your service plan", Author: "Northwind Energy Ltd",
			Subject: "Your plan changes on 1 January 2027", Creator: "Livery",
			Kit: "northwind (unpublished)",
		},
		SenderLine: "Northwind Energy Ltd · 4 Harbour Road · Leith EH6 6LX",
		Recipient:  []string{"Ms Priya Patel", "Flat 2, 17 Marchmont Crescent", "Edinburgh EH9 1HN", "United Kingdom"},
		Brand:      "Northwind Energy",
		BrandInfo:  []string{"4 Harbour Road, Leith EH6 6LX", "help@northwind.example"},
		Info: []pair{
			{"Reference", "POL-7781"},
			{"Date", "3 November 2026"},
			{"Customer number", "C-55120"},
		},
		Greeting: "Dear Ms Patel,",
		Body: []block{
			{Kind: blockParagraph, Inlines: []inline{
				{Text: "From "}, {Text: "1 January 2027", Bold: true},
				{Text: " your plan moves to our new tariff. Read the "},
				{Text: "full terms", URL: "https://northwind.example/terms"},
				{Text: " or write to "},
				{Text: "help@northwind.example", URL: "mailto:help@northwind.example"},
				{Text: "."},
			}},
			{Kind: blockHeading, Level: 1, Inlines: []inline{{Text: "What changes"}}},
			{Kind: blockList, Items: [][]inline{
				{{Text: "The standing charge falls to "}, {Text: "£0.41", Bold: true}, {Text: " a day."}},
				{{Text: "Your unit rate is "}, {Text: "fixed", Italic: true}, {Text: " for twelve months, meter type "}, {Text: "SMETS2", Code: true}, {Text: "."}},
				{{Text: "Nothing changes for your direct debit date.\n\u00a0\u00a0\u00a0• It stays on the 1st of each month"}},
			}},
			{Kind: blockHeading, Level: 2, Inlines: []inline{{Text: "Prices"}}},
			{Kind: blockTable,
				Header: [][]inline{{{Text: "Item"}}, {{Text: "Now"}}, {{Text: "From January"}}},
				Rows: [][][]inline{
					{{{Text: "Standing charge per day"}}, {{Text: "£0.53"}}, {{Text: "£0.41"}}},
					{{{Text: "Unit rate per kWh"}}, {{Text: "£0.27"}}, {{Text: "£0.24"}}},
				},
				Aligns: []align{alignLeft, alignRight, alignRight},
			},
			{Kind: blockHeading, Level: 3, Inlines: []inline{{Text: "What you need to do"}}},
			{Kind: blockList, Ordered: true, Start: 3, Items: [][]inline{
				{{Text: "Check your details online."}},
				{{Text: "Send us a meter reading before the change."}},
			}},
			{Kind: blockQuote, Inlines: []inline{{Text: "We keep our prices under review and tell you at least 30 days ahead."}}},
			{Kind: blockRule},
			{Kind: blockParagraph, Inlines: []inline{{Text: "Your old note said: " + htScript}}},
			{Kind: blockParagraph, Inlines: []inline{{Text: "meter: 0012-4471\n  reading: 18234", Code: true}}},
		},
		Facts: []pair{
			{"Effective from", "1 January 2027"},
			{"New monthly estimate", "£74.50"},
			{"Notice period", "30 days"},
		},
		Action:    &link{Label: "Review your plan", URL: "https://account.northwind.example/plan?id=55120&src=email"},
		SignOff:   "Kind regards,",
		Signature: "The Northwind Energy team",
		Footer:    []string{"Northwind Energy Ltd is registered in Scotland, company number SC123456. Registered office: 4 Harbour Road, Leith EH6 6LX."},
		Summary:   "Northwind: your plan changes 1 Jan 2027; estimate £74.50/month.",
	}
}

// htWide is a credit note whose table has too many wide columns for 72
// columns of text.
func htWide() *view {
	v := htInvoice()
	v.Kind, v.Title, v.Subtitle = TypeCreditNote, "Gutschrift", "zur Rechnung RE-2026-0042"
	v.Table = &table{
		Columns: []column{
			{Label: "Beschreibung", Width: 0.3},
			{Label: "Artikelnummer", Width: 0.14},
			{Label: "Menge", Align: alignRight, Width: 0.1},
			{Label: "Einzelpreis netto", Align: alignRight, Width: 0.14},
			{Label: "Rabatt", Align: alignRight, Width: 0.1},
			{Label: "USt.", Align: alignRight, Width: 0.08},
			{Label: "Betrag netto", Align: alignRight, Width: 0.14},
		},
		Rows: [][]string{
			{"Rücknahme Espresso-Bohnen „Hausmischung“ (beschädigte Lieferung)", "ESP-HM-1000", "-3 Stk.", "18,90" + nb + "€", "10" + nb + "%", "7" + nb + "%", "-51,03" + nb + "€"},
			{"Gutschrift Versand", "VERS-01", "-1", "4,90" + nb + "€", "", "19" + nb + "%", "-4,90" + nb + "€"},
		},
	}
	v.Totals = []totalRow{{Label: "Gutschriftsbetrag", Value: "-59,90" + nb + "€", Strong: true}}
	v.PayBy, v.Payment, v.TaxNote = "Wir erstatten den Betrag auf Ihr Konto.", nil, ""
	return v
}

// htRenderer returns a Renderer over th without going through New.
func htRenderer(th *theme) *Renderer { return &Renderer{kit: th.kit, theme: th} }

// htViewStrings lists every string of v a reader must see, each once. The
// return line is left out of text (see Renderer.text); URLs of links are in
// href attributes in HTML, so only text lists them.
func htViewStrings(v *view, forText bool) []string {
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			if strings.TrimSpace(x) != "" {
				out = append(out, x)
			}
		}
	}
	addPairs := func(ps []pair) {
		for _, p := range ps {
			add(p.Label, p.Value)
		}
	}
	addInlines := func(ins []inline) {
		for _, in := range ins {
			add(in.Text)
		}
	}
	add(v.Title, v.Subtitle, v.Greeting, v.Intro, v.TaxNote, v.PayBy, v.SignOff, v.Signature)
	if forText {
		// The e-mail shows the brand name as its logo's text alternative
		// when the logo is a wordmark, as the PDF leaves the name out.
		add(v.Brand)
	} else {
		add(v.SenderLine)
	}
	add(v.Recipient...)
	add(v.BrandInfo...)
	add(v.Footer...)
	addPairs(v.Info)
	addPairs(v.Payment)
	addPairs(v.Facts)
	if v.Table != nil {
		for _, c := range v.Table.Columns {
			add(c.Label)
		}
		for _, r := range v.Table.Rows {
			add(r...)
		}
	}
	for _, t := range v.Totals {
		add(t.Label, t.Value)
	}
	for _, b := range v.Body {
		addInlines(b.Inlines)
		for _, it := range b.Items {
			addInlines(it)
		}
		for _, h := range b.Header {
			addInlines(h)
		}
		for _, r := range b.Rows {
			for _, c := range r {
				addInlines(c)
			}
		}
	}
	if v.Action != nil {
		add(v.Action.Label)
		if forText {
			add(v.Action.URL)
		}
	}
	return out
}

var htSpace = regexp.MustCompile(`[ \t\r\n]+`)

// htNorm collapses ASCII white space (not no-break spaces) so strings can be
// compared across line wrapping and element boundaries.
func htNorm(s string) string { return strings.TrimSpace(htSpace.ReplaceAllString(s, " ")) }

// htVisibleText is the text of the document's body as a reader sees it, with
// a line break for <br> and between blocks and cells.
func htVisibleText(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch {
		case n.Type == xhtml.TextNode:
			b.WriteString(n.Data)
		case n.Type == xhtml.ElementNode && (n.Data == "head" || n.Data == "style" || n.Data == "script"):
			return
		case n.Type == xhtml.ElementNode && n.Data == "br":
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "p", "div", "td", "th", "li", "h1", "h2", "h3", "h4", "tr", "blockquote":
				b.WriteString("\n")
			}
		}
	}
	walk(n)
	return b.String()
}

// htFind returns the elements named tag in document order.
func htFind(n *xhtml.Node, tag string) []*xhtml.Node {
	var out []*xhtml.Node
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func htAttr(n *xhtml.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// htURLs lists the URLs v links to.
func htURLs(v *view) map[string]bool {
	urls := map[string]bool{}
	if v.Action != nil {
		urls[v.Action.URL] = true
	}
	for _, b := range v.Body {
		all := append([][]inline{b.Inlines}, b.Items...)
		all = append(all, b.Header...)
		for _, r := range b.Rows {
			all = append(all, r...)
		}
		for _, ins := range all {
			for _, in := range ins {
				if in.URL != "" {
					urls[in.URL] = true
				}
			}
		}
	}
	return urls
}

type htCase struct {
	name                   string
	view                   func() *view
	header, logoPos, rules string
	zebra                  bool
}

var htCases = []htCase{
	{name: "invoice_band", view: htInvoice, header: "band", logoPos: "left", rules: "horizontal", zebra: true},
	{name: "notice_minimal", view: htNotice, header: "minimal", logoPos: "right", rules: "grid"},
	{name: "credit_centered", view: htWide, header: "centered", logoPos: "left", rules: "none"},
}

func TestHTML(t *testing.T) {
	for _, tc := range htCases {
		t.Run(tc.name, func(t *testing.T) {
			th := htTheme(t, tc.header, tc.logoPos, tc.rules, tc.zebra)
			v := tc.view()
			out, err := htmlRender(t, th, v)
			require.NoError(t, err)
			doc, err := xhtml.Parse(bytes.NewReader(out))
			require.NoError(t, err)
			src := string(out)

			assert.True(t, strings.HasPrefix(src, "<!DOCTYPE html>\n"), "doctype first")
			assert.Contains(t, src, `<html lang="`+v.Lang+`">`)
			assert.Contains(t, src, `<meta charset="utf-8">`)
			assert.Contains(t, src, `name="viewport"`)
			assert.Contains(t, src, `<meta name="livery-kit" content="`+v.Meta.Kit+`">`)
			assert.Empty(t, htFind(doc, "script"), "no script elements")
			assert.Empty(t, htFind(doc, "link"), "no linked resources")
			assert.NotContains(t, src, "{page}", "HTML has no pages")

			metas := map[string]string{}
			for _, m := range htFind(doc, "meta") {
				name, _ := htAttr(m, "name")
				content, _ := htAttr(m, "content")
				metas[name] = content
			}
			assert.Equal(t, v.Meta.Subject, metas["description"])
			assert.Equal(t, v.Meta.Author, metas["author"])
			assert.Equal(t, v.Meta.Kit, metas["livery-kit"])
			titles := htFind(doc, "title")
			require.Len(t, titles, 1)
			assert.Equal(t, v.Meta.Title, titles[0].FirstChild.Data)

			// Nothing is fetched: the only src is the logo's data URI, and links
			// go only where the view says.
			urls := htURLs(v)
			var walk func(*xhtml.Node)
			walk = func(n *xhtml.Node) {
				if n.Type == xhtml.ElementNode {
					for _, a := range n.Attr {
						switch a.Key {
						case "src":
							assert.True(t, strings.HasPrefix(a.Val, "data:image/png;base64,"), "src %q", a.Val)
						case "href":
							assert.True(t, urls[a.Val], "href %q not from the view", a.Val)
						case "background", "action", "formaction", "poster", "srcset":
							t.Errorf("attribute %s=%q", a.Key, a.Val)
						}
						assert.NotContains(t, strings.ToLower(a.Val), "url(", "no CSS url() in %s", a.Key)
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			imgs := htFind(doc, "img")
			require.Len(t, imgs, 1, "the logo")
			alt, _ := htAttr(imgs[0], "alt")
			assert.Equal(t, v.Brand, alt)

			visible := htNorm(htVisibleText(doc))
			for _, s := range htViewStrings(v, false) {
				assert.Contains(t, visible, htNorm(s))
			}
			assert.NotContains(t, visible, v.Summary)

			// The kit's colours are inline styles: primary behind the table
			// header and on the amount due, text colour on the body text.
			primary := th.primary.hex()
			headers := 0
			for _, h := range htFind(doc, "th") {
				if bg, _ := htAttr(h, "bgcolor"); bg == primary {
					headers++
					assert.Contains(t, htStyle(h), "background-color:"+primary)
					assert.Contains(t, htStyle(h), "font-weight:bold;color:#ffffff")
				}
			}
			if v.Table != nil {
				assert.Equal(t, len(v.Table.Columns), headers, "invoice table header cells")
			}
			assert.Contains(t, src, "color:"+th.text.hex())
			assert.Contains(t, src, "color:"+th.muted.hex())
			if len(v.Totals) > 0 {
				assert.Contains(t, src, "font-weight:bold;border-top:"+cssMM(ruleMM(strongRule))+" solid "+primary, "strong total")
			}
			assert.Contains(t, src, "Noto Serif")
			assert.Contains(t, src, "Noto Sans")

			mustGolden(t, tc.name+".html", out)
		})
	}
}

func htStyle(n *xhtml.Node) string { s, _ := htAttr(n, "style"); return s }

func htmlRender(t testing.TB, th *theme, v *view) ([]byte, error) {
	t.Helper()
	return htRenderer(th).html(v)
}

func TestHTMLLayoutOptions(t *testing.T) {
	tests := []struct {
		name                   string
		header, logoPos, rules string
		zebra                  bool
		want, wantNot          []string
	}{
		{
			name: "band header is primary", header: "band", logoPos: "left", rules: "horizontal",
			want: []string{`background-color:#8b2f1c;vertical-align:top;height:90.71px" bgcolor="#8b2f1c"`},
		},
		{
			name: "minimal header has a rule", header: "minimal", logoPos: "left", rules: "horizontal",
			want:    []string{"border-bottom:2px solid #8b2f1c"},
			wantNot: []string{`bgcolor="#8b2f1c">`},
		},
		{
			name: "centered header centres the logo", header: "centered", logoPos: "right", rules: "horizontal",
			want: []string{`<td class="px" align="center"`, "margin:0 auto 7.56px auto", "border-top:2px solid #8b2f1c"},
		},
		{
			name: "logo right", header: "minimal", logoPos: "right", rules: "horizontal",
			want: []string{"margin:0 0 0 auto"},
		},
		{
			name: "grid rules", header: "band", logoPos: "left", rules: "grid",
			want: []string{"border-right:1px solid {rule};border-bottom:1px solid {rule}", "border-left:1px solid {rule}"},
		},
		{
			name: "horizontal rules", header: "band", logoPos: "left", rules: "horizontal",
			want:    []string{"text-align:left;border-bottom:1px solid {rule}"},
			wantNot: []string{"border-right:1px solid {rule}", "border-left:1px solid {rule}"},
		},
		{
			name: "no rules", header: "band", logoPos: "left", rules: "none",
			want:    []string{"text-align:left;border:0"},
			wantNot: []string{"text-align:left;border-bottom:1px solid {rule}", "border-right:1px solid {rule}"},
		},
		{
			name: "zebra", header: "band", logoPos: "left", rules: "none", zebra: true,
			want: []string{`<tr valign="top" bgcolor="{zebra}">`},
		},
		{
			name: "no zebra", header: "band", logoPos: "left", rules: "none",
			wantNot: []string{`<tr valign="top" bgcolor=`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := htTheme(t, tt.header, tt.logoPos, tt.rules, tt.zebra)
			out, err := htmlRender(t, th, htInvoice())
			require.NoError(t, err)
			pal := newHTMLPalette(th)
			colours := strings.NewReplacer("{rule}", pal.rule, "{zebra}", pal.zebra)
			for _, w := range tt.want {
				w = colours.Replace(w)
				assert.True(t, strings.Contains(string(out), w), "missing %q", w)
			}
			for _, w := range tt.wantNot {
				w = colours.Replace(w)
				assert.False(t, strings.Contains(string(out), w), "unexpected %q", w)
			}
		})
	}
}

func TestHTMLEscapesData(t *testing.T) {
	th := htTheme(t, "band", "left", "horizontal", false)
	v := htNotice()
	v.Title = `Plan "A" & <b>B</b>`
	v.Action = &link{Label: "Open", URL: "javascript:alert(1)"}
	v.Body = append(v.Body, block{Kind: blockParagraph, Inlines: []inline{{Text: "x", URL: `https://e.example/"><script>`}}})
	out, err := htmlRender(t, th, v)
	require.NoError(t, err)
	src := string(out)
	assert.NotContains(t, src, "<script")
	assert.NotContains(t, src, "<b>B</b>")
	assert.Contains(t, src, "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;")
	doc, err := xhtml.Parse(bytes.NewReader(out))
	require.NoError(t, err)
	for _, a := range htFind(doc, "a") {
		href, _ := htAttr(a, "href")
		assert.NotContains(t, href, "javascript:", "html/template refuses unsafe URLs even if the view let one through")
	}
	assert.Empty(t, htFind(doc, "script"))
	assert.Contains(t, htVisibleText(doc), htScript)
	assert.Contains(t, htVisibleText(doc), v.Title)
}

func TestHTMLDeterministic(t *testing.T) {
	for _, tc := range htCases {
		t.Run(tc.name, func(t *testing.T) {
			th := htTheme(t, tc.header, tc.logoPos, tc.rules, tc.zebra)
			a, err := htmlRender(t, th, tc.view())
			require.NoError(t, err)
			b, err := htmlRender(t, th, tc.view())
			require.NoError(t, err)
			assert.Equal(t, a, b)
		})
	}
}

func TestHTMLWithoutLogoOrTable(t *testing.T) {
	th := htTheme(t, "band", "center", "horizontal", false)
	th.kit.Logo = nil
	v := htNotice()
	v.Footer, v.Facts, v.Action, v.Info, v.Recipient, v.SenderLine = nil, nil, nil, nil, nil, ""
	v.Body = v.Body[:1]
	out, err := htmlRender(t, th, v)
	require.NoError(t, err)
	assert.NotContains(t, string(out), "<img")
	assert.NotContains(t, string(out), "<th ")
	_, err = xhtml.Parse(bytes.NewReader(out))
	require.NoError(t, err)
}

// htOtherTheme is a second kit, unlike htTheme's in every part the HTML
// renderer keeps per kit: colours, fonts, logo, header and table options.
func htOtherTheme(t testing.TB) *theme {
	th := htTheme(t, "minimal", "right", "grid", false)
	th.kit.Name = "northwind"
	th.kit.Logo = htLogo(t, rgb{0x20, 0x90, 0x60})
	th.primary, th.text = rgb{0x1f, 0x4e, 0x79}, rgb{0x11, 0x22, 0x33}
	th.heading, th.body = fontPair{Name: "IBMPlexSans"}, fontPair{Name: "JetBrainsMono"}
	return th
}

// htDecodeLogo decodes a data: URI of a PNG.
func htDecodeLogo(t *testing.T, src string) image.Image {
	t.Helper()
	b64, ok := strings.CutPrefix(src, "data:image/png;base64,")
	require.True(t, ok, "src %.40q", src)
	data, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	return img
}

// htFill is the colour of an htLogo's disc.
func htFill(t *testing.T, logo *brandkits.Image) rgb {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(logo.Data))
	require.NoError(t, err)
	return htRGB(img.At(24, 24))
}

// htRGB drops a colour's alpha.
func htRGB(c color.Color) rgb {
	r, g, b, _ := c.RGBA()
	return rgb{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// htLogoSrc is the src of out's one <img>, entities decoded.
func htLogoSrc(t *testing.T, out []byte) string {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(out))
	require.NoError(t, err)
	imgs := htFind(doc, "img")
	require.Len(t, imgs, 1)
	src, _ := htAttr(imgs[0], "src")
	return src
}

// TestHTMLKitStatePerTheme checks that the HTML state worked out once per kit
// belongs to its theme: two renderers with different kits, used in turns,
// each draw their own logo, colours and fonts, byte for byte as a renderer
// used alone.
func TestHTMLKitStatePerTheme(t *testing.T) {
	a, b := htTheme(t, "band", "left", "horizontal", true), htOtherTheme(t)
	v := htInvoice()
	aliceAlone, err := htmlRender(t, htTheme(t, "band", "left", "horizontal", true), v)
	require.NoError(t, err)
	bobAlone, err := htmlRender(t, htOtherTheme(t), v)
	require.NoError(t, err)
	require.NotEqual(t, aliceAlone, bobAlone)

	for i := range 2 {
		outA, err := htmlRender(t, a, v)
		require.NoError(t, err)
		outB, err := htmlRender(t, b, v)
		require.NoError(t, err)
		assert.Equal(t, string(aliceAlone), string(outA), "round %d: first kit", i)
		assert.Equal(t, string(bobAlone), string(outB), "round %d: second kit", i)

		for _, k := range []struct {
			th, other     *theme
			out           []byte
			want, wantNot []string
		}{
			{a, b, outA,
				[]string{"Noto Serif", `<tr valign="top" bgcolor="`, "background-color:" + a.primary.hex() + ";vertical-align:top;height:"},
				[]string{"IBM Plex Sans", "border-bottom:2px solid " + a.primary.hex(), "margin:0 0 0 auto"}},
			{b, a, outB,
				[]string{"IBM Plex Sans", "Jet Brains Mono", "border-bottom:2px solid " + b.primary.hex(), "border-left:1px solid ", "margin:0 0 0 auto"},
				[]string{"Noto Serif", `<tr valign="top" bgcolor="`}},
		} {
			src := string(k.out)
			// The theme's own logo, composed onto the colour it sits on.
			logo := htDecodeLogo(t, htLogoSrc(t, k.out))
			assert.Equal(t, htFill(t, k.th.kit.Logo), htRGB(logo.At(24, 24)), "logo colour")
			assert.Equal(t, k.th.logoBackground(), htRGB(logo.At(0, 0)), "logo background")
			assert.Contains(t, src, `bgcolor="`+k.th.primary.hex()+`"`)
			assert.NotContains(t, src, k.other.primary.hex())
			assert.Contains(t, src, "color:"+k.th.text.hex())
			assert.NotContains(t, src, "color:"+k.other.text.hex())
			for _, w := range k.want {
				assert.Contains(t, src, w)
			}
			for _, w := range k.wantNot {
				assert.NotContains(t, src, w)
			}
		}
	}
}

// TestHTMLKitStateReleased checks that a theme's HTML state does not outlive
// the theme, so that a process making a Renderer per kit version does not
// keep every version it ever drew.
func TestHTMLKitStateReleased(t *testing.T) {
	th := htTheme(t, "band", "left", "horizontal", false)
	_, err := htmlRender(t, th, htNotice())
	require.NoError(t, err)
	key := weak.Make(th)
	_, ok := htmlKits.Load(key)
	require.True(t, ok, "state kept while the theme lives")
	runtime.KeepAlive(th)

	for deadline := time.Now().Add(10 * time.Second); ; {
		runtime.GC()
		if _, ok := htmlKits.Load(key); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("state still cached after its theme was collected")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHTMLConcurrent renders from many goroutines with two Renderers that
// have not drawn yet, so that their per-kit state is built while others wait
// for it: every document must get the bytes it gets alone (run with -race).
func TestHTMLConcurrent(t *testing.T) {
	themes := []func(testing.TB) *theme{
		func(t testing.TB) *theme { return htTheme(t, "band", "left", "horizontal", true) },
		htOtherTheme,
	}
	views := []func() *view{htInvoice, htNotice, htWide}
	var renderers []*Renderer
	want := make([][][]byte, len(themes))
	for i, mk := range themes {
		renderers = append(renderers, htRenderer(mk(t)))
		for _, v := range views {
			out, err := htmlRender(t, mk(t), v())
			require.NoError(t, err)
			want[i] = append(want[i], out)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(themes)*len(views))
	for range 4 {
		for i, r := range renderers {
			for j, v := range views {
				wg.Go(func() {
					got, err := r.html(v())
					if err == nil && !bytes.Equal(got, want[i][j]) {
						err = fmt.Errorf("kit %d, view %d: bytes differ from a lone render", i, j)
					}
					if err != nil {
						errs <- err
					}
				})
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCSSFontStack(t *testing.T) {
	tests := []struct{ name, want string }{
		{"NotoSerif", "'Noto Serif', 'NotoSerif', Georgia, 'Times New Roman', serif"},
		{"Noto Sans", "'Noto Sans', 'Helvetica Neue', Helvetica, Arial, sans-serif"},
		{"IBMPlexSans", "'IBM Plex Sans', 'IBMPlexSans', 'Helvetica Neue', Helvetica, Arial, sans-serif"},
		{"JetBrainsMono", "'Jet Brains Mono', 'JetBrainsMono', Menlo, Consolas, 'Courier New', monospace"},
		{"Evil'; } body{x:url(y)", "'Evil bodyxurly', 'Helvetica Neue', Helvetica, Arial, sans-serif"},
		{"", "'Helvetica Neue', Helvetica, Arial, sans-serif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cssFontStack(tt.name))
		})
	}
}

func TestTextOn(t *testing.T) {
	dark := rgb{0x22, 0x22, 0x22}
	tests := []struct {
		name string
		bg   rgb
		want rgb
	}{
		{"dark primary gets white", rgb{0x1f, 0x4e, 0x79}, rgb{255, 255, 255}},
		{"pale primary gets text colour", rgb{0xf5, 0xd0, 0x4c}, dark},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, textOn(tt.bg, dark))
		})
	}
}
