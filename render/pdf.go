package render

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/liveryhq/livery/fonts"
)

// pageAlias stands for the page count in the footer until fpdf knows it.
const pageAlias = "{nb}"

// fallbackDate is the creation date of a document without a valid date: fpdf
// would otherwise stamp the clock, and the same input must give the same bytes.
var fallbackDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// pdf draws v as a PDF with the renderer's theme.
func (r *Renderer) pdf(v *view) ([]byte, error) {
	pdf, err := r.newFPDF(v)
	if err != nil {
		return nil, err
	}
	d := newPDFDraw(pdf, r.theme, v)
	d.document()
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("draw PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("draw PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// newFPDF starts a document for v: page size, metadata and fonts.
func (r *Renderer) newFPDF(v *view) (*fpdf.Fpdf, error) {
	th := r.theme
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: th.pageW, Ht: th.pageH},
	})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	created := v.Meta.Date.Time()
	if created.IsZero() {
		created = fallbackDate
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
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
	if err := r.pdfFonts(pdf, v); err != nil {
		return nil, err
	}
	return pdf, nil
}

// pdfFonts registers the theme's body and heading families, regular and bold.
// It is the one place font programs reach fpdf, so per-document subsets can be
// swapped in here.
func (r *Renderer) pdfFonts(pdf *fpdf.Fpdf, v *view) error {
	th := r.theme
	type font struct {
		fp    fontPair
		style string
	}
	// Headings are always bold, so a separate heading family needs only its
	// bold program: every registered font costs parsing and subsetting time.
	list := []font{{th.body, ""}, {th.body, "B"}}
	if th.heading.Name != th.body.Name {
		list = append(list, font{th.heading, "B"})
	}
	for _, f := range list {
		data, face := f.fp.Regular, f.fp.RegularFace
		if f.style == "B" && len(f.fp.Bold) > 0 {
			data, face = f.fp.Bold, f.fp.BoldFace
		}
		// A family without bold falls back to its regular program: bold text
		// loses weight but still draws.
		if err := addPDFFont(pdf, f.fp.Name, f.style, data, face); err != nil {
			return err
		}
	}
	return nil
}

// addPDFFont registers one font program. fpdf prints to stdout, registers
// nothing and fails only later ("undefined font") on a program it cannot
// read, and panics on some broken ones: programs are checked first unless the
// theme has parsed them already (face), and a panic becomes an error.
func addPDFFont(pdf *fpdf.Fpdf, family, style string, data []byte, face *fonts.Face) (err error) {
	if !isTrueTypeProgram(data) {
		return fmt.Errorf("draw PDF: font %s %q: %w", family, style, fonts.ErrNotTrueType)
	}
	if face == nil {
		if _, err := fonts.Parse(data); err != nil {
			return fmt.Errorf("draw PDF: font %s %q: %w", family, style, err)
		}
	}
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
	pdf *fpdf.Fpdf
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
}

// newPDFDraw prepares drawing v on pdf, whose fonts are registered already.
func newPDFDraw(pdf *fpdf.Fpdf, th *theme, v *view) *pdfDraw {
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
	y := d.footerTop
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
func pdfFit(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}
