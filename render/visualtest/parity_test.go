package visualtest

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// sample is one sample document rendered with its kit.
type sample struct {
	name string // the document's file name without ".json", and the kit's for the extras
	kit  *brandkits.Kit
	out  *render.Output
}

// extras are documents in testdata compared besides the samples, each with
// a sample kit: the samples draw no first-level, third- or fourth-level
// heading, rule or code block, and push their key facts, button and
// sign-off onto a second page, which the check does not compare.
// blocks.json holds one markdown block of each kind, closing.json a short
// notice that ends on its first page; the kits differ in header, paper,
// window and fonts.
var extras = []struct{ document, kit string }{
	{"blocks.json", "roastery"},
	{"blocks.json", "telecom"},
	{"closing.json", "insurer"},
	{"closing.json", "alpenstrom"},
}

// mustSamples renders every sample pair (samples.Pairs), and the extras,
// as PDF and HTML.
func mustSamples(t *testing.T) []sample {
	t.Helper()
	pairs, err := samples.Pairs()
	require.NoError(t, err)
	require.NotEmpty(t, pairs, "no samples")
	var out []sample
	for _, p := range pairs {
		data, err := samples.Document(p.Document)
		require.NoError(t, err)
		out = append(out, mustRender(t, strings.TrimSuffix(p.Document, ".json"), p.Kit, data))
	}
	for _, e := range extras {
		data, err := os.ReadFile(filepath.Join("testdata", e.document))
		require.NoError(t, err)
		out = append(out, mustRender(t, strings.TrimSuffix(e.document, ".json")+"-"+e.kit, e.kit, data))
	}
	return out
}

// mustRender renders a document with a sample kit as PDF and HTML.
func mustRender(t *testing.T, name, kitName string, data []byte) sample {
	t.Helper()
	fsys, err := samples.KitFS(kitName)
	require.NoError(t, err)
	kit, err := brandkits.LoadFS(fsys)
	require.NoError(t, err, "kit %s", kitName)
	r, err := render.New(kit)
	require.NoError(t, err)
	doc, err := render.ParseDocument(data)
	require.NoError(t, err, name)
	o, err := r.Render(doc, render.FormatPDF, render.FormatHTML)
	require.NoError(t, err, name)
	return sample{name: name, kit: kit, out: o}
}

// kits lists the samples' kits, for the browser's fonts.
func kits(ss []sample) []*brandkits.Kit {
	out := make([]*brandkits.Kit, len(ss))
	for i, s := range ss {
		out[i] = s.kit
	}
	return out
}

// brandColours are the kit colours whose area both channels must agree on:
// the primary (fills, title, headings, the total) and the accent (the bar
// under the title, quote borders) when the kit sets one of its own.
func brandColours(t *testing.T, kit *brandkits.Kit) []brandColour {
	t.Helper()
	primary, accent := mustHex(t, kit.Colors.Primary), mustHex(t, kit.Colors.Accent)
	text, muted := mustHex(t, kit.Colors.Text), mustHex(t, kit.Colors.Muted)
	out := []brandColour{{Name: "primary " + kit.Colors.Primary, C: primary, Others: []color.RGBA{text, muted}}}
	if accent != primary {
		out[0].Others = append(out[0].Others, accent)
		out = append(out, brandColour{Name: "accent " + kit.Colors.Accent, C: accent, Others: []color.RGBA{text, muted, primary}})
	}
	return out
}

// mustHex parses a kit colour, "#rrggbb".
func mustHex(t *testing.T, s string) color.RGBA {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	require.NoError(t, err, "colour %q", s)
	require.Len(t, s, 7, "colour %q", s)
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// check compares the e-mail web with the PDF of s, logging the measured
// values, and returns the problems found; when there are any, it writes the
// pictures and logs where.
func check(t *testing.T, b *browser, name string, s sample, html []byte) []string {
	t.Helper()
	pdf, pages := rasterizePDF(t, s.out.PDF)
	web := b.shoot(t, name, html, pdf.img.Bounds().Dx())
	p := compare(pdf, web, pages, brandColours(t, s.kit), defaultTolerance)
	t.Logf("%s: %s", name, p.summary())
	probs := p.problems()
	if len(probs) > 0 {
		path := writeReport(t, reportDir(t), name, pdf, web, p)
		t.Logf("%s: pictures of the difference: %s", name, path)
	}
	return probs
}

// TestChannelParity is issue 5's visual check of the HTML channel: each
// sample's e-mail (and the extras'), photographed in headless
// Chromium at the paper's width, must look like the first page of its PDF
// within defaultTolerance (docs/visual.md).
func TestChannelParity(t *testing.T) {
	ss := mustSamples(t)
	b := startBrowser(t, kits(ss)...)
	start := time.Now()
	for _, s := range ss {
		t.Run(s.name, func(t *testing.T) {
			if probs := check(t, b, s.name, s, s.out.HTML); len(probs) > 0 {
				t.Errorf("the e-mail of %s (kit %s) does not look like its PDF:\n- %s", s.name, s.kit.Name, strings.Join(probs, "\n- "))
			}
		})
	}
	t.Logf("%d samples compared in %s", len(ss), time.Since(start).Round(time.Millisecond))
}

// withCSS adds a style sheet at the end of the e-mail's head: a test-only
// way to make the HTML channel drift while the PDF stays as it is.
func withCSS(html []byte, css string) []byte {
	return bytes.Replace(html, []byte("</head>"), []byte("<style>"+css+"</style>\n</head>"), 1)
}

// swapColours exchanges two colours everywhere in the e-mail.
func swapColours(html []byte, a, b string) []byte {
	a, b = strings.ToLower(a), strings.ToLower(b)
	return []byte(strings.NewReplacer(a, b, b, a).Replace(string(html)))
}

// TestChannelParityCatchesDrift proves the tolerance is tight enough: the
// samples pass as they are (TestChannelParity), and each of these drifts of
// the HTML channel alone, or a document compared with another, fails.
func TestChannelParityCatchesDrift(t *testing.T) {
	ss := mustSamples(t)
	byName := map[string]sample{}
	for _, s := range ss {
		byName[s.name] = s
	}
	invoice, notice, reminder := byName["invoice-onepage"], byName["policy-notice"], byName["payment-reminder"]
	require.NotNil(t, invoice.out, "sample invoice-onepage")
	require.NotNil(t, notice.out, "sample policy-notice")
	require.NotNil(t, reminder.out, "sample payment-reminder")
	b := startBrowser(t, invoice.kit, notice.kit)

	tests := []struct {
		name string
		s    sample
		html []byte
		want string // a part of the problem the drift must raise
	}{
		{"left margin doubled", invoice,
			withCSS(invoice.out.HTML, fmt.Sprintf(".px{padding-left:%.2fmm!important}", 2*invoice.kit.Layout.Margins.Left)),
			"lines are more than"},
		{"everything under the title 6 mm lower", notice,
			withCSS(notice.out.HTML, "h1{margin-bottom:6mm!important}"), "lines are more than"},
		{"primary and text colours swapped", invoice,
			swapColours(invoice.out.HTML, invoice.kit.Colors.Primary, invoice.kit.Colors.Text), "covers"},
		{"title in the text colour", invoice,
			withCSS(invoice.out.HTML, "h1{color:"+invoice.kit.Colors.Text+"!important}"), "primary " + invoice.kit.Colors.Primary + " is painted"},
		{"no accent bar", notice,
			withCSS(notice.out.HTML, `div[style*="background-color:`+strings.ToLower(notice.kit.Colors.Accent)+`"]{visibility:hidden}`),
			"accent " + notice.kit.Colors.Accent + " is painted"},
		{"another document", reminder, notice.out.HTML, "body words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := check(t, b, strings.ReplaceAll(tt.name, " ", "-"), tt.s, tt.html)
			require.NotEmpty(t, probs, "the check let a drift of the HTML channel pass")
			for _, p := range probs {
				t.Logf("caught: %s", p)
			}
			assert.Contains(t, strings.Join(probs, "\n"), tt.want)
		})
	}
}
