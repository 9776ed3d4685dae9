package render

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		y       int
		m       time.Month
		d       int
		problem string // when invalid
	}{
		{name: "plain", json: `"2026-03-02"`, y: 2026, m: time.March, d: 2},
		{name: "leap day", json: `"2024-02-29"`, y: 2024, m: time.February, d: 29},
		{name: "end of year", json: `"1999-12-31"`, y: 1999, m: time.December, d: 31},
		{name: "no leap day", json: `"2025-02-29"`, problem: `"2025-02-29" is not a date (YYYY-MM-DD)`},
		{name: "century no leap", json: `"1900-02-29"`, problem: `"1900-02-29" is not a date (YYYY-MM-DD)`},
		{name: "month 13", json: `"2026-13-01"`, problem: `"2026-13-01" is not a date (YYYY-MM-DD)`},
		{name: "month 0", json: `"2026-00-10"`, problem: `"2026-00-10" is not a date (YYYY-MM-DD)`},
		{name: "day 31 in april", json: `"2026-04-31"`, problem: `"2026-04-31" is not a date (YYYY-MM-DD)`},
		{name: "day 0", json: `"2026-04-00"`, problem: `"2026-04-00" is not a date (YYYY-MM-DD)`},
		{name: "year 0", json: `"0000-01-01"`, problem: `"0000-01-01" is not a date (YYYY-MM-DD)`},
		{name: "short month", json: `"2026-1-01"`, problem: `"2026-1-01" is not a date (YYYY-MM-DD)`},
		{name: "timestamp", json: `"2026-01-01T00:00:00Z"`, problem: `"2026-01-01T00:00:00Z" is not a date (YYYY-MM-DD)`},
		{name: "german", json: `"02.03.2026"`, problem: `"02.03.2026" is not a date (YYYY-MM-DD)`},
		{name: "signed", json: `"+026-01-01"`, problem: `"+026-01-01" is not a date (YYYY-MM-DD)`},
		{name: "empty", json: `""`, problem: `"" is not a date (YYYY-MM-DD)`},
		{name: "number", json: `20260101`, problem: `"20260101" is not a date (YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Date
			require.NoError(t, d.UnmarshalJSON([]byte(tt.json)))
			assert.False(t, d.IsZero())
			if tt.problem != "" {
				assert.False(t, d.Valid())
				assert.Equal(t, tt.problem, d.problem())
				assert.True(t, d.Time().IsZero())
				return
			}
			require.True(t, d.Valid())
			assert.Equal(t, tt.y, d.Year())
			assert.Equal(t, tt.m, d.Month())
			assert.Equal(t, tt.d, d.Day())
			assert.Equal(t, time.Date(tt.y, tt.m, tt.d, 0, 0, 0, 0, time.UTC), d.Time())
			assert.Equal(t, tt.json, `"`+d.String()+`"`)
		})
	}
}

func TestDateZero(t *testing.T) {
	var d Date
	require.NoError(t, json.Unmarshal([]byte(`null`), &d))
	assert.True(t, d.IsZero())
	assert.False(t, d.Valid())
	assert.Equal(t, "", d.String())
	assert.True(t, d.Time().IsZero())
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
}

func TestDateCompare(t *testing.T) {
	a, b := MustDate("2026-01-31"), MustDate("2026-02-01")
	bad := dateFromText("2026-02-30")
	tests := []struct {
		name                  string
		x, y                  Date
		before, after, equals bool
	}{
		{name: "earlier", x: a, y: b, before: true},
		{name: "later", x: b, y: a, after: true},
		{name: "same", x: a, y: MustDate("2026-01-31"), equals: true},
		{name: "year wins", x: MustDate("2025-12-31"), y: MustDate("2026-01-01"), before: true},
		{name: "invalid never compares", x: bad, y: a},
		{name: "zero never compares", x: Date{}, y: a},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.before, tt.x.Before(tt.y))
			assert.Equal(t, tt.after, tt.x.After(tt.y))
			assert.Equal(t, tt.equals, tt.x.Equal(tt.y))
		})
	}
}

func TestNewDate(t *testing.T) {
	tests := []struct {
		name  string
		date  Date
		valid bool
		str   string
	}{
		{name: "valid", date: NewDate(2026, time.March, 2), valid: true, str: "2026-03-02"},
		{name: "not normalised", date: NewDate(2026, time.February, 30), valid: false, str: "2026-02-30"},
		{name: "year out of range", date: NewDate(12026, time.January, 1), valid: false, str: "12026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.valid, tt.date.Valid())
			assert.Equal(t, tt.str, tt.date.String())
		})
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2026-03-02")
	require.NoError(t, err)
	assert.Equal(t, MustDate("2026-03-02"), d)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Equal(t, `"2026-03-02"`, string(b))

	_, err = ParseDate("2026-13-01")
	assert.EqualError(t, err, `"2026-13-01" is not a date (YYYY-MM-DD)`)
	assert.Panics(t, func() { MustDate("tomorrow") })
}
