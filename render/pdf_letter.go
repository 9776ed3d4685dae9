package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	xdraw "golang.org/x/image/draw"

	"github.com/liveryhq/livery/brandkits"
)

// pageMetrics are a kit's type sizes (pt) and content box (mm) with the
// PDF's defaults filled in, as newPDFDraw works them out. The e-mail is laid
// out with the same numbers, and a test holds the two to each other.
type pageMetrics struct {
	base, small, title, leading float64
	left, right, width, top     float64
	pageW                       float64 // the paper's width
}

// metrics returns th's pageMetrics.
func (th *theme) metrics() pageMetrics {
	ty := th.kit.Typography
	m := pageMetrics{base: pdfOr(ty.BaseSize, 10)}
	m.small = pdfOr(ty.SmallSize, m.base*0.78)
	m.title = pdfOr(ty.HeadingSize, m.base*2.1)
	m.leading = pdfOr(ty.LineHeight, 1.4)
	m.left = pdfOr(th.marginLeft, 20)
	m.pageW = th.pageW
	m.right = th.pageW - pdfOr(th.marginRight, 20)
	m.width = m.right - m.left
	m.top = pdfOr(th.marginTop, 20)
	return m
}

// lh is the line height, mm, of text of size pt.
func (m pageMetrics) lh(pt float64) float64 { return ptMM(pt) * m.leading }

// addressWindow is where the recipient's address must sit so a window envelope
// shows it, in mm from the page's top-left corner.
type addressWindow struct {
	x, y, w, h float64
	// zone is the offset of the first address line from the window top: DIN
	// 5008 keeps 5 mm for the return address and 12.7 mm for postal notes.
	zone float64
}

// window returns the kit's address window, or false for address_block none.
func (th *theme) window() (addressWindow, bool) {
	switch th.kit.Layout.AddressBlock {
	case "din5008a":
		return addressWindow{x: 20, y: 27, w: 85, h: 45, zone: 17.7}, true
	case "din5008b":
		return addressWindow{x: 20, y: 45, w: 85, h: 45, zone: 17.7}, true
	case "us10":
		// #10 window envelope: 7/8 in from the left, 2 in from the top,
		// 4 in by 1 1/8 in.
		return addressWindow{x: 22.225, y: 50.8, w: 101.6, h: 28.575, zone: 2}, true
	}
	return addressWindow{}, false
}

// The letterhead's measures, shared with the e-mail (html.go): lengths in
// mm, sizes as multiples of the base or small size.
const (
	brandLead         = 1.2 // the brand name's line height, × its size
	bandNameScale     = 1.7 // the brand name on the band
	minimalNameScale  = 1.8 // the brand name of a minimal header without a logo
	centeredNameScale = 1.5
	bandLogoGap       = 5.0  // between the logo and the name on the band
	infoGap           = 10.0 // between the logo (and name) and the details, at least
	bandInfoBelowGap  = 3.0  // under the band, above a centred logo's details
	bandInfoRoom      = 5.0  // kept under the band for them, besides their line
	minimalInfoGap    = 2.5  // under a centred logo, above the details
	minimalRuleGap    = 3.5  // under the header's content, above its rule
	headerRule        = 0.5  // the primary rule of minimal and centred headers
	centeredLogoGap   = 2.0
	centeredInfoGap   = 0.5
	centeredRuleGap   = 2.5
	centeredRuleW     = 24.0
	senderScale       = 0.85 // the sender line's size, × the small size
	infoBlockW        = 78.0 // the document's details, at most
	infoBlockGap      = 8.0  // between the address and the details, at least
	infoLabelAir      = 4.0  // right of the details' widest label
	infoValueScale    = 0.95 // the details' values, × the base size (labels are small)
	infoRowGap        = 0.6  // between the details' rows
)

// bandNameSize is the brand name's size on a band inner mm high, pt.
func bandNameSize(base, inner float64) float64 { return min(base*bandNameScale, ptFromMM(inner)*0.6) }

// isWordmark reports whether a logo drawn w by h mm is wide enough to be a
// wordmark or a lockup, which carries the brand name already: printing the
// name beside it would say it twice.
func isWordmark(w, h float64) bool { return w > 2.2*h }

// textX is where the address text starts, lined up with the body text at
// left where the window allows.
func (w addressWindow) textX(left float64) float64 { return min(max(left, w.x+2), w.x+10) }

// headerLimit is how low the letterhead may reach: clear of the address
// window, and of the sender line above a US window; 60 mm without a window.
func (th *theme) headerLimit() float64 {
	win, ok := th.window()
	if !ok {
		return 60
	}
	limit := win.y - 3
	if win.zone < 5 {
		limit -= 5 // the sender line sits above a US window
	}
	return limit
}

// letterhead draws the first page's header, the address and the info block,
// and leaves the position under them.
func (d *pdfDraw) letterhead() {
	limit := d.th.headerLimit()
	var bottom float64
	switch d.th.kit.Layout.Header.Style {
	case "minimal":
		bottom = d.headerMinimal(limit)
	case "centered":
		bottom = d.headerCentered(limit)
	default:
		bottom = d.headerBand(limit)
	}
	d.addressBlock(bottom)
}

// logoBox is the logo scaled to fit w by h, or zero when the kit has none.
type logoBox struct {
	w, h float64
	// byKit: the size comes from the kit's logo dimensions, so the image
	// can be prepared for it; otherwise fpdf measured the kit's file.
	byKit bool
}

// logo sizes the kit's logo to the kit's width, shrunk to fit maxW by maxH.
// It registers nothing: a header may size the logo twice before drawing it
// once, and every registered image is embedded.
func (d *pdfDraw) logo(maxW, maxH float64) (logoBox, bool) {
	img := d.th.kit.Logo
	if img == nil || len(img.Data) == 0 {
		return logoBox{}, false
	}
	lb := logoBox{byKit: true}
	pw, ph := float64(img.Width), float64(img.Height)
	if pw <= 0 || ph <= 0 {
		// A kit that does not know its logo's size: ask fpdf.
		lb.byKit = false
		info := d.registerLogo(d.th.pdfLogo(img, 0))
		if info == nil {
			return logoBox{}, false
		}
		pw, ph = info.Width(), info.Height()
	}
	if pw <= 0 || ph <= 0 {
		return logoBox{}, false
	}
	lb.w, lb.h = logoFit(d.th.kit.Layout.Header.LogoWidth, pw, ph, maxW, maxH)
	return lb, true
}

// logoFit sizes a logo pw by ph pixels to width mm (40 when 0), shrunk to
// fit maxW by maxH, in mm.
func logoFit(width, pw, ph, maxW, maxH float64) (w, h float64) {
	w = pdfOr(width, 40)
	h = w * ph / pw
	if w > maxW {
		w, h = maxW, maxW*ph/pw
	}
	if h > maxH {
		w, h = maxH*pw/ph, maxH
	}
	return w, h
}

// registerLogo registers a prepared logo with fpdf, or returns nil when fpdf
// cannot read it.
func (d *pdfDraw) registerLogo(pl *pdfLogo) *fpdf.ImageInfoType {
	info := d.pdf.RegisterImageOptionsReader(pl.name, fpdf.ImageOptions{ImageType: pl.imageType}, bytes.NewReader(pl.data))
	if info == nil || d.pdf.Err() {
		return nil
	}
	return info
}

// logoDPI is the resolution the logo keeps at the size it is drawn: print
// quality, where kits tend to ship logos at two or three times that.
const logoDPI = 300

// maxLogoSizes bounds the logo versions a theme keeps. A kit draws its logo
// at one size, or two when the band's details move under it.
const maxLogoSizes = 4

// pdfLogo is the kit's logo as a document hands it to fpdf.
type pdfLogo struct {
	name      string // fpdf's image name, from the content
	imageType string // "png" or "jpg"
	data      []byte
}

// pdfLogos is a theme's logo made ready for fpdf, per drawn size.
type pdfLogos struct {
	mu     sync.Mutex
	flat   *image.RGBA      // the PNG composed onto its background
	asIs   bool             // a JPEG, or a PNG that does not decode: orig only
	bySize map[int]*pdfLogo // by width in pixels
	orig   *pdfLogo         // the kit's file as it is
}

// pdfLogo returns the logo for drawing widthMM wide (0: unknown), preparing
// it on first use.
//
// Why: fpdf takes a PNG's compressed pixels as they are, except when the
// PNG has an alpha channel: then it inflates the image, splits off the
// alpha and deflates both again, for every document, which cost more than
// drawing all the rest of an invoice. The logo always sits on a known flat
// colour (the band's primary or the page background), so it is composed
// onto that colour, scaled down to logoDPI at the size it is drawn (kits
// ship logos far larger, which only cost bytes) and stored as an opaque
// PNG, once per theme and size. JPEG logos pass as they are: fpdf copies
// them, and decoding them again would only lose quality.
func (th *theme) pdfLogo(img *brandkits.Image, widthMM float64) *pdfLogo {
	l := &th.pdf.logos
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.orig == nil {
		l.orig = newPDFLogo("png", img.Data)
		if img.Format == "jpeg" || img.Format == "jpg" {
			l.orig.imageType = "jpg"
			l.asIs = true
		}
	}
	if l.asIs || widthMM <= 0 || th.pdfTuning.kitLogo {
		return l.orig
	}
	if th.flatLocked(img) == nil {
		return l.orig
	}
	w := min(l.flat.Bounds().Dx(), int(math.Ceil(widthMM/25.4*logoDPI)))
	if pl, ok := l.bySize[w]; ok {
		return pl
	}
	data, err := encodeLogo(l.flat, w)
	if err != nil {
		return l.orig
	}
	pl := newPDFLogo("png", data)
	if len(l.bySize) < maxLogoSizes {
		if l.bySize == nil {
			l.bySize = make(map[int]*pdfLogo, maxLogoSizes)
		}
		l.bySize[w] = pl
	}
	return pl
}

// flatLogo is the kit's PNG logo composed onto the colour it sits on,
// decoded once per theme and shared by the PDF's and the e-mail's versions;
// nil when it does not decode.
func (th *theme) flatLogo(img *brandkits.Image) *image.RGBA {
	th.pdf.logos.mu.Lock()
	defer th.pdf.logos.mu.Unlock()
	return th.flatLocked(img)
}

// flatLocked is flatLogo for a caller holding the logos' lock.
func (th *theme) flatLocked(img *brandkits.Image) *image.RGBA {
	l := &th.pdf.logos
	// asIs: a JPEG, or a PNG that failed to decode before.
	if l.flat == nil && !l.asIs {
		l.flat = composePNG(img.Data, th.logoBackground())
		l.asIs = l.flat == nil
	}
	return l.flat
}

// newPDFLogo names an image after its content, so that nothing else
// decides the image's name in the PDF.
func newPDFLogo(imageType string, data []byte) *pdfLogo {
	sum := sha256.Sum256(data)
	return &pdfLogo{name: "logo-" + hex.EncodeToString(sum[:8]), imageType: imageType, data: data}
}

// logoBackground is the colour under the logo: the band for the band
// header, the page for the others.
func (th *theme) logoBackground() rgb {
	switch th.kit.Layout.Header.Style {
	case "minimal", "centered":
		return th.background
	}
	return th.primary
}

// composePNG decodes a PNG and composes it onto bg, or returns nil when it
// does not decode (fpdf then gets the file, and fails on it as it would
// have).
func composePNG(data []byte, bg rgb) *image.RGBA {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	flat := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.RGBA{bg.R, bg.G, bg.B, 255}), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), src, b.Min, draw.Over)
	return flat
}

// encodeLogo scales flat down to w pixels wide and encodes it as a PNG.
func encodeLogo(flat *image.RGBA, w int) ([]byte, error) {
	img := flat
	if b := flat.Bounds(); b.Dx() > w {
		h := max(1, int(math.Round(float64(b.Dy())*float64(w)/float64(b.Dx()))))
		img = image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(img, img.Bounds(), flat, b, draw.Src, nil)
	}
	var out image.Image = img
	if p := paletted(img); p != nil {
		out = p
	}
	var buf bytes.Buffer
	// The image is opaque, so it is written as RGB or indexed colour: fpdf
	// embeds it without an alpha mask and without recompressing.
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxPaletteError is the largest mean error, summed over red, green and
// blue (0-765), that paletted accepts per pixel. Logos are flat artwork:
// their 256-colour versions stay well below it (the sample logos at about
// 0.5), while photographic ones exceed it and keep all their colours.
const maxPaletteError = 2.0

// paletted returns img reduced to 256 colours by median cut, or nil when
// that would change it visibly. An indexed PNG of a logo is about a third
// of the size of its RGB version: the logo is by far the largest object of
// an invoice's PDF.
func paletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	n := b.Dx() * b.Dy()
	if n == 0 {
		return nil
	}
	px := make([][3]uint8, 0, n)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[(y-b.Min.Y)*img.Stride:]
		for x := 0; x < b.Dx(); x++ {
			px = append(px, [3]uint8{row[4*x], row[4*x+1], row[4*x+2]})
		}
	}
	pal := medianCut(px, 256)
	out := image.NewPaletted(b, pal)
	// draw maps each pixel to the nearest palette colour, without
	// dithering: dithering noise would cost most of what indexing saves.
	draw.Draw(out, b, img, b.Min, draw.Src)
	sum := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			a, c := img.RGBAAt(x, y), pal[out.ColorIndexAt(x, y)].(color.RGBA)
			sum += absDiff(a.R, c.R) + absDiff(a.G, c.G) + absDiff(a.B, c.B)
		}
	}
	if float64(sum)/float64(n) > maxPaletteError {
		return nil
	}
	return out
}

// medianCut builds a palette of at most size colours for px: it splits the
// box of colours with the largest spread times count at its median along its
// widest channel until there are size boxes, and takes each box's mean. A
// box of one colour is never split, so an image with few colours keeps
// them exactly.
func medianCut(px [][3]uint8, size int) color.Palette {
	type box struct {
		px             [][3]uint8
		width, channel int // the widest channel's spread, and which it is
	}
	newBox := func(px [][3]uint8) box {
		b := box{px: px}
		for c := range 3 {
			lo, hi := 255, 0
			for _, p := range px {
				lo, hi = min(lo, int(p[c])), max(hi, int(p[c]))
			}
			if hi-lo > b.width {
				b.width, b.channel = hi-lo, c
			}
		}
		return b
	}
	boxes := []box{newBox(px)}
	for len(boxes) < size {
		best, bestScore := -1, 0
		for i, b := range boxes {
			if score := b.width * len(b.px); score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			break // every box holds a single colour
		}
		b := boxes[best]
		c := b.channel
		slices.SortFunc(b.px, func(p, q [3]uint8) int { return int(p[c]) - int(q[c]) })
		m := len(b.px) / 2
		boxes[best] = newBox(b.px[:m])
		boxes = append(boxes, newBox(b.px[m:]))
	}
	pal := make(color.Palette, 0, len(boxes))
	for _, b := range boxes {
		var s [3]int
		for _, p := range b.px {
			s[0], s[1], s[2] = s[0]+int(p[0]), s[1]+int(p[1]), s[2]+int(p[2])
		}
		n := len(b.px)
		pal = append(pal, color.RGBA{uint8((s[0] + n/2) / n), uint8((s[1] + n/2) / n), uint8((s[2] + n/2) / n), 255})
	}
	return pal
}

// absDiff is |a-b|.
func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// wordmark reports whether the logo is a wordmark (isWordmark).
func (lb logoBox) wordmark() bool { return isWordmark(lb.w, lb.h) }

// drawLogo draws the logo with its top-left corner at x, y, in the version
// prepared for its size.
func (d *pdfDraw) drawLogo(lb logoBox, x, y float64) {
	widthMM := lb.w
	if !lb.byKit {
		widthMM = 0 // the file fpdf measured
	}
	pl := d.th.pdfLogo(d.th.kit.Logo, widthMM)
	if d.registerLogo(pl) == nil {
		return
	}
	d.pdf.ImageOptions(pl.name, x, y, lb.w, lb.h, false, fpdf.ImageOptions{ImageType: pl.imageType}, 0, "")
}

// logoX places something w wide at the kit's logo position.
func (d *pdfDraw) logoX(w float64) float64 {
	switch d.th.kit.Layout.Header.LogoPosition {
	case "right":
		return d.right - w
	case "center":
		return d.left + (d.width-w)/2
	}
	return d.left
}

// brandStyle is bold heading type of size pt in colour c.
func (d *pdfDraw) brandStyle(pt float64, c rgb) textStyle {
	return textStyle{family: d.headFont, size: pt, color: c, bold: true, lead: ptMM(pt) * 1.2}
}

// infoLines draws the brand's details, one per line, aligned to a box at x,
// w wide, starting at y, shrinking the type until h holds them all.
func (d *pdfDraw) infoLines(lines []string, x, y, w, h float64, align byte, c rgb) float64 {
	if len(lines) == 0 {
		return y
	}
	lines, size := fitInfoLines(lines, d.small, d.lh, h)
	st := textStyle{family: d.bodyFont, size: size, color: c, align: align}
	lh := d.lh(size)
	for _, s := range lines {
		d.font(d.bodyFont, false, size)
		ln := d.layout(pdfPlain(pdfFit(d.pdf, s, w)), w+1, st)[0]
		d.drawLine(ln, x+alignOffset(align, w, ln.w), y, st)
		y += lh
	}
	return y
}

// fitInfoLines makes the brand's details fit h mm, one per line of lh(size)
// from size pt down: it shrinks the type to 6 pt at most, and then pairs
// lines up ("a  ·  b") rather than run into the address. It returns the
// lines and their size.
func fitInfoLines(lines []string, size float64, lh func(float64) float64, h float64) ([]string, float64) {
	for size > 6 && float64(len(lines))*lh(size) > h {
		size -= 0.25
	}
	for float64(len(lines))*lh(size) > h && len(lines) > 1 {
		var paired []string
		for i := 0; i < len(lines); i += 2 {
			if i+1 < len(lines) {
				paired = append(paired, lines[i]+infoJoin+lines[i+1])
			} else {
				paired = append(paired, lines[i])
			}
		}
		lines = paired
	}
	return lines, size
}

// infoJoin joins brand details written on one line.
const infoJoin = "  ·  "

// bandGeometry is the band header's height, its padding and the height
// inside the padding, in mm, for content starting at top and a band that
// must end above limit.
func bandGeometry(top, limit float64) (h, pad, inner float64) {
	h = min(max(top+14, 30), limit)
	pad = min(8, h*0.26)
	return h, pad, h - 2*pad
}

// headerBand is a full-width band in the primary colour with the logo, the
// brand name and the brand's details.
func (d *pdfDraw) headerBand(limit float64) float64 {
	pdf, th, v := d.pdf, d.th, d.v
	pos := th.kit.Layout.Header.LogoPosition
	if pos == "center" && len(v.BrandInfo) > 0 {
		limit -= d.lh(d.small) + bandInfoRoom // the details go under the band
	}
	bandH, pad, inner := bandGeometry(d.top, limit)
	d.fillColor(th.primary)
	pdf.Rect(0, 0, th.pageW, bandH, "F")
	on := d.onColor(th.primary)
	soft := pdfMix(on, th.primary, 0.22)

	lb, hasLogo := d.logo(d.width*0.4, inner)
	name := d.brandStyle(bandNameSize(d.base, inner), on)
	var nameLn textLine
	if v.Brand != "" && (!hasLogo || !lb.wordmark()) {
		nameLn = d.layout(pdfPlain(v.Brand), d.width*0.5, name)[0]
	}
	// The logo and the name form one group at the logo position; the
	// details take the other side (or go under the band when centred).
	groupW := nameLn.w
	if hasLogo {
		groupW = lb.w
		if nameLn.w > 0 {
			groupW += bandLogoGap + nameLn.w
		}
	}
	x := d.logoX(groupW)
	if hasLogo {
		d.drawLogo(lb, x, (bandH-lb.h)/2)
		x += lb.w + bandLogoGap
	}
	if nameLn.w > 0 {
		d.drawLine(nameLn, x, (bandH-name.lead)/2, name)
	}
	bottom := bandH
	infoW := d.width - groupW - infoGap
	switch pos {
	case "center":
		st := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
		d.setY(bandH + bandInfoBelowGap)
		d.paragraph(pdfPlain(strings.Join(v.BrandInfo, infoJoin)), st, d.left, d.width, nil)
		bottom = d.y()
	case "right":
		h := float64(len(v.BrandInfo)) * d.lh(d.small)
		d.infoLines(v.BrandInfo, d.left, max(pad, (bandH-min(h, inner))/2), infoW, inner, 'L', soft)
	default:
		h := float64(len(v.BrandInfo)) * d.lh(d.small)
		d.infoLines(v.BrandInfo, d.right-infoW, max(pad, (bandH-min(h, inner))/2), infoW, inner, 'R', soft)
	}
	return bottom
}

// ptFromMM converts millimetres to points.
func ptFromMM(x float64) float64 { return x * 72 / 25.4 }

// headerTop is where a letterhead that must end above limit starts:
// letterheads sit higher than the body text margin, and higher still above a
// high address window.
func (d *pdfDraw) headerTop(limit float64) float64 { return headerTop(d.top, limit) }

// headerTop is where a letterhead starts on a page whose text starts at top.
func headerTop(top, limit float64) float64 { return max(6, min(top, 14, limit-16)) }

// headerMinimal is the logo (or the brand name) and the details on the other
// side above a thin primary rule.
func (d *pdfDraw) headerMinimal(limit float64) float64 {
	pdf, th, v := d.pdf, d.th, d.v
	top := d.headerTop(limit)
	avail := limit - top - 4
	pos := th.kit.Layout.Header.LogoPosition
	bottom := top
	var groupW float64
	if lb, ok := d.logo(d.width*0.45, min(22, avail)); ok {
		d.drawLogo(lb, d.logoX(lb.w), top)
		groupW = lb.w
		bottom = top + lb.h
	} else if v.Brand != "" {
		st := d.brandStyle(d.base*minimalNameScale, th.primary)
		ln := d.layout(pdfPlain(v.Brand), d.width*0.6, st)[0]
		d.drawLine(ln, d.logoX(ln.w), top, st)
		groupW = ln.w
		bottom = top + st.lead
	}
	infoW := d.width - groupW - infoGap
	switch pos {
	case "center":
		st := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
		d.setY(bottom + minimalInfoGap)
		d.paragraph(pdfPlain(strings.Join(v.BrandInfo, infoJoin)), st, d.left, d.width, nil)
		bottom = d.y()
	case "right":
		bottom = max(bottom, d.infoLines(v.BrandInfo, d.left, top, infoW, avail, 'L', th.muted))
	default:
		bottom = max(bottom, d.infoLines(v.BrandInfo, d.right-infoW, top, infoW, avail, 'R', th.muted))
	}
	y := min(bottom+minimalRuleGap, limit-headerRule)
	d.drawColor(th.primary)
	pdf.SetLineWidth(headerRule)
	pdf.Line(d.left, y, d.right, y)
	return y
}

// headerCentered stacks the logo, the brand name and the details on the page's
// centre line.
func (d *pdfDraw) headerCentered(limit float64) float64 {
	pdf, th, v := d.pdf, d.th, d.v
	top := d.headerTop(limit)
	center := d.left + d.width/2
	infoH := d.lh(d.small)
	name := d.brandStyle(d.base*centeredNameScale, th.primary)
	avail := limit - top - infoH - 4
	y := top
	lb, hasLogo := d.logo(d.width*0.4, min(20, avail-name.lead-2))
	if hasLogo && lb.h < 7 {
		// No room for both: the logo usually carries the name.
		lb, hasLogo = d.logo(d.width*0.4, min(20, avail))
		name.size = 0
	}
	if hasLogo {
		d.drawLogo(lb, center-lb.w/2, y)
		y += lb.h + centeredLogoGap
	}
	if v.Brand != "" && name.size > 0 && (!hasLogo || !lb.wordmark()) {
		ln := d.layout(pdfPlain(v.Brand), d.width, name)[0]
		d.drawLine(ln, center-ln.w/2, y, name)
		y += name.lead
	}
	if len(v.BrandInfo) > 0 {
		st := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
		d.setY(y + centeredInfoGap)
		d.paragraph(pdfPlain(strings.Join(v.BrandInfo, infoJoin)), st, d.left, d.width, nil)
		y = d.y()
	}
	y += centeredRuleGap
	d.drawColor(th.primary)
	pdf.SetLineWidth(headerRule)
	pdf.Line(center-centeredRuleW/2, y, center+centeredRuleW/2, y)
	return y
}

// addressPlace is where the address block goes on the first page, mm from
// the page's top-left corner.
type addressPlace struct {
	window     bool    // in an envelope's window, under a sender line
	x, w       float64 // the address's left edge and width
	y, lh      float64 // its first line's top and its line height
	senderBase float64 // the sender line's baseline
	infoTop    float64 // the document's details' top
	bottom     float64 // the block's bottom, at least
}

// placeAddress places the address block of lines lines under a header
// ending at headerBottom: in the window win when hasWindow, or under the
// header.
func placeAddress(win addressWindow, hasWindow bool, m pageMetrics, headerBottom float64, lines int) addressPlace {
	if !hasWindow {
		y := headerBottom + addressGap
		return addressPlace{x: m.left, w: m.width * 0.45, y: y, lh: m.lh(m.base), infoTop: y, bottom: y}
	}
	// Address text lines up with the body text where the window allows.
	a := addressPlace{window: true, x: win.textX(m.left), y: win.y + win.zone,
		infoTop: win.y + min(win.zone, 5), bottom: win.y + win.h, senderBase: win.y + 3.6}
	a.w = win.x + win.w - a.x - 2
	if win.zone < 5 {
		a.senderBase = win.y - 1.5 // above a US window
	}
	// Windows are short: as many lines as an address has must fit.
	a.lh = min(m.lh(m.base), (win.h-win.zone-1)/float64(max(lines, 1)))
	return a
}

// addressBlock draws the sender line, the recipient and the info block, at
// the window's fixed position when the kit has one, under the header if not.
func (d *pdfDraw) addressBlock(headerBottom float64) {
	pdf, th, v := d.pdf, d.th, d.v
	win, ok := th.window()
	a := placeAddress(win, ok, th.metrics(), headerBottom, len(v.Recipient))
	addrX, addrW, bottom := a.x, a.w, a.bottom
	if a.window && v.SenderLine != "" {
		size := d.small * senderScale
		d.font(d.bodyFont, false, size)
		s := pdfFit(pdf, v.SenderLine, addrW)
		d.textColor(th.muted)
		pdf.Text(addrX, a.senderBase, s)
		d.drawColor(d.tint(th.muted, 0.6))
		pdf.SetLineWidth(0.15)
		pdf.Line(addrX, a.senderBase+0.9, addrX+pdf.GetStringWidth(s), a.senderBase+0.9)
	}

	st := d.bodyStyle()
	lh := a.lh
	if a.window {
		st.lead = lh
	}
	y := a.y
	for i, line := range v.Recipient {
		s := st
		if i == 0 {
			s.bold = true
		}
		// Shrink a long line before cutting it: the post needs all of it.
		for s.size > 7 && d.textWidth(s, inline{}, line) > addrW {
			s.size -= 0.25
		}
		d.font(s.family, s.bold, s.size)
		ln := d.layout(pdfPlain(pdfFit(pdf, line, addrW)), addrW+1, s)[0]
		d.drawLine(ln, addrX, y, s)
		y += lh
	}
	bottom = max(bottom, y)
	bottom = max(bottom, d.infoBlock(a.infoTop, addrX+addrW+infoBlockGap))
	d.setY(bottom + addressGap)
}

// infoBlock draws v.Info as label/value rows flush with the right margin, no
// further left than minX; it returns the bottom.
func (d *pdfDraw) infoBlock(top, minX float64) float64 {
	v, th := d.v, d.th
	if len(v.Info) == 0 {
		return top
	}
	w := min(infoBlockW, d.right-minX)
	x := d.right - w
	label := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	value := textStyle{family: d.bodyFont, size: d.base * infoValueScale, color: th.text}
	lh := d.lh(value.size)
	labelW := 0.0
	for _, p := range v.Info {
		labelW = max(labelW, d.textWidth(label, inline{}, p.Label))
	}
	labelW = min(labelW+infoLabelAir, w*0.5)
	y := top
	for _, p := range v.Info {
		ls := d.layout(pdfPlain(p.Label), labelW-2, label)
		vs := d.layout(pdfPlain(p.Value), w-labelW, value)
		for i, ln := range ls {
			// Labels share the values' baseline, in their smaller size.
			d.drawLine(ln, x, y+float64(i)*lh+(ptMM(value.size)-ptMM(label.size))*0.3, textStyle{family: label.family, size: label.size, color: label.color, lead: lh})
		}
		for i, ln := range vs {
			d.drawLine(ln, d.right-ln.w, y+float64(i)*lh, textStyle{family: value.family, size: value.size, color: value.color, lead: lh})
		}
		y += float64(max(len(ls), len(vs)))*lh + infoRowGap
	}
	return y
}

// The opening's measures, shared with the e-mail (html.go): gaps in mm or,
// where named so, in base line heights.
const (
	titleLead     = 1.15 // the title's line height, × its size
	subtitleScale = 1.15 // the subtitle's size, × the base size
	subtitleGap   = 0.5
	accentBarGap  = 2.0 // from the title (or subtitle) down to the accent bar
	accentBarW    = 12.0
	accentBarH    = 0.8
	accentBarAir  = 1.5  // at least, between the bar and what follows
	greetingGap   = 1.1  // base line heights
	introGap      = 0.5  // base line heights
	openingEnd    = 0.6  // base line heights, after the opening
	addressGap    = 10.0 // mm under the address block, and under a header without a window
)

// openingFirstGap is the gap, mm, between the title and what follows it in
// the opening: the greeting, else the introduction, else the opening's end.
func openingFirstGap(v *view, lh float64) float64 {
	switch {
	case v.Greeting != "":
		return lh * greetingGap
	case v.Intro != "":
		return lh * introGap
	}
	return lh * openingEnd
}

// opening draws the title, subtitle, the accent bar, the greeting and the
// introduction.
func (d *pdfDraw) opening() {
	v, th := d.v, d.th
	title := d.brandStyle(d.title, th.primary)
	title.lead = ptMM(d.title) * titleLead
	if v.Title != "" {
		d.paragraph(pdfPlain(v.Title), title, d.left, d.width, nil)
	}
	if v.Subtitle != "" {
		st := d.bodyStyle()
		st.size = d.base * subtitleScale
		st.color = th.muted
		d.setY(d.y() + subtitleGap)
		d.paragraph(pdfPlain(v.Subtitle), st, d.left, d.width, nil)
	}
	// The accent's mark under the title, as in the e-mail: decoration, never
	// text or a fill under text. It lies in the space under the title, so
	// what follows keeps its place, unless small type would bring it closer
	// to the bar than accentBarAir.
	body := d.bodyStyle()
	lh := d.lh(d.base)
	under := d.y()
	bar := under + accentBarGap
	d.fillColor(th.accent)
	d.pdf.Rect(d.left, bar, accentBarW, accentBarH, "F")
	first := openingFirstGap(v, lh)
	d.setY(max(under+first, bar+accentBarH+accentBarAir) - first)
	if v.Greeting != "" {
		d.gap(lh * greetingGap)
		d.paragraph(pdfPlain(v.Greeting), body, d.left, d.width, nil)
	}
	if v.Intro != "" {
		d.gap(lh * introGap)
		d.paragraph(pdfPlain(v.Intro), body, d.left, d.width, nil)
	}
	d.gap(lh * openingEnd)
}

// panelAside is drawn at the right of a pair panel, w wide and at least h
// high: a payment code. draw gets its top-left corner.
type panelAside struct {
	w, h float64
	draw func(x, y float64)
}

// The pair panel's measures in mm, shared with the e-mail.
const (
	panelGap     = 6.0  // above the panel
	panelPad     = 5.0  // inside, around its content
	panelBar     = 1.2  // the primary edge on its left
	panelColGap  = 6.0  // between columns of pairs
	panelRowGap  = 2.5  // between rows of pairs
	panelLeadGap = 3.5  // under the lead sentence
	panelTint    = 0.06 // the fill: the primary mixed into the background
)

// panelColumns is how many columns n pairs take in a panel inner mm wide.
func panelColumns(inner float64, n int) int {
	switch {
	case inner > 150 && n > 4 && n%3 == 0:
		return 3
	case inner > 110 && n > 1:
		return 2
	}
	return 1
}

// pairPanel lays out pairs in columns on a tinted panel, label over value,
// with an optional lead sentence on top and aside, when not nil, at the
// right. The panel never splits.
func (d *pdfDraw) pairPanel(lead string, pairs []pair, boldValues bool, aside *panelAside) {
	th := d.th
	const pad = panelPad
	x, w := d.left, d.width
	inner := w - 2*pad - panelBar
	if aside != nil {
		inner -= aside.w + pad
	}
	leadSt := d.bodyStyle()
	leadSt.bold = true
	label := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	value := d.bodyStyle()
	value.bold = boldValues
	ncol := panelColumns(inner, len(pairs))
	colW := (inner - float64(ncol-1)*panelColGap) / float64(ncol)

	var leadLines []textLine
	h := 0.0
	if lead != "" {
		leadLines = d.layout(pdfPlain(lead), inner, leadSt)
		h += float64(len(leadLines)) * d.lh(leadSt.size)
	}
	type cell struct{ l, v []textLine }
	cells := make([]cell, len(pairs))
	rowH := make([]float64, (len(pairs)+ncol-1)/ncol)
	for i, p := range pairs {
		c := cell{d.layout(pdfPlain(p.Label), colW, label), d.layout(pdfPlain(p.Value), colW, value)}
		cells[i] = c
		ch := float64(len(c.l))*d.lh(label.size) + float64(len(c.v))*d.lh(value.size)
		rowH[i/ncol] = max(rowH[i/ncol], ch)
	}
	if lead != "" && len(pairs) > 0 {
		h += panelLeadGap
	}
	for i, rh := range rowH {
		if i > 0 {
			h += panelRowGap
		}
		h += rh
	}
	if aside != nil {
		h = max(h, aside.h)
	}
	total := h + 2*pad
	d.gap(panelGap)
	d.ensure(total)
	y0 := d.y()
	d.fillColor(d.tint(th.primary, panelTint))
	d.pdf.Rect(x, y0, w, total, "F")
	d.fillColor(th.primary)
	d.pdf.Rect(x, y0, panelBar, total, "F")
	cx := x + panelBar + pad
	y := y0 + pad
	for _, ln := range leadLines {
		d.drawLine(ln, cx, y, leadSt)
		y += d.lh(leadSt.size)
	}
	if lead != "" && len(pairs) > 0 {
		y += panelLeadGap
	}
	for r, rh := range rowH {
		if r > 0 {
			y += panelRowGap
		}
		for c := 0; c < ncol; c++ {
			i := r*ncol + c
			if i >= len(cells) {
				break
			}
			px := cx + float64(c)*(colW+panelColGap)
			py := y
			for _, ln := range cells[i].l {
				d.drawLine(ln, px, py, label)
				py += d.lh(label.size)
			}
			for _, ln := range cells[i].v {
				d.drawLine(ln, px, py, value)
				py += d.lh(value.size)
			}
		}
		y += rh
	}
	if aside != nil {
		aside.draw(x+w-pad-aside.w, y0+pad)
	}
	d.setY(y0 + total)
}

// taxNoteGap is the space above the tax note, mm.
const taxNoteGap = 4.0

// payment draws the tax note, then the pay-by sentence and payment details.
func (d *pdfDraw) payment() {
	v := d.v
	if v.TaxNote != "" {
		st := d.bodyStyle()
		st.size = d.small
		st.color = d.th.muted
		d.gap(taxNoteGap)
		d.paragraph(pdfPlain(v.TaxNote), st, d.left, d.width, nil)
	}
	if v.PayBy == "" && len(v.Payment) == 0 {
		return
	}
	d.pairPanel(v.PayBy, v.Payment, false, d.payCodeAside())
}

// The key facts' measures in mm, shared with the e-mail.
const (
	factsGap       = 6.0  // above the facts
	factPadX       = 4.0  // inside a row, left of the label
	factPadY       = 2.4  // inside a row, above and below
	factLabelAir   = 8.0  // right of the widest label
	factLabelShare = 0.42 // of the width, at most, for the labels
	factRule       = 0.6  // the background-coloured line between rows
	factTint       = 0.06 // the rows' fill: the primary mixed into the background
)

// facts draws a notice's key facts: muted labels, bold values, one row each.
func (d *pdfDraw) facts() {
	v, th := d.v, d.th
	if len(v.Facts) == 0 {
		return
	}
	label := textStyle{family: d.bodyFont, size: d.base, color: th.muted}
	value := d.bodyStyle()
	value.bold = true
	labelW := 0.0
	for _, f := range v.Facts {
		labelW = max(labelW, d.textWidth(label, inline{}, f.Label))
	}
	labelW = min(labelW+factLabelAir, d.width*factLabelShare)
	const padX, padY = factPadX, factPadY
	lh := d.lh(d.base)
	type row struct {
		l, v []textLine
		h    float64
	}
	rows := make([]row, len(v.Facts))
	total := 0.0
	for i, f := range v.Facts {
		r := row{l: d.layout(pdfPlain(f.Label), labelW-padX-2, label), v: d.layout(pdfPlain(f.Value), d.width-labelW-padX, value)}
		r.h = float64(max(len(r.l), len(r.v)))*lh + 2*padY
		rows[i] = r
		total += r.h
	}
	d.gap(factsGap)
	// A short table stays whole; a long one at least keeps two rows together.
	if len(rows) <= 8 {
		d.ensure(total)
	} else {
		d.ensure(rows[0].h + rows[1].h)
	}
	fill := d.tint(th.primary, factTint)
	for i, r := range rows {
		ls, vs, h := r.l, r.v, r.h
		d.ensure(h)
		y := d.y()
		d.fillColor(fill)
		d.pdf.Rect(d.left, y, d.width, h, "F")
		if i > 0 && y > d.top+0.01 {
			d.drawColor(d.th.background)
			d.pdf.SetLineWidth(factRule)
			d.pdf.Line(d.left, y, d.right, y)
		}
		for j, ln := range ls {
			d.drawLine(ln, d.left+padX, y+padY+float64(j)*lh, label)
		}
		for j, ln := range vs {
			d.drawLine(ln, d.left+labelW, y+padY+float64(j)*lh, value)
		}
		d.setY(y + h)
	}
}

// The call to action's measures in mm, shared with the e-mail.
const (
	actionGap    = 8.0  // above the button
	actionURLGap = 2.0  // between the button and its address
	buttonScale  = 1.05 // the label's size, × the base size
	buttonPadX   = 8.0
	buttonPadY   = 3.0
	buttonRadius = 1.6
)

// action draws the call to action as a clickable button, with its URL printed
// underneath for readers of the printed page. The button is the HTML one: a
// primary fill under bold text in white or the text colour (textOn), so both
// channels show the same colours and lint checks the one pair.
func (d *pdfDraw) action() {
	a := d.v.Action
	if a == nil || a.URL == "" {
		return
	}
	pdf, th := d.pdf, d.th
	label := a.Label
	if label == "" {
		label = a.URL
	}
	st := textStyle{family: d.bodyFont, size: d.base * buttonScale, color: textOn(th.primary, th.text), bold: true}
	ln := d.layout(pdfPlain(label), d.width-2*buttonPadX, st)
	bh := float64(len(ln))*d.lh(st.size) + 2*buttonPadY
	bw := 2 * buttonPadX
	for _, l := range ln {
		bw = max(bw, l.w+2*buttonPadX)
	}
	urlSt := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	urlLines := d.layout([]inline{{Text: a.URL, URL: a.URL}}, d.width, urlSt)
	d.gap(actionGap)
	d.ensure(bh + actionURLGap + float64(len(urlLines))*d.lh(d.small))
	y := d.y()
	d.fillColor(th.primary)
	pdf.RoundedRect(d.left, y, bw, bh, buttonRadius, "1234", "F")
	ly := y + buttonPadY
	for _, l := range ln {
		d.drawLine(l, d.left+(bw-l.w)/2, ly, st)
		ly += d.lh(st.size)
	}
	pdf.LinkString(d.left, y, bw, bh, a.URL)
	d.setY(y + bh + actionURLGap)
	d.drawLines(urlLines, urlSt, d.left, d.width, nil)
}

// The closing's measures, shared with the e-mail.
const (
	signOffGap   = 1.5 // base line heights above the sign-off
	signatureGap = 6.0 // mm between the sign-off and the signature
)

// closing draws the sign-off and the signature, together.
func (d *pdfDraw) closing() {
	v := d.v
	if v.SignOff == "" && v.Signature == "" {
		return
	}
	st := d.bodyStyle()
	lh := d.lh(d.base)
	d.gap(lh * signOffGap)
	d.ensure(lh*2 + 8)
	if v.SignOff != "" {
		d.paragraph(pdfPlain(v.SignOff), st, d.left, d.width, nil)
	}
	if v.Signature != "" {
		d.setY(d.y() + signatureGap)
		st.bold = true
		d.paragraph(pdfPlain(v.Signature), st, d.left, d.width, nil)
	}
}
