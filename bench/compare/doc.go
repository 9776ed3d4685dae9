// Command compare measures Livery against the tools a team would pick
// instead to turn an invoice into a PDF, in one run on one machine, and
// prints the result as a Markdown section body (machine, command, one table
// per invoice, verdicts on the targets, how each figure was measured) that
// bench/run.sh pastes into docs/benchmarks.md.
//
// It renders the two benchmark invoices of render/bench_test.go (the
// one-page invoice with kit roastery, the 60-line invoice with kit telecom)
// by six routes:
//
//   - Livery in-process: the render package, a prepared Renderer, one PDF per
//     call, on one core (GOMAXPROCS=1), as BenchmarkPDFOnePage does;
//   - Livery CLI: one `livery render --format pdf` process per document;
//   - Chromium CLI: one `chromium --headless --print-to-pdf` process per
//     document with a fresh profile;
//   - Chromium warm tab: one browser and one tab driven over CDP (chromedp),
//     Page.printToPDF per document;
//   - wkhtmltopdf and WeasyPrint: one process per document.
//
// The HTML tools print Livery's own HTML of the same document, with the
// kits' fonts installed for them through a fontconfig file, so that no tool
// falls back to other fonts. Every PDF is checked (%PDF- header, %%EOF, and
// with poppler's pdftotext the invoice number in its text) before its time
// counts; a tool that is missing or fails gets a row that says so.
//
//	go run ./bench/compare                 # about 80 s on a 2-core machine
//	go run ./bench/compare -runs 5 -inprocess 2s -out /tmp/compare.md
//
// The program runs for a minute or more and starts browsers, so no test runs
// it; its pure parts (statistics, /proc parsing, the report) have unit tests.
package main
