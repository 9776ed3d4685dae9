package render

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/liveryhq/livery/fonts"
)

// The e-mail is the PDF's page on a screen. At the paper's width, 96 CSS
// pixels to the inch (794 px for A4, 816 px for Letter), it has the page's
// margins, type sizes, line heights, gaps, colours and letterhead, worked
// out from the same numbers as the PDF (pageMetrics and the layout
// constants of pdf_letter.go, pdf_table.go and pdf_text.go), so that a
// reader sees one document in both channels; render/visualtest holds the
// two to each other. In a narrower window the card shrinks and lets go of
// the page's widths, and phones get the stacked layout of the style sheet's
// media queries. Where the channels
// differ by nature, the e-mail is one long page: no page breaks, no running
// heads, the footer once at the end, links to click.

// pxPerMM and pxPerPt convert the PDF's millimetres and points to CSS
// pixels.
const (
	pxPerMM = 96 / 25.4
	pxPerPt = 96.0 / 72
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// htmlTemplates is parsed once, so that a broken template fails at start-up,
// not per document. It is never executed itself: each kit executes a clone
// that adds the kit's styles as static text (see newHTMLKitTemplate), and
// html/template cannot clone a template once it has run.
var htmlTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"keep": htmlKeep,
}).ParseFS(templateFS, "templates/*.tmpl"))

// htmlBreakers are the characters a browser breaks a line after, besides
// spaces, and fpdf does not: the PDF breaks lines at spaces only.
const htmlBreakers = "-‐–—/"

// htmlKeepMax is the longest word htmlKeep keeps on one line, in runes: a
// longer one may break, as the PDF cuts a word wider than its line.
const htmlKeepMax = 32

// htmlKeep escapes s as HTML text and keeps each word holding a hyphen,
// dash or slash on one line, so that the e-mail breaks lines where the PDF
// does: "policy HH-2231-0457" moves to the next line whole rather than
// break after "HH-2231-". It is for text content only, never attributes.
func htmlKeep(s string) template.HTML {
	if !strings.ContainsAny(s, htmlBreakers) {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	for i, w := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		if strings.ContainsAny(w, htmlBreakers) && utf8.RuneCountInString(w) <= htmlKeepMax {
			b.WriteString(`<span style="white-space:nowrap">`)
			b.WriteString(template.HTMLEscapeString(w))
			b.WriteString(`</span>`)
			continue
		}
		b.WriteString(template.HTMLEscapeString(w))
	}
	return template.HTML(b.String())
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
	if p.PayCode != nil {
		p.setCode(v.PayCode, k.geo)
	}
	if err := k.page.Execute(buf, p); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// htmlPage is everything the template needs that varies by document: the view
// for the words, and the letterhead, table, totals and body laid out from it.
// What depends on the kit alone (styles, colours, the logo's data URI) is
// static text in the kit's template instead; view text always goes through
// the template's escaping.
type htmlPage struct {
	V       *view
	Title   string
	Head    htmlHead
	Address htmlAddress
	Opening htmlOpening
	Table   *htmlTable
	Totals  template.CSS // the totals' width
	Pay     htmlPay
	Body    []htmlBlock
	Facts   template.CSS // the labels' column
	// PayCode is the payment QR code; nil without one. A GiroCode sits
	// beside the payment details (Aside), a Swiss QR-bill's code after the
	// letter (Slip), where the PDF prints them; both at the PDF's size.
	PayCode     *htmlPayCode
	Aside, Slip bool
	Code        template.CSS // the code image's size
	CodeW       int          // the same, px, for the width and height attributes
	SlipHeading string       // the QR-bill's "Payment part"
	SlipCell    template.CSS // where the heading sits in the payment part
	SlipImg     template.CSS // where the code sits under it
}

// setCode sizes the payment code as the PDF prints it: the GiroCode as
// payCodeAside draws it, the Swiss code as the slip does (drawSlip), quiet
// zone included, since the image has it.
func (p *htmlPage) setCode(c *payCode, g htmlGeometry) {
	mm := htmlCodeMM(c)
	p.Code = cssJoin("width:"+cssMM(mm), "height:"+cssMM(mm))
	p.CodeW = int(math.Round(mm * pxPerMM))
	if !c.Swiss {
		p.Aside = true
		return
	}
	p.Slip = true
	if c.Slip != nil {
		p.SlipHeading = c.Slip.Labels.PaymentPart
	}
	// The payment part's heading and code where the slip has them, from
	// the cut line and the page's left edge (the slip spans the page).
	x := (g.m.pageW - slipW) / 2
	quiet := (mm - slipCodeSize) / 2
	p.SlipCell = cssJoin("padding:"+cssMM(slipMargin)+" 0 0 "+cssMM(max(0, x+slipReceiptW+slipMargin-quiet-g.m.left)),
		"vertical-align:top")
	p.SlipImg = cssJoin("margin-top:" + cssMM(max(0, slipCodeTop-quiet-slipMargin-ptMM(11)*1.2)))
}

// htmlCodeMM is the size, mm, at which the PDF prints c's image with its
// quiet zone.
func htmlCodeMM(c *payCode) float64 {
	n := float64(c.QR.size)
	if c.Swiss {
		return slipCodeSize * (n + 2*qrQuiet) / n
	}
	return epcCodeSize + 2*qrQuiet*epcCodeSize/n
}

// htmlColors are colours for bgcolor attributes, which Outlook honours where it
// ignores CSS backgrounds. Each becomes the kit template's "C.<field>".
type htmlColors struct {
	Canvas, Background, Primary, Tint, Zebra, MdHead string
}

// htmlHead is the letterhead of one document, as the PDF draws it on the
// first page (pdf_letter.go): the header style, the logo's size, whether
// the brand name shows, the brand's details fitted to their box, and the
// header's height, which places the address block under it.
type htmlHead struct {
	Style string // band, minimal or centered
	Align string // where the logo goes: left, right or center

	Cell template.CSS // the header cell's padding and height
	Box  template.CSS // minimal: the box above the rule

	Logo     template.CSS // the logo's width and height; "" without one
	LogoW    int          // the same as width attribute, px
	LogoH    int
	Name     template.CSS // the brand name's size and line height
	ShowName bool

	Info      []string     // the details, one per line (band, minimal)
	InfoStyle template.CSS // their size, line height and place
	InfoLine  template.CSS // the details on one line under the logo (centred)
	Joined    string       // the details on one line, for InfoLine

	bottom float64 // mm from the page top: where the header ends
}

// htmlAddress places the sender line, the recipient and the document's
// details where the PDF puts them: in the envelope window, at fixed
// distances from the page top.
type htmlAddress struct {
	Window    bool         // the kit has an address window: the sender line shows
	Left      template.CSS // the address cell
	Sender    template.CSS
	Recipient template.CSS
	Right     template.CSS // the details cell
	Info      template.CSS // the details table's width
	Label     template.CSS // the details' label column
}

// htmlOpening is the space under the title that the accent bar lies in.
type htmlOpening struct {
	Bar template.CSS // the bar's box: its gap above and the room under it
	End bool         // a greeting or introduction: the opening's end gap follows
}

// htmlPay is the payment panel's layout: how many columns its pairs take
// and their rows.
type htmlPay struct {
	Col  template.CSS // one column's width
	Rows [][]htmlPair
}

// htmlPair is one label and value of the payment panel.
type htmlPair struct {
	pair
	Last bool // the row's last column: no gap after it
}

// htmlTable is the invoice table with what picks each cell's style worked
// out (alignment, zebra), which keeps the template free of logic.
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
// inside long words; right-aligned ones amounts.
type htmlCell struct {
	Text         template.HTML // escaped, words kept whole (htmlKeep)
	Width        template.CSS  // header cells: the column's width
	W            int           // the same, px, for the width attribute
	Right, Zebra bool
	First        bool // the first column
}

// htmlBlock is a markdown block reduced to an element name and its content.
type htmlBlock struct {
	Tag    string       // p, h2-h6, ul, ol, table, code, hr, blockquote
	Top    template.CSS // the gap above it, as the PDF leaves it
	Runs   []htmlRun
	Items  [][]htmlRun
	Start  int
	Indent template.CSS // lists: where the text starts
	Width  template.CSS // tables: the table's width
	Header []htmlInlineCell
	Rows   [][]htmlInlineCell
}

// htmlRun is an inline run of text, escaped with its words kept whole
// (htmlKeep). A run with hard breaks (kept by the markdown as "\n", which
// HTML would otherwise show as spaces) has them split out into Lines, which
// the template joins with <br>. Plain runs (no link, style or break), most
// of them, take the template's shortest path.
type htmlRun struct {
	Text               template.HTML
	Lines              []template.HTML
	URL                string
	Bold, Italic, Code bool
	Plain              bool
}

// htmlInlineCell is a markdown table cell.
type htmlInlineCell struct {
	Runs  []htmlRun
	Right bool
	Width template.CSS // header cells: the column's width
}

// newHTMLPage works out the page model for v with kit state k.
func newHTMLPage(k *htmlKit, v *view) *htmlPage {
	g := k.geo
	p := &htmlPage{V: v, Title: v.Meta.Title}
	if p.Title == "" {
		p.Title = v.Title
	}
	p.Head = g.head(v)
	p.Address = g.address(v, p.Head.bottom)
	p.Opening = g.opening(v)
	p.Table = g.table(v.Table, k.zebra)
	if len(v.Totals) > 0 {
		p.Totals = cssJoin("width:" + cssLen(totalsWidth(v.Table, g.m.width)*pxPerMM))
	}
	p.Pay = g.pay(v)
	p.Body = g.blocks(v.Body)
	if len(v.Facts) > 0 {
		p.Facts = g.factLabel(v.Facts)
	}
	return p
}

// htmlGeometry is what the e-mail's layout needs of a kit: the PDF's page
// metrics, the address block's placing, the header options, the logo's
// pixel size and the faces to measure text with, as the PDF measures it. It
// holds no pointer to the theme: it is cached for the theme's lifetime,
// keyed weakly on it (htmlKits).
type htmlGeometry struct {
	m       pageMetrics
	win     addressWindow
	hasWin  bool
	limit   float64 // mm: how low the letterhead may reach
	header  string  // band, minimal or centered
	logoPos string  // left, right or center
	rules   string  // the table's rules: none, horizontal or grid
	logoMM  float64 // the kit's logo width
	logoPW  float64 // the logo's pixel size; 0 without a logo
	logoPH  float64
	primary string // hex

	body, bold, heading *fonts.Face // regular and bold body, bold heading; nil in hand-built themes
}

// newHTMLGeometry reads th.
func newHTMLGeometry(th *theme) htmlGeometry {
	g := htmlGeometry{m: th.metrics(), limit: th.headerLimit(), header: "band", logoPos: "left",
		logoMM: th.kit.Layout.Header.LogoWidth, primary: th.primary.hex(),
		body: th.body.RegularFace, bold: th.body.BoldFace, heading: th.heading.BoldFace}
	g.win, g.hasWin = th.window()
	l := th.kit.Layout
	g.header = htmlOneOf(l.Header.Style, g.header, "band", "minimal", "centered")
	g.logoPos = htmlOneOf(l.Header.LogoPosition, g.logoPos, "left", "right", "center")
	g.rules = htmlOneOf(l.Table.Rules, "horizontal", "none", "horizontal", "grid")
	if img := th.kit.Logo; img != nil && len(img.Data) > 0 && img.Width > 0 && img.Height > 0 && htmlLogoMIME(img.Format) != "" {
		g.logoPW, g.logoPH = float64(img.Width), float64(img.Height)
	}
	return g
}

// logo sizes the logo as the PDF does (pdfDraw.logo); ok is false without
// one.
func (g htmlGeometry) logo(maxW, maxH float64) (w, h float64, ok bool) {
	if g.logoPW == 0 {
		return 0, 0, false
	}
	w, h = logoFit(g.logoMM, g.logoPW, g.logoPH, maxW, maxH)
	return w, h, true
}

// head lays out v's letterhead as headerBand, headerMinimal and
// headerCentered draw it.
func (g htmlGeometry) head(v *view) htmlHead {
	m := g.m
	h := htmlHead{Style: g.header, Align: g.logoPos}
	setLogo := func(w, hh float64) {
		h.Logo = cssJoin("width:"+cssLen(w*pxPerMM), "height:"+cssLen(hh*pxPerMM))
		h.LogoW, h.LogoH = int(math.Round(w*pxPerMM)), int(math.Round(hh*pxPerMM))
	}
	nameStyle := func(pt float64) template.CSS {
		return cssJoin("font-size:"+cssPt(pt), "line-height:"+cssMM(ptMM(pt)*brandLead))
	}
	infoStyle := func(lines []string, size, top float64, align string) {
		h.Info = lines
		h.InfoStyle = cssJoin("font-size:"+cssPt(size), "line-height:"+cssMM(m.lh(size)),
			"padding-top:"+cssMM(top), "text-align:"+align)
	}
	// joined sets the details on one line, centred, gap under y, and
	// returns where they end.
	joined := func(y, gap float64) float64 {
		if len(v.BrandInfo) == 0 {
			return y
		}
		h.Joined = strings.Join(v.BrandInfo, infoJoin)
		h.InfoLine = cssJoin("margin-top:"+cssMM(gap), "font-size:"+cssPt(m.small), "line-height:"+cssMM(m.lh(m.small)))
		n := lineCount(g.body, h.Joined, m.small, m.width)
		return y + gap + float64(n)*m.lh(m.small)
	}
	side := "right" // where the details go
	if g.logoPos == "right" {
		side = "left"
	}
	switch g.header {
	case "minimal":
		h.Align = g.logoPos
		top := headerTop(m.top, g.limit)
		avail := g.limit - top - 4
		bottom := top
		if w, lh, ok := g.logo(m.width*0.45, min(22, avail)); ok {
			setLogo(w, lh)
			bottom = top + lh
		} else if v.Brand != "" {
			h.ShowName, h.Name = true, nameStyle(m.base*minimalNameScale)
			bottom = top + ptMM(m.base*minimalNameScale)*brandLead
		}
		switch g.logoPos {
		case "center":
			bottom = joined(bottom, minimalInfoGap)
		default:
			lines, size := fitInfoLines(v.BrandInfo, m.small, m.lh, avail)
			infoStyle(lines, size, 0, side)
			bottom = max(bottom, top+float64(len(lines))*m.lh(size))
		}
		y := min(bottom+minimalRuleGap, g.limit-headerRule)
		rule := ruleMM(headerRule)
		h.Cell = cssJoin("padding-top:" + cssMM(top))
		h.Box = cssJoin("height:"+cssMM(y-rule/2-top), "border-bottom:"+cssMM(rule)+" solid "+g.primary)
		h.bottom = y + rule/2
	case "centered":
		h.Align = "center"
		top := headerTop(m.top, g.limit)
		infoH := m.lh(m.small)
		nameSize := m.base * centeredNameScale
		lead := ptMM(nameSize) * brandLead
		avail := g.limit - top - infoH - 4
		y := top
		w, lh, ok := g.logo(m.width*0.4, min(20, avail-lead-2))
		if ok && lh < 7 {
			w, lh, ok = g.logo(m.width*0.4, min(20, avail))
			nameSize = 0
		}
		if ok {
			setLogo(w, lh)
			y += lh + centeredLogoGap
		}
		if v.Brand != "" && nameSize > 0 && (!ok || !isWordmark(w, lh)) {
			h.ShowName, h.Name = true, nameStyle(nameSize)
			y += lead
		}
		y = joined(y, centeredInfoGap) + centeredRuleGap
		h.Cell = cssJoin("padding-top:" + cssMM(top))
		rule := ruleMM(headerRule)
		h.Box = cssJoin("margin-top:"+cssMM(centeredRuleGap-rule/2), "border-top:"+cssMM(rule)+" solid "+g.primary)
		h.bottom = y + rule/2
	default: // band
		limit := g.limit
		if g.logoPos == "center" && len(v.BrandInfo) > 0 {
			limit -= m.lh(m.small) + bandInfoRoom
		}
		bandH, pad, inner := bandGeometry(m.top, limit)
		w, lh, ok := g.logo(m.width*0.4, inner)
		if ok {
			setLogo(w, lh)
		}
		nameSize := bandNameSize(m.base, inner)
		if v.Brand != "" && (!ok || !isWordmark(w, lh)) {
			h.ShowName, h.Name = true, nameStyle(nameSize)
		}
		h.Cell = cssJoin("height:" + cssMM(bandH))
		h.bottom = bandH
		if g.logoPos == "center" {
			h.bottom = joined(bandH, bandInfoBelowGap)
			break
		}
		n := float64(len(v.BrandInfo)) * m.lh(m.small)
		lines, size := fitInfoLines(v.BrandInfo, m.small, m.lh, inner)
		infoStyle(lines, size, max(pad, (bandH-min(n, inner))/2), side)
	}
	return h
}

// address places the address block as addressBlock and infoBlock draw it,
// under a header that ends at headerBottom.
func (g htmlGeometry) address(v *view, headerBottom float64) htmlAddress {
	m := g.m
	p := placeAddress(g.win, g.hasWin, m, headerBottom, len(v.Recipient))
	a := htmlAddress{Window: p.window && v.SenderLine != ""}
	top := headerBottom // where the recipient's padding starts
	if a.Window {
		// The sender line's box, placed so that its baseline is the PDF's
		// (drawLine puts a baseline 0.3 em under the middle of its box).
		size := m.small * senderScale
		slh := m.lh(size)
		stop := p.senderBase - slh/2 - 0.3*ptMM(size)
		a.Sender = cssJoin("padding-top:"+cssMM(stop-headerBottom), "font-size:"+cssPt(size), "line-height:"+cssMM(slh),
			"width:"+cssMM(p.w))
		top = stop + slh
	}
	a.Recipient = cssJoin("padding-top:"+cssMM(p.y-top), "line-height:"+cssMM(p.lh))
	a.Left = cssJoin("padding-left:"+cssMM(p.x-m.left), "width:"+cssMM(p.w), "height:"+cssMM(max(p.bottom-headerBottom, 0)))
	a.Right = cssJoin("padding-top:" + cssMM(p.infoTop-headerBottom))
	if len(v.Info) > 0 {
		iw := min(infoBlockW, m.right-(p.x+p.w+infoBlockGap))
		labelW := 0.0
		for _, p := range v.Info {
			labelW = max(labelW, textMM(g.body, p.Label, m.small))
		}
		labelW = min(labelW+infoLabelAir, iw*0.5)
		a.Info = cssJoin("width:" + cssMM(iw))
		a.Label = cssJoin("width:" + cssMM(labelW))
	}
	return a
}

// opening sizes the space under the title that the accent bar lies in: the
// gap to what follows, as opening leaves it.
func (g htmlGeometry) opening(v *view) htmlOpening {
	lh := g.m.lh(g.m.base)
	first := openingFirstGap(v, lh)
	total := max(first, accentBarGap+accentBarH+accentBarAir)
	return htmlOpening{
		Bar: cssJoin("padding-top:"+cssMM(accentBarGap), "padding-bottom:"+cssMM(total-accentBarGap-accentBarH)),
		End: v.Greeting != "" || v.Intro != "",
	}
}

// pay lays out the payment panel's pairs in the columns pairPanel gives
// them.
func (g htmlGeometry) pay(v *view) htmlPay {
	if len(v.Payment) == 0 {
		return htmlPay{}
	}
	inner := g.m.width - 2*panelPad - panelBar
	if c := v.PayCode; c != nil && c.QR != nil && !c.Swiss {
		inner -= htmlCodeMM(c) + panelPad
	}
	ncol := panelColumns(inner, len(v.Payment))
	colW := (inner - float64(ncol-1)*panelColGap) / float64(ncol)
	p := htmlPay{Col: cssJoin("width:" + cssMM(colW))}
	for i := 0; i < len(v.Payment); i += ncol {
		var row []htmlPair
		for j := i; j < min(i+ncol, len(v.Payment)); j++ {
			row = append(row, htmlPair{pair: v.Payment[j], Last: j == i+ncol-1 || j == len(v.Payment)-1})
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// factLabel is the key facts' label column, as wide as facts makes it.
func (g htmlGeometry) factLabel(facts []pair) template.CSS {
	w := 0.0
	for _, f := range facts {
		w = max(w, textMM(g.body, f.Label, g.m.base))
	}
	w = min(w+factLabelAir, g.m.width*factLabelShare)
	return cssJoin("width:" + cssMM(w-factPadX))
}

// textMM is the width, mm, of s set in face f at size pt, as fpdf measures
// it: the sum of the glyphs' advance widths, without kerning. A theme built
// without faces (in tests) gets an estimate of half an em per character.
func textMM(f *fonts.Face, s string, pt float64) float64 {
	if f == nil || f.UnitsPerEm() == 0 {
		return float64(len([]rune(s))) * 0.5 * ptMM(pt)
	}
	sum := 0
	for _, r := range s {
		a, ok := f.Advance(r)
		if !ok {
			a, _ = f.Advance('0')
		}
		sum += a
	}
	return float64(sum) / float64(f.UnitsPerEm()) * ptMM(pt)
}

// lineCount is how many lines layout breaks s into at width mm: at spaces,
// a word wider than a line on lines of its own.
func lineCount(f *fonts.Face, s string, pt, width float64) int {
	space := textMM(f, " ", pt)
	lines, cur := 1, 0.0
	for _, w := range strings.Fields(s) {
		ww := textMM(f, w, pt)
		switch {
		case cur == 0:
			cur = ww
		case cur+space+ww > width:
			lines++
			cur = ww
		default:
			cur += space + ww
		}
		for cur > width && width > 0 {
			lines++
			cur -= width
		}
	}
	return lines
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

// htmlPalette is the theme's colours as hex, with the PDF's tints and the
// colours it sets on fills.
type htmlPalette struct {
	primary, accent, text, muted, background string
	onFill                                   string // text on the band and table heads (pdfDraw.onColor)
	soft                                     string // the brand's details on the band
	onButton                                 string // text on the button (textOn)
	canvas, rule, hr, footRule, senderRule   string
	zebra, tint, mdHead, code, codeRun       string
}

// newHTMLPalette derives the page's colours from th, with the PDF's
// functions: the same tints, the same text on fills.
func newHTMLPalette(th *theme) htmlPalette {
	tint := func(c rgb, t float64) string { return pdfMix(th.background, c, t).hex() }
	on := (&pdfDraw{th: th}).onColor(th.primary)
	return htmlPalette{
		primary:    th.primary.hex(),
		accent:     th.accent.hex(),
		text:       th.text.hex(),
		muted:      th.muted.hex(),
		background: th.background.hex(),
		onFill:     on.hex(),
		soft:       pdfMix(on, th.primary, 0.22).hex(),
		onButton:   textOn(th.primary, th.text).hex(),
		canvas:     mixRGB(th.background, th.muted, 0.1).hex(),
		rule:       tint(th.muted, ruleTint),
		hr:         tint(th.muted, hrTint),
		footRule:   tint(th.muted, 0.35),
		senderRule: tint(th.muted, 0.6),
		zebra:      tint(th.primary, zebraTint),
		tint:       tint(th.primary, panelTint),
		mdHead:     tint(th.primary, mdHeadTint),
		code:       tint(th.muted, codeTint),
		codeRun:    tint(th.muted, codeRunTint),
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
// better, so a pale primary still gets a legible button.
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

// cssLen formats a length of px pixels, to a hundredth.
func cssLen(px float64) string {
	v := math.Round(px*100) / 100
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "px"
}

// ruleMM is the width of a rule mm wide as a browser draws a border: whole
// pixels, at least one. Layout reckons with it, so that rules do not move
// what follows them.
func ruleMM(mm float64) float64 { return max(1, math.Round(mm*pxPerMM)) / pxPerMM }

// cssMM is a length of mm millimetres in px; cssPt one of pt points.
func cssMM(mm float64) string { return cssLen(mm * pxPerMM) }
func cssPt(pt float64) string { return cssLen(pt * pxPerPt) }

// newHTMLStyles works out the inline style of every kind of element whose
// style depends on the kit alone, by template name ("S.Title").
func newHTMLStyles(th *theme, g htmlGeometry, c htmlPalette) map[string]template.CSS {
	m := g.m
	bodyFont := "font-family:" + cssFontStack(th.body.Name)
	headFont := "font-family:" + cssFontStack(th.heading.Name)
	type font struct {
		family string
		pt     float64
		lead   float64 // mm
	}
	set := func(f font, more ...string) template.CSS {
		decls := []string{f.family, "font-size:" + cssPt(f.pt), "line-height:" + cssMM(f.lead)}
		return cssJoin(append(decls, more...)...)
	}
	base := font{bodyFont, m.base, m.lh(m.base)}
	small := font{bodyFont, m.small, m.lh(m.small)}
	lh := m.lh(m.base)
	col := func(h string) string { return "color:" + h }
	mt := func(mm float64) string { return "margin:" + cssMM(mm) + " 0 0 0" }
	pad := func(top, right, bottom, left float64) string {
		return "padding:" + cssMM(top) + " " + cssMM(right) + " " + cssMM(bottom) + " " + cssMM(left)
	}
	pageW := th.pageW * pxPerMM
	s := map[string]template.CSS{
		"S.Body":  cssJoin("margin:0", "padding:0", "background-color:"+c.canvas, "-webkit-text-size-adjust:100%", "text-size-adjust:100%"),
		"S.Outer": cssJoin("padding:32px 12px", "background-color:"+c.canvas),
		// Kerning and ligatures off: fpdf sets text without them, and lines
		// must break where the PDF's break.
		"S.Card": cssJoin("width:100%", "max-width:"+cssLen(pageW), "background-color:"+c.background,
			"border:1px solid "+c.rule, "border-radius:6px", "border-collapse:separate", "overflow:hidden",
			"font-kerning:none", "font-variant-ligatures:none"),
		"S.Logo": cssJoin("display:block", "border:0", "outline:none", "text-decoration:none"),

		// Letterhead.
		"S.BandName":     cssJoin(headFont, "font-weight:bold", col(c.onFill), "white-space:nowrap"),
		"S.BandInfo":     cssJoin(bodyFont, col(c.soft), "white-space:nowrap", "vertical-align:top"),
		"S.PageName":     cssJoin(headFont, "font-weight:bold", col(c.primary), "white-space:nowrap"),
		"S.PageInfo":     cssJoin(bodyFont, col(c.muted), "white-space:nowrap", "vertical-align:top"),
		"S.InfoLine":     cssJoin(bodyFont, col(c.muted), "text-align:center", "margin:0"),
		"S.LogoGap":      cssJoin("padding-left:" + cssMM(bandLogoGap)),
		"S.LogoCentered": cssJoin("margin:0 auto " + cssMM(centeredLogoGap) + " auto"),
		"S.CenterBox":    cssJoin("width:"+cssMM(centeredRuleW), "height:0", "font-size:0", "line-height:0", "margin-left:auto", "margin-right:auto"),

		// The address block.
		"S.Sender":     cssJoin(bodyFont, col(c.muted), "white-space:nowrap", "overflow:hidden", "text-overflow:ellipsis"),
		"S.SenderText": cssJoin("border-bottom:1px solid " + c.senderRule),
		"S.Recipient":  cssJoin(bodyFont, "font-size:"+cssPt(m.base), col(c.text)),
		"S.InfoLabel":  set(font{bodyFont, m.small, m.lh(m.base * infoValueScale)}, col(c.muted), "padding:0 0 "+cssMM(infoRowGap)+" 0", "vertical-align:baseline"),
		"S.InfoValue":  set(font{bodyFont, m.base * infoValueScale, m.lh(m.base * infoValueScale)}, col(c.text), "padding:0 0 "+cssMM(infoRowGap)+" 0", "text-align:right", "vertical-align:baseline"),

		// The opening.
		"S.Content":    cssJoin("padding:0 "+cssMM(m.pageW-m.right)+" 0 "+cssMM(m.left), bodyFont, col(c.text)),
		"S.Title":      set(font{headFont, m.title, ptMM(m.title) * titleLead}, col(c.primary), "font-weight:bold", mt(addressGap)),
		"S.Subtitle":   set(font{bodyFont, m.base * subtitleScale, m.lh(m.base * subtitleScale)}, col(c.muted), mt(subtitleGap)),
		"S.AccentBar":  cssJoin("width:"+cssMM(accentBarW), "height:"+cssMM(accentBarH), "font-size:0", "line-height:0", "background-color:"+c.accent),
		"S.P":          set(base, col(c.text), "margin:0"),
		"S.Intro":      set(base, col(c.text), mt(lh*introGap)),
		"S.OpeningEnd": cssJoin("height:"+cssMM(lh*openingEnd), "font-size:0", "line-height:0"),

		// The invoice.
		"S.Table":       cssJoin("width:100%", "border-collapse:separate", "border-spacing:0", "table-layout:fixed", mt(tableGap)),
		"S.TotalsTable": cssJoin("border-collapse:collapse", mt(totalsGap)),
		"S.StrongGap":   cssJoin("height:"+cssMM(strongGap-ruleMM(strongRule)/2), "padding:0", "font-size:0", "line-height:0"),
		"S.TaxNote":     set(small, col(c.muted), mt(taxNoteGap)),
		"S.PayBox": cssJoin("width:100%", "border-collapse:separate", "background-color:"+c.tint,
			"border-left:"+cssMM(panelBar)+" solid "+c.primary, mt(panelGap)),
		"S.PayMain":    cssJoin("padding:"+cssMM(panelPad), "vertical-align:top"),
		"S.PayLead":    set(base, col(c.text), "font-weight:bold", "margin:0"),
		"S.PayPairs":   cssJoin("border-collapse:collapse", "margin:0"),
		"S.PayPairsAt": cssJoin("border-collapse:collapse", mt(panelLeadGap)),
		"S.PayLabel":   set(small, col(c.muted)),
		"S.PayValue":   set(base, col(c.text)),

		// The body.
		"S.List":      set(base, "margin:0", "padding:0"),
		"S.Bullet":    cssJoin(col(c.primary), "font-weight:bold"),
		"S.Number":    cssJoin(col(c.muted)),
		"S.ItemText":  cssJoin(col(c.text), "font-weight:normal"),
		"S.Item":      cssJoin("margin:" + cssMM(lh*listItemGap) + " 0 0 0"),
		"S.ItemFirst": cssJoin("margin:0"),
		"S.Hr":        cssJoin("border:0", "border-top:1px solid "+c.hr, "height:0", "margin:0"),
		"S.Quote": set(base, col(c.muted), "margin:0", "padding:0 0 0 "+cssMM(quoteIndent-quoteBar),
			"border-left:"+cssMM(quoteBar)+" solid "+c.accent),
		"S.Code":      cssJoin("font-family:inherit", "font-size:inherit", "background-color:"+c.codeRun, "white-space:pre-wrap"),
		"S.CodeBlock": set(font{bodyFont, m.base * codeScale, m.lh(m.base * codeScale)}, col(c.text), "background-color:"+c.code, pad(codePadY, codePadX, codePadY, codePadX), "white-space:pre-wrap", "word-break:break-word"),
		"S.Link":      cssJoin(col(c.primary), "text-decoration:underline"),
		"S.MdTable":   cssJoin("border-collapse:collapse", "table-layout:fixed"),

		// The facts, the action and the closing.
		"S.FactsTable":  cssJoin("width:100%", "border-collapse:collapse", mt(factsGap)),
		"S.ButtonTable": cssJoin("border-collapse:separate", mt(actionGap)),
		"S.ButtonCell":  cssJoin("background-color:"+c.primary, "border-radius:"+cssMM(buttonRadius)),
		"S.Button": set(font{bodyFont, m.base * buttonScale, m.lh(m.base * buttonScale)}, "display:inline-block",
			"padding:"+cssMM(buttonPadY)+" "+cssMM(buttonPadX), "font-weight:bold", col(c.onButton), "text-decoration:none"),
		"S.ActionURL":      set(small, col(c.muted), mt(actionURLGap), "word-break:break-all"),
		"S.SignOff":        set(base, col(c.text), mt(lh*signOffGap)),
		"S.Signature":      set(base, col(c.text), "font-weight:bold", mt(signatureGap)),
		"S.SignatureAlone": set(base, col(c.text), "font-weight:bold", mt(lh*signOffGap+signatureGap)),

		// The footer.
		"S.FootRow": cssJoin("padding:" + cssMM(9) + " " + cssMM(m.pageW-m.right) + " " + cssMM(min(pdfOr(th.marginBottom, 20)*0.5, 12)) + " " + cssMM(m.left)),
		"S.FootBox": cssJoin("border-top:1px solid "+c.footRule, "padding-top:"+cssMM(2.5)),
		"S.Footer":  set(small, col(c.muted), "margin:0", "text-align:center"),

		// The payment code: black on white whatever the panel's tint.
		"S.PayCode": cssJoin("padding:"+cssMM(panelPad)+" "+cssMM(panelPad)+" "+cssMM(panelPad)+" 0", "vertical-align:top",
			"text-align:center"),
		"S.PayCodeImg": cssJoin("display:block", "border:0", "outline:none", "margin:0 auto", "background-color:#ffffff"),
		"S.PayCaption": set(small, col(c.muted), "margin:"+cssMM(1)+" 0 0 0", "text-align:center"),
		// The QR-bill's payment part: after a cut line, its code where the
		// slip has it, left of the payment part's details.
		"S.Slip":        cssJoin("border-collapse:collapse", "border-top:1px dashed "+c.text, mt(addressGap)),
		"S.SlipHeading": cssJoin(bodyFont, "font-size:"+cssPt(11), "line-height:"+cssMM(ptMM(11)*1.2), "font-weight:bold", col(c.text), "margin:0"),
		"S.SlipCaption": set(small, col(c.muted), "margin:"+cssMM(1)+" 0 0 0"),
	}
	s["S.Band"] = cssJoin("padding:0 "+cssMM(m.pageW-m.right)+" 0 "+cssMM(m.left), "background-color:"+c.primary, "vertical-align:top")
	s["S.Header"] = cssJoin("padding-right:"+cssMM(m.pageW-m.right), "padding-left:"+cssMM(m.left), "padding-bottom:0", "vertical-align:top")
	s["S.BandBelow"] = cssJoin("padding:0 "+cssMM(m.pageW-m.right)+" 0 "+cssMM(m.left), bodyFont, col(c.muted))
	for lvl, scale := range headingScale {
		colour := c.text
		if lvl < 2 {
			colour = c.primary
		}
		s["S.H"+strconv.Itoa(lvl+1)] = set(font{headFont, m.base * scale, ptMM(m.base*scale) * headingLead}, col(colour), "font-weight:bold", "margin:0")
	}
	return s
}

// newHTMLVariantStyles works out the styles of elements whose style depends
// on the document's structure as well as the kit: a column's alignment, a
// row's parity, whether a total is the amount due. Each case becomes a
// static template named after the key, which the templates pick with if: an
// if costs a document far less than an action.
func newHTMLVariantStyles(th *theme, g htmlGeometry, c htmlPalette) map[string]template.CSS {
	m := g.m
	rules := g.rules
	out := map[string]template.CSS{}
	head, cell := m.base*headScale, m.base*cellScale
	// A rule takes a pixel of the row in HTML, none in the PDF, where it is
	// drawn on the row's edge: the row gives the pixel back (and the
	// column, table: the grid's borders are each cell's right and bottom
	// and the first column's left, so that none spills out of the table).
	border, give := "border:0", 0.0
	switch rules {
	case "grid":
		border, give = "border-right:1px solid "+c.rule+";border-bottom:1px solid "+c.rule, 1
	case "horizontal":
		border, give = "border-bottom:1px solid "+c.rule, 1
	}
	padY := cssMM(cellPadY)
	for _, align := range []string{"left", "right"} {
		textAlign := "text-align:" + align
		out["TH."+align] = cssJoin("font-size:"+cssPt(head), "line-height:"+cssMM(m.lh(head)),
			"padding:"+padY+" "+cssMM(cellPadX), "font-weight:bold", "color:"+c.onFill,
			"background-color:"+c.primary, textAlign, "vertical-align:top", "border:0")
		for _, zebra := range []bool{false, true} {
			for _, first := range []bool{false, true} {
				name := "TD." + align
				// No vertical-align: the row's valign="top" sets it (every
				// byte counts in a long invoice's e-mail, which Gmail clips
				// beyond 102 kB).
				decls := []string{"font-size:" + cssPt(cell), "line-height:" + cssMM(m.lh(cell)),
					"padding:" + padY + " " + cssMM(cellPadX) + " " + cssLen(cellPadY*pxPerMM-give),
					"color:" + c.text, textAlign, border}
				if align == "right" {
					// Quantities and amounts stay on one line (columnWidths
					// makes room); narrow screens lift this through the
					// "cell" class.
					decls = append(decls, "white-space:nowrap")
				} else {
					// As in the PDF, a word wider than its column breaks.
					decls = append(decls, "overflow-wrap:anywhere")
				}
				if zebra {
					name += ".zebra"
					decls = append(decls, "background-color:"+c.zebra)
				}
				if first {
					name += ".first"
					if rules == "grid" {
						decls = append(decls, "border-left:1px solid "+c.rule)
					}
				}
				out[name] = cssJoin(decls...)
			}
		}
		mdCell := func(head bool) template.CSS {
			decls := []string{"font-size:" + cssPt(cell), "line-height:" + cssMM(m.lh(cell)),
				"padding:" + cssMM(mdPadY) + " " + cssMM(cellPadX), "color:" + c.text, textAlign, "vertical-align:top"}
			if head {
				return cssJoin(append(decls, "font-weight:bold", "background-color:"+c.mdHead, "border:0")...)
			}
			decls[2] = "padding:" + cssMM(mdPadY) + " " + cssMM(cellPadX) + " " + cssLen(mdPadY*pxPerMM-1) + " " + cssMM(cellPadX)
			return cssJoin(append(decls, "border-bottom:1px solid "+c.rule)...)
		}
		out["MdTH."+align], out["MdTD."+align] = mdCell(true), mdCell(false)
	}
	// The totals: labels muted and amounts in the text colour, the amount
	// due bold in the primary colour under a rule, as the PDF draws them.
	padX := cssMM(cellPadX)
	for _, strong := range []bool{false, true} {
		name, size, labelColor, valueColor := "Total.", m.base, c.muted, c.text
		extra := []string{"padding:0 " + padX + " " + cssMM(totalsAir) + " " + padX}
		if strong {
			name, size, labelColor, valueColor = "Total.strong.", m.base*strongScale, c.primary, c.primary
			extra = []string{"padding:" + cssMM(strongGap-ruleMM(strongRule)/2) + " " + padX + " " + cssMM(strongAir) + " " + padX,
				"font-weight:bold", "border-top:" + cssMM(ruleMM(strongRule)) + " solid " + c.primary}
		}
		font := []string{"font-size:" + cssPt(size), "line-height:" + cssMM(m.lh(size)), "vertical-align:top"}
		label := append(append(font[:3:3], "color:"+labelColor, "text-align:left"), extra...)
		value := append(append(font[:3:3], "color:"+valueColor, "text-align:right", "white-space:nowrap"), extra...)
		out[name+"label"], out[name+"value"] = cssJoin(label...), cssJoin(value...)
	}
	// The key facts: tinted rows, a line of the background between them.
	for _, first := range []bool{true, false} {
		name, top := "Fact.", cssMM(factPadY)
		sep := "border:0"
		if !first {
			name = "Fact.next."
			top = cssMM(factPadY - ruleMM(factRule))
			sep = "border-top:" + cssMM(ruleMM(factRule)) + " solid " + c.background
		}
		font := []string{"font-size:" + cssPt(m.base), "line-height:" + cssMM(m.lh(m.base)), "vertical-align:top", sep, "background-color:" + c.tint}
		out[name+"label"] = cssJoin(append(font[:5:5], "color:"+c.muted, "padding:"+top+" 0 "+cssMM(factPadY)+" "+cssMM(factPadX))...)
		out[name+"value"] = cssJoin(append(font[:5:5], "color:"+c.text, "font-weight:bold", "padding:"+top+" "+cssMM(factPadX)+" "+cssMM(factPadY)+" 0")...)
	}
	// The payment panel's pairs: a column gap after all but the row's last,
	// a row gap above all but the first row.
	for _, last := range []bool{false, true} {
		for _, first := range []bool{false, true} {
			name := "Pair"
			decls := []string{"vertical-align:top", "padding:0"}
			if !first {
				name += ".next"
				decls = append(decls, "padding-top:"+cssMM(panelRowGap))
			}
			if !last {
				name += ".gap"
				decls = append(decls, "padding-right:"+cssMM(panelColGap))
			}
			out[name] = cssJoin(decls...)
		}
	}
	return out
}

// htmlLogoMIME is the MIME type of a logo format every mail client shows,
// or "".
func htmlLogoMIME(format string) string {
	return map[string]string{"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}[strings.ToLower(format)]
}

// table lays out t's cells for the template, its columns as wide as the
// PDF's (columnWidths).
func (g htmlGeometry) table(t *table, zebra bool) *htmlTable {
	if t == nil || len(t.Columns) == 0 {
		return nil
	}
	ht := &htmlTable{Cols: make([]htmlCell, 0, len(t.Columns)), Rows: make([]htmlRow, 0, len(t.Rows))}
	widths := columnWidths(t, g.m.width, func(s string, head bool) float64 {
		if head {
			return textMM(g.bold, s, g.m.base*headScale)
		}
		return textMM(g.body, s, g.m.base*cellScale)
	})
	for i, col := range t.Columns {
		// The width is the content's: the cell's padding and the grid's
		// borders add to it.
		px := (widths[i] - 2*cellPadX) * pxPerMM
		if g.rules == "grid" {
			px--
			if i == 0 {
				px--
			}
		}
		ht.Cols = append(ht.Cols, htmlCell{Text: htmlKeep(col.Label), Right: col.Align == alignRight,
			Width: cssJoin("width:" + cssLen(px)), W: int(math.Round(widths[i] * pxPerMM))})
	}
	for i, row := range t.Rows {
		hr := htmlRow{Zebra: zebra && i%2 == 1, Cells: make([]htmlCell, 0, len(row))}
		for j, cell := range row {
			right := j < len(t.Columns) && t.Columns[j].Align == alignRight
			text := htmlKeep(cell)
			if right {
				// The cell keeps all of its text on one line already.
				text = template.HTML(template.HTMLEscapeString(cell))
			}
			hr.Cells = append(hr.Cells, htmlCell{Text: text, Right: right, Zebra: hr.Zebra, First: j == 0})
		}
		ht.Rows = append(ht.Rows, hr)
	}
	return ht
}

// blocks maps markdown blocks to elements, each with the gap the PDF leaves
// above it (pdfDraw.blocks); headings start at h2 because the document
// title is the page's top heading.
func (g htmlGeometry) blocks(blocks []block) []htmlBlock {
	if len(blocks) == 0 {
		return nil
	}
	lh := g.m.lh(g.m.base)
	out := make([]htmlBlock, 0, len(blocks))
	gap := lh * blocksGap
	for _, b := range blocks {
		var hb htmlBlock
		top, trail := gap, 0.0
		switch b.Kind {
		case blockParagraph:
			hb.Tag = "p"
			if pdfIsCodeBlock(b) {
				hb.Tag = "code"
			}
		case blockHeading:
			hb.Tag = "h" + strconv.Itoa(min(max(b.Level, 1), 5)+1)
			top += lh * headingGap
		case blockList:
			hb.Tag, hb.Items = "ul", make([][]htmlRun, 0, len(b.Items))
			indent := listIndent
			if b.Ordered {
				hb.Tag, hb.Start = "ol", b.Start
				last := strconv.Itoa(b.Start + len(b.Items) - 1)
				indent = max(indent, textMM(g.body, last+".", g.m.base)+numberIndent)
			}
			hb.Indent = cssJoin("padding-left:" + cssMM(indent))
			for _, it := range b.Items {
				hb.Items = append(hb.Items, newHTMLRuns(it))
			}
		case blockTable:
			hb.Tag = "table"
			g.markdownTable(&hb, b)
		case blockRule:
			hb.Tag = "hr"
			top += lh * paraGap
			trail = lh * paraGap
		case blockQuote:
			hb.Tag = "blockquote"
		default:
			continue
		}
		hb.Top = cssJoin("margin-top:" + cssMM(top))
		hb.Runs = newHTMLRuns(b.Inlines)
		out = append(out, hb)
		gap = lh*paraGap + trail
	}
	return out
}

// markdownTable sizes a markdown table's columns as pdfDraw.markdownTable
// does: by their widest text, shrunk to the width when they add up to more.
func (g htmlGeometry) markdownTable(hb *htmlBlock, b block) {
	n := len(b.Header)
	for _, r := range b.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	size := g.m.base * cellScale
	natural := make([]float64, n)
	measure := func(cells [][]inline, bold bool) {
		for i, c := range cells {
			w := 0.0
			for _, in := range c {
				f := g.body
				if bold || in.Bold {
					f = g.bold
				}
				w += textMM(f, in.Text, size)
			}
			natural[i] = max(natural[i], w)
		}
	}
	measure(b.Header, true)
	for _, r := range b.Rows {
		measure(r, false)
	}
	sum := 0.0
	for i := range natural {
		natural[i] = min(max(natural[i]+mdColAir, mdColMin), g.m.width)
		sum += natural[i]
	}
	scale := 1.0
	if sum > g.m.width {
		scale = g.m.width / sum
	}
	right := func(i int) bool { return i < len(b.Aligns) && b.Aligns[i] == alignRight }
	width := func(i int) template.CSS {
		return cssJoin("width:" + cssLen((natural[i]*scale-2*cellPadX)*pxPerMM))
	}
	hb.Width = cssJoin("width:" + cssLen(sum*scale*pxPerMM))
	for i := range n {
		var runs []htmlRun
		if i < len(b.Header) {
			runs = newHTMLRuns(b.Header[i])
		}
		hb.Header = append(hb.Header, htmlInlineCell{Runs: runs, Right: right(i), Width: width(i)})
	}
	for _, row := range b.Rows {
		cells := make([]htmlInlineCell, 0, len(row))
		for i, cell := range row {
			cells = append(cells, htmlInlineCell{Runs: newHTMLRuns(cell), Right: right(i)})
		}
		hb.Rows = append(hb.Rows, cells)
	}
}

// newHTMLRuns converts inline runs, splitting out their hard breaks.
func newHTMLRuns(ins []inline) []htmlRun {
	if len(ins) == 0 {
		return nil
	}
	out := make([]htmlRun, len(ins))
	for i, in := range ins {
		r := htmlRun{Text: htmlKeep(in.Text), URL: in.URL, Bold: in.Bold, Italic: in.Italic, Code: in.Code}
		if strings.Contains(in.Text, "\n") {
			for _, l := range strings.Split(in.Text, "\n") {
				r.Lines = append(r.Lines, htmlKeep(l))
			}
		}
		r.Plain = r.URL == "" && !r.Bold && !r.Italic && !r.Code && r.Lines == nil
		out[i] = r
	}
	return out
}
