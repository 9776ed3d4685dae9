package mapping_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/mapping/ubl"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// sampleFacts are figures written down by hand for each sample source: what
// the PDF of each document it maps to must show, in the kit's locale.
var sampleFacts = map[string][][]string{
	"sap-export.json": {{
		"0090012345", "Kaffeehaus Elbblick GmbH", "Elbchaussee 31", "PO-ELB-2026-118",
		"149,40 €", "64,62 €", "54,00 €", "52,90 €", "-10 %",
		"320,92 €", "18,76 €", "10,05 €", "349,73 €", "12. November 2026",
	}},
	"billing-run.csv": {
		{"PS-F-2026-11-600101", "€ 30,76", "€ 33,94", "Vaste leveringskosten; stroom", "€ 6,44", "€ 71,14", "€ 14,94", "€ 86,08"},
		{"PS-F-2026-11-600102", "€ 67,41", "€ 106,78", "€ 174,19", "€ 36,58", "€ 210,77"},
		{"PS-F-2026-11-600103", "€ 20,87", "€ 4,95", "€ 12,50", "€ 5,42", "€ 1,13", "€ 44,87"},
	},
	"ubl-invoice.xml": {{
		"RE-2026-12040", "Hotel Atlantik Betriebs GmbH", "Wareneingang Hof", "BEST-55821",
		"268,92 €", "135,00 €", "35,60 €", "Versand", "5,95 €",
		"445,47 €", "28,27 €", "7,89 €", "481,63 €",
	}},
	"ubl-credit-note.xml": {{
		"PS-C-2026-11-004417", "PS-F-2026-10-558301", "€ 11,53", "€ 7,50",
		"€ 19,03", "€ 4,00", "€ 23,03", "Correctie na controle van de meterstand",
	}},
}

// TestSampleSourcesRoundTrip maps every sample source with its profile,
// checks the canonical JSON with render.ParseDocument, renders it with its
// sample kit and reads the PDF's text back.
func TestSampleSourcesRoundTrip(t *testing.T) {
	pairs, err := samples.SourcePairs()
	require.NoError(t, err)
	require.Len(t, pairs, len(sampleFacts), "every sample source has facts here")
	for _, pair := range pairs {
		t.Run(pair.Source, func(t *testing.T) {
			facts, ok := sampleFacts[pair.Source]
			require.True(t, ok, "no facts for %s", pair.Source)
			docs := mapSample(t, pair)
			require.Len(t, docs, len(facts))
			fsys, err := samples.KitFS(pair.Kit)
			require.NoError(t, err)
			kit, err := brandkits.LoadFS(fsys)
			require.NoError(t, err)
			r, err := render.New(kit)
			require.NoError(t, err)
			for i, data := range docs {
				doc, err := render.ParseDocument(data)
				require.NoError(t, err, "the mapped JSON is canonical")
				out, err := r.Render(doc, render.FormatPDF)
				require.NoError(t, err)
				text := pdfText(t, out.PDF)
				for _, want := range facts[i] {
					assert.Contains(t, text, want, "%s document %d", pair.Source, i)
				}
			}
		})
	}
}

// mapSample maps one sample source to the canonical JSON of its documents.
func mapSample(t *testing.T, pair samples.SourcePair) [][]byte {
	t.Helper()
	data, err := samples.Source(pair.Source)
	require.NoError(t, err)
	if pair.Profile == "" {
		out, err := ubl.Parse(data)
		require.NoError(t, err)
		return [][]byte{out}
	}
	y, err := samples.Source(pair.Profile)
	require.NoError(t, err)
	p, err := mapping.ParseProfile(y)
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSuffix(pair.Profile, ".yaml"), p.Name, "a sample profile file is named after its profile")
	if p.CSV == nil {
		out, err := p.Map(data)
		require.NoError(t, err)
		return [][]byte{out}
	}
	var out [][]byte
	for d, err := range p.ReadCSV(bytes.NewReader(data)) {
		require.NoError(t, err)
		require.NoError(t, d.Err, d.Rows())
		out = append(out, d.JSON)
	}
	return out
}

// pdfText extracts a PDF's text with poppler's pdftotext (-raw keeps a
// table cell's lines together), skipping when it is not installed, except
// in CI, which must have it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not installed (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils): skipping the PDF text checks")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(f, pdf, 0o644))
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", f, "-").Output()
	require.NoError(t, err, "pdftotext")
	return string(out)
}
