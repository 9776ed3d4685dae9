package render_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// mustSample renders a sample document with its sample kit in the given formats.
func mustSample(t *testing.T, kitName, docName string, formats ...render.Format) *render.Output {
	t.Helper()
	fsys, err := samples.KitFS(kitName)
	require.NoError(t, err)
	kit, err := brandkits.LoadFS(fsys)
	require.NoError(t, err)
	r, err := render.New(kit)
	require.NoError(t, err)
	data, err := samples.Document(docName)
	require.NoError(t, err)
	doc, err := render.ParseDocument(data)
	require.NoError(t, err)
	out, err := r.Render(doc, formats...)
	require.NoError(t, err)
	return out
}

func TestSMSSummary(t *testing.T) {
	tests := []struct {
		kit, doc string
		want     []string
	}{
		{"roastery", "invoice-onepage.json", []string{"Morgenrot", "RE-2026-11873", "306,03\u00a0€", "26. November 2026"}},
		{"telecom", "invoice-60-lines.json", []string{"Vivid Wireless", "VW-2026-1115-00087", "$1,166.72", "December 5, 2026"}},
		{"insurer", "invoice-kwd.json", []string{"KWD\u00a0412.319"}},
		{"insurer", "payment-reminder.json", []string{"Harbour Health", "https://harbourhealth.co.uk/pay?policy=HH-2231-0457"}},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			out := mustSample(t, tt.kit, tt.doc, render.FormatSMS, render.FormatText)
			sms := string(out.SMS)
			assert.LessOrEqual(t, utf8.RuneCountInString(sms), 160)
			assert.NotContains(t, sms, "\n")
			for _, w := range tt.want {
				assert.Contains(t, sms, w)
			}
			// The summary says what the email text part says, in the same words.
			text := strings.Join(strings.Fields(string(out.Text)), " ")
			for _, w := range tt.want {
				assert.Contains(t, text, strings.Join(strings.Fields(w), " "))
			}
			assert.Nil(t, out.PDF, "formats not asked for are not rendered")
		})
	}
}
