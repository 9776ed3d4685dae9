package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/samples"
)

// summaryRE matches the summary line of a run.
const summaryRE = `rendered \d+ documents, \d+ failed in \d+\.\d s \(\d+ docs/s\)`

// mustSampleLine returns a sample document as one NDJSON line, with its
// number replaced when number is not empty.
func mustSampleLine(t *testing.T, name, number string) string {
	t.Helper()
	data, err := samples.Document(name)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	if number != "" {
		doc["number"] = number
	}
	line, err := json.Marshal(doc)
	require.NoError(t, err)
	return string(line)
}

// mustCompactLine returns a JSON file as one NDJSON line.
func mustCompactLine(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, data))
	return buf.String()
}

// runRun runs the livery command and returns its exit code, stdout, stderr
// and the lines it wrote on diag (failures and, on success, the summary).
func runRun(t *testing.T, args ...string) (code int, stdout, stderr, diagOut string) {
	t.Helper()
	buf := captureDiag(t)
	code, stdout, stderr = runCLI(t, args...)
	return code, stdout, stderr, buf.String()
}

// pdfText extracts a PDF's text with poppler's pdftotext, skipping when it
// is not installed, except in CI, which must have it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not installed (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils): skipping the PDF text checks")
	}
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").Output()
	require.NoError(t, err, "pdftotext %s", path)
	return string(out)
}

// assertNoTempFiles checks that a run left only finished files in dir.
func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "temporary file left behind: %s", e.Name())
	}
}

// outPaths lists the files of bases in dir, each in formats, as a run
// prints them.
func outPaths(dir string, bases []string, exts ...string) []string {
	var out []string
	for _, b := range bases {
		for _, e := range exts {
			out = append(out, filepath.Join(dir, b+e))
		}
	}
	return out
}

func TestRenderNDJSONRun(t *testing.T) {
	a := func(n string) string { return mustSampleLine(t, "invoice-onepage.json", n) }
	notice := mustSampleLine(t, "policy-notice.json", "")
	tests := []struct {
		name  string
		lines []string
		code  int
		bases []string // files written, in input order
		diag  []string // failure lines, in input order
	}{
		{
			name:  "every line renders",
			lines: []string{a("A-1"), a("A-2"), a("A-3"), a("A-4"), a("A-5")},
			bases: []string{"A-1", "A-2", "A-3", "A-4", "A-5"},
		},
		{
			name: "bad lines fail alone",
			lines: []string{
				a("A-1"),
				`{"type":`,
				"",
				a("A-2"),
				`{"type":"invoice","number":"B-7"}`,
				`[1, 2]`,
				strings.Replace(a("A-3"), `"quantity":"3"`, `"quantity":"0"`, 1),
				a("A-4"),
			},
			code:  1,
			bases: []string{"A-1", "A-2", "A-4"},
			diag: []string{
				"run.ndjson line 2: invalid document: 1 problem: (document): invalid JSON",
				"run.ndjson line 5 (invoice B-7): invalid document: 4 problems: buyer: required; currency: required; issue_date: required; lines: required",
				"run.ndjson line 6: invalid document:",
				"run.ndjson line 7 (invoice A-3): invalid document: 1 problem: lines[0].quantity: must be greater than 0 (got 0)",
			},
		},
		{
			name:  "duplicate numbers get a suffix, in input order",
			lines: []string{a("X-1"), a("X-1"), a("x-1"), a("X-1-2"), a("X-1")},
			bases: []string{"X-1", "X-1-2", "x-1-3", "X-1-2-2", "X-1-4"},
		},
		{
			name:  "names without a number or with unsafe characters",
			lines: []string{notice, a("../R 7/ä"), a("line-3"), notice},
			bases: []string{"line-1", "_R_7__", "line-3", "line-4"},
		},
		{
			name:  "a number that looks like a line's fallback name",
			lines: []string{a("line-2"), notice},
			bases: []string{"line-2", "line-2-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, out := t.TempDir(), t.TempDir()
			data := writeFile(t, dir, "run.ndjson", strings.Join(tt.lines, "\n")+"\n")
			code, stdout, stderr, diagOut := runRun(t, "render", "--kit", "roastery", "--data", data,
				"--out", out, "--format", "pdf,txt", "--concurrency", "3")
			assert.Equal(t, tt.code, code, stderr)
			assert.Equal(t, outPaths(out, tt.bases, ".pdf", ".txt"), strings.Fields(stdout))
			diagLines := strings.Split(strings.TrimSuffix(diagOut, "\n"), "\n")
			if tt.code == 0 {
				assert.Empty(t, stderr)
				require.Len(t, diagLines, 1, diagOut)
				assert.Regexp(t, "^livery render: "+data+": "+summaryRE+"$", diagLines[0])
				assert.Contains(t, diagLines[0], fmt.Sprintf("rendered %d documents, 0 failed", len(tt.bases)))
			} else {
				assert.Regexp(t, "^livery render: "+data+": "+summaryRE+"\n$", stderr, "the summary is the one error line")
				assert.Contains(t, stderr, fmt.Sprintf("rendered %d documents, %d failed", len(tt.bases), len(tt.diag)))
				require.Len(t, diagLines, len(tt.diag), diagOut)
				for i, want := range tt.diag {
					assert.True(t, strings.HasPrefix(diagLines[i], want), "diag line %d: %q, want %q…", i, diagLines[i], want)
				}
			}
			entries, err := os.ReadDir(out)
			require.NoError(t, err)
			assert.Len(t, entries, 2*len(tt.bases), "only the documents that rendered have files")
			assertNoTempFiles(t, out)
			for _, p := range strings.Fields(stdout) {
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				if strings.HasSuffix(p, ".pdf") {
					assert.True(t, bytes.HasPrefix(data, []byte("%PDF-")), p)
				}
			}
		})
	}
}

func TestRenderNDJSONRunPDFsShowTheirNumbers(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	var lines []string
	for i := range 4 {
		lines = append(lines, mustSampleLine(t, "invoice-onepage.json", fmt.Sprintf("RE-2026-9%04d", i)))
	}
	data := writeFile(t, dir, "run.jsonl", strings.Join(lines, "\r\n"))
	code, stdout, stderr, _ := runRun(t, "render", "--kit", "roastery", "--data", data, "--out", out, "--format", "pdf,html")
	require.Equal(t, 0, code, stderr)
	paths := strings.Fields(stdout)
	require.Len(t, paths, 8)
	for i := range 4 {
		number := fmt.Sprintf("RE-2026-9%04d", i)
		assert.Equal(t, filepath.Join(out, number+".pdf"), paths[2*i])
		assert.Contains(t, pdfText(t, paths[2*i]), number)
		html, err := os.ReadFile(paths[2*i+1])
		require.NoError(t, err)
		assert.Contains(t, string(html), number)
	}
}

// mixedRun writes an NDJSON run whose documents take very different times
// to render (60 lines, several pages, among one-page invoices), so that
// with several workers they finish out of input order.
func mixedRun(t *testing.T, dir string, n int) (path string, bases []string) {
	t.Helper()
	var lines []string
	for i := range n {
		sample := "invoice-onepage.json"
		if i%5 == 0 {
			sample = "invoice-60-lines.json"
		}
		number := fmt.Sprintf("M-%03d", i)
		lines = append(lines, mustSampleLine(t, sample, number))
		bases = append(bases, number)
	}
	return writeFile(t, dir, "run.ndjson", strings.Join(lines, "\n")+"\n"), bases
}

func TestRenderRunPrintsInInputOrderAndSameBytesAsSequential(t *testing.T) {
	dir := t.TempDir()
	data, bases := mixedRun(t, dir, 16)
	files := map[string]map[string][]byte{}
	for _, concurrency := range []string{"1", "4", "16"} {
		out := filepath.Join(dir, "out-"+concurrency)
		code, stdout, stderr, _ := runRun(t, "render", "--kit", "roastery", "--data", data, "--out", out, "--concurrency", concurrency)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, outPaths(out, bases, ".pdf", ".html", ".txt"), strings.Fields(stdout), "--concurrency %s", concurrency)
		files[concurrency] = map[string][]byte{}
		for _, p := range strings.Fields(stdout) {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			files[concurrency][filepath.Base(p)] = b
		}
	}
	for name, want := range files["1"] {
		assert.True(t, bytes.Equal(want, files["4"][name]), "%s differs with --concurrency 4", name)
		assert.True(t, bytes.Equal(want, files["16"][name]), "%s differs with --concurrency 16", name)
	}

	// And the same bytes as rendering the document on its own.
	one := writeFile(t, dir, fmt.Sprintf("%s.json", bases[3]), mustSampleLine(t, "invoice-onepage.json", bases[3]))
	out := filepath.Join(dir, "single")
	code, _, stderr := runCLI(t, "render", "--kit", "roastery", "--data", one, "--out", out)
	require.Equal(t, 0, code, stderr)
	for _, ext := range []string{".pdf", ".html", ".txt"} {
		b, err := os.ReadFile(filepath.Join(out, bases[3]+ext))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(b, files["4"][bases[3]+ext]), "%s%s differs from a single render", bases[3], ext)
	}
}

func TestRenderNDJSONRunFromStdinAndWithProfile(t *testing.T) {
	dir := t.TempDir()
	t.Run("stdin", func(t *testing.T) {
		out := t.TempDir()
		in := writeFile(t, dir, "in", mustSampleLine(t, "invoice-onepage.json", "S-1")+"\n"+`{"type":`+"\n")
		f, err := os.Open(in)
		require.NoError(t, err)
		defer f.Close()
		old := os.Stdin
		os.Stdin = f
		t.Cleanup(func() { os.Stdin = old })
		code, stdout, stderr, diagOut := runRun(t, "render", "--kit", "roastery", "--data", "-", "--input", "ndjson", "--out", out, "--format", "txt")
		assert.Equal(t, 1, code)
		assert.Equal(t, filepath.Join(out, "S-1.txt")+"\n", stdout)
		assert.Regexp(t, `^livery render: -: rendered 1 documents, 1 failed in `, stderr)
		assert.True(t, strings.HasPrefix(diagOut, "stdin line 2: invalid document"), diagOut)
	})
	t.Run("legacy JSON through a profile", func(t *testing.T) {
		out := t.TempDir()
		legacy := mustCompactLine(t, sources+"sap-export.json")
		bad := strings.Replace(legacy, `"2,000"`, `"3,5x"`, 1)
		data := writeFile(t, dir, "export.ndjson", legacy+"\n"+bad+"\n"+legacy+"\n")
		code, stdout, stderr, diagOut := runRun(t, "render", "--kit", "roastery", "--profile", sources+"sap-export.yaml",
			"--data", data, "--out", out, "--format", "txt")
		assert.Equal(t, 1, code, stderr)
		assert.Equal(t, outPaths(out, []string{"0090012345", "0090012345-2"}, ".txt"), strings.Fields(stdout))
		assert.Equal(t, `export.ndjson line 2: cannot map document: 1 problem: POSITIONEN[1].MENGE -> lines[1].quantity: not a number: "3,5x"`+"\n", diagOut)
		txt, err := os.ReadFile(filepath.Join(out, "0090012345-2.txt"))
		require.NoError(t, err)
		assert.Contains(t, string(txt), "349,73")
	})
}

func TestRenderNDJSONLineTooLong(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	long := `{"notes":"` + strings.Repeat("x", 5<<20) + `"}`
	data := writeFile(t, dir, "run.ndjson", long+"\n"+mustSampleLine(t, "invoice-onepage.json", "L-2")+"\n")
	code, stdout, _, diagOut := runRun(t, "render", "--kit", "roastery", "--data", data, "--out", out, "--format", "txt")
	assert.Equal(t, 1, code)
	assert.Equal(t, filepath.Join(out, "L-2.txt")+"\n", stdout)
	assert.Equal(t, "run.ndjson line 1: the line is longer than the limit of 5242880 bytes (5 MiB)\n", diagOut)
}

func TestRenderCSVRunIsConcurrentAndInOrder(t *testing.T) {
	for _, concurrency := range []string{"1", "3"} {
		t.Run("concurrency "+concurrency, func(t *testing.T) {
			dir, out := t.TempDir(), t.TempDir()
			data, err := os.ReadFile(sources + "billing-run.csv")
			require.NoError(t, err)
			run := writeFile(t, dir, "run.csv", strings.Replace(string(data), ";245,5;", ";245,5x;", 1))
			code, stdout, stderr, diagOut := runRun(t, "render", "--kit", "polderstroom", "--profile", sources+"billing-run.yaml",
				"--data", run, "--out", out, "--format", "pdf,txt", "--concurrency", concurrency)
			assert.Equal(t, 1, code)
			assert.Regexp(t, "^livery render: "+run+": rendered 2 documents, 1 failed in "+`\d+\.\d s \(\d+ docs/s\)`+"\n$", stderr)
			assert.Equal(t, "run.csv rows 5-6 (invoice PS-F-2026-11-600102): cannot map document: 1 problem: row 5, column aantal -> lines[0].quantity: not a number: \"245,5x\"\n", diagOut)
			assert.Equal(t, outPaths(out, []string{"PS-F-2026-11-600101", "PS-F-2026-11-600103"}, ".pdf", ".txt"), strings.Fields(stdout))
			txt, err := os.ReadFile(filepath.Join(out, "PS-F-2026-11-600103.txt"))
			require.NoError(t, err)
			assert.Contains(t, string(txt), "44,87")
			assert.Contains(t, pdfText(t, filepath.Join(out, "PS-F-2026-11-600103.pdf")), "PS-F-2026-11-600103")
			assertNoTempFiles(t, out)
		})
	}
}

func TestRenderRunErrors(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty.ndjson", "\n\n")
	good := writeFile(t, dir, "good.ndjson", mustSampleLine(t, "invoice-onepage.json", "")+"\n")
	header := writeFile(t, dir, "header.csv", "nummer;datum\nX;1\n")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"render", "--kit", "roastery", "--data", good, "--concurrency", "0"}, 2, "--concurrency must be at least 1"},
		{[]string{"render", "--kit", "roastery", "--data", good, "--input", "xml"}, 2, "(json, ndjson, csv, ubl)"},
		{[]string{"render", "--kit", "roastery", "--data", good, "--profile", sources + "billing-run.yaml"}, 2, "profile billing-run reads CSV billing runs"},
		{[]string{"map", "--data", good}, 2, "livery map reads one document or a CSV run"},
		{[]string{"render", "--kit", "roastery", "--data", empty, "--out", dir}, 1, empty + ": no documents in the input"},
		{[]string{"render", "--kit", "roastery", "--data", filepath.Join(dir, "nope.ndjson")}, 1, "nope.ndjson"},
		{[]string{"render", "--kit", "polderstroom", "--profile", sources + "billing-run.yaml", "--data", header, "--out", dir}, 1, header + ": "},
	}
	for _, tt := range tests {
		code, stdout, stderr, diagOut := runRun(t, tt.args...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, stderr)
		assert.Empty(t, stdout, "%v", tt.args)
		assert.Empty(t, diagOut, "%v", tt.args)
		assert.Contains(t, stderr, tt.want, "%v", tt.args)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	}
}
