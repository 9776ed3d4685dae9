package render

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file lays out and draws flowing text. fpdf's Write flows text too, but
// only from the left margin, with one font per call and no control over where
// lines fall; laying lines out here lets mixed bold, italic, code and link runs
// wrap as one paragraph, indent freely, keep rows and panels whole and measure
// a block before drawing it.

// textStyle is how a paragraph is drawn.
type textStyle struct {
	family string
	size   float64 // pt
	color  rgb
	bold   bool    // every run bold
	lead   float64 // line height in mm; 0 means the kit's line height
	align  byte    // 'L' (default), 'R' or 'C'
	code   bool    // a code block: no per-run shading, spaces kept
}

// lineHeight is the height of one line of st in mm.
func (d *pdfDraw) lineHeight(st textStyle) float64 {
	if st.lead > 0 {
		return st.lead
	}
	return d.lh(st.size)
}

// piece is a run of text without spaces, placed on a line at offset x.
type piece struct {
	text string
	in   inline
	x, w float64
}

// textLine is one laid-out line.
type textLine struct {
	pieces []piece
	w      float64
}

// pdfPlain is s as a single unstyled run.
func pdfPlain(s string) []inline { return []inline{{Text: s}} }

// fontKey is the font fpdf has selected; setting it again would add a Tf
// operator to the page for nothing.
type fontKey struct {
	family string
	bold   bool
	size   float64
}

// font selects a font unless it is the current one already.
func (d *pdfDraw) font(family string, bold bool, size float64) {
	k := fontKey{family, bold, size}
	if k == d.cur {
		return
	}
	d.cur = k
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont(family, style, size)
}

// textWidth is the width of s in run in's weight and paragraph style st.
func (d *pdfDraw) textWidth(st textStyle, in inline, s string) float64 {
	d.font(st.family, st.bold || in.Bold, st.size)
	return d.pdf.GetStringWidth(s)
}

// layout breaks runs into lines at most width wide. Spaces between words are
// break opportunities, "\n" forces a break, and a word wider than a line is
// cut between characters.
func (d *pdfDraw) layout(runs []inline, width float64, st textStyle) []textLine {
	d.font(st.family, st.bold, st.size)
	spaceW := d.pdf.GetStringWidth(" ")
	var (
		lines []textLine
		cur   textLine
		word  []piece
		wordW float64
		space bool // a space comes before the word being collected
	)
	newLine := func() {
		lines = append(lines, cur)
		cur = textLine{}
	}
	place := func(p piece) {
		p.x = cur.w
		cur.pieces = append(cur.pieces, p)
		cur.w += p.w
	}
	flush := func() {
		if len(word) == 0 {
			return
		}
		gap := 0.0
		if space && len(cur.pieces) > 0 {
			gap = spaceW
		}
		if len(cur.pieces) > 0 && cur.w+gap+wordW > width {
			newLine()
			gap = 0
		}
		cur.w += gap
		for _, p := range word {
			if cur.w+p.w <= width+0.01 {
				place(p)
				continue
			}
			// Only a word wider than the whole line gets here.
			start := 0
			for i := range p.text {
				if i == start {
					continue
				}
				_, size := utf8.DecodeRuneInString(p.text[i:])
				if cur.w+d.textWidth(st, p.in, p.text[start:i+size]) > width {
					chunk := p.text[start:i]
					place(piece{text: chunk, in: p.in, w: d.textWidth(st, p.in, chunk)})
					newLine()
					start = i
				}
			}
			rest := p.text[start:]
			place(piece{text: rest, in: p.in, w: d.textWidth(st, p.in, rest)})
		}
		word, wordW, space = nil, 0, false
	}
	for _, in := range runs {
		text := in.Text
		if in.Code || st.code {
			text = pdfKeepIndent(text)
		}
		for len(text) > 0 {
			r, size := utf8.DecodeRuneInString(text)
			switch r {
			case ' ', '\t', '\r':
				flush()
				space = true
				text = text[size:]
				continue
			case '\n':
				flush()
				newLine()
				space = false
				text = text[size:]
				continue
			}
			end := strings.IndexAny(text, " \t\r\n")
			if end < 0 {
				end = len(text)
			}
			tok := text[:end]
			text = text[end:]
			w := d.textWidth(st, in, tok)
			word = append(word, piece{text: tok, in: in, w: w})
			wordW += w
		}
	}
	flush()
	if len(cur.pieces) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// pdfKeepIndent turns the spaces that start each line of code into no-break
// spaces, so layout keeps the indentation instead of collapsing it.
func pdfKeepIndent(s string) string {
	if !strings.Contains(s, "\n ") && !strings.HasPrefix(s, " ") {
		return s
	}
	var b strings.Builder
	lead := true
	for _, r := range s {
		switch {
		case r == '\n':
			lead = true
		case r == ' ' && lead:
			r = '\u00a0'
		default:
			lead = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// drawLine draws ln with its left edge at x and its line box at top y.
func (d *pdfDraw) drawLine(ln textLine, x, y float64, st textStyle) {
	pdf := d.pdf
	lh := d.lineHeight(st)
	base := y + lh/2 + 0.3*ptMM(st.size)
	for i := 0; i < len(ln.pieces); {
		p := ln.pieces[i]
		px := x + p.x
		d.font(st.family, st.bold || p.in.Bold, st.size)
		text, n := d.joinPieces(ln.pieces[i:], st)
		i += n
		if p.in.Code && !st.code {
			d.fillColor(d.tint(d.th.muted, codeRunTint))
			pdf.Rect(px-0.5, base-ptMM(st.size)*0.8, p.w+1, ptMM(st.size)*1.05, "F")
		}
		c := st.color
		if p.in.URL != "" {
			c = d.th.primary // as in HTML: links are the brand colour, not the accent
		}
		d.textColor(c)
		if p.in.Italic {
			// The bundled families have no italic; a slant keeps the emphasis.
			pdf.TransformBegin()
			pdf.TransformSkewX(12, px, base)
			pdf.Text(px, base, text)
			pdf.TransformEnd()
		} else {
			pdf.Text(px, base, text)
		}
	}
	// Links: one underline and one clickable area per run of pieces with the
	// same URL, so the gaps between words are clickable too.
	for i := 0; i < len(ln.pieces); {
		url := ln.pieces[i].in.URL
		j := i + 1
		for j < len(ln.pieces) && ln.pieces[j].in.URL == url {
			j++
		}
		if url != "" {
			x0 := x + ln.pieces[i].x
			x1 := x + ln.pieces[j-1].x + ln.pieces[j-1].w
			d.drawColor(d.th.primary)
			pdf.SetLineWidth(max(0.15, ptMM(st.size)*0.06))
			pdf.Line(x0, base+ptMM(st.size)*0.12, x1, base+ptMM(st.size)*0.12)
			pdf.LinkString(x0, y, x1-x0, lh, url)
		}
		i = j
	}
}

// joinPieces returns the text of the run of pieces that draws as one string
// in the current font, and how many pieces it spans: pieces of the same run
// style whose gaps are exactly a space (or nothing) in that font. One Text
// call per run rather than per word halves the work fpdf does per line and
// the size of the page content, and puts the glyphs exactly where the
// pieces would have put them. Shaded code runs stay one box per word.
func (d *pdfDraw) joinPieces(pieces []piece, st textStyle) (string, int) {
	first := pieces[0]
	if len(pieces) == 1 || (first.in.Code && !st.code) {
		return first.text, 1
	}
	sameRun := func(a, b inline) bool {
		return a.Bold == b.Bold && a.Italic == b.Italic && a.Code == b.Code && a.URL == b.URL
	}
	const eps = 1e-6 // mm; layout's sums differ from a string's width by rounding only
	space := -1.0
	n, end := 1, first.x+first.w
	for ; n < len(pieces); n++ {
		q := pieces[n]
		if !sameRun(first.in, q.in) {
			break
		}
		gap := q.x - end
		if gap > eps {
			if space < 0 {
				space = d.pdf.GetStringWidth(" ")
			}
			if math.Abs(gap-space) > eps {
				break
			}
		} else if gap < -eps {
			break
		}
		end = q.x + q.w
	}
	if n == 1 {
		return first.text, 1
	}
	var b strings.Builder
	prevEnd := first.x + first.w
	b.WriteString(first.text)
	for _, q := range pieces[1:n] {
		if q.x-prevEnd > eps {
			b.WriteByte(' ')
		}
		b.WriteString(q.text)
		prevEnd = q.x + q.w
	}
	return b.String(), n
}

// alignOffset is where a line of width w starts in a box of width box.
func alignOffset(align byte, box, w float64) float64 {
	switch align {
	case 'R':
		return box - w
	case 'C':
		return (box - w) / 2
	}
	return 0
}

// paragraph flows runs from the current position at x, width wide, breaking
// pages between lines; it keeps at least two lines together at either end.
// bar, when set, is drawn beside every line (quotes).
func (d *pdfDraw) paragraph(runs []inline, st textStyle, x, width float64, bar func(y, h float64)) {
	lines := d.layout(runs, width, st)
	d.drawLines(lines, st, x, width, bar)
}

// drawLines draws laid-out lines as paragraph does.
func (d *pdfDraw) drawLines(lines []textLine, st textStyle, x, width float64, bar func(y, h float64)) {
	lh := d.lineHeight(st)
	n := len(lines)
	for i, ln := range lines {
		switch {
		case i == 0:
			d.ensure(float64(min(n, 2)) * lh)
		case i == n-2:
			d.ensure(2 * lh)
		default:
			d.ensure(lh)
		}
		y := d.y()
		if bar != nil {
			bar(y, lh)
		}
		d.drawLine(ln, x+alignOffset(st.align, width, ln.w), y, st)
		d.setY(y + lh)
	}
}

// bodyStyle is the style of running text.
func (d *pdfDraw) bodyStyle() textStyle {
	return textStyle{family: d.bodyFont, size: d.base, color: d.th.text}
}

// The markdown body's measures, shared with the e-mail: gaps in base line
// heights, lengths in mm, sizes as multiples of the base size, tints as
// shares of a colour mixed into the background.
const (
	blocksGap    = 1.0  // above the body
	paraGap      = 0.6  // between blocks
	headingGap   = 0.5  // more above a heading
	headingLead  = 1.25 // a heading's line height, × its size
	listIndent   = 6.0  // where list text starts
	bulletX      = 1.2  // where a bullet starts
	listItemGap  = 0.25 // between list items
	quoteIndent  = 5.0  // where a quote's text starts
	quoteBar     = 0.9  // the width of its accent border
	codeScale    = 0.9
	codePadX     = 4.0
	codePadY     = 2.0
	codeTint     = 0.12 // a code block's fill: the muted colour
	codeRunTint  = 0.14 // an inline code run's shading: the muted colour
	hrTint       = 0.4  // a rule: the muted colour
	hrWidth      = 0.25
	numberGap    = 2.0 // between a list number and its text
	numberIndent = 3.0 // room beside the widest list number
)

// headingScale is the size of a markdown heading of level 1 to 6, × the
// base size. Levels 1 and 2 are drawn in the primary colour.
var headingScale = [...]float64{1.55, 1.3, 1.12, 1, 1, 1}

// blocks draws markdown blocks.
func (d *pdfDraw) blocks(bs []block) {
	if len(bs) == 0 {
		return
	}
	d.gap(d.lh(d.base) * blocksGap)
	body := d.bodyStyle()
	para := d.lh(d.base) * paraGap
	for i, b := range bs {
		if i > 0 {
			d.gap(para)
		}
		switch b.Kind {
		case blockParagraph:
			if pdfIsCodeBlock(b) {
				d.codeBlock(b.Inlines[0])
				continue
			}
			d.paragraph(b.Inlines, body, d.left, d.width, nil)
		case blockHeading:
			d.heading(b)
		case blockList:
			d.list(b)
		case blockTable:
			d.markdownTable(b)
		case blockRule:
			d.gap(para)
			d.ensure(1)
			d.drawColor(d.tint(d.th.muted, hrTint))
			d.pdf.SetLineWidth(hrWidth)
			d.pdf.Line(d.left, d.y(), d.right, d.y())
			d.setY(d.y() + para)
		case blockQuote:
			st := body
			st.color = d.th.muted
			bar := d.th.accent // the quote border of the HTML, a decoration only
			d.paragraph(b.Inlines, st, d.left+quoteIndent, d.width-quoteIndent, func(y, h float64) {
				d.fillColor(bar)
				d.pdf.Rect(d.left, y, quoteBar, h, "F")
			})
		}
	}
}

// pdfIsCodeBlock reports whether b is a fenced or indented code block, which the
// markdown reduction turns into a paragraph of one multi-line code run.
func pdfIsCodeBlock(b block) bool {
	return len(b.Inlines) == 1 && b.Inlines[0].Code && strings.Contains(b.Inlines[0].Text, "\n")
}

// codeBlock draws code on a shaded panel, line by line.
func (d *pdfDraw) codeBlock(in inline) {
	st := d.bodyStyle()
	st.size = d.base * codeScale
	st.code = true
	lh := d.lh(st.size)
	lines := d.layout([]inline{in}, d.width-2*codePadX, st)
	fill := d.tint(d.th.muted, codeTint)
	for i, ln := range lines {
		h := lh
		if i == 0 || i == len(lines)-1 {
			h += codePadY
		}
		d.ensure(h)
		y := d.y()
		d.fillColor(fill)
		d.pdf.Rect(d.left, y, d.width, h, "F")
		ty := y
		if i == 0 {
			ty += codePadY
		}
		d.drawLine(ln, d.left+codePadX, ty, st)
		d.setY(y + h)
	}
}

// heading draws a markdown heading and keeps it with the next two lines.
func (d *pdfDraw) heading(b block) {
	lvl := min(max(b.Level, 1), 6)
	st := textStyle{family: d.headFont, size: d.base * headingScale[lvl-1], color: d.th.text, bold: true}
	if lvl <= 2 {
		st.color = d.th.primary
	}
	st.lead = ptMM(st.size) * headingLead
	d.gap(d.lh(d.base) * headingGap)
	lines := d.layout(b.Inlines, d.width, st)
	d.ensure(float64(len(lines))*st.lead + 2*d.lh(d.base))
	d.drawLines(lines, st, d.left, d.width, nil)
}

// list draws bullet or numbered items with hanging indentation.
func (d *pdfDraw) list(b block) {
	st := d.bodyStyle()
	lh := d.lh(st.size)
	indent := listIndent
	if b.Ordered {
		d.font(st.family, false, st.size)
		last := strconv.Itoa(b.Start + len(b.Items) - 1)
		indent = max(indent, d.pdf.GetStringWidth(last+".")+numberIndent)
	}
	for i, item := range b.Items {
		if i > 0 {
			d.gap(lh * listItemGap)
		}
		lines := d.layout(item, d.width-indent, st)
		d.ensure(float64(min(len(lines), 2)) * lh)
		y := d.y()
		if b.Ordered {
			n := strconv.Itoa(b.Start+i) + "."
			d.font(st.family, false, st.size)
			d.textColor(d.th.muted)
			d.pdf.Text(d.left+indent-numberGap-d.pdf.GetStringWidth(n), y+lh/2+0.3*ptMM(st.size), n)
		} else {
			d.font(st.family, true, st.size)
			d.textColor(d.th.primary)
			d.pdf.Text(d.left+bulletX, y+lh/2+0.3*ptMM(st.size), d.bullet)
		}
		d.drawLines(lines, st, d.left+indent, d.width-indent, nil)
	}
}
