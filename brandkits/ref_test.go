package brandkits

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in     string
		name   string
		number int
		pin    string
		err    string // in the error; empty: valid
	}{
		{in: "roastery", name: "roastery"},
		{in: "roastery@3", name: "roastery", number: 3},
		{in: "roastery@99999999", name: "roastery", number: 99_999_999},
		{in: "roastery@live", name: "roastery", pin: "live"},
		{in: "polder-stroom@staging-2", name: "polder-stroom", pin: "staging-2"},
		{in: "r2@v2", name: "r2", pin: "v2"},
		{in: "roastery@" + strings.Repeat("a", 32), name: "roastery", pin: strings.Repeat("a", 32)},

		{in: "", err: "kit name is empty"},
		{in: "@live", err: "kit name is empty"},
		{in: "Roastery@3", err: `must be lower case: roastery`},
		{in: "roast ery", err: "contains spaces"},
		{in: "../etc", err: "is not a slug"},
		{in: "r", err: "is not a slug"},
		{in: "roastery@", err: `nothing after "@"`},
		{in: "roastery@0", err: "versions count from 1"},
		{in: "roastery@000", err: "versions count from 1"},
		{in: "roastery@03", err: "leading zeros; write 3"},
		{in: "roastery@-1", err: "may hold only lower-case letters"},
		{in: "roastery@3a", err: `version "3a" is not a number`},
		{in: "roastery@100000000", err: "too high"},
		{in: "roastery@99999999999999999999999", err: "too high"},
		{in: "roastery@Live", err: "must be lower case: live"},
		{in: "roastery@" + strings.Repeat("a", 33), err: "longer than 32 characters"},
		{in: "roastery@li_ve", err: "may hold only lower-case letters"},
		{in: "roastery@live@3", err: "may hold only lower-case letters"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			name, number, pin, err := ParseRef(tt.in)
			if tt.err != "" {
				require.ErrorIs(t, err, ErrBadRef)
				assert.Contains(t, err.Error(), tt.err)
				assert.Contains(t, err.Error(), "kit reference")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.name, name)
			assert.Equal(t, tt.number, number)
			assert.Equal(t, tt.pin, pin)
			assert.Equal(t, tt.in, FormatRef(name, number, pin), "FormatRef inverts ParseRef")
		})
	}
}

func TestCheckPin(t *testing.T) {
	tests := []struct {
		pin string
		err string
	}{
		{pin: "live"},
		{pin: "a"},
		{pin: "", err: "empty"},
		{pin: "123", err: "starts with a digit"},
		{pin: "1live", err: "starts with a digit"},
		{pin: "-live", err: "starting with a letter"},
		{pin: "live/x", err: "only lower-case letters"},
	}
	for _, tt := range tests {
		t.Run(tt.pin, func(t *testing.T) {
			err := CheckPin(tt.pin)
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrBadRef)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestCheckVersionAndRefString(t *testing.T) {
	assert.NoError(t, CheckVersion(1))
	assert.ErrorIs(t, CheckVersion(0), ErrBadRef)
	assert.ErrorIs(t, CheckVersion(MaxVersion+1), ErrBadRef)
	assert.Equal(t, "roastery@4", Ref{Name: "roastery", Version: 4}.String())
	assert.Equal(t, "roastery", Ref{Name: "roastery"}.String(), "an unpublished folder has no number")
}
