package api

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
)

// NDJSONContentType is the media type of a batch's request and response
// bodies: one JSON value per line.
const NDJSONContentType = "application/x-ndjson"

// BatchResult is one line of a batch response: the answer to input line
// Line (1-based), either the stored Document or the Error that kept it from
// being stored. Results come in input order, one per input line. In a CSV
// batch Line counts invoices, and Rows names the rows of the file the
// invoice came from ("rows 2-4").
type BatchResult struct {
	Line     int             `json:"line"`
	Rows     string          `json:"rows,omitempty"`
	Document *DocumentRecord `json:"document,omitempty"`
	Error    *Problem        `json:"error,omitempty"`
}

// BatchSummary is the last line of a batch response. It has no "line"
// field, so a client tells it from a result by its one key, "summary".
type BatchSummary struct {
	Summary BatchCounts `json:"summary"`
}

// BatchCounts says how a batch ended. Lines results were written, for input
// lines 1 to Lines; when Stopped, the input was not read to its end and a
// client resumes by sending the lines after Lines again.
type BatchCounts struct {
	Lines   int  `json:"lines"`
	OK      int  `json:"ok"`
	Errors  int  `json:"errors"`
	Stopped bool `json:"stopped"`
	// Error says why reading stopped early when it was not a shutdown.
	Error *Problem `json:"error,omitempty"`
}

// batchIdlePerRequestTimeout times Config.RequestTimeout (2 minutes by
// default) bounds how long a batch waits for its client to send more of the
// body or to take more of the response. A batch has no overall deadline (it
// may run for hours), so this is what frees a connection whose client went
// silent. It overrides http.Server's ReadTimeout and WriteTimeout, which
// would cut every batch after a fixed time.
const batchIdlePerRequestTimeout = 4

// batchWindowPerWorker times Config.BatchConcurrency is how many lines a
// batch holds at once, read but not yet answered: enough that a slow line
// does not idle the other workers, few enough that memory stays flat.
const batchWindowPerWorker = 4

// batchRoutes registers /v1/batches.
func (s *Server) batchRoutes(g *echo.Group) {
	g.POST("/batches", s.handleCreateBatch, allow(RoleRenderer), requireMediaType(NDJSONContentType, CSVContentType))
}

// handleCreateBatch handles POST /v1/batches: it renders and stores one
// document per NDJSON input line, or per invoice of a CSV billing run, and
// streams one result per line or invoice back, in input order, as each is
// ready (docs/api.md, "Batches" and "Legacy input").
func (s *Server) handleCreateBatch(c echo.Context) error {
	select {
	case <-s.stopping:
		return problem(ProblemStopping, "the server is shutting down; send the batch to another replica")
	default:
	}
	req, res := c.Request(), c.Response()
	var csvRequest DocumentRequest
	var csvProfile *mapping.Profile
	if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt == CSVContentType {
		var err error
		if csvRequest, csvProfile, err = s.csvBatchRequest(c); err != nil {
			return err
		}
	}
	if req.ProtoAtLeast(1, 1) && strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		// net/http sends the 100 on the first read of the body only while
		// no response has begun, and the 200 below goes first. Straight
		// to the writer: echo would take a 1xx for the response's status.
		res.Writer.WriteHeader(http.StatusContinue)
	}
	rc := http.NewResponseController(res.Writer)
	// HTTP/1 servers otherwise drain the whole body before the first byte
	// of the response; HTTP/2 always allows both at once.
	_ = rc.EnableFullDuplex()
	h := res.Header()
	h.Set(echo.HeaderContentType, NDJSONContentType)
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass lines through as they come
	res.WriteHeader(http.StatusOK)

	run := s.newBatchRun(principal(c), res.Header().Get(echo.HeaderXRequestID), req.Body, res, rc)
	if csvProfile != nil {
		// NewCSVReader fails only for a profile without a csv section,
		// which csvBatchRequest refused.
		run.csvIn = &readErrRecorder{r: run.in}
		run.csv, _ = csvProfile.NewCSVReader(run.csvIn)
		run.csvRequest = csvRequest
	}
	sum := run.run(req.Context())
	s.log.InfoContext(req.Context(), "batch finished", "principal", run.p.Name,
		"lines", sum.Lines, "ok", sum.OK, "errors", sum.Errors, "stopped", sum.Stopped, "aborted", run.aborted)
	return nil
}

// newBatchRun prepares an NDJSON batch of p that reads body and writes w,
// setting their deadlines and flushing through rc.
func (s *Server) newBatchRun(p *Principal, requestID string, body io.Reader, w io.Writer, rc *http.ResponseController) *batchRun {
	idle := batchIdlePerRequestTimeout * s.cfg.RequestTimeout
	return &batchRun{
		s:           s,
		p:           p,
		requestID:   requestID,
		workers:     s.cfg.BatchConcurrency,
		window:      batchWindowPerWorker * s.cfg.BatchConcurrency,
		lineLimit:   s.cfg.BatchLineLimit,
		lineTimeout: s.cfg.RequestTimeout,
		stopping:    s.stopping,
		in:          newBatchBody(body, rc, idle),
		out:         newBatchOut(w, rc, idle),
	}
}

// csvBatchRequest reads the query of a CSV batch (profile, kit, formats)
// and resolves its profile, before any of the response is written: a bad
// query is one 422 problem for the whole batch. The request it returns
// names the profile's exact version ("billing-run@3"), so every invoice of
// the run is read and recorded with the same one.
func (s *Server) csvBatchRequest(c echo.Context) (DocumentRequest, *mapping.Profile, error) {
	r, err := queryDocumentRequest(c.Request(), "kit", "formats", "profile")
	if err == nil && r.Profile == "" {
		err = fieldProblem("profile", "required: name the CSV mapping profile in the query (?profile=billing-run@1)")
	}
	if err != nil {
		return r, nil, err
	}
	if name, _, _, err := brandkits.ParseRef(r.Kit); err != nil {
		return r, nil, fieldProblem("kit", err.Error())
	} else if err := checkKit(principal(c), name); err != nil {
		return r, nil, err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
	defer cancel()
	v, prof, err := s.resolveProfile(ctx, "profile", r.Profile)
	if err != nil {
		return r, nil, err
	}
	if prof.CSV == nil {
		return r, nil, fieldProblem("profile", fmt.Sprintf("profile %s maps JSON documents, not CSV billing runs: send them as NDJSON lines naming the profile", v.Ref()))
	}
	r.Profile = v.Ref()
	return r, prof, nil
}
