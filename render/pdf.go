package render

import (
	"bytes"
	"compress/zlib"
	"container/list"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/liveryhq/livery/fonts"
)

// pageAlias stands for the page count in the footer until fpdf knows it.
const pageAlias = "{nb}"

// fallbackDate is the creation date of a document without a valid date: fpdf
// would otherwise stamp the clock, and the same input must give the same bytes.
var fallbackDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fontRoute is how the PDF renderer hands font programs to fpdf. Production
// uses routeSimple; the other routes are its fallbacks and the baselines
// docs/benchmarks.md measures it against.
type fontRoute int

const (
	// routeSimple registers, per document, a single-byte SimpleFont with the
	// runes each face draws, through fpdf's plain TrueType path, with every
	// text passed through the font's encoding. A face that needs more than
	// fonts.MaxSimpleRunes runes takes routeUTF8Subset instead.
	routeSimple fontRoute = iota
	// routeUTF8Subset registers per-document subset programs through fpdf's
	// UTF-8 path, which draws UTF-8 text as is but costs several
	// milliseconds per font.
	routeUTF8Subset
	// routeUTF8Full registers the whole font programs through fpdf's UTF-8
	// path: slowest, but draws any rune the fonts have.
	routeUTF8Full
)

// runeScope is which runes each face's per-document font is built for.
type runeScope int

const (
	// scopeDrawn gives each face the runes drawn in it: a heading family
	// only gets the title, the brand name and the headings.
	scopeDrawn runeScope = iota
	// scopeAll gives every face every rune of the document.
	scopeAll
)

// pdfStrictText makes a text that the current font's encoding cannot encode
// an error instead of a reason to draw again with wider fonts. Tests set it:
// such a text means pdfDocumentRunes and the drawing code disagree.
var pdfStrictText = false

// pdf draws v as a PDF with the renderer's theme.
func (r *Renderer) pdf(v *view) ([]byte, error) {
	type attempt struct {
		route fontRoute
		scope runeScope
	}
	attempts := []attempt{{r.theme.pdfTuning.route, scopeDrawn}}
	if r.theme.pdfTuning.route == routeSimple {
		// A text outside its font's set would draw .notdef boxes. That is a
		// bug, not bad input, but no document should show it: draw again
		// with every rune in every face, and then with the whole programs,
		// which draw whatever the fonts have.
		attempts = append(attempts, attempt{routeSimple, scopeAll}, attempt{routeUTF8Full, scopeAll})
	}
	for i, a := range attempts {
		out, missed, err := r.drawPDF(v, a.route, a.scope)
		if err != nil {
			return nil, err
		}
		if missed != "" && pdfStrictText {
			return nil, fmt.Errorf("draw PDF: %q has runes outside the document's font set", missed)
		}
		if missed == "" || i == len(attempts)-1 {
			return out, nil
		}
	}
	panic("unreachable")
}

// drawPDF draws v with fonts registered by route for scope. It returns the
// first text that the font it was drawn in could not encode, if any.
func (r *Renderer) drawPDF(v *view, route fontRoute, scope runeScope) (out []byte, missed string, err error) {
	w, err := r.newPDFWriter(v, route, scope)
	if err != nil {
		return nil, "", err
	}
	d := newPDFDraw(w, r.theme, v)
	d.document()
	if err := w.f.Error(); err != nil {
		return nil, "", fmt.Errorf("draw PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := w.f.Output(&buf); err != nil {
		return nil, "", fmt.Errorf("draw PDF: %w", err)
	}
	raw := buf.Bytes()
	if !r.theme.pdfTuning.fpdfCompression {
		if raw, err = compressStreams(raw); err != nil {
			return nil, "", fmt.Errorf("draw PDF: %w", err)
		}
	}
	out, aerr := indirectAnnots(raw)
	if aerr != nil {
		return nil, "", aerr
	}
	return out, w.missed, nil
}

// newPDFWriter starts a document for v: page size, metadata and fonts.
func (r *Renderer) newPDFWriter(v *view, route fontRoute, scope runeScope) (*pdfWriter, error) {
	th := r.theme
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: th.pageW, Ht: th.pageH},
	})
	// compressStreams compresses the page content afterwards, with a
	// reused compressor: fpdf allocates and clears a new one of 1.2 MB for
	// every stream, which costs more than compressing a page.
	pdf.SetCompression(th.pdfTuning.fpdfCompression)
	pdf.SetCatalogSort(true)
	created := v.Meta.Date.Time()
	if created.IsZero() {
		created = fallbackDate
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	// Metadata is UTF-8 in its own right: it never goes through a font.
	pdf.SetProducer("Livery", true)
	pdf.SetTitle(v.Meta.Title, true)
	pdf.SetAuthor(v.Meta.Author, true)
	pdf.SetSubject(v.Meta.Subject, true)
	pdf.SetCreator(v.Meta.Creator, true)
	keywords := v.Meta.Keywords
	if v.Meta.Kit != "" {
		keywords = strings.TrimSpace(keywords + " kit:" + v.Meta.Kit)
	}
	pdf.SetKeywords(keywords, true)
	if lang := pdfLang(v.Lang); lang != "" {
		pdf.SetLang(lang)
	}
	// The alias must be known before fonts are added: fpdf sizes the font subset
	// differently when a page-count alias will be substituted at the end.
	if strings.Contains(v.PageLabel, "{pages}") {
		pdf.AliasNbPages(pageAlias)
	}
	w := &pdfWriter{f: pdf}
	if err := r.pdfFonts(w, v, route, scope); err != nil {
		return nil, err
	}
	return w, nil
}

// pdfFontKey names a registered font by family and fpdf style ("" or "B").
type pdfFontKey struct{ family, style string }

// pdfFace is a font program the PDF renderer registers, prepared once per
// theme.
type pdfFace struct {
	key         pdfFontKey
	data        []byte // the whole program, for routeUTF8Full
	sub         *fonts.Subsetter
	headingOnly bool // only headings are drawn in it (scopeDrawn)
}

// pdfFaces lists the fonts every document registers: the body family's
// regular and bold and, when the heading family differs, its bold, checked
// and with their Subsetters. It prepares them on first use, once per theme.
func (th *theme) pdfFaces() ([]pdfFace, error) {
	th.pdf.once.Do(func() { th.pdf.faces, th.pdf.err = th.preparePDFFaces() })
	return th.pdf.faces, th.pdf.err
}

func (th *theme) preparePDFFaces() ([]pdfFace, error) {
	type font struct {
		fp    fontPair
		style string
	}
	// Headings are always bold, so a separate heading family needs only its
	// bold program: every registered font costs time and bytes.
	list := []font{{th.body, ""}, {th.body, "B"}}
	if th.heading.Name != th.body.Name {
		list = append(list, font{th.heading, "B"})
	}
	faces := make([]pdfFace, 0, len(list))
	for _, f := range list {
		data, sub := f.fp.Regular, f.fp.RegularSub
		// A family without bold falls back to its regular program: bold text
		// loses weight but still draws.
		if f.style == "B" && len(f.fp.Bold) > 0 {
			data, sub = f.fp.Bold, f.fp.BoldSub
		}
		if !isTrueTypeProgram(data) {
			return nil, fmt.Errorf("draw PDF: font %s %q: %w", f.fp.Name, f.style, fonts.ErrNotTrueType)
		}
		if sub == nil {
			// Not prepared by resolveFamily (a theme built by hand): the
			// program is the truth, so parse it rather than trust a face.
			face, err := fonts.Parse(data)
			if err != nil {
				return nil, fmt.Errorf("draw PDF: font %s %q: %w", f.fp.Name, f.style, err)
			}
			sub = fonts.NewSubsetter(face)
		}
		faces = append(faces, pdfFace{
			key: pdfFontKey{f.fp.Name, f.style}, data: data, sub: sub,
			headingOnly: f.fp.Name == th.heading.Name && f.fp.Name != th.body.Name,
		})
	}
	return faces, nil
}

// pdfFonts registers the theme's fonts for v by route. It is the one place
// font programs reach fpdf.
func (r *Renderer) pdfFonts(w *pdfWriter, v *view, route fontRoute, scope runeScope) error {
	faces, err := r.theme.pdfFaces()
	if err != nil {
		return err
	}
	if faces, err = withSlipFaces(faces, v); err != nil {
		return err
	}
	var sets pdfRuneSets
	if route != routeUTF8Full {
		sets = pdfDocumentRunes(v)
	}
	for _, f := range faces {
		runes := sets.all
		if f.headingOnly && scope == scopeDrawn {
			runes = sets.heading
		}
		switch route {
		case routeUTF8Full:
			err = addUTF8Font(w.f, f.key, f.data)
		case routeUTF8Subset:
			err = addSubsetFont(w.f, f, sets.all)
		default:
			var sf *fonts.SimpleFont
			sf, err = r.theme.simpleFont(f, runes)
			if errors.Is(err, fonts.ErrTooManyRunes) {
				// Beyond one byte's worth of runes: this face takes the
				// UTF-8 path, with every rune, as misses cannot be
				// detected there.
				err = addSubsetFont(w.f, f, sets.all)
				break
			}
			if err != nil {
				return fmt.Errorf("draw PDF: font %s %q: %w", f.key.family, f.key.style, err)
			}
			w.f.AddFontFromBytes(f.key.family, f.key.style, sf.JSON, sf.Z)
			if err = w.f.Error(); err != nil {
				return fmt.Errorf("draw PDF: font %s %q: %w", f.key.family, f.key.style, err)
			}
			if w.simple == nil {
				w.simple = make(map[pdfFontKey]*fonts.SimpleFont, len(faces))
			}
			w.simple[f.key] = sf
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// simpleFontCacheSize bounds the SimpleFonts a theme keeps, across its
// faces. An entry is the font's definition and compressed program, about
// 8 KB for an invoice.
const simpleFontCacheSize = 64

// simpleFontKey identifies a SimpleFont: the face and its sorted runes.
type simpleFontKey struct {
	sub   *fonts.Subsetter
	runes string
}

// simpleFontCache keeps the most recently used SimpleFonts of a theme.
// Building one (cutting the subset and compressing it) is most of what the
// fonts cost per document, and documents of one kit share rune sets: the
// heading font always draws the same words, and a billing run repeats
// whole documents' sets (the same customer every month, the same notice to
// many). A SimpleFont is immutable, so documents share it freely.
type simpleFontCache struct {
	mu      sync.Mutex
	entries map[simpleFontKey]*list.Element // of *simpleFontEntry
	order   list.List                       // most recently used first
}

type simpleFontEntry struct {
	key simpleFontKey
	sf  *fonts.SimpleFont
}

// simpleFont returns the SimpleFont of face f for runes (sorted and
// distinct), from the theme's cache when it has it.
func (th *theme) simpleFont(f pdfFace, runes []rune) (*fonts.SimpleFont, error) {
	if th.pdfTuning.noFontCache {
		return f.sub.SimpleFontRunes(runes)
	}
	c := &th.pdf.simple
	key := simpleFontKey{f.sub, string(runes)}
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*simpleFontEntry).sf, nil
	}
	c.mu.Unlock()
	// Built outside the lock: documents of other rune sets need not wait.
	// Two documents may build the same font at once; both results are equal.
	sf, err := f.sub.SimpleFontRunes(runes)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[simpleFontKey]*list.Element, simpleFontCacheSize)
	}
	if _, ok := c.entries[key]; !ok {
		c.entries[key] = c.order.PushFront(&simpleFontEntry{key, sf})
		if c.order.Len() > simpleFontCacheSize {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.entries, last.Value.(*simpleFontEntry).key)
		}
	}
	return sf, nil
}

// pdfLiterals are the characters the PDF code draws besides the view's
// strings: page numbers and fpdf's page-count alias, list numbering, bullets
// (or the hyphen that replaces them), the ellipsis of shortened lines, the
// separator of joined brand details and the no-break spaces that keep code
// indented.
const pdfLiterals = "0123456789" + pageAlias + ".•-…·\u00a0"

// pdfRuneSets are the runes one document draws, sorted and distinct.
type pdfRuneSets struct {
	all     []rune // everything: what the body faces draw
	heading []rune // the title, the brand name and the markdown headings
}

// pdfDocumentRunes collects the runes v's PDF draws. Every string the PDF
// code draws is one of the view's strings (or a part of one), a page label
// made of pdfLiterals, or a pdfLiterals character: keep it so, or add the
// new literal there. Tests draw with pdfStrictText to hold the code to it.
func pdfDocumentRunes(v *view) pdfRuneSets {
	var all, heading runeSet
	v.eachString(all.addString)
	if v.PayCode != nil && v.PayCode.Slip != nil {
		v.PayCode.Slip.eachString(all.addString)
	}
	all.addString(pdfLiterals)
	heading.addString(v.Title)
	heading.addString(v.Brand)
	heading.addString("\u00a0")
	for _, b := range v.Body {
		if b.Kind == blockHeading {
			for _, in := range b.Inlines {
				heading.addString(in.Text)
			}
		}
	}
	return pdfRuneSets{all: all.runes(), heading: heading.runes()}
}

// runeSet collects distinct runes: a bitmap for the Basic Multilingual
// Plane, where all text worth a single-byte font is, and a list for the
// rest. Why not append and sort: a document has thousands of runes and a
// few dozen distinct ones, and setting bits is several times faster.
type runeSet struct {
	bmp   [0x10000 / 64]uint64
	other []rune
}

func (s *runeSet) addString(str string) {
	for _, r := range str {
		if r < 0x10000 {
			s.bmp[r>>6] |= 1 << (r & 63)
		} else if !slices.Contains(s.other, r) {
			s.other = append(s.other, r)
		}
	}
}

// runes returns the set's runes in order.
func (s *runeSet) runes() []rune {
	n := len(s.other)
	for _, w := range s.bmp {
		n += bits.OnesCount64(w)
	}
	out := make([]rune, 0, n)
	for i, w := range s.bmp {
		for w != 0 {
			out = append(out, rune(i<<6|bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	slices.Sort(s.other)
	return append(out, s.other...)
}

// addSubsetFont registers a per-document subset program of f for runes
// through fpdf's UTF-8 path.
func addSubsetFont(pdf *fpdf.Fpdf, f pdfFace, runes []rune) error {
	program, err := f.sub.Subset(runes)
	if err != nil {
		return fmt.Errorf("draw PDF: font %s %q: %w", f.key.family, f.key.style, err)
	}
	return addUTF8Font(pdf, f.key, program)
}

// addUTF8Font registers one font program through fpdf's UTF-8 path. fpdf
// prints to stdout, registers nothing and fails only later ("undefined
// font") on a program it cannot read, and panics on some broken ones: the
// programs were checked by pdfFaces, and a panic still becomes an error.
func addUTF8Font(pdf *fpdf.Fpdf, key pdfFontKey, data []byte) (err error) {
	family, style := key.family, key.style
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("draw PDF: font %s %q: unreadable program: %v", family, style, p)
		}
	}()
	pdf.AddUTF8FontFromBytes(family, style, data)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("draw PDF: font %s %q: %w", family, style, err)
	}
	if pdf.GetFontDesc(family, style).Ascent == 0 {
		return fmt.Errorf("draw PDF: font %s %q: %w", family, style, fonts.ErrNotTrueType)
	}
	return nil
}

// zlibWriters are reused across documents: a new zlib writer allocates and
// clears about 1.2 MB, several times the cost of compressing a page. Best
// speed is fpdf's own level: it gives the same bytes fpdf would.
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

// minCompressedStream is the smallest stream compressStreams compresses.
// Compressing costs about 25 µs a stream whatever its size (a zlib header,
// the Huffman tables of a block), and below a kilobyte it saves little or
// nothing: the logo's 768-byte palette came out 16 bytes larger.
// A variable so that tests can compare with fpdf's own compression, which
// compresses every stream.
var minCompressedStream = 1024

// compressStreams returns pdf, written by fpdf without compression, with
// every stream fpdf would have compressed (those whose dictionary holds
// just their /Length: page content and image palettes) of at least
// minCompressedStream bytes compressed, and the
// cross-reference table moved to the objects' new offsets. It reads the
// layout fpdf writes: "N 0 obj\n<</Length L>>\nstream\n", L bytes,
// "\nendstream\nendobj\n"; objects in the order the xref table's offsets
// give; one xref section "xref\n0 N\n" of 20-byte entries; the trailer.
func compressStreams(pdf []byte) ([]byte, error) {
	bad := func(what string) error { return fmt.Errorf("compress streams: %s is not as fpdf writes it", what) }
	sx := bytes.LastIndex(pdf, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, bad("the trailer")
	}
	xref, err := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(pdf[sx+len("\nstartxref\n"):]), []byte("%%EOF")))))
	if err != nil || xref <= 0 || xref >= sx {
		return nil, bad("startxref")
	}
	var n int
	head := pdf[xref:]
	if _, err := fmt.Sscanf(string(head[:min(len(head), 32)]), "xref\n0 %d\n", &n); err != nil || n < 1 {
		return nil, bad("the xref table")
	}
	entries := head[bytes.IndexByte(head[5:], '\n')+6:]
	const entryLen = 20
	if len(entries) < n*entryLen {
		return nil, bad("the xref table")
	}
	trailer := entries[n*entryLen:]
	trailer = trailer[:bytes.Index(trailer, []byte("startxref\n"))]

	// Objects in file order, each up to the next one (or the xref table).
	type object struct{ num, off int }
	objs := make([]object, 0, n-1)
	for i := 1; i < n; i++ {
		off, err := strconv.Atoi(string(entries[i*entryLen : i*entryLen+10]))
		if err != nil || off <= 0 || off >= xref {
			return nil, bad("an xref entry")
		}
		objs = append(objs, object{i, off})
	}
	slices.SortFunc(objs, func(a, b object) int { return a.off - b.off })
	if len(objs) == 0 {
		return pdf, nil
	}

	out := bytes.NewBuffer(make([]byte, 0, len(pdf)/2))
	out.Write(pdf[:objs[0].off])
	offsets := make([]int, n)
	zw := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(zw)
	var z bytes.Buffer
	for i, o := range objs {
		end := xref
		if i+1 < len(objs) {
			end = objs[i+1].off
		}
		body := pdf[o.off:end]
		offsets[o.num] = out.Len()
		data, ok := plainStream(body, o.num)
		if !ok || len(data) < minCompressedStream {
			out.Write(body)
			continue
		}
		z.Reset()
		zw.Reset(&z)
		if _, err := zw.Write(data); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", o.num, z.Len())
		out.Write(z.Bytes())
		out.WriteString("\nendstream\nendobj\n")
	}
	start := out.Len()
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", n)
	for _, off := range offsets[1:] {
		fmt.Fprintf(out, "%010d 00000 n \n", off)
	}
	out.Write(trailer)
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", start)
	return out.Bytes(), nil
}

// plainStream returns the data of body, object num as fpdf writes it, when
// it is a stream whose dictionary holds just its length: the streams fpdf
// compresses when asked to.
func plainStream(body []byte, num int) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(body, fmt.Appendf(nil, "%d 0 obj\n<</Length ", num))
	if !ok {
		return nil, false
	}
	i := bytes.IndexByte(rest, '>')
	if i < 0 {
		return nil, false
	}
	l, err := strconv.Atoi(string(rest[:i]))
	if err != nil || l < 0 {
		return nil, false
	}
	rest, ok = bytes.CutPrefix(rest[i:], []byte(">>\nstream\n"))
	if !ok || len(rest) != l+len("\nendstream\nendobj\n") || string(rest[l:]) != "\nendstream\nendobj\n" {
		return nil, false
	}
	return rest[:l], true
}

// pdfWriter is a document's fpdf as the drawing code sees it. Every method
// that takes text takes UTF-8 and encodes it for the current font: a
// SimpleFont's codes differ per document, and text reaching fpdf unencoded
// would draw the wrong glyphs. fpdf is deliberately not embedded: its other
// text methods (Cell, Write, SplitText, ...) would then compile and draw
// garbage; here a new one needs a method that encodes.
type pdfWriter struct {
	f *fpdf.Fpdf
	// simple holds the SimpleFonts by family and style; a registered font
	// not in it is a UTF-8 font, which takes text as is.
	simple map[pdfFontKey]*fonts.SimpleFont
	key    pdfFontKey        // the current font
	enc    *fonts.SimpleFont // the current font's encoding, nil for UTF-8
	// missed is the first text the current font's encoding lacked a rune
	// of: it drew .notdef boxes.
	missed string
	// textColor is the text colour fpdf has, once set: the drawing code sets
	// it for every piece of text, and fpdf formats it anew each time.
	textColor    [3]int
	textColorSet bool
}

// SetFont selects a registered font and its encoding.
func (w *pdfWriter) SetFont(family, style string, size float64) {
	w.f.SetFont(family, style, size)
	w.key = pdfFontKey{family, style}
	w.enc = w.simple[w.key]
}

// encode converts s for the current font.
func (w *pdfWriter) encode(s string) string {
	if w.enc == nil {
		return s
	}
	e := w.enc.Encode(s)
	// Encode writes .notdef's code 31 for a rune outside the set (and for
	// the control character U+001F, which no text should hold either).
	if w.missed == "" && strings.IndexByte(e, 31) >= 0 {
		w.missed = s
	}
	return e
}

// Text draws s with its baseline starting at x, y.
func (w *pdfWriter) Text(x, y float64, s string) { w.f.Text(x, y, w.encode(s)) }

// GetStringWidth is the width of s in the current font.
func (w *pdfWriter) GetStringWidth(s string) float64 { return w.f.GetStringWidth(w.encode(s)) }

// AddPage adds a page. fpdf runs the footer and header functions, which
// change fonts through w, and then selects the previous font itself: keep
// the encoding in step.
//
// fpdf restores the text colour too.
func (w *pdfWriter) AddPage() {
	key, tc, tcSet := w.key, w.textColor, w.textColorSet
	w.f.AddPage()
	w.key, w.enc = key, w.simple[key]
	w.textColor, w.textColorSet = tc, tcSet
}

// SetTextColor sets the colour of the text drawn next, unless it is set
// already. Unlike the fill and stroke colours, fpdf writes nothing for it
// until text is drawn, so skipping a repeat changes no byte.
func (w *pdfWriter) SetTextColor(r, g, b int) {
	if c := [3]int{r, g, b}; !w.textColorSet || c != w.textColor {
		w.f.SetTextColor(r, g, b)
		w.textColor, w.textColorSet = c, true
	}
}

// The methods below take no text and pass straight to fpdf.

func (w *pdfWriter) PageNo() int                           { return w.f.PageNo() }
func (w *pdfWriter) GetY() float64                         { return w.f.GetY() }
func (w *pdfWriter) SetY(y float64)                        { w.f.SetY(y) }
func (w *pdfWriter) SetMargins(left, top, right float64)   { w.f.SetMargins(left, top, right) }
func (w *pdfWriter) SetAutoPageBreak(auto bool, m float64) { w.f.SetAutoPageBreak(auto, m) }
func (w *pdfWriter) SetCellMargin(m float64)               { w.f.SetCellMargin(m) }
func (w *pdfWriter) SetHeaderFunc(fn func())               { w.f.SetHeaderFunc(fn) }
func (w *pdfWriter) SetFooterFunc(fn func())               { w.f.SetFooterFunc(fn) }
func (w *pdfWriter) SetFillColor(r, g, b int)              { w.f.SetFillColor(r, g, b) }
func (w *pdfWriter) SetDrawColor(r, g, b int)              { w.f.SetDrawColor(r, g, b) }
func (w *pdfWriter) SetLineWidth(width float64)            { w.f.SetLineWidth(width) }
func (w *pdfWriter) Line(x1, y1, x2, y2 float64)           { w.f.Line(x1, y1, x2, y2) }
func (w *pdfWriter) Rect(x, y, wd, ht float64, style string) {
	w.f.Rect(x, y, wd, ht, style)
}
func (w *pdfWriter) RoundedRect(x, y, wd, ht, r float64, corners, style string) {
	w.f.RoundedRect(x, y, wd, ht, r, corners, style)
}
func (w *pdfWriter) TransformBegin()                    { w.f.TransformBegin() }
func (w *pdfWriter) TransformSkewX(angle, x, y float64) { w.f.TransformSkewX(angle, x, y) }
func (w *pdfWriter) TransformEnd()                      { w.f.TransformEnd() }

// LinkString makes a rectangle a link to url. The URL goes into the link
// annotation, not through a font: it is not encoded.
func (w *pdfWriter) LinkString(x, y, wd, ht float64, url string) { w.f.LinkString(x, y, wd, ht, url) }

// RegisterImageOptionsReader registers an image under name.
func (w *pdfWriter) RegisterImageOptionsReader(name string, opt fpdf.ImageOptions, r io.Reader) *fpdf.ImageInfoType {
	return w.f.RegisterImageOptionsReader(name, opt, r)
}

// ImageOptions draws a registered image.
func (w *pdfWriter) ImageOptions(name string, x, y, wd, ht float64, flow bool, opt fpdf.ImageOptions, link int, linkStr string) {
	w.f.ImageOptions(name, x, y, wd, ht, flow, opt, link, linkStr)
}

// Err reports whether fpdf has failed.
func (w *pdfWriter) Err() bool { return w.f.Err() }

// isTrueTypeProgram reports whether b starts like a TrueType-outline font file.
func isTrueTypeProgram(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	tag := string(b[:4])
	return tag == "\x00\x01\x00\x00" || tag == "true"
}

// pdfLang returns tag if it looks like a BCP 47 tag: fpdf writes /Lang into
// the catalog unescaped.
func pdfLang(tag string) string {
	if tag == "" || len(tag) > 35 {
		return ""
	}
	for _, c := range tag {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return ""
		}
	}
	return tag
}

// pdfDraw holds one document's drawing state. Positions are millimetres from
// the top-left corner; font sizes are points.
type pdfDraw struct {
	pdf *pdfWriter
	th  *theme
	v   *view

	bodyFont, headFont string
	base, small, title float64 // pt
	leading            float64 // line height as a multiple of the font size

	left, right, width float64 // content box
	top                float64 // where content starts on continuation pages
	limit              float64 // lowest y content may reach (footer kept clear)
	footerTop          float64
	footer             []textLine // v.Footer laid out

	// tableHeader redraws the running table header after a page break; nil
	// outside tables.
	tableHeader func()

	cur    fontKey // font fpdf has selected
	bullet string

	// slipPage is the page with the Swiss QR-bill at its foot, whose footer
	// moves up above it; 0 for none.
	slipPage int
}

// newPDFDraw prepares drawing v on pdf, whose fonts are registered already.
func newPDFDraw(pdf *pdfWriter, th *theme, v *view) *pdfDraw {
	d := &pdfDraw{pdf: pdf, th: th, v: v, bodyFont: th.body.Name, headFont: th.heading.Name}
	ty := th.kit.Typography
	d.base = pdfOr(ty.BaseSize, 10)
	d.small = pdfOr(ty.SmallSize, d.base*0.78)
	d.title = pdfOr(ty.HeadingSize, d.base*2.1)
	d.leading = pdfOr(ty.LineHeight, 1.4)

	mt, mr, mb, ml := th.marginTop, th.marginRight, th.marginBottom, th.marginLeft
	d.left = pdfOr(ml, 20)
	d.right = th.pageW - pdfOr(mr, 20)
	d.width = d.right - d.left
	d.top = pdfOr(mt, 20)

	// The footer sits in the bottom margin where it fits, and pushes the
	// content limit up where it does not. Legal text wraps rather than being
	// cut: the law may require every word of it.
	small := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
	for _, line := range v.Footer {
		d.footer = append(d.footer, d.layout(pdfPlain(line), d.width, small)...)
	}
	lines := len(d.footer)
	if v.PageLabel != "" {
		lines++
	}
	mb = pdfOr(mb, 20)
	footerBottom := th.pageH - min(mb*0.5, 12)
	d.footerTop = footerBottom - float64(lines)*d.lh(d.small)
	d.limit = th.pageH - mb
	if lines > 0 {
		d.limit = min(d.limit, d.footerTop-9)
	}

	d.bullet = "•"
	if f := th.body.RegularFace; f != nil && !f.Has('•') {
		d.bullet = "-"
	}
	return d
}

// pdfOr is x, or def when the kit left x unset.
func pdfOr(x, def float64) float64 {
	if x <= 0 {
		return def
	}
	return x
}

// document draws every part of the view, in reading order.
func (d *pdfDraw) document() {
	pdf := d.pdf
	pdf.SetMargins(d.left, d.top, d.th.pageW-d.right)
	// Page breaks are ours: rows, panels and sign-offs must never split, which
	// fpdf's automatic breaks cannot promise.
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.SetHeaderFunc(d.pageHeader)
	pdf.SetFooterFunc(d.pageFooter)
	d.font(d.bodyFont, false, d.base)
	d.addPage()

	d.letterhead()
	d.opening()
	// Reminders may carry payment parts without a table, so each part is
	// drawn when present rather than by document type.
	d.invoiceTable()
	d.totals()
	d.payment()
	d.blocks(d.v.Body)
	d.facts()
	d.action()
	d.closing()
	d.paymentSlip()
}

// ptMM converts points to millimetres.
func ptMM(pt float64) float64 { return pt * 25.4 / 72 }

// lh is the line height for text of size pt.
func (d *pdfDraw) lh(pt float64) float64 { return ptMM(pt) * d.leading }

// textColor, fillColor and drawColor set fpdf's colours from theme colours.
func (d *pdfDraw) textColor(c rgb) { d.pdf.SetTextColor(int(c.R), int(c.G), int(c.B)) }
func (d *pdfDraw) fillColor(c rgb) { d.pdf.SetFillColor(int(c.R), int(c.G), int(c.B)) }
func (d *pdfDraw) drawColor(c rgb) { d.pdf.SetDrawColor(int(c.R), int(c.G), int(c.B)) }

// tint mixes c into the page background: t=0 is the background, 1 is c.
func (d *pdfDraw) tint(c rgb, t float64) rgb { return pdfMix(d.th.background, c, t) }

// pdfMix blends a towards b by t in [0, 1].
func pdfMix(a, b rgb, t float64) rgb {
	f := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return rgb{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B)}
}

// onColor is the colour of text on primary fills: the page background when
// it contrasts, white otherwise.
func (d *pdfDraw) onColor(fill rgb) rgb {
	if pdfContrast(fill, d.th.background) >= 3 {
		return d.th.background
	}
	if pdfContrast(fill, rgb{255, 255, 255}) >= pdfContrast(fill, rgb{17, 17, 17}) {
		return rgb{255, 255, 255}
	}
	return rgb{17, 17, 17}
}

// pdfContrast is the WCAG contrast ratio of two colours.
func pdfContrast(a, b rgb) float64 {
	la, lb := pdfLuminance(a), pdfLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// pdfLuminance is the WCAG relative luminance of c.
func pdfLuminance(c rgb) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// y is the drawing position.
func (d *pdfDraw) y() float64 { return d.pdf.GetY() }

// setY moves the drawing position.
func (d *pdfDraw) setY(y float64) { d.pdf.SetY(y) }

// atTop reports whether nothing has been drawn on the page below its top.
func (d *pdfDraw) atTop() bool { return d.y() <= d.top+0.01 }

// gap moves down h, except at the top of a page where space would look lost.
func (d *pdfDraw) gap(h float64) {
	if !d.atTop() {
		d.setY(d.y() + h)
	}
}

// ensure starts a new page unless h more millimetres fit above the footer.
// It reports whether it broke the page.
func (d *pdfDraw) ensure(h float64) bool {
	if d.y()+h <= d.limit || d.atTop() {
		return false
	}
	d.newPage()
	return true
}

// newPage continues on a new page, under the table header inside a table.
func (d *pdfDraw) newPage() {
	d.addPage()
	d.setY(d.top)
	if d.tableHeader != nil {
		d.tableHeader()
	}
}

// addPage adds a page. AddPage runs the footer and the header, which change
// fonts, then selects the font that was current before: keep the cache in step.
func (d *pdfDraw) addPage() {
	cur := d.cur
	d.pdf.AddPage()
	d.cur = cur
}

// pageHeader paints the page background and, after the first page, a running
// head with the brand and the document title.
func (d *pdfDraw) pageHeader() {
	pdf, th := d.pdf, d.th
	if th.background != (rgb{255, 255, 255}) {
		d.fillColor(th.background)
		pdf.Rect(0, 0, th.pageW, th.pageH, "F")
	}
	if pdf.PageNo() == 1 || d.top < 14 {
		return
	}
	y := d.top - 7
	d.font(d.bodyFont, true, d.small)
	d.textColor(th.primary)
	pdf.Text(d.left, y, d.v.Brand)
	d.font(d.bodyFont, false, d.small)
	d.textColor(th.muted)
	t := d.v.Title
	pdf.Text(d.right-pdf.GetStringWidth(t), y, t)
	d.drawColor(d.tint(th.muted, 0.35))
	pdf.SetLineWidth(0.2)
	pdf.Line(d.left, y+2.2, d.right, y+2.2)
}

// pageFooter draws the legal lines and the page label at the foot of every page.
func (d *pdfDraw) pageFooter() {
	pdf, th, v := d.pdf, d.th, d.v
	if len(d.footer) == 0 && v.PageLabel == "" {
		return
	}
	lh := d.lh(d.small)
	y := d.footerTop - d.footerLift()
	d.drawColor(d.tint(th.muted, 0.35))
	pdf.SetLineWidth(0.2)
	pdf.Line(d.left, y-2.5, d.right, y-2.5)
	small := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	center := (d.left + d.right) / 2
	for _, ln := range d.footer {
		d.drawLine(ln, center-ln.w/2, y, small)
		y += lh
	}
	if v.PageLabel != "" {
		d.font(d.bodyFont, false, d.small)
		d.textColor(th.muted)
		label := strings.ReplaceAll(v.PageLabel, "{page}", fmt.Sprint(pdf.PageNo()))
		label = strings.ReplaceAll(label, "{pages}", pageAlias)
		// Centre as if the alias were one digit wide: it becomes the count
		// only when the document closes.
		w := pdf.GetStringWidth(strings.ReplaceAll(label, pageAlias, "0"))
		pdf.Text(center-w/2, y+lh/2+0.3*ptMM(d.small), label)
	}
}

// pdfFit shortens s with an ellipsis until it is at most w wide in the
// current font.
func pdfFit(pdf *pdfWriter, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}
