package render

import (
	"fmt"
	"time"

	"github.com/liveryhq/livery/brandkits"
)

// Format is an output channel.
type Format string

// The output formats.
const (
	FormatPDF  Format = "pdf"
	FormatHTML Format = "html"
	FormatText Format = "txt"
	// FormatSMS is an SMS-length summary (at most 160 characters) in the
	// kit's words: brand, document, amount and due date.
	FormatSMS Format = "sms"
)

// AllFormats lists every format in a stable order.
var AllFormats = []Format{FormatPDF, FormatHTML, FormatText, FormatSMS}

// Output holds the rendered channels; a format not asked for stays nil.
type Output struct {
	PDF  []byte
	HTML []byte
	Text []byte
	SMS  []byte
	// Took is how long each rendered format took, for metrics: the
	// format's own renderer plus an equal share of building the view that
	// all formats of the call share, so the times add up to the whole call.
	// Only the bytes above are the output; Took never changes them.
	Took map[Format]time.Duration
}

// Bytes returns the output of format f (nil when it was not rendered).
func (o *Output) Bytes(f Format) []byte {
	switch f {
	case FormatPDF:
		return o.PDF
	case FormatHTML:
		return o.HTML
	case FormatText:
		return o.Text
	case FormatSMS:
		return o.SMS
	}
	return nil
}

// Extension returns the file name extension for format f, with its dot.
func (f Format) Extension() string {
	if f == FormatSMS {
		return ".sms.txt"
	}
	return "." + string(f)
}

// Renderer renders documents with one kit version. It prepares the kit once
// (fonts parsed and checked, colours and wording resolved) and is safe for
// concurrent use, so a billing run creates one Renderer per kit version.
type Renderer struct {
	kit   *brandkits.Kit
	theme *theme
	fix   *brandkits.Fixer // casing rule and vocabulary, indexed once
}

// New prepares kit for rendering. It fails when the kit cannot be drawn (a font
// that is not TrueType, an unknown font family, a locale Livery does not speak).
func New(kit *brandkits.Kit) (*Renderer, error) {
	th, err := newTheme(kit)
	if err != nil {
		return nil, fmt.Errorf("prepare kit %q: %w", kit.Name, err)
	}
	return &Renderer{kit: kit, theme: th, fix: brandkits.NewFixer(kit)}, nil
}

// Kit returns the kit the renderer was prepared with.
func (r *Renderer) Kit() *brandkits.Kit { return r.kit }

// Render validates doc and renders it in each of formats.
func (r *Renderer) Render(doc *Document, formats ...Format) (*Output, error) {
	start := time.Now()
	v, err := r.buildView(doc)
	if err != nil {
		return nil, err
	}
	out := &Output{Took: make(map[Format]time.Duration, len(formats))}
	var viewShare time.Duration
	if len(formats) > 0 {
		viewShare = time.Since(start) / time.Duration(len(formats))
	}
	for _, f := range formats {
		fstart := time.Now()
		switch f {
		case FormatPDF:
			if out.PDF, err = r.pdf(v); err != nil {
				return nil, err
			}
		case FormatHTML:
			if out.HTML, err = r.html(v); err != nil {
				return nil, err
			}
		case FormatText:
			out.Text = r.text(v)
		case FormatSMS:
			out.SMS = []byte(v.Summary)
		default:
			return nil, fmt.Errorf("unknown format %q", f)
		}
		out.Took[f] += viewShare + time.Since(fstart)
	}
	return out, nil
}
