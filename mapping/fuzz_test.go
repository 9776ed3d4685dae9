package mapping_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// maxFuzzTime bounds the work of one input, with room for -race and a busy
// machine: every limit in the package keeps real work far below it.
const maxFuzzTime = 5 * time.Second

// seeds returns the files matching a pattern under testdata and, for
// names without a slash, the sample sources of that name.
func seeds(f *testing.F, patterns ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, p := range patterns {
		if filepath.Dir(p) == "." {
			data, err := samples.Source(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, data)
			continue
		}
		files, err := filepath.Glob(p)
		if err != nil || len(files) == 0 {
			f.Fatalf("no seeds match %s", p)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return out
}

// timed fails when run takes longer than maxFuzzTime.
func timed(t *testing.T, what string, run func()) {
	t.Helper()
	start := time.Now()
	run()
	if d := time.Since(start); d > maxFuzzTime {
		t.Fatalf("%s took %v", what, d)
	}
}

// FuzzParseProfile feeds arbitrary bytes to ParseProfile: a profile or an
// error, never a panic, in bounded time. Run locally with
//
//	go test -run '^$' -fuzz FuzzParseProfile -fuzztime 30s ./mapping
func FuzzParseProfile(f *testing.F) {
	for _, s := range seeds(f, "sap-export.yaml", "billing-run.yaml", "testdata/profiles/*.yaml") {
		f.Add(s)
	}
	for _, s := range []string{invoiceProfile, csvProfile, head + "fields: {lines: [{x: y}]}\n", "{", "- [", "a: &a [*a]\n", head + "fields:\n  <<: *x\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p *mapping.Profile
		var err error
		timed(t, "ParseProfile", func() { p, err = mapping.ParseProfile(data) })
		if err == nil && p == nil {
			t.Fatal("no profile and no error")
		}
		if err == nil {
			// An accepted profile maps anything without panicking.
			_, _ = p.Map([]byte(source))
		}
	})
}

// FuzzMap maps arbitrary JSON with the sample SAP profile and the test
// profile: a document or an *Error, never a panic, in bounded time; and a
// document it returns is canonical.
func FuzzMap(f *testing.F) {
	for _, s := range seeds(f, "sap-export.json", "testdata/sources/*.json") {
		f.Add(s)
	}
	f.Add([]byte(source))
	sap, err := mapping.ParseProfile(seeds(f, "sap-export.yaml")[0])
	if err != nil {
		f.Fatal(err)
	}
	profiles := []*mapping.Profile{sap, mustProfile(f, invoiceProfile)}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range profiles {
			var out []byte
			var err error
			timed(t, "Map", func() { out, err = p.Map(data) })
			if err == nil {
				if _, perr := render.ParseDocument(out); perr != nil {
					t.Fatalf("Map returned a document render refuses: %v", perr)
				}
			}
		}
	})
}

// FuzzCSV reads arbitrary bytes as a CSV billing run with the sample
// profile and two test profiles: invoices or errors, never a panic, in
// bounded time.
func FuzzCSV(f *testing.F) {
	for _, s := range seeds(f, "billing-run.csv", "testdata/csv/*.csv") {
		f.Add(s)
	}
	f.Add([]byte(csvRun))
	run, err := mapping.ParseProfile(seeds(f, "billing-run.yaml")[0])
	if err != nil {
		f.Fatal(err)
	}
	every, err := mapping.ParseProfile(seeds(f, "testdata/profiles/every-key.yaml")[0])
	if err != nil {
		f.Fatal(err)
	}
	profiles := []*mapping.Profile{run, every, mustProfile(f, csvProfile)}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range profiles {
			timed(t, "ReadCSV", func() {
				for d, err := range p.ReadCSV(bytes.NewReader(data)) {
					if err != nil {
						break
					}
					if d.Err == nil && d.Document == nil {
						t.Fatal("no document and no error")
					}
				}
			})
		}
	})
}
