package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

// renderRun renders the documents of a multi-document input (NDJSON, one
// document a line, or a CSV billing run) with a pool of workers.
//
// One goroutine reads the input, workers parse, render and write each
// document, and the calling goroutine reports the results in input order.
// A document holds one of window slots from before it is read until its
// result is reported, so however long the input, at most window documents
// (and their rendered bytes) are in memory; a slow document holds up the
// reading rather than letting it run ahead.
type renderRun struct {
	r        *render.Renderer // safe for concurrent use: one for every worker
	src      *source
	dataPath string
	outDir   string
	formats  []render.Format
	workers  int
	start    time.Time // when the command started, for the summary

	// names holds the file name bases NDJSON documents have claimed (see
	// fileBase). Workers claim in input order, each after the one before
	// it has closed its named channel, so the map needs no lock and the
	// same input always gives the same names.
	names map[string]bool

	// The reader sets these before it closes order.
	interrupted bool  // a signal stopped the reading
	readErr     error // the input could not be read on
	read        int   // documents read
}

// runJob is one document of a run on its way through a renderRun.
type runJob struct {
	line    int    // NDJSON: the input line, from 1
	raw     []byte // NDJSON: the line, until a worker has parsed it
	tooLong bool   // NDJSON: the line was over the limit and was not kept
	number  string // the document's number, when known, for messages
	m       mapped // the document, its file name base and, when it failed, why
	paths   []string

	// prevNamed is closed when the NDJSON document before this one has
	// claimed its file name, named when this one has (or never will).
	prevNamed <-chan struct{}
	named     chan struct{}
	done      chan struct{} // closed when the worker is done with the job
}

// closedChan is a channel that is always closed: the first document of a run
// has no one before it to wait for.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// run renders the whole input, prints the files written on stdout in input
// order and every failure on diag, one line each, and then the summary. It
// fails when any document failed, so the exit status says so.
func (rr *renderRun) run(stdout io.Writer) error {
	if err := os.MkdirAll(rr.outDir, 0o755); err != nil {
		return err
	}
	in := io.Reader(os.Stdin)
	if rr.dataPath != "-" {
		f, err := os.Open(rr.dataPath)
		if err != nil {
			return fmt.Errorf("read data: %w", err)
		}
		defer f.Close()
		in = f
	}
	next, stop := rr.reader(in)
	defer stop()

	// An interrupt stops the reading, and the documents already read are
	// finished, so no temporary file is left behind; a second one kills
	// the process as usual.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	context.AfterFunc(ctx, cancel)

	window := 4 * rr.workers
	slots := make(chan struct{}, window)
	order := make(chan *runJob, window)
	jobs := make(chan *runJob, window)
	rr.names = map[string]bool{}
	var wg sync.WaitGroup
	wg.Go(func() { rr.readAll(ctx, next, slots, order, jobs) })
	for range rr.workers {
		wg.Go(func() {
			for j := range jobs {
				rr.work(j)
			}
		})
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	ok, failed := rr.report(out, slots, order)
	wg.Wait()
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write paths: %w", err)
	}

	secs := time.Since(rr.start).Seconds()
	summary := fmt.Sprintf("%s: rendered %d documents, %d failed in %.1f s (%.0f docs/s)",
		rr.dataPath, ok, failed, secs, float64(ok)/secs)
	switch {
	case rr.readErr != nil && rr.read == 0:
		return fmt.Errorf("%s: %w", rr.dataPath, rr.readErr)
	case rr.readErr != nil:
		fmt.Fprintln(diag, "livery render: "+summary)
		return fmt.Errorf("%s: the run stopped after %d documents: %w", rr.dataPath, rr.read, rr.readErr)
	case rr.interrupted:
		return errors.New(summary + "; interrupted, the rest of the input was not read")
	case rr.read == 0:
		return fmt.Errorf("%s: no documents in the input", rr.dataPath)
	case failed > 0:
		return errors.New(summary)
	}
	fmt.Fprintln(diag, "livery render: "+summary)
	return nil
}

// reader returns the function that reads the next document of the input
// (io.EOF at its end; any other error ends the run) and the one that
// releases what it holds.
func (rr *renderRun) reader(in io.Reader) (next func() (*runJob, error), stop func()) {
	if rr.src.kind == inputCSV {
		pull, stop := iter.Pull2(rr.src.invoices(in))
		return func() (*runJob, error) {
			m, err, ok := pull()
			switch {
			case !ok:
				return nil, io.EOF
			case err != nil:
				return nil, err
			}
			return &runJob{m: m}, nil
		}, stop
	}
	lr := mapping.NewLineReader(in, 64<<10, render.MaxDocumentSize)
	n := 0
	return func() (*runJob, error) {
		for {
			line, tooLong, err := lr.Next()
			if err != nil {
				return nil, err
			}
			n++
			if n == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			// Blank lines (a trailing one, a separator) are no document,
			// but they count, so line numbers match an editor's.
			if tooLong || len(bytes.TrimSpace(line)) > 0 {
				return &runJob{line: n, raw: line, tooLong: tooLong}, nil
			}
		}
	}, func() {}
}

// readAll reads documents into order and jobs while it gets window slots,
// and stops at the end of the input, on a read error or on a signal. A read
// blocked on a terminal or pipe that sends nothing is not interrupted: the
// second signal ends the process then.
func (rr *renderRun) readAll(ctx context.Context, next func() (*runJob, error), slots chan<- struct{}, order, jobs chan<- *runJob) {
	defer close(order)
	defer close(jobs)
	prev := closedChan
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			rr.interrupted = true
			return
		}
		if ctx.Err() != nil {
			rr.interrupted = true
			return
		}
		j, err := next()
		if err != nil {
			if err != io.EOF {
				rr.readErr = err
			}
			return
		}
		rr.read++
		j.done = make(chan struct{})
		if rr.src.kind == inputNDJSON {
			j.prevNamed, j.named = prev, make(chan struct{})
			prev = j.named
		}
		order <- j // neither send blocks: both hold window jobs
		jobs <- j
	}
}

// work parses, renders and writes one document. Whatever goes wrong,
// including a panic in the renderer, fails this document only.
func (rr *renderRun) work(j *runJob) {
	defer close(j.done)
	if rr.src.kind == inputNDJSON {
		j.m.err = safely(func() error { return rr.parse(j) })
		// The name is claimed right after parsing, not after rendering,
		// so a worker seldom waits: the document before this one was
		// taken up earlier and has usually been parsed by now.
		<-j.prevNamed
		if j.m.err == nil {
			j.m.base = fileBase(j.number, "line-"+strconv.Itoa(j.line), rr.names)
		}
		close(j.named)
	}
	if j.m.err != nil {
		return
	}
	j.m.err = safely(func() error {
		out, err := rr.r.Render(j.m.doc, rr.formats...)
		if err != nil {
			return err
		}
		j.paths, err = writeOutputs(out, j.m.base, rr.outDir, rr.formats)
		return err
	})
	// The job waits for its report; its document and JSON need not.
	j.m.doc, j.m.json = nil, nil
}

// parse reads an NDJSON line: a canonical document, or legacy JSON mapped
// by the profile.
func (rr *renderRun) parse(j *runJob) error {
	raw := j.raw
	j.raw = nil
	if j.tooLong {
		return fmt.Errorf("the line is longer than the limit of %d bytes (5 MiB)", render.MaxDocumentSize)
	}
	var err error
	if rr.src.profile != nil {
		j.m.doc, _, err = rr.src.profile.MapDocument(raw)
	} else {
		j.m.doc, err = render.ParseDocument(raw)
	}
	switch {
	case err == nil && j.m.doc.Invoice != nil:
		j.number = j.m.doc.Invoice.Number
	case err != nil && rr.src.profile == nil:
		// Only for the message; a line that is not JSON has none.
		var n struct {
			Number string `json:"number"`
		}
		if json.Unmarshal(raw, &n) == nil {
			j.number = n.Number
		}
	}
	return err
}

// report waits for each job in input order, prints the paths it wrote on
// stdout or why it failed on diag, and frees its slot.
func (rr *renderRun) report(stdout *bufio.Writer, slots <-chan struct{}, order <-chan *runJob) (ok, failed int) {
	name := filepath.Base(rr.dataPath)
	if rr.dataPath == "-" {
		name = "stdin"
	}
	for j := range order {
		<-j.done
		<-slots
		if j.m.err != nil {
			failed++
			// The paths so far first, so that a terminal shows both in order.
			stdout.Flush()
			fmt.Fprintln(diag, oneLine(name+" "+j.label()+": "+j.m.err.Error()))
			continue
		}
		ok++
		for _, p := range j.paths {
			stdout.WriteString(p)
			stdout.WriteByte('\n')
		}
	}
	return ok, failed
}

// label names the job's document in messages: "line 7 (invoice X)" for
// NDJSON, "rows 4-9 (invoice X)" for CSV.
func (j *runJob) label() string {
	if j.line == 0 {
		return j.m.label
	}
	l := "line " + strconv.Itoa(j.line)
	if j.number != "" {
		l += " (invoice " + j.number + ")"
	}
	return l
}

// safely runs f and turns a panic into an error, so that a renderer bug
// fails one document of a run instead of the whole run.
func safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error (a bug in Livery): %v", p)
		}
	}()
	return f()
}
