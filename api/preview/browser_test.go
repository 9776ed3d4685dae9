package preview_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/api/internal/browsertest"
	"github.com/liveryhq/livery/api/preview"
)

// screenshotDir is where LIVERY_UPDATE_SCREENSHOTS=1 writes the pictures of
// the preview that docs/preview.md shows; absolute, as tests change folder.
var screenshotDir = func() string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "docs", "screenshots"))
	if err != nil {
		panic(err)
	}
	return dir
}()

// pageState is what the browser shows of one document and the kit.
type pageState struct {
	Text     string `json:"text"`     // the HTML frame's visible text
	Images   []int  `json:"images"`   // naturalWidth of each PDF page image (0: not loaded)
	Primary  string `json:"primary"`  // computed background of the e-mail's table head
	Kit      string `json:"kit"`      // the kit card's text
	Problems string `json:"problems"` // the kit's error panel, if any
	Stale    bool   `json:"stale"`    // the document is marked as an old render
	Marker   bool   `json:"marker"`   // set by the test: false after a reload of the whole page
	TextOpen bool   `json:"textOpen"` // the plain text and SMS are unfolded
}

// probe reads pageState for the section of document id. The frame is read
// through contentDocument: it is sandboxed without scripts but same-origin.
const probe = `((id) => {
  const sec = document.getElementById("doc-" + id);
  if (!sec) return null;
  const frame = sec.querySelector("iframe");
  const doc = frame && frame.contentDocument;
  const ready = !!doc && doc.readyState === "complete" && doc.location.pathname.endsWith("/html");
  const th = ready ? doc.querySelector("th") : null;
  const kit = document.querySelector(".kit");
  const problems = document.querySelector(".kit .problems");
  return {
    text: ready && doc.body ? doc.body.innerText.replace(/[\u00a0\u202f]/g, " ") : "",
    images: [...sec.querySelectorAll(".pages img")].map(i => i.complete ? i.naturalWidth : 0),
    primary: th ? doc.defaultView.getComputedStyle(th).backgroundColor : "",
    kit: kit ? kit.innerText : "",
    problems: problems ? problems.innerText : "",
    stale: sec.classList.contains("stale"),
    marker: window.liveryTestMarker === true,
    textOpen: !!sec.querySelector("details.text[open]"),
  };
})`

// waitForState polls the page until cond (a JavaScript expression over the
// pageState s) holds, or fails after a deadline with the last state seen.
func waitForState(t *testing.T, ctx context.Context, id, cond, what string) pageState {
	t.Helper()
	expr := `(() => { const s = ` + probe + `(` + jsString(id) + `); return s && (` + cond + `) ? s : false; })()`
	pctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	st, err := chromedp.Run(pctx, chromedp.Poll[pageState](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		last, _ := chromedp.Run(ctx, chromedp.Evaluate[pageState](probe+`(`+jsString(id)+`)`))
		t.Fatalf("the page never showed %s: %v; last state: %+v", what, err, last)
	}
	return st
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// screenshot writes the browser's viewport to docs/screenshots/name, only
// when LIVERY_UPDATE_SCREENSHOTS=1: a normal test run changes no files.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !browsertest.UpdateScreenshots() {
		return
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)))
	browsertest.Screenshot(t, ctx, screenshotDir, name)
}

func TestPreviewInBrowser(t *testing.T) {
	browsertest.NeedTool(t, "pdftoppm", "apt-get install poppler-utils")
	ctx := browsertest.Start(t)
	kit := mustCopySampleKit(t, "roastery")
	// Started from the kit's parent folder, as a designer would, so the
	// page (and the screenshots) show a short path.
	t.Chdir(filepath.Dir(kit))
	_, base := startPreview(t, preview.Options{KitDir: filepath.Base(kit)})

	// Both renders are there: the e-mail with the invoice's number and
	// total as the kit formats them, the PDF as loaded page images.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/")))
	st := waitForState(t, ctx, "invoice-onepage",
		`s.text.includes("RE-2026-11873") && s.images.length > 0 && s.images.every(w => w > 0) && s.primary !== ""`,
		"the invoice's HTML and page images")
	assert.Contains(t, st.Text, "RE-2026-11873")
	assert.Contains(t, st.Text, "306,03 €", "the total, formatted for de-DE")
	assert.Equal(t, []int{794}, st.Images, "one A4 page at 96 dpi")
	assert.Equal(t, "rgb(74, 44, 29)", st.Primary, "the table head is the kit's primary #4A2C1D")
	assert.Empty(t, st.Problems)
	screenshot(t, ctx, "preview.png")
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.liveryTestMarker = true`),
		chromedp.Click(chromedp.CSS("#doc-invoice-onepage details.text summary"))))

	// A new primary colour on disk reaches the open page by itself.
	mustSetPrimary(t, kit, "#1D5C4A")
	st = waitForState(t, ctx, "invoice-onepage", `s.primary === "rgb(29, 92, 74)"`, "the new primary colour")
	assert.True(t, st.Marker, "the page refreshed its parts, it did not reload")
	assert.True(t, st.TextOpen, "what the designer unfolded stays open")
	assert.Contains(t, st.Kit, "#1d5c4a", "the kit card shows the new colour")
	assert.False(t, st.Stale)

	// A broken kit.yaml shows its problem with the path, above the last
	// good render.
	mustSetPrimary(t, kit, "#1D5C4")
	st = waitForState(t, ctx, "invoice-onepage", `s.problems.includes("colors.primary") && s.text !== ""`, "the kit's error")
	assert.Contains(t, st.Problems, `got "#1D5C4"`)
	assert.True(t, st.Stale)
	assert.True(t, st.Marker)
	assert.Contains(t, st.Text, "RE-2026-11873", "the last good HTML stays")
	assert.Equal(t, "rgb(29, 92, 74)", st.Primary, "in the last good colour")
	assert.NotEmpty(t, st.Images)
	for _, w := range st.Images {
		assert.Positive(t, w, "the last good page images stay")
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".status")))
	require.NoError(t, err)
	assert.Equal(t, "1 problem", strings.TrimSpace(status))
	screenshot(t, ctx, "preview-kit-error.png")
}
