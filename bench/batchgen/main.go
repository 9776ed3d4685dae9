// Command batchgen writes a billing run for POST /v1/batches to stdout: n
// NDJSON lines, each a document request for a distinct one-page invoice (the
// sample document with a unique number), as it goes, so that a pipe into
// curl streams the batch without holding it anywhere.
//
//	go run ./bench/batchgen -n 100000 | curl -sS -T - -X POST \
//		-H 'Content-Type: application/x-ndjson' http://127.0.0.1:8080/v1/batches
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
	kit := flag.String("kit", "roastery@live", "kit of every line")
	sample := flag.String("sample", "invoice-onepage.json", "sample document (samples/documents)")
	runID := flag.String("run-id", strconv.FormatInt(time.Now().UnixNano(), 36), "prefix of the invoice numbers, so that runs against one storage stay distinct")
	flag.Parse()

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
	line, err := json.Marshal(map[string]any{"kit": *kit, "data": data})
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
