package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestText(t *testing.T) {
	for _, tc := range htCases {
		t.Run(tc.name, func(t *testing.T) {
			th := htTheme(t, tc.header, tc.logoPos, tc.rules, tc.zebra)
			v := tc.view()
			out := htRenderer(th).text(v)
			s := string(out)

			require.True(t, strings.HasSuffix(s, "\n"), "ends with a newline")
			assert.False(t, strings.HasSuffix(s, "\n\n"), "one final newline")
			for i, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
				assert.Equal(t, strings.TrimRight(line, " "), line, "line %d has trailing spaces", i+1)
				if n := runeLen(line); n > textWidth {
					assert.Len(t, textWords(line), 1, "line %d is %d runes: %q", i+1, n, line)
				}
			}

			norm := htNorm(s)
			for _, str := range htViewStrings(v, true) {
				// A description wrapped in its column shares its lines with
				// the other cells, so only its words' order can be checked.
				assert.True(t, strings.Contains(norm, htNorm(str)) || htWordsInOrder(norm, str), "missing %q", str)
				// An amount is never wrapped: its no-break space keeps it whole.
				if strings.ContainsAny(str, "\u00a0\u202f") && !strings.Contains(str, " ") {
					assert.True(t, strings.Contains(s, str), "amount split: %q", str)
				}
			}
			assert.NotContains(t, s, v.Summary)
			assert.NotContains(t, s, "{page}")

			again := htRenderer(th).text(tc.view())
			assert.Equal(t, out, again, "deterministic")

			mustGolden(t, tc.name+".txt", out)
		})
	}
}

// htWordsInOrder reports whether s's words occur in text in order.
func htWordsInOrder(text, s string) bool {
	for _, w := range textWords(s) {
		i := strings.Index(text, w)
		if i < 0 {
			return false
		}
		text = text[i+len(w):]
	}
	return true
}

func TestTextSections(t *testing.T) {
	th := htTheme(t, "band", "left", "horizontal", false)
	inv := string(htRenderer(th).text(htInvoice()))
	notice := string(htRenderer(th).text(htNotice()))
	wide := string(htRenderer(th).text(htWide()))
	tests := []struct {
		name, text string
		want       []string
	}{
		{"title underlined", inv, []string{"Rechnung\n========\n"}},
		{"info aligned", inv, []string{"Rechnungsnummer    RE-2026-0042\n", "Fällig am          15. November 2026\n"}},
		{"table header right-aligned", inv, []string{"\nBeschreibung                          Menge  Einzelpreis  USt.    Betrag\n" + strings.Repeat("-", 72) + "\n"}},
		{"description wraps in its column", inv, []string{"\nEspresso-Bohnen „Hausmischung“,     12 Stk.      18,90\u00a0€   7\u00a0%  226,80\u00a0€\n1 kg, ganze Bohne, fair\n"}},
		{"amount due right-aligned at the table edge", inv, []string{"----\n" + strings.Repeat(" ", 38) + "Gesamtbetrag            1.637,64\u00a0€\n"}},
		{"link with its URL", inv, []string{"morgenrot.example/mehrweg <https://morgenrot.example/mehrweg>."}},
		{"bold marked", inv, []string{"*Ab Januar*"}},
		{"heading levels", notice, []string{"What changes\n============\n", "Prices\n------\n"}},
		{"unordered list", notice, []string{"- The standing charge falls to *£0.41* a day.\n"}},
		{"ordered list from start", notice, []string{"3. Check your details online.\n4. Send us"}},
		{"nested item indented", notice, []string{"- Nothing changes for your direct debit date.\n  \u00a0\u00a0\u00a0• It stays"}},
		{"markdown table", notice, []string{"Item                       Now  From January\n", "Unit rate per kWh        £0.27         £0.24\n"}},
		{"quote", notice, []string{"> We keep our prices"}},
		{"code block indented", notice, []string{"    meter: 0012-4471\n      reading: 18234\n"}},
		{"mailto link shows the address once", notice, []string{"write to\nhelp@northwind.example.\n"}},
		{"action wraps before its URL", notice, []string{"Review your plan:\nhttps://account.northwind.example/plan?id=55120&src=email\n"}},
		{"facts", notice, []string{"Effective from        1 January 2027\n"}},
		{"sign-off then signature", notice, []string{"Kind regards,\nThe Northwind Energy team\n"}},
		{"footer after a rule", notice, []string{textRule + "\nNorthwind Energy Ltd"}},
		{"script stays text", notice, []string{htScript}},
		{"wide table stacked", wide, []string{
			"\nBeschreibung\n" + strings.Repeat("-", 72) + "\nRücknahme Espresso-Bohnen „Hausmischung“ (beschädigte Lieferung)\n" +
				"  Artikelnummer: ESP-HM-1000 · Menge: -3 Stk.\n" +
				"  Einzelpreis netto: 18,90\u00a0€ · Rabatt: 10\u00a0% · USt.: 7\u00a0%\n" +
				"  Betrag netto: -51,03\u00a0€\n\nGutschrift Versand\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range tt.want {
				assert.True(t, strings.Contains(tt.text, w), "missing %q", w)
			}
		})
	}
	assert.NotContains(t, inv, htInvoice().SenderLine, "return line is for envelopes only")
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"fits", "a b c", 10, []string{"a b c"}},
		{"by words", "aaa bbb ccc", 7, []string{"aaa bbb", "ccc"}},
		{"runes not bytes", "äöü äöü", 7, []string{"äöü äöü"}},
		{"long word whole", "a abcdefghijk b", 5, []string{"a", "abcdefghijk", "b"}},
		{"no-break space joins", "pay 1.234,50\u00a0€ now", 12, []string{"pay", "1.234,50\u00a0€", "now"}},
		{"narrow no-break space joins", "x 12\u202f%", 3, []string{"x", "12\u202f%"}},
		{"hard breaks kept", "a\nb", 10, []string{"a", "b"}},
		{"spaces collapse", "a   b", 10, []string{"a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, wrapText(tt.in, tt.width))
		})
	}
}

func TestTextPairs(t *testing.T) {
	tests := []struct {
		name string
		in   []pair
		want []string
	}{
		{"aligned", []pair{{"No.", "1"}, {"Due date", "1 May"}}, []string{"No.       1", "Due date  1 May"}},
		{
			"long label on its own line",
			[]pair{{"A", "x"}, {strings.Repeat("L", 30), "y"}},
			[]string{"A  x", strings.Repeat("L", 30), "   y"},
		},
		{
			"value wraps under itself",
			[]pair{{"Terms", strings.Repeat("word ", 16)}},
			[]string{"Terms  " + strings.TrimSpace(strings.Repeat("word ", 13)), "       word word word"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, textPairs(tt.in))
		})
	}
}

func TestTextTable(t *testing.T) {
	cols := []textCol{{label: "Item", share: 0.7}, {label: "Amount", right: true, share: 0.3}}
	lines, w := textTable(cols, [][]string{{"Coffee", "9,00\u00a0€"}, {"Tea", "10,50\u00a0€"}}, true)
	assert.Equal(t, textWidth, w)
	assert.Equal(t, []string{
		padRight("Item", 66) + "Amount",
		strings.Repeat("-", 72),
		padRight("Coffee", 66) + "9,00\u00a0€",
		padRight("Tea", 65) + "10,50\u00a0€",
		strings.Repeat("-", 72),
	}, lines)

	long := strings.Repeat("very long description ", 6)
	lines, _ = textTable(cols, [][]string{{long, "1\u00a0€"}}, true)
	require.Len(t, lines, 6, "description wraps within its column")
	assert.True(t, strings.HasSuffix(lines[2], "1\u00a0€"), "amount on the first line of its row")

	tests := []struct {
		name        string
		cols        []textCol
		headerLines int
	}{
		{"headers on one line when they fit", []textCol{{label: "A"}, {label: "Unit price", right: true}}, 1},
		{"headers wrap at words before rows stack", []textCol{{label: "Description"}, {label: strings.Repeat("x", 30) + " " + strings.Repeat("y", 30), right: true}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, _ := textTable(tt.cols, [][]string{{"Some words here", "1"}}, false)
			require.Len(t, lines, tt.headerLines+3)
			assert.Equal(t, strings.Repeat("-", runeLen(lines[tt.headerLines])), lines[tt.headerLines])
		})
	}
}

func TestWrapIndent(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		width       int
		first, rest string
		want        []string
	}{
		{"hanging indent", "aaa bbb ccc", 9, "- ", "", []string{"- aaa bbb", "  ccc"}},
		{"quote marks every line", "aaa bbb ccc", 9, "> ", "> ", []string{"> aaa bbb", "> ccc"}},
		{"code keeps its indentation", "x {\n  y\n}", 20, "    ", "", []string{"    x {", "      y", "    }"}},
		{"hard break continues the item", "one\ntwo", 20, "10. ", "", []string{"10. one", "    two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, wrapIndent(tt.in, tt.width, tt.first, tt.rest))
		})
	}
}
