package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitDicts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		err  string
	}{
		{"two links", `<</A <</S /URI /URI (https://a.example/x)>>>> <</B 1>>`, []string{`<</A <</S /URI /URI (https://a.example/x)>>>>`, `<</B 1>>`}, ""},
		{"brackets and escaped parens in a string", `<</URI (https://a.example/?q=[1]\)>>\(<<)>>`, []string{`<</URI (https://a.example/?q=[1]\)>>\(<<)>>`}, ""},
		{"nested parens", `<</T (a (b) c)>>`, []string{`<</T (a (b) c)>>`}, ""},
		{"hex string", `<</T <48656c6c6f3e>>>`, []string{`<</T <48656c6c6f3e>>>`}, ""},
		{"unterminated string", `<</T (abc>>`, nil, "unterminated string"},
		{"unbalanced", `<</T 1`, nil, "unbalanced"},
		{"empty", ``, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitDicts([]byte(tt.in))
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			var s []string
			for _, g := range got {
				s = append(s, string(g))
			}
			assert.Equal(t, tt.want, s)
		})
	}
}

func TestIndirectAnnotsLeavesPlainPDFAlone(t *testing.T) {
	in := []byte("%PDF-1.4\n1 0 obj\n<</Type /Page>>\nendobj\ntrailer\n<<\n/Size 2\n/Root 1 0 R\n>>\nstartxref\n9\n%%EOF\n")
	out, err := indirectAnnots(in)
	require.NoError(t, err)
	assert.Equal(t, in, out)
}

func TestIndirectAnnotsRewritesPage(t *testing.T) {
	in := []byte("%PDF-1.4\n3 0 obj\n<</Type /Page\n/Parent 1 0 R\n/Annots [<</Type /Annot /Subtype /Link /A <</S /URI /URI (https://x.example/[a])>>>><</Type /Annot /Subtype /Link>>]\n/Contents 4 0 R>>\nendobj\n" +
		"trailer\n<<\n/Size 7\n/Root 6 0 R\n/Info 5 0 R\n/ID [()()]\n>>\nstartxref\n123\n%%EOF\n")
	out, err := indirectAnnots(in)
	require.NoError(t, err)
	s := string(out)
	assert.True(t, len(out) > len(in) && s[:len(in)] == string(in), "an incremental update only appends")
	assert.Contains(t, s, "7 0 obj\n<</Type /Annot /Subtype /Link /A <</S /URI /URI (https://x.example/[a])>>>>\nendobj\n")
	assert.Contains(t, s, "8 0 obj\n<</Type /Annot /Subtype /Link>>\nendobj\n")
	assert.Contains(t, s, "3 0 obj\n<</Type /Page\n/Parent 1 0 R\n/Annots [7 0 R 8 0 R]\n/Contents 4 0 R>>\nendobj\n")
	assert.Contains(t, s, "xref\n3 1\n")
	assert.Contains(t, s, "7 2\n")
	assert.Contains(t, s, "trailer\n<<\n/Size 9\n/Root 6 0 R\n/Info 5 0 R\n/ID [()()]\n/Prev 123\n>>\nstartxref\n")
	again, err := indirectAnnots(in)
	require.NoError(t, err)
	assert.Equal(t, out, again, "deterministic")
}
