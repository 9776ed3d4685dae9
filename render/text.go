package render

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// textWidth is the plain-text line length: the classic email limit, which
// keeps lines unwrapped by mail clients and readable in quoted replies.
const textWidth = 72

// textRule separates the footer and stands for a markdown rule. It is short so
// that clients with proportional fonts do not wrap it.
var textRule = strings.Repeat("-", 24)

// text renders v as the plain-text part of an email: UTF-8, lines of at most 72
// runes (a single word longer than that stays whole), in the order of the PDF.
// The return line above the address window is left out: it only exists for
// window envelopes and repeats the brand details printed at the top.
func (r *Renderer) text(v *view) []byte {
	var t textDoc

	t.section(wrapText(v.Brand, textWidth)...)
	t.add(wrapEach(v.BrandInfo)...)
	t.section(wrapEach(v.Recipient)...)

	t.section(textHeading(v.Title, "=")...)
	t.add(wrapText(v.Subtitle, textWidth)...)
	t.section(textPairs(v.Info)...)

	t.section(wrapText(v.Greeting, textWidth)...)
	t.section(wrapText(v.Intro, textWidth)...)

	width := textWidth
	if v.Table != nil && len(v.Table.Columns) > 0 {
		cols := make([]textCol, len(v.Table.Columns))
		for i, c := range v.Table.Columns {
			cols[i] = textCol{label: c.Label, right: c.Align == alignRight, share: c.Width}
		}
		var lines []string
		lines, width = textTable(cols, v.Table.Rows, true)
		t.section(lines...)
	}
	t.section(textTotals(v.Totals, width)...)
	t.section(wrapText(v.TaxNote, textWidth)...)
	t.section(wrapText(v.PayBy, textWidth)...)
	t.section(textPairs(v.Payment)...)

	for _, b := range v.Body {
		t.section(textBlock(b)...)
	}
	t.section(textPairs(v.Facts)...)
	if a := v.Action; a != nil && (a.Label != "" || a.URL != "") {
		t.section(wrapText(strings.TrimSpace(a.Label+": "+a.URL), textWidth)...)
	}

	t.section(wrapText(v.SignOff, textWidth)...)
	t.add(wrapText(v.Signature, textWidth)...)

	if len(v.Footer) > 0 {
		t.section(textRule)
		t.add(wrapEach(v.Footer)...)
	}
	return t.bytes()
}

// textDoc collects lines, with one blank line between sections.
type textDoc struct {
	lines []string
	gap   bool // a section started: a blank line goes before its first line
}

// section starts a new section with lines; empty lines at its ends are dropped
// so an empty part of the view leaves no extra gap.
func (t *textDoc) section(lines ...string) {
	for len(t.lines) > 0 && t.lines[len(t.lines)-1] == "" {
		t.lines = t.lines[:len(t.lines)-1]
	}
	t.gap = len(t.lines) > 0
	t.add(lines...)
}

// add appends lines to the current section.
func (t *textDoc) add(lines ...string) {
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l == "" && (t.gap || len(t.lines) == 0) {
			continue
		}
		if t.gap {
			t.lines = append(t.lines, "")
			t.gap = false
		}
		t.lines = append(t.lines, l)
	}
}

func (t *textDoc) bytes() []byte {
	for len(t.lines) > 0 && t.lines[len(t.lines)-1] == "" {
		t.lines = t.lines[:len(t.lines)-1]
	}
	if len(t.lines) == 0 {
		return []byte("\n")
	}
	return []byte(strings.Join(t.lines, "\n") + "\n")
}

// runeLen is s's length in runes, the unit of the text layout.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// padRight pads s with spaces to n runes; padLeft right-aligns it.
func padRight(s string, n int) string { return s + strings.Repeat(" ", max(0, n-runeLen(s))) }
func padLeft(s string, n int) string  { return strings.Repeat(" ", max(0, n-runeLen(s))) + s }

// textWords splits s at ASCII spaces and tabs only: a no-break space (U+00A0,
// U+202F) joins an amount to its currency, so it is part of the word.
func textWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' })
}

// wrapText wraps s to width runes by words, keeping its hard line breaks. A word
// longer than width gets a line of its own rather than being split. An empty s
// gives no lines.
func wrapText(s string, width int) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, width)...)
	}
	return out
}

// wrapLine wraps one line without hard breaks; an empty line stays one empty
// line.
func wrapLine(s string, width int) []string {
	words := textWords(s)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	line, n := words[0], runeLen(words[0])
	for _, w := range words[1:] {
		wn := runeLen(w)
		if n+1+wn > width {
			out = append(out, line)
			line, n = w, wn
			continue
		}
		line += " " + w
		n += 1 + wn
	}
	return append(out, line)
}

// wrapIndent wraps s to width with first before the first line and rest before
// the others ("" for spaces as long as first), for list items, quotes and
// code. Leading spaces of each hard line (code indentation) are kept.
func wrapIndent(s string, width int, first, rest string) []string {
	if rest == "" {
		rest = strings.Repeat(" ", runeLen(first))
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		lead := para[:len(para)-len(strings.TrimLeft(para, " \t"))]
		lead = strings.ReplaceAll(lead, "\t", "    ")
		for _, l := range wrapLine(para, max(1, width-runeLen(rest)-runeLen(lead))) {
			prefix := rest
			if len(out) == 0 {
				prefix = first
			}
			out = append(out, prefix+lead+l)
		}
	}
	return out
}

// wrapEach wraps each of lines.
func wrapEach(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, wrapText(l, textWidth)...)
	}
	return out
}

// textHeading wraps s and underlines it with under as long as its longest line.
func textHeading(s, under string) []string {
	lines := wrapText(s, textWidth)
	if len(lines) == 0 {
		return nil
	}
	long := 0
	for _, l := range lines {
		long = max(long, runeLen(l))
	}
	return append(lines, strings.Repeat(under, min(long, textWidth)))
}

// textPairs lays out label/value pairs in two aligned columns. Labels longer
// than textLabelMax go on a line of their own, with the value indented below.
func textPairs(ps []pair) []string {
	const textLabelMax = 28
	col := 0
	for _, p := range ps {
		if n := runeLen(p.Label); n <= textLabelMax {
			col = max(col, n)
		}
	}
	col += 2
	var out []string
	for _, p := range ps {
		if runeLen(p.Label) > col-2 {
			out = append(out, wrapText(p.Label, textWidth)...)
			for _, l := range wrapText(p.Value, textWidth-col) {
				out = append(out, strings.Repeat(" ", col)+l)
			}
			continue
		}
		vals := wrapText(p.Value, textWidth-col)
		if len(vals) == 0 {
			vals = []string{""}
		}
		for i, l := range vals {
			label := ""
			if i == 0 {
				label = p.Label
			}
			out = append(out, padRight(label, col)+l)
		}
	}
	return out
}

// textCol is a column of a text table.
type textCol struct {
	label string
	right bool
	share float64 // relative width; the largest share is the column that wraps
}

// textTable lays out a table in aligned columns and returns its lines and
// width. One column (the widest share, else the widest content) wraps its text;
// the others keep their full width. With fill the table spans the whole line.
// When the wrapping column cannot get room for its longest word, every row
// becomes a stacked entry instead: the wrapping cell, then "label: value" for
// the other cells.
func textTable(cols []textCol, rows [][]string, fill bool) ([]string, int) {
	const gap = 2
	n := len(cols)
	cell := func(row []string, i int) string {
		if i < len(row) {
			return row[i]
		}
		return ""
	}
	// natural is each column's width with its header on one line; tight with
	// headers wrapped at their words, used when the natural widths leave the
	// wrapping column too little room.
	natural := make([]int, n)
	tight := make([]int, n)
	longestWord := make([]int, n)
	for i, c := range cols {
		natural[i] = runeLen(c.label)
		for _, w := range textWords(c.label) {
			longestWord[i] = max(longestWord[i], runeLen(w))
		}
		tight[i] = longestWord[i]
		for _, row := range rows {
			for _, l := range strings.Split(cell(row, i), "\n") {
				natural[i] = max(natural[i], runeLen(l))
				tight[i] = max(tight[i], runeLen(l))
			}
			for _, w := range textWords(cell(row, i)) {
				longestWord[i] = max(longestWord[i], runeLen(w))
			}
		}
	}
	flex := 0
	for i, c := range cols {
		if c.share > cols[flex].share || (c.share == cols[flex].share && cols[flex].share == 0 && natural[i] > natural[flex]) {
			flex = i
		}
	}
	var widths []int
	for _, try := range [][]int{natural, tight} {
		widths = append([]int(nil), try...)
		fixed := gap * (n - 1)
		for i := range cols {
			if i != flex {
				fixed += try[i]
			}
		}
		widths[flex] = textWidth - fixed
		if !fill {
			widths[flex] = min(widths[flex], natural[flex])
		}
		if widths[flex] >= max(longestWord[flex], min(10, natural[flex])) {
			break
		}
		widths = nil
	}
	if widths == nil {
		return textStacked(cols, rows, flex), textWidth
	}
	tableW := gap * (n - 1)
	for _, w := range widths {
		tableW += w
	}
	var out []string
	// emit lays out cells side by side, each wrapped to its column; bottom
	// aligns the header labels on their last line.
	emit := func(cells []string, bottom bool) {
		wrapped := make([][]string, n)
		height := 1
		for i := range cols {
			wrapped[i] = wrapText(cells[i], widths[i])
			height = max(height, len(wrapped[i]))
		}
		for ln := range height {
			var b strings.Builder
			for i, c := range cols {
				k := ln
				if bottom {
					k = ln - (height - len(wrapped[i]))
				}
				s := ""
				if k >= 0 && k < len(wrapped[i]) {
					s = wrapped[i][k]
				}
				if i > 0 {
					b.WriteString(strings.Repeat(" ", gap))
				}
				if c.right {
					b.WriteString(padLeft(s, widths[i]))
				} else {
					b.WriteString(padRight(s, widths[i]))
				}
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
	}
	labels := make([]string, n)
	for i, c := range cols {
		labels[i] = c.label
	}
	emit(labels, true)
	out = append(out, strings.Repeat("-", tableW))
	// When a description wraps, blank lines between rows show where the next
	// item starts.
	spaced := false
	for _, row := range rows {
		spaced = spaced || len(wrapText(cell(row, flex), widths[flex])) > 1
	}
	for r, row := range rows {
		if spaced && r > 0 {
			out = append(out, "")
		}
		cells := make([]string, n)
		for i := range cols {
			cells[i] = cell(row, i)
		}
		emit(cells, false)
	}
	out = append(out, strings.Repeat("-", tableW))
	return out, tableW
}

// textStacked lays out each row as an entry under the flex column's label: the
// flex cell wrapped, then the other cells as "label: value" items, indented by
// two.
func textStacked(cols []textCol, rows [][]string, flex int) []string {
	out := append(wrapText(cols[flex].label, textWidth), strings.Repeat("-", textWidth))
	for r, row := range rows {
		if r > 0 {
			out = append(out, "")
		}
		get := func(i int) string {
			if i < len(row) {
				return row[i]
			}
			return ""
		}
		out = append(out, wrapText(get(flex), textWidth)...)
		var parts []string
		for i, c := range cols {
			if i == flex || get(i) == "" {
				continue
			}
			v := get(i)
			if c.label != "" {
				v = c.label + ": " + v
			}
			parts = append(parts, v)
		}
		out = append(out, packItems(parts, " · ", textWidth, "  ")...)
	}
	return append(out, strings.Repeat("-", textWidth))
}

// packItems fills lines of width with items joined by sep, each line started
// with indent. An item is broken only when it cannot fit on a line of its own,
// so a label stays with its value.
func packItems(items []string, sep string, width int, indent string) []string {
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line != "" && runeLen(line+sep+it) <= width:
			line += sep + it
			continue
		case line != "":
			out = append(out, strings.TrimRight(line, " "))
		}
		line = indent + it
		if runeLen(line) > width {
			wrapped := wrapIndent(it, width, indent, "")
			out = append(out, wrapped[:len(wrapped)-1]...)
			line = wrapped[len(wrapped)-1]
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// textTotals right-aligns the totals to the table's right edge, with a rule
// above the strong row (the amount due) as the PDF has.
func textTotals(rows []totalRow, width int) []string {
	if len(rows) == 0 {
		return nil
	}
	lw, vw := 0, 0
	for _, t := range rows {
		lw, vw = max(lw, runeLen(t.Label)), max(vw, runeLen(t.Value))
	}
	block := lw + 2 + vw
	var out []string
	if block > width {
		// Too wide to align: one wrapped "label value" line each.
		for _, t := range rows {
			out = append(out, wrapText(t.Label+"  "+t.Value, textWidth)...)
		}
		return out
	}
	indent := strings.Repeat(" ", width-block)
	for i, t := range rows {
		if t.Strong && i > 0 {
			out = append(out, indent+strings.Repeat("-", block))
		}
		out = append(out, indent+padRight(t.Label, lw)+"  "+padLeft(t.Value, vw))
	}
	return out
}

// textBlock renders one markdown block.
func textBlock(b block) []string {
	switch b.Kind {
	case blockParagraph:
		if len(b.Inlines) == 1 && b.Inlines[0].Code {
			return wrapIndent(b.Inlines[0].Text, textWidth, "    ", "") // a code block: indented, as markdown has it
		}
		return wrapText(textInlines(b.Inlines), textWidth)
	case blockHeading:
		if b.Level <= 1 {
			return textHeading(textInlines(b.Inlines), "=")
		}
		return textHeading(textInlines(b.Inlines), "-")
	case blockList:
		markers := make([]string, len(b.Items))
		mw := 0
		for i := range b.Items {
			markers[i] = "- "
			if b.Ordered {
				markers[i] = strconv.Itoa(b.Start+i) + ". "
			}
			mw = max(mw, runeLen(markers[i]))
		}
		var out []string
		for i, item := range b.Items {
			m := markers[i]
			if b.Ordered {
				m = padLeft(strings.TrimSuffix(m, " "), mw-1) + " "
			}
			lines := wrapIndent(textInlines(item), textWidth, m, "")
			if len(lines) == 0 {
				lines = []string{strings.TrimRight(m, " ")}
			}
			out = append(out, lines...)
		}
		return out
	case blockTable:
		cols := make([]textCol, len(b.Header))
		for i, h := range b.Header {
			cols[i] = textCol{label: textInlines(h), right: i < len(b.Aligns) && b.Aligns[i] == alignRight}
		}
		rows := make([][]string, len(b.Rows))
		for i, row := range b.Rows {
			for _, c := range row {
				rows[i] = append(rows[i], textInlines(c))
			}
		}
		lines, _ := textTable(cols, rows, false)
		return lines
	case blockRule:
		return []string{textRule}
	case blockQuote:
		return wrapIndent(textInlines(b.Inlines), textWidth, "> ", "> ") // every line marked, as in a mail reply
	}
	return nil
}

// textInlines joins inlines as text: *bold*, _italic_, and each link's text
// followed by its URL in angle brackets (just the URL when that is the text).
func textInlines(ins []inline) string {
	var b strings.Builder
	for i := 0; i < len(ins); i++ {
		in := ins[i]
		if in.URL == "" {
			b.WriteString(textStyled(in))
			continue
		}
		// A link may span several inlines of different styles.
		var label, plainLabel strings.Builder
		for ; i < len(ins) && ins[i].URL == in.URL; i++ {
			label.WriteString(textStyled(ins[i]))
			plainLabel.WriteString(ins[i].Text)
		}
		i--
		l := label.String()
		plain := strings.TrimSpace(plainLabel.String())
		switch {
		case plain == in.URL || "mailto:"+plain == in.URL:
			b.WriteString(l)
		default:
			b.WriteString(strings.TrimRight(l, " ") + " <" + in.URL + ">")
			if strings.HasSuffix(l, " ") {
				b.WriteString(" ")
			}
		}
	}
	return b.String()
}

// textStyled marks a bold or italic run the way plain-text mail does, keeping
// the run's outer spaces outside the marks.
func textStyled(in inline) string {
	mark := ""
	switch {
	case in.Bold:
		mark = "*"
	case in.Italic:
		mark = "_"
	}
	core := strings.Trim(in.Text, " ")
	if mark == "" || core == "" || strings.Contains(core, "\n") {
		return in.Text
	}
	start := strings.Index(in.Text, core)
	return in.Text[:start] + mark + core + mark + in.Text[start+len(core):]
}
