package visualtest

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/fonts"
)

// needTool returns the path of an external program, skipping the test when
// it is missing, except under CI=true, where a skip would hide a gap.
func needTool(t *testing.T, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (%s); CI must have it", name, install)
		}
		t.Skipf("%s not installed (%s): skipping the visual check", name, install)
	}
	return path
}

// chromium returns the browser to drive: $LIVERY_CHROMIUM, or chromium in
// $PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LIVERY_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		require.NoError(t, err, "$LIVERY_CHROMIUM")
		return path
	}
	return needTool(t, "chromium", "apt-get install chromium, or set $LIVERY_CHROMIUM")
}

// browser is a headless Chromium with one tab.
type browser struct {
	ctx context.Context
	dir string // where pages are written to be opened
}

// startBrowser starts headless Chromium with a fresh profile and the fonts
// of kits installed, closed when the test ends.
//
// Why the fonts: the PDF embeds the kit's fonts, an e-mail names them and
// falls back to Arial or Georgia where they are not installed. A fallback
// font is wider or narrower, wraps lines elsewhere and moves every word
// after it: that is font substitution, which the check is not about. So the
// browser sees the fonts a reader who has them installed would see: every
// bundled family and each kit's own fonts, through a fontconfig file that
// adds their folder to the system's fonts.
func startBrowser(t *testing.T, kits ...*brandkits.Kit) *browser {
	t.Helper()
	exe := chromium(t)
	dir := t.TempDir()
	fontDir := filepath.Join(dir, "fonts")
	require.NoError(t, os.MkdirAll(fontDir, 0o755))
	for _, slug := range fonts.Slugs() {
		fam, _ := fonts.Lookup(slug)
		base := strings.ReplaceAll(fam.Name, " ", "")
		require.NoError(t, os.WriteFile(filepath.Join(fontDir, base+"-Regular.ttf"), fam.Regular, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(fontDir, base+"-Bold.ttf"), fam.Bold, 0o644))
	}
	for _, k := range kits {
		for name, data := range k.Fonts {
			if strings.HasSuffix(strings.ToLower(name), ".ttf") {
				file := k.Name + "-" + filepath.Base(name)
				require.NoError(t, os.WriteFile(filepath.Join(fontDir, file), data, 0o644))
			}
		}
	}
	conf := filepath.Join(dir, "fonts.conf")
	require.NoError(t, os.WriteFile(conf, []byte(`<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>`+html.EscapeString(fontDir)+`</dir>
  <cachedir>`+html.EscapeString(filepath.Join(dir, "fontcache"))+`</cachedir>
</fontconfig>
`), 0o644))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.Env("FONTCONFIG_FILE="+conf),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser to exit
	})
	// The first Do starts the browser, bound to a context with no deadline;
	// each page below gets a deadline of its own.
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	return &browser{ctx: ctx, dir: dir}
}

// webLayout is what the page reports about itself: its words with their
// boxes, where the footer row starts and the document's size.
type webLayout struct {
	Words  []word  `json:"words"`
	Foot   float64 `json:"foot"` // top of the footer row, -1 without one
	Width  int     `json:"width"`
	Height int     `json:"height"`
}

// layoutProbe reads webLayout. Words are runs of characters between white
// space, no-break spaces included, as pdftotext splits them; a word may run
// across inline elements ("(<a>verwalten</a>)." is one word, as on paper),
// but not across a line break, an image or a block. A word broken over two
// lines is measured by its first line. The footer row is the element of
// class "foot".
const layoutProbe = `(() => {
  const foot = document.querySelector(".slip, .foot");
  const words = [];
  const range = document.createRange();
  const blockOf = (n) => {
    let e = n.parentElement;
    while (e && getComputedStyle(e).display.startsWith("inline")) e = e.parentElement;
    return e;
  };
  let cur = null;
  const flush = () => {
    if (!cur) return;
    range.setStart(cur.sn, cur.so);
    range.setEnd(cur.en, cur.eo);
    const rs = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (rs.length) {
      const line = rs.filter(r => Math.abs(r.top - rs[0].top) < 2);
      const x0 = Math.min(...line.map(r => r.left)), x1 = Math.max(...line.map(r => r.right));
      const y0 = Math.min(...line.map(r => r.top)), y1 = Math.max(...line.map(r => r.bottom));
      words.push({Text: cur.text, X0: x0 + scrollX, Y0: y0 + scrollY, X1: x1 + scrollX, Y1: y1 + scrollY});
    }
    cur = null;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.ELEMENT_NODE) {
      if (n.tagName === "BR" || n.tagName === "IMG") flush();
      continue;
    }
    if (foot && foot.contains(n)) { flush(); continue; }
    const block = blockOf(n);
    if (cur && cur.block !== block) flush();
    const s = n.data;
    for (let i = 0; i < s.length; i++) {
      if (/\s/.test(s[i])) { flush(); continue; }
      if (!cur) cur = {sn: n, so: i, block, text: ""};
      cur.en = n;
      cur.eo = i + 1;
      cur.text += s[i];
    }
  }
  flush();
  const el = document.documentElement;
  return {
    words,
    foot: foot ? foot.getBoundingClientRect().top + scrollY : -1,
    width: el.scrollWidth,
    height: el.scrollHeight,
  };
})()`

// shoot opens page (an HTML document) in a viewport width px wide and
// returns its picture, full length, and its words. Nothing is fetched: the
// e-mail carries its images inline.
func (b *browser) shoot(t *testing.T, name string, page []byte, width int) *capture {
	t.Helper()
	file := filepath.Join(b.dir, name+".html")
	require.NoError(t, os.WriteFile(file, page, 0o644))
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	const startHeight = 1200
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(int64(width), startHeight),
		chromedp.Navigate("file://"+file),
		chromedp.WaitReady(chromedp.CSS("body")),
	), "open %s", name)
	// Fonts load asynchronously; measure once they have.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	lay, err := chromedp.Run(ctx, chromedp.Evaluate[webLayout](layoutProbe))
	require.NoError(t, err)
	// The whole document in one viewport, so the screenshot is the page as
	// laid out, with nothing scrolled or stitched.
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(lay.Height))))
	lay, err = chromedp.Run(ctx, chromedp.Evaluate[webLayout](layoutProbe))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	img := mustDecodePNG(t, shot)
	c := &capture{img: img, words: lay.Words, bodyEnd: img.Bounds().Dy(), bg: pageColour(img), width: lay.Width}
	if lay.Foot >= 0 {
		c.bodyEnd = int(lay.Foot)
	}
	return c
}

// rasterizePDF returns the first page of pdf at 96 dpi with its words, and
// the PDF's page count.
func rasterizePDF(t *testing.T, pdf []byte) (*capture, int) {
	t.Helper()
	pdftoppm := needTool(t, "pdftoppm", "apt-get install poppler-utils")
	pdftotext := needTool(t, "pdftotext", "apt-get install poppler-utils")
	dir := t.TempDir()
	file := filepath.Join(dir, "doc.pdf")
	require.NoError(t, os.WriteFile(file, pdf, 0o644))
	out, err := exec.Command(pdftoppm, "-png", "-r", "96", "-f", "1", "-l", "1", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput()
	require.NoError(t, err, "pdftoppm: %s", out)
	data, err := os.ReadFile(filepath.Join(dir, "page.png"))
	require.NoError(t, err)
	img := mustDecodePNG(t, data)

	bbox, err := exec.Command(pdftotext, "-bbox", "-enc", "UTF-8", file, "-").Output()
	require.NoError(t, err, "pdftotext -bbox")
	pages, words := parseBBox(t, bbox)
	bg := pageColour(img)
	return &capture{img: img, words: words, bodyEnd: bodyEndOfPage(img, bg), bg: bg, width: img.Bounds().Dx()}, pages
}

var (
	bboxPage = regexp.MustCompile(`<page width="[^"]+" height="[^"]+">`)
	bboxWord = regexp.MustCompile(`<word xMin="([^"]+)" yMin="([^"]+)" xMax="([^"]+)" yMax="([^"]+)">([^<]*)</word>`)
)

// parseBBox reads pdftotext -bbox output: the page count and the first
// page's words, converted from points to 96 dpi pixels.
func parseBBox(t *testing.T, out []byte) (int, []word) {
	t.Helper()
	starts := bboxPage.FindAllIndex(out, -1)
	require.NotEmpty(t, starts, "pdftotext -bbox found no pages")
	first := out[starts[0][1]:]
	if len(starts) > 1 {
		first = out[starts[0][1]:starts[1][0]]
	}
	var words []word
	for _, m := range bboxWord.FindAllSubmatch(first, -1) {
		var v [4]float64
		for i := range v {
			f, err := strconv.ParseFloat(string(m[i+1]), 64)
			require.NoError(t, err)
			v[i] = f * 96 / 72
		}
		words = append(words, word{Text: html.UnescapeString(string(m[5])), X0: v[0], Y0: v[1], X1: v[2], Y1: v[3]})
	}
	return len(starts), words
}

// mustDecodePNG decodes a PNG into an RGBA image with its origin at 0, 0.
func mustDecodePNG(t *testing.T, data []byte) *image.RGBA {
	t.Helper()
	src, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	b := src.Bounds()
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(img, img.Bounds(), src, b.Min, draw.Src)
	return img
}
