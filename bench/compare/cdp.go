package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// warmTab prints with one headless Chromium started once and one tab reused
// for every document, over the DevTools protocol (chromedp): what a service
// that keeps a browser pool does. Per document it opens a new HTML file in
// the tab and calls Page.printToPDF with preferCSSPageSize, so that the
// e-mail's @page rule decides the paper as it does for the CLI route
// (--print-to-pdf follows it; printToPDF defaults to Letter and scales).
type warmTab struct {
	s   *setup
	exe string

	started  bool
	startErr error
	ctx      context.Context // the tab
	cancel   func()          // closes the tab and the browser, waits for its exit
	pid      int             // the browser's main process
}

func newWarmTab(s *setup) *warmTab { return &warmTab{s: s, exe: findChromium()} }

// start starts the browser once, with a fresh profile and the kits' fonts.
func (w *warmTab) start(ctx context.Context) error {
	if w.started {
		return w.startErr
	}
	w.started = true
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(w.exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(filepath.Join(w.s.work, keyWarmTab, "profile")),
		chromedp.Env("FONTCONFIG_FILE="+w.s.fontConf),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	w.ctx = tabCtx
	w.cancel = func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit
	}
	// The first Do starts the browser, bound to a context with no deadline;
	// each document gets a deadline of its own.
	if err := chromedp.Do(tabCtx); err != nil {
		w.startErr = fmt.Errorf("start chromium: %w", err)
		return w.startErr
	}
	c := chromedp.FromContext(tabCtx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		w.startErr = fmt.Errorf("start chromium: no browser process to measure")
		return w.startErr
	}
	w.pid = c.Browser.Process().Pid
	return nil
}

func (w *warmTab) measure(ctx context.Context, inv *invoice) result {
	res := result{key: keyWarmTab, label: "Chromium warm tab (CDP, chromedp)", invoice: inv.name()}
	if w.exe == "" {
		res.missing = chromiumInstall
		return res
	}
	if err := w.start(ctx); err != nil {
		res.err = err
		return res
	}
	dir := filepath.Join(w.s.work, keyWarmTab, inv.name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		res.err = err
		return res
	}
	html, err := os.ReadFile(inv.htmlPath)
	if err != nil {
		res.err = err
		return res
	}

	var tree0 treeUsage
	for i := -w.s.warmup; i < w.s.runs; i++ { // negative: untimed warm-up
		if i == 0 {
			if tree0, err = readTree("/proc", w.pid); err != nil {
				res.err = fmt.Errorf("read the browser's processes: %w", err)
				return res
			}
		}
		// A new file per document, as a service gets a new document each
		// time: nothing is served from the tab's caches.
		page := filepath.Join(dir, fmt.Sprintf("doc-%d.html", i+w.s.warmup))
		if err := os.WriteFile(page, html, 0o644); err != nil {
			res.err = err
			return res
		}
		client0 := self().cpu
		start := time.Now()
		pdf, err := w.print(page)
		wall := time.Since(start)
		client := self().cpu - client0
		if err == nil {
			err = checkPDFBytes(pdf)
		}
		if err == nil && (i == -w.s.warmup || i == 0 || i == w.s.runs-1) {
			res.pages, err = w.s.checker.check(pdf, inv.number)
		}
		if err != nil {
			res.err = fmt.Errorf("document %d: %w", i+w.s.warmup+1, err)
			return res
		}
		if i < 0 {
			continue
		}
		u, err := readTree("/proc", w.pid)
		if err != nil {
			res.err = fmt.Errorf("read the browser's processes: %w", err)
			return res
		}
		u.readPSS("/proc")
		res.wall = append(res.wall, wall)
		res.clientCPU += client
		res.peakMem = max(res.peakMem, u.pss)
		res.rssSum = max(res.rssSum, u.rss)
		res.pdfSize = len(pdf)
		if i == w.s.runs-1 {
			// /proc counts CPU in 10 ms ticks per process, too coarse for
			// one document: the mean over the timed documents instead.
			n := time.Duration(len(res.wall))
			res.cpu = []time.Duration{(u.cpu - tree0.cpu) / n}
			res.clientCPU /= n
		}
	}
	return res
}

// print opens page in the tab and prints it.
func (w *warmTab) print(page string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page)); err != nil {
		return nil, fmt.Errorf("open the page: %w", err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *cdppage.PrintToPDFParams) {
		prefer := true
		p.PreferCSSPageSize = &prefer
	}))
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	return pdf, nil
}

func (w *warmTab) close() {
	if w.cancel != nil {
		w.cancel()
	}
}
