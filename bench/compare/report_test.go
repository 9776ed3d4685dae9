package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{fmtDuration(0), "—"},
		{fmtDuration(430 * time.Microsecond), "0.43 ms"},
		{fmtDuration(1580 * time.Microsecond), "1.58 ms"},
		{fmtDuration(12340 * time.Microsecond), "12.3 ms"},
		{fmtDuration(127400 * time.Microsecond), "127 ms"},
		{fmtDuration(1049 * time.Millisecond), "1.05 s"},
		{fmtRate(0), "—"},
		{fmtRate(1600 * time.Microsecond), "625"},
		{fmtRate(650 * time.Millisecond), "1.54"},
		{fmtRate(81 * time.Millisecond), "12.3"},
		{fmtRate(500 * time.Microsecond), "2,000"},
		{fmtRatio(0), "—"},
		{fmtRatio(1.94), "1.9×"},
		{fmtRatio(83.2), "83×"},
		{fmtRatio(1250.4), "1,250×"},
		{groupThousands(0), "0"},
		{groupThousands(999), "999"},
		{groupThousands(1000), "1,000"},
		{groupThousands(1234567), "1,234,567"},
		{groupThousands(-45678), "-45,678"},
		{fmtKiB(0), "—"},
		{fmtKiB(33280), "32.5 KiB"},
		{fmtKiB(3 << 20), "3.00 MiB"},
		{fmtMiB(0), "—"},
		{fmtMiB(9 << 20), "9.0 MiB"},
		{fmtMiB(57 << 20), "57 MiB"},
		{fmtMiB(1280 << 20), "1.25 GiB"},
		{fmtPages(pdfPages{}), "—"},
		{fmtPages(pdfPages{count: 3}), "3"},
		{fmtPages(pdfPages{count: 2, size: "letter"}), "2 (letter)"},
		{fmtElapsed(47600 * time.Millisecond), "48 s"},
		{fmtElapsed(92 * time.Second), "1 min 32 s"},
		{cell("a | b\n  c"), `a \| b c`},
		{cell(strings.Repeat("x", 300)), strings.Repeat("x", 199) + "…"},
		{plural(1, "untimed document"), "1 untimed document"},
		{plural(3, "untimed document"), "3 untimed documents"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// ms makes wall times in milliseconds.
func ms(v ...float64) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x * float64(time.Millisecond))
	}
	return out
}

func liveryResult(medianMS float64) result {
	return result{
		key: keyInProcess, label: "Livery in-process (`render`)", invoice: "invoice-onepage",
		wall: ms(medianMS/2, medianMS, medianMS*1.5), cpu: ms(1),
		peakMem: 50 << 20, pdfSize: 33280, pages: pdfPages{count: 1, size: "A4"},
	}
}

func routeResult(key string, medianMS float64) result {
	return result{key: key, label: key, wall: ms(medianMS, medianMS, medianMS), cpu: ms(medianMS)}
}

func TestJudge(t *testing.T) {
	failed := routeResult(keyChromiumCLI, 0)
	failed.wall, failed.err = nil, errors.New("exit status 1: no display")
	missing := result{key: keyWarmTab, label: "Chromium warm tab", missing: "apt-get install chromium"}
	liveryFailed := liveryResult(1)
	liveryFailed.wall, liveryFailed.err = nil, errors.New("render: boom")

	tests := []struct {
		name    string
		target  int // index in targets
		results []result
		status  string
		detail  string
	}{
		{"time met", 0, []result{liveryResult(1.6)}, statusMet, "1.60 ms median, 47 % under the limit"},
		{"time missed", 0, []result{liveryResult(3.4)}, statusMissed, "3.40 ms median, 0.40 ms (13 %) over the limit"},
		{"time exactly at the limit is missed", 0, []result{liveryResult(3)}, statusMissed, "3.00 ms median, at the limit"},
		{"livery failed", 0, []result{liveryFailed}, statusNotMeasured, "Livery in-process failed: render: boom"},
		{"livery missing from the run", 1, []result{routeResult(keyChromiumCLI, 1000)}, statusNotMeasured, "Livery in-process did not run"},
		{"ratio met", 1, []result{liveryResult(2), routeResult(keyChromiumCLI, 1000)}, statusMet, "500× (1.00 s against 2.00 ms), 5.0× the target"},
		{"ratio missed", 1, []result{liveryResult(2), routeResult(keyChromiumCLI, 170)}, statusMissed, "85× (170 ms against 2.00 ms), 15 % short of 100×"},
		{"ratio exactly met", 2, []result{liveryResult(2), routeResult(keyWarmTab, 40)}, statusMet, "20× (40.0 ms against 2.00 ms), 1.0× the target"},
		{"other route failed", 1, []result{liveryResult(2), failed}, statusNotMeasured, "chromium-cli failed: exit status 1: no display"},
		{"other route missing", 2, []result{liveryResult(2), missing}, statusNotMeasured, "Chromium warm tab is not installed"},
		{"other route did not run", 2, []result{liveryResult(2)}, statusNotMeasured, "chromium-cdp did not run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := judge(targets[tt.target], tt.results)
			if v.status != tt.status || v.detail != tt.detail {
				t.Errorf("judge = %q, %q; want %q, %q", v.status, v.detail, tt.status, tt.detail)
			}
		})
	}
}

func testReport() *report {
	livery := liveryResult(2)
	chromium := result{
		key: keyChromiumCLI, label: "Chromium CLI", wall: ms(1000, 1200, 1100), cpu: ms(650, 640, 700),
		peakMem: 400 << 20, pdfSize: 105779, pages: pdfPages{count: 2, size: "letter"},
	}
	tab := result{key: keyWarmTab, label: "Chromium warm tab", err: errors.New("document 1: print: boom | bang")}
	weasy := result{key: keyWeasyPrint, label: "WeasyPrint", missing: "apt-get install weasyprint"}
	long := liveryResult(4)
	long.invoice = "invoice-60-lines"
	return &report{
		machine: machine{
			cores: 2, cpuModel: "AMD EPYC", memory: 24 << 30, goVersion: "go1.26.8", platform: "linux/amd64",
			tools: []toolVersion{{"Chromium", "156.0.8078.79"}, {"WeasyPrint", "not installed"}},
		},
		command: "go run ./bench/compare -runs 3 -inprocess 3s",
		date:    time.Date(2026, 11, 23, 16, 20, 5, 0, time.UTC),
		elapsed: 92 * time.Second,
		sections: []section{
			{title: "One-page invoice", file: "invoice-onepage.json", kit: "roastery", targeted: true,
				results: []result{livery, chromium, tab, weasy}},
			{title: "60-line invoice", file: "invoice-60-lines.json", kit: "telecom",
				results: []result{long}},
		},
		pages: true, verified: true, runs: 3, warmup: 3, inProcess: 3 * time.Second,
	}
}

func TestReportTables(t *testing.T) {
	var b strings.Builder
	if err := testReport().write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := []string{
		"**Machine**: 2 cores, AMD EPYC, 24.00 GiB, linux/amd64, Go 1.26.8. Measured 2026-11-23 16:20 UTC; the run took 1 min 32 s.\n",
		"**Tools**: Chromium 156.0.8078.79, WeasyPrint not installed.\n",
		"```sh\ngo run ./bench/compare -runs 3 -inprocess 3s\n```\n",
		"\n### One-page invoice (`invoice-onepage.json`, kit `roastery`)\n\n" +
			"| route | runs | median | p95 | docs/s per core | peak memory | PDF size | pages | vs Livery | target |\n" +
			"|---|---|---|---|---|---|---|---|---|---|\n" +
			"| Livery in-process (`render`) | 3 | 2.00 ms | 2.90 ms | 1,000 | 50 MiB | 32.5 KiB | 1 (A4) | 1× | < 3 ms: **met** |\n" +
			"| Chromium CLI | 3 | 1.10 s | 1.19 s | 1.54 | 400 MiB | 103.3 KiB | 2 (letter) | 550× | ≥ 100×: **met** |\n" +
			"| Chromium warm tab | **failed**: document 1: print: boom \\| bang | — | — | — | — | — | — | — | ≥ 20×: **not measured** |\n" +
			"| WeasyPrint | not installed (`apt-get install weasyprint`) | — | — | — | — | — | — | — |  |\n",
		"\n### 60-line invoice (`invoice-60-lines.json`, kit `telecom`)\n\n" +
			"| route | runs | median | p95 | docs/s per core | peak memory | PDF size | pages | vs Livery | target |\n" +
			"|---|---|---|---|---|---|---|---|---|---|\n" +
			"| Livery in-process (`render`) | 3 | 4.00 ms | 5.80 ms | 1,000 | 50 MiB | 32.5 KiB | 1 (A4) | 1× |  |\n",
		"\n### Targets (one-page invoice)\n\n" +
			"- **met**: one-page PDF in-process, median under 3 ms: 2.00 ms median, 33 % under the limit.\n" +
			"- **met**: at least 100× faster than the Chromium CLI: 550× (1.10 s against 2.00 ms), 5.5× the target.\n" +
			"- **not measured**: at least 20× faster than a warm Chromium tab over CDP: Chromium warm tab failed: document 1: print: boom | bang.\n",
		"\n### How the figures are measured\n\n",
		"3 runs after 3 untimed documents.",
		"in a 3s loop after one untimed render",
		"read back with pdftotext and hold the invoice's number; pages and paper from pdfinfo.",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks\n%s\n--- report:\n%s", w, out)
		}
	}
	if strings.Contains(out, "summed RSS would say") || strings.Contains(out, "Go client") {
		t.Errorf("report has warm-tab notes without a warm-tab measurement:\n%s", out)
	}
}

func TestReportWithoutPoppler(t *testing.T) {
	r := testReport()
	r.pages, r.verified = false, false
	var b strings.Builder
	if err := r.write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, w := range []string{
		"| route | runs | median | p95 | docs/s per core | peak memory | PDF size | vs Livery | target |\n|---|---|---|---|---|---|---|---|---|\n",
		"| Livery in-process (`render`) | 3 | 2.00 ms | 2.90 ms | 1,000 | 50 MiB | 32.5 KiB | 1× | < 3 ms: **met** |\n",
		"| WeasyPrint | not installed (`apt-get install weasyprint`) | — | — | — | — | — | — |  |\n",
		"pdftotext is not installed (`apt-get install poppler-utils`), so the PDFs' text was not checked.",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks\n%s\n--- report:\n%s", w, out)
		}
	}
}

func TestReportWarmTabNotes(t *testing.T) {
	r := testReport()
	tab := routeResult(keyWarmTab, 130)
	tab.peakMem, tab.rssSum, tab.clientCPU = 400<<20, 950<<20, 3*time.Millisecond
	r.sections[0].results[2] = tab
	var b strings.Builder
	if err := r.write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, w := range []string{
		"| chromium-cdp | 3 | 130 ms | 130 ms | 7.69 | 400 MiB | — | — | 65× | ≥ 20×: **met** |",
		"summed RSS would say 950 MiB against 400 MiB PSS (one-page invoice).",
		"used a further 3.00 ms (one-page invoice) of CPU per document",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks\n%s\n--- report:\n%s", w, out)
		}
	}
}
