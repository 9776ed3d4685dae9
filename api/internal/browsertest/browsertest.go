// Package browsertest drives headless Chromium for the browser tests of the
// studio (package api) and of the live preview (package preview): it finds
// the browser and the other programs those tests need, starts the browser
// and writes the screenshots docs/ shows.
//
// A program that is missing skips the test, except under CI=true, where a
// skip would hide a gap and the test fails instead.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// NeedTool returns the path of the external program name, skipping the
// test when it is missing (install says how to get it), except under
// CI=true.
func NeedTool(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (%s); CI must have it", name, install)
		}
		t.Skipf("%s not installed (%s): skipping", name, install)
	}
	return path
}

// Chromium returns the browser to drive: $LIVERY_CHROMIUM, which must
// exist when it is set, or chromium in $PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("LIVERY_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		require.NoError(t, err, "$LIVERY_CHROMIUM")
		return path
	}
	return NeedTool(t, "chromium", "apt-get install chromium, or set $LIVERY_CHROMIUM")
}

// Start starts headless Chromium with a fresh profile and a 1440 × 1000
// window, closed when the test ends, and returns the context of its tab.
func Start(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser to exit
	})
	// The first Do starts the browser, bound to a context with no deadline;
	// the tests give each of their steps a deadline of its own.
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	return ctx
}

// UpdateScreenshots reports whether LIVERY_UPDATE_SCREENSHOTS=1 asks the
// tests to write the screenshots docs/ shows: a normal test run changes no
// files.
func UpdateScreenshots() bool {
	return os.Getenv("LIVERY_UPDATE_SCREENSHOTS") == "1"
}

// Screenshot writes the browser's viewport to dir/name as a PNG image.
func Screenshot(t testing.TB, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
	t.Logf("wrote %s", filepath.Join(dir, name))
}
