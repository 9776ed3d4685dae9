package render

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shorthands for expected inlines.
func mdTxt(s string) inline       { return inline{Text: s} }
func mdBold(s string) inline      { return inline{Text: s, Bold: true} }
func mdItal(s string) inline      { return inline{Text: s, Italic: true} }
func mdCode(s string) inline      { return inline{Text: s, Code: true} }
func mdLink(s, url string) inline { return inline{Text: s, URL: url} }
func mdIns(in ...inline) []inline { return in }
func mdPara(in ...inline) block   { return block{Kind: blockParagraph, Inlines: in} }

func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []block
	}{
		{name: "empty", src: "", want: nil},
		{name: "blank", src: "  \n\n\t\n", want: nil},
		{
			name: "inline styles",
			src:  "Hello *world* and **bold** `x < y` ***both*** _it_",
			want: []block{mdPara(mdTxt("Hello "), mdItal("world"), mdTxt(" and "), mdBold("bold"), mdTxt(" "),
				mdCode("x < y"), mdTxt(" "), inline{Text: "both", Bold: true, Italic: true}, mdTxt(" "), mdItal("it"))},
		},
		{
			name: "breaks entities and escapes",
			src:  "a &amp; b &copy; &#x26; &bogus; \\*lit\\*\nsoft  \nhard",
			want: []block{mdPara(mdTxt("a & b © & &bogus; *lit* soft\nhard"))},
		},
		{
			name: "code span line ending is a space",
			src:  "`a\nb`",
			want: []block{mdPara(mdCode("a b"))},
		},
		{
			name: "adjacent same style merged",
			src:  "**a** **b**",
			want: []block{mdPara(mdBold("a"), mdTxt(" "), mdBold("b"))},
		},
		{
			name: "merged across emphasis levels",
			src:  "*a*_b_",
			want: []block{mdPara(mdItal("ab"))},
		},
		{
			name: "headings",
			src:  "# One\n\nTwo\n---\n\n###### Six *x*\n\n#",
			want: []block{
				{Kind: blockHeading, Level: 1, Inlines: mdIns(mdTxt("One"))},
				{Kind: blockHeading, Level: 2, Inlines: mdIns(mdTxt("Two"))},
				{Kind: blockHeading, Level: 6, Inlines: mdIns(mdTxt("Six "), mdItal("x"))},
			},
		},
		{
			name: "rule",
			src:  "a\n\n***\n\nb",
			want: []block{mdPara(mdTxt("a")), {Kind: blockRule}, mdPara(mdTxt("b"))},
		},
		{
			name: "unordered list",
			src:  "- one\n- *two*\n-\n- three",
			want: []block{{Kind: blockList, Items: [][]inline{
				mdIns(mdTxt("one")), mdIns(mdItal("two")), nil, mdIns(mdTxt("three")),
			}}},
		},
		{
			name: "ordered list with start",
			src:  "7. seven\n8. eight",
			want: []block{{Kind: blockList, Ordered: true, Start: 7, Items: [][]inline{
				mdIns(mdTxt("seven")), mdIns(mdTxt("eight")),
			}}},
		},
		{
			name: "ordered list from zero",
			src:  "0) zero\n1) one",
			want: []block{{Kind: blockList, Ordered: true, Start: 0, Items: [][]inline{
				mdIns(mdTxt("zero")), mdIns(mdTxt("one")),
			}}},
		},
		{
			name: "nested lists flattened into the parent item",
			src:  "1. one\n2. two\n   - a *b*\n   - c\n     1. deep\n3. three",
			want: []block{{Kind: blockList, Ordered: true, Start: 1, Items: [][]inline{
				mdIns(mdTxt("one")),
				mdIns(mdTxt("two\n\u00a0\u00a0\u00a0• a "), mdItal("b"),
					mdTxt("\n\u00a0\u00a0\u00a0• c\n\u00a0\u00a0\u00a0\u00a0\u00a0\u00a01. deep")),
				mdIns(mdTxt("three")),
			}}},
		},
		{
			name: "loose item paragraphs are lines",
			src:  "- a\n\n  second\n- b",
			want: []block{{Kind: blockList, Items: [][]inline{
				mdIns(mdTxt("a\nsecond")), mdIns(mdTxt("b")),
			}}},
		},
		{
			name: "table",
			src:  "| Item | Qty | Note |\n|:--|--:|:-:|\n| *a* | 2 |\n| b | 3 | c | extra |",
			want: []block{{
				Kind:   blockTable,
				Header: [][]inline{mdIns(mdTxt("Item")), mdIns(mdTxt("Qty")), mdIns(mdTxt("Note"))},
				Rows: [][][]inline{
					{mdIns(mdItal("a")), mdIns(mdTxt("2")), nil},
					{mdIns(mdTxt("b")), mdIns(mdTxt("3")), mdIns(mdTxt("c"))},
				},
				Aligns: []align{alignLeft, alignRight, alignLeft},
			}},
		},
		{
			name: "table in a list item is lines",
			src:  "- | a | b |\n  |---|---|\n  | 1 | 2 |",
			want: []block{{Kind: blockList, Items: [][]inline{mdIns(mdTxt("a | b\n1 | 2"))}}},
		},
		{
			name: "too wide table stays a paragraph",
			src:  "|" + strings.Repeat(" c |", maxTableColumns+1) + "\n|" + strings.Repeat("-|", maxTableColumns+1) + "\n| 1 |",
			want: []block{mdPara(mdTxt("|" + strings.Repeat(" c |", maxTableColumns+1) + " |" + strings.Repeat("-|", maxTableColumns+1) + " | 1 |"))},
		},
		{
			name: "widest table parsed",
			src:  "|" + strings.Repeat(" c |", maxTableColumns) + "\n|" + strings.Repeat("-|", maxTableColumns) + "\n| 1 |",
			want: []block{{
				Kind:   blockTable,
				Header: slices.Repeat([][]inline{mdIns(mdTxt("c"))}, maxTableColumns),
				Rows:   [][][]inline{append([][]inline{mdIns(mdTxt("1"))}, make([][]inline, maxTableColumns-1)...)},
				Aligns: make([]align, maxTableColumns),
			}},
		},
		{
			name: "blockquote",
			src:  "> quote\n> more\n>\n> second\n> - item\n>\n> > nested",
			want: []block{{Kind: blockQuote, Inlines: mdIns(mdTxt("quote more\nsecond\n• item\nnested"))}},
		},
		{
			name: "fenced and indented code",
			src:  "```go\nif a < b {\n\treturn\n}\n```\n\n    indented\n",
			want: []block{mdPara(mdCode("if a < b {\n\treturn\n}")), mdPara(mdCode("indented"))},
		},
		{
			name: "links",
			src: "[web](https://example.com/a?b=c) [mail](mailto:a@example.com) <https://x.org> " +
				"<billing@example.com> [sp](<https://example.com/ä b>)",
			want: []block{mdPara(mdLink("web", "https://example.com/a?b=c"), mdTxt(" "),
				mdLink("mail", "mailto:a@example.com"), mdTxt(" "), mdLink("https://x.org", "https://x.org"), mdTxt(" "),
				mdLink("billing@example.com", "mailto:billing@example.com"), mdTxt(" "),
				mdLink("sp", "https://example.com/%C3%A4%20b"))},
		},
		{
			name: "reference link",
			src:  "[terms][t]\n\n[t]: https://example.com/terms",
			want: []block{mdPara(mdLink("terms", "https://example.com/terms"))},
		},
		{
			name: "styled link text",
			src:  "**[pay](https://pay.example)**",
			want: []block{mdPara(inline{Text: "pay", Bold: true, URL: "https://pay.example"})},
		},
		{
			name: "empty link label shows the URL",
			src:  "[](https://e.example)",
			want: []block{mdPara(mdLink("https://e.example", "https://e.example"))},
		},
		{
			name: "unsafe and relative links lose their URL",
			src: "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x) " +
				"[d](/relative) [e](vbscript:x) [f](http:nohost) <javascript:alert(1)>",
			want: []block{mdPara(mdTxt("a b c d e f javascript:alert(1)"))},
		},
		{
			name: "image becomes alt text",
			src:  "![Logo *x*](logo.png) [![in link](i.png)](https://e.example)",
			want: []block{mdPara(mdTxt("Logo "), mdItal("x"), mdTxt(" "), mdLink("in link", "https://e.example"))},
		},
		{
			name: "html block dropped whole",
			src:  "<script>alert(1)</script>\n\n<div>\nhidden\n</div>\n\n<!-- note -->\n\nshown",
			want: []block{mdPara(mdTxt("shown"))},
		},
		{
			name: "inline html tags dropped, text kept",
			src:  "hi <b onclick=\"steal()\">x</b> there",
			want: []block{mdPara(mdTxt("hi x there"))},
		},
		{
			name: "escaped html is text, not a tag",
			src:  "&lt;b&gt; \\<i>",
			want: []block{mdPara(mdTxt("<b> <i>"))},
		},
		{
			name: "strikethrough stays literal",
			src:  "~~old~~ new",
			want: []block{mdPara(mdTxt("~~old~~ new"))},
		},
		{
			name: "control characters dropped",
			src:  "a\x01b\x7fc",
			want: []block{mdPara(mdTxt("abc"))},
		},
		{
			name: "invalid utf-8 replaced",
			src:  "a\xffb",
			want: []block{mdPara(mdTxt("a\ufffdb"))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseMarkdown(tt.src))
		})
	}
}

func TestParseMarkdownNoRawHTML(t *testing.T) {
	hostile := []string{
		"<script>alert(1)</script>",
		"text <script>alert(1)</script> text",
		"<b onclick=alert(1)>x</b>",
		"<b onclick=\"alert(1)\">x</b> and <img src=x onerror=alert(1)>",
		"- <iframe src=javascript:alert(1)></iframe>\n- ok",
		"> <style>body{}</style> quoted",
		"| a |\n|---|\n| <svg onload=alert(1)> |",
		"[x](javascript:alert(1)) [y](  javascript:alert(1)  ) [z](java&#115;cript:alert(1))",
		"<a href=\"javascript:alert(1)\">click</a>",
		"<javascript:alert(1)> <vbscript:x> <data:text/html,<script>>",
		"[x](jav\tascript:alert(1)) [x](<javascript:alert(1)>)",
	}
	for _, src := range hostile {
		t.Run(src, func(t *testing.T) {
			for _, in := range mdAllInlines(parseMarkdown(src)) {
				lower := strings.ToLower(in.Text)
				for _, tag := range []string{"<script", "<b ", "<img", "<iframe", "<style", "<svg", "<a ", "onclick="} {
					assert.NotContains(t, lower, tag)
				}
				if in.URL != "" {
					assert.Regexp(t, `^(?i)(https?://|mailto:)`, in.URL)
				}
			}
		})
	}
}

func TestPlainInlines(t *testing.T) {
	tests := []struct {
		in   []inline
		want string
	}{
		{nil, ""},
		{mdIns(mdTxt("a "), mdBold("b"), mdLink(" c", "https://c.example")), "a b c"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, plainInlines(tt.in))
	}
}

// mdAllInlines returns every inline in blocks, in order.
func mdAllInlines(blocks []block) []inline {
	var out []inline
	for _, b := range blocks {
		out = append(out, b.Inlines...)
		for _, it := range b.Items {
			out = append(out, it...)
		}
		for _, c := range b.Header {
			out = append(out, c...)
		}
		for _, r := range b.Rows {
			for _, c := range r {
				out = append(out, c...)
			}
		}
	}
	return out
}

func FuzzParseMarkdown(f *testing.F) {
	for _, s := range []string{
		"", "# h\n\n*a* **b** `c` [d](https://e.example) <f@g.example>",
		"1. a\n   - b\n     > c\n2. d", "| a | b |\n|:-|-:|\n| 1 | 2 | 3 |",
		"<script>x</script>", "<b onclick=x>y</b>", "```\ncode\n```", "> > > q",
		"[a](javascript:x) ![i](j) &amp; &#0; \\", "a\x00b\xff", "***_~~`x`~~_***",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		blocks := parseMarkdown(src)
		require.Equal(t, blocks, parseMarkdown(src), "not deterministic")
		for _, b := range blocks {
			if b.Kind == blockHeading {
				require.True(t, b.Level >= 1 && b.Level <= 6, "heading level %d", b.Level)
			}
			if b.Kind == blockTable {
				require.Len(t, b.Aligns, len(b.Header))
				for _, r := range b.Rows {
					require.Len(t, r, len(b.Header))
				}
			}
		}
		checkInlines := func(list []inline) {
			for i, in := range list {
				require.NotEmpty(t, in.Text)
				require.True(t, utf8.ValidString(in.Text))
				require.False(t, strings.ContainsFunc(in.Text, isDroppedControl), "control character in %q", in.Text)
				require.Equal(t, in.URL, safeURL(in.URL), "unsafe URL %q", in.URL)
				if i > 0 {
					require.False(t, sameStyle(list[i-1], in), "unmerged neighbours %q %q", list[i-1].Text, in.Text)
				}
			}
		}
		for _, b := range blocks {
			checkInlines(b.Inlines)
			for _, it := range b.Items {
				checkInlines(it)
			}
			for _, c := range b.Header {
				checkInlines(c)
			}
			for _, r := range b.Rows {
				for _, c := range r {
					checkInlines(c)
				}
			}
		}
	})
}
