package render

import "html/template"

// htmlPayCodeSize is the width and height at which the e-mail shows a
// payment code, in px: large enough for a phone to read it off a screen,
// small enough to sit beside the payment details.
const htmlPayCodeSize = 160

// htmlPayCode is the payment QR code as the e-mail shows it: an inline PNG,
// so that the e-mail stays one self-contained file that fetches nothing.
type htmlPayCode struct {
	Src     template.URL // a data: URI the renderer made, so trusted
	Size    int          // px
	Alt     string
	Caption string
}

// newHTMLPayCode draws code's matrix as a data URI, or returns nil without
// a code.
func newHTMLPayCode(code *payCode) (*htmlPayCode, error) {
	if code == nil || code.QR == nil {
		return nil, nil
	}
	uri, err := qrDataURI(code.QR, code.Swiss)
	if err != nil {
		return nil, err
	}
	return &htmlPayCode{Src: template.URL(uri), Size: htmlPayCodeSize, Alt: code.Caption, Caption: code.Caption}, nil
}
