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

// addressWindow is where the recipient's address must sit so a window envelope
// shows it, in mm from the page's top-left corner.
type addressWindow struct {
	x, y, w, h float64
	// zone is the offset of the first address line from the window top: DIN
	// 5008 keeps 5 mm for the return address and 12.7 mm for postal notes.
	zone float64
}

// window returns the kit's address window, or false for address_block none.
func (d *pdfDraw) window() (addressWindow, bool) {
	switch d.th.kit.Layout.AddressBlock {
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

// letterhead draws the first page's header, the address and the info block,
// and leaves the position under them.
func (d *pdfDraw) letterhead() {
	win, ok := d.window()
	limit := 60.0 // header bottom without a window to keep clear
	if ok {
		limit = win.y - 3
		if win.zone < 5 {
			limit -= 5 // the sender line sits above a US window
		}
	}
	var bottom float64
	switch d.th.kit.Layout.Header.Style {
	case "minimal":
		bottom = d.headerMinimal(limit)
	case "centered":
		bottom = d.headerCentered(limit)
	default:
		bottom = d.headerBand(limit)
	}
	d.addressBlock(win, ok, bottom)
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
	lb.w = pdfOr(d.th.kit.Layout.Header.LogoWidth, 40)
	lb.h = lb.w * ph / pw
	if lb.w > maxW {
		lb.w, lb.h = maxW, maxW*ph/pw
	}
	if lb.h > maxH {
		lb.w, lb.h = maxH*pw/ph, maxH
	}
	return lb, true
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
	if l.flat == nil {
		if l.flat = composePNG(img.Data, th.logoBackground()); l.flat == nil {
			l.asIs = true
			return l.orig
		}
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

// wordmark reports whether the logo is wide enough to be a wordmark or a
// lockup, which carries the brand name already: printing the name beside it
// would say it twice.
func (lb logoBox) wordmark() bool { return lb.w > 2.2*lb.h }

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
	size := d.small
	for size > 6 && float64(len(lines))*d.lh(size) > h {
		size -= 0.25
	}
	// Still too many: pair lines up rather than run into the address.
	for float64(len(lines))*d.lh(size) > h && len(lines) > 1 {
		var paired []string
		for i := 0; i < len(lines); i += 2 {
			if i+1 < len(lines) {
				paired = append(paired, lines[i]+"  ·  "+lines[i+1])
			} else {
				paired = append(paired, lines[i])
			}
		}
		lines = paired
	}
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

// headerBand is a full-width band in the primary colour with the logo, the
// brand name and the brand's details.
func (d *pdfDraw) headerBand(limit float64) float64 {
	pdf, th, v := d.pdf, d.th, d.v
	pos := th.kit.Layout.Header.LogoPosition
	if pos == "center" && len(v.BrandInfo) > 0 {
		limit -= d.lh(d.small) + 5 // the details go under the band
	}
	bandH := min(max(d.top+14, 30), limit)
	pad := min(8, bandH*0.26)
	inner := bandH - 2*pad
	d.fillColor(th.primary)
	pdf.Rect(0, 0, th.pageW, bandH, "F")
	on := d.onColor(th.primary)
	soft := pdfMix(on, th.primary, 0.22)

	lb, hasLogo := d.logo(d.width*0.4, inner)
	name := d.brandStyle(min(d.base*1.7, ptFromMM(inner)*0.6), on)
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
			groupW += 5 + nameLn.w
		}
	}
	x := d.logoX(groupW)
	if hasLogo {
		d.drawLogo(lb, x, (bandH-lb.h)/2)
		x += lb.w + 5
	}
	if nameLn.w > 0 {
		d.drawLine(nameLn, x, (bandH-name.lead)/2, name)
	}
	bottom := bandH
	infoW := d.width - groupW - 10
	switch pos {
	case "center":
		st := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
		d.setY(bandH + 3)
		d.paragraph(pdfPlain(strings.Join(v.BrandInfo, "  ·  ")), st, d.left, d.width, nil)
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
func (d *pdfDraw) headerTop(limit float64) float64 { return max(6, min(d.top, 14, limit-16)) }

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
		st := d.brandStyle(d.base*1.8, th.primary)
		ln := d.layout(pdfPlain(v.Brand), d.width*0.6, st)[0]
		d.drawLine(ln, d.logoX(ln.w), top, st)
		groupW = ln.w
		bottom = top + st.lead
	}
	infoW := d.width - groupW - 10
	switch pos {
	case "center":
		st := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
		d.setY(bottom + 2.5)
		d.paragraph(pdfPlain(strings.Join(v.BrandInfo, "  ·  ")), st, d.left, d.width, nil)
		bottom = d.y()
	case "right":
		bottom = max(bottom, d.infoLines(v.BrandInfo, d.left, top, infoW, avail, 'L', th.muted))
	default:
		bottom = max(bottom, d.infoLines(v.BrandInfo, d.right-infoW, top, infoW, avail, 'R', th.muted))
	}
	y := min(bottom+3.5, limit-0.5)
	d.drawColor(th.primary)
	pdf.SetLineWidth(0.5)
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
	name := d.brandStyle(d.base*1.5, th.primary)
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
		y += lb.h + 2
	}
	if v.Brand != "" && name.size > 0 && (!hasLogo || !lb.wordmark()) {
		ln := d.layout(pdfPlain(v.Brand), d.width, name)[0]
		d.drawLine(ln, center-ln.w/2, y, name)
		y += name.lead
	}
	if len(v.BrandInfo) > 0 {
		st := textStyle{family: d.bodyFont, size: d.small, color: th.muted, align: 'C'}
		d.setY(y + 0.5)
		d.paragraph(pdfPlain(strings.Join(v.BrandInfo, "  ·  ")), st, d.left, d.width, nil)
		y = d.y()
	}
	y += 2.5
	d.drawColor(th.primary)
	pdf.SetLineWidth(0.5)
	pdf.Line(center-12, y, center+12, y)
	return y
}

// addressBlock draws the sender line, the recipient and the info block, at
// the window's fixed position when the kit has one, under the header if not.
func (d *pdfDraw) addressBlock(win addressWindow, hasWindow bool, headerBottom float64) {
	pdf, th, v := d.pdf, d.th, d.v
	var addrX, addrY, addrW, infoTop, bottom float64
	if hasWindow {
		// Address text lines up with the body text where the window allows.
		addrX = min(max(d.left, win.x+2), win.x+10)
		addrW = win.x + win.w - addrX - 2
		addrY = win.y + win.zone
		infoTop = win.y + min(win.zone, 5)
		bottom = win.y + win.h
		if v.SenderLine != "" {
			size := d.small * 0.85
			d.font(d.bodyFont, false, size)
			s := pdfFit(pdf, v.SenderLine, addrW)
			base := win.y + 3.6
			if win.zone < 5 {
				base = win.y - 1.5
			}
			d.textColor(th.muted)
			pdf.Text(addrX, base, s)
			d.drawColor(d.tint(th.muted, 0.6))
			pdf.SetLineWidth(0.15)
			pdf.Line(addrX, base+0.9, addrX+pdf.GetStringWidth(s), base+0.9)
		}
	} else {
		addrX, addrY, addrW = d.left, headerBottom+10, d.width*0.45
		infoTop = addrY
		bottom = addrY
	}

	st := d.bodyStyle()
	lh := d.lh(st.size)
	if hasWindow {
		// Windows are short: as many lines as an address has must fit.
		lh = min(lh, (win.h-win.zone-1)/float64(max(len(v.Recipient), 1)))
		st.lead = lh
	}
	y := addrY
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
	bottom = max(bottom, d.infoBlock(infoTop, addrX+addrW+8))
	d.setY(bottom + 10)
}

// infoBlock draws v.Info as label/value rows flush with the right margin, no
// further left than minX; it returns the bottom.
func (d *pdfDraw) infoBlock(top, minX float64) float64 {
	v, th := d.v, d.th
	if len(v.Info) == 0 {
		return top
	}
	w := min(78, d.right-minX)
	x := d.right - w
	label := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	value := textStyle{family: d.bodyFont, size: d.base * 0.95, color: th.text}
	lh := d.lh(value.size)
	labelW := 0.0
	for _, p := range v.Info {
		labelW = max(labelW, d.textWidth(label, inline{}, p.Label))
	}
	labelW = min(labelW+4, w*0.5)
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
		y += float64(max(len(ls), len(vs)))*lh + 0.6
	}
	return y
}

// opening draws the title, subtitle, greeting and introduction.
func (d *pdfDraw) opening() {
	v, th := d.v, d.th
	title := d.brandStyle(d.title, th.primary)
	title.lead = ptMM(d.title) * 1.15
	if v.Title != "" {
		d.paragraph(pdfPlain(v.Title), title, d.left, d.width, nil)
	}
	if v.Subtitle != "" {
		st := d.bodyStyle()
		st.size = d.base * 1.15
		st.color = th.muted
		d.setY(d.y() + 0.5)
		d.paragraph(pdfPlain(v.Subtitle), st, d.left, d.width, nil)
	}
	body := d.bodyStyle()
	lh := d.lh(d.base)
	if v.Greeting != "" {
		d.gap(lh * 1.1)
		d.paragraph(pdfPlain(v.Greeting), body, d.left, d.width, nil)
	}
	if v.Intro != "" {
		d.gap(lh * 0.5)
		d.paragraph(pdfPlain(v.Intro), body, d.left, d.width, nil)
	}
	d.gap(lh * 0.6)
}

// panelAside is drawn at the right of a pair panel, w wide and at least h
// high: a payment code. draw gets its top-left corner.
type panelAside struct {
	w, h float64
	draw func(x, y float64)
}

// pairPanel lays out pairs in columns on a tinted panel, label over value,
// with an optional lead sentence on top and aside, when not nil, at the
// right. The panel never splits.
func (d *pdfDraw) pairPanel(lead string, pairs []pair, boldValues bool, aside *panelAside) {
	th := d.th
	const pad = 5.0
	x, w := d.left, d.width
	inner := w - 2*pad - 1.2
	if aside != nil {
		inner -= aside.w + pad
	}
	leadSt := d.bodyStyle()
	leadSt.bold = true
	label := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	value := d.bodyStyle()
	value.bold = boldValues
	ncol := 1
	if inner > 110 && len(pairs) > 1 {
		ncol = 2
	}
	if inner > 150 && len(pairs) > 4 && len(pairs)%3 == 0 {
		ncol = 3
	}
	colW := (inner - float64(ncol-1)*6) / float64(ncol)

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
		h += 3.5
	}
	for i, rh := range rowH {
		if i > 0 {
			h += 2.5
		}
		h += rh
	}
	if aside != nil {
		h = max(h, aside.h)
	}
	total := h + 2*pad
	d.gap(6)
	d.ensure(total)
	y0 := d.y()
	d.fillColor(d.tint(th.primary, 0.06))
	d.pdf.Rect(x, y0, w, total, "F")
	d.fillColor(th.primary)
	d.pdf.Rect(x, y0, 1.2, total, "F")
	cx := x + 1.2 + pad
	y := y0 + pad
	for _, ln := range leadLines {
		d.drawLine(ln, cx, y, leadSt)
		y += d.lh(leadSt.size)
	}
	if lead != "" && len(pairs) > 0 {
		y += 3.5
	}
	for r, rh := range rowH {
		if r > 0 {
			y += 2.5
		}
		for c := 0; c < ncol; c++ {
			i := r*ncol + c
			if i >= len(cells) {
				break
			}
			px := cx + float64(c)*(colW+6)
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

// payment draws the tax note, then the pay-by sentence and payment details.
func (d *pdfDraw) payment() {
	v := d.v
	if v.TaxNote != "" {
		st := d.bodyStyle()
		st.size = d.small
		st.color = d.th.muted
		d.gap(4)
		d.paragraph(pdfPlain(v.TaxNote), st, d.left, d.width, nil)
	}
	if v.PayBy == "" && len(v.Payment) == 0 {
		return
	}
	d.pairPanel(v.PayBy, v.Payment, false, d.payCodeAside())
}

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
	labelW = min(labelW+8, d.width*0.42)
	const padX, padY = 4.0, 2.4
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
	d.gap(6)
	// A short table stays whole; a long one at least keeps two rows together.
	if len(rows) <= 8 {
		d.ensure(total)
	} else {
		d.ensure(rows[0].h + rows[1].h)
	}
	fill := d.tint(th.primary, 0.06)
	for i, r := range rows {
		ls, vs, h := r.l, r.v, r.h
		d.ensure(h)
		y := d.y()
		d.fillColor(fill)
		d.pdf.Rect(d.left, y, d.width, h, "F")
		if i > 0 && y > d.top+0.01 {
			d.drawColor(d.th.background)
			d.pdf.SetLineWidth(0.6)
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
	st := textStyle{family: d.bodyFont, size: d.base * 1.05, color: textOn(th.primary, th.text), bold: true}
	ln := d.layout(pdfPlain(label), d.width-16, st)
	bh := float64(len(ln))*d.lh(st.size) + 6
	bw := 16.0
	for _, l := range ln {
		bw = max(bw, l.w+16)
	}
	urlSt := textStyle{family: d.bodyFont, size: d.small, color: th.muted}
	urlLines := d.layout([]inline{{Text: a.URL, URL: a.URL}}, d.width, urlSt)
	d.gap(8)
	d.ensure(bh + 2 + float64(len(urlLines))*d.lh(d.small))
	y := d.y()
	d.fillColor(th.primary)
	pdf.RoundedRect(d.left, y, bw, bh, 1.6, "1234", "F")
	ly := y + 3
	for _, l := range ln {
		d.drawLine(l, d.left+(bw-l.w)/2, ly, st)
		ly += d.lh(st.size)
	}
	pdf.LinkString(d.left, y, bw, bh, a.URL)
	d.setY(y + bh + 2)
	d.drawLines(urlLines, urlSt, d.left, d.width, nil)
}

// closing draws the sign-off and the signature, together.
func (d *pdfDraw) closing() {
	v := d.v
	if v.SignOff == "" && v.Signature == "" {
		return
	}
	st := d.bodyStyle()
	lh := d.lh(d.base)
	d.gap(lh * 1.5)
	d.ensure(lh*2 + 8)
	if v.SignOff != "" {
		d.paragraph(pdfPlain(v.SignOff), st, d.left, d.width, nil)
	}
	if v.Signature != "" {
		d.setY(d.y() + 6)
		st.bold = true
		d.paragraph(pdfPlain(v.Signature), st, d.left, d.width, nil)
	}
}
