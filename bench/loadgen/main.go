// Command loadgen measures how many documents a running `livery serve`
// renders and stores per second: it POSTs document requests to
// /v1/documents at a fixed concurrency for a fixed time, checks every
// answer, and prints requests per second, latency percentiles and errors as
// a Markdown table row or as JSON.
//
// Every request is a distinct document: the server derives a document's id
// from its data and answers a repeated request from storage without
// rendering, so loadgen writes a unique value (run id and sequence number)
// into the document's number field of each request. An answer counts as
// good only when it is 201 with a record of that number naming every
// requested format with a non-empty size; a 200 (the document was stored
// already) is counted apart and, like every other answer, as an error.
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080 -concurrency 16 -duration 20s
//
// With -pid, loadgen also reads the server's CPU time (utime+stime from
// /proc/PID/stat) at the start and end of the measured window and reports
// the server's CPU milliseconds per document, which other load on a shared
// machine disturbs far less than requests per second.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/liveryhq/livery/samples"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// options are loadgen's flags.
type options struct {
	url         string
	key         string
	body        string
	kit         string
	sample      string
	field       string
	runID       string
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	timeout     time.Duration
	pid         int
	clkTck      int
	asJSON      bool
	header      bool
}

// result is what one measured run found.
type result struct {
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	Created     int     `json:"created"` // 201 with a good record
	Existing    int     `json:"existing"`
	Errors      int     `json:"errors"` // everything that is not a good 201
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P90ms       float64 `json:"p90_ms"`
	P99ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	// WarmupCreated counts the documents created during the warm-up, so a
	// caller can check the number of records in storage.
	WarmupCreated int `json:"warmup_created"`
	// ServerCPUms is the server's CPU time (user+system) per created
	// document during the measured window; 0 without -pid.
	ServerCPUms float64 `json:"server_cpu_ms_per_doc,omitempty"`
	// ServerCores is the server's CPU time divided by wall time: how many
	// cores it kept busy.
	ServerCores float64 `json:"server_cores,omitempty"`
	// ClientCPUms is loadgen's own CPU time per request, which it takes
	// from the same machine.
	ClientCPUms float64 `json:"client_cpu_ms_per_req"`
	FirstError  string  `json:"first_error,omitempty"`
}

func run() error {
	var o options
	flag.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the server")
	flag.StringVar(&o.key, "key", os.Getenv("LIVERY_API_KEY"), "API key secret, sent as a bearer token (default $LIVERY_API_KEY; none for a server without keys)")
	flag.StringVar(&o.body, "body", "", "file holding one document request ({\"kit\":…,\"data\":…}); default: -sample with -kit")
	flag.StringVar(&o.kit, "kit", "roastery@live", "kit of the default request")
	flag.StringVar(&o.sample, "sample", "invoice-onepage.json", "sample document of the default request (samples/documents)")
	flag.StringVar(&o.field, "field", "number", "field of data made unique per request")
	flag.StringVar(&o.runID, "run-id", strconv.FormatInt(time.Now().UnixNano(), 36), "prefix of the unique values, so that runs against one storage stay distinct")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "how long to measure")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "how long to send before measuring (not counted)")
	flag.IntVar(&o.concurrency, "concurrency", 8, "requests in flight at once")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Second, "timeout of one request")
	flag.IntVar(&o.pid, "pid", 0, "process id of the server, to report its CPU time per document (Linux /proc)")
	flag.IntVar(&o.clkTck, "clk-tck", 100, "clock ticks per second of /proc/PID/stat (getconf CLK_TCK)")
	flag.BoolVar(&o.asJSON, "json", false, "print JSON instead of a Markdown table row")
	flag.BoolVar(&o.header, "header", false, "print the Markdown table header first")
	flag.Parse()
	if o.concurrency < 1 || o.duration <= 0 {
		return errors.New("-concurrency and -duration must be positive")
	}

	tmpl, err := newTemplate(o)
	if err != nil {
		return err
	}
	client := &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			MaxIdleConns:        o.concurrency,
			MaxIdleConnsPerHost: o.concurrency,
			DisableCompression:  true,
		},
	}
	l := &loader{o: o, tmpl: tmpl, client: client, url: strings.TrimRight(o.url, "/") + "/v1/documents"}

	var warm result
	if o.warmup > 0 {
		warm = l.phase(o.warmup, nil)
		if warm.Errors > 0 {
			return fmt.Errorf("warm-up: %d of %d requests failed; first: %s", warm.Errors, warm.Requests, warm.FirstError)
		}
	}
	res := l.phase(o.duration, l.cpu)
	res.WarmupCreated = warm.Created

	if o.asJSON {
		enc := json.NewEncoder(os.Stdout)
		return enc.Encode(res)
	}
	if o.header {
		fmt.Println("| concurrency | requests | docs/s | p50 | p90 | p99 | max | errors | server CPU/doc | server cores | loadgen CPU/req |")
		fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	}
	fmt.Printf("| %d | %d | %.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %d | %.2f ms | %.2f | %.2f ms |\n",
		res.Concurrency, res.Requests, res.RPS, res.P50ms, res.P90ms, res.P99ms, res.MaxMs, res.Errors,
		res.ServerCPUms, res.ServerCores, res.ClientCPUms)
	if res.Errors > 0 {
		fmt.Fprintf(os.Stderr, "loadgen: %d errors; first: %s\n", res.Errors, res.FirstError)
		os.Exit(2)
	}
	return nil
}

// template is a request body with a hole where the unique value goes.
type template struct {
	before, after []byte
	formats       []string
}

// placeholder marks the hole while the template is built.
const placeholder = "\x00livery-loadgen\x00"

// newTemplate builds the request body from -body or from the sample, with
// data.<field> replaced by the placeholder.
func newTemplate(o options) (*template, error) {
	var raw []byte
	var err error
	if o.body != "" {
		raw, err = os.ReadFile(o.body)
	} else {
		var doc []byte
		if doc, err = samples.Document(o.sample); err == nil {
			raw, err = json.Marshal(map[string]json.RawMessage{"kit": mustJSON(o.kit), "data": doc})
		}
	}
	if err != nil {
		return nil, err
	}
	var req map[string]json.RawMessage
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(req["data"], &data); err != nil {
		return nil, fmt.Errorf("request body: data: %w", err)
	}
	if _, ok := data[o.field]; !ok {
		return nil, fmt.Errorf("request body: data has no %q field to make unique", o.field)
	}
	data[o.field] = mustJSON(placeholder)
	req["data"] = mustJSON(data)
	formats := []string{"pdf", "html"}
	if f, ok := req["formats"]; ok {
		if err := json.Unmarshal(f, &formats); err != nil {
			return nil, fmt.Errorf("request body: formats: %w", err)
		}
	}
	full := mustJSON(req)
	hole := mustJSON(placeholder)
	i := bytes.Index(full, hole)
	if i < 0 {
		return nil, errors.New("request body: placeholder lost")
	}
	return &template{before: full[:i+1], after: full[i+len(hole)-1:], formats: formats}, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// loader sends the requests.
type loader struct {
	o      options
	tmpl   *template
	client *http.Client
	url    string
	seq    atomic.Int64
}

// cpu is the hook that reads CPU times at the start and end of a phase.
func (l *loader) cpu() (server, client time.Duration) {
	if l.o.pid > 0 {
		server = procCPU(l.o.pid, l.o.clkTck)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return server, client
}

// procCPU returns utime+stime of process pid, or 0 when it cannot be read.
func procCPU(pid, clkTck int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields after it are
	// counted from its closing parenthesis: utime and stime are fields 14
	// and 15 of the line, so 12 and 13 after the name.
	rest := b[bytes.LastIndexByte(b, ')')+2:]
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * time.Second / time.Duration(clkTck)
}

// phase sends requests for d at the configured concurrency and returns what
// they did; cpu, when set, is read at both ends.
func (l *loader) phase(d time.Duration, cpu func() (time.Duration, time.Duration)) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		res       = result{Concurrency: l.o.concurrency}
		wg        sync.WaitGroup
	)
	var srv0, cli0 time.Duration
	if cpu != nil {
		srv0, cli0 = cpu()
	}
	start := time.Now()
	for range l.o.concurrency {
		wg.Go(func() {
			var lat []time.Duration
			var created, existing, errs int
			var first string
			body := make([]byte, 0, len(l.tmpl.before)+len(l.tmpl.after)+64)
			for ctx.Err() == nil {
				number := fmt.Sprintf("LG-%s-%09d", l.o.runID, l.seq.Add(1))
				body = append(append(append(body[:0], l.tmpl.before...), number...), l.tmpl.after...)
				t0 := time.Now()
				status, err := l.post(body, number)
				lat = append(lat, time.Since(t0))
				switch {
				case err != nil:
					errs++
					if first == "" {
						first = err.Error()
					}
				case status == http.StatusOK:
					existing++
					errs++
					if first == "" {
						first = "200: document " + number + " was stored already"
					}
				default:
					created++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			latencies = append(latencies, lat...)
			res.Created += created
			res.Existing += existing
			res.Errors += errs
			if res.FirstError == "" {
				res.FirstError = first
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	res.Seconds = elapsed.Seconds()
	res.Requests = len(latencies)
	res.RPS = float64(res.Created) / elapsed.Seconds()
	if cpu != nil {
		srv1, cli1 := cpu()
		if l.o.pid > 0 && res.Created > 0 {
			res.ServerCPUms = float64(srv1-srv0) / float64(time.Millisecond) / float64(res.Created)
			res.ServerCores = float64(srv1-srv0) / float64(elapsed)
		}
		if res.Requests > 0 {
			res.ClientCPUms = float64(cli1-cli0) / float64(time.Millisecond) / float64(res.Requests)
		}
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		i := int(p*float64(len(latencies))+0.5) - 1
		i = min(max(i, 0), len(latencies)-1)
		return float64(latencies[i]) / float64(time.Millisecond)
	}
	res.P50ms, res.P90ms, res.P99ms, res.MaxMs = pct(.50), pct(.90), pct(.99), pct(1)
	return res
}

// record is the part of a document record that loadgen checks.
type record struct {
	ID      string `json:"id"`
	Number  string `json:"number"`
	Formats map[string]struct {
		Key    string `json:"key"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	} `json:"formats"`
}

// post sends one request and checks its answer: 201 or 200 with the record
// of document number, every format stored. A request cut off by the end of
// the phase is not sent: the caller's loop checks the phase first.
func (l *loader) post(body []byte, number string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if l.o.key != "" {
		req.Header.Set("Authorization", "Bearer "+l.o.key)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(data))
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return resp.StatusCode, fmt.Errorf("answer is not a record: %w", err)
	}
	if len(rec.ID) != 32 || rec.Number != number {
		return resp.StatusCode, fmt.Errorf("record %q of document %q, want %q", rec.ID, rec.Number, number)
	}
	for _, f := range l.tmpl.formats {
		if sf, ok := rec.Formats[f]; !ok || sf.Size <= 0 || len(sf.SHA256) != 64 || sf.Key == "" {
			return resp.StatusCode, fmt.Errorf("record %s: format %s not stored: %+v", rec.ID, f, sf)
		}
	}
	return resp.StatusCode, nil
}
