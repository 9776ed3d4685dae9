// Package preview is the live preview of brand kits: a local web page that
// shows every document rendered with the kit being edited, its HTML and its
// PDF side by side, and renders again whenever a file of the kit or of the
// documents changes.
//
// New builds the page's http.Handler from a kit folder and documents; it
// watches them with fsnotify and tells open pages to refresh through
// Server-Sent Events. Render and ServePageImage are the parts other front
// ends (the kit studio) reuse: one document and one kit turned into a View
// (HTML, PDF and PNG images of the PDF's pages, rasterized with poppler's
// pdftoppm when it is installed), and a handler for those images.
//
// The preview is a tool for one person on their own machine: it answers only
// requests addressed to a loopback host, and the rendered HTML is shown in a
// sandboxed frame with no scripts.
package preview
