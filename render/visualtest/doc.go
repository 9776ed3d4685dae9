// Package visualtest holds the visual check of the HTML channel against the
// PDF: every sample document is rendered by both renderers, the e-mail is
// photographed in headless Chromium and the PDF's first page rasterised by
// pdftoppm at the same scale, and the two pictures are compared for layout
// (where each word sits, what colour each coarse cell is, how much of the
// page each brand colour covers), not for font rasterisation. The package
// has no code outside its tests; docs/visual.md describes the check and its
// tolerance.
package visualtest
