package visualtest

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode"
)

// pxPerMM is the scale of both pictures: 96 pixels per inch, the browser's
// CSS pixel and pdftoppm -r 96.
const pxPerMM = 96 / 25.4

// mm converts pixels to millimetres.
func mm(px float64) float64 { return px / pxPerMM }

// capture is one channel's rendering of a document as the comparison sees
// it: the picture, the words on it and where its body ends.
type capture struct {
	img   *image.RGBA // 96 px per inch; the page (PDF) or the whole e-mail (HTML)
	words []word      // positions in px from the top-left corner
	// bodyEnd is the first row below the document's body: the PDF page's
	// footer (legal lines and page label) or QR-bill slip starts under it,
	// and so does the e-mail's footer row or payment part. They are left
	// out: paper puts them at the foot of a page, an e-mail once after the
	// body.
	bodyEnd int
	bg      color.RGBA // the page colour, what counts as no ink
	width   int        // px: the page's, or how wide the e-mail lays itself out
}

// word is a word and its box, in px.
type word struct {
	Text           string
	X0, Y0, X1, Y1 float64
}

// key is how words are matched across channels: without any kind of space
// (amounts hold no-break spaces, which one channel may draw as a gap) and
// soft hyphens.
func (w word) key() string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00ad' || r == '\u200b' {
			return -1
		}
		return r
	}, w.Text)
}

// tolerance is how far the channels may differ; defaultTolerance holds the
// numbers the check uses and docs/visual.md explains them.
type tolerance struct {
	// Cell is the side of a grid cell in px. Cells are compared by their
	// mean colour, so a glyph drawn a little differently changes a cell's
	// mean a little and a missing, moved or recoloured block changes it a
	// lot.
	Cell int
	// CellDiff is the RMS distance of two cell means (0-255) above which
	// the cells differ.
	CellDiff float64
	// Slack is how many cells a cell may move and still match its twin.
	Slack int
	// MaxCells is the share of inked cells (cells with ink in either
	// picture) that may differ.
	MaxCells float64
	// LineMM is how far, in mm, a line of the PDF may sit from the same
	// words in the e-mail, vertically and horizontally. A line's distance
	// is the median of its words': a word's vertical distance is that of
	// the centres, its horizontal one the smallest of the distances of its
	// left edges, right edges and centres, so left, right and centred text
	// all measure zero when only a font's width differs.
	LineMM float64
	// MaxFar is the share of the PDF's lines that may be further than
	// LineMM: lines break where the words fit, and a word that fits in one
	// channel by a tenth of a millimetre and not in the other moves to the
	// next line, shifting the rest of that line and the next (fpdf measures
	// glyphs in thousandths of an em, the browser exactly).
	MaxFar float64
	// MinMatched is the share of the PDF's body words that must be found in
	// the e-mail, matched one to one.
	MinMatched float64
	// ColourRatio bounds how much more area one channel may paint in a
	// brand colour than the other, once either paints at least
	// MinColourMM2 of it.
	ColourRatio  float64
	MinColourMM2 float64
	// MaxMisplaced bounds the cells that paint a brand colour where the
	// other channel paints it in no cell within Slack: at most this many,
	// and, once MinMisplaced or more are, at most MaxMisplacedShare of the
	// cells that paint it in either channel (a colour used sparingly, like
	// the accent, has few cells to lose).
	MaxMisplaced      int
	MinMisplaced      int
	MaxMisplacedShare float64
}

// defaultTolerance is the check's tolerance; docs/visual.md gives the
// samples' measured values beside it.
var defaultTolerance = tolerance{
	Cell:              8,
	CellDiff:          40,
	Slack:             1,
	MaxCells:          0.12,
	LineMM:            3,
	MaxFar:            0.10,
	MinMatched:        0.75,
	ColourRatio:       1.5,
	MinColourMM2:      40,
	MaxMisplaced:      16,
	MinMisplaced:      3,
	MaxMisplacedShare: 0.25,
}

// brandColour is a kit colour whose painted area both channels must agree
// on.
type brandColour struct {
	Name string
	C    color.RGBA
	// Others are the kit's other colours of text and marks. Where one of
	// them is close to C, the anti-aliased edges of its glyphs, blends of
	// it and the page, pass near C: a pixel nearer such a blend than C is
	// not C's.
	Others []color.RGBA
}

// paints reports whether pixel px, on a page of colour bg, is painted in
// b: within colourMatch of it, and no nearer a blend of another of the
// kit's colours with the page.
func (b brandColour) paints(px, bg color.RGBA) bool {
	if chebyshev(px, b.C) > colourMatch {
		return false
	}
	d := distance(px, b.C)
	for _, o := range b.Others {
		if blendDistance(px, bg, o) < d {
			return false
		}
	}
	return true
}

// distance is the Euclidean distance of two colours.
func distance(a, b color.RGBA) float64 {
	dr, dg, db := float64(a.R)-float64(b.R), float64(a.G)-float64(b.G), float64(a.B)-float64(b.B)
	return math.Sqrt(dr*dr + dg*dg + db*db)
}

// blendDistance is the distance of px from the nearest blend of bg and c.
func blendDistance(px, bg, c color.RGBA) float64 {
	v := [3]float64{float64(c.R) - float64(bg.R), float64(c.G) - float64(bg.G), float64(c.B) - float64(bg.B)}
	w := [3]float64{float64(px.R) - float64(bg.R), float64(px.G) - float64(bg.G), float64(px.B) - float64(bg.B)}
	vv := v[0]*v[0] + v[1]*v[1] + v[2]*v[2]
	t := 0.0
	if vv > 0 {
		t = min(1, max(0, (v[0]*w[0]+v[1]*w[1]+v[2]*w[2])/vv))
	}
	var d float64
	for i := range v {
		e := w[i] - t*v[i]
		d += e * e
	}
	return math.Sqrt(d)
}

// parity is the outcome of comparing the e-mail with the PDF's first page.
type parity struct {
	tol      tolerance
	width    int // px, the paper's
	webWidth int // px, as wide as the e-mail lays itself out
	region   int // rows compared, from the top

	inkCells, diffCells int
	diff                []image.Point // top-left corners of differing cells

	pdfWords, matched int
	deltas            []wordDelta // every matched word, furthest first
	lines             []lineDelta // every PDF line with a matched word, furthest first

	colours []colourUse
}

// wordDelta is a word and how far its two boxes are apart.
type wordDelta struct {
	Text     string
	PDF, Web word
	DX, DY   float64 // mm, as tolerance.WordMM measures them
}

// far is the larger of the distances.
func (d wordDelta) far() float64 { return max(d.DX, d.DY) }

// lineDelta is one line of the PDF and how far its words are from their
// twins in the e-mail: the medians of its words' distances.
type lineDelta struct {
	Text   string
	DX, DY float64 // mm
	Down   float64 // mm, signed: the e-mail's words are this much lower
}

// far is the larger of the distances.
func (d lineDelta) far() float64 { return max(d.DX, d.DY) }

// colourUse is the area one brand colour covers in each channel, and
// where.
type colourUse struct {
	Name        string
	PDFMM2, Web float64 // mm²
	Ratio       float64 // larger over smaller; 1 when both are under the floor
	Counted     bool
	// Cells is how many cells paint the colour in either channel;
	// Misplaced how many of those paint it where the other channel paints
	// it in no cell within Slack.
	Cells, Misplaced int
	misplaced        []image.Point // their top-left corners
}

// misplacedTooMany reports whether more of c's cells are misplaced than
// tol allows.
func (c colourUse) misplacedTooMany(tol tolerance) bool {
	if c.Misplaced > tol.MaxMisplaced {
		return true
	}
	return c.Misplaced >= tol.MinMisplaced && float64(c.Misplaced) > tol.MaxMisplacedShare*float64(c.Cells)
}

// cellShare is the share of inked cells that differ.
func (p *parity) cellShare() float64 {
	if p.inkCells == 0 {
		return 0
	}
	return float64(p.diffCells) / float64(p.inkCells)
}

// matchedShare is the share of the PDF's body words matched in the e-mail.
func (p *parity) matchedShare() float64 {
	if p.pdfWords == 0 {
		return 0
	}
	return float64(p.matched) / float64(p.pdfWords)
}

// farShare is the share of lines further than LineMM.
func (p *parity) farShare() float64 {
	if len(p.lines) == 0 {
		return 0
	}
	n := 0
	for _, d := range p.lines {
		if d.far() > p.tol.LineMM {
			n++
		}
	}
	return float64(n) / float64(len(p.lines))
}

// percentile is the q-quantile (0-1) of the lines' distances, mm.
func (p *parity) percentile(q float64) float64 {
	if len(p.lines) == 0 {
		return 0
	}
	// lines are sorted furthest first.
	i := int(math.Round((1 - q) * float64(len(p.lines)-1)))
	return p.lines[i].far()
}

// problems lists every way the channels differ beyond the tolerance; none
// means they look alike.
func (p *parity) problems() []string {
	var out []string
	if p.webWidth > p.width {
		out = append(out, fmt.Sprintf("the e-mail is %d px wide, wider than the paper's %d px: it scrolls sideways", p.webWidth, p.width))
	}
	if s := p.cellShare(); s > p.tol.MaxCells {
		out = append(out, fmt.Sprintf("%.1f%% of the inked %d px cells differ in colour (at most %.0f%%)",
			100*s, p.tol.Cell, 100*p.tol.MaxCells))
	}
	if s := p.matchedShare(); s < p.tol.MinMatched {
		out = append(out, fmt.Sprintf("only %d of the PDF's %d body words (%.0f%%) were found in the e-mail (at least %.0f%%)",
			p.matched, p.pdfWords, 100*s, 100*p.tol.MinMatched))
	}
	if s := p.farShare(); s > p.tol.MaxFar {
		var worst []string
		for _, d := range p.lines[:min(4, len(p.lines))] {
			worst = append(worst, fmt.Sprintf("%q %+.1f mm down, %.1f mm aside", d.Text, d.Down, d.DX))
		}
		out = append(out, fmt.Sprintf("%.0f%% of the PDF's %d lines are more than %.0f mm from their place in the e-mail (at most %.0f%%); furthest: %s",
			100*s, len(p.lines), p.tol.LineMM, 100*p.tol.MaxFar, strings.Join(worst, "; ")))
	}
	for _, c := range p.colours {
		if c.Counted && c.Ratio > p.tol.ColourRatio {
			out = append(out, fmt.Sprintf("%s covers %.0f mm² in the PDF and %.0f mm² in the e-mail (ratio %.2f, at most %.2f)",
				c.Name, c.PDFMM2, c.Web, c.Ratio, p.tol.ColourRatio))
		}
		if c.misplacedTooMany(p.tol) {
			out = append(out, fmt.Sprintf("%s is painted in %d of its %d cells where the other channel does not paint it nearby (at most %d, and %.0f%%)",
				c.Name, c.Misplaced, c.Cells, p.tol.MaxMisplaced, 100*p.tol.MaxMisplacedShare))
		}
	}
	return out
}

// summary is one line of the measured values, for the test log.
func (p *parity) summary() string {
	var cs []string
	for _, c := range p.colours {
		cs = append(cs, fmt.Sprintf("%s %.0f/%.0f mm² (×%.2f), %d of %d cells misplaced", c.Name, c.PDFMM2, c.Web, c.Ratio, c.Misplaced, c.Cells))
	}
	var far []string
	for _, d := range p.lines {
		if d.far() <= p.tol.LineMM {
			break
		}
		far = append(far, fmt.Sprintf("%q (%+.1f mm down, %.1f mm aside)", d.Text, d.Down, d.DX))
	}
	farText := ""
	if len(far) > 0 {
		farText = "; beyond: " + strings.Join(far, ", ")
	}
	return fmt.Sprintf("region %.0f mm; cells differ %.1f%% (%d of %d); words matched %.0f%% (%d of %d); lines %d, beyond %.0f mm %.1f%%, p50 %.2f mm, p90 %.2f mm, max %.2f mm; colours %s%s",
		mm(float64(p.region)), 100*p.cellShare(), p.diffCells, p.inkCells,
		100*p.matchedShare(), p.matched, p.pdfWords, len(p.lines), p.tol.LineMM, 100*p.farShare(),
		p.percentile(0.5), p.percentile(0.9), p.percentile(1), strings.Join(cs, ", "), farText)
}

// compare measures how far the e-mail web is from the PDF page pdf, the
// first of pdfPages. Pixels are compared above both bodies' ends; when the
// PDF goes on to another page, only as far as its first page's ink
// reaches, since the e-mail goes on where the page breaks.
func compare(pdf, web *capture, pdfPages int, colours []brandColour, tol tolerance) *parity {
	w := min(pdf.img.Bounds().Dx(), web.img.Bounds().Dx())
	region := min(pdf.bodyEnd, web.bodyEnd)
	if pdfPages > 1 {
		region = min(region, lastInkedRow(pdf.img, pdf.bodyEnd, pdf.bg)+1)
	}
	p := &parity{tol: tol, width: w, webWidth: web.width, region: region}
	p.compareCells(pdf, web)
	p.compareWords(pdf, web, pdfPages)
	for _, c := range colours {
		a := colourArea(pdf.img, region, c, pdf.bg)
		b := colourArea(web.img, region, c, web.bg)
		u := colourUse{Name: c.Name, PDFMM2: a, Web: b, Ratio: 1}
		if max(a, b) >= tol.MinColourMM2 {
			u.Counted = true
			u.Ratio = max(a, b) / max(min(a, b), 1)
		}
		p.placeColour(&u, pdf, web, c)
		p.colours = append(p.colours, u)
	}
	return p
}

// paintMin is how many pixels of a cell must match a brand colour for the
// cell to paint it: the cores of a glyph's strokes, not a stray pixel.
const paintMin = 4

// painted marks the grid cells of img's first rows that paint c.
func painted(img *image.RGBA, rows, size int, c brandColour, bg color.RGBA) [][]bool {
	b := img.Bounds()
	rows = min(rows, b.Dy())
	nx, ny := (b.Dx()+size-1)/size, (rows+size-1)/size
	n := make([][]int, ny)
	for i := range n {
		n[i] = make([]int, nx)
	}
	for y := range rows {
		for x := range b.Dx() {
			if c.paints(img.RGBAAt(b.Min.X+x, b.Min.Y+y), bg) {
				n[y/size][x/size]++
			}
		}
	}
	out := make([][]bool, ny)
	for y := range n {
		out[y] = make([]bool, nx)
		for x := range n[y] {
			out[y][x] = n[y][x] >= paintMin
		}
	}
	return out
}

// placeColour finds the cells that paint c in one channel where the other
// paints it in no cell within Slack: a title, heading or rule in the wrong
// colour, a decoration one channel lacks.
func (p *parity) placeColour(u *colourUse, pdf, web *capture, c brandColour) {
	size := p.tol.Cell
	a := painted(pdf.img, p.region, size, c, pdf.bg)
	b := painted(web.img, p.region, size, c, web.bg)
	ny := min(len(a), len(b))
	if ny == 0 {
		return
	}
	nx := min(len(a[0]), len(b[0]))
	near := func(g [][]bool, y, x int) bool {
		for dy := -p.tol.Slack; dy <= p.tol.Slack; dy++ {
			for dx := -p.tol.Slack; dx <= p.tol.Slack; dx++ {
				if yy, xx := y+dy, x+dx; yy >= 0 && yy < ny && xx >= 0 && xx < nx && g[yy][xx] {
					return true
				}
			}
		}
		return false
	}
	for y := range ny {
		for x := range nx {
			if !a[y][x] && !b[y][x] {
				continue
			}
			u.Cells++
			if (a[y][x] && !near(b, y, x)) || (b[y][x] && !near(a, y, x)) {
				u.Misplaced++
				u.misplaced = append(u.misplaced, image.Pt(x*size, y*size))
			}
		}
	}
}

// cellStats is a grid cell's mean colour and whether it holds ink.
type cellStats struct {
	mean [3]float64
	ink  bool
}

// inkDistance is how far (largest channel difference) a pixel must be from
// the page colour to count as ink: anti-aliased fringes do not.
const inkDistance = 40

// cells averages img over the grid of size-px cells covering its first rows.
func cells(img *image.RGBA, rows, size int, bg color.RGBA) [][]cellStats {
	b := img.Bounds()
	nx := (b.Dx() + size - 1) / size
	ny := (rows + size - 1) / size
	out := make([][]cellStats, ny)
	for cy := range ny {
		out[cy] = make([]cellStats, nx)
		for cx := range nx {
			var sum [3]float64
			n := 0
			ink := false
			for y := cy * size; y < min((cy+1)*size, rows); y++ {
				for x := cx * size; x < min((cx+1)*size, b.Dx()); x++ {
					c := img.RGBAAt(b.Min.X+x, b.Min.Y+y)
					sum[0] += float64(c.R)
					sum[1] += float64(c.G)
					sum[2] += float64(c.B)
					n++
					if chebyshev(c, bg) > inkDistance {
						ink = true
					}
				}
			}
			for i := range sum {
				sum[i] /= float64(max(n, 1))
			}
			out[cy][cx] = cellStats{mean: sum, ink: ink}
		}
	}
	return out
}

// chebyshev is the largest channel difference of a and b.
func chebyshev(a, b color.RGBA) int {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return max(d(a.R, b.R), d(a.G, b.G), d(a.B, b.B))
}

// rms is the root mean square channel difference of two cell means.
func rms(a, b [3]float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / 3)
}

// compareCells counts the inked cells whose mean colour has no close twin
// within Slack cells in the other picture, in either direction.
func (p *parity) compareCells(pdf, web *capture) {
	size := p.tol.Cell
	a := cells(pdf.img, min(p.region, pdf.img.Bounds().Dy()), size, pdf.bg)
	b := cells(web.img, min(p.region, web.img.Bounds().Dy()), size, web.bg)
	ny := min(len(a), len(b))
	if ny == 0 {
		return
	}
	nx := min(len(a[0]), len(b[0]))
	nearest := func(from, to [][]cellStats, y, x int) float64 {
		best := math.Inf(1)
		for dy := -p.tol.Slack; dy <= p.tol.Slack; dy++ {
			for dx := -p.tol.Slack; dx <= p.tol.Slack; dx++ {
				yy, xx := y+dy, x+dx
				if yy < 0 || yy >= ny || xx < 0 || xx >= nx {
					continue
				}
				best = min(best, rms(from[y][x].mean, to[yy][xx].mean))
			}
		}
		return best
	}
	for y := range ny {
		for x := range nx {
			if !a[y][x].ink && !b[y][x].ink {
				continue
			}
			p.inkCells++
			if max(nearest(a, b, y, x), nearest(b, a, y, x)) > p.tol.CellDiff {
				p.diffCells++
				p.diff = append(p.diff, image.Pt(x*size, y*size))
			}
		}
	}
}

// compareWords matches the PDF's body words with the e-mail's, one to one:
// a word that occurs as often in both is paired in reading order (top to
// bottom, then left to right); a word whose counts differ is ambiguous and
// left out, and so counts as not found. Then it measures the PDF's lines.
func (p *parity) compareWords(pdf, web *capture, pdfPages int) {
	byKey := func(ws []word, limit float64) map[string][]word {
		m := map[string][]word{}
		for _, w := range ws {
			k := w.key()
			if k == "" || (w.Y0+w.Y1)/2 >= limit {
				continue
			}
			m[k] = append(m[k], w)
		}
		for _, l := range m {
			slices.SortStableFunc(l, func(a, b word) int {
				if d := a.Y0 - b.Y0; math.Abs(d) > 2 {
					return cmpFloat(d)
				}
				return cmpFloat(a.X0 - b.X0)
			})
		}
		return m
	}
	ps := byKey(pdf.words, float64(pdf.bodyEnd))
	// When the PDF runs on to more pages, the e-mail's later words belong
	// to them: match only as far as the first page's words reach, and a
	// tolerance further.
	webLimit := float64(web.bodyEnd)
	if pdfPages > 1 {
		last := 0.0
		for _, l := range ps {
			for _, w := range l {
				last = max(last, w.Y1)
			}
		}
		webLimit = min(webLimit, last+p.tol.LineMM*pxPerMM)
	}
	ws := byKey(web.words, webLimit)
	for k, pl := range ps {
		p.pdfWords += len(pl)
		wl := ws[k]
		if len(wl) != len(pl) {
			continue
		}
		for i := range pl {
			a, b := pl[i], wl[i]
			dy := mm(math.Abs((a.Y0+a.Y1)/2 - (b.Y0+b.Y1)/2))
			dx := mm(min(math.Abs(a.X0-b.X0), math.Abs(a.X1-b.X1), math.Abs((a.X0+a.X1)/2-(b.X0+b.X1)/2)))
			p.deltas = append(p.deltas, wordDelta{Text: a.Text, PDF: a, Web: b, DX: dx, DY: dy})
			p.matched++
		}
	}
	slices.SortStableFunc(p.deltas, func(a, b wordDelta) int {
		if c := cmpFloat(b.far() - a.far()); c != 0 {
			return c
		}
		return strings.Compare(a.Text, b.Text)
	})
	p.measureLines()
}

// measureLines groups the matched words by the PDF line they are on (their
// centres within half a word's height) and measures each line by the
// medians of its words' distances: a word that wrapped onto the next line
// in one channel moves, its line does not.
func (p *parity) measureLines() {
	ds := slices.Clone(p.deltas)
	cy := func(w word) float64 { return (w.Y0 + w.Y1) / 2 }
	slices.SortStableFunc(ds, func(a, b wordDelta) int {
		if c := cmpFloat(cy(a.PDF) - cy(b.PDF)); c != 0 {
			return c
		}
		return cmpFloat(a.PDF.X0 - b.PDF.X0)
	})
	for i := 0; i < len(ds); {
		j := i + 1
		for j < len(ds) && cy(ds[j].PDF)-cy(ds[i].PDF) < (ds[i].PDF.Y1-ds[i].PDF.Y0)/2 {
			j++
		}
		line := ds[i:j]
		slices.SortStableFunc(line, func(a, b wordDelta) int { return cmpFloat(a.PDF.X0 - b.PDF.X0) })
		var dx, dy, down []float64
		var words []string
		for _, d := range line {
			dx = append(dx, d.DX)
			dy = append(dy, d.DY)
			down = append(down, mm(cy(d.Web)-cy(d.PDF)))
			words = append(words, d.Text)
		}
		s := strings.Join(words, " ")
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		p.lines = append(p.lines, lineDelta{Text: s, DX: median(dx), DY: median(dy), Down: median(down)})
		i = j
	}
	slices.SortStableFunc(p.lines, func(a, b lineDelta) int { return cmpFloat(b.far() - a.far()) })
}

// median is the median of xs (not empty).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func cmpFloat(d float64) int {
	switch {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}

// colourMatch is how close (largest channel difference) a pixel must be to
// a brand colour to count as painted in it: fills and the cores of glyphs,
// not their anti-aliased edges.
const colourMatch = 24

// colourArea is the area, mm², of img's first rows painted in c.
func colourArea(img *image.RGBA, rows int, c brandColour, bg color.RGBA) float64 {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Min.Y+min(rows, b.Dy()); y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c.paints(img.RGBAAt(x, y), bg) {
				n++
			}
		}
	}
	return float64(n) / (pxPerMM * pxPerMM)
}

// rowInked reports whether row y of img has ink between columns x0 and x1.
func rowInked(img *image.RGBA, y, x0, x1 int, bg color.RGBA) bool {
	b := img.Bounds()
	for x := b.Min.X + x0; x < b.Min.X+min(x1, b.Dx()); x++ {
		if chebyshev(img.RGBAAt(x, b.Min.Y+y), bg) > inkDistance {
			return true
		}
	}
	return false
}

// lastInkedRow is the lowest row above end with ink, or 0.
func lastInkedRow(img *image.RGBA, end int, bg color.RGBA) int {
	for y := min(end, img.Bounds().Dy()) - 1; y >= 0; y-- {
		if rowInked(img, y, 0, img.Bounds().Dx(), bg) {
			return y
		}
	}
	return 0
}

// slipTop finds a Swiss QR-bill's payment slip on a PDF page: its cut line
// runs across the whole paper, into the side margins, which nothing else
// below the letterhead reaches. It returns the line's row, or the page's
// height without a slip.
func slipTop(img *image.RGBA, bg color.RGBA) int {
	h := img.Bounds().Dy()
	edge := int(math.Round(2 * pxPerMM))
	for y := h / 3; y < h; y++ {
		if rowInked(img, y, 0, edge, bg) && rowInked(img, y, img.Bounds().Dx()-edge, img.Bounds().Dx(), bg) {
			return y
		}
	}
	return h
}

// bodyEndOfPage finds where a PDF page's body ends: above a QR-bill slip
// (slipTop), and above the footer, the lowest cluster of inked rows when a
// gap of at least footerGapMM parts it from the rest and it starts within
// footerZone of the page's height above the slip or the page's foot.
// Without a footer the whole page above the slip is body.
func bodyEndOfPage(img *image.RGBA, bg color.RGBA) int {
	const footerGapMM, footerZone = 5.0, 0.2
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	end := slipTop(img, bg)
	y := end - 1
	for y >= 0 && !rowInked(img, y, 0, w, bg) {
		y--
	}
	if y < 0 {
		return end
	}
	gap := int(math.Ceil(footerGapMM * pxPerMM))
	blank := 0
	for ; y >= 0; y-- {
		if rowInked(img, y, 0, w, bg) {
			blank = 0
			continue
		}
		blank++
		if blank >= gap {
			top := y + blank // the cluster's first inked row
			if float64(top) >= float64(end)-float64(h)*footerZone {
				return y + blank/2
			}
			return end
		}
	}
	return end
}

// pageColour is the most common colour of img: the page's background.
func pageColour(img *image.RGBA) color.RGBA {
	count := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			count[img.RGBAAt(x, y)]++
		}
	}
	var best color.RGBA
	n := -1
	for c, k := range count {
		if k > n || (k == n && c.R+c.G+c.B > best.R+best.G+best.B) {
			best, n = c, k
		}
	}
	return best
}
