package render

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// htmlWidth is the email's content width in px: the common safe maximum for
// email clients, and close to an A4 page's proportions at screen size.
const htmlWidth = 680

// htmlPad is the horizontal padding inside the card, px.
const htmlPad = 44

//go:embed templates/*.tmpl
var templateFS embed.FS

// htmlTemplates is parsed once, so that a broken template fails at start-up,
// not per document. It is never executed itself: each kit executes a clone
// that adds the kit's styles as static text (see newHTMLKitTemplate), and
// html/template cannot clone a template once it has run.
var htmlTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"scope":     func(p *htmlPage, v any) htmlScope { return htmlScope{P: p, V: v} },
	"htmlWidth": func() int { return htmlWidth },
}).ParseFS(templateFS, "templates/*.tmpl"))

// htmlScope carries the page into a sub-template along with the part it
// draws, since a sub-template sees only its one argument.
type htmlScope struct {
	P *htmlPage
	V any
}

// htmlBuffers holds the buffers pages are executed into, so that a document
// does not grow a new one from nothing; the bytes handed back are a copy of
// exactly the page's size.
var htmlBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// htmlMaxPooled is the largest buffer kept for reuse, so that one huge
// document does not pin its buffer for good.
const htmlMaxPooled = 4 << 20

// html renders v as one self-contained HTML email: inline styles, table layout,
// logo as a data URI, nothing fetched.
func (r *Renderer) html(v *view) ([]byte, error) {
	k, err := htmlKitOf(r.theme)
	if err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	buf := htmlBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= htmlMaxPooled {
			buf.Reset()
			htmlBuffers.Put(buf)
		}
	}()
	p := newHTMLPage(k, v)
	if p.PayCode, err = newHTMLPayCode(v.PayCode); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	if err := k.page.Execute(buf, p); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// htmlPage is everything the template needs that varies by document: the view
// for the words, and the table, totals and body worked out from it. What
// depends on the kit alone (styles, colours, the logo's data URI) is static
// text in the kit's template instead; view text always goes through the
// template's escaping.
type htmlPage struct {
	V      *view
	Title  string
	Logo   *htmlLogo
	Header htmlHeader
	Table  *htmlTable
	Body   []htmlBlock
	// PayCode is the payment QR code beside the payment details; nil
	// without one.
	PayCode *htmlPayCode
}

// htmlColors are colours for bgcolor attributes, which Outlook honours where it
// ignores CSS backgrounds. Each becomes the kit template's "C.<field>".
type htmlColors struct {
	Canvas, Background, Primary, Tint, Zebra string
}

// htmlLogo is the logo's display width in px and its alt text; its src,
// width and height attributes are the kit template's "LogoAttrs".
type htmlLogo struct {
	Width int
	Alt   string
}

// htmlHeader is the header's style and where the logo goes.
type htmlHeader struct {
	Style string // band, minimal or centered
	Align string // left, right or center
}

// htmlTable is the invoice table with what picks each cell's style worked
// out (alignment, zebra, last row), which keeps the template free of logic.
type htmlTable struct {
	Cols []htmlCell
	Rows []htmlRow
}

// htmlRow is one table row; Zebra rows get the zebra bgcolor.
type htmlRow struct {
	Zebra bool
	Cells []htmlCell
}

// htmlCell is one table cell. Left-aligned cells hold text that may break
// inside long words on narrow screens; right-aligned ones amounts.
type htmlCell struct {
	Text               string
	Width              string // header cells: "35%"
	Right, Last, Zebra bool
}

// htmlBlock is a markdown block reduced to an element name and its content.
type htmlBlock struct {
	Tag    string // p, h2, h3, h4, ul, ol, table, code, hr, blockquote
	Runs   []htmlRun
	Items  [][]htmlRun
	Start  int
	Header []htmlInlineCell
	Rows   [][]htmlInlineCell
}

// htmlRun is an inline run of text. A run with hard breaks (kept by the
// markdown as "\n", which HTML would otherwise show as spaces) has them split
// out into Lines, which the template joins with <br>. Plain runs (no link,
// style or break), most of them, take the template's shortest path.
type htmlRun struct {
	Text               string
	Lines              []string
	URL                string
	Bold, Italic, Code bool
	Plain              bool
}

// htmlInlineCell is a markdown table cell.
type htmlInlineCell struct {
	Runs  []htmlRun
	Right bool
}

// htmlStyles are the inline styles of every kind of element whose style
// depends on the kit alone. Each becomes the kit template's "S.<field>".
type htmlStyles struct {
	Body, Outer, Card                   template.CSS
	Band, Minimal, Centered             template.CSS
	Brand, BrandOnBand, BrandInfo       template.CSS
	BrandInfoOnBand, Logo               template.CSS
	Content, Sender, Recipient          template.CSS
	InfoLabel, InfoValue                template.CSS
	Title, Subtitle, AccentBar          template.CSS
	Greeting, P, Intro                  template.CSS
	Table                               template.CSS
	TotalsTable, TaxNote, PayBy         template.CSS
	PayBox, PayLabel, PayValue          template.CSS
	PayCode, PayCodeImg, PayCaption     template.CSS
	H2, H3, H4, List, Li, Hr, Quote     template.CSS
	Code, CodeBlock, Link, MdTable      template.CSS
	FactsTable, FactLabel, FactValue    template.CSS
	ButtonCell, Button                  template.CSS
	SignOff, Signature, Footer, FootRow template.CSS
}

// newHTMLPage works out the page model for v with kit state k.
func newHTMLPage(k *htmlKit, v *view) *htmlPage {
	p := &htmlPage{V: v, Title: v.Meta.Title, Header: k.header}
	if p.Title == "" {
		p.Title = v.Title
	}
	if k.logo {
		p.Logo = &htmlLogo{Width: k.logoWidth, Alt: v.Brand}
	}
	p.Table = newHTMLTable(v.Table, k.zebra)
	p.Body = newHTMLBlocks(v.Body)
	return p
}

// htmlOptions are the kit's layout and typography options with defaults filled
// in, in px for the screen.
type htmlOptions struct {
	header, logoPos, rules string
	zebra                  bool
	logoMM                 float64
	body, title, small     int // font sizes, px
	table                  int
	lineHeight             float64
	headingFont, bodyFont  string
}

// htmlOptionsOf reads th's kit; a missing or unknown option gets a default
// (band header, logo left, horizontal rules), so a half-filled kit still draws.
func htmlOptionsOf(th *theme) htmlOptions {
	o := htmlOptions{header: "band", logoPos: "left", rules: "horizontal", logoMM: 40, lineHeight: 1.5}
	base, heading, small := 10.0, 20.0, 8.0
	if k := th.kit; k != nil {
		l, t := k.Layout, k.Typography
		o.header = htmlOneOf(l.Header.Style, o.header, "band", "minimal", "centered")
		o.logoPos = htmlOneOf(l.Header.LogoPosition, o.logoPos, "left", "right", "center")
		o.rules = htmlOneOf(l.Table.Rules, o.rules, "none", "horizontal", "grid")
		o.zebra = l.Table.Zebra
		if l.Header.LogoWidth > 0 {
			o.logoMM = l.Header.LogoWidth
		}
		if t.BaseSize > 0 {
			base = t.BaseSize
		}
		if t.HeadingSize > 0 {
			heading = t.HeadingSize
		}
		if t.SmallSize > 0 {
			small = t.SmallSize
		}
		if t.LineHeight >= 1 && t.LineHeight <= 2 {
			o.lineHeight = t.LineHeight
		}
	}
	// Print sizes read small on screens; 1.5 px per pt gives the usual 15 px
	// email body for a 10 pt letter while keeping the kit's proportions.
	o.body = htmlClamp(int(math.Round(base*1.5)), 14, 18)
	o.title = htmlClamp(int(math.Round(heading*1.4)), 22, 36)
	o.small = htmlClamp(int(math.Round(small*1.5)), 11, 14)
	o.table = htmlClamp(o.body-1, 13, 17)
	o.headingFont = cssFontStack(th.heading.Name)
	o.bodyFont = cssFontStack(th.body.Name)
	return o
}

// htmlOneOf returns s when it is one of allowed, else def.
func htmlOneOf(s, def string, allowed ...string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	return def
}

// htmlClamp limits n to [lo, hi].
func htmlClamp(n, lo, hi int) int { return max(lo, min(n, hi)) }

// htmlPalette is the theme's colours as hex, plus tints derived from them so the
// page has soft surfaces without the kit having to name them.
type htmlPalette struct {
	primary, accent, text, muted, background string
	onPrimary                                string // text on a primary background
	canvas, rule, zebra, tint, tintRule      string
}

// newHTMLPalette derives the page's colours from th.
func newHTMLPalette(th *theme) htmlPalette {
	return htmlPalette{
		primary:    th.primary.hex(),
		accent:     th.accent.hex(),
		text:       th.text.hex(),
		muted:      th.muted.hex(),
		background: th.background.hex(),
		onPrimary:  textOn(th.primary, th.text).hex(),
		canvas:     mixRGB(th.background, th.muted, 0.1).hex(),
		rule:       mixRGB(th.background, th.muted, 0.28).hex(),
		zebra:      mixRGB(th.background, th.primary, 0.045).hex(),
		tint:       mixRGB(th.background, th.primary, 0.06).hex(),
		tintRule:   mixRGB(th.background, th.primary, 0.18).hex(),
	}
}

// mixRGB blends a towards b by t (0 gives a, 1 gives b).
func mixRGB(a, b rgb, t float64) rgb {
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return rgb{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B)}
}

// relLuminance is c's WCAG relative luminance.
func (c rgb) relLuminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrastRatio is the WCAG contrast ratio of a and b.
func contrastRatio(a, b rgb) float64 {
	la, lb := a.relLuminance(), b.relLuminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// textOn picks white or the text colour for text drawn on bg, whichever reads
// better, so a pale primary still gets a legible header.
func textOn(bg, text rgb) rgb {
	white := rgb{255, 255, 255}
	if contrastRatio(bg, white) >= contrastRatio(bg, text) {
		return white
	}
	return text
}

// cssFontStack turns a kit font name into a CSS font-family list: the family as
// installed ("Noto Serif" for "NotoSerif"), then email-safe fallbacks of the
// same kind. Names are reduced to letters, digits, spaces and hyphens first, so
// nothing from a kit can break out of the style attribute.
func cssFontStack(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	fallback := "'Helvetica Neue', Helvetica, Arial, sans-serif"
	lower := strings.ToLower(name)
	switch {
	case strings.Contains(lower, "mono") || strings.Contains(lower, "code"):
		fallback = "Menlo, Consolas, 'Courier New', monospace"
	case strings.Contains(lower, "serif") && !strings.Contains(lower, "sans"):
		fallback = "Georgia, 'Times New Roman', serif"
	}
	if name == "" {
		return fallback
	}
	var names []string
	if spaced := splitCamel(name); spaced != name {
		names = append(names, "'"+spaced+"'")
	}
	names = append(names, "'"+name+"'")
	return strings.Join(names, ", ") + ", " + fallback
}

// splitCamel spaces a PostScript-style family name: "NotoSerif" becomes
// "Noto Serif", "IBMPlexSans" becomes "IBM Plex Sans". Names with spaces are
// left alone.
func splitCamel(s string) string {
	if strings.ContainsAny(s, " -_") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte(' ')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cssJoin joins declarations into one style attribute value.
func cssJoin(decls ...string) template.CSS { return template.CSS(strings.Join(decls, ";")) }

// cssPx formats n pixels.
func cssPx(n int) string { return strconv.Itoa(n) + "px" }

// newHTMLStyles works out every element's inline style from the kit.
func newHTMLStyles(o htmlOptions, c htmlPalette) htmlStyles {
	lh := func(size int) string { return "line-height:" + cssPx(int(math.Round(float64(size)*o.lineHeight))) }
	bodyFont := "font-family:" + o.bodyFont
	headFont := "font-family:" + o.headingFont
	size := func(n int) string { return "font-size:" + cssPx(n) }
	col := func(h string) string { return "color:" + h }
	text := []string{bodyFont, size(o.body), lh(o.body), col(c.text)}
	small := []string{bodyFont, size(o.small), lh(o.small), col(c.muted)}
	para := append(append([]string{}, text...), "margin:0 0 14px 0")
	heading := func(n int, top int) template.CSS {
		return cssJoin(headFont, size(n), lh(n), col(c.text), "font-weight:bold", "margin:"+cssPx(top)+" 0 8px 0")
	}
	return htmlStyles{
		Body:  cssJoin("margin:0", "padding:0", "background-color:"+c.canvas, "-webkit-text-size-adjust:100%", "text-size-adjust:100%"),
		Outer: cssJoin("padding:32px 12px", "background-color:"+c.canvas),
		Card: cssJoin("width:100%", "max-width:"+cssPx(htmlWidth), "background-color:"+c.background,
			"border:1px solid "+c.rule, "border-radius:6px", "border-collapse:separate", "overflow:hidden"),
		Band:     cssJoin("padding:30px "+cssPx(htmlPad), "background-color:"+c.primary),
		Minimal:  cssJoin("padding:32px "+cssPx(htmlPad)+" 20px "+cssPx(htmlPad), "border-bottom:2px solid "+c.primary),
		Centered: cssJoin("padding:36px "+cssPx(htmlPad)+" 22px "+cssPx(htmlPad), "border-bottom:1px solid "+c.rule),
		Brand: cssJoin(headFont, size(o.body+5), lh(o.body+5), "font-weight:bold", col(c.primary),
			"letter-spacing:0.2px", "margin:0"),
		BrandOnBand: cssJoin(headFont, size(o.body+5), lh(o.body+5), "font-weight:bold", col(c.onPrimary),
			"letter-spacing:0.2px", "margin:0"),
		BrandInfo:       cssJoin(append(small, "margin:0")...),
		BrandInfoOnBand: cssJoin(bodyFont, size(o.small), lh(o.small), col(c.onPrimary), "opacity:0.85", "margin:0"),
		Logo:            cssJoin("display:block", "border:0", "outline:none", "text-decoration:none", "height:auto"),
		Content:         cssJoin("padding:34px "+cssPx(htmlPad)+" 36px "+cssPx(htmlPad), bodyFont, col(c.text)),
		Sender: cssJoin(bodyFont, size(o.small-1), lh(o.small), col(c.muted),
			"padding-bottom:6px", "margin-bottom:8px", "border-bottom:1px solid "+c.rule),
		Recipient: cssJoin(text...),
		InfoLabel: cssJoin(bodyFont, size(o.small), lh(o.body), col(c.muted), "padding:1px 14px 1px 0", "white-space:nowrap", "vertical-align:top"),
		InfoValue: cssJoin(bodyFont, size(o.small+1), lh(o.body), col(c.text), "padding:1px 0", "text-align:right", "vertical-align:top", "font-weight:bold"),
		Title:     cssJoin(headFont, size(o.title), "line-height:"+cssPx(int(math.Round(float64(o.title)*1.2))), col(c.text), "font-weight:bold", "margin:34px 0 0 0", "letter-spacing:-0.2px"),
		Subtitle:  cssJoin(bodyFont, size(o.body+1), lh(o.body+1), col(c.muted), "margin:4px 0 0 0"),
		AccentBar: cssJoin("width:48px", "height:3px", "font-size:0", "line-height:3px", "background-color:"+c.accent, "margin:14px 0 26px 0"),
		Greeting:  cssJoin(para...),
		P:         cssJoin(para...),
		Intro:     cssJoin(para...),
		Table: cssJoin("width:100%", "border-collapse:collapse", "margin:10px 0 0 0",
			htmlBorderIf(o.rules == "grid", "border:1px solid "+c.rule)),
		TotalsTable: cssJoin("border-collapse:collapse", "margin:6px 0 0 0"),
		TaxNote:     cssJoin(append(small, "margin:18px 0 0 0")...),
		PayBy:       cssJoin(append(text, "margin:26px 0 12px 0", "font-weight:bold")...),
		PayBox: cssJoin("width:100%", "border-collapse:separate", "background-color:"+c.tint,
			"border-left:3px solid "+c.primary, "border-radius:4px", "margin:0 0 18px 0"),
		PayLabel: cssJoin(bodyFont, size(o.small), lh(o.body), col(c.muted), "padding:3px 16px 3px 0", "white-space:nowrap", "vertical-align:top"),
		PayValue: cssJoin(bodyFont, size(o.table), lh(o.body), col(c.text), "padding:3px 0", "vertical-align:top"),
		H2:       heading(o.body+6, 26),
		H3:       heading(o.body+3, 22),
		H4:       heading(o.body+1, 18),
		List:     cssJoin(append(text, "margin:0 0 14px 0", "padding:0 0 0 24px")...),
		Li:       cssJoin("margin:0 0 4px 0"),
		Hr:       cssJoin("border:0", "border-top:1px solid "+c.rule, "height:0", "margin:22px 0"),
		Quote: cssJoin(append(text, "margin:0 0 14px 0", "padding:2px 0 2px 16px", "border-left:3px solid "+c.accent,
			col(c.muted))...),
		Code: cssJoin("font-family:Menlo, Consolas, 'Courier New', monospace", "font-size:0.9em",
			"background-color:"+c.tint, "padding:1px 4px", "border-radius:3px", "white-space:pre-wrap"),
		CodeBlock: cssJoin("font-family:Menlo, Consolas, 'Courier New', monospace", "font-size:"+cssPx(o.table-1),
			"line-height:"+cssPx(int(math.Round(float64(o.table-1)*1.5))), col(c.text), "background-color:"+c.tint,
			"border:1px solid "+c.tintRule, "border-radius:4px", "padding:12px 14px", "margin:0 0 14px 0",
			"white-space:pre-wrap", "word-break:break-word"),
		Link:       cssJoin(col(c.primary), "text-decoration:underline"),
		MdTable:    cssJoin("width:100%", "border-collapse:collapse", "margin:4px 0 16px 0"),
		FactsTable: cssJoin("width:100%", "border-collapse:collapse", "margin:20px 0 24px 0", "border-top:2px solid "+c.primary),
		FactLabel: cssJoin(bodyFont, size(o.table), lh(o.body), col(c.muted), "padding:9px 16px 9px 0",
			"border-bottom:1px solid "+c.rule, "vertical-align:top", "width:42%"),
		FactValue: cssJoin(bodyFont, size(o.table), lh(o.body), col(c.text), "padding:9px 0",
			"border-bottom:1px solid "+c.rule, "vertical-align:top", "font-weight:bold"),
		ButtonCell: cssJoin("background-color:"+c.primary, "border-radius:6px"),
		Button: cssJoin("display:inline-block", "padding:14px 30px", headFont, size(o.body+1), "line-height:20px",
			"font-weight:bold", col(c.onPrimary), "text-decoration:none", "border-radius:6px",
			"border:1px solid "+c.primary),
		SignOff:   cssJoin(append(text, "margin:28px 0 4px 0")...),
		Signature: cssJoin(headFont, size(o.body+1), lh(o.body+1), col(c.text), "font-weight:bold", "margin:0"),
		FootRow:   cssJoin("padding:18px "+cssPx(htmlPad)+" 26px "+cssPx(htmlPad), "border-top:1px solid "+c.rule, "background-color:"+c.tint),
		Footer:    cssJoin(bodyFont, size(o.small), lh(o.small+1), col(c.muted), "margin:0", "text-align:center"),
		// The payment code: black on white whatever the panel's tint.
		PayCode: cssJoin("padding:14px 18px 14px 0", "vertical-align:top",
			"text-align:center"),
		PayCodeImg: cssJoin("display:block", "border:0", "outline:none", "margin:0 auto", "background-color:#ffffff",
			"width:"+cssPx(htmlPayCodeSize), "height:"+cssPx(htmlPayCodeSize)),
		PayCaption: cssJoin(bodyFont, size(o.small), lh(o.small), col(c.muted),
			"margin:6px 0 0 0", "text-align:center"),
	}
}

// htmlBorderIf returns decl when on, else a harmless declaration, so cssJoin() never
// gets an empty item.
func htmlBorderIf(on bool, decl string) string {
	if on {
		return decl
	}
	return "border:0"
}

// newHTMLVariantStyles works out the styles of elements whose style depends
// on the document's structure as well as the kit: a column's alignment, a
// row's parity and whether it is the last, whether a total is the strong one.
// Each case becomes a static template named after the key, which the
// templates pick with if: an if costs a document far less than an action.
func newHTMLVariantStyles(o htmlOptions, c htmlPalette, s htmlStyles) map[string]template.CSS {
	out := map[string]template.CSS{}
	font := []string{"font-size:" + cssPx(o.table), "line-height:" + cssPx(int(math.Round(float64(o.table)*1.4)))}
	border := func(last bool) string {
		switch o.rules {
		case "grid":
			return "border:1px solid " + c.rule
		case "horizontal":
			if last {
				return "border-bottom:1px solid " + c.muted
			}
			return "border-bottom:1px solid " + c.rule
		}
		return "border:0"
	}
	hb := "border:0"
	if o.rules == "grid" {
		hb = "border:1px solid " + c.primary
	}
	for _, align := range []string{"left", "right"} {
		textAlign := "text-align:" + align
		out["TH."+align] = cssJoin(append(font[:1:1],
			"line-height:18px", "padding:10px 10px", "font-weight:bold", "color:"+c.onPrimary,
			"background-color:"+c.primary, textAlign, "vertical-align:bottom", hb)...)
		for _, last := range []bool{false, true} {
			for _, zebra := range []bool{false, true} {
				name := "TD." + align
				decls := append(font[:2:2], "padding:10px 10px", "color:"+c.text, textAlign, "vertical-align:top", border(last))
				if align == "right" {
					// Quantities and amounts stay on one line; narrow screens
					// lift this through the "cell" class.
					decls = append(decls, "white-space:nowrap")
				}
				if last {
					name += ".last"
				}
				if zebra {
					name += ".zebra"
					decls = append(decls, "background-color:"+c.zebra)
				}
				out[name] = cssJoin(decls...)
			}
		}
		out["MdTH."+align] = cssJoin(string(s.P), "margin:0",
			"padding:6px 10px 6px 0", "font-weight:bold", "border-bottom:2px solid "+c.rule, textAlign)
		out["MdTD."+align] = cssJoin(string(s.P), "margin:0",
			"padding:6px 10px 6px 0", "border-bottom:1px solid "+c.rule, "vertical-align:top", textAlign)
	}
	// The strong total is bold in the primary colour under a rule, like the PDF.
	for _, strong := range []bool{false, true} {
		name, size, labelColor, valueColor, extra := "Total.", o.table, c.muted, c.text, []string{"padding:5px 10px"}
		if strong {
			name, size, labelColor, valueColor = "Total.strong.", o.body+2, c.primary, c.primary
			extra = []string{"padding:10px 10px 5px 10px", "font-weight:bold", "border-top:2px solid " + c.primary}
		}
		font := []string{"font-size:" + cssPx(size), "line-height:" + cssPx(int(math.Round(float64(size)*1.4)))}
		label := append(append(font[:2:2], "color:"+labelColor, "text-align:left"), extra...)
		value := append(append(font[:2:2], "color:"+valueColor, "text-align:right", "white-space:nowrap"), extra...)
		out[name+"label"], out[name+"value"] = cssJoin(label...), cssJoin(value...)
	}
	return out
}

// newHTMLLogo encodes the kit's logo as a data URI sized like the PDF's and
// returns its attributes as the page's template writes them (escaped by e),
// and its display width; ok is false when there is no logo to show.
func newHTMLLogo(th *theme, o htmlOptions, e *htmlEscaper) (attrs string, width int, ok bool) {
	if th.kit == nil || th.kit.Logo == nil || len(th.kit.Logo.Data) == 0 {
		return "", 0, false
	}
	img := th.kit.Logo
	mime := map[string]string{"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}[strings.ToLower(img.Format)]
	if mime == "" {
		return "", 0, false // only formats every mail client shows
	}
	// Scale millimetres by the ratio of the email's content width to the page's,
	// so the logo takes the same share of the width as on paper.
	perMM := 3.78 // 96 dpi
	if contentMM := th.pageW - th.marginLeft - th.marginRight; contentMM > 0 {
		perMM = float64(htmlWidth-2*htmlPad) / contentMM
	}
	w := htmlClamp(int(math.Round(o.logoMM*perMM)), 24, htmlWidth-2*htmlPad)
	if img.Width > 0 && w > img.Width*2 {
		w = img.Width * 2 // no more than 2x upscaling, which would blur
	}
	h := 0
	if img.Width > 0 && img.Height > 0 {
		h = int(math.Round(float64(w) * float64(img.Height) / float64(img.Width)))
	}
	// template.URL is safe here: the MIME type is from the list above and the
	// rest is base64, which has no characters that could end the attribute.
	src := template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(img.Data))
	return e.logoAttrs(src, w, h), w, true
}

// newHTMLTable lays out t's cells for the template.
func newHTMLTable(t *table, zebra bool) *htmlTable {
	if t == nil || len(t.Columns) == 0 {
		return nil
	}
	ht := &htmlTable{Cols: make([]htmlCell, 0, len(t.Columns)), Rows: make([]htmlRow, 0, len(t.Rows))}
	var total float64
	for _, col := range t.Columns {
		total += col.Width
	}
	for _, col := range t.Columns {
		w := ""
		if total > 0 && col.Width > 0 {
			w = strconv.FormatFloat(math.Round(col.Width/total*1000)/10, 'f', -1, 64) + "%"
		}
		ht.Cols = append(ht.Cols, htmlCell{Text: col.Label, Width: w, Right: col.Align == alignRight})
	}
	for i, row := range t.Rows {
		hr := htmlRow{Zebra: zebra && i%2 == 1, Cells: make([]htmlCell, 0, len(row))}
		last := i == len(t.Rows)-1
		for j, cell := range row {
			right := j < len(t.Columns) && t.Columns[j].Align == alignRight
			hr.Cells = append(hr.Cells, htmlCell{Text: cell, Right: right, Last: last, Zebra: hr.Zebra})
		}
		ht.Rows = append(ht.Rows, hr)
	}
	return ht
}

// newHTMLBlocks maps markdown blocks to elements; headings start at h2 because
// the document title is the page's top heading.
func newHTMLBlocks(blocks []block) []htmlBlock {
	if len(blocks) == 0 {
		return nil
	}
	out := make([]htmlBlock, 0, len(blocks))
	for _, b := range blocks {
		var hb htmlBlock
		switch b.Kind {
		case blockParagraph:
			hb.Tag = "p"
			// A code block arrives as a paragraph of one multi-line code run; it
			// gets a box of its own, as a <pre> would, but wraps long lines.
			if len(b.Inlines) == 1 && b.Inlines[0].Code && strings.Contains(b.Inlines[0].Text, "\n") {
				hb.Tag = "code"
			}
		case blockHeading:
			switch {
			case b.Level <= 1:
				hb.Tag = "h2"
			case b.Level == 2:
				hb.Tag = "h3"
			default:
				hb.Tag = "h4"
			}
		case blockList:
			hb.Tag, hb.Items = "ul", make([][]htmlRun, 0, len(b.Items))
			if b.Ordered {
				hb.Tag, hb.Start = "ol", b.Start
			}
			for _, it := range b.Items {
				hb.Items = append(hb.Items, newHTMLRuns(it))
			}
		case blockTable:
			hb.Tag = "table"
			right := func(i int) bool { return i < len(b.Aligns) && b.Aligns[i] == alignRight }
			for i, h := range b.Header {
				hb.Header = append(hb.Header, htmlInlineCell{Runs: newHTMLRuns(h), Right: right(i)})
			}
			for _, row := range b.Rows {
				cells := make([]htmlInlineCell, 0, len(row))
				for i, cell := range row {
					cells = append(cells, htmlInlineCell{Runs: newHTMLRuns(cell), Right: right(i)})
				}
				hb.Rows = append(hb.Rows, cells)
			}
		case blockRule:
			hb.Tag = "hr"
		case blockQuote:
			hb.Tag = "blockquote"
		default:
			continue
		}
		hb.Runs = newHTMLRuns(b.Inlines)
		out = append(out, hb)
	}
	return out
}

// newHTMLRuns converts inline runs, splitting out their hard breaks.
func newHTMLRuns(ins []inline) []htmlRun {
	if len(ins) == 0 {
		return nil
	}
	out := make([]htmlRun, len(ins))
	for i, in := range ins {
		r := htmlRun{Text: in.Text, URL: in.URL, Bold: in.Bold, Italic: in.Italic, Code: in.Code}
		if strings.Contains(in.Text, "\n") {
			r.Lines = strings.Split(in.Text, "\n")
		}
		r.Plain = r.URL == "" && !r.Bold && !r.Italic && !r.Code && r.Lines == nil
		out[i] = r
	}
	return out
}
