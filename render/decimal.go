package render

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// MaxIntegerDigits is the most digits a Decimal may have before the point:
// enough for any real amount, and small enough that no sender can make Livery
// expand "1e999999999" or a million-digit number.
const MaxIntegerDigits = 15

// MaxFractionDigits is the most digits a Decimal may have after the point,
// enough for unit prices of fractions of a cent.
const MaxFractionDigits = 6

// Decimal is an exact decimal number such as a quantity, a price or a tax
// rate. In JSON it is a string ("12.50") or a number (12.5); either way only
// an optional '-', digits and an optional '.' with digits are accepted, with
// at most MaxIntegerDigits before and MaxFractionDigits after the point.
//
// Unmarshalling never fails: a Decimal keeps the text it was given and
// whether that text parsed, so validation can name the field
// ("lines[3].unit_price: \"1e999\" is not a decimal number") and report every
// problem at once instead of stopping at the first. The zero value is unset.
type Decimal struct {
	d   decimal.Decimal
	raw string
	set bool
	ok  bool
}

// NewDecimal parses s with the strict syntax Decimal accepts in JSON.
func NewDecimal(s string) (Decimal, error) {
	d := decimalFromText(s)
	if !d.ok {
		return d, errors.New(d.problem())
	}
	return d, nil
}

// MustDecimal is NewDecimal for literals in code and tests; it panics on a
// malformed s.
func MustDecimal(s string) Decimal {
	d, err := NewDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DecimalFrom wraps d. Values beyond the digit limits are kept but fail
// validation, exactly as they would in JSON.
func DecimalFrom(d decimal.Decimal) Decimal {
	return decimalFromText(d.String())
}

func decimalFromText(s string) Decimal {
	x := Decimal{raw: s, set: true}
	if checkDecimalSyntax(s) != "" {
		return x
	}
	// The syntax check guarantees a short plain number, so this cannot fail
	// or allocate anything large.
	d, err := decimal.NewFromString(s)
	if err != nil {
		return x
	}
	x.d, x.ok = d, true
	return x
}

// checkDecimalSyntax returns why s is not an acceptable decimal, or "".
func checkDecimalSyntax(s string) string {
	const maxLen = 1 + MaxIntegerDigits + 1 + MaxFractionDigits
	if len(s) > maxLen*4 {
		// Not worth scanning: it is far too long to be anything but junk.
		return "not a decimal number"
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := i - intStart
	if intDigits == 0 {
		return "not a decimal number"
	}
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		fracDigits = i - fracStart
		if fracDigits == 0 {
			return "not a decimal number"
		}
	}
	if i != len(s) {
		return "not a decimal number"
	}
	if intDigits > MaxIntegerDigits || fracDigits > MaxFractionDigits {
		return fmt.Sprintf("too many digits (at most %d before and %d after the decimal point)", MaxIntegerDigits, MaxFractionDigits)
	}
	return ""
}

// problem describes why a set but invalid Decimal was rejected.
func (x Decimal) problem() string {
	why := checkDecimalSyntax(x.raw)
	if why == "" {
		why = "not a decimal number"
	}
	if why == "not a decimal number" {
		return quoted(x.raw) + " is not a decimal number"
	}
	return quoted(x.raw) + " has " + why
}

// Dec returns the value; zero when the Decimal is unset or invalid.
func (x Decimal) Dec() decimal.Decimal { return x.d }

// IsSet reports whether a value was given, valid or not.
func (x Decimal) IsSet() bool { return x.set }

// Valid reports whether a value was given and parsed.
func (x Decimal) Valid() bool { return x.ok }

// FractionDigits is the number of digits after the point as written, so
// "12.50" has 2: what a currency's minor unit limit is checked against.
func (x Decimal) FractionDigits() int {
	if !x.ok || x.d.Exponent() >= 0 {
		return 0
	}
	return int(-x.d.Exponent())
}

// String returns the value as it was written ("12.50" stays "12.50"), the
// rejected text for an invalid value, and "" when unset.
func (x Decimal) String() string { return x.raw }

// MarshalJSON writes the value as a JSON string, which keeps its exact digits
// through any JSON tool that would turn a number into a float; an unset value
// is null.
func (x Decimal) MarshalJSON() ([]byte, error) {
	if !x.set {
		return []byte("null"), nil
	}
	return json.Marshal(x.raw)
}

// UnmarshalJSON records a JSON string's content or a JSON number's text; it
// never fails, see Decimal.
func (x *Decimal) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		// encoding/json's convention: null leaves the value alone (unset).
		return nil
	}
	*x = decimalFromText(jsonScalarText(data))
	return nil
}

// jsonScalarText is a JSON string's content, or else the JSON text itself
// (a number, or whatever else was sent where a scalar belongs).
func jsonScalarText(data []byte) string {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if json.Unmarshal(data, &s) == nil {
			return s
		}
	}
	return string(data)
}
