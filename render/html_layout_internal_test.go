package render

import (
	"html/template"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The e-mail is laid out with the PDF's numbers (html.go). These tests hold
// the pieces the two renderers share to each other; render/visualtest
// compares the pictures.

// TestPageMetricsMatchPDF holds theme.metrics, which the e-mail is laid out
// with, to the sizes and content box newPDFDraw works out for the PDF.
func TestPageMetricsMatchPDF(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			w, err := s.r.newPDFWriter(s.v, routeSimple, scopeDrawn)
			require.NoError(t, err)
			d := newPDFDraw(w, s.r.theme, s.v)
			m := s.r.theme.metrics()
			assert.Equal(t, pageMetrics{
				base: d.base, small: d.small, title: d.title, leading: d.leading,
				left: d.left, right: d.right, width: d.width, top: d.top, pageW: s.r.theme.pageW,
			}, m)
		})
	}
}

func TestHTMLKeep(t *testing.T) {
	tests := []struct {
		in   string
		want template.HTML
	}{
		{"Rechnung", "Rechnung"},
		{"a < b & c", "a &lt; b &amp; c"},
		{"policy HH-2231-0457", `policy <span style="white-space:nowrap">HH-2231-0457</span>`},
		{"1.–31. Oktober", `<span style="white-space:nowrap">1.–31.</span> Oktober`},
		{"<x>-y", `<span style="white-space:nowrap">&lt;x&gt;-y</span>`},
		// Longer than a line may be: it breaks, as the PDF cuts it.
		{"https://example.com/a/very/long/path/that/cannot/fit", "https://example.com/a/very/long/path/that/cannot/fit"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, htmlKeep(tt.in), tt.in)
	}
}

// TestColumnWidths checks that no column after the first is narrower than
// its widest word, so that the PDF never cuts an amount between its digits
// ("KWD 187.25" over "0") and the e-mail's amounts, kept on one line, do
// not push its columns apart: the room comes from the first column.
func TestColumnWidths(t *testing.T) {
	tab := &table{
		Columns: []column{
			{Label: "Description", Width: 0.5},
			{Label: "Qty", Align: alignRight, Width: 0.1},
			{Label: "Amount", Align: alignRight, Width: 0.4},
		},
		Rows: [][]string{
			{"International health plan premium", "1 quarter", "KWD\u00a0187.250"},
			{"Fee", "1", "KWD\u00a02.500"},
		},
	}
	// One millimetre a character: "1 quarter" breaks into words, the
	// amount with its no-break space does not.
	measure := func(s string, head bool) float64 { return float64(len([]rune(s))) }
	w := columnWidths(tab, 100, measure)
	require.Len(t, w, 3)
	assert.InDelta(t, 100, w[0]+w[1]+w[2], 1e-9, "the columns fill the width")
	assert.InDelta(t, 7+2*cellPadX, w[1], 1e-9, `"quarter" and the padding`)
	assert.InDelta(t, 40, w[2], 1e-9, "wide enough already: its share")
	assert.InDelta(t, 100-40-w[1], w[0], 1e-9, "the first column gives the room")

	// Descriptions that would wrap take what the other columns' shares
	// leave beyond their widest cell, in proportion, up to their own width.
	wrapping := &table{Columns: tab.Columns, Rows: [][]string{
		{strings.Repeat("d", 60), "1", "KWD\u00a02.500"},
	}}
	w = columnWidths(wrapping, 100, measure)
	assert.InDelta(t, 100, w[0]+w[1]+w[2], 1e-9)
	// Shares 50/10/40; each cell measured with fitSlack, padding added:
	// the description 60, "Qty" 3, "KWD 2.500" 9.
	fit := func(n float64) float64 { return n*fitSlack + 2*cellPadX }
	spare1, spare2 := 10-fit(3), 40-fit(9)
	give := (fit(60) - 50) / (spare1 + spare2)
	assert.InDelta(t, fit(60), w[0], 1e-9, "the 60 characters and the padding")
	assert.InDelta(t, 10-spare1*give, w[1], 1e-9, "gives its spare in proportion")
	assert.InDelta(t, 40-spare2*give, w[2], 1e-9)
	wrapping.Rows[0][0] = strings.Repeat("d", 120)
	w = columnWidths(wrapping, 100, measure)
	assert.InDelta(t, fit(3), w[1], 1e-9, "down to its widest cell")
	assert.InDelta(t, fit(9), w[2], 1e-9)
	assert.InDelta(t, 100-fit(3)-fit(9), w[0], 1e-9, "still wraps, with all the room there is")
	// A cell of several words keeps them on one line: its column gives
	// only what it has beyond the whole cell.
	wide := &table{Columns: []column{{Label: "Description", Width: 0.5}, {Label: "Qty", Align: alignRight, Width: 0.2}, {Label: "Amount", Align: alignRight, Width: 0.3}},
		Rows: [][]string{{strings.Repeat("d", 120), "1 quarter", "KWD\u00a02.500"}}}
	w = columnWidths(wide, 100, measure)
	assert.InDelta(t, fit(9), w[1], 1e-9, `"1 quarter" whole`)
	assert.InDelta(t, 100-2*fit(9), w[0], 1e-9)

	// The first column keeps a quarter of the width, whatever the others
	// would take.
	tab.Rows[1][2] = strings.Repeat("9", 90)
	w = columnWidths(tab, 100, measure)
	assert.InDelta(t, 100*minFirstColumn, w[0], 1e-9)
}
