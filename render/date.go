package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Date is a calendar date without time or zone, written "YYYY-MM-DD" in JSON.
// Like Decimal, unmarshalling never fails: a Date keeps the text it was given
// and whether it is a real date, and validation reports the field
// ("issue_date: \"2026-13-01\" is not a date (YYYY-MM-DD)"). The zero value is
// unset.
type Date struct {
	y     int
	m     time.Month
	d     int
	raw   string
	set   bool
	valid bool
}

// NewDate returns the date year-month-day. Unlike time.Date it does not
// normalise: 2026-02-30 gives an invalid Date (and an error from Validate),
// not 2 March.
func NewDate(year int, month time.Month, day int) Date {
	return dateFromText(fmt.Sprintf("%04d-%02d-%02d", year, int(month), day))
}

// ParseDate parses s, which must be "YYYY-MM-DD" and a real calendar date.
func ParseDate(s string) (Date, error) {
	d := dateFromText(s)
	if !d.valid {
		return d, errors.New(d.problem())
	}
	return d, nil
}

// MustDate is ParseDate for literals in code and tests; it panics on a
// malformed s.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dateFromText(s string) Date {
	x := Date{raw: s, set: true}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return x
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return x
	}
	x.y, x.m, x.d, x.valid = y, time.Month(m), d, true
	return x
}

// digits parses a short run of ASCII digits; strconv.Atoi would also take a sign.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (x Date) problem() string {
	return quoted(x.raw) + " is not a date (YYYY-MM-DD)"
}

// Year returns the year; 0 when unset or invalid.
func (x Date) Year() int { return x.y }

// Month returns the month; 0 when unset or invalid.
func (x Date) Month() time.Month { return x.m }

// Day returns the day of the month; 0 when unset or invalid.
func (x Date) Day() int { return x.d }

// Time returns midnight UTC of the date, which renderers use as the PDF
// creation date so output never depends on the clock; the zero time when
// unset or invalid.
func (x Date) Time() time.Time {
	if !x.valid {
		return time.Time{}
	}
	return time.Date(x.y, x.m, x.d, 0, 0, 0, 0, time.UTC)
}

// IsZero reports whether no date was given.
func (x Date) IsZero() bool { return !x.set }

// Valid reports whether a date was given and is a real calendar date.
func (x Date) Valid() bool { return x.valid }

// String returns "YYYY-MM-DD", the rejected text for an invalid date, and ""
// when unset.
func (x Date) String() string { return x.raw }

// Before reports whether x is before y; false when either is not valid.
func (x Date) Before(y Date) bool { return x.valid && y.valid && x.cmp(y) < 0 }

// After reports whether x is after y; false when either is not valid.
func (x Date) After(y Date) bool { return x.valid && y.valid && x.cmp(y) > 0 }

// Equal reports whether x and y are the same valid date.
func (x Date) Equal(y Date) bool { return x.valid && y.valid && x.cmp(y) == 0 }

func (x Date) cmp(y Date) int {
	switch {
	case x.y != y.y:
		return x.y - y.y
	case x.m != y.m:
		return int(x.m - y.m)
	}
	return x.d - y.d
}

// MarshalJSON writes "YYYY-MM-DD" (or the rejected text); an unset Date is null.
func (x Date) MarshalJSON() ([]byte, error) {
	if !x.set {
		return []byte("null"), nil
	}
	return json.Marshal(x.raw)
}

// UnmarshalJSON records a JSON string's content (or any other JSON text); it
// never fails, see Date.
func (x *Date) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		// encoding/json's convention: null leaves the value alone (unset).
		return nil
	}
	*x = dateFromText(jsonScalarText(data))
	return nil
}
