//go:build linux || darwin

// The benchmarks read the process's CPU time with getrusage, which these
// systems have.

package render

import (
	"syscall"
	"testing"
	"time"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

// benchSample prepares a sample kit's Renderer and a parsed sample document
// once, outside the timed loop: a billing run prepares each kit once too.
func benchSample(b *testing.B, kitName, docName string) (*Renderer, *Document) {
	b.Helper()
	fsys, err := samples.KitFS(kitName)
	if err != nil {
		b.Fatal(err)
	}
	kit, err := brandkits.LoadFS(fsys)
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(kit)
	if err != nil {
		b.Fatal(err)
	}
	data, err := samples.Document(docName)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := ParseDocument(data)
	if err != nil {
		b.Fatal(err)
	}
	return r, doc
}

// benchRender renders doc in formats once per iteration and reports the size
// of the last PDF. One render before the timed loop does the Renderer's
// one-time work (the logo prepared per drawn size), as the first document of
// a billing run does.
//
// It also reports cpu-ns/op, the process's CPU time (user and system, GC
// included) per render: on a machine other processes load, wall time
// counts the time slices they take, CPU time far less so. Run with -cpu 1,
// so that the process's CPU time is one core's.
func benchRender(b *testing.B, r *Renderer, doc *Document, formats ...Format) {
	b.Helper()
	if _, err := r.Render(doc, formats...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var out *Output
	cpu0, n := cpuTime(b), 0
	for b.Loop() {
		var err error
		if out, err = r.Render(doc, formats...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(n), "cpu-ns/op")
	if out != nil && out.PDF != nil {
		b.ReportMetric(float64(len(out.PDF)), "pdf-bytes")
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const (
	benchOnePage = "invoice-onepage.json" // kit roastery: Noto Serif headings, Noto Sans body
	bench60Lines = "invoice-60-lines.json"
)

func BenchmarkPDFOnePage(b *testing.B) {
	r, doc := benchSample(b, "roastery", benchOnePage)
	benchRender(b, r, doc, FormatPDF)
}

func BenchmarkPDF60Lines(b *testing.B) {
	r, doc := benchSample(b, "telecom", bench60Lines)
	benchRender(b, r, doc, FormatPDF)
}

func BenchmarkHTMLOnePage(b *testing.B) {
	r, doc := benchSample(b, "roastery", benchOnePage)
	benchRender(b, r, doc, FormatHTML)
}

func BenchmarkHTML60Lines(b *testing.B) {
	r, doc := benchSample(b, "telecom", bench60Lines)
	benchRender(b, r, doc, FormatHTML)
}

func BenchmarkTextOnePage(b *testing.B) {
	r, doc := benchSample(b, "roastery", benchOnePage)
	benchRender(b, r, doc, FormatText)
}

func BenchmarkRenderAllOnePage(b *testing.B) {
	r, doc := benchSample(b, "roastery", benchOnePage)
	benchRender(b, r, doc, AllFormats...)
}

// BenchmarkPDFSteps renders the two sample invoices along the optimisation
// steps docs/benchmarks.md records, each step keeping the ones before it.
func BenchmarkPDFSteps(b *testing.B) {
	steps := []struct {
		name   string
		tuning pdfTuning
	}{
		{"a-utf8-full-fonts", pdfTuning{route: routeUTF8Full, noFontCache: true, kitLogo: true, fpdfCompression: true}},
		{"b-utf8-subsets", pdfTuning{route: routeUTF8Subset, noFontCache: true, kitLogo: true, fpdfCompression: true}},
		{"c-simple-fonts", pdfTuning{route: routeSimple, noFontCache: true, kitLogo: true, fpdfCompression: true}},
		{"d-logo-prepared", pdfTuning{route: routeSimple, noFontCache: true, fpdfCompression: true}},
		{"e-font-cache", pdfTuning{route: routeSimple, fpdfCompression: true}},
		{"f-stream-compression", pdfTuning{}},
	}
	docs := []struct{ name, kit, doc string }{
		{"onepage", "roastery", benchOnePage},
		{"60lines", "telecom", bench60Lines},
	}
	for _, d := range docs {
		for _, st := range steps {
			b.Run(d.name+"/"+st.name, func(b *testing.B) {
				r, doc := benchSample(b, d.kit, d.doc)
				r.theme.pdfTuning = st.tuning
				benchRender(b, r, doc, FormatPDF)
			})
		}
	}
}
