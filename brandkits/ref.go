package brandkits

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxVersion is the highest version number a kit can reach. Stores keep
// version numbers zero-padded to eight digits so they list in order.
const MaxVersion = 99_999_999

// ErrBadRef is matched (errors.Is) by every error about the syntax of a kit
// reference, name, version number or pin: the caller's mistake (HTTP 400),
// as opposed to a reference that is well-formed but not found (ErrNotFound).
var ErrBadRef = errors.New("invalid kit reference")

var pinRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// RefSyntax is the syntax of references to named, numbered versions with
// pins, which kits share with mapping profiles: "name" (the latest
// version), "name@N" (version N) and "name@pin" (the version a pin such as
// "live" points at). A version is a positive number without leading zeros,
// at most MaxVersion; what makes a name or a pin is the kind's own rule.
type RefSyntax struct {
	Noun      string             // "kit", "profile": what messages call the reference
	CheckName func(string) error // the kind's rule for names
	CheckPin  func(string) error // the kind's rule for pins; a pin must not start with a digit
	ErrBadRef error              // what every error about syntax matches (errors.Is)
}

// refError is a message that matches (errors.Is) the ErrBadRef of its kind
// without repeating its text.
type refError struct {
	msg  string
	kind error
}

func (e *refError) Error() string { return e.msg }
func (e *refError) Unwrap() error { return e.kind }

// Errorf returns an error with the formatted message that matches
// r.ErrBadRef.
func (r RefSyntax) Errorf(format string, args ...any) error {
	return &refError{msg: fmt.Sprintf(format, args...), kind: r.ErrBadRef}
}

// Parse splits the reference s into its name and either a version number
// or a pin; both are empty for the latest version.
func (r RefSyntax) Parse(s string) (name string, number int, pin string, err error) {
	name, sel, hasSel := strings.Cut(s, "@")
	if err := r.CheckName(name); err != nil {
		return "", 0, "", fmt.Errorf("%s reference %q: %w", r.Noun, clip(s, 80), err)
	}
	switch {
	case !hasSel:
		return name, 0, "", nil
	case sel == "":
		return "", 0, "", r.Errorf(`%s reference %q: nothing after "@"; write %s@3 for version 3 or %s@live for a pin`, r.Noun, s, name, name)
	case sel[0] >= '0' && sel[0] <= '9':
		n, err := r.parseVersion(sel)
		if err != nil {
			return "", 0, "", fmt.Errorf("%s reference %q: %w", r.Noun, clip(s, 80), err)
		}
		return name, n, "", nil
	}
	if err := r.CheckPin(sel); err != nil {
		return "", 0, "", fmt.Errorf("%s reference %q: %w", r.Noun, clip(s, 80), err)
	}
	return name, 0, sel, nil
}

func (r RefSyntax) parseVersion(s string) (int, error) {
	if strings.Trim(s, "0123456789") != "" {
		return 0, r.Errorf("version %q is not a number", clip(s, 20))
	}
	switch {
	case strings.Trim(s, "0") == "":
		return 0, r.CheckVersion(0)
	case s[0] == '0':
		return 0, r.Errorf("version %q is not a number without leading zeros; write %s", clip(s, 20), clip(strings.TrimLeft(s, "0"), 20))
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > MaxVersion {
		return 0, r.Errorf("version %s does not exist: it is too high (at most %d)", clip(s, 20), MaxVersion)
	}
	return n, nil
}

// CheckVersion reports whether n can be a version number: 1 to MaxVersion.
func (r RefSyntax) CheckVersion(n int) error {
	if n < 1 || n > MaxVersion {
		return r.Errorf("version %d does not exist: versions count from 1 to %d", n, MaxVersion)
	}
	return nil
}

// clip shortens s to at most n runes, for quoting in messages.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// kitRefs is the syntax of kit references. It is made on each use, not
// kept in a variable, because the rules it holds make their errors with it.
func kitRefs() RefSyntax {
	return RefSyntax{Noun: "kit", CheckName: CheckName, CheckPin: CheckPin, ErrBadRef: ErrBadRef}
}

func badf(format string, args ...any) error { return kitRefs().Errorf(format, args...) }

// ParseRef splits a kit reference as documents and API calls name kits:
//
//	"roastery"       the latest version: number 0, pin ""
//	"roastery@3"     version 3
//	"roastery@live"  the version the pin "live" points at
//
// The name must be a kit name (a lower-case slug, see Kit.Name); a version
// is a positive number without leading zeros; a pin is lower case, starts
// with a letter and has at most 32 characters, so it never looks like a
// number.
func ParseRef(s string) (name string, number int, pin string, err error) {
	return kitRefs().Parse(s)
}

// FormatRef is the inverse of ParseRef: "name", "name@N" (number > 0) or
// "name@pin" (pin not empty).
func FormatRef(name string, number int, pin string) string {
	switch {
	case pin != "":
		return name + "@" + pin
	case number > 0:
		return name + "@" + strconv.Itoa(number)
	}
	return name
}

// String formats the ref as "name@N".
func (r Ref) String() string { return FormatRef(r.Name, r.Version, "") }

// CheckName reports whether s can be a kit name: the rule kit.yaml's name
// follows (lower-case letters, digits and hyphens, 2 to 63 characters, not
// starting with a hyphen). Stores use it before a name becomes a storage key.
func CheckName(s string) error {
	switch {
	case s == "":
		return badf("kit name is empty")
	case slugRE.MatchString(s):
		return nil
	case strings.ToLower(s) != s && slugRE.MatchString(strings.ToLower(s)):
		return badf("kit name %q must be lower case: %s", s, strings.ToLower(s))
	case strings.ContainsAny(s, " \t\r\n"):
		return badf("kit name %q contains spaces", s)
	}
	return badf("kit name %q is not a slug: 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit", s)
}

// CheckPin reports whether s can be a pin name such as "live" or "staging":
// a lower-case letter, then up to 31 lower-case letters, digits and hyphens.
// Starting with a letter keeps pins apart from version numbers.
func CheckPin(s string) error {
	switch {
	case s == "":
		return badf("pin name is empty")
	case pinRE.MatchString(s):
		return nil
	case s[0] >= '0' && s[0] <= '9':
		return badf("pin %q starts with a digit; pins start with a letter so they are never mistaken for versions", s)
	case len(s) > 32:
		return badf("pin %q is longer than 32 characters", s)
	case strings.ToLower(s) != s:
		return badf("pin %q must be lower case: %s", s, strings.ToLower(s))
	}
	return badf("pin %q may hold only lower-case letters, digits and hyphens, starting with a letter", s)
}

// CheckVersion reports whether n can be a kit version number: 1 to
// MaxVersion.
func CheckVersion(n int) error { return kitRefs().CheckVersion(n) }
