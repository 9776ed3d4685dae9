package preview

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPreviewShowsLegacySamples checks that the bundled legacy sources (a
// JSON export and a CSV run through their profiles, UBL documents) appear
// on the page as the documents they map to, rendered without problems.
func TestPreviewShowsLegacySamples(t *testing.T) {
	docs, err := sampleSourceDocs()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, d := range docs {
		names[d.name] = true
		data, err := d.read()
		require.NoError(t, err, d.name)
		assert.Contains(t, string(data), `"type"`, d.name)
	}
	for _, want := range []string{"sap-export.json", "ubl-invoice.xml", "ubl-credit-note.xml", "billing-run-1.csv", "billing-run-3.csv"} {
		assert.True(t, names[want], "legacy sample %s listed (have %v)", want, names)
	}
	assert.False(t, names["billing-run-4.csv"], "the sample CSV run has three invoices")
}
