// Package render turns a document (an invoice, a credit note or a notice) and a
// brand kit into branded PDF, HTML and plain text. It is pure: it reads no files,
// talks to no network and never looks at the clock, so the same document with the
// same kit version always gives the same bytes.
//
// A library user needs nothing else:
//
//	kit, _ := brandkits.LoadDir("samples/kits/roastery")
//	doc, _ := render.ParseDocument(jsonBytes)
//	r, _ := render.New(kit)
//	out, _ := r.Render(doc, render.AllFormats)
package render
