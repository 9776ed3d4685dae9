package render

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// qrMatrix is a QR code's modules, row by row, without the quiet zone.
type qrMatrix struct {
	size    int    // modules per side: 17 + 4 × version
	dark    []bool // size × size, dark[y*size+x]
	version int
}

// at reports whether the module in column x, row y is dark.
func (m *qrMatrix) at(x, y int) bool { return m.dark[y*m.size+x] }

// encodeQR encodes payload as a QR code at error correction level M in byte
// mode: the payload's UTF-8 bytes as they are, without an ECI header, which
// is what EPC069-12 and the Swiss QR-bill specify (their character set is
// named in the payload itself) and what banking apps read. maxVersion bounds
// the symbol's size.
func encodeQR(payload string, maxVersion int) (*qrMatrix, error) {
	code, err := qr.Encode(payload, qr.M, qr.Unicode)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	size := code.Bounds().Dx()
	m := &qrMatrix{size: size, dark: make([]bool, size*size), version: (size - 17) / 4}
	if m.version > maxVersion {
		return nil, fmt.Errorf("encode QR code: %d bytes need version %d, at most %d allowed", len(payload), m.version, maxVersion)
	}
	for y := range size {
		for x := range size {
			r, _, _, _ := code.At(x, y).RGBA()
			m.dark[y*size+x] = r < 0x8000
		}
	}
	return m, nil
}

// qrByteCapacity holds the bytes a QR code of each version (index) carries
// in byte mode at level M (ISO/IEC 18004, table 7).
var qrByteCapacity = [...]int{0, 14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911, 997}

// qrMaxBytes is the byte-mode capacity of a QR code of version v at level M.
func qrMaxBytes(v int) int { return qrByteCapacity[v] }

// qrQuiet is the quiet zone around a QR code, in modules: ISO/IEC 18004
// asks for four.
const qrQuiet = 4

// swissCross is the Swiss QR-bill's recognition symbol, in millimetres on
// the 46 mm code, centred: a white square of 7 mm (the code's modules under
// it are covered), a black square of 6 mm, and a white cross whose bars are
// 7/6 mm wide and 35/9 mm long, the proportions of the Swiss flag.
var swissCross = struct{ white, black, barW, barL, code float64 }{7, 6, 7.0 / 6, 35.0 / 9, 46}

// qrPNG draws m as a PNG of scale pixels per module with the quiet zone, in
// black on white, as a 1-bit image; with cross it carries the Swiss cross.
// The same matrix is what the PDF draws, so the e-mail and the paper show
// one code.
func qrPNG(m *qrMatrix, scale int, cross bool) ([]byte, error) {
	side := (m.size + 2*qrQuiet) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := range m.size {
		for x := range m.size {
			if !m.at(x, y) {
				continue
			}
			x0, y0 := (x+qrQuiet)*scale, (y+qrQuiet)*scale
			for py := y0; py < y0+scale; py++ {
				row := img.Pix[py*img.Stride:]
				for px := x0; px < x0+scale; px++ {
					row[px] = 1
				}
			}
		}
	}
	if cross {
		// Millimetres on the code to pixels of the image.
		px := float64(m.size*scale) / swissCross.code
		c := float64(side) / 2
		fill := func(w, h float64, v uint8) {
			for py := int(c - h*px/2 + 0.5); py < int(c+h*px/2+0.5); py++ {
				for qx := int(c - w*px/2 + 0.5); qx < int(c+w*px/2+0.5); qx++ {
					img.Pix[py*img.Stride+qx] = v
				}
			}
		}
		fill(swissCross.white, swissCross.white, 0)
		fill(swissCross.black, swissCross.black, 1)
		fill(swissCross.barW, swissCross.barL, 0)
		fill(swissCross.barL, swissCross.barW, 0)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode QR code image: %w", err)
	}
	return buf.Bytes(), nil
}

// qrDataURI is m as a PNG data URI for an <img> in an e-mail.
func qrDataURI(m *qrMatrix, cross bool) (string, error) {
	// 6 px a module keeps even the Swiss cross's bars sharp when a screen
	// shows the code at twice its size.
	data, err := qrPNG(m, 6, cross)
	if err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(data), nil
}

// qrRect is a rectangle of dark modules: column, row, width and height.
type qrRect struct{ x, y, w, h int }

// rects covers m's dark modules with rectangles, greedily taking at each
// dark module not yet covered the largest rectangle that starts there: a
// few hundred rectangles instead of thousands of modules, for a smaller
// PDF that draws faster.
func (m *qrMatrix) rects() []qrRect {
	n := m.size
	left := make([]bool, len(m.dark))
	copy(left, m.dark)
	var out []qrRect
	for y := range n {
		for x := range n {
			if !left[y*n+x] {
				continue
			}
			best := qrRect{x, y, 1, 1}
			limit := n
			for yy := y; yy < n && left[yy*n+x]; yy++ {
				w := 0
				for x+w < limit && left[yy*n+x+w] {
					w++
				}
				limit = x + w
				if h := yy - y + 1; w*h > best.w*best.h {
					best = qrRect{x, y, w, h}
				}
			}
			for yy := best.y; yy < best.y+best.h; yy++ {
				for xx := best.x; xx < best.x+best.w; xx++ {
					left[yy*n+xx] = false
				}
			}
			out = append(out, best)
		}
	}
	return out
}
