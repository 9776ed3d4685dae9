package render

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xhtml "golang.org/x/net/html"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

// The tests here render every embedded sample (samples.Pairs) end to end and
// check the three channels against the view, against each other and against
// facts written down by hand. Fixtures are named smp* so they cannot clash
// with other test files of package render.

// smpSample is one sample document rendered with its kit.
type smpSample struct {
	name string // document file name without ".json"
	kit  *brandkits.Kit
	r    *Renderer
	doc  *Document
	raw  map[string]any // the document JSON as decoded by encoding/json
	v    *view
	out  *Output
}

// smpRender loads, parses and renders one sample pair with a fresh Renderer.
func smpRender(p samples.Pair) (*smpSample, error) {
	fsys, err := samples.KitFS(p.Kit)
	if err != nil {
		return nil, err
	}
	kit, err := brandkits.LoadFS(fsys)
	if err != nil {
		return nil, fmt.Errorf("kit %s: %w", p.Kit, err)
	}
	r, err := New(kit)
	if err != nil {
		return nil, err
	}
	data, err := samples.Document(p.Document)
	if err != nil {
		return nil, err
	}
	doc, err := ParseDocument(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Document, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	v, err := r.buildView(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Document, err)
	}
	out, err := r.Render(doc, AllFormats...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Document, err)
	}
	return &smpSample{
		name: strings.TrimSuffix(p.Document, ".json"), kit: kit, r: r,
		doc: doc, raw: raw, v: v, out: out,
	}, nil
}

// smpAll renders every sample once per test binary: rendering is the slow
// part, and the tests only read the results.
var smpAll = sync.OnceValues(func() ([]*smpSample, error) {
	pairs, err := samples.Pairs()
	if err != nil {
		return nil, err
	}
	var out []*smpSample
	for _, p := range pairs {
		s, err := smpRender(p)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
})

// smpSamples returns the rendered samples, failing the test when there are
// none: a table over nothing would pass without checking anything.
func smpSamples(t *testing.T) []*smpSample {
	t.Helper()
	all, err := smpAll()
	require.NoError(t, err)
	require.NotEmpty(t, all, "no samples")
	return all
}

// smpSquash removes every white-space rune, the no-break and narrow no-break
// spaces of formatted amounts included, so strings compare across wrapping,
// column padding and each channel's choice of space.
func smpSquash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// smpPDFRaw is the PDF's text in content-stream order (pdftotext -raw): a
// table cell's wrapped lines stay together, unlike in -layout output.
func smpPDFRaw(t testing.TB, pdf []byte) string {
	t.Helper()
	tool := popplerTool(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", f, "-").Output()
	require.NoError(t, err, "pdftotext -raw")
	return string(out)
}

// smpHTMLText is the HTML's visible text: text nodes outside <head>, <style>
// and <script>.
func smpHTMLText(t testing.TB, src []byte) string {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(src))
	require.NoError(t, err)
	return htVisibleText(doc)
}

// smpTextDescriptions returns the description column of the plain-text table,
// all rows joined. The column is the table's first and the text layout puts
// two spaces between columns, so each line's description part is what comes
// before the first double space.
func smpTextDescriptions(t testing.TB, text, header string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, header) && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "---") {
			start = i + 2
			break
		}
	}
	require.GreaterOrEqual(t, start, 0, "no table headed %q in the text", header)
	var b strings.Builder
	for _, l := range lines[start:] {
		if strings.HasPrefix(l, "---") {
			return b.String()
		}
		desc, _, _ := strings.Cut(l, "  ")
		b.WriteString(desc + " ")
	}
	t.Fatalf("table headed %q is not closed", header)
	return ""
}

// smpDocDate is a date of the sample JSON at a dotted path ("period.start"),
// or the zero Date when absent.
func smpDocDate(t testing.TB, raw map[string]any, path string) Date {
	t.Helper()
	s, ok := smpDocString(raw, path)
	if !ok {
		return Date{}
	}
	d, err := ParseDate(s)
	require.NoError(t, err, path)
	return d
}

// smpDocString is the string at a dotted path of the sample JSON.
func smpDocString(raw map[string]any, path string) (string, bool) {
	var node any = raw
	for _, seg := range strings.Split(path, ".") {
		m, ok := node.(map[string]any)
		if !ok {
			return "", false
		}
		node = m[seg]
	}
	s, ok := node.(string)
	return s, ok && s != ""
}

// smpRawFacts is the document's own data every channel must show as written:
// numbers and references verbatim, dates in the kit's locale.
func smpRawFacts(t testing.TB, s *smpSample) []string {
	t.Helper()
	var out []string
	for _, p := range []string{
		"number", "credit_note_for", "order_reference", "payment.reference", "reference",
		"buyer.customer_number", "recipient.customer_number",
	} {
		if v, ok := smpDocString(s.raw, p); ok {
			out = append(out, v)
		}
	}
	loc := s.r.theme.loc
	for _, p := range []string{"issue_date", "due_date", "date", "period.start", "period.end"} {
		if d := smpDocDate(t, s.raw, p); d.Valid() {
			out = append(out, loc.Date(d.Year(), d.Month(), d.Day()))
		}
	}
	require.NotEmpty(t, out)
	return out
}

func TestSamplePDFText(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			raw := smpPDFRaw(t, s.out.PDF)
			all := smpSquash(raw)
			v := s.v
			has := func(what, want string) {
				t.Helper()
				if smpSquash(want) == "" {
					return
				}
				assert.True(t, strings.Contains(all, smpSquash(want)), "PDF text lacks %s %q", what, want)
			}

			has("title", v.Title)
			switch s.doc.Type {
			case TypeNotice:
				require.NotNil(t, s.doc.Notice)
				has("subject", s.r.kit.FixText(s.doc.Notice.Subject))
				assert.Nil(t, v.Table, "notices have no lines table")
			default:
				require.NotNil(t, s.doc.Invoice)
				has("document number", s.doc.Invoice.Number)
				require.NotNil(t, v.Table)
				require.Len(t, v.Table.Rows, len(s.doc.Invoice.Lines), "one row per line")
				for i, row := range v.Table.Rows {
					require.Len(t, row, len(v.Table.Columns), "row %d", i+1)
					// A row is drawn as a whole (description first, then the
					// other cells), so its cells stay together and in order.
					has(fmt.Sprintf("row %d", i+1), strings.Join(row, ""))
					for _, cell := range row {
						has(fmt.Sprintf("row %d cell", i+1), cell)
					}
				}
				require.NotEmpty(t, v.Totals)
				for _, tr := range v.Totals {
					has("totals row", tr.Label+tr.Value)
				}
			}
			require.NotEmpty(t, v.Recipient)
			for _, l := range v.Recipient {
				has("recipient line", l)
			}
		})
	}
}

// smpHard are facts about a sample written down by hand from the sample JSON,
// the kit's locale and samples/README.md, so a formatting bug in the view
// fails here even though the channels agree with the view.
var smpHard = []struct {
	doc       string
	gross     string   // the sample's stated totals.gross, "" for notices
	want      []string // in the PDF text, white space collapsed to single spaces
	pageLabel string   // fmt pattern with the page and the page count
	minPages  int
}{
	{
		doc: "invoice-onepage", gross: "306.03",
		want: []string{
			"Rechnung", "Rechnungsnummer RE-2026-11873", "Rechnungsdatum 12. November 2026",
			"Gesamtbetrag 306,03 €", "Bitte überweise 306,03 € bis zum 26. November 2026.",
			"Maria Schneider", "Seite 1 von",
		},
		pageLabel: "Seite %d von %d", minPages: 1,
	},
	{
		doc: "invoice-60-lines", gross: "1166.72",
		want: []string{
			"Your Bill", "Invoice number VW-2026-1115-00087", "Invoice date November 15, 2026",
			"Amount Due $1,166.72", "Please pay $1,166.72 by December 5, 2026.",
			"Lakeshore Dental Group LLC", "Dana Kowalczyk",
		},
		pageLabel: "Page %d of %d", minPages: 2,
	},
	{
		doc: "invoice-jpy", gross: "106623",
		want:      []string{"Gesamtbetrag 106.623 ¥", "Haruto Tanaka"},
		pageLabel: "Seite %d von %d", minPages: 1,
	},
	{
		doc: "invoice-kwd", gross: "412.319",
		want:      []string{"Premium due KWD 412.319", "Fatima Al-Sabah", "Dear Dr Al-Sabah,", "KUWAIT"},
		pageLabel: "Page %d of %d", minPages: 1,
	},
	{
		doc: "invoice-energy-nl", gross: "398.72",
		want:      []string{"Totaal te betalen € 398,72", "Sanne de Vries"},
		pageLabel: "Pagina %d van %d", minPages: 1,
	},
	{
		doc: "credit-note", gross: "84.91",
		want:      []string{"Bill Credit", "Total credit $84.91"},
		pageLabel: "Page %d of %d", minPages: 1,
	},
	{
		doc: "policy-notice",
		want: []string{
			"Changes to your Harbour Essential benefits from 1 January 2027", "Date 2 November 2026",
			"Siobhan O'Neill", "Dear Siobhan O'Neill,", "CF14 6HE",
		},
		pageLabel: "Page %d of %d", minPages: 1,
	},
	{
		doc:       "payment-reminder",
		want:      []string{"HH-2231-0457", "Daniel Okafor", "Dear Mr Okafor,", "Date 18 November 2026"},
		pageLabel: "Page %d of %d", minPages: 1,
	},
	{
		// The QR-bill follows the sign-off on a page of its own: the
		// invoice leaves no room for it on the first. Its amounts are
		// printed as the Swiss style guide asks, not in the kit's locale.
		doc: "invoice-chf-qrbill", gross: "138.66",
		want: []string{
			"Rechnungsbetrag 138,66 CHF", "Simone Brunner", "Freundliche Grüsse",
			"Empfangsschein", "Zahlteil", "Konto / Zahlbar an", "CH44 3199 9123 0008 8901 2",
			"21 00000 00003 13947 14300 09017", "Zusätzliche Informationen", "AS-2026-40217",
			"Währung Betrag CHF 138.66", "Annahmestelle",
		},
		pageLabel: "Seite %d von %d", minPages: 2,
	},
	{
		doc: "invoice-girocode", gross: "5594.67",
		want: []string{
			"Zu zahlender Betrag 5.594,67 €", "Dr. Thomas Keller", "Sehr geehrter Herr Dr. Keller,",
			"Referenz RF08 2026 0318", "Bequem bezahlen: Code mit der Banking-App scannen",
		},
		pageLabel: "Seite %d von %d", minPages: 1,
	},
	{
		doc: "invoice-international",
		want: []string{
			"Kawiarnia Ziarno Sp. z o.o.", "Łukasz Wróblewski", "Ul. Świętokrzyska 15", "90-415 Łódź", "POLEN",
			"Hallo Łukasz,", "Rechnungsdatum 16. November 2026",
		},
		pageLabel: "Seite %d von %d", minPages: 1,
	},
}

func TestSamplePDFHardFacts(t *testing.T) {
	byName := map[string]*smpSample{}
	for _, s := range smpSamples(t) {
		byName[s.name] = s
	}
	for _, tt := range smpHard {
		t.Run(tt.doc, func(t *testing.T) {
			s := byName[tt.doc]
			require.NotNil(t, s, "no sample %s", tt.doc)
			if tt.gross != "" {
				// The hand-formatted total above is only right for the
				// sample as it stands.
				got, _ := smpDocString(s.raw, "totals.gross")
				require.Equal(t, tt.gross, got, "the sample's totals.gross changed: update this table")
			}
			all := pdfSquash(smpPDFRaw(t, s.out.PDF))
			for _, w := range tt.want {
				assert.True(t, strings.Contains(all, w), "PDF text lacks %q", w)
			}
			pages := pdfPages(t, s.out.PDF)
			n := len(pages)
			assert.GreaterOrEqual(t, n, tt.minPages)
			anyLabel := regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(tt.pageLabel), "%d", `\d+`))
			for i, p := range pages {
				label := fmt.Sprintf(tt.pageLabel, i+1, n)
				assert.Contains(t, pdfSquash(p), label, "page %d", i+1)
				assert.Len(t, anyLabel.FindAllString(pdfSquash(p), -1), 1, "page %d has one page label", i+1)
			}
		})
	}
}

func TestSamplePageLabels(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			require.NotEmpty(t, s.v.PageLabel, "every sample kit numbers its pages")
			pages := pdfPages(t, s.out.PDF)
			require.NotEmpty(t, pages)
			for i, p := range pages {
				want := strings.NewReplacer("{page}", strconv.Itoa(i+1), "{pages}", strconv.Itoa(len(pages))).Replace(s.v.PageLabel)
				assert.Contains(t, pdfSquash(p), pdfSquash(want), "page %d", i+1)
			}
		})
	}
}

// smpCrossStrings lists the view's amounts, dates, references and names that
// every channel must print identically. Labelled values are listed with their
// label in front, because every channel prints a value right after its label:
// a value under the wrong label fails too.
func smpCrossStrings(v *view) []string {
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			if strings.TrimSpace(x) != "" {
				out = append(out, x)
			}
		}
	}
	for _, ps := range [][]pair{v.Info, v.Payment, v.Facts} {
		for _, p := range ps {
			add(p.Label + " " + p.Value)
		}
	}
	if v.Table != nil {
		for _, row := range v.Table.Rows {
			add(row[1:]...) // descriptions wrap in text; checked on their own
		}
	}
	for _, tr := range v.Totals {
		add(tr.Label + " " + tr.Value)
	}
	add(v.Recipient...)
	add(v.PayBy, v.Greeting, v.SignOff)
	return out
}

func TestSampleChannelsAgree(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			v := s.v
			channels := []struct{ name, text string }{
				{"pdf", smpSquash(smpPDFRaw(t, s.out.PDF))},
				{"html", smpSquash(smpHTMLText(t, s.out.HTML))},
				{"text", smpSquash(string(s.out.Text))},
			}
			want := append(smpCrossStrings(v), smpRawFacts(t, s)...)
			for _, ch := range channels {
				require.NotEmpty(t, ch.text, ch.name)
				for _, w := range want {
					assert.True(t, strings.Contains(ch.text, smpSquash(w)), "%s lacks %q", ch.name, w)
				}
			}

			if v.Table != nil {
				var descs []string
				for _, row := range v.Table.Rows {
					descs = append(descs, row[0])
				}
				for _, ch := range channels[:2] {
					for _, d := range descs {
						assert.True(t, strings.Contains(ch.text, smpSquash(d)), "%s lacks description %q", ch.name, d)
					}
				}
				// Text wraps descriptions inside their column, beside the
				// other cells: read the column back and compare it whole.
				got := smpTextDescriptions(t, string(s.out.Text), v.Table.Columns[0].Label)
				assert.Equal(t, smpSquash(strings.Join(descs, "")), smpSquash(got), "text description column")
			}

			if a := v.Action; a != nil {
				for _, ch := range []int{0, 2} {
					assert.True(t, strings.Contains(channels[ch].text, smpSquash(a.URL)), "%s lacks action URL %q", channels[ch].name, a.URL)
					assert.True(t, strings.Contains(channels[ch].text, smpSquash(a.Label)), "%s lacks action label %q", channels[ch].name, a.Label)
				}
				// HTML shows a button: its label is the visible text and the
				// URL is the link target.
				assert.True(t, strings.Contains(channels[1].text, smpSquash(a.Label)), "html lacks action label %q", a.Label)
				doc, err := xhtml.Parse(bytes.NewReader(s.out.HTML))
				require.NoError(t, err)
				var hrefs []string
				for _, n := range htFind(doc, "a") {
					if h, ok := htAttr(n, "href"); ok {
						hrefs = append(hrefs, h)
					}
				}
				assert.Contains(t, hrefs, a.URL, "html links the action")
			}
		})
	}
}

// smpKitFonts names each sample kit's families by hand, as PostScript family
// names (PDF) and CSS family names (HTML).
var smpKitFonts = map[string]struct{ body, heading, cssBody, cssHeading string }{
	"roastery":     {"NotoSans", "NotoSerif", "Noto Sans", "Noto Serif"},
	"telecom":      {"LiberationSans", "LiberationSans", "Liberation Sans", "Liberation Sans"},
	"insurer":      {"Lato", "Lato", "Lato", "Lato"},
	"polderstroom": {"NotoSans", "NotoSans", "Noto Sans", "Noto Sans"},
	"alpenstrom":   {"LiberationSans", "LiberationSans", "Liberation Sans", "Liberation Sans"},
	"tischlerei":   {"Lato", "NotoSerif", "Lato", "Noto Serif"},
}

// smpFont is one row of pdffonts output.
type smpFont struct {
	name, typ string
	embedded  bool
}

// smpPDFFonts lists the PDF's fonts with pdffonts. Names may contain spaces,
// so columns are cut at the widths of the dashed line under the header.
func smpPDFFonts(t testing.TB, pdf []byte) []smpFont {
	t.Helper()
	tool := popplerTool(t, "pdffonts")
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, f).Output()
	require.NoError(t, err, "pdffonts")
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, "pdffonts output:\n%s", out)
	var cols [][2]int // start and end of each column
	for i := 0; i < len(lines[1]); {
		j := i
		for j < len(lines[1]) && lines[1][j] == '-' {
			j++
		}
		cols = append(cols, [2]int{i, j})
		i = j + 1
	}
	require.GreaterOrEqual(t, len(cols), 4, "pdffonts header: %q", lines[1])
	field := func(l string, c int) string {
		a, b := cols[c][0], min(cols[c][1], len(l))
		if a >= len(l) {
			return ""
		}
		return strings.TrimSpace(l[a:b])
	}
	var fonts []smpFont
	for _, l := range lines[2:] {
		fonts = append(fonts, smpFont{name: field(l, 0), typ: field(l, 1), embedded: field(l, 3) == "yes"})
	}
	return fonts
}

// smpFontKey folds a font name for comparison: PDF names may spell a space
// as #20, and fpdf lower-cases family names.
func smpFontKey(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "#20", "", "-", "").Replace(s))
}

// smpInflatedStreams returns every FlateDecode stream of pdf, inflated. It
// walks the file stream by stream and skips each stream's data by its
// /Length, so binary data that happens to read "stream" is never mistaken for
// a stream start.
func smpInflatedStreams(t testing.TB, pdf []byte) [][]byte {
	t.Helper()
	lengthRE := regexp.MustCompile(`/Length (\d+)[^\d]`)
	var out [][]byte
	pos := 0
	for {
		i := bytes.Index(pdf[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		i += pos
		if i >= 3 && string(pdf[i-3:i]) == "end" {
			pos = i + len("stream")
			continue
		}
		data := i + len("stream")
		if bytes.HasPrefix(pdf[data:], []byte("\r\n")) {
			data += 2
		} else if bytes.HasPrefix(pdf[data:], []byte("\n")) {
			data++
		} else {
			pos = data
			continue
		}
		objStart := bytes.LastIndex(pdf[:i], []byte(" obj"))
		require.GreaterOrEqual(t, objStart, 0, "stream at %d outside an object", i)
		dict := pdf[objStart:i]
		m := lengthRE.FindSubmatch(dict)
		require.NotNil(t, m, "stream at %d has no direct /Length: %q", i, dict)
		n, err := strconv.Atoi(string(m[1]))
		require.NoError(t, err)
		require.LessOrEqual(t, data+n, len(pdf), "stream at %d runs past the file", i)
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			zr, err := zlib.NewReader(bytes.NewReader(pdf[data : data+n]))
			require.NoError(t, err, "stream at %d", i)
			b, err := io.ReadAll(zr)
			require.NoError(t, err, "stream at %d", i)
			out = append(out, b)
		}
		pos = data + n
	}
	return out
}

// smpPDFFontSizes maps each font the PDF draws with (its BaseFont name, #20
// decoded) to the sizes its Tf operators select in the content streams.
func smpPDFFontSizes(t testing.TB, pdf []byte, streams [][]byte) map[string][]float64 {
	t.Helper()
	res := regexp.MustCompile(`(?s)/Font <<(.*?)>>`).FindSubmatch(pdf)
	require.NotNil(t, res, "no /Font resources")
	base := map[string]string{} // resource name -> BaseFont
	for _, m := range regexp.MustCompile(`/(\S+) (\d+) 0 R`).FindAllSubmatch(res[1], -1) {
		obj := regexp.MustCompile(`(?m)^` + string(m[2]) + ` 0 obj\s*<</Type /Font[^>]*?/BaseFont /(\S+)`).FindSubmatch(pdf)
		require.NotNil(t, obj, "font object %s", m[2])
		base[string(m[1])] = strings.ReplaceAll(string(obj[1]), "#20", " ")
	}
	require.NotEmpty(t, base, "no fonts in /Font resources")
	used := map[string][]float64{}
	tf := regexp.MustCompile(`/(\S+) ([\d.]+) Tf`)
	for _, st := range streams {
		for _, m := range tf.FindAllSubmatch(st, -1) {
			name, ok := base[string(m[1])]
			if !ok {
				continue // a stream that is not page content
			}
			size, err := strconv.ParseFloat(string(m[2]), 64)
			require.NoError(t, err)
			used[name] = append(used[name], size)
		}
	}
	return used
}

// smpHex parses a kit colour (#rrggbb) without the renderer's parser.
func smpHex(t testing.TB, s string) [3]uint8 {
	t.Helper()
	require.Len(t, s, 7, "colour %q", s)
	n, err := strconv.ParseUint(s[1:], 16, 32)
	require.NoError(t, err, "colour %q", s)
	return [3]uint8{uint8(n >> 16), uint8(n >> 8), uint8(n)}
}

// smpRG is fpdf's non-stroking colour operator for c.
func smpRG(c [3]uint8) string {
	return fmt.Sprintf("%.3f %.3f %.3f rg", float64(c[0])/255, float64(c[1])/255, float64(c[2])/255)
}

func TestSampleFontsAndColours(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			want, ok := smpKitFonts[s.kit.Name]
			require.True(t, ok, "add kit %q to smpKitFonts", s.kit.Name)

			t.Run("pdf fonts", func(t *testing.T) {
				fonts := smpPDFFonts(t, s.out.PDF)
				require.NotEmpty(t, fonts)
				found := map[string]bool{}
				for _, f := range fonts {
					assert.True(t, f.embedded, "font %q is not embedded", f.name)
					assert.Contains(t, f.typ, "TrueType", "font %q", f.name)
					key := smpFontKey(f.name)
					switch {
					case strings.Contains(key, smpFontKey(want.body)):
						found[want.body] = true
					case strings.Contains(key, smpFontKey(want.heading)):
						found[want.heading] = true
					default:
						t.Errorf("font %q is not one of the kit's (%s, %s)", f.name, want.body, want.heading)
					}
				}
				assert.True(t, found[want.body], "body family %s not embedded", want.body)
				assert.True(t, found[want.heading], "heading family %s not embedded", want.heading)
			})

			t.Run("pdf font use", func(t *testing.T) {
				// Embedded is not enough: the title must be set in the
				// heading family at the kit's heading size, body text in the
				// body family at the base size.
				used := smpPDFFontSizes(t, s.out.PDF, smpInflatedStreams(t, s.out.PDF))
				usedAt := func(family string, size float64) bool {
					for name, sizes := range used {
						if strings.Contains(smpFontKey(name), smpFontKey(family)) {
							for _, got := range sizes {
								if got == size {
									return true
								}
							}
						}
					}
					return false
				}
				ty := s.kit.Typography
				assert.True(t, usedAt(want.heading, ty.HeadingSize), "no text in %s at %v pt; fonts used: %v", want.heading, ty.HeadingSize, used)
				assert.True(t, usedAt(want.body, ty.BaseSize), "no text in %s at %v pt; fonts used: %v", want.body, ty.BaseSize, used)
			})

			t.Run("pdf colours", func(t *testing.T) {
				streams := smpInflatedStreams(t, s.out.PDF)
				require.NotEmpty(t, streams)
				content := string(bytes.Join(streams, []byte("\n")))
				// rg sets the non-stroking colour, for fills and text alike.
				// fpdf writes SetFillColor as an rg line of its own, and a
				// text colour as "q ... rg BT" around the text it colours.
				primary := smpRG(smpHex(t, s.kit.Colors.Primary))
				assert.True(t, strings.Contains(content, primary), "primary colour %s unused", s.kit.Colors.Primary)
				if s.v.Table != nil {
					fill := regexp.MustCompile("(?m)^" + regexp.QuoteMeta(primary) + "$")
					assert.True(t, fill.MatchString(content), "no fill (the table header) in the primary colour %s", s.kit.Colors.Primary)
				}
				text := "q " + smpRG(smpHex(t, s.kit.Colors.Text)) + " BT"
				assert.True(t, strings.Contains(content, text), "no text in the text colour %s", s.kit.Colors.Text)
			})

			t.Run("html", func(t *testing.T) {
				doc, err := xhtml.Parse(bytes.NewReader(s.out.HTML))
				require.NoError(t, err)
				var styles []string
				var walk func(*xhtml.Node)
				walk = func(n *xhtml.Node) {
					if n.Type == xhtml.ElementNode {
						if st, ok := htAttr(n, "style"); ok {
							styles = append(styles, strings.ToLower(st))
						}
					}
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
				}
				walk(doc)
				require.NotEmpty(t, styles)
				count := func(sub string) int {
					n := 0
					for _, st := range styles {
						if strings.Contains(st, sub) {
							n++
						}
					}
					return n
				}
				for _, c := range []struct{ name, hex string }{
					{"primary", s.kit.Colors.Primary},
					{"text", s.kit.Colors.Text},
				} {
					assert.Positive(t, count(strings.ToLower(c.hex)), "%s colour %s in no inline style", c.name, c.hex)
				}
				for _, fam := range []string{want.cssBody, want.cssHeading} {
					n := 0
					for _, st := range styles {
						if i := strings.Index(st, "font-family:"); i >= 0 && strings.Contains(st[i:], strings.ToLower(fam)) {
							n++
						}
					}
					assert.Positive(t, n, "no font-family names %q", fam)
				}
			})
		})
	}
}

func TestSampleDeterministic(t *testing.T) {
	pairs, err := samples.Pairs()
	require.NoError(t, err)
	require.NotEmpty(t, pairs)
	for _, p := range pairs {
		t.Run(strings.TrimSuffix(p.Document, ".json"), func(t *testing.T) {
			// Two Renderers, each with its own kit load, font parse and
			// theme: nothing may leak from one render into the next.
			a, err := smpRender(p)
			require.NoError(t, err)
			b, err := smpRender(p)
			require.NoError(t, err)
			require.NotSame(t, a.r, b.r)
			assert.True(t, bytes.Equal(a.out.PDF, b.out.PDF), "PDF bytes differ")
			assert.True(t, bytes.Equal(a.out.HTML, b.out.HTML), "HTML bytes differ")
			assert.Equal(t, string(a.out.Text), string(b.out.Text), "text differs")
			assert.Equal(t, string(a.out.SMS), string(b.out.SMS), "SMS differs")
		})
	}
}

// smpDocumentDate is the date a document carries: the issue date of an
// invoice or credit note, the date of a notice.
func smpDocumentDate(t testing.TB, s *smpSample) Date {
	t.Helper()
	path := "issue_date"
	if s.doc.Type == TypeNotice {
		path = "date"
	}
	d := smpDocDate(t, s.raw, path)
	require.True(t, d.Valid(), "%s has no %s", s.name, path)
	return d
}

func TestSampleMetadata(t *testing.T) {
	// pdfinfo prints dates in the local zone; the document date has none.
	t.Setenv("TZ", "UTC")
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			m := s.v.Meta
			require.NotEmpty(t, m.Kit)
			assert.Contains(t, m.Kit, s.kit.Name, "kit record names the kit")

			info := pdfInfo(t, s.out.PDF)
			assert.Equal(t, m.Title, info["Title"])
			assert.Equal(t, m.Author, info["Author"])
			assert.Equal(t, m.Subject, info["Subject"])
			assert.True(t, strings.HasPrefix(info["Keywords"], m.Keywords), "Keywords %q start with %q", info["Keywords"], m.Keywords)
			assert.True(t, strings.HasSuffix(info["Keywords"], "kit:"+m.Kit), "Keywords %q record the kit %q", info["Keywords"], m.Kit)

			// The document's own data, not the view's.
			switch s.doc.Type {
			case TypeNotice:
				assert.Equal(t, s.kit.FixText(s.doc.Notice.Subject), info["Title"])
			default:
				assert.Contains(t, info["Title"], s.doc.Invoice.Number)
				assert.Contains(t, info["Keywords"], s.doc.Invoice.Number)
			}

			want := smpDocumentDate(t, s)
			for _, key := range []string{"CreationDate", "ModDate"} {
				got, err := time.Parse("Mon Jan _2 15:04:05 2006 MST", info[key])
				require.NoError(t, err, "%s %q", key, info[key])
				assert.Equal(t, fmt.Sprintf("%04d-%02d-%02d", want.Year(), int(want.Month()), want.Day()), got.Format("2006-01-02"), key)
			}
			// Midnight of the document date, with no zone: the clock never
			// reaches the file.
			stamp := fmt.Sprintf("(D:%04d%02d%02d000000", want.Year(), int(want.Month()), want.Day())
			assert.True(t, bytes.Contains(s.out.PDF, []byte("/CreationDate "+stamp)), "PDF lacks /CreationDate %s", stamp)

			doc, err := xhtml.Parse(bytes.NewReader(s.out.HTML))
			require.NoError(t, err)
			htmls := htFind(doc, "html")
			require.Len(t, htmls, 1)
			lang, _ := htAttr(htmls[0], "lang")
			assert.Equal(t, s.kit.Tone.Locale, lang, "<html lang>")
			var kits []string
			for _, n := range htFind(doc, "meta") {
				if name, _ := htAttr(n, "name"); name == "livery-kit" {
					c, _ := htAttr(n, "content")
					kits = append(kits, c)
				}
			}
			require.Equal(t, []string{m.Kit}, kits, `one <meta name="livery-kit"> with the view's kit record`)
			assert.Contains(t, info["Keywords"], kits[0], "PDF and HTML record the same kit")
		})
	}
}
