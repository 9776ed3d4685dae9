package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidationErrorMessage(t *testing.T) {
	tests := []struct {
		name     string
		problems []FieldError
		want     string
	}{
		{
			name:     "one",
			problems: []FieldError{{Path: "number", Message: "required"}},
			want:     "invalid document: 1 problem: number: required",
		},
		{
			name: "several, sorted",
			problems: []FieldError{
				{Path: "lines[0].quantity", Message: "must be greater than 0 (got 0)"},
				{Path: "currency", Message: "required"},
				{Path: "", Message: "empty input"},
			},
			want: "invalid document: 3 problems: (document): empty input; currency: required; lines[0].quantity: must be greater than 0 (got 0)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newValidationError(tt.problems)
			require.Error(t, err)
			assert.EqualError(t, err, tt.want)
			assert.ErrorIs(t, err, ErrInvalid)
			var ve *ValidationError
			require.ErrorAs(t, fmt.Errorf("wrapped: %w", err), &ve)
			assert.Len(t, ve.Problems, len(tt.problems))
		})
	}
	assert.NoError(t, newValidationError(nil))
}

func TestFieldErrorError(t *testing.T) {
	assert.Equal(t, "buyer.address.lines[0]: required", FieldError{Path: "buyer.address.lines[0]", Message: "required"}.Error())
	assert.Equal(t, "(document): empty input", FieldError{Message: "empty input"}.Error())
}

func TestValidationErrorOrderAndCap(t *testing.T) {
	var ps []FieldError
	for i := 150; i >= 0; i-- {
		ps = append(ps, FieldError{Path: joinIndex("lines", i) + ".quantity", Message: "required"})
	}
	ps = append(ps, ps[0]) // an exact duplicate is listed once
	err := newValidationError(ps)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, MaxProblems)
	assert.Equal(t, 151-MaxProblems, ve.Omitted)
	assert.Equal(t, "lines[0].quantity", ve.Problems[0].Path)
	assert.Equal(t, "lines[2].quantity", ve.Problems[2].Path)
	assert.Equal(t, "lines[10].quantity", ve.Problems[10].Path)
	assert.True(t, strings.HasPrefix(err.Error(), "invalid document: 151 problems: lines[0].quantity: required; "))
	assert.True(t, strings.HasSuffix(err.Error(), "; and 51 more"))
}

func TestComparePaths(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"", "number", -1},
		{"lines[2]", "lines[10]", -1},
		{"lines[2].quantity", "lines[10].description", -1},
		{"lines", "lines[0]", -1},
		{"buyer.name", "buyer.address.lines[0]", 1},
		{"currency", "currency", 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			got := comparePaths(tt.a, tt.b)
			switch {
			case tt.want < 0:
				assert.Negative(t, got)
			case tt.want > 0:
				assert.Positive(t, got)
			default:
				assert.Zero(t, got)
			}
		})
	}
}

func TestJoinKey(t *testing.T) {
	tests := []struct{ parent, key, want string }{
		{"", "number", "number"},
		{"buyer", "first_name", "buyer.first_name"},
		{"buyer", "a.b", `buyer["a.b"]`},
		{"", "", `[""]`},
		{"lines[0]", "with space", `lines[0]["with space"]`},
		{"", strings.Repeat("k", 100), `["` + strings.Repeat("k", 40) + `…"]`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, joinKey(tt.parent, tt.key))
		})
	}
}

func TestErrInvalidIsSentinel(t *testing.T) {
	assert.False(t, errors.Is(errors.New("invalid document"), ErrInvalid))
}
