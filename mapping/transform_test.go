package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestToDecimal(t *testing.T) {
	tests := []struct {
		in    string
		comma bool
		minor int
		want  string
		err   string
	}{
		{in: "12.50", minor: -1, want: "12.50"},
		{in: " 12 ", minor: -1, want: "12"},
		{in: "+3", minor: -1, want: "3"},
		{in: "-0.5", minor: -1, want: "-0.5"},
		{in: "12,50-", minor: -1, comma: true, want: "-12.50"},
		{in: "12.50-", minor: -1, want: "-12.50"},
		{in: "3,5", comma: true, minor: -1, want: "3.5"},
		{in: "1.234,56", comma: true, minor: -1, want: "1234.56"},
		{in: "1 234 567,8", comma: true, minor: -1, want: "1234567.8"},
		{in: "1'234,5", comma: true, minor: -1, want: "1234.5"},
		{in: "1\u00a0234,5", comma: true, minor: -1, want: "1234.5"},
		{in: "1.500", comma: true, minor: -1, want: "1500"},
		{in: "1250", minor: 2, want: "12.50"},
		{in: "5", minor: 2, want: "0.05"},
		{in: "-5", minor: 2, want: "-0.05"},
		{in: "0", minor: 2, want: "0.00"},
		{in: "-0", minor: 2, want: "0.00"},
		{in: "007", minor: 0, want: "7"},
		{in: "1.250", comma: true, minor: 2, want: "12.50"},
		{in: "1234567", minor: 3, want: "1234.567"},
		{in: "3,5x", comma: true, minor: -1, err: `not a number: "3,5x"`},
		{in: "3.5", comma: true, minor: -1, err: `not a number: "3.5"`},
		{in: "1.23.4,5", comma: true, minor: -1, err: `not a number: "1.23.4,5"`},
		{in: "3,5", minor: -1, err: `not a number: "3,5" (a decimal comma? set decimal_comma: true)`},
		{in: "1e3", minor: -1, err: `not a number: "1e3"`},
		{in: "abc", minor: -1, err: `not a number: "abc"`},
		{in: "12.5", minor: 2, err: `not a whole number of minor units: "12.5"`},
		{in: "12345678901234567890123456789012345678901234567890123456789012345", minor: -1, err: `not a number: "1234567890123456789012345678901234567890…"`},
	}
	for _, tt := range tests {
		got, problem := toDecimal(tt.in, tt.comma, tt.minor)
		assert.Equal(t, tt.err, problem, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestDateFormats(t *testing.T) {
	tests := []struct {
		format, in, want, err string
	}{
		{format: "YYYYMMDD", in: "20260302", want: "2026-03-02"},
		{format: "DD.MM.YYYY", in: "02.03.2026", want: "2026-03-02"},
		{format: "DD-MM-YYYY", in: " 29-02-2024 ", want: "2024-02-29"},
		{format: "MM/DD/YY", in: "03/02/26", want: "2026-03-02"},
		{format: "02.01.2006", in: "02.03.2026", want: "2026-03-02"},
		{format: "2006-01-02T15:04:05", in: "2026-03-02T23:59:00", want: "2026-03-02"},
		{format: "Jan 2, 2006", in: "Mar 2, 2026", want: "2026-03-02"},
		{format: "YYYYMMDD", in: "20261312", err: `not a date in the format YYYYMMDD: "20261312"`},
		{format: "YYYYMMDD", in: "20250229", err: `not a date in the format YYYYMMDD: "20250229"`},
		{format: "DD.MM.YYYY", in: "2.3.2026", err: `not a date in the format DD.MM.YYYY: "2.3.2026"`},
	}
	for _, tt := range tests {
		f, err := parseDateFormat(tt.format)
		require.NoError(t, err, tt.format)
		got, problem := f.parse(tt.in)
		assert.Equal(t, tt.err, problem, "%s %q", tt.format, tt.in)
		assert.Equal(t, tt.want, got, "%s %q", tt.format, tt.in)
	}
	for _, bad := range []string{"", "XX", "YYYY", "MM.YYYY", "DD.MM", "hello", "2006-01"} {
		_, err := parseDateFormat(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestTextTransforms(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"trim", "  ESPRESSO  ", "ESPRESSO"},
		{"collapse", "  ELBCHAUSSEE   31 \t A ", "ELBCHAUSSEE 31 A"},
		{"upper", "straße", "STRAßE"},
		{"lower", "MÜLLER", "müller"},
		{"sentence", "ESPRESSO BEANS. HOUSE BLEND! 3 BAGS? YES", "Espresso beans. House blend! 3 bags? Yes"},
		{"sentence", "  ÄPFEL", "  Äpfel"},
		{"title", "MÜLLER-LÜDENSCHEIDT O'NEILL 3RD", "Müller-Lüdenscheidt O'Neill 3rd"},
		{"title", "ǆEMAL", "ǅemal"},
	}
	for _, tt := range tests {
		fn, ok := transforms[tt.name]
		require.True(t, ok, tt.name)
		assert.Equal(t, tt.want, fn(tt.in), "%s %q", tt.name, tt.in)
	}
	assert.Len(t, transformNames, len(transforms), "every transform is listed for messages and docs")
}

func TestShiftMinor(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"1", "0"}: "1", {"100", "2"}: "1.00", {"99", "3"}: "0.099", {"-100000", "6"}: "-0.100000",
	} {
		places := int(in[1][0] - '0')
		assert.Equal(t, want, shiftMinor(in[0], places), "%v", in)
	}
}
