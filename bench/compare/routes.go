package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Route keys. The targets name the routes they compare Livery with.
const (
	keyInProcess   = "livery"
	keyLiveryCLI   = "livery-cli"
	keyChromiumCLI = "chromium-cli"
	keyWarmTab     = "chromium-cdp"
	keyWkhtmltopdf = "wkhtmltopdf"
	keyWeasyPrint  = "weasyprint"
)

// route is one way of turning an invoice into a PDF.
type route interface {
	// measure renders inv the route's way, checks the PDFs and measures the
	// renders. A missing tool or a failure is in the result, never a panic
	// or a dropped row.
	measure(ctx context.Context, inv *invoice) result
	// close releases what the route holds, such as a browser.
	close()
}

// result is one route's measurement of one invoice.
type result struct {
	key, label string // the route
	invoice    string // the invoice's name

	missing string // how to install the tool, when it is not installed
	err     error  // why the route failed

	wall []time.Duration // wall time of each timed document
	// cpu holds CPU time per document, one value per sample: per run for a
	// process, per batch in-process, one mean for the warm tab.
	cpu       []time.Duration
	peakMem   int64 // bytes; see the report's notes
	pdfSize   int   // bytes of the last PDF
	pages     pdfPages
	clientCPU time.Duration // warm tab: the Go client's CPU per document, not in cpu
	rssSum    int64         // warm tab: the peak of the tree's summed RSS, beside peakMem's PSS
}

// ok reports whether the route produced measurements.
func (r *result) ok() bool { return r.missing == "" && r.err == nil && len(r.wall) > 0 }

// setup is what every route shares.
type setup struct {
	work      string // scratch folder, removed at the end
	fontConf  string // FONTCONFIG_FILE for the HTML tools
	runs      int    // timed documents per external route and invoice
	warmup    int    // untimed documents before the warm tab's timed ones
	inProcess time.Duration
	checker   *pdfChecker
}

// cliRoute renders each document with a new process of a command-line tool.
// Before the timed runs, one untimed run fills the caches a machine that
// renders every day has warm (the tool's files in the page cache, the
// fontconfig cache); that run's process tree is sampled for its memory,
// which would disturb a timed one.
type cliRoute struct {
	key, label string
	install    string // how to install the tool, for the report when missing
	exe        string // "" when not installed
	broken     error  // set when the tool could not be prepared (a failed build)
	env        []string
	s          *setup
	// args returns the command line that renders inv into out, run in its
	// own empty folder runDir.
	args func(inv *invoice, runDir, out string) []string
}

func (r *cliRoute) measure(ctx context.Context, inv *invoice) result {
	res := result{key: r.key, label: r.label, invoice: inv.name()}
	switch {
	case r.broken != nil:
		res.err = r.broken
		return res
	case r.exe == "":
		res.missing = r.install
		return res
	}
	base := filepath.Join(r.s.work, r.key, inv.name())
	for i := -1; i < r.s.runs; i++ { // run -1 is the untimed one
		pr, pdf, pages, err := r.once(ctx, inv, base, i)
		if err != nil {
			if i < 0 {
				res.err = fmt.Errorf("untimed first run: %w", err)
			} else {
				res.err = fmt.Errorf("run %d: %w", i+1, err)
			}
			return res
		}
		if pages.count > 0 {
			res.pages = pages
		}
		res.peakMem = max(res.peakMem, pr.peakMem) // the untimed run's too: only it is sampled
		if i < 0 {
			continue
		}
		res.wall = append(res.wall, pr.wall)
		res.cpu = append(res.cpu, pr.cpu)
		res.pdfSize = len(pdf)
	}
	return res
}

// once runs the tool once in a fresh folder and reads its PDF back. The
// untimed, first and last timed PDFs are checked fully, every other one by
// its header and trailer.
func (r *cliRoute) once(ctx context.Context, inv *invoice, base string, i int) (procRun, []byte, pdfPages, error) {
	runDir := filepath.Join(base, fmt.Sprintf("run-%d", i+1))
	defer os.RemoveAll(runDir)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return procRun{}, nil, pdfPages{}, err
	}
	out := filepath.Join(runDir, inv.name()+".pdf")
	rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	pr, err := runProcess(rctx, r.exe, r.args(inv, runDir, out), runDir, r.env, i < 0)
	if err != nil {
		return procRun{}, nil, pdfPages{}, err
	}
	pdf, err := readPDF(out)
	if err != nil {
		return procRun{}, nil, pdfPages{}, err
	}
	var pages pdfPages
	if i <= 0 || i == r.s.runs-1 {
		if pages, err = r.s.checker.check(pdf, inv.number); err != nil {
			return procRun{}, nil, pdfPages{}, err
		}
	}
	return pr, pdf, pages, nil
}

func (r *cliRoute) close() {}

// chromiumFlags are the flags of headless Chromium as root on this machine
// kind (../shared/TOOLCHAIN.md).
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run",
}

// findChromium returns $LIVERY_CHROMIUM, or chromium in $PATH, or "".
func findChromium() string {
	name := "chromium"
	if p := os.Getenv("LIVERY_CHROMIUM"); p != "" {
		name = p
	}
	path, _ := exec.LookPath(name)
	return path
}

// chromiumInstall says how to get Chromium.
const chromiumInstall = "apt-get install chromium, or set $LIVERY_CHROMIUM"

// lookPath returns the path of an installed program, or "".
func lookPath(name string) string {
	p, _ := exec.LookPath(name)
	return p
}

// environ returns this process's environment with the given KEY=value
// settings replacing any of the same keys.
func environ(set ...string) []string {
	out := make([]string, 0, len(os.Environ())+len(set))
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		replaced := false
		for _, s := range set {
			if strings.HasPrefix(s, key+"=") {
				replaced = true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}

// buildLivery builds the livery command into dir. It needs the module's
// source, so it works when the program runs in the repository (go run).
func buildLivery(ctx context.Context, dir string) (string, error) {
	exe := filepath.Join(dir, "livery")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", exe, "github.com/liveryhq/livery/cmd/livery")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/livery (or pass -livery PATH): %w: %s", err, lastLines(string(out), 3))
	}
	return exe, nil
}

// newLiveryCLI is `livery render --format pdf`, one process per document.
// Its kit store is an empty folder, so --kit names the bundled sample kit
// the in-process route loads, whatever ./livery-data holds.
func newLiveryCLI(s *setup, exe string, buildErr error) *cliRoute {
	return &cliRoute{
		key: keyLiveryCLI, label: "Livery CLI (`livery render`)",
		exe: exe, broken: buildErr, s: s,
		env: environ("LIVERY_STORAGE=file://" + filepath.Join(s.work, "livery-store")),
		args: func(inv *invoice, runDir, _ string) []string {
			return []string{"render", "--kit", inv.kitName, "--data", inv.dataPath, "--format", "pdf", "--out", runDir}
		},
	}
}

// newChromiumCLI is `chromium --headless --print-to-pdf` with a fresh
// profile per document: what a script that shells out to Chromium does.
func newChromiumCLI(s *setup) *cliRoute {
	return &cliRoute{
		key: keyChromiumCLI, label: "Chromium CLI (`--print-to-pdf`, fresh profile)",
		install: chromiumInstall, exe: findChromium(), s: s,
		env: environ("FONTCONFIG_FILE=" + s.fontConf),
		args: func(inv *invoice, runDir, out string) []string {
			return append(chromiumFlags[:len(chromiumFlags):len(chromiumFlags)],
				"--user-data-dir="+filepath.Join(runDir, "profile"),
				"--no-pdf-header-footer",
				"--print-to-pdf="+out,
				"file://"+inv.htmlPath)
		},
	}
}

// newWkhtmltopdf is `wkhtmltopdf --quiet IN OUT`.
func newWkhtmltopdf(s *setup) *cliRoute {
	return &cliRoute{
		key: keyWkhtmltopdf, label: "wkhtmltopdf",
		install: "apt-get install wkhtmltopdf", exe: lookPath("wkhtmltopdf"), s: s,
		env: environ("FONTCONFIG_FILE=" + s.fontConf),
		args: func(inv *invoice, _, out string) []string {
			return []string{"--quiet", inv.htmlPath, out}
		},
	}
}

// newWeasyPrint is `weasyprint IN OUT`. WeasyPrint does not shrink a page
// wider than its paper; the e-mail's own @page rule gives it the kit's paper
// with no margin, the page the e-mail is laid out for.
func newWeasyPrint(s *setup) *cliRoute {
	return &cliRoute{
		key: keyWeasyPrint, label: "WeasyPrint",
		install: "apt-get install weasyprint", exe: lookPath("weasyprint"), s: s,
		env: environ("FONTCONFIG_FILE=" + s.fontConf),
		args: func(inv *invoice, _, out string) []string {
			return []string{inv.htmlPath, out}
		},
	}
}
