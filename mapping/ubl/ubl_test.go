package ubl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/mapping/ubl"
	"github.com/liveryhq/livery/render"
)

var update = flag.Bool("update", false, "rewrite the expected outputs under testdata")

// golden compares got with the file path, or writes it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./mapping/ubl -update to create it")
	assert.Equal(t, string(want), string(got), path)
}

// problems returns the problems of a mapping error, one per line.
func problems(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	var merr *mapping.Error
	require.True(t, errors.As(err, &merr), "%T: %v", err, err)
	assert.ErrorIs(t, err, render.ErrInvalid)
	var out []string
	for _, p := range merr.Problems {
		out = append(out, p.Error())
	}
	return out
}

// TestValidCorpus maps every document under testdata/valid and compares the
// canonical JSON with the .json file beside it.
func TestValidCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.xml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			doc, out, err := ubl.ParseDocument(data)
			require.NoError(t, err)
			require.NotNil(t, doc)
			var buf bytes.Buffer
			require.NoError(t, json.Indent(&buf, out, "", "  "))
			buf.WriteByte('\n')
			golden(t, strings.TrimSuffix(f, ".xml")+".json", buf.Bytes())
			again, err := render.ParseDocument(out)
			require.NoError(t, err)
			assert.Equal(t, doc.Type, again.Type)
		})
	}
}

// TestInvalidCorpus maps every document under testdata/invalid and compares
// its problems with the .want file beside it, one problem a line.
func TestInvalidCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.xml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			_, _, err = ubl.ParseDocument(data)
			golden(t, strings.TrimSuffix(f, ".xml")+".want", []byte(strings.Join(problems(t, err), "\n")+"\n"))
		})
	}
}

func TestLimits(t *testing.T) {
	const open = `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`
	tests := map[string][]byte{
		"(document): empty input: expected a UBL Invoice or CreditNote":                    []byte("  \n"),
		"(document): input is 5242881 bytes, more than the limit of 5242880 bytes (5 MiB)": bytes.Repeat([]byte(" "), ubl.MaxSize+1),
		"(document): elements nested more than 64 deep (line 1)":                           []byte(open + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100) + "</Invoice>"),
		"(document): more than 250000 elements":                                            []byte(open + strings.Repeat("<x/>", ubl.MaxElements) + "</Invoice>"),
		"(document): more than one root element":                                           []byte(open + "</Invoice><Invoice/>"),
		"(document): not well-formed XML: line 1: unexpected EOF":                          []byte(open),
		"(document): no root element":                                                      []byte("<!-- nothing -->"),
		"(document): an element with more than 64 attributes (line 1)":                     []byte(`<Invoice` + attrs(70) + `/>`),
	}
	for want, data := range tests {
		_, out, err := ubl.ParseDocument(data)
		assert.Equal(t, []string{want}, problems(t, err))
		assert.Nil(t, out)
	}
}

func attrs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(` a` + strings.Repeat("x", i) + `="1"`)
	}
	return b.String()
}

func TestParseReturnsJSONWithErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/invalid/totals-mismatch.xml")
	require.NoError(t, err)
	out, err := ubl.Parse(data)
	require.Error(t, err)
	assert.Contains(t, string(out), `"number":"INV-1001"`, "the JSON is there to debug the mapping")
}
