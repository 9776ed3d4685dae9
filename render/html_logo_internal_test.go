package render

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
)

// TestHTMLLogoPrepared checks the e-mail's logo on the sample kits: scaled
// to twice the CSS pixels it is shown at, on its band or page colour, far
// smaller than the kit's file, and e-mails that stay under Gmail's 102 kB
// clipping limit (the 60-line invoice's table alone is larger).
func TestHTMLLogoPrepared(t *testing.T) {
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			logo := s.kit.Logo
			if logo == nil || len(logo.Data) == 0 {
				return // kits without a logo have nothing to check
			}
			img := htDecodeLogo(t, htLogoSrc(t, s.out.HTML))
			want := min(logo.Width, int(math.Ceil(s.kit.Layout.Header.LogoWidth*pxPerMM*htmlLogoScale)))
			assert.Equal(t, want, img.Bounds().Dx(), "width")
			assert.InDelta(t, float64(logo.Height)*float64(want)/float64(logo.Width), float64(img.Bounds().Dy()), 1, "height keeps the aspect ratio")
			b64, _ := strings.CutPrefix(htLogoSrc(t, s.out.HTML), "data:image/png;base64,")
			assert.Less(t, base64.StdEncoding.DecodedLen(len(b64)), len(logo.Data)/2, "at most half the kit's file")
			if s.name != "invoice-60-lines" {
				assert.Less(t, len(s.out.HTML), 102*1024, "under Gmail's clipping limit")
			}
		})
	}
}

// TestHTMLLogoJPEGAsIs checks that a JPEG logo is embedded as the kit ships
// it, and a PNG that does not decode too.
func TestHTMLLogoJPEGAsIs(t *testing.T) {
	th := htTheme(t, "band", "left", "horizontal", false)
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 900, 300)), nil))
	for _, img := range []*brandkits.Image{
		{Format: "jpeg", Data: buf.Bytes(), Width: 900, Height: 300},
		{Format: "png", Data: []byte("not a png"), Width: 900, Height: 300},
	} {
		want := "data:" + htmlLogoMIME(img.Format) + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
		assert.Equal(t, want, th.htmlLogoURI(img, 40), img.Format)
	}
}
