package mapping

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Errors a profile Store returns, wrapped with detail.
var (
	// ErrBadRef: a profile reference, name, version or pin that is not
	// well-formed (the caller's mistake, HTTP 400).
	ErrBadRef = errors.New("invalid profile reference")
	// ErrNotFound: no such profile, version or pin.
	ErrNotFound = errors.New("profile not found")
	// ErrConflict: the operation lost a race or contradicts the profile's
	// state (publishing to a retired profile).
	ErrConflict = errors.New("profile conflict")
)

// MaxVersion is the highest version number a profile can reach.
const MaxVersion = 99_999_999

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	pinRE  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
)

// badRef wraps a message so it matches ErrBadRef.
type badRef struct{ msg string }

func (e *badRef) Error() string { return e.msg }
func (e *badRef) Unwrap() error { return ErrBadRef }

func badf(format string, args ...any) error { return &badRef{msg: fmt.Sprintf(format, args...)} }

// CheckName reports whether s can be a profile name: 2 to 63 lower-case
// letters, digits and hyphens, starting with a letter or digit (the rule
// kit names follow).
func CheckName(s string) error {
	switch {
	case s == "":
		return badf("profile name is empty")
	case nameRE.MatchString(s):
		return nil
	case nameRE.MatchString(strings.ToLower(s)):
		return badf("profile name %q must be lower case: %s", s, strings.ToLower(s))
	}
	return badf("profile name %q is not a slug: 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit", clip(s, 80))
}

// CheckPin reports whether s can be a pin name such as "live": a
// lower-case letter, then up to 31 lower-case letters, digits and hyphens.
func CheckPin(s string) error {
	if pinRE.MatchString(s) {
		return nil
	}
	return badf("pin %q is not a pin name: a lower-case letter, then up to 31 lower-case letters, digits and hyphens", clip(s, 40))
}

// CheckVersion reports whether n can be a version number.
func CheckVersion(n int) error {
	if n < 1 || n > MaxVersion {
		return badf("version %d does not exist: versions count from 1 to %d", n, MaxVersion)
	}
	return nil
}

// ParseRef splits a profile reference: "name" (the latest version),
// "name@N" (version N) or "name@pin" (the version a pin such as "live"
// points at), the same forms as kit references.
func ParseRef(s string) (name string, number int, pin string, err error) {
	name, sel, hasSel := strings.Cut(s, "@")
	if err := CheckName(name); err != nil {
		return "", 0, "", fmt.Errorf("profile reference %q: %w", clip(s, 80), err)
	}
	switch {
	case !hasSel:
		return name, 0, "", nil
	case sel == "":
		return "", 0, "", badf(`profile reference %q: nothing after "@"; write %s@3 for version 3 or %s@live for a pin`, s, name, name)
	case sel[0] >= '0' && sel[0] <= '9':
		n, err := strconv.Atoi(sel)
		if err != nil || strconv.Itoa(n) != sel {
			return "", 0, "", badf("profile reference %q: version %q is not a number without leading zeros", s, clip(sel, 20))
		}
		if err := CheckVersion(n); err != nil {
			return "", 0, "", fmt.Errorf("profile reference %q: %w", s, err)
		}
		return name, n, "", nil
	}
	if err := CheckPin(sel); err != nil {
		return "", 0, "", fmt.Errorf("profile reference %q: %w", clip(s, 80), err)
	}
	return name, 0, sel, nil
}

// FormatRef is the inverse of ParseRef.
func FormatRef(name string, number int, pin string) string {
	switch {
	case pin != "":
		return name + "@" + pin
	case number > 0:
		return name + "@" + strconv.Itoa(number)
	}
	return name
}
