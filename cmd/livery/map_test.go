package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sources = "../../samples/sources/"

// captureDiag collects the per-invoice lines of CSV runs for one test.
func captureDiag(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := diag
	diag = &buf
	t.Cleanup(func() { diag = old })
	return &buf
}

func TestMapPrintsCanonicalJSON(t *testing.T) {
	store := "file://" + t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ubl", []string{"--data", sources + "ubl-invoice.xml"}, `"number": "RE-2026-12040"`},
		{"ubl credit note", []string{"--data", sources + "ubl-credit-note.xml"}, `"credit_note_for": "PS-F-2026-10-558301"`},
		{"profile file", []string{"--profile", sources + "sap-export.yaml", "--data", sources + "sap-export.json"}, `"unit_price": "24.90"`},
		{"bundled profile", []string{"--profile", "sap-export", "--storage", store, "--data", sources + "sap-export.json"}, `"gross": "349.73"`},
		{"canonical", []string{"--data", "../../samples/documents/invoice-onepage.json"}, `"number": "RE-2026-11873"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"map"}, tt.args...)...)
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, stdout, tt.want)
			assert.True(t, json.Valid([]byte(stdout)), stdout)
		})
	}
}

func TestMapCSVPrintsNDJSON(t *testing.T) {
	captureDiag(t)
	code, stdout, stderr := runCLI(t, "map", "--profile", sources+"billing-run.yaml", "--data", sources+"billing-run.csv")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 3)
	for i, l := range lines {
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &doc), "line %d", i)
		assert.Equal(t, "PS-F-2026-11-60010"+string(rune('1'+i)), doc["number"])
	}
}

func TestMapReportsSourceAndTarget(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(sources + "sap-export.json")
	require.NoError(t, err)
	bad := writeFile(t, dir, "bad.json", strings.Replace(string(data), `"2,000"`, `"3,5x"`, 1))
	code, stdout, stderr := runCLI(t, "map", "--profile", sources+"sap-export.yaml", "--data", bad)
	assert.Equal(t, 1, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, `POSITIONEN[1].MENGE -> lines[1].quantity: not a number: "3,5x"`)
	assert.Contains(t, stdout, `"number": "0090012345"`, "the JSON built so far is printed to debug the mapping")
}

func TestRenderUBLAndLegacyJSON(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "render", "--kit", "roastery", "--data", sources+"ubl-invoice.xml", "--out", out, "--format", "txt")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, filepath.Join(out, "ubl-invoice.txt")+"\n", stdout)
	code, stdout, stderr = runCLI(t, "render", "--kit", "roastery", "--profile", sources+"sap-export.yaml", "--data", sources+"sap-export.json", "--out", out, "--format", "txt")
	require.Equal(t, 0, code, stderr)
	txt, err := os.ReadFile(strings.TrimSpace(stdout))
	require.NoError(t, err)
	assert.Contains(t, string(txt), "349,73")
}

func TestMapUsageErrors(t *testing.T) {
	dir := t.TempDir()
	doc := writeFile(t, dir, "doc.json", `{}`)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"map"}, 2, "--data is required"},
		{[]string{"map", "--data", sources + "billing-run.csv"}, 2, "CSV input needs --profile"},
		{[]string{"map", "--profile", sources + "sap-export.yaml", "--data", sources + "ubl-invoice.xml"}, 2, "UBL input is mapped without a profile"},
		{[]string{"map", "--input", "edifact", "--data", doc}, 2, `unknown input format "edifact"`},
		{[]string{"map", "--profile", sources + "billing-run.yaml", "--data", doc}, 2, "profile billing-run reads CSV billing runs"},
		{[]string{"map", "--profile", sources + "sap-export.yaml", "--input", "csv", "--data", doc}, 2, "profile sap-export maps JSON documents"},
		{[]string{"map", "--profile", "missing.yaml", "--data", doc}, 1, "profile file missing.yaml does not exist"},
		{[]string{"map", "--profile", doc, "--data", doc}, 1, "invalid mapping profile"},
		{[]string{"render", "--kit", "roastery", "--data", sources + "billing-run.csv"}, 2, "CSV input needs --profile"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, stderr)
		assert.Contains(t, stderr, tt.want, "%v", tt.args)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	}
}

func TestProfileLifecycle(t *testing.T) {
	store := "file://" + t.TempDir()
	profile := sources + "sap-export.yaml"

	code, out, _ := runCLI(t, "profile", "lint", profile)
	require.Equal(t, 0, code)
	assert.Equal(t, profile+": ok (profile sap-export: JSON documents to invoice)\n", out)
	bad := writeFile(t, t.TempDir(), "bad.yaml", "livery_profile: 1\nname: x1\ntarget: bill\nfields: {nummer: a}\n")
	code, out, errOut := runCLI(t, "profile", "lint", bad)
	assert.Equal(t, 1, code)
	assert.Equal(t, `target (line 3): must be "invoice", "credit_note" or "notice" (got "bill")`+"\n", out)
	assert.Contains(t, errOut, "1 problem(s)")

	code, out, errOut = runCLI(t, "profile", "publish", profile, "--note", "first", "--author", "ada", "--storage", store)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `^published sap-export@1 sha256:[0-9a-f]{64}\n$`, out)
	code, _, errOut = runCLI(t, "profile", "publish", "--storage", store, profile, "--note", "again")
	require.Equal(t, 0, code, errOut)

	code, out, _ = runCLI(t, "profile", "pin", "--storage", store, "sap-export@1", "live")
	require.Equal(t, 0, code)
	assert.Equal(t, "sap-export@live -> sap-export@1\n", out)
	code, out, _ = runCLI(t, "profile", "list", "--storage", store)
	require.Equal(t, 0, code)
	assert.Equal(t, "sap-export\tlatest 2\tpins live=1\n", out)
	code, out, _ = runCLI(t, "profile", "list", "--storage", store, "sap-export")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "@2\t")
	assert.Contains(t, out, "ada")
	code, out, _ = runCLI(t, "profile", "show", "--storage", store, "sap-export@live")
	require.Equal(t, 0, code)
	want, err := os.ReadFile(profile)
	require.NoError(t, err)
	assert.Equal(t, string(want), out)

	code, out, errOut = runCLI(t, "map", "--profile", "sap-export@live", "--storage", store, "--data", sources+"sap-export.json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"number": "0090012345"`)
	code, _, errOut = runCLI(t, "map", "--profile", "sap-export@7", "--storage", store, "--data", sources+"sap-export.json")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no version 7")
	code, _, errOut = runCLI(t, "profile", "frob")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "unknown profile command")
}
