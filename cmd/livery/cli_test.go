package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the livery command in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// writeFile writes a test input file and returns its path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestRenderWritesEveryFormat(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "render", "--kit", "../../samples/kits/roastery",
		"--data", "../../samples/documents/invoice-onepage.json", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	paths := strings.Fields(stdout)
	require.Len(t, paths, 3)
	for i, ext := range []string{".pdf", ".html", ".txt"} {
		assert.Equal(t, filepath.Join(out, "invoice-onepage"+ext), paths[i])
		data, err := os.ReadFile(paths[i])
		require.NoError(t, err)
		assert.NotEmpty(t, data)
	}
	pdf, _ := os.ReadFile(paths[0])
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	txt, _ := os.ReadFile(paths[2])
	assert.Contains(t, string(txt), "RE-2026-11873")
	entries, _ := os.ReadDir(out)
	assert.Len(t, entries, 3, "no temporary files left behind")
}

func TestRenderBundledKitByNameAndOneFormat(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "render", "--kit", "insurer",
		"--data", "../../samples/documents/policy-notice.json", "--out", out, "--format", "txt")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, filepath.Join(out, "policy-notice.txt")+"\n", stdout)
}

func TestSamplesRendersEveryPair(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "samples", "--out", out, "--format", "pdf")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	assert.GreaterOrEqual(t, len(lines), 6)
	for _, l := range lines {
		assert.FileExists(t, l)
	}
}

func TestErrorsAreOneLineWithExitCode(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.json", `{"type":"invoice","number":"X1","issue_date":"2026-02-30","currency":"EUR",
		"buyer":{"name":"A","address":{"lines":["B"]}},"lines":[{"description":"D","quantity":"0","unit_price":"1","tax_rate":"19"}],"colour":"red"}`)
	broken := writeFile(t, dir, "broken.json", `{"type":`)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"invalid document lists every problem", []string{"render", "--kit", "roastery", "--data", bad, "--out", dir}, 1,
			[]string{"issue_date", "lines[0].quantity", "colour"}},
		{"malformed JSON", []string{"render", "--kit", "roastery", "--data", broken, "--out", dir}, 1, []string{"broken.json"}},
		{"missing data file", []string{"render", "--kit", "roastery", "--data", filepath.Join(dir, "nope.json")}, 1, []string{"nope.json"}},
		{"unknown kit", []string{"render", "--kit", "nosuchkit", "--data", bad}, 1, []string{"nosuchkit"}},
		{"missing kit folder", []string{"render", "--kit", "./no/such/dir", "--data", bad}, 1, []string{"does not exist"}},
		{"unknown format", []string{"render", "--kit", "roastery", "--data", bad, "--format", "docx"}, 2, []string{"docx"}},
		{"missing flags", []string{"render"}, 2, []string{"--kit and --data are required"}},
		{"unknown flag", []string{"render", "--colour", "red"}, 2, []string{"colour"}},
		{"unknown command", []string{"paint"}, 2, []string{"paint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "exactly one line: %q", stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stderr, c)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 2, "a failed render writes nothing")
}
