package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// report is the Markdown section body: the machine, the command, one table
// per invoice, the verdicts on the targets and how the figures were
// measured. It starts below the section's heading, which the page holds.
type report struct {
	machine  machine
	command  string
	date     time.Time
	elapsed  time.Duration
	sections []section
	pages    bool // pdfinfo was installed: the table has a pages column
	verified bool // pdftotext was installed: PDFs were checked for the invoice number

	runs      int           // timed documents per external route
	warmup    int           // untimed documents before the warm tab's
	inProcess time.Duration // the in-process loop's length
}

// section is one invoice and every route's result for it.
type section struct {
	title    string // "One-page invoice"
	file     string // "invoice-onepage.json"
	kit      string
	targeted bool // the targets are checked on this invoice
	results  []result
}

// write writes the report as Markdown.
func (r *report) write(w io.Writer) error {
	b := bufio.NewWriter(w)
	r.writeHeader(b)
	for _, s := range r.sections {
		fmt.Fprintf(b, "\n### %s (`%s`, kit `%s`)\n\n", s.title, s.file, s.kit)
		r.writeTable(b, s)
	}
	for _, s := range r.sections {
		if s.targeted {
			fmt.Fprintf(b, "\n### Targets (%s)\n\n", strings.ToLower(s.title))
			for _, t := range targets {
				v := judge(t, s.results)
				fmt.Fprintf(b, "- **%s**: %s: %s.\n", v.status, v.what, v.detail)
			}
		}
	}
	r.writeNotes(b)
	return b.Flush()
}

func (r *report) writeHeader(b *bufio.Writer) {
	m := r.machine
	fmt.Fprintf(b, "**Machine**: %d cores, %s, %s, %s, Go %s. Measured %s; the run took %s.\n",
		m.cores, m.cpuModel, fmtMiB(m.memory), m.platform, strings.TrimPrefix(m.goVersion, "go"),
		r.date.UTC().Format("2006-01-02 15:04 UTC"), fmtElapsed(r.elapsed))
	var tools []string
	for _, t := range m.tools {
		tools = append(tools, t.name+" "+t.version)
	}
	fmt.Fprintf(b, "**Tools**: %s.\n\n", strings.Join(tools, ", "))
	fmt.Fprintf(b, "Command:\n\n```sh\n%s\n```\n", r.command)
}

// writeTable writes one invoice's table: a row per route, in the order
// they ran, with the targets in the last column.
func (r *report) writeTable(b *bufio.Writer, s section) {
	head := []string{"route", "runs", "median", "p95", "docs/s per core", "peak memory", "PDF size"}
	if r.pages {
		head = append(head, "pages")
	}
	head = append(head, "vs Livery", "target")
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	base := find(s.results, keyInProcess)
	for _, res := range s.results {
		row := []string{cell(res.label)}
		switch {
		case res.missing != "":
			row = append(row, cell("not installed (`"+res.missing+"`)"))
		case res.err != nil:
			row = append(row, "**failed**: "+cell(res.err.Error()))
		case !res.ok():
			row = append(row, "no measurement")
		default:
			row = append(row,
				groupThousands(int64(len(res.wall))),
				fmtDuration(median(res.wall)),
				fmtDuration(percentile(res.wall, 95)),
				fmtRate(median(res.cpu)),
				fmtMiB(res.peakMem),
				fmtKiB(res.pdfSize))
			if r.pages {
				row = append(row, fmtPages(res.pages))
			}
			row = append(row, ratioCell(&res, base))
		}
		for len(row) < len(head)-1 {
			row = append(row, dash)
		}
		row = append(row, targetCell(s, res.key))
		fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
	}
}

// ratioCell is a route's median over Livery in-process's.
func ratioCell(res, base *result) string {
	if base == nil || !base.ok() {
		return dash
	}
	if res.key == keyInProcess {
		return "1×"
	}
	return fmtRatio(float64(median(res.wall)) / float64(median(base.wall)))
}

// targetCell shows the target a route's row carries and whether it was met.
func targetCell(s section, key string) string {
	if !s.targeted {
		return ""
	}
	for _, t := range targets {
		if t.key == key {
			return fmt.Sprintf("%s: **%s**", t.goal, judge(t, s.results).status)
		}
	}
	return ""
}

func (r *report) writeNotes(b *bufio.Writer) {
	fmt.Fprintf(b, "\n### How the figures are measured\n\n")
	notes := []string{
		"**Same work.** Every route makes the PDF of the same invoice. Livery's routes render it from the document's JSON with the kit; " +
			"the CLI is `livery render --kit NAME --data FILE --format pdf` with an empty kit store, so it loads the bundled sample kit, and its time includes " +
			"starting the process and loading and preparing the kit. Chromium, wkhtmltopdf and WeasyPrint print Livery's own HTML of it (rendered beforehand, not timed), with Livery's bundled fonts " +
			"and the kits' fonts installed for them through a fontconfig file, so that none lays the invoice out in a fallback font. " +
			"The e-mail's `@page` rule asks for the kit's paper with no margin, the page it is laid out for; Chromium and WeasyPrint follow it, " +
			"wkhtmltopdf (QtWebKit) prints on its own default page and shrinks the e-mail to fit. The pages column shows the paper each tool produced; " +
			"a browser's layout of the e-mail may run to a second page where Livery's PDF, laid out for print, has one.",
		fmt.Sprintf("**Time** is wall-clock time per document, the median and 95th percentile over the runs. Livery in-process: one `Render` call, "+
			"the kit's `Renderer` prepared and the document parsed once, as in `BenchmarkPDFOnePage`, in a %v loop after one untimed render. "+
			"CLI routes: process start to exit, one process per document, %d runs after one untimed run that warms the page and font caches; "+
			"Chromium gets a fresh `--user-data-dir` each time (a cold profile). Warm tab: one browser started before, one tab reused, "+
			"opening a new HTML file and `Page.printToPDF` per document, %d runs after %s.",
			r.inProcess, r.runs, r.runs, plural(r.warmup, "untimed document")),
		fmt.Sprintf("**docs/s per core** is 1 / CPU seconds (user + system) per document. Livery in-process: `getrusage(RUSAGE_SELF)` with "+
			"GOMAXPROCS=1 over %d ms batches, garbage collection included, the median batch. CLI routes: the process's rusage from wait4, which includes "+
			"the descendants it waited for (Chromium's zygote and renderers), the median run. Warm tab: the CPU of the browser's whole process tree "+
			"from /proc (utime+stime+cutime+cstime of the browser and every descendant) before and after the timed documents, divided by their number "+
			"(/proc counts 10 ms ticks, too coarse for one document).%s",
			batchLength.Milliseconds(), r.clientCPUNote()),
		fmt.Sprintf("**Peak memory** is what the route holds at its peak: for one process its peak resident set, for a tree of processes "+
			"their summed proportional set size (PSS: a page shared by several processes, such as the browser's code, is split among them "+
			"instead of counted in each).%s Livery in-process: this program's ru_maxrss "+
			"(Go runtime, embedded samples and fonts, the renderers). CLI routes: the larger of the largest single process's ru_maxrss over "+
			"the runs and the tree's summed PSS from /proc/PID/smaps_rollup, sampled every %d ms during the untimed run (reading it costs "+
			"about 3 ms of CPU per Chromium process, too much for a timed run). Warm tab: the browser tree's summed PSS read after each "+
			"document, the largest.", r.rssSumNote(), sampleEvery.Milliseconds()),
		"**vs Livery** is the route's median time over Livery in-process's median on the same invoice.",
		"**wkhtmltopdf** waits 200 ms for JavaScript before it prints, by default (`--javascript-delay`): most of its wall time and none of its " +
			"CPU time, hence its docs/s per core far above 1 / its median. It is left at its default, which is what a user gets.",
		r.checksNote(),
		"Other work on the machine, if any, disturbs wall times more than CPU times.",
	}
	for _, n := range notes {
		fmt.Fprintf(b, "- %s\n", n)
	}
}

// clientCPUNote gives the warm tab's client-side CPU, which the tree's does
// not include.
func (r *report) clientCPUNote() string {
	var parts []string
	for _, s := range r.sections {
		if res := find(s.results, keyWarmTab); res != nil && res.ok() && res.clientCPU > 0 {
			parts = append(parts, fmt.Sprintf("%s (%s)", fmtDuration(res.clientCPU), strings.ToLower(s.title)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " The warm tab's Go client (chromedp: the CDP messages, decoding the PDF's base64) used a further " +
		strings.Join(parts, " and ") + " of CPU per document in this program, not counted."
}

// rssSumNote gives the warm tab's summed RSS, to show what PSS corrects.
func (r *report) rssSumNote() string {
	var parts []string
	for _, s := range r.sections {
		if res := find(s.results, keyWarmTab); res != nil && res.ok() && res.rssSum > 0 {
			parts = append(parts, fmt.Sprintf("%s against %s PSS (%s)", fmtMiB(res.rssSum), fmtMiB(res.peakMem), strings.ToLower(s.title)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " For the warm tab, summed RSS would say " + strings.Join(parts, ", ") + "."
}

// plural prints a count with its noun, adding an s unless the count is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// checksNote says how the PDFs were checked.
func (r *report) checksNote() string {
	n := "**Checks**: every PDF starts with `%PDF-` and ends with `%%EOF`"
	switch {
	case r.verified:
		n += "; the untimed, first and last timed PDF of each route and invoice were read back with pdftotext and hold the invoice's number"
	default:
		n += "; pdftotext is not installed (`apt-get install poppler-utils`), so the PDFs' text was not checked"
	}
	if r.pages {
		n += "; pages and paper from pdfinfo"
	}
	return n + ". A route that fails a check is reported as failed."
}
