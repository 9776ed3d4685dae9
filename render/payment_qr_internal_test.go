package render

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xhtml "golang.org/x/net/html"
)

// payDecode reads the QR code in img with gozxing, an implementation
// independent of the encoder, and returns the bytes it holds exactly as
// encoded: the byte segments, not a guess at their character set.
func payDecode(t testing.TB, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	require.NoError(t, err, "no QR code found")
	segs, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte)
	require.True(t, ok, "the code holds no byte segment")
	return string(bytes.Join(segs, nil))
}

// payRasterize renders page of pdf at dpi with pdftoppm, cropped to the
// rectangle x, y, w, h in millimetres (w 0: the whole page).
func payRasterize(t testing.TB, pdf []byte, page int, dpi, x, y, w, h float64) image.Image {
	t.Helper()
	tool := popplerTool(t, "pdftoppm")
	dir := t.TempDir()
	f := filepath.Join(dir, "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	px := func(mm float64) string { return strconv.Itoa(int(mm / 25.4 * dpi)) }
	args := []string{"-r", strconv.Itoa(int(dpi)), "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-png", "-singlefile"}
	if w > 0 {
		args = append(args, "-x", px(x), "-y", px(y), "-W", px(w), "-H", px(h))
	}
	out := filepath.Join(dir, "page")
	require.NoError(t, exec.Command(tool, append(args, f, out)...).Run(), "pdftoppm")
	data, err := os.ReadFile(out + ".png")
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	return img
}

// payHTMLCode finds the payment code's <img> in an e-mail and decodes its
// data URI.
func payHTMLCode(t testing.TB, html []byte) image.Image {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(html))
	require.NoError(t, err)
	var found []image.Image
	for _, n := range htFind(doc, "img") {
		src, _ := htAttr(n, "src")
		b64, ok := strings.CutPrefix(src, "data:image/png;base64,")
		if !ok {
			continue
		}
		alt, _ := htAttr(n, "alt")
		if alt == "" {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(b64)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		found = append(found, img)
	}
	require.Len(t, found, 1, "one payment code image")
	return found[0]
}

// payUmlautDoc is the guidelines' example with names outside ASCII, so
// the codes hold multi-byte UTF-8.
var payUmlautDoc = strings.NewReplacer("Pia-Maria Rutschmann-Schnyder", "Zoë Müller-Łęcka", "Rorschach", "Zürich").Replace(paySwissDoc)

// TestQRCodesDecode encodes every code Livery makes, draws it as the PNG the
// e-mail embeds, and reads it back: the bytes must be the payload's.
func TestQRCodesDecode(t *testing.T) {
	for _, tt := range []struct {
		name, mode string
		doc        []byte
	}{
		{"epc", "epc", readDoc(t, "invoice.json")},
		{"epc umlauts", "epc", edited(t, "invoice.json", set("payment.reference", "Bestellung Café Müller, Łódź"))},
		{"swiss", "swiss", []byte(paySwissDoc)},
		{"swiss umlauts", "swiss", []byte(payUmlautDoc)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := payView(t, payRenderer(t, payKitYAML(tt.mode, "")), tt.doc)
			require.NotNil(t, v.PayCode)
			for _, scale := range []int{2, 6} {
				data, err := qrPNG(v.PayCode.QR, scale, v.PayCode.Swiss)
				require.NoError(t, err)
				img, err := png.Decode(bytes.NewReader(data))
				require.NoError(t, err)
				assert.Equal(t, v.PayCode.Payload, payDecode(t, img), "scale %d", scale)
			}
		})
	}
}

// TestQRCodesInChannels reads the codes out of the rendered PDF (rasterised
// with pdftoppm) and HTML (the data URI), byte for byte.
func TestQRCodesInChannels(t *testing.T) {
	for _, tt := range []struct {
		name, mode, payload string
		doc                 []byte
	}{
		{"epc", "epc", payEPCPayload, readDoc(t, "invoice.json")},
		{"swiss", "swiss", paySwissPayload, []byte(paySwissDoc)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := payRenderer(t, payKitYAML(tt.mode, ""))
			doc, err := ParseDocument(tt.doc)
			require.NoError(t, err)
			out, err := r.Render(doc, FormatPDF, FormatHTML)
			require.NoError(t, err)
			assert.Equal(t, tt.payload, payDecode(t, payHTMLCode(t, out.HTML)), "html")

			pages := pdfPages(t, out.PDF)
			last := len(pages)
			var img image.Image
			if tt.mode == "swiss" {
				// The payment part's code: 67 mm from the slip's left edge,
				// 17 mm below its top, 46 mm square.
				top := r.theme.pageH - slipH
				img = payRasterize(t, out.PDF, last, 300, slipReceiptW+slipMargin-4, top+slipCodeTop-4, slipCodeSize+8, slipCodeSize+8)
			} else {
				img = payRasterize(t, out.PDF, 1, 150, 0, 0, 0, 0)
			}
			assert.Equal(t, tt.payload, payDecode(t, img), "pdf")
		})
	}
}

// TestQRByteCapacity holds qrByteCapacity to the encoder: the capacity of
// each version fits it, one byte more needs the next.
func TestQRByteCapacity(t *testing.T) {
	for v := 1; v <= swissMaxVersion; v++ {
		m, err := encodeQR(strings.Repeat("a", qrMaxBytes(v)), 40)
		require.NoError(t, err)
		assert.Equal(t, v, m.version, "%d bytes", qrMaxBytes(v))
		m, err = encodeQR(strings.Repeat("a", qrMaxBytes(v)+1), 40)
		require.NoError(t, err)
		assert.Equal(t, v+1, m.version, "%d bytes", qrMaxBytes(v)+1)
	}
	assert.Equal(t, epcMaxBytes, qrMaxBytes(epcMaxVersion), "EPC069-12's 331 bytes are version 13's")
	_, err := encodeQR(strings.Repeat("a", qrMaxBytes(epcMaxVersion)+1), epcMaxVersion)
	assert.Error(t, err, "beyond the version allowed")
}

// TestQRRects covers exactly the dark modules.
func TestQRRects(t *testing.T) {
	m, err := encodeQR(paySwissPayload, swissMaxVersion)
	require.NoError(t, err)
	covered := make([]bool, len(m.dark))
	for _, r := range m.rects() {
		for y := r.y; y < r.y+r.h; y++ {
			for x := r.x; x < r.x+r.w; x++ {
				require.False(t, covered[y*m.size+x], "module %d,%d covered twice", x, y)
				covered[y*m.size+x] = true
			}
		}
	}
	assert.Equal(t, m.dark, covered)
	assert.Less(t, len(m.rects())*2, strings.Count(fmtBools(m.dark), "1"), "fewer than half as many rectangles as modules")
}

func fmtBools(b []bool) string {
	var s strings.Builder
	for _, x := range b {
		if x {
			s.WriteByte('1')
		} else {
			s.WriteByte('0')
		}
	}
	return s.String()
}

// smpPayloads are the payment codes of the sample documents, written down
// by hand from the sample JSON and kits. Samples not listed carry none: the
// kits that had no code before payment codes existed still have none.
var smpPayloads = map[string]string{
	"invoice-girocode": "BCD\n002\n1\nSCT\nFRSPDE66XXX\nTischlerei Lindner GmbH\nDE67680501010012345678\nEUR5594.67\n\nRF0820260318",
	"invoice-chf-qrbill": strings.Join([]string{
		"SPC", "0200", "1", "CH4431999123000889012",
		"S", "Alpenstrom AG", "Bollwerk", "15", "3011", "Bern", "CH",
		"", "", "", "", "", "", "",
		"138.66", "CHF",
		"S", "Simone Brunner", "Lorrainestrasse", "38", "3014", "Bern", "CH",
		"QRR", "210000000003139471430009017", "AS-2026-40217", "EPD",
	}, "\n"),
}

func TestSamplePaymentCodes(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			want, ok := smpPayloads[s.name]
			if !ok {
				assert.Nil(t, s.v.PayCode, "no payment code")
				doc, err := xhtml.Parse(bytes.NewReader(s.out.HTML))
				require.NoError(t, err)
				for _, n := range htFind(doc, "img") {
					alt, _ := htAttr(n, "alt")
					assert.NotEqual(t, s.kit.Label("pay_with_code"), alt, "no code image")
				}
				return
			}
			require.NotNil(t, s.v.PayCode)
			assert.Equal(t, want, s.v.PayCode.Payload)
			assert.Equal(t, want, payDecode(t, payHTMLCode(t, s.out.HTML)), "html")
		})
	}
}
