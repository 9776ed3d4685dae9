package render

import (
	"bufio"
	"bytes"
	stdhtml "html"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// mdParser is CommonMark plus GFM tables (goldmark.New with extension.Table,
// but with the table transformer behind tableGuard). goldmark parsers are safe
// for concurrent use: they set themselves up once under a sync.Once.
var mdParser = func() parser.Parser {
	p := goldmark.DefaultParser()
	p.AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(tableGuard{extension.NewTableParagraphTransformer()}, 200)),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
	return p
}()

// maxTableColumns is the widest table parsed as one; a wider one stays a
// paragraph of its literal text. No channel can lay out more, and goldmark pads
// every short row to the full width, so a few kilobytes of "|-|-|-…" with many
// one-cell rows would otherwise become millions of nodes.
const maxTableColumns = 32

// tableGuard runs goldmark's table transformer only on paragraphs without a
// delimiter row wider than maxTableColumns.
type tableGuard struct {
	parser.ParagraphTransformer
}

// Transform implements parser.ParagraphTransformer.
func (g tableGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		line := seg.Value(reader.Source())
		isDelim := len(bytes.Trim(line, "|-: \t\r\n")) == 0
		if isDelim && bytes.Count(line, []byte("|")) > maxTableColumns+1 {
			return
		}
	}
	g.ParagraphTransformer.Transform(node, reader, pc)
}

// nestIndent indents one level of a nested list flattened into its parent item.
// No-break spaces, because HTML would collapse ordinary ones.
const nestIndent = "\u00a0\u00a0\u00a0"

// parseMarkdown parses CommonMark with GFM tables into blocks all three
// channels can show.
//
//   - Raw HTML is never passed through: HTML blocks are dropped whole, inline
//     tags are dropped and the text between them is kept as plain text.
//   - Links keep their URL only for http, https (with a host) and mailto; any
//     other link, e.g. javascript: or a relative one, becomes plain text.
//   - Images become their alt text. Code blocks become paragraphs of one Code
//     inline, lines separated by "\n".
//   - Soft line breaks become a space, hard breaks "\n".
//   - A nested list is flattened into its parent item: each nested item is a
//     further line ("\n") of the parent item, indented with no-break spaces and
//     started with "• " or its number, so the top-level numbering stays right.
//     Paragraphs inside one item or quote are separate lines as well.
//   - Table alignments are only left or right: centre becomes left.
//   - Strikethrough is not enabled, so "~~x~~" keeps its tildes: a struck-out
//     price shown as a plain one would mislead.
//
// Text is valid UTF-8 with no control characters other than "\n" and "\t".
// Adjacent inlines of the same style are merged; empty paragraphs, headings and
// quotes are dropped, empty list items kept so numbering matches the source.
func parseMarkdown(src string) []block {
	source := []byte(src)
	doc := mdParser.Parse(text.NewReader(source))
	w := mdWalker{src: source}
	var out []block
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		out = append(out, w.block(n)...)
	}
	return out
}

// plainInlines joins the inlines' text, dropping styles and URLs.
func plainInlines(ins []inline) string {
	var b strings.Builder
	for _, in := range ins {
		b.WriteString(in.Text)
	}
	return b.String()
}

// mdWalker turns goldmark's AST over src into blocks and inlines.
type mdWalker struct {
	src []byte
}

// block converts one top-level block node.
func (w mdWalker) block(n ast.Node) []block {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return nonEmpty(block{Kind: blockParagraph, Inlines: w.inlines(n)})
	case *ast.Heading:
		return nonEmpty(block{Kind: blockHeading, Level: min(max(n.Level, 1), 6), Inlines: w.inlines(n)})
	case *ast.ThematicBreak:
		return []block{{Kind: blockRule}}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		return nonEmpty(block{Kind: blockParagraph, Inlines: w.code(n)})
	case *ast.HTMLBlock:
		return nil
	case *ast.Blockquote:
		return nonEmpty(block{Kind: blockQuote, Inlines: joinLines(w.lines(n, 0))})
	case *ast.List:
		b := block{Kind: blockList, Ordered: n.IsOrdered()}
		if b.Ordered {
			b.Start = n.Start
		}
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			b.Items = append(b.Items, joinLines(w.lines(item, 1)))
		}
		return []block{b}
	case *east.Table:
		return []block{w.table(n)}
	default:
		return nonEmpty(block{Kind: blockParagraph, Inlines: joinLines(w.lines(n, 0))})
	}
}

// nonEmpty drops a paragraph, heading or quote with nothing to show.
func nonEmpty(b block) []block {
	if len(b.Inlines) == 0 {
		return nil
	}
	return []block{b}
}

// lines flattens a container's children into lines of inlines, for list items
// and quotes, which hold inlines only. Lists met here are indented depth
// levels.
func (w mdWalker) lines(container ast.Node, depth int) [][]inline {
	var out [][]inline
	add := func(ins []inline) {
		if len(ins) > 0 {
			out = append(out, ins)
		}
	}
	for c := container.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			add(w.inlines(c))
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			add(w.code(c))
		case *ast.HTMLBlock, *ast.ThematicBreak:
		case *ast.List:
			n := c.Start
			for item := c.FirstChild(); item != nil; item = item.NextSibling() {
				marker := "• "
				if c.IsOrdered() {
					marker = strconv.Itoa(n) + ". "
					n++
				}
				sub := w.lines(item, depth+1)
				if len(sub) == 0 {
					sub = [][]inline{nil}
				}
				prefix := inline{Text: strings.Repeat(nestIndent, depth) + marker}
				sub[0] = mergeInlines(append([]inline{prefix}, sub[0]...))
				out = append(out, sub...)
			}
		case *east.Table:
			out = append(out, tableLines(w.tableCells(c))...)
		default:
			out = append(out, w.lines(c, depth)...)
		}
	}
	return out
}

// joinLines joins lines with "\n".
func joinLines(lines [][]inline) []inline {
	var out []inline
	for i, l := range lines {
		if i > 0 {
			out = append(out, inline{Text: "\n"})
		}
		out = append(out, l...)
	}
	return mergeInlines(out)
}

// table converts a GFM table. The header fixes the column count, as in GFM:
// short rows are padded with empty cells, long ones cut.
func (w mdWalker) table(n *east.Table) block {
	header, rows := w.tableCells(n)
	cols := len(header)
	b := block{Kind: blockTable, Header: header, Rows: rows}
	for i, row := range b.Rows {
		for len(row) < cols {
			row = append(row, nil)
		}
		b.Rows[i] = row[:cols]
	}
	b.Aligns = make([]align, cols)
	for i := range b.Aligns {
		if i < len(n.Alignments) && n.Alignments[i] == east.AlignRight {
			b.Aligns[i] = alignRight
		}
	}
	return b
}

// tableCells returns a table's header and rows as parsed, rows not padded.
func (w mdWalker) tableCells(n *east.Table) (header [][]inline, rows [][][]inline) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.(type) {
		case *east.TableHeader:
			header = w.cells(c)
		case *east.TableRow:
			rows = append(rows, w.cells(c))
		}
	}
	return header, rows
}

// tableLines flattens a table into a line per row, cells separated by " | ".
func tableLines(header [][]inline, rows [][][]inline) [][]inline {
	var out [][]inline
	for _, row := range append([][][]inline{header}, rows...) {
		var line []inline
		for i, cell := range row {
			if i > 0 {
				line = append(line, inline{Text: " | "})
			}
			line = append(line, cell...)
		}
		if line = mergeInlines(line); len(line) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// cells returns a table row's cells.
func (w mdWalker) cells(row ast.Node) [][]inline {
	var out [][]inline
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		out = append(out, w.inlines(c))
	}
	return out
}

// code returns a code block's text as one Code inline, without the final
// newline.
func (w mdWalker) code(n ast.Node) []inline {
	var b strings.Builder
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(w.src))
	}
	return mergeInlines([]inline{{Text: strings.TrimRight(b.String(), "\n"), Code: true}})
}

// inlines converts a block's inline children, trimmed at both ends.
func (w mdWalker) inlines(n ast.Node) []inline {
	var out []inline
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(c, inline{}, &out)
	}
	out = mergeInlines(out)
	// Trailing spaces and breaks at a block's edges show nothing; code keeps its
	// spaces.
	if len(out) > 0 && !out[0].Code {
		out[0].Text = strings.TrimLeft(out[0].Text, " \n")
	}
	if last := len(out) - 1; last >= 0 && !out[last].Code {
		out[last].Text = strings.TrimRight(out[last].Text, " \n")
	}
	return mergeInlines(out)
}

// inline appends n's text to out in style st (Text empty).
func (w mdWalker) inline(n ast.Node, st inline, out *[]inline) {
	emit := func(s string) {
		in := st
		in.Text = s
		*out = append(*out, in)
	}
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(w.src)
		if n.IsRaw() {
			emit(string(v))
		} else {
			emit(unescapeMarkdown(v))
		}
		switch {
		case n.HardLineBreak():
			emit("\n")
		case n.SoftLineBreak():
			emit(" ")
		}
	case *ast.String:
		if n.IsCode() || n.IsRaw() {
			emit(string(n.Value))
		} else {
			emit(unescapeMarkdown(n.Value))
		}
	case *ast.CodeSpan:
		st.Code = true
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			var v []byte
			switch c := c.(type) {
			case *ast.Text:
				v = c.Segment.Value(w.src)
			case *ast.String:
				v = c.Value
			}
			// A code span's line ending is a space, as CommonMark says.
			if s, ok := bytes.CutSuffix(v, []byte("\n")); ok {
				v = append(s[:len(s):len(s)], ' ')
			}
			emit(string(v))
		}
	case *ast.Emphasis:
		if n.Level >= 2 {
			st.Bold = true
		} else {
			st.Italic = true
		}
		w.children(n, st, out)
	case *ast.Link:
		st.URL = safeURL(string(util.URLEscape(n.Destination, true)))
		before := len(*out)
		w.children(n, st, out)
		if plainInlines((*out)[before:]) == "" && st.URL != "" {
			emit(st.URL) // "[](https://x)" would otherwise lose its link
		}
	case *ast.AutoLink:
		label := string(n.Label(w.src))
		raw := n.URL(w.src)
		if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(raw), []byte("mailto:")) {
			raw = append([]byte("mailto:"), raw...)
		}
		st.URL = safeURL(string(util.URLEscape(raw, false)))
		emit(label)
	case *ast.RawHTML:
		// Dropped: see parseMarkdown.
	default:
		// Images (their children are the alt text) and anything else: their text.
		w.children(n, st, out)
	}
}

// children converts n's children in style st.
func (w mdWalker) children(n ast.Node, st inline, out *[]inline) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(c, st, out)
	}
}

// unescapeMarkdown resolves backslash escapes and entity references in text.
// It reuses goldmark's own HTML writer, so the rules are exactly goldmark's,
// then undoes the writer's HTML escaping: the result is plain text.
func unescapeMarkdown(v []byte) string {
	if bytes.IndexAny(v, "\\&\x00") < 0 {
		return string(v) // nothing to resolve, the common case
	}
	var buf bytes.Buffer
	bw := bufio.NewWriterSize(&buf, len(v)+16)
	gmhtml.DefaultWriter.Write(bw, v)
	_ = bw.Flush() // cannot fail: bytes.Buffer
	return stdhtml.UnescapeString(buf.String())
}

// safeURL returns u if it is an http(s) URL with a host or a mailto URL with an
// address, and "" otherwise.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		if p.Host == "" {
			return ""
		}
	case "mailto":
		if p.Opaque == "" {
			return ""
		}
	default:
		return ""
	}
	return u
}

// mergeInlines cleans each inline's text (valid UTF-8, no control characters
// but "\n" and "\t"), drops empty ones and merges neighbours of the same style.
// Runs are joined once at the end: appending piece by piece would be quadratic
// for a long paragraph of many small text nodes.
func mergeInlines(ins []inline) []inline {
	var out []inline
	var run []string // texts of out's last inline
	flush := func() {
		if len(run) > 1 {
			out[len(out)-1].Text = strings.Join(run, "")
		}
		run = run[:0]
	}
	for _, in := range ins {
		in.Text = cleanText(in.Text)
		if in.Text == "" {
			continue
		}
		if len(out) > 0 && sameStyle(out[len(out)-1], in) {
			run = append(run, in.Text)
			continue
		}
		flush()
		out = append(out, in)
		run = append(run, in.Text)
	}
	flush()
	return out
}

func sameStyle(a, b inline) bool {
	return a.Bold == b.Bold && a.Italic == b.Italic && a.Code == b.Code && a.URL == b.URL
}

// cleanText makes s safe for every channel: PDF text and HTML both choke on
// invalid UTF-8 and control characters.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsFunc(s, isDroppedControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isDroppedControl(r) {
			return -1
		}
		return r
	}, s)
}

func isDroppedControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\t'
}
