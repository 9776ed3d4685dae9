package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/fonts"
	"github.com/liveryhq/livery/samples"
)

func init() {
	// Every test that draws a PDF holds the drawing code to the rune sets
	// the fonts are built for: a text outside them fails the test instead of
	// being drawn again with wider fonts.
	pdfStrictText = true
}

// The fixtures below are named pdfT* so they cannot clash with other test
// files of package render.

// pdfTFamily returns a bundled family as a fontPair named name.
func pdfTFamily(t testing.TB, slug, name string) fontPair {
	t.Helper()
	fam, ok := fonts.Lookup(slug)
	require.True(t, ok, "bundled font family %q", slug)
	reg, err := fam.RegularFace()
	require.NoError(t, err)
	bold, err := fam.BoldFace()
	require.NoError(t, err)
	return fontPair{Name: name, Regular: fam.Regular, Bold: fam.Bold, RegularFace: reg, BoldFace: bold}
}

// pdfTLogo draws a small PNG mark: a ring and a dot in c, on transparency.
func pdfTLogo(t testing.TB, c rgb) *brandkits.Image {
	t.Helper()
	const w, h = 60, 60
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	fg := color.NRGBA{c.R, c.G, c.B, 255}
	for y := range h {
		for x := range w {
			dx, dy := x-30, y-30
			r2 := dx*dx + dy*dy
			switch {
			case r2 <= 27*27 && r2 >= 17*17:
				img.Set(x, y, fg)
			case r2 <= 9*9:
				img.Set(x, y, fg)
			}
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return &brandkits.Image{Format: "png", Data: buf.Bytes(), Width: w, Height: h}
}

// pdfTTheme builds a theme by hand; edit changes the kit's layout first.
func pdfTTheme(t testing.TB, edit func(*brandkits.Kit)) *theme {
	t.Helper()
	primary := rgb{0x1f, 0x3a, 0x5f}
	kit := &brandkits.Kit{
		Name: "harbour",
		Typography: brandkits.Typography{
			HeadingFamily: "noto-serif", BodyFamily: "noto-sans",
			BaseSize: 9.5, HeadingSize: 22, SmallSize: 7.5, LineHeight: 1.45,
		},
		Layout: brandkits.Layout{
			Paper:        "A4",
			Margins:      brandkits.Margins{Top: 20, Right: 20, Bottom: 20, Left: 25},
			Header:       brandkits.Header{Style: "band", LogoPosition: "left", LogoWidth: 36},
			AddressBlock: "din5008b",
			Table:        brandkits.Table{Zebra: true, Rules: "horizontal"},
			Footer:       brandkits.Footer{PageNumbers: true},
		},
		Logo: pdfTLogo(t, rgb{0xff, 0xff, 0xff}),
	}
	if edit != nil {
		edit(kit)
	}
	th := &theme{
		kit:        kit,
		primary:    primary,
		secondary:  rgb{0x5b, 0x7d, 0x99},
		accent:     rgb{0xc2, 0x41, 0x0c},
		text:       rgb{0x1d, 0x23, 0x2b},
		muted:      rgb{0x6b, 0x72, 0x80},
		background: rgb{0xff, 0xff, 0xff},
		heading:    pdfTFamily(t, "noto-serif", "NotoSerif"),
		body:       pdfTFamily(t, "noto-sans", "NotoSans"),
		pageW:      210, pageH: 297,
		marginTop: kit.Layout.Margins.Top, marginRight: kit.Layout.Margins.Right,
		marginBottom: kit.Layout.Margins.Bottom, marginLeft: kit.Layout.Margins.Left,
	}
	if kit.Layout.Paper == "Letter" {
		th.pageW, th.pageH = 215.9, 279.4
	}
	return th
}

// pdfTInvoice is an invoice with rows lines, long descriptions among them.
func pdfTInvoice(rows int) *view {
	const nbsp = "\u00a0"
	t := &table{Columns: []column{
		{Label: "Pos.", Align: alignRight, Width: 0.07},
		{Label: "Description", Width: 0.47},
		{Label: "Qty", Align: alignRight, Width: 0.1},
		{Label: "Unit price", Align: alignRight, Width: 0.13},
		{Label: "VAT", Align: alignRight, Width: 0.08},
		{Label: "Amount", Align: alignRight, Width: 0.15},
	}}
	for i := 1; i <= rows; i++ {
		desc := fmt.Sprintf("Single-origin espresso beans, %d kg bag", i%5+1)
		if i%7 == 3 {
			desc = "Barista training workshop for two people, including a tasting of three roasts, milk texturing and latte art basics (half day)"
		}
		t.Rows = append(t.Rows, []string{
			fmt.Sprint(i), desc, fmt.Sprintf("%d", i%4+1), "€" + nbsp + "18.50", "19" + nbsp + "%",
			fmt.Sprintf("€"+nbsp+"%d.00", (i%4+1)*18),
		})
	}
	body := parseMarkdown("Thank you for your order. **Roasting dates** are printed on every bag; " +
		"see [our storage guide](https://harbour.example/storage) for tips.\n\n" +
		"Returns are accepted within *30 days* as unopened bags.")
	return &view{
		Kind: TypeInvoice, Title: "Invoice", Lang: "en-GB",
		Meta: meta{
			Title: "Invoice 2026-0042", Author: "Harbour Coffee Roasters Ltd",
			Subject: "Invoice 2026-0042 for Ada Lovelace", Keywords: "invoice 2026-0042",
			Creator: "Livery", Date: MustDate("2026-11-02"), Kit: "harbour@3 sha256:abcd",
		},
		SenderLine: "Harbour Coffee Roasters Ltd · 12 Quay Street · Bristol BS1 4DJ",
		Recipient:  []string{"Ada Lovelace", "Analytical Engines Ltd", "1 St James's Square", "London SW1Y 4JU", "United Kingdom"},
		Brand:      "Harbour Coffee",
		BrandInfo:  []string{"Harbour Coffee Roasters Ltd", "12 Quay Street, Bristol BS1 4DJ", "hello@harbour.example", "+44 117 496 0000"},
		Info: []pair{
			{"Invoice no.", "2026-0042"}, {"Invoice date", "2 November 2026"},
			{"Due date", "16 November 2026"}, {"Customer no.", "C-1042"}, {"VAT ID", "GB123456789"},
		},
		Greeting: "Dear Ms Lovelace,",
		Intro:    "Thank you for your order. We invoice you for the following items:",
		Table:    t,
		Totals: []totalRow{
			{Label: "Subtotal", Value: "€" + nbsp + "1,998.00"},
			{Label: "VAT 19" + nbsp + "%", Value: "€" + nbsp + "379.62"},
			{Label: "Total due", Value: "€" + nbsp + "2,377.62", Strong: true},
		},
		TaxNote: "Delivery date equals invoice date unless stated otherwise.",
		PayBy:   "Please pay €" + nbsp + "2,377.62 by 16 November 2026.",
		Payment: []pair{
			{"IBAN", "GB33 BUKB 2020 1555 5555 55"}, {"BIC", "BUKBGB22"},
			{"Reference", "2026-0042"}, {"Terms", "14 days net"},
		},
		Body:      body,
		SignOff:   "Kind regards,",
		Signature: "Your Harbour Coffee team",
		Footer: []string{
			"Harbour Coffee Roasters Ltd · Registered in England and Wales No. 01234567 · VAT GB123456789",
			"Barclays · IBAN GB33 BUKB 2020 1555 5555 55 · BIC BUKBGB22",
		},
		PageLabel: "Page {page} of {pages}",
	}
}

// pdfTNotice is a notice with every kind of markdown block, facts and an action.
func pdfTNotice() *view {
	body := parseMarkdown(`We are changing the terms of your **coffee subscription** from 1 January 2027. Nothing changes for you *unless you want it to*.

## What changes

1. Deliveries move from Tuesday to Thursday.
2. The price of the 1 kg bag rises by €0.80.
3. You can pause for up to ` + "`8 weeks`" + ` a year.

- Free delivery stays.
- Cancel any time: see [your account](https://harbour.example/account).

| Plan | Now | From January |
|:--|--:|--:|
| Weekly | €17.20 | €18.00 |
| Fortnightly | €17.90 | €18.70 |

> Prices include VAT at the standard rate.

---

### Questions?

Write to hello@harbour.example or call us.`)
	return &view{
		Kind: TypeNotice, Title: "Changes to your subscription", Subtitle: "Policy change", Lang: "en-GB",
		Meta: meta{
			Title: "Changes to your subscription", Author: "Harbour Coffee Roasters Ltd",
			Date: MustDate("2026-11-02"), Kit: "harbour (unpublished)",
		},
		SenderLine: "Harbour Coffee Roasters Ltd · 12 Quay Street · Bristol BS1 4DJ",
		Recipient:  []string{"Ada Lovelace", "1 St James's Square", "London SW1Y 4JU"},
		Brand:      "Harbour Coffee",
		BrandInfo:  []string{"12 Quay Street, Bristol BS1 4DJ", "hello@harbour.example"},
		Info:       []pair{{"Date", "2 November 2026"}, {"Reference", "SUB-77"}},
		Greeting:   "Dear Ms Lovelace,",
		Body:       body,
		Facts: []pair{
			{"Effective from", "1 January 2027"}, {"Plan", "Weekly, 1 kg"},
			{"New price", "€18.00 per delivery"},
		},
		Action:    &link{Label: "Review your subscription", URL: "https://harbour.example/account/subscription"},
		SignOff:   "Kind regards,",
		Signature: "Your Harbour Coffee team",
		Footer:    []string{"Harbour Coffee Roasters Ltd · Registered in England and Wales No. 01234567"},
		PageLabel: "Page {page} of {pages}",
	}
}

// mustDrawPDF renders v with th. With LIVERY_PDF_OUT set to a directory, it
// also writes the PDF there, named after the test, for looking at.
func mustDrawPDF(t testing.TB, th *theme, v *view) []byte {
	t.Helper()
	r := &Renderer{kit: th.kit, theme: th}
	out, err := r.pdf(v)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(out, []byte("%PDF-")), "PDF header")
	if dir := os.Getenv("LIVERY_PDF_OUT"); dir != "" {
		name := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "_") + ".pdf"
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), out, 0o644))
	}
	return out
}

// popplerTool returns the path of a poppler tool, skipping the test when it
// is missing, except in CI, where the tools must be there.
func popplerTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (apt-get install poppler-utils)", name)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils): skipping the PDF text checks", name)
	}
	return p
}

// pdfPages extracts the text of every page with pdftotext -layout.
func pdfPages(t testing.TB, pdf []byte) []string {
	t.Helper()
	tool := popplerTool(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", f, "-").Output()
	require.NoError(t, err, "pdftotext")
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// pdfInfo returns pdfinfo's key/value lines.
func pdfInfo(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	tool := popplerTool(t, "pdfinfo")
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, "-enc", "UTF-8", f).Output()
	require.NoError(t, err, "pdfinfo")
	m := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// pdfWord is a word pdftotext found, with its box in points.
type pdfWord struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

var pdfWordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// pdfWords returns the words of every page with their boxes.
func pdfWords(t testing.TB, pdf []byte) [][]pdfWord {
	t.Helper()
	tool := popplerTool(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, "-bbox", "-enc", "UTF-8", f, "-").Output()
	require.NoError(t, err, "pdftotext -bbox")
	var pages [][]pdfWord
	for _, page := range strings.Split(string(out), "<page ")[1:] {
		var words []pdfWord
		for _, m := range pdfWordRE.FindAllStringSubmatch(page, -1) {
			w := pdfWord{text: m[5]}
			fmt.Sscan(m[1]+" "+m[2]+" "+m[3]+" "+m[4], &w.xMin, &w.yMin, &w.xMax, &w.yMax)
			words = append(words, w)
		}
		pages = append(pages, words)
	}
	return pages
}

// assertNoPDFOverlap fails for two words drawn over each other. Boxes span the
// font's whole em, so only their middle counts: tight leading is not overlap.
func assertNoPDFOverlap(t *testing.T, pdf []byte) {
	t.Helper()
	pages := pdfWords(t, pdf)
	require.NotEmpty(t, pages)
	for p, words := range pages {
		require.NotEmpty(t, words, "page %d has no words", p+1)
		for i, a := range words {
			for _, b := range words[i+1:] {
				ah, bh := (a.yMax-a.yMin)*0.25, (b.yMax-b.yMin)*0.25
				x := min(a.xMax, b.xMax) - max(a.xMin, b.xMin)
				y := min(a.yMax-ah, b.yMax-bh) - max(a.yMin+ah, b.yMin+bh)
				if x > 0.5 && y > 0.5 {
					t.Errorf("page %d: %q overlaps %q", p+1, a.text, b.text)
				}
			}
		}
	}
}

// pdfSquash collapses runs of spaces so checks do not depend on column layout.
func pdfSquash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPDFInvoiceLayouts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*brandkits.Kit)
		rows int
	}{
		{name: "band din5008b 60 rows", rows: 60},
		{name: "band din5008a logo right", rows: 8, edit: func(k *brandkits.Kit) {
			k.Layout.AddressBlock, k.Layout.Header.LogoPosition = "din5008a", "right"
		}},
		{name: "minimal letter us10 grid", rows: 30, edit: func(k *brandkits.Kit) {
			k.Layout.Paper, k.Layout.AddressBlock = "Letter", "us10"
			k.Layout.Header.Style, k.Layout.Table.Rules, k.Layout.Table.Zebra = "minimal", "grid", false
			k.Logo = pdfTLogo(t, rgb{0x1f, 0x3a, 0x5f})
		}},
		{name: "centered no window no logo", rows: 3, edit: func(k *brandkits.Kit) {
			k.Layout.Header.Style, k.Layout.Header.LogoPosition, k.Layout.AddressBlock = "centered", "center", "none"
			k.Layout.Table.Rules = "none"
			k.Logo = nil
		}},
		{name: "band center logo", rows: 3, edit: func(k *brandkits.Kit) {
			k.Layout.Header.LogoPosition = "center"
		}},
		{name: "minimal no logo", rows: 3, edit: func(k *brandkits.Kit) {
			k.Layout.Header.Style = "minimal"
			k.Logo = nil
		}},
		{name: "minimal din5008a logo right", rows: 3, edit: func(k *brandkits.Kit) {
			k.Layout.Header.Style, k.Layout.Header.LogoPosition, k.Layout.AddressBlock = "minimal", "right", "din5008a"
			k.Logo = pdfTLogo(t, rgb{0x1f, 0x3a, 0x5f})
		}},
		{name: "centered din5008a", rows: 3, edit: func(k *brandkits.Kit) {
			k.Layout.Header.Style, k.Layout.Header.LogoPosition, k.Layout.AddressBlock = "centered", "center", "din5008a"
			k.Logo = pdfTLogo(t, rgb{0x1f, 0x3a, 0x5f})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := pdfTTheme(t, tt.edit)
			v := pdfTInvoice(tt.rows)
			out := mustDrawPDF(t, th, v)
			assertNoPDFOverlap(t, out)
			pages := pdfPages(t, out)
			require.NotEmpty(t, pages)
			all := pdfSquash(strings.Join(pages, "\n"))
			for _, want := range []string{
				"Invoice", "Ada Lovelace", "London SW1Y 4JU", "Invoice no. 2026-0042",
				"Dear Ms Lovelace,", "Total due € 2,377.62", "Please pay € 2,377.62 by 16 November 2026.",
				"GB33 BUKB 2020 1555 5555 55", "Roasting dates", "our storage guide",
				"Your Harbour Coffee team", "Registered in England and Wales",
				"Barista training workshop for two people",
			} {
				assert.Contains(t, all, want)
			}
			n := len(pages)
			for i, p := range pages {
				assert.Contains(t, pdfSquash(p), fmt.Sprintf("Page %d of %d", i+1, n), "page %d", i+1)
			}
			for i, p := range pages[1:] {
				if strings.Contains(p, "Pos.") || i+2 < n {
					// Every page the table runs onto starts with its header.
					assert.Contains(t, pdfSquash(p), "Pos. Description Qty Unit price VAT Amount", "page %d", i+2)
				}
			}
			if tt.rows >= 60 {
				assert.Greater(t, n, 1)
				assert.Contains(t, pdfSquash(pages[1]), "Pos. Description Qty Unit price VAT Amount")
				assert.Contains(t, pdfSquash(pages[0]), "Page 1 of "+fmt.Sprint(n))
			}
			// No row is cut: every position number appears exactly once.
			for i := 1; i <= tt.rows; i++ {
				re := regexp.MustCompile(fmt.Sprintf(`(?m)^\s*%d\s+(Single|Barista)`, i))
				assert.Len(t, re.FindAllString(strings.Join(pages, "\n"), -1), 1, "row %d", i)
			}
		})
	}
}

func TestPDFNotice(t *testing.T) {
	th := pdfTTheme(t, nil)
	out := mustDrawPDF(t, th, pdfTNotice())
	assertNoPDFOverlap(t, out)
	all := pdfSquash(strings.Join(pdfPages(t, out), "\n"))
	for _, want := range []string{
		"Changes to your subscription", "Policy change", "What changes",
		"1. Deliveries move from Tuesday to Thursday.", "3. You can pause for up to 8 weeks a year.",
		"• Free delivery stays.", "Plan Now From January", "Weekly €17.20 €18.00",
		"Prices include VAT at the standard rate.", "Questions?",
		"Effective from 1 January 2027", "New price €18.00 per delivery",
		"Review your subscription", "https://harbour.example/account/subscription",
		"Kind regards,", "Page 1 of",
	} {
		assert.Contains(t, all, want)
	}
	// Links are clickable: URI actions are written uncompressed.
	for _, url := range []string{"https://harbour.example/account", "https://harbour.example/account/subscription"} {
		assert.Contains(t, string(out), "/URI ("+url+")")
	}
}

func TestPDFMetadata(t *testing.T) {
	th := pdfTTheme(t, nil)
	info := pdfInfo(t, mustDrawPDF(t, th, pdfTInvoice(3)))
	tests := []struct{ key, want string }{
		{"Title", "Invoice 2026-0042"},
		{"Author", "Harbour Coffee Roasters Ltd"},
		{"Subject", "Invoice 2026-0042 for Ada Lovelace"},
		{"Keywords", "invoice 2026-0042 kit:harbour@3 sha256:abcd"},
		{"Creator", "Livery"},
		{"Page size", "595.28 x 841.89 pts (A4)"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			assert.Equal(t, tt.want, info[tt.key])
		})
	}
	assert.Contains(t, info["CreationDate"], "2026")
}

func TestPDFDeterministic(t *testing.T) {
	th := pdfTTheme(t, nil)
	a := mustDrawPDF(t, th, pdfTInvoice(25))
	b := mustDrawPDF(t, th, pdfTInvoice(25))
	assert.Equal(t, a, b)
	// No clock: a view without a valid date still gives the same bytes.
	v := pdfTNotice()
	v.Meta.Date = Date{}
	assert.Equal(t, mustDrawPDF(t, th, v), mustDrawPDF(t, th, v))
}

func TestPDFBackgroundAndPaper(t *testing.T) {
	tests := []struct {
		name  string
		paper string
		bg    rgb
		size  string
	}{
		{"a4 white", "A4", rgb{255, 255, 255}, "595.28 x 841.89"},
		{"letter cream", "Letter", rgb{0xfb, 0xf7, 0xf0}, "612 x 792"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := pdfTTheme(t, func(k *brandkits.Kit) { k.Layout.Paper = tt.paper })
			th.background = tt.bg
			out := mustDrawPDF(t, th, pdfTInvoice(50))
			assert.Contains(t, pdfInfo(t, out)["Page size"], tt.size)
			assert.Greater(t, len(pdfPages(t, out)), 1)
		})
	}
}

func TestPDFWithoutOptionalParts(t *testing.T) {
	th := pdfTTheme(t, func(k *brandkits.Kit) { k.Logo = nil })
	v := &view{Kind: TypeNotice, Title: "Notice", Meta: meta{Date: MustDate("2026-01-01")}}
	pages := pdfPages(t, mustDrawPDF(t, th, v))
	require.Len(t, pages, 1)
	assert.Contains(t, pages[0], "Notice")
	assert.NotContains(t, pages[0], "Page")
}

func TestPDFFontsRejected(t *testing.T) {
	tests := []struct {
		name string
		edit func(*theme)
	}{
		{"cff program", func(th *theme) { th.body.Regular = append([]byte("OTTO"), make([]byte, 64)...) }},
		{"woff heading", func(th *theme) { th.heading.Bold = append([]byte("wOFF"), th.heading.Bold...) }},
		{"empty body", func(th *theme) { th.body.Regular = nil }},
		{"garbage", func(th *theme) { th.body.Bold = bytes.Repeat([]byte{0, 1, 0, 0}, 8) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := pdfTTheme(t, nil)
			tt.edit(th)
			r := &Renderer{kit: th.kit, theme: th}
			_, err := r.pdf(pdfTInvoice(2))
			assert.Error(t, err)
		})
	}
}

func TestPDFLayoutText(t *testing.T) {
	th := pdfTTheme(t, nil)
	v := &view{}
	pdf, err := (&Renderer{kit: th.kit, theme: th}).newPDFWriter(v, routeSimple, scopeAll)
	require.NoError(t, err)
	d := newPDFDraw(pdf, th, v)
	st := d.bodyStyle()
	w := func(s string, bold bool) float64 { return d.textWidth(st, inline{Bold: bold}, s) }
	tests := []struct {
		name  string
		runs  []inline
		width float64
		want  []string // nil: the word is cut into several lines
	}{
		{"fits", pdfPlain("one two three"), 100, []string{"one two three"}},
		{"wraps at spaces", pdfPlain("one two three"), w("one two", false) + 0.1, []string{"one two", "three"}},
		{"spaces collapse", pdfPlain("  one   two  "), 100, []string{"one two"}},
		{"hard break", pdfPlain("one\ntwo"), 100, []string{"one", "two"}},
		{
			"glued runs stay together",
			[]inline{{Text: "see "}, {Text: "bold", Bold: true}, {Text: ", then"}},
			w("bold", true) + w(",", false) + 0.5,
			[]string{"see", "bold,", "then"},
		},
		{"long word cut", pdfPlain("abcdefghijklmnopqrstuvwxyz"), 20, nil},
		{"code indent kept", []inline{{Text: "a\n  b", Code: true}}, 100, []string{"a", "\u00a0\u00a0b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := d.layout(tt.runs, tt.width, st)
			var got []string
			for _, ln := range lines {
				prevEnd := -1.0
				s := ""
				for _, p := range ln.pieces {
					if prevEnd >= 0 && p.x > prevEnd+0.01 {
						s += " "
					}
					s += p.text
					prevEnd = p.x + p.w
				}
				got = append(got, s)
				assert.LessOrEqual(t, ln.w, tt.width+0.01, "line %q too wide", s)
			}
			if tt.want != nil {
				assert.Equal(t, tt.want, got)
			} else {
				assert.Equal(t, "abcdefghijklmnopqrstuvwxyz", strings.Join(got, ""))
				assert.Greater(t, len(got), 1)
			}
		})
	}
}

func BenchmarkPDFInvoice(b *testing.B) {
	th := pdfTTheme(b, nil)
	r := &Renderer{kit: th.kit, theme: th}
	v := pdfTInvoice(20)
	for b.Loop() {
		if _, err := r.pdf(v); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPDFLongTextIsKept(t *testing.T) {
	long := strings.Repeat("Registered office: 12 Quay Street, Bristol BS1 4DJ. ", 5) + "END-OF-FOOTER"
	th := pdfTTheme(t, nil)
	v := pdfTInvoice(45)
	v.Footer = []string{long}
	v.Recipient[2] = "Flat 4, The Very Long Building Name, 1 St James's Square Extension Road"
	v.Table.Rows[0][1] = "Supercalifragilisticexpialidocious-espresso-blend-with-an-unbreakable-name-0123456789"
	pages := pdfPages(t, mustDrawPDF(t, th, v))
	for i, p := range pages {
		assert.Contains(t, p, "END-OF-FOOTER", "page %d", i+1)
	}
	all := strings.Join(pages, "")
	// The unbreakable word is cut between characters, nothing lost.
	assert.Contains(t, all, "Supercalifragilisticexpialidocious")
	assert.Contains(t, all, "unbreakable-name-0123456789")
	assert.Contains(t, pdfSquash(all), "Flat 4, The Very Long Building Name")
}

// pdfFonts returns pdffonts' rows: name, type and encoding, and whether the
// font is embedded.
type pdfTFont struct {
	name, typ, enc string
	embedded       bool
}

func pdfFontList(t testing.TB, pdf []byte) []pdfTFont {
	t.Helper()
	tool := popplerTool(t, "pdffonts")
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, f).Output()
	require.NoError(t, err, "pdffonts")
	// name, type (one or two words), encoding, emb, sub, uni, object, generation
	row := regexp.MustCompile(`^(\S+)\s+(TrueType|CID TrueType|Type 1|Type 3)\s+(\S+)\s+(yes|no)\s+`)
	var fonts []pdfTFont
	for _, line := range strings.Split(string(out), "\n")[2:] {
		if m := row.FindStringSubmatch(line); m != nil {
			fonts = append(fonts, pdfTFont{name: m[1], typ: m[2], enc: m[3], embedded: m[4] == "yes"})
		}
	}
	return fonts
}

// pdfTValidate runs pdfcpu's strict validation.
func pdfTValidate(t testing.TB, pdf []byte) {
	t.Helper()
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	assert.NoError(t, api.Validate(bytes.NewReader(pdf), conf), "pdfcpu strict validation")
}

// TestPDFFontRoutes draws the same documents through every font route: the
// words, where they sit, and the pages must not depend on the route, and
// every route embeds its fonts.
func TestPDFFontRoutes(t *testing.T) {
	docs := []struct {
		name string
		view func() *view
	}{
		{"invoice", func() *view { return pdfTInvoice(30) }},
		{"notice", pdfTNotice},
	}
	routes := []struct {
		name    string
		route   fontRoute
		fontTyp string
	}{
		{"simple", routeSimple, "TrueType"},
		{"utf8 subset", routeUTF8Subset, "CID TrueType"},
		{"utf8 full", routeUTF8Full, "CID TrueType"},
	}
	for _, doc := range docs {
		t.Run(doc.name, func(t *testing.T) {
			var want [][]pdfWord
			for _, rt := range routes {
				t.Run(rt.name, func(t *testing.T) {
					th := pdfTTheme(t, nil)
					th.pdfTuning.route = rt.route
					out := mustDrawPDF(t, th, doc.view())
					pdfTValidate(t, out)
					fonts := pdfFontList(t, out)
					require.Len(t, fonts, 3, "body regular and bold, heading bold")
					for _, f := range fonts {
						assert.Equal(t, rt.fontTyp, f.typ, f.name)
						assert.True(t, f.embedded, f.name)
						if rt.route == routeSimple {
							assert.Equal(t, "Custom", f.enc, f.name)
							assert.Regexp(t, `^[A-Z]{6}\+Noto(Sans|Serif)-(Regular|Bold)$`, f.name)
						}
					}
					words := pdfWords(t, out)
					if want == nil {
						want = words
						return
					}
					require.Len(t, words, len(want), "pages")
					for p := range want {
						require.Len(t, words[p], len(want[p]), "words on page %d", p+1)
						for i, w := range want[p] {
							got := words[p][i]
							assert.Equal(t, w.text, got.text, "page %d word %d", p+1, i)
							assert.InDelta(t, w.xMin, got.xMin, 0.01, "page %d %q", p+1, w.text)
							assert.InDelta(t, w.xMax, got.xMax, 0.01, "page %d %q", p+1, w.text)
							assert.InDelta(t, w.yMin, got.yMin, 0.01, "page %d %q", p+1, w.text)
						}
					}
				})
			}
		})
	}
}

// TestPDFManyRunesFallback draws a document whose body needs more runes than
// a single-byte font holds: the body faces take the UTF-8 route, the
// heading face stays a simple font, and all the text reads back.
func TestPDFManyRunesFallback(t *testing.T) {
	var greek, cyrillic, latin []rune
	for r := rune(0x3B1); r <= 0x3C9; r++ { // α-ω
		if r != 'ς' { // final sigma has no capital
			greek = append(greek, r, r-0x20)
		}
	}
	for r := rune(0x430); r <= 0x44F; r++ { // а-я
		cyrillic = append(cyrillic, r, r-0x20)
	}
	for r := rune(0x100); r <= 0x17F; r++ { // Latin Extended-A
		latin = append(latin, r)
	}
	lines := []string{string(greek[:30]), string(greek[30:]), string(cyrillic[:32]), string(cyrillic[32:]), string(latin[:64]), string(latin[64:])}
	v := pdfTInvoice(3)
	v.Title = "Τιμολόγιο"
	v.Body = nil
	for _, l := range lines {
		v.Body = append(v.Body, block{Kind: blockParagraph, Inlines: pdfPlain(l)})
	}
	v.Body = append(v.Body, block{Kind: blockHeading, Level: 2, Inlines: pdfPlain("Σημειώσεις")})
	require.Greater(t, len(pdfDocumentRunes(v).all), fonts.MaxSimpleRunes)

	th := pdfTTheme(t, nil)
	out := mustDrawPDF(t, th, v)
	pdfTValidate(t, out)
	types := map[string]string{}
	for _, f := range pdfFontList(t, out) {
		assert.True(t, f.embedded, f.name)
		types[f.typ] = f.name
	}
	assert.Contains(t, types, "CID TrueType", "the body faces take the UTF-8 route")
	assert.Contains(t, types, "TrueType", "the heading face stays a simple font")
	all := pdfSquash(strings.Join(pdfPages(t, out), "\n"))
	for _, want := range append(lines, "Τιμολόγιο", "Σημειώσεις", "Total due € 2,377.62", "Page 1 of 2", "Page 2 of 2") {
		assert.Contains(t, all, want)
	}
}

// TestPDFWriter checks that the writer encodes text for the font set now,
// records text outside the font's set, and keeps the encoding in step
// across page breaks, whose header and footer change fonts.
func TestPDFWriter(t *testing.T) {
	th := pdfTTheme(t, nil)
	v := &view{Title: "Ab", Brand: "B", Recipient: []string{"Łódź 12"}, PageLabel: "{page}/{pages}"}
	w, err := (&Renderer{kit: th.kit, theme: th}).newPDFWriter(v, routeSimple, scopeDrawn)
	require.NoError(t, err)
	body, head := pdfFontKey{"NotoSans", ""}, pdfFontKey{"NotoSerif", "B"}
	require.Contains(t, w.simple, body)
	require.Contains(t, w.simple, head)

	tests := []struct {
		name   string
		font   pdfFontKey
		text   string
		missed bool
	}{
		{"ascii and the page alias", body, "page 12/{nb}", false},
		{"polish", body, "Łódź", false},
		{"literals", body, "• … · \u00a0", false},
		{"heading", head, "Ab B", false},
		{"heading lacks body text", head, "Łódź", true},
		{"body lacks a rune", body, "Ωmega", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.missed = ""
			w.SetFont(tt.font.family, tt.font.style, 10)
			sf := w.simple[tt.font]
			assert.Equal(t, sf.Encode(tt.text), w.encode(tt.text))
			assert.InDelta(t, w.f.GetStringWidth(sf.Encode(tt.text)), w.GetStringWidth(tt.text), 1e-9)
			if tt.missed {
				assert.Equal(t, tt.text, w.missed)
			} else {
				assert.Empty(t, w.missed)
			}
		})
	}

	// The footer switches to the heading font; the page break must leave the
	// body font's encoding in place, as fpdf selects the body font again.
	w.SetFont(body.family, body.style, 10)
	w.SetFooterFunc(func() { w.SetFont(head.family, head.style, 8) })
	w.AddPage()
	w.AddPage()
	assert.Equal(t, body, w.key)
	assert.Same(t, w.simple[body], w.enc)
}

func TestPDFDocumentRunes(t *testing.T) {
	v := pdfTNotice()
	sets := pdfDocumentRunes(v)
	for name, set := range map[string][]rune{"all": sets.all, "heading": sets.heading} {
		assert.True(t, slices.IsSorted(set), name)
		assert.Len(t, slices.Compact(slices.Clone(set)), len(set), "%s: distinct", name)
	}
	has := func(set []rune, s string) bool {
		for _, r := range s {
			if _, ok := slices.BinarySearch(set, r); !ok {
				return false
			}
		}
		return true
	}
	for _, s := range []string{pdfLiterals, "0123456789{nb}", "Changes to your subscription", "€18.00", "https://harbour.example/account/subscription"} {
		assert.True(t, has(sets.all, s), "all: %q", s)
	}
	// The heading family draws the title, the brand and the headings only.
	for _, s := range []string{"Changes to your subscription", "Harbour Coffee", "What changes", "Questions?"} {
		assert.True(t, has(sets.heading, s), "heading: %q", s)
	}
	assert.False(t, has(sets.heading, "€"), "the heading set holds only what headings draw")
}

// TestPDFFontCache checks that documents share SimpleFonts through the
// theme's cache, that the cache stays bounded, and that it changes no byte.
func TestPDFFontCache(t *testing.T) {
	th := pdfTTheme(t, nil)
	v := pdfTInvoice(5)
	a := mustDrawPDF(t, th, v)
	n := th.pdf.simple.order.Len()
	assert.Equal(t, 3, n, "one font per face")
	b := mustDrawPDF(t, th, v)
	assert.Equal(t, n, th.pdf.simple.order.Len(), "the second document hits the cache")
	assert.Equal(t, a, b)

	cold := pdfTTheme(t, nil)
	cold.pdfTuning.noFontCache = true
	assert.Equal(t, a, mustDrawPDF(t, cold, v), "the cache changes no byte")
	assert.Zero(t, cold.pdf.simple.order.Len())

	faces, err := th.pdfFaces()
	require.NoError(t, err)
	for i := range simpleFontCacheSize + 10 {
		_, err := th.simpleFont(faces[0], []rune{'a', rune('A' + i)})
		require.NoError(t, err)
	}
	assert.Equal(t, simpleFontCacheSize, th.pdf.simple.order.Len())
	assert.Len(t, th.pdf.simple.entries, simpleFontCacheSize)
}

// TestPDFLogoPrepared checks the logo's preparation: composed onto the
// colour under it, scaled to logoDPI at its drawn size, indexed, without an
// alpha mask, and the same however often it is drawn.
func TestPDFLogoPrepared(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*brandkits.Kit)
		under func(*theme) rgb
	}{
		{"band", nil, func(th *theme) rgb { return th.primary }},
		{"minimal", func(k *brandkits.Kit) { k.Layout.Header.Style = "minimal" }, func(th *theme) rgb { return th.background }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := pdfTTheme(t, tt.edit)
			th.kit.Logo = pdfTLogo(t, rgb{0xc2, 0x41, 0x0c})
			th.kit.Layout.Header.LogoWidth = 10 // 118 px at 300 dpi: the 60 px logo stays as it is
			out := mustDrawPDF(t, th, pdfTInvoice(2))
			s := string(out)
			assert.Contains(t, s, "/ColorSpace [/Indexed /DeviceRGB")
			assert.NotContains(t, s, "/SMask", "no alpha channel left")
			pl := th.pdfLogo(th.kit.Logo, 10)
			img, err := png.Decode(bytes.NewReader(pl.data))
			require.NoError(t, err)
			assert.Equal(t, 60, img.Bounds().Dx())
			// The corner was transparent: it is now the colour under the logo.
			r, g, b, _ := img.At(0, 0).RGBA()
			want := tt.under(th)
			assert.Equal(t, want, rgb{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)})
			assert.Same(t, pl, th.pdfLogo(th.kit.Logo, 10), "prepared once per size")

			// Smaller than the file: scaled down to 300 dpi.
			small := th.pdfLogo(th.kit.Logo, 2.54)
			img, err = png.Decode(bytes.NewReader(small.data))
			require.NoError(t, err)
			assert.Equal(t, 30, img.Bounds().Dx())

			// The kit's file as it is, for the benchmarks' earlier steps.
			th2 := pdfTTheme(t, tt.edit)
			th2.pdfTuning.kitLogo = true
			assert.Contains(t, string(mustDrawPDF(t, th2, pdfTInvoice(2))), "/SMask")
		})
	}
}

func TestPaletted(t *testing.T) {
	flat := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			c := color.RGBA{0x1f, 0x3a, 0x5f, 255}
			if x > 20 {
				c = color.RGBA{0xff, 0xff, 0xff, 255}
			}
			flat.SetRGBA(x, y, c)
		}
	}
	noise := image.NewRGBA(image.Rect(0, 0, 64, 64))
	seed := uint32(1)
	for i := range noise.Pix {
		seed = seed*1664525 + 1013904223
		noise.Pix[i] = byte(seed >> 24)
		if i%4 == 3 {
			noise.Pix[i] = 255
		}
	}
	tests := []struct {
		name  string
		img   *image.RGBA
		exact bool // nil means not indexed
		ok    bool
	}{
		{"two colours stay exact", flat, true, true},
		{"noise keeps its colours", noise, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paletted(tt.img)
			if !tt.ok {
				assert.Nil(t, p)
				return
			}
			require.NotNil(t, p)
			assert.LessOrEqual(t, len(p.Palette), 256)
			for y := range tt.img.Bounds().Dy() {
				for x := range tt.img.Bounds().Dx() {
					assert.Equal(t, tt.img.RGBAAt(x, y), p.Palette[p.ColorIndexAt(x, y)])
				}
			}
		})
	}
}

// TestPDFConcurrent renders from several goroutines with one Renderer, as a
// billing run does: the theme's shared font and logo state must give every
// document the bytes it gets alone (run with -race).
func TestPDFConcurrent(t *testing.T) {
	th := pdfTTheme(t, nil)
	r := &Renderer{kit: th.kit, theme: th}
	views := []*view{pdfTInvoice(3), pdfTInvoice(40), pdfTNotice()}
	want := make([][]byte, len(views))
	for i, v := range views {
		want[i] = mustDrawPDF(t, pdfTTheme(t, nil), v)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(views))
	for range 4 {
		for i, v := range views {
			wg.Go(func() {
				got, err := r.pdf(v)
				if err == nil && !bytes.Equal(got, want[i]) {
					err = fmt.Errorf("view %d: bytes differ from a lone render", i)
				}
				if err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRuneSet(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []rune
	}{
		{"empty", nil, []rune{}},
		{"sorted and distinct", []string{"cba", "abc"}, []rune{'a', 'b', 'c'}},
		{"word boundaries of the bitmap", []string{"\u003f\u0040\u007f\u0080"}, []rune{0x3f, 0x40, 0x7f, 0x80}},
		{"beyond the BMP last", []string{"😀a", "\U0001F600\U00010000\uffff"}, []rune{'a', 0xffff, 0x10000, 0x1F600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s runeSet
			for _, str := range tt.in {
				s.addString(str)
			}
			assert.Equal(t, tt.want, s.runes())
		})
	}
}

// TestCompressStreams checks that compressing the streams after fpdf gives
// the very bytes fpdf's own compression gives, for documents with one page
// and many, a logo palette and links.
func TestCompressStreams(t *testing.T) {
	tests := []struct {
		name string
		view *view
		edit func(*brandkits.Kit)
	}{
		{"invoice, 60 rows", pdfTInvoice(60), nil},
		{"notice with links", pdfTNotice(), nil},
		{"no logo", pdfTInvoice(2), func(k *brandkits.Kit) { k.Logo = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Told to compress every stream, as fpdf does, compressStreams
			// gives fpdf's bytes.
			saved := minCompressedStream
			minCompressedStream = 0
			all := mustDrawPDF(t, pdfTTheme(t, tt.edit), tt.view)
			minCompressedStream = saved
			th := pdfTTheme(t, tt.edit)
			th.pdfTuning.fpdfCompression = true
			// Not assert.Equal: a failure would print two whole PDFs.
			assert.True(t, bytes.Equal(mustDrawPDF(t, th, tt.view), all), "same bytes as fpdf's compression")
			assert.NotRegexp(t, `<</Length \d+>>\nstream`, string(all), "every such stream compressed")

			// By default, streams under minCompressedStream stay as they are.
			ours := mustDrawPDF(t, pdfTTheme(t, tt.edit), tt.view)
			assert.Less(t, len(ours), len(all)+64, "hardly larger")
			for _, m := range regexp.MustCompile(`<</Length (\d+)>>\nstream`).FindAllStringSubmatch(string(ours), -1) {
				n, err := strconv.Atoi(m[1])
				require.NoError(t, err)
				assert.Less(t, n, minCompressedStream, "a plain stream of %d bytes", n)
			}
			pdfTValidate(t, ours)
			assert.Equal(t, pdfPages(t, all), pdfPages(t, ours), "the same text")
		})
	}

	bad := []struct {
		name string
		pdf  string
	}{
		{"no trailer", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"},
		{"bad startxref", "%PDF-1.4\n\nstartxref\nabc\n%%EOF\n"},
		{"short xref", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 5\n0000000000 65535 f \n\nstartxref\n30\n%%EOF\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compressStreams([]byte(tt.pdf))
			assert.Error(t, err)
		})
	}
}

// pdfTPaint is what a page's content stream paints in which colour, colours
// written as fpdf writes them ("0.122 0.227 0.373", greys expanded).
type pdfTPaint struct {
	text    map[string]string // text shown -> its colour
	strokes map[string]bool   // colours of stroked lines
	fills   map[string]int    // how many rectangles and paths are filled in each colour
}

var (
	pdfTColourRE = regexp.MustCompile(`^([\d.]+)(?: ([\d.]+) ([\d.]+))? (rg|g|RG|G)$`)
	pdfTTextRE   = regexp.MustCompile(`^(?:q ([\d. ]+?) (rg|g) )?BT [\d.-]+ [\d.-]+ Td \((.*)\) Tj ET(?: Q)?$`)
)

// pdfTPaintOf reads the colours of pdf's page content: text in a "q … rg BT
// … ET Q" group takes that colour, other text the fill colour, as fpdf
// writes them.
func pdfTPaintOf(t testing.TB, pdf []byte) pdfTPaint {
	t.Helper()
	p := pdfTPaint{text: map[string]string{}, strokes: map[string]bool{}, fills: map[string]int{}}
	colour := func(m []string) string {
		if m[2] == "" {
			return m[1] + " " + m[1] + " " + m[1]
		}
		return m[1] + " " + m[2] + " " + m[3]
	}
	var fill, stroke string
	for _, stream := range smpInflatedStreams(t, pdf) {
		for line := range strings.SplitSeq(string(stream), "\n") {
			line = strings.TrimSpace(line)
			if m := pdfTColourRE.FindStringSubmatch(line); m != nil {
				if strings.ToUpper(m[4]) == m[4] {
					stroke = colour(m[:4])
				} else {
					fill = colour(m[:4])
				}
				continue
			}
			if m := pdfTTextRE.FindStringSubmatch(line); m != nil {
				c := fill
				if m[1] != "" {
					f := strings.Fields(m[1])
					c = colour(append([]string{""}, append(f, "", "")[:3]...))
				}
				p.text[m[3]] = c
				continue
			}
			switch {
			case strings.HasSuffix(line, " S"):
				p.strokes[stroke] = true
			case line == "f" || strings.HasSuffix(line, " re f"):
				p.fills[fill]++
			}
		}
	}
	return p
}

// TestPDFColoursMatchHTML holds the PDF to the HTML's colours: links (text
// and underline) in the primary colour, the call-to-action button filled with
// it under white or the text colour (textOn), and the accent only as a
// decoration: the bar under the title and the quote border.
func TestPDFColoursMatchHTML(t *testing.T) {
	th := pdfTTheme(t, nil)
	col := func(c rgb) string {
		return fmt.Sprintf("%.3f %.3f %.3f", float64(c.R)/255, float64(c.G)/255, float64(c.B)/255)
	}
	primary, accent := col(th.primary), col(th.accent)
	notice := func(body string) *view {
		v := pdfTNotice()
		v.Body = parseMarkdown(body)
		return v
	}

	p := pdfTPaintOf(t, mustDrawPDF(t, th, notice("See [your account](https://harbour.example/account) for details.")))
	assert.Equal(t, primary, p.text["your account"], "link text")
	assert.Equal(t, primary, p.text["https://harbour.example/account/subscription"], "the button's address under it, a link")
	assert.True(t, p.strokes[primary], "link underlines in the primary colour")
	assert.Equal(t, col(textOn(th.primary, th.text)), p.text["Review your subscription"], "button label: the HTML's text colour on primary")
	assert.False(t, p.strokes[accent], "the accent colour draws no links")
	assert.Equal(t, 1, p.fills[accent], "the accent colour fills the bar under the title, not the button")
	for text, c := range p.text {
		assert.NotEqual(t, accent, c, "text %q in the accent colour", text)
	}

	p = pdfTPaintOf(t, mustDrawPDF(t, th, notice("> Prices include VAT at the standard rate.")))
	assert.Greater(t, p.fills[accent], 1, "quote border filled with the accent, besides the bar under the title")
	assert.Equal(t, col(th.muted), p.text["Prices include VAT at the standard rate."], "quote text")
	assert.False(t, p.strokes[accent], "no rules or underlines in the accent colour")
}

// TestPDFSampleOnePage keeps the sample README's promise: invoice-onepage
// with its kit from samples/pairs.json fits on one page. The roastery
// layout leaves room for about four single-line rows with the totals, the
// payment panel, a one-line note and the sign-off, so a longer sample spills
// onto a second page and fails here.
func TestPDFSampleOnePage(t *testing.T) {
	pairs, err := samples.Pairs()
	require.NoError(t, err)
	i := slices.IndexFunc(pairs, func(p samples.Pair) bool { return p.Document == "invoice-onepage.json" })
	require.GreaterOrEqual(t, i, 0, "invoice-onepage.json in samples/pairs.json")
	s, err := smpRender(pairs[i])
	require.NoError(t, err)
	api.DisableConfigDir()
	n, err := api.PageCount(bytes.NewReader(s.out.PDF), model.NewDefaultConfiguration())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "%s with kit %s: pages", pairs[i].Document, pairs[i].Kit)
}
