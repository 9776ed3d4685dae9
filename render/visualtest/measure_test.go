package visualtest

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run the comparison on drawn pictures, without a browser or
// poppler, so that its measures are checked where CI has neither.

var (
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink   = color.RGBA{0x20, 0x20, 0x20, 0xff}
	brand = color.RGBA{0x1f, 0x3a, 0x5f, 0xff}
)

// fakePage is an A4 page at 96 dpi with a band, lines of "text" (dark
// boxes, one a word) starting at top mm and a footer line at the foot.
type fakePage struct {
	left, top float64 // mm
	lineColor color.RGBA
	footer    bool
	slip      bool
}

// capture draws p.
func (p fakePage) capture() *capture {
	img := image.NewRGBA(image.Rect(0, 0, 794, 1123))
	draw.Draw(img, img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	fill := func(r image.Rectangle, c color.RGBA) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	px := func(mm float64) int { return int(mm * pxPerMM) }
	fill(image.Rect(0, 0, 794, px(24)), brand)
	c := &capture{img: img, bg: white, width: 794}
	for i := range 12 {
		y := px(p.top + float64(i)*6)
		x := px(p.left)
		for j := range 8 {
			w := word{Text: "w" + string(rune('a'+i)) + string(rune('a'+j)), X0: float64(x), Y0: float64(y), X1: float64(x + px(14)), Y1: float64(y + px(3.5))}
			colour := ink
			if i == 0 {
				colour = p.lineColor // the title
			}
			fill(image.Rect(int(w.X0), int(w.Y0), int(w.X1), int(w.Y1)), colour)
			c.words = append(c.words, w)
			x += px(18)
		}
	}
	if p.footer {
		fill(image.Rect(px(25), px(280), px(185), px(282)), ink)
	}
	if p.slip {
		fill(image.Rect(0, px(192), 794, px(192)+1), ink)
		fill(image.Rect(px(30), px(210), px(90), px(250)), ink)
	}
	c.bodyEnd = bodyEndOfPage(img, white)
	return c
}

func TestCompareLooksAlike(t *testing.T) {
	page := fakePage{left: 25, top: 90, lineColor: brand, footer: true}
	pdf, web := page.capture(), page.capture()
	p := compare(pdf, web, 1, []brandColour{{Name: "primary", C: brand, Others: []color.RGBA{ink}}}, defaultTolerance)
	assert.Empty(t, p.problems(), p.summary())
	assert.Equal(t, 96, p.matched)
	assert.Equal(t, 12, len(p.lines))
}

func TestCompareFindsDrift(t *testing.T) {
	tests := []struct {
		name string
		web  fakePage
		want string
	}{
		{"text 5 mm lower", fakePage{left: 25, top: 95, lineColor: brand, footer: true}, "lines are more than 3 mm"},
		{"margin 10 mm wider", fakePage{left: 35, top: 90, lineColor: brand, footer: true}, "lines are more than 3 mm"},
		{"title in the text colour", fakePage{left: 25, top: 90, lineColor: ink, footer: true}, "primary is painted"},
	}
	pdf := fakePage{left: 25, top: 90, lineColor: brand, footer: true}.capture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compare(pdf, tt.web.capture(), 1, []brandColour{{Name: "primary", C: brand, Others: []color.RGBA{ink}}}, defaultTolerance)
			assert.Contains(t, strings.Join(p.problems(), "\n"), tt.want, p.summary())
		})
	}
}

func TestBodyEndOfPage(t *testing.T) {
	px := func(mm float64) int { return int(mm * pxPerMM) }
	withFooter := fakePage{left: 25, top: 90, footer: true}.capture()
	assert.Greater(t, withFooter.bodyEnd, px(90+11*6+3.5), "the body's last line is above the end")
	assert.Less(t, withFooter.bodyEnd, px(280), "the footer is below it")

	bare := fakePage{left: 25, top: 90}.capture()
	assert.Equal(t, 1123, bare.bodyEnd, "no footer: the whole page")

	slip := fakePage{left: 25, top: 90, slip: true}.capture()
	require.Equal(t, px(192), slipTop(slip.img, white), "the slip's cut line")
	assert.LessOrEqual(t, slip.bodyEnd, px(192), "the slip is not body")
}

func TestWordKey(t *testing.T) {
	assert.Equal(t, "306,03€", word{Text: "306,03\u00a0€"}.key())
	assert.Equal(t, "Rech-nung", word{Text: "Rech-\u00adnung"}.key())
}
