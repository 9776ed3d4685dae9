package render

import "errors"

// STUB: replaced by view_build.go.
func (r *Renderer) buildView(doc *Document) (*view, error) { return nil, errors.New("not implemented") }
