package render

import (
	"regexp"
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

// TestObjHeadersMatchRegexp checks the hand-rolled object header scan against
// the regular expression it replaced, on edge cases and on every sample PDF.
func TestObjHeadersMatchRegexp(t *testing.T) {
	re := regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)
	want := func(pdf []byte) [][4]int {
		var out [][4]int
		for _, m := range re.FindAllSubmatchIndex(pdf, -1) {
			out = append(out, [4]int{m[0], m[1], m[2], m[3]})
		}
		return out
	}
	inputs := map[string]string{
		"empty":            "",
		"first line":       "1 0 obj\n<<>>\nendobj\n",
		"no number":        "\n 0 obj\n",
		"mid line":         "x12 0 obj\n",
		"generation":       "\n12 10 obj\n",
		"two":              "%PDF\n3 0 obj\na\nendobj\n45 0 obj\nb\nendobj\n",
		"no newline after": "\n7 0 obj",
		"stream bytes":     "\n9 0 obj\nstream\n\x000 0 obj\n5 0 obj\nendstream\n",
	}
	for _, s := range smpSamples(t) {
		inputs["sample "+s.name] = string(s.out.PDF)
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want([]byte(in)), objHeaders([]byte(in)))
		})
	}
}
