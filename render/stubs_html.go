package render

import "errors"

// STUB: replaced by html.go and text.go (HTML/text helper).
func (r *Renderer) html(v *view) ([]byte, error) { return nil, errors.New("not implemented") }
func (r *Renderer) text(v *view) []byte          { return nil }
