// Command batchgen writes a billing run to stdout: n NDJSON lines, each for
// a distinct one-page invoice (the sample document with a unique number),
// as it goes, so that a pipe streams the run without holding it anywhere.
//
// With -shape request (the default) each line is a document request for
// POST /v1/batches ({"kit": ..., "data": document}); with -shape document
// it is the canonical document alone, a line of `livery render --data
// run.ndjson`.
//
//	go run ./bench/batchgen -n 100000 | curl -sS -T - -X POST \
//		-H 'Content-Type: application/x-ndjson' http://127.0.0.1:8080/v1/batches
//	go run ./bench/batchgen -n 100000 -shape document >run.ndjson
//	livery render --kit roastery --data run.ndjson --out out
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/liveryhq/livery/samples"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "batchgen:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 100_000, "number of lines")
	kit := flag.String("kit", "roastery@live", "kit of every line (-shape request)")
	shape := flag.String("shape", "request", "what a line is: request (a POST /v1/batches line) or document (a canonical document, for livery render)")
	sample := flag.String("sample", "invoice-onepage.json", "sample document (samples/documents)")
	runID := flag.String("run-id", strconv.FormatInt(time.Now().UnixNano(), 36), "prefix of the invoice numbers, so that runs against one storage stay distinct")
	flag.Parse()
	if *shape != "request" && *shape != "document" {
		return fmt.Errorf("-shape %q: want request or document", *shape)
	}

	doc, err := samples.Document(*sample)
	if err != nil {
		return err
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(doc, &data); err != nil {
		return fmt.Errorf("sample %s: %w", *sample, err)
	}
	if _, ok := data["number"]; !ok {
		return fmt.Errorf("sample %s has no number to make unique", *sample)
	}
	const hole = "\x00batchgen\x00"
	data["number"], _ = json.Marshal(hole)
	var line []byte
	if *shape == "document" {
		line, err = json.Marshal(data)
	} else {
		line, err = json.Marshal(map[string]any{"kit": *kit, "data": data})
	}
	if err != nil {
		return err
	}
	quoted, _ := json.Marshal(hole)
	i := bytes.Index(line, quoted)
	if i < 0 {
		return errors.New("placeholder lost")
	}
	before, after := line[:i+1], line[i+len(quoted)-1:]

	w := bufio.NewWriterSize(os.Stdout, 64<<10)
	buf := make([]byte, 0, len(line)+64)
	for k := 1; k <= *n; k++ {
		buf = append(buf[:0], before...)
		buf = fmt.Appendf(buf, "BG-%s-%09d", *runID, k)
		buf = append(buf, after...)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}
