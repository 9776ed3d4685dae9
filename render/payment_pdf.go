package render

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Geometry of the PDF's payment codes, in millimetres.
const (
	// epcCodeSize is the GiroCode's side without its quiet zone. EPC069-12
	// fixes no print size; at 30 mm a module of the largest code it allows
	// (version 13, 69 modules) is still 0.43 mm wide, which phone cameras
	// read at arm's length, and the panel keeps room for the payment
	// details beside it.
	epcCodeSize = 30.0

	// The Swiss QR-bill: an A6 landscape slip at the foot of a page, the
	// receipt on the left and the payment part on the right, with its QR
	// code fixed at 46 mm (Implementation Guidelines v2.3, style guide).
	slipW, slipH   = 210.0, 105.0
	slipReceiptW   = 62.0
	slipMargin     = 5.0
	slipCodeSize   = 46.0
	slipCodeTop    = 17.0 // from the slip's top
	slipAmountTop  = 68.0 // the amount sections, from the slip's top
	slipAcceptTop  = 82.0 // the receipt's acceptance point
	slipInfoLeft   = 118.0
	slipInfoWidth  = 87.0
	slipFooterGap  = 3.0 // between a lifted page footer and the slip
	slipCornerMark = 3.0 // arms of the corner marks of blank fields
)

// payCodeAside is the GiroCode for the payment panel's right side: the code
// on white with its quiet zone, the kit's caption under it. It is nil
// without a GiroCode; the Swiss QR-bill has a slip of its own.
func (d *pdfDraw) payCodeAside() *panelAside {
	code := d.v.PayCode
	if code == nil || code.Swiss || code.QR == nil {
		return nil
	}
	m := code.QR
	quiet := qrQuiet * epcCodeSize / float64(m.size)
	box := epcCodeSize + 2*quiet
	st := textStyle{family: d.bodyFont, size: d.small, color: d.th.muted}
	lines := d.layout(pdfPlain(code.Caption), box, st)
	return &panelAside{
		w: box,
		h: box + 1 + float64(len(lines))*d.lh(d.small),
		draw: func(x, y float64) {
			d.fillColor(rgb{255, 255, 255})
			d.pdf.Rect(x, y, box, box, "F")
			d.drawQR(m, x+quiet, y+quiet, epcCodeSize, false)
			ly := y + box + 1
			for _, ln := range lines {
				d.drawLine(ln, x+(box-ln.w)/2, ly, st)
				ly += d.lh(d.small)
			}
		},
	}
}

// drawQR draws m's dark modules size wide with its top-left corner at x, y,
// as one black path of rectangles: one fill has no seams between modules,
// unlike rectangles filled one by one. With cross it adds the Swiss cross.
func (d *pdfDraw) drawQR(m *qrMatrix, x, y, size float64, cross bool) {
	const k = 72 / 25.4 // points per millimetre
	mod := size / float64(m.size)
	var b strings.Builder
	b.WriteString("q 0 g\n")
	for _, r := range m.rects() {
		fmt.Fprintf(&b, "%.2f %.2f %.2f %.2f re\n",
			(x+float64(r.x)*mod)*k, (d.th.pageH-y-float64(r.y+r.h)*mod)*k, float64(r.w)*mod*k, float64(r.h)*mod*k)
	}
	b.WriteString("f\nQ")
	d.pdf.RawWriteStr(b.String())
	if !cross {
		return
	}
	// The cross's size is fixed in millimetres on the 46 mm code.
	s := size / swissCross.code
	cx, cy := x+size/2, y+size/2
	square := func(w, h float64, c rgb) {
		d.fillColor(c)
		d.pdf.Rect(cx-w*s/2, cy-h*s/2, w*s, h*s, "F")
	}
	white, black := rgb{255, 255, 255}, rgb{0, 0, 0}
	square(swissCross.white, swissCross.white, white)
	square(swissCross.black, swissCross.black, black)
	square(swissCross.barW, swissCross.barL, white)
	square(swissCross.barL, swissCross.barW, white)
}

// slipFamily is the family of the QR-bill's text. The standard allows
// Helvetica, Arial, Frutiger and Liberation Sans only: Liberation Sans is
// bundled, and has Arial's metrics.
var slipFamily = sync.OnceValues(func() (fontPair, error) {
	return resolveFamily(nil, "liberation-sans")
})

// withSlipFaces adds Liberation Sans regular and bold to the faces a
// document with a Swiss QR-bill registers, unless the kit's families bring
// them already. faces is not changed.
func withSlipFaces(faces []pdfFace, v *view) ([]pdfFace, error) {
	if v.PayCode == nil || v.PayCode.Slip == nil {
		return faces, nil
	}
	fp, err := slipFamily()
	if err != nil {
		return nil, fmt.Errorf("draw PDF: QR-bill font: %w", err)
	}
	out := slices.Clone(faces)
	for _, style := range []string{"", "B"} {
		key := pdfFontKey{fp.Name, style}
		if i := slices.IndexFunc(out, func(f pdfFace) bool { return f.key == key }); i >= 0 {
			out[i].headingOnly = false // the slip draws in it too
			continue
		}
		f := pdfFace{key: key, data: fp.Regular, sub: fp.RegularSub}
		if style == "B" {
			f.data, f.sub = fp.Bold, fp.BoldSub
		}
		out = append(out, f)
	}
	return out, nil
}

// footerHeight is the height of the page footer's lines.
func (d *pdfDraw) footerHeight() float64 {
	n := len(d.footer)
	if d.v.PageLabel != "" {
		n++
	}
	return float64(n) * d.lh(d.small)
}

// footerLift is how far the footer of the current page moves up: above the
// QR-bill on its page, not at all elsewhere.
func (d *pdfDraw) footerLift() float64 {
	if d.slipPage == 0 || d.pdf.PageNo() != d.slipPage {
		return 0
	}
	return max(0, d.footerTop+d.footerHeight()-(d.th.pageH-slipH-slipFooterGap))
}

// paymentSlip draws the Swiss QR-bill at the foot of the last page, or of a
// page of its own when the last has no room left above it for the slip and
// the page footer.
func (d *pdfDraw) paymentSlip() {
	code := d.v.PayCode
	if code == nil || code.Slip == nil || code.QR == nil {
		return
	}
	top := d.th.pageH - slipH
	limit := top - slipFooterGap
	if h := d.footerHeight(); h > 0 {
		// Tighter than elsewhere (9 mm): the slip takes a third of the page.
		limit -= h + 5
	}
	if d.y() > limit && !d.atTop() {
		d.newPage()
	}
	d.slipPage = d.pdf.PageNo()
	d.drawSlip(code, (d.th.pageW-slipW)/2, top)
}

// slipText draws lines of the slip in black Liberation Sans of size pt, one
// line box lead mm high each, wrapped to w; it returns the y under them.
func (d *pdfDraw) slipText(lines []string, x, y, w, size, lead float64, bold bool) float64 {
	fp, _ := slipFamily()
	st := textStyle{family: fp.Name, size: size, color: rgb{}, bold: bold, lead: lead}
	for _, s := range lines {
		for _, ln := range d.layout(pdfPlain(s), w, st) {
			d.drawLine(ln, x, y, st)
			y += lead
		}
	}
	return y
}

// drawSlip draws the QR-bill with its top-left corner at bx, by: the
// separation lines with scissors, the receipt and the payment part.
func (d *pdfDraw) drawSlip(code *payCode, bx, by float64) {
	pdf, th, s, l := d.pdf, d.th, code.Slip, code.Slip.Labels
	// The slip is always on white, whatever the kit's paper colour.
	d.fillColor(rgb{255, 255, 255})
	pdf.Rect(0, by, th.pageW, th.pageH-by, "F")
	d.slipSeparators(bx, by)

	// Receipt: headings 6 pt bold, values 8 pt, 9 pt apart.
	rx, rw, rLead := bx+slipMargin, slipReceiptW-2*slipMargin, ptMM(9)
	d.slipText([]string{l.Receipt}, rx, by+slipMargin, rw, 11, ptMM(11)*1.2, true)
	d.slipInfo(s, false, rx, by+slipMargin+7, rw, 6, 8, rLead)
	d.slipAmount(s, rx, by+slipAmountTop, 12, 6, 8, rLead)
	fp, _ := slipFamily()
	d.font(fp.Name, true, 6)
	aw := pdf.GetStringWidth(l.AcceptancePoint)
	d.slipText([]string{l.AcceptancePoint}, rx+rw-aw, by+slipAcceptTop, aw+1, 6, rLead, true)

	// Payment part: headings 8 pt bold, values 10 pt, 11 pt apart.
	px := bx + slipReceiptW + slipMargin
	pLead := ptMM(11)
	d.slipText([]string{l.PaymentPart}, px, by+slipMargin, slipInfoLeft-slipReceiptW-2*slipMargin, 11, ptMM(11)*1.2, true)
	d.drawQR(code.QR, px, by+slipCodeTop, slipCodeSize, true)
	d.slipAmount(s, px, by+slipAmountTop, 15, 8, 10, pLead)
	d.slipInfo(s, true, bx+slipInfoLeft, by+slipMargin, slipInfoWidth, 8, 10, pLead)
}

// slipInfo draws an information section: account and payee, reference,
// additional information (payment part only) and payer, a blank line
// between blocks.
func (d *pdfDraw) slipInfo(s *paySlip, payment bool, x, y, w, head, value, lead float64) {
	l := s.Labels
	block := func(heading string, lines ...string) {
		y = d.slipText([]string{heading}, x, y, w, head, lead, true)
		y = d.slipText(lines, x, y, w, value, lead, false) + lead
	}
	block(l.Account, s.Account...)
	if s.Reference != "" {
		block(l.Reference, s.Reference)
	}
	if payment && s.Message != "" {
		block(l.Additional, s.Message)
	}
	if s.Debtor != nil {
		block(l.PayableBy, s.Debtor...)
		return
	}
	y = d.slipText([]string{l.PayableByBlank}, x, y, w, head, lead, true)
	bw, bh := 52.0, 20.0
	if payment {
		bw, bh = 65, 25
	}
	d.cornerMarks(x, y+0.5, bw, bh)
}

// slipAmount draws an amount section: the currency and, amountX to its
// right, the amount, headings over values.
func (d *pdfDraw) slipAmount(s *paySlip, x, y, amountX, head, value, lead float64) {
	l := s.Labels
	d.slipText([]string{l.Currency}, x, y, amountX, head, lead, true)
	d.slipText([]string{l.Amount}, x+amountX, y, 40, head, lead, true)
	d.slipText([]string{s.Currency}, x, y+lead, amountX, value, lead, false)
	d.slipText([]string{s.Amount}, x+amountX, y+lead, 40, value, lead, false)
}

// cornerMarks frames a blank field for the payer to write in with black
// corners, 0.75 pt thick, as the style guide draws them.
func (d *pdfDraw) cornerMarks(x, y, w, h float64) {
	pdf, a := d.pdf, slipCornerMark
	d.drawColor(rgb{})
	pdf.SetLineWidth(ptMM(0.75))
	for _, c := range [][4]float64{{x, y, 1, 1}, {x + w, y, -1, 1}, {x, y + h, 1, -1}, {x + w, y + h, -1, -1}} {
		pdf.Line(c[0], c[1], c[0]+c[2]*a, c[1])
		pdf.Line(c[0], c[1], c[0], c[1]+c[3]*a)
	}
}

// slipSeparators draws the dashed lines to cut along, above the slip and
// between receipt and payment part, each with a pair of scissors: the
// style guide's marking for a QR-bill that is printed from a PDF.
func (d *pdfDraw) slipSeparators(bx, by float64) {
	pdf := d.pdf
	d.drawColor(rgb{})
	pdf.SetLineWidth(0.2)
	pdf.SetDashPattern([]float64{1.2, 0.9}, 0)
	pdf.Line(0, by, d.th.pageW, by)
	pdf.Line(bx+slipReceiptW, by, bx+slipReceiptW, d.th.pageH)
	pdf.SetDashPattern([]float64{}, 0)
	d.scissors(bx+slipMargin+3, by, false)
	d.scissors(bx+slipReceiptW, by+slipMargin+3, true)
}

// scissors draws a pair of scissors about 5 mm long centred on x, y, its
// blades pointing right, or down when vertical, over a white gap in the
// line it sits on.
func (d *pdfDraw) scissors(x, y float64, vertical bool) {
	pdf := d.pdf
	// pt maps a point of the symbol (blades along +u) to the page.
	pt := func(u, v float64) (float64, float64) {
		if vertical {
			return x - v, y + u
		}
		return x + u, y + v
	}
	d.fillColor(rgb{255, 255, 255})
	gx, gy := pt(-2.6, -1.4)
	hx, hy := pt(2.6, 1.4)
	pdf.Rect(min(gx, hx), min(gy, hy), abs(hx-gx), abs(hy-gy), "F")
	d.drawColor(rgb{})
	pdf.SetLineWidth(0.3)
	for _, side := range []float64{-1, 1} {
		cx, cy := pt(-1.7, side*0.75)
		pdf.Circle(cx, cy, 0.6, "D")
		x1, y1 := pt(-1.15, side*0.5)
		x2, y2 := pt(2.5, -side*0.55)
		pdf.Line(x1, y1, x2, y2)
	}
}

// abs is |x|.
func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// RawWriteStr adds PDF content operators to the page as they are. They
// must leave the graphics state as they found it (q ... Q).
func (w *pdfWriter) RawWriteStr(s string) { w.f.RawWriteStr(s) }

// SetDashPattern sets the dashes of lines drawn next, in mm; an empty
// pattern draws solid lines again.
func (w *pdfWriter) SetDashPattern(dashes []float64, phase float64) {
	w.f.SetDashPattern(dashes, phase)
}

// Circle draws a circle around x, y.
func (w *pdfWriter) Circle(x, y, r float64, style string) { w.f.Circle(x, y, r, style) }
