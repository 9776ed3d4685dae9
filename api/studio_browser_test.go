package api

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/api/internal/browsertest"
)

// studioWait polls the page until the JavaScript expression gives a
// non-empty string, and returns it; it fails with the page's text after a
// deadline.
func studioWait(t *testing.T, ctx context.Context, expr, what string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var got string
	var err error
	// A poll started before a form's navigation ends with it ("target
	// navigated"): poll again on the new page.
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Until(deadline)+5*time.Second)
		got, err = chromedp.Run(pctx, chromedp.Poll[string](`(() => { const v = `+expr+`; return v ? String(v) : false; })()`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		cancel()
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText : "")`))
		t.Fatalf("the page never showed %s: %v; it shows: %.2000s", what, err, page)
	}
	return got
}

// studioDo runs browser steps with a deadline.
func studioDo(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(sctx, steps...))
}

// studioScreenshot writes the viewport to docs/screenshots/name, only when
// LIVERY_UPDATE_SCREENSHOTS=1: a normal test run changes no files.
func studioScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !browsertest.UpdateScreenshots() {
		return
	}
	dir, err := filepath.Abs(filepath.Join("..", "docs", "screenshots"))
	require.NoError(t, err)
	browsertest.Screenshot(t, ctx, dir, name)
}

// studioImagesLoaded is an expression that holds when the element with id
// shows page images, all of them loaded.
func studioImagesLoaded(id string) string {
	sel, _ := json.Marshal("#" + id + " .pages img")
	return `(() => { const imgs = [...document.querySelectorAll(` + string(sel) + `)];
	  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0) ? "loaded" : ""; })()`
}

// TestStudioInBrowser is the designer's afternoon in a real browser: a
// renderer key is turned away; a designer signs in, uploads a kit whose
// primary colour is too pale and sees the contrast error with its path and
// swatches, uploads a fixed one, compares it with live and publishes it.
func TestStudioInBrowser(t *testing.T) {
	browsertest.NeedTool(t, "pdftoppm", "apt-get install poppler-utils")
	ctx := browsertest.Start(t)
	e := newTestEnv(t, "file", nil)
	dir := t.TempDir()
	pale := filepath.Join(dir, "roastery-autumn.tar.gz")
	fixed := filepath.Join(dir, "roastery-autumn-fixed.tar.gz")
	require.NoError(t, os.WriteFile(pale, mustKitArchive(t, "roastery", slices.Concat(darkColors, []kitEdit{setKitValue("primary", `"`+kitLightPrimary+`"`)})...), 0o644))
	require.NoError(t, os.WriteFile(fixed, mustKitArchive(t, "roastery", darkColors...), 0o644))

	// Not signed in: the studio asks for a key; a renderer key is refused.
	studioDo(t, ctx, chromedp.Navigate(e.URL+"/studio/kits/roastery"))
	studioWait(t, ctx, `location.pathname === "/studio/signin" && document.querySelector("#key")`, "the sign-in form")
	studioDo(t, ctx, chromedp.SendKeys(chromedp.CSS("#key"), secretRenderer), chromedp.Click(chromedp.CSS("#signin")))
	refusal := studioWait(t, ctx, `document.querySelector("#signin-error")?.innerText`, "the renderer key's refusal")
	assert.Contains(t, refusal, "renderer key")
	assert.Contains(t, refusal, "cannot use the studio")

	// A designer signs in and lands on the page asked for.
	studioDo(t, ctx, chromedp.SendKeys(chromedp.CSS("#key"), secretDesignerRoastery), chromedp.Click(chromedp.CSS("#signin")))
	studioWait(t, ctx, `location.pathname === "/studio/kits/roastery" && document.querySelector("#versions")`, "the kit page")
	cookies := studioWait(t, ctx, `document.cookie === "" ? "none visible" : document.cookie`, "the cookies scripts see")
	assert.Equal(t, "none visible", cookies, "the session cookie is HttpOnly")

	// The pale kit: the contrast error, with its path and both swatches.
	studioDo(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#archive"), []string{pale}), chromedp.Click(chromedp.CSS("#upload button[type=submit]")))
	contrast := studioWait(t, ctx, `document.querySelector("#contrast")?.innerText`, "the contrast error")
	assert.Contains(t, contrast, "colors.primary")
	assert.Contains(t, contrast, kitLightPrimary)
	assert.Contains(t, contrast, "needs 4.5:1")
	sample := studioWait(t, ctx, `(() => { const s = getComputedStyle(document.querySelector("#contrast .sample")); return s.color + " on " + s.backgroundColor; })()`, "the swatch")
	assert.Equal(t, "rgb(245, 215, 110) on rgb(255, 252, 247)", sample, "the pale primary on roastery's paper")
	assert.Equal(t, "true", studioWait(t, ctx, `String(document.querySelector("#publish-button").disabled)`, "the publish button"))
	errs := studioWait(t, ctx, `document.querySelector("#errors").innerText`, "the errors")
	assert.Contains(t, errs, "colors.primary")
	studioScreenshot(t, ctx, "studio-lint.png")

	// The fixed kit lints clean; compared with live, both render.
	studioDo(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#upload #archive"), []string{fixed}), chromedp.Click(chromedp.CSS("#upload button[type=submit]")))
	studioWait(t, ctx, `document.querySelector("#status")?.innerText.includes("Lint clean") && !document.querySelector("#contrast")`, "the clean draft")
	draftURL := studioWait(t, ctx, `location.pathname`, "the draft's address")
	studioDo(t, ctx, chromedp.Click(chromedp.CSS(`.tabs a[href$="/compare"]`)))
	studioWait(t, ctx, studioImagesLoaded("side-v1"), "live's page images")
	studioWait(t, ctx, studioImagesLoaded("side-draft"), "the draft's page images")
	changes := studioWait(t, ctx, `document.querySelector("#changes")?.innerText`, "the field diff")
	assert.Contains(t, changes, "colors.primary")
	assert.Contains(t, changes, kitDarkPrimary)
	studioScreenshot(t, ctx, "studio-compare.png")

	// Publish it, live at once: the kit page lists version 2, live.
	studioDo(t, ctx, chromedp.Navigate(e.URL+draftURL))
	studioDo(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#note"), "Autumn palette, darker"),
		chromedp.Click(chromedp.CSS("#make-live")),
		chromedp.Click(chromedp.CSS("#publish-button")))
	flash := studioWait(t, ctx, `document.querySelector("#flash")?.innerText`, "the published version")
	assert.Equal(t, "Version 2 is published and live.", flash)
	row := studioWait(t, ctx, `document.querySelector("#v2.live")?.innerText`, "version 2 live in the list")
	assert.Contains(t, row, "Autumn palette, darker")
	assert.Contains(t, row, "studio-roastery")
	kit := e.getKit(t, "roastery")
	assert.Equal(t, map[string]int{"live": 2}, kit.Pins)
	assert.Equal(t, "Autumn palette, darker", kit.Versions[1].Note)
}
