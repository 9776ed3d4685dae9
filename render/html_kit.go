package render

import (
	"fmt"
	"html/template"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"weak"
)

// htmlKit is the HTML renderer's per-kit state, worked out on a theme's first
// HTML document and shared, read-only, by the rest, so that a document pays
// only for its own words.
//
// Most of a page's markup depends on the kit alone: some eighty inline
// styles, the bgcolor colours and the logo's data URI, which is most of the
// page's bytes. Written through template actions, each was built and escaped
// again for every document (the logo's 80 kB of base64 byte by byte), and
// every action costs a reflective call; that was most of an HTML render's
// time. Instead, the kit gets its own clone of the page's templates in which
// each of them is a named template of static text ("S.Body", "C.Primary",
// "LogoSrc", ...), escaped once by html/template exactly as the action would
// have escaped it, which a render copies as it is. Document data, and the
// few sizes that depend on it (the letterhead's, a table's columns), still
// go through the template's actions and escaping.
type htmlKit struct {
	page  *template.Template // the kit's "page"
	geo   htmlGeometry
	zebra bool // the kit's tables have zebra rows
}

// htmlKitEntry is one theme's slot in htmlKits.
type htmlKitEntry struct {
	once sync.Once
	kit  *htmlKit
	err  error
}

// htmlKits holds each theme's htmlKit. The theme cannot hold it (its fields
// belong to the theme's own file), so the cache is keyed on a weak pointer to
// the theme and an entry is dropped once its theme is collected: a server
// that makes a Renderer per kit version does not keep dead kits alive.
var htmlKits sync.Map // weak.Pointer[theme] -> *htmlKitEntry

// htmlKitOf returns th's HTML state, building it on first use. Like the rest
// of the theme, th's kit must not change once th has rendered a document.
func htmlKitOf(th *theme) (*htmlKit, error) {
	key := weak.Make(th)
	e, ok := htmlKits.Load(key)
	if !ok {
		var loaded bool
		e, loaded = htmlKits.LoadOrStore(key, &htmlKitEntry{})
		if !loaded {
			runtime.AddCleanup(th, func(k weak.Pointer[theme]) { htmlKits.Delete(k) }, key)
		}
	}
	entry := e.(*htmlKitEntry)
	entry.once.Do(func() { entry.kit, entry.err = newHTMLKit(th) })
	return entry.kit, entry.err
}

// newHTMLKit works out th's HTML state.
func newHTMLKit(th *theme) (*htmlKit, error) {
	g := newHTMLGeometry(th)
	c := newHTMLPalette(th)
	var e htmlEscaper
	k := &htmlKit{geo: g, zebra: th.kit.Layout.Table.Zebra}

	// The named templates of static text, each escaped for where the
	// templates use it: styles in style attributes, colours in bgcolor.
	static := map[string]string{}
	for name, css := range newHTMLStyles(th, g, c) {
		static[name] = e.styleValue(css)
	}
	for name, css := range newHTMLVariantStyles(th, g, c) {
		static[name] = e.styleValue(css)
	}
	cv := reflect.ValueOf(htmlColors{Canvas: c.canvas, Background: c.background, Primary: c.primary, Tint: c.tint, Zebra: c.zebra, MdHead: c.mdHead})
	for i := range cv.NumField() {
		static["C."+cv.Type().Field(i).Name] = e.attrValue(cv.Field(i).String())
	}
	// Printed, the e-mail fills the kit's paper as the PDF does, instead of
	// the browser's default paper and margins shrinking it.
	static["W.Paper"] = cssMM(th.pageW) + " " + cssMM(th.pageH)
	static["W.Card"] = strconv.Itoa(int(math.Round(th.pageW * pxPerMM)))
	// Narrower than the paper, the e-mail lets go of the widths it takes
	// from the page (class fit, tables of class lines) and flows.
	static["W.Narrow"] = strconv.Itoa(int(math.Round(th.pageW*pxPerMM)) - 1)
	static["LogoSrc"] = ""
	if g.logoPW > 0 {
		// template.URL is safe here: the MIME type is from htmlLogoMIME and
		// the rest is base64, which has no characters that could end the
		// attribute.
		static["LogoSrc"] = e.srcValue(template.URL(th.htmlLogoURI(th.kit.Logo, g.logoMM)))
	}
	if e.err != nil {
		return nil, fmt.Errorf("kit styles: %w", e.err)
	}
	t, err := newHTMLKitTemplate(static)
	if err != nil {
		return nil, err
	}
	k.page = t.Lookup("page")
	return k, nil
}

// newHTMLKitTemplate clones htmlTemplates and adds a template of static text
// for each of static (name to text).
func newHTMLKitTemplate(static map[string]string) (*template.Template, error) {
	t, err := htmlTemplates.Clone()
	if err != nil {
		return nil, fmt.Errorf("clone templates: %w", err)
	}
	for name, text := range static {
		// A tree built by hand rather than parsed, so that nothing in the
		// text is ever read as a template action.
		tree := parse.New(name)
		tree.Root = &parse.ListNode{NodeType: parse.NodeList, Nodes: []parse.Node{
			&parse.TextNode{NodeType: parse.NodeText, Text: []byte(text)},
		}}
		if _, err := t.AddParseTree(name, tree); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
	}
	return t, nil
}

// htmlValueTemplates are the contexts the kit's static text is escaped for,
// by html/template itself, so that it comes out byte for byte as an action in
// the page's templates would have written it.
var htmlValueTemplates = func() *template.Template {
	t := template.Must(template.New("style").Parse(`<p style="{{.}}">`))
	template.Must(t.New("attr").Parse(`<p bgcolor="{{.}}">`))
	template.Must(t.New("src").Parse(`<img src="{{.}}">`))
	return t
}()

// htmlEscaper escapes the kit's values with htmlValueTemplates, keeping the
// first error so that a caller can check once after many values.
type htmlEscaper struct{ err error }

// exec executes the value template name with data and returns the output
// between the lengths of its fixed prefix and suffix.
func (e *htmlEscaper) exec(name string, data any, prefix, suffix int) string {
	var b strings.Builder
	if err := htmlValueTemplates.ExecuteTemplate(&b, name, data); err != nil {
		if e.err == nil {
			e.err = err
		}
		return ""
	}
	out := b.String()
	return out[prefix : len(out)-suffix]
}

// styleValue is css as the value of a style attribute: `font-family:&#39;...`.
func (e *htmlEscaper) styleValue(css template.CSS) string {
	return e.exec("style", css, len(`<p style="`), len(`">`))
}

// attrValue is s as the value of a plain attribute such as bgcolor.
func (e *htmlEscaper) attrValue(s string) string {
	return e.exec("attr", s, len(`<p bgcolor="`), len(`">`))
}

// srcValue is src as the value of an image's src attribute.
func (e *htmlEscaper) srcValue(src template.URL) string {
	return e.exec("src", src, len(`<img src="`), len(`">`))
}
