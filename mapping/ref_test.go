package mapping_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/mapping"
)

func TestParseRef(t *testing.T) {
	valid := []struct {
		ref, name, pin string
		number         int
	}{
		{ref: "sap-export", name: "sap-export"},
		{ref: "sap-export@3", name: "sap-export", number: 3},
		{ref: "sap-export@live", name: "sap-export", pin: "live"},
		{ref: "a1@99999999", name: "a1", number: 99999999},
	}
	for _, tt := range valid {
		name, number, pin, err := mapping.ParseRef(tt.ref)
		require.NoError(t, err, tt.ref)
		assert.Equal(t, []any{tt.name, tt.number, tt.pin}, []any{name, number, pin}, tt.ref)
		assert.Equal(t, tt.ref, mapping.FormatRef(name, number, pin))
	}
	invalid := map[string]string{
		"":                                    "profile name is empty",
		"Sap-Export":                          "must be lower case: sap-export",
		"sap export":                          "is not a slug",
		"x":                                   "is not a slug",
		"sap@":                                `nothing after "@"`,
		"sap@0":                               "version 0 does not exist",
		"sap@01":                              "not a number without leading zeros",
		"sap@100000000":                       "version 100000000 does not exist",
		"sap@Live":                            "is not a pin name",
		"sap@live-" + strings.Repeat("x", 40): "is not a pin name",
	}
	for ref, want := range invalid {
		_, _, _, err := mapping.ParseRef(ref)
		require.Error(t, err, ref)
		assert.ErrorIs(t, err, mapping.ErrBadRef, ref)
		assert.Contains(t, err.Error(), want, ref)
	}
	assert.ErrorIs(t, mapping.CheckPin("1st"), mapping.ErrBadRef)
	assert.ErrorIs(t, mapping.CheckVersion(0), mapping.ErrBadRef)
	assert.Equal(t, "sap@2", mapping.Version{Name: "sap", Number: 2}.Ref())
}
