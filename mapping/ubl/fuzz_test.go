package ubl_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/liveryhq/livery/mapping/ubl"
	"github.com/liveryhq/livery/render"
)

// FuzzParse feeds arbitrary bytes to the UBL reader: a document or an
// error, never a panic, in bounded time; a document it returns is
// canonical. The seeds are the test corpus and the sample sources. Run
// locally with
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./mapping/ubl
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*/*.xml")
	if err != nil || len(files) == 0 {
		f.Fatal("no seed corpus under testdata")
	}
	samples, _ := filepath.Glob("../../samples/sources/*.xml")
	for _, file := range append(files, samples...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		doc, out, err := ubl.ParseDocument(data)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("ParseDocument took %v", d)
		}
		if err == nil {
			if doc == nil {
				t.Fatal("no document and no error")
			}
			if _, perr := render.ParseDocument(out); perr != nil {
				t.Fatalf("a document render refuses: %v", perr)
			}
		}
	})
}
