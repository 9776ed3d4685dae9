package ubl

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsCreditorRef(t *testing.T) {
	for ref, want := range map[string]bool{
		"RF18 5390 0754 7034":             true,
		"RF18539007547034":                true,
		"rf18 5390 0754 7034":             true,
		"RF71 4350 0000 0000 0000 0000 1": false, // 22 characters after the check digits
		"RF19 5390 0754 7034":             false,
		"RF18":                            false,
		"RE-2026-12040":                   false,
		"RF45 G72U UR":                    true,
	} {
		assert.Equal(t, want, isCreditorRef(ref), ref)
	}
}

func TestXSDDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"1300": "1300", "+1.5": "1.5", ".5": "0.5", "5.": "5", "-0.25": "-0.25", "-.5": "-0.5",
		"": "", ".": ".", "1e3": "1e3", "12,50": "12,50", "+": "+",
	} {
		assert.Equal(t, want, xsdDecimal(in), in)
	}
}

func TestEscapeMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"Order *42* - see [terms]": `Order \*42\* - see \[terms\]`,
		"- not a list\n+ nor this": "\\- not a list\n\\+ nor this",
		"1. first\n 2) second":     "1\\. first\n 2\\) second",
		"# no heading <b>":         `\# no heading \<b\>`,
		"plain text, 3.5 kg":       "plain text, 3.5 kg",
	} {
		assert.Equal(t, want, escapeMarkdown(in), in)
	}
}
