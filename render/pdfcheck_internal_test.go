package render

import (
	"bytes"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/assert"
)

func TestSamplePDFStrictValidation(t *testing.T) {
	// Without this pdfcpu writes a config.yml into the user's config
	// directory on first use; the built-in defaults are all validation needs.
	api.DisableConfigDir()
	for _, s := range smpSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			conf := model.NewDefaultConfiguration()
			conf.ValidationMode = model.ValidationStrict
			assert.NoError(t, api.Validate(bytes.NewReader(s.out.PDF), conf), "pdfcpu strict validation")
		})
	}
}
