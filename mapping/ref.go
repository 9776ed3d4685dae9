package mapping

import (
	"errors"
	"regexp"
	"strings"

	"github.com/liveryhq/livery/brandkits"
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

// MaxVersion is the highest version number a profile can reach: that of
// kits, as profiles are kept the same way.
const MaxVersion = brandkits.MaxVersion

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	pinRE  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
)

// profileRefs is the syntax of profile references: that of kit references,
// with profiles' rules for names and pins. It is made on each use, not kept
// in a variable, because the rules it holds make their errors with it.
func profileRefs() brandkits.RefSyntax {
	return brandkits.RefSyntax{Noun: "profile", CheckName: CheckName, CheckPin: CheckPin, ErrBadRef: ErrBadRef}
}

// badf returns an error with the formatted message that matches ErrBadRef.
func badf(format string, args ...any) error { return profileRefs().Errorf(format, args...) }

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
func CheckVersion(n int) error { return profileRefs().CheckVersion(n) }

// ParseRef splits a profile reference: "name" (the latest version),
// "name@N" (version N) or "name@pin" (the version a pin such as "live"
// points at), the same forms as kit references.
func ParseRef(s string) (name string, number int, pin string, err error) {
	return profileRefs().Parse(s)
}

// FormatRef is the inverse of ParseRef.
func FormatRef(name string, number int, pin string) string {
	return brandkits.FormatRef(name, number, pin)
}
