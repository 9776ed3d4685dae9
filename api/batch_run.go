package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveryhq/livery/mapping"
)

// batchRun is one batch in progress. One goroutine reads lines, workers
// create their documents, and the handler's goroutine writes the results in
// input order. A line holds one of window slots from before it is read
// until its result is written, so however long the input, at most window
// lines (each at most lineLimit bytes) and their results are in memory,
// and a slow client or a slow render stops the reading.
type batchRun struct {
	s         *Server
	p         *Principal
	requestID string
	workers   int
	window    int
	lineLimit int
	// lineTimeout bounds one line's createDocument, as RequestTimeout
	// bounds POST /v1/documents: a line that hangs fails alone.
	lineTimeout time.Duration
	stopping    <-chan struct{}
	// csv, when set, reads the input as a CSV billing run, one job per
	// invoice, rendered as csvRequest says (kit, formats and the profile's
	// exact version), instead of as NDJSON lines.
	csv        *mapping.CSVReader
	csvIn      *readErrRecorder // what csv reads: in, with its errors recorded
	csvRequest DocumentRequest
	in         *batchBody
	out        *batchOut

	// The reader sets these before it closes order.
	stopped bool  // reading ended before the end of the input
	readErr error // why, when it was not a shutdown or an abort
	// aborted is set by the writer: the client is gone, or the request
	// failed under the batch; nothing more was written.
	aborted bool
}

// Why a batch interrupts reading its body (batchBody.interrupt) and why its
// work is cancelled (the cause of run's context). The reader tells from them
// whether a failed read is news for the summary (readFailure).
var (
	// errBatchShutdown: the server is shutting down. The lines read are
	// still finished and answered.
	errBatchShutdown = errors.New("batch: the server is shutting down")
	// errBatchAborted: the writer gave up, because writing the response
	// failed; nothing more is written.
	errBatchAborted = errors.New("batch: writing the response failed")
	// errBatchRequestEnded: net/http ended the request, which it does from
	// inside a failed read of the body (the client went away, or sent
	// nothing for the idle time) before that read returns.
	errBatchRequestEnded = errors.New("batch: the request ended")
)

// batchJob is one input line on its way through a batchRun.
type batchJob struct {
	n       int    // line number, from 1
	raw     []byte // the line, until a worker has answered it
	tooLong bool
	// invoice is the job of a CSV batch instead of raw, until a worker
	// has answered it.
	invoice *mapping.CSVDocument
	res     BatchResult
	done    chan struct{} // closed when res is set
}

// run runs the batch to its end and returns what the summary line said.
func (b *batchRun) run(reqCtx context.Context) BatchCounts {
	// The work does not stop with the request's context, because net/http
	// cancels that one on any failed read of the body, including the one
	// interrupt causes on shutdown, when the lines in flight must still be
	// finished. A failed read the batch did not cause means the client is
	// gone, and then the work stops.
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(reqCtx))
	defer cancel(nil)
	stopWatch := context.AfterFunc(reqCtx, func() {
		if !errors.Is(b.in.interruptCause(), errBatchShutdown) {
			cancel(errBatchRequestEnded)
		}
	})
	defer stopWatch()

	slots := make(chan struct{}, b.window)
	order := make(chan *batchJob, b.window)
	jobs := make(chan *batchJob, b.window)
	readDone := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(readDone)
		b.read(ctx, slots, order, jobs)
	})
	for range b.workers {
		wg.Go(func() { b.work(ctx, jobs) })
	}
	// A reader blocked on a client that sends nothing must still notice a
	// shutdown or an abort.
	wg.Go(func() {
		select {
		case <-b.stopping:
			// A Read in progress that gets data ends without an error, so
			// that net/http can still read the rest of the body (release).
			b.in.interrupt(errBatchShutdown, batchReadGrace)
		case <-ctx.Done():
			// The connection is broken, or the request over: no grace.
			b.in.interrupt(context.Cause(ctx), 0)
		case <-readDone:
		}
	})
	sum := b.write(ctx, cancel, slots, order)
	wg.Wait()

	sum.Stopped = b.stopped || b.aborted || b.readErr != nil
	switch {
	case b.readErr != nil:
		sum.Error = b.readProblem(b.readErr)
	case b.aborted:
		sum.Error = problem(ProblemBadRequest, "the batch was cancelled")
	}
	// After an abort this usually reaches nobody; it is tried anyway.
	if err := b.out.write(BatchSummary{Summary: sum}); err == nil {
		_ = b.out.flush()
	}
	b.in.release()
	return sum
}

// read reads input lines into jobs while it gets window slots, and stops at
// the end of the input, on shutdown, on abort, or when the body fails.
func (b *batchRun) read(ctx context.Context, slots chan<- struct{}, order, jobs chan<- *batchJob) {
	defer close(order)
	defer close(jobs)
	next := b.nextLine()
	if b.csv != nil {
		next = b.nextInvoice
	}
	for n := 1; ; n++ {
		select {
		case slots <- struct{}{}:
		case <-b.stopping:
			b.stopped = true
			return
		case <-ctx.Done():
			return
		}
		j, err := next(n)
		if err == io.EOF {
			return
		}
		// A line read as the shutdown began is left unanswered, like the
		// ones after it: the summary tells the client where to resume.
		select {
		case <-b.stopping:
			b.stopped = true
			return
		default:
		}
		if err != nil {
			b.readErr = readFailure(err, b.in.interruptCause())
			return
		}
		order <- j // neither send blocks: both hold window jobs
		jobs <- j
	}
}

// readFailure is what the summary reports of a read of the body that failed
// with err, when the batch had interrupted its reading for cause (nil if it
// had not): nothing when the batch stopped reading on purpose (a shutdown,
// which the summary tells by "stopped" alone, or the writer's abort, which
// it reports itself), else err. That reading was interrupted is not enough
// to drop err: net/http ends the request from inside a read that failed on
// its own (the idle deadline, a client gone), and the batch interrupts
// reading in answer to that, often before the failed read has returned.
func readFailure(err, cause error) error {
	if errors.Is(cause, errBatchShutdown) || errors.Is(cause, errBatchAborted) {
		return nil
	}
	return err
}

// nextLine returns the reader of an NDJSON batch: each call reads the
// next input line as job n.
func (b *batchRun) nextLine() func(n int) (*batchJob, error) {
	lr := mapping.NewLineReader(b.in, batchReadBuffer, b.lineLimit)
	return func(n int) (*batchJob, error) {
		line, tooLong, err := lr.Next()
		if err != nil {
			return nil, err
		}
		return &batchJob{n: n, raw: line, tooLong: tooLong, done: make(chan struct{})}, nil
	}
}

// nextInvoice reads the next invoice of a CSV batch as job n: mapped, or
// with the problems that keep it from being rendered. An error ends the
// run (the file cannot be read on, see mapping.CSVReader.Next).
func (b *batchRun) nextInvoice(n int) (*batchJob, error) {
	d, err := b.csv.Next()
	if err != nil && err != io.EOF && b.csvIn.err == nil {
		// The body was read fine: the file itself cannot be read on.
		return nil, &csvRunError{err}
	}
	if err != nil {
		return nil, err
	}
	return &batchJob{n: n, invoice: d, done: make(chan struct{})}, nil
}

// csvRunError is a CSV billing run that cannot be read on although its body
// could: a header column missing, a row too long to find the next one.
type csvRunError struct{ err error }

func (e *csvRunError) Error() string { return e.err.Error() }

// readErrRecorder remembers the first error of its reader other than io.EOF, so a
// failed read of the body is told from a CSV file that cannot be parsed.
type readErrRecorder struct {
	r   io.Reader
	err error
}

func (e *readErrRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// work answers jobs until there are none, skipping them once the batch is
// aborted (nobody will read their results).
func (b *batchRun) work(ctx context.Context, jobs <-chan *batchJob) {
	for j := range jobs {
		if ctx.Err() == nil {
			j.res = b.answer(ctx, j)
		}
		j.raw, j.invoice = nil, nil
		close(j.done)
	}
}

// answer creates the document of one line, or says why it could not.
func (b *batchRun) answer(ctx context.Context, j *batchJob) (res BatchResult) {
	res.Line = j.n
	defer func() {
		// A worker is not under recoverPanics; one bad line must not take
		// the server down.
		if r := recover(); r != nil {
			b.s.metrics.handlerPanic.Inc()
			b.s.log.ErrorContext(ctx, "batch line panic", "line", j.n,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			res = BatchResult{Line: j.n, Error: b.lineProblem(ctx, j.n, errors.New("panic"))}
		}
	}()
	if j.invoice != nil {
		return b.answerInvoice(ctx, j)
	}
	if j.tooLong {
		res.Error = b.lineProblem(ctx, j.n, problem(ProblemTooLarge,
			"the line is longer than the %d bytes a batch line may have; it was skipped", b.lineLimit))
		return res
	}
	l, err := decodeBatchLine(j.raw)
	if err != nil {
		res.Error = b.lineProblem(ctx, j.n, err)
		return res
	}
	b.create(ctx, &res, l.DocumentRequest, l.IdempotencyKey, true)
	return res
}

// answerInvoice creates the document of one invoice of a CSV batch, or says
// why it could not; its result names the rows the invoice came from.
func (b *batchRun) answerInvoice(ctx context.Context, j *batchJob) BatchResult {
	res := BatchResult{Line: j.n, Rows: j.invoice.Rows()}
	var me *mapping.Error
	switch {
	case errors.As(j.invoice.Err, &me):
		res.Error = b.lineProblem(ctx, j.n, mappingProblem(me, ""))
		return res
	case j.invoice.Err != nil:
		res.Error = b.lineProblem(ctx, j.n, j.invoice.Err)
		return res
	}
	req := b.csvRequest
	req.Data = j.invoice.JSON
	b.create(ctx, &res, req, "", false)
	return res
}

// create creates the document of req into res, within the time one line
// may take; mapProfile maps req's data first when it names a profile (a
// CSV invoice comes mapped already).
func (b *batchRun) create(ctx context.Context, res *BatchResult, req DocumentRequest, idemKey string, mapProfile bool) {
	lineCtx, cancel := context.WithTimeout(ctx, b.lineTimeout)
	defer cancel()
	var rec *DocumentRecord
	var err error
	if mapProfile {
		req, err = b.s.mapDocumentRequest(lineCtx, b.p, req)
	}
	if err == nil {
		rec, err = b.s.createDocument(lineCtx, b.p, req, idemKey)
	}
	switch {
	case err != nil && ctx.Err() == nil && errors.Is(lineCtx.Err(), context.DeadlineExceeded):
		res.Error = b.lineProblem(ctx, res.Line, problem(ProblemTimeout,
			"the line took longer than the %s the server allows for one document", b.lineTimeout))
	case err != nil:
		res.Error = b.lineProblem(ctx, res.Line, err)
	case rec == nil:
		res.Error = b.lineProblem(ctx, res.Line, errors.New("createDocument returned no record"))
	default:
		res.Document = rec
	}
}

// lineProblem is the problem a result line shows for err, logged in full
// when it is the server's fault, as handleError does for a request.
func (b *batchRun) lineProblem(ctx context.Context, line int, err error) *Problem {
	p := *ProblemFor(err) // copy: shared *Problem values must not be edited
	p.RequestID = b.requestID
	if p.Status >= 500 {
		b.s.log.ErrorContext(ctx, "batch line failed", "line", line, "status", p.Status, "error", err.Error())
	}
	return &p
}

// readProblem explains a failed read of the input in the summary.
func (b *batchRun) readProblem(err error) *Problem {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return problem(ProblemTimeout, "the client sent nothing for %s", b.in.idle)
	}
	var ce *csvRunError
	if errors.As(err, &ce) {
		p := fieldProblem("body", ce.err.Error())
		p.Detail = "the CSV billing run cannot be read on: " + p.Detail
		return p
	}
	return problem(ProblemBadRequest, "reading the request body failed: %s", err.Error())
}

// write writes results in input order as they are ready, and frees each
// line's slot once its result is written. It flushes before every wait, so
// the client never waits for a result the server has. It stops at the end
// of order, or aborts (cancelling the work) when writing fails or the work
// is cancelled.
func (b *batchRun) write(ctx context.Context, cancel context.CancelCauseFunc, slots <-chan struct{}, order <-chan *batchJob) BatchCounts {
	var sum BatchCounts
	okLines := b.s.metrics.batchLines.WithLabelValues("ok")
	errLines := b.s.metrics.batchLines.WithLabelValues("error")
	unflushed := true // the status line, at first
	flush := func() error {
		if !unflushed {
			return nil
		}
		unflushed = false
		return b.out.flush()
	}
	abort := func() BatchCounts {
		b.aborted = true
		// The first cause stays: when the work was cancelled because the
		// request ended, the reader's error is what the summary reports.
		cancel(errBatchAborted)
		return sum
	}
	for {
		var j *batchJob
		select {
		case j = <-order:
		default:
			if flush() != nil {
				return abort()
			}
			j = <-order
		}
		if j == nil {
			return sum
		}
		select {
		case <-j.done:
		default:
			if flush() != nil {
				return abort()
			}
			select {
			case <-j.done:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil || b.out.write(&j.res) != nil {
			return abort()
		}
		unflushed = true
		sum.Lines++
		countLine(&sum, j.res, okLines, errLines)
		<-slots
	}
}

// countLine counts a written result in the summary and the metrics.
func countLine(sum *BatchCounts, res BatchResult, ok, failed prometheus.Counter) {
	if res.Error != nil {
		sum.Errors++
		failed.Inc()
		return
	}
	sum.OK++
	ok.Inc()
}
