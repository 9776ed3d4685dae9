package render

import "strings"

// gridCol is a table column's width in mm and alignment.
type gridCol struct {
	w     float64
	align align
}

// gridStyle is how a table is drawn.
type gridStyle struct {
	size, headSize float64 // pt
	headFill       *rgb    // nil: no header fill, a rule under the header instead
	headText       rgb
	zebra          *rgb   // nil: no zebra rows
	rules          string // none, horizontal, grid
	ruleColor      rgb
	padX, padY     float64
}

// grid draws a table at the current position. Rows never split: a row that
// does not fit goes to the next page, under a repeated header.
func (d *pdfDraw) grid(cols []gridCol, header [][]inline, rows [][][]inline, gs gridStyle) {
	pdf := d.pdf
	total := 0.0
	for _, c := range cols {
		total += c.w
	}
	x0 := d.left
	body := d.bodyStyle()
	body.size = gs.size
	head := textStyle{family: d.bodyFont, size: gs.headSize, color: gs.headText, bold: true}

	type laid struct {
		cells [][]textLine
		h     float64
	}
	layRow := func(cells [][]inline, st textStyle) laid {
		var r laid
		lines := 1
		for i, c := range cols {
			var cell []inline
			if i < len(cells) {
				cell = cells[i]
			}
			ls := d.layout(cell, c.w-2*gs.padX, st)
			r.cells = append(r.cells, ls)
			lines = max(lines, len(ls))
		}
		r.h = float64(lines)*d.lineHeight(st) + 2*gs.padY
		return r
	}
	drawRow := func(r laid, st textStyle, fill *rgb, isHead bool) {
		y := d.y()
		if fill != nil {
			d.fillColor(*fill)
			pdf.Rect(x0, y, total, r.h, "F")
		}
		lh := d.lineHeight(st)
		x := x0
		for i, c := range cols {
			for j, ln := range r.cells[i] {
				lx := x + gs.padX + alignOffset(pdfAlign(c.align), c.w-2*gs.padX, ln.w)
				d.drawLine(ln, lx, y+gs.padY+float64(j)*lh, st)
			}
			x += c.w
		}
		d.drawColor(gs.ruleColor)
		pdf.SetLineWidth(ruleWidth)
		switch {
		case gs.rules == "grid" && !(isHead && gs.headFill != nil):
			x = x0
			for _, c := range cols {
				pdf.Rect(x, y, c.w, r.h, "D")
				x += c.w
			}
		case isHead && gs.headFill == nil:
			d.drawColor(d.th.text)
			pdf.SetLineWidth(0.3)
			pdf.Line(x0, y+r.h, x0+total, y+r.h)
		case gs.rules == "horizontal" && !isHead:
			pdf.Line(x0, y+r.h, x0+total, y+r.h)
		}
		d.setY(y + r.h)
	}

	var hd laid
	if len(header) > 0 {
		hd = layRow(header, head)
	}
	drawHead := func() {
		if len(header) > 0 {
			drawRow(hd, head, gs.headFill, true)
		}
	}
	laidRows := make([]laid, len(rows))
	for i, r := range rows {
		laidRows[i] = layRow(r, body)
	}
	first := 0.0
	if len(laidRows) > 0 {
		first = laidRows[0].h
	}
	// Never leave a header alone at the foot of a page.
	d.ensure(hd.h + first)
	drawHead()
	d.tableHeader = drawHead
	for i, r := range laidRows {
		d.ensure(r.h)
		var fill *rgb
		if gs.zebra != nil && i%2 == 1 {
			fill = gs.zebra
		}
		drawRow(r, body, fill, false)
	}
	d.tableHeader = nil
}

// fitSlack widens what a cell needs to fit on one line: a browser sets the
// e-mail's text a little wider or narrower than the PDF, and a column
// fitted exactly would wrap a line in one channel only (or in the PDF, by
// a rounding error).
const fitSlack = 1.04

// minFirstColumn is the share of the width the first column keeps at least
// when columnWidths widens the others.
const minFirstColumn = 0.25

// columnWidths shares width (mm) among t's columns by their shares, then
// widens each column after the first to its widest word, padding included,
// taking the room from the first column, whose descriptions wrap; when
// descriptions would wrap, the other columns give the first what their
// shares leave beyond their widest cell. A word is
// text between spaces: an amount and its currency, joined by a no-break
// space, are one, so an amount is never cut between its digits. measure
// gives a word's width in the header's type or the rows'. The e-mail sizes
// its columns with the same function.
func columnWidths(t *table, width float64, measure func(s string, head bool) float64) []float64 {
	share := 0.0
	for _, c := range t.Columns {
		share += c.Width
	}
	w := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		w[i] = width / float64(len(t.Columns))
		if share > 0 {
			w[i] = c.Width / share * width
		}
	}
	widest := func(s string, head bool) float64 {
		m := 0.0
		for _, word := range strings.Split(s, " ") {
			m = max(m, measure(word, head))
		}
		return m
	}
	needs := make([]float64, len(w))
	for j := 1; j < len(w); j++ {
		need := widest(t.Columns[j].Label, true)
		for _, r := range t.Rows {
			if j < len(r) {
				need = max(need, widest(r[j], false))
			}
		}
		need += 2 * cellPadX
		if take := min(need-w[j], w[0]-width*minFirstColumn); take > 0 {
			w[0] -= take
			w[j] += take
		}
		needs[j] = need
	}
	// Descriptions that would wrap take the room the other columns' shares
	// leave beyond their widest cell, in proportion, up to the longest
	// description's width: a long invoice is not a page of two-line rows
	// beside half-empty number columns. Invoices whose descriptions fit keep
	// the shares.
	want := 0.0
	for _, r := range t.Rows {
		if len(r) > 0 {
			for _, line := range strings.Split(r[0], "\n") {
				want = max(want, measure(line, false)*fitSlack+2*cellPadX)
			}
		}
	}
	short := want - w[0]
	if short <= 0 {
		return w
	}
	// What each other column needs to show every cell on one line, which
	// is as far as it gives room to the descriptions.
	fits := make([]float64, len(w))
	spare := 0.0
	for j := 1; j < len(w); j++ {
		fit := widest(t.Columns[j].Label, true)
		for _, r := range t.Rows {
			if j < len(r) {
				fit = max(fit, measure(r[j], false))
			}
		}
		fits[j] = max(needs[j], fit*fitSlack+2*cellPadX)
		spare += max(0, w[j]-fits[j])
	}
	if spare > 0 {
		give := min(short, spare) / spare
		for j := 1; j < len(w); j++ {
			if s := w[j] - fits[j]; s > 0 {
				w[j] -= s * give
				w[0] += s * give
			}
		}
	}
	return w
}

// pdfAlign is a for alignOffset.
func pdfAlign(a align) byte {
	if a == alignRight {
		return 'R'
	}
	return 'L'
}

// The invoice table's measures, shared with the e-mail: sizes as multiples
// of the base size, lengths in mm, tints as shares of a colour mixed into
// the background.
const (
	tableGap  = 4.0  // above the table
	headScale = 0.85 // the header's type
	cellScale = 0.95 // the rows' type
	cellPadX  = 2.5
	cellPadY  = 2.1
	ruleTint  = 0.3  // rules: the muted colour
	ruleWidth = 0.2  // rules
	zebraTint = 0.06 // zebra rows: the primary
)

// invoiceTable draws the invoice lines.
func (d *pdfDraw) invoiceTable() {
	t := d.v.Table
	if t == nil || len(t.Columns) == 0 {
		return
	}
	body := textStyle{family: d.bodyFont, size: d.base * cellScale}
	head := textStyle{family: d.bodyFont, size: d.base * headScale, bold: true}
	widths := columnWidths(t, d.width, func(s string, isHead bool) float64 {
		if isHead {
			return d.textWidth(head, inline{}, s)
		}
		return d.textWidth(body, inline{}, s)
	})
	cols := make([]gridCol, len(t.Columns))
	header := make([][]inline, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = gridCol{w: widths[i], align: c.Align}
		header[i] = pdfPlain(c.Label)
	}
	rows := make([][][]inline, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = make([][]inline, len(r))
		for j, cell := range r {
			rows[i][j] = pdfPlain(cell)
		}
	}
	th := d.th
	lay := th.kit.Layout.Table
	fill := th.primary
	gs := gridStyle{
		size: d.base * cellScale, headSize: d.base * headScale,
		headFill: &fill, headText: d.onColor(th.primary),
		rules: lay.Rules, ruleColor: d.tint(th.muted, ruleTint),
		padX: cellPadX, padY: cellPadY,
	}
	if lay.Zebra {
		z := d.tint(th.primary, zebraTint)
		gs.zebra = &z
	}
	d.gap(tableGap)
	d.grid(cols, header, rows, gs)
}

// totals draws the totals under the table, right-aligned with its amount
// column. The block never splits.
func (d *pdfDraw) totals() {
	rows := d.v.Totals
	if len(rows) == 0 {
		return
	}
	pdf, th := d.pdf, d.th
	w := totalsWidth(d.v.Table, d.width)
	x := d.right - w
	st := d.bodyStyle()
	lh := d.lh(st.size) + totalsAir
	strong := st
	strong.size = d.base * strongScale
	strong.bold = true
	strong.color = th.primary
	slh := d.lh(strong.size) + strongAir
	h := totalsGap
	for _, r := range rows {
		if r.Strong {
			h += slh + 2*strongGap
		} else {
			h += lh
		}
	}
	d.ensure(h)
	d.setY(d.y() + totalsGap)
	for _, r := range rows {
		s, rh := st, lh
		if r.Strong {
			s, rh = strong, slh
			d.setY(d.y() + strongGap)
			d.drawColor(th.primary)
			pdf.SetLineWidth(strongRule)
			pdf.Line(x, d.y(), d.right, d.y())
			d.setY(d.y() + strongGap)
		}
		y := d.y()
		label := d.layout(pdfPlain(r.Label), w*0.6, s)
		value := d.layout(pdfPlain(r.Value), w*0.6, s)
		if !r.Strong {
			s.color = th.muted
		}
		d.drawLine(label[0], x+cellPadX, y, s)
		s.color = st.color
		if r.Strong {
			s.color = th.primary
		}
		d.drawLine(value[0], d.right-cellPadX-value[0].w, y, s)
		d.setY(y + rh)
	}
}

// The totals' measures in mm, shared with the e-mail.
const (
	totalsGap   = 3.0 // above the totals
	totalsAir   = 1.2 // under each row's line
	strongScale = 1.2 // the amount due's size, × the base size
	strongAir   = 1.5 // under the amount due's line
	strongGap   = 1.5 // above and below the rule over the amount due
	strongRule  = 0.4
)

// totalsWidth is the width of the totals, mm, in a content box width mm
// wide: 45% of it, or more to line up with the last two columns of t.
func totalsWidth(t *table, width float64) float64 {
	w := width * 0.45
	if t != nil && len(t.Columns) >= 2 {
		n := len(t.Columns)
		w = max(w, (t.Columns[n-1].Width+t.Columns[n-2].Width)*width)
	}
	return min(w, width)
}

// A markdown table's measures, shared with the e-mail.
const (
	mdPadY     = 1.6  // mm, above and below a cell's text
	mdColAir   = 10.0 // mm added to a column's widest text
	mdColMin   = 18.0 // mm, the narrowest column
	mdHeadTint = 0.08 // the header's fill: the primary
)

// markdownTable draws a GFM table from markdown, full width, columns sized by
// their content.
func (d *pdfDraw) markdownTable(b block) {
	n := len(b.Header)
	for _, r := range b.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	st := d.bodyStyle()
	st.size = d.base * cellScale
	natural := make([]float64, n)
	measure := func(cells [][]inline, bold bool) {
		for i, c := range cells {
			w := 0.0
			for _, in := range c {
				s := st
				s.bold = bold
				w += d.textWidth(s, in, in.Text)
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
		natural[i] = min(max(natural[i]+mdColAir, mdColMin), d.width) // padding and air
		sum += natural[i]
	}
	cols := make([]gridCol, n)
	for i := range cols {
		cols[i].w = natural[i]
		if sum > d.width {
			cols[i].w = natural[i] / sum * d.width
		}
		if i < len(b.Aligns) {
			cols[i].align = b.Aligns[i]
		}
	}
	fill := d.tint(d.th.primary, mdHeadTint)
	gs := gridStyle{
		size: st.size, headSize: st.size,
		headFill: &fill, headText: d.th.text,
		rules: "horizontal", ruleColor: d.tint(d.th.muted, ruleTint),
		padX: cellPadX, padY: mdPadY,
	}
	d.grid(cols, b.Header, b.Rows, gs)
}
