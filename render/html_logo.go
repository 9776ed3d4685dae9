package render

import (
	"encoding/base64"
	"math"
	"strings"

	"github.com/liveryhq/livery/brandkits"
)

// htmlLogoScale is how many image pixels the e-mail's logo gets per CSS
// pixel it is shown at: two, for high-density screens.
const htmlLogoScale = 2

// htmlLogoURI is the data URI of the logo an e-mail shows, worked out once
// per kit. A PNG logo is prepared as the PDF's is (pdfLogo): composed onto
// the colour it sits on, scaled down to htmlLogoScale image pixels per CSS
// pixel at the widest it is shown (the kit's logo width) and stored as an
// opaque, usually indexed PNG, used only when that makes it smaller.
//
// Why: the logo travels inside every e-mail as base64. Kits ship logos far
// larger than they are shown (the sample's 62 kB PNG became 88 kB of a
// 109 kB e-mail, now 12 kB), Gmail clips messages over 102 kB behind a "View
// entire message" link, and every stored HTML rendition paid for the bytes
// again. The e-mail draws the logo on the same band or page colour as the
// PDF, so the flat image looks the same there. JPEG logos pass as they are:
// decoding and encoding them again would only lose quality.
func (th *theme) htmlLogoURI(img *brandkits.Image, widthMM float64) string {
	data := img.Data
	if strings.EqualFold(img.Format, "png") && widthMM > 0 {
		if flat := th.flatLogo(img); flat != nil {
			w := min(flat.Bounds().Dx(), int(math.Ceil(widthMM*pxPerMM*htmlLogoScale)))
			if small, err := encodeLogo(flat, w); err == nil && len(small) < len(data) {
				data = small
			}
		}
	}
	return "data:" + htmlLogoMIME(img.Format) + ";base64," + base64.StdEncoding.EncodeToString(data)
}
