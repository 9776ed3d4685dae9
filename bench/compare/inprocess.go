package main

import (
	"context"
	"runtime"
	"time"

	"github.com/liveryhq/livery/render"
)

// batchLength is how long one in-process CPU sample lasts: long enough that
// getrusage's cost and a garbage collection's are spread over many renders,
// short enough to give the median dozens of samples.
const batchLength = 50 * time.Millisecond

// inProcess renders with the render package in this process, as
// BenchmarkPDFOnePage does: the kit's Renderer prepared and the document
// parsed once, one PDF per call, one goroutine on one core (GOMAXPROCS=1,
// like -cpu 1), so that the process's CPU time is that core's.
type inProcess struct{ s *setup }

func (p *inProcess) measure(ctx context.Context, inv *invoice) result {
	res := result{key: keyInProcess, label: "Livery in-process (`render`)", invoice: inv.name()}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	// The first render does the Renderer's one-time work (the logo prepared
	// per drawn size), as the first document of a billing run does.
	out, err := inv.renderer.Render(inv.doc, render.FormatPDF)
	if err == nil {
		res.pages, err = p.s.checker.check(out.PDF, inv.number)
	}
	if err != nil {
		res.err = err
		return res
	}
	runtime.GC()
	res.wall = make([]time.Duration, 0, 4096)
	for end := time.Now().Add(p.s.inProcess); time.Now().Before(end) && ctx.Err() == nil; {
		cpu0, n := self().cpu, 0
		for start := time.Now(); time.Since(start) < batchLength; n++ {
			t := time.Now()
			out, err = inv.renderer.Render(inv.doc, render.FormatPDF)
			res.wall = append(res.wall, time.Since(t))
			if err != nil {
				res.err = err
				return res
			}
		}
		res.cpu = append(res.cpu, (self().cpu-cpu0)/time.Duration(n))
	}
	if err := ctx.Err(); err != nil {
		res.err = err
		return res
	}
	if _, err := p.s.checker.check(out.PDF, inv.number); err != nil {
		res.err = err
		return res
	}
	res.pdfSize = len(out.PDF)
	res.peakMem = self().maxRSS
	return res
}

func (p *inProcess) close() {}
