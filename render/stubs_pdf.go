package render

import "errors"

// STUB: replaced by pdf.go (PDF helper).
func (r *Renderer) pdf(v *view) ([]byte, error) { return nil, errors.New("not implemented") }
