package render

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecimalUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		valid   bool
		str     string // String()
		value   string // Dec().String() when valid
		problem string // when invalid
	}{
		{name: "string", json: `"12.50"`, valid: true, str: "12.50", value: "12.5"},
		{name: "number", json: `12.5`, valid: true, str: "12.5", value: "12.5"},
		{name: "integer", json: `3`, valid: true, str: "3", value: "3"},
		{name: "negative", json: `"-0.005"`, valid: true, str: "-0.005", value: "-0.005"},
		{name: "zero", json: `0`, valid: true, str: "0", value: "0"},
		{name: "escaped string", json: `"\u0031.5"`, valid: true, str: "1.5", value: "1.5"},
		{name: "max digits", json: `"999999999999999.999999"`, valid: true, str: "999999999999999.999999", value: "999999999999999.999999"},
		{name: "exponent string", json: `"1e999"`, problem: `"1e999" is not a decimal number`},
		{name: "exponent number", json: `1e999`, problem: `"1e999" is not a decimal number`},
		{name: "huge exponent", json: `1E999999999`, problem: `"1E999999999" is not a decimal number`},
		{name: "too many integer digits", json: `"1234567890123456"`, problem: `"1234567890123456" has too many digits (at most 15 before and 6 after the decimal point)`},
		{name: "too many fraction digits", json: `1.1234567`, problem: `"1.1234567" has too many digits (at most 15 before and 6 after the decimal point)`},
		{name: "million digits", json: "1" + strings.Repeat("0", 1_000_000), problem: `"1000000000000000000000000000000000000000…" is not a decimal number`},
		{name: "plus sign", json: `"+1"`, problem: `"+1" is not a decimal number`},
		{name: "leading space", json: `" 1"`, problem: `" 1" is not a decimal number`},
		{name: "trailing space", json: `"1 "`, problem: `"1 " is not a decimal number`},
		{name: "no integer part", json: `".5"`, problem: `".5" is not a decimal number`},
		{name: "no fraction part", json: `"5."`, problem: `"5." is not a decimal number`},
		{name: "comma", json: `"12,50"`, problem: `"12,50" is not a decimal number`},
		{name: "empty string", json: `""`, problem: `"" is not a decimal number`},
		{name: "minus only", json: `"-"`, problem: `"-" is not a decimal number`},
		{name: "hex", json: `"0x10"`, problem: `"0x10" is not a decimal number`},
		{name: "NaN", json: `"NaN"`, problem: `"NaN" is not a decimal number`},
		{name: "boolean", json: `true`, problem: `"true" is not a decimal number`},
		{name: "object", json: `{}`, problem: `"{}" is not a decimal number`},
		{name: "arabic digits", json: `"١٢"`, problem: `"١٢" is not a decimal number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decimal
			require.NoError(t, d.UnmarshalJSON([]byte(tt.json)))
			assert.True(t, d.IsSet())
			assert.Equal(t, tt.valid, d.Valid())
			if tt.valid {
				assert.Equal(t, tt.str, d.String())
				assert.Equal(t, tt.value, d.Dec().String())
				return
			}
			assert.Equal(t, tt.problem, d.problem())
			assert.True(t, d.Dec().IsZero(), "an invalid decimal has no value")
		})
	}
}

func TestDecimalNullAndZero(t *testing.T) {
	var d Decimal
	require.NoError(t, json.Unmarshal([]byte(`null`), &d))
	assert.False(t, d.IsSet())
	assert.False(t, d.Valid())
	assert.Equal(t, "", d.String())
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
}

func TestDecimalMarshalJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"12.50"`, `"12.50"`},
		{`12.5`, `"12.5"`},
		{`"-3"`, `"-3"`},
		{`"1e3"`, `"1e3"`}, // an invalid value round-trips so it is reported again
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d Decimal
			require.NoError(t, json.Unmarshal([]byte(tt.in), &d))
			b, err := json.Marshal(d)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b))
		})
	}
}

func TestNewDecimal(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{in: "0.1"},
		{in: "-7"},
		{in: "1.0000001", wantErr: `"1.0000001" has too many digits (at most 15 before and 6 after the decimal point)`},
		{in: "abc", wantErr: `"abc" is not a decimal number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := NewDecimal(tt.in)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				assert.Panics(t, func() { MustDecimal(tt.in) })
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.in, d.String())
			assert.Equal(t, d, MustDecimal(tt.in))
		})
	}
}

func TestDecimalFrom(t *testing.T) {
	tests := []struct {
		name  string
		in    decimal.Decimal
		valid bool
		str   string
	}{
		{name: "small", in: decimal.New(1250, -2), valid: true, str: "12.5"},
		{name: "integer exponent", in: decimal.New(5, 3), valid: true, str: "5000"},
		{name: "beyond the digit limit", in: decimal.New(1, 20), valid: false, str: "100000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecimalFrom(tt.in)
			assert.Equal(t, tt.valid, d.Valid())
			assert.Equal(t, tt.str, d.String())
		})
	}
}

func TestDecimalFractionDigits(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"12", 0}, {"12.5", 1}, {"12.50", 2}, {"0.005", 3}, {"-1.000000", 6}}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, MustDecimal(tt.in).FractionDigits())
		})
	}
	assert.Equal(t, 0, Decimal{}.FractionDigits())
}

// TestDecimalNoFloat guards the money code against floating point creeping in:
// a single float conversion makes 0.1 + 0.2 wrong on an invoice.
func TestDecimalNoFloat(t *testing.T) {
	float := regexp.MustCompile(`NewFromFloat|InexactFloat|\.Float64\(|float64\(|float32|\bfloat64\b`)
	for _, f := range []string{"decimal.go", "totals.go", "validate.go", "parse.go"} {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, line := range strings.Split(string(src), "\n") {
			if code, _, _ := strings.Cut(line, "//"); float.MatchString(code) {
				t.Errorf("%s:%d uses floating point: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
