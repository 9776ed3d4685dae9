package render

import (
	"bytes"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

func TestSampleProbePDFCPU(t *testing.T) {
	api.DisableConfigDir()
	pairs, _ := samples.Pairs()
	for _, p := range pairs {
		fsys, _ := samples.KitFS(p.Kit)
		kit, err := brandkits.LoadFS(fsys)
		require.NoError(t, err)
		r, _ := New(kit)
		data, _ := samples.Document(p.Document)
		doc, err := ParseDocument(data)
		require.NoError(t, err)
		v, err := r.buildView(doc)
		require.NoError(t, err)
		v.Action = nil
		for i := range v.Body {
			b := &v.Body[i]
			all := append([][]inline{b.Inlines}, b.Items...)
			for _, ins := range all {
				for j := range ins {
					ins[j].URL = ""
				}
			}
		}
		pdf, err := r.pdf(v)
		require.NoError(t, err)
		conf := model.NewDefaultConfiguration()
		conf.ValidationMode = model.ValidationStrict
		t.Log(p.Document, "strict, no links:", api.Validate(bytes.NewReader(pdf), conf))
		out, _ := r.Render(doc, FormatPDF)
		conf = model.NewDefaultConfiguration()
		conf.ValidationMode = model.ValidationRelaxed
		t.Log(p.Document, "relaxed:", api.Validate(bytes.NewReader(out.PDF), conf))
	}
}
