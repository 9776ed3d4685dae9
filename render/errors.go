package render

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error that rejects a document
// because of its content, so callers can tell bad input (a 4xx) from a failure
// of Livery itself.
var ErrInvalid = errors.New("invalid document")

// MaxProblems caps how many problems a ValidationError lists: a broken billing
// export can produce thousands of identical ones, and nobody reads past the
// first screen.
const MaxProblems = 100

// FieldError is one problem with one field. Path points at the field in the
// document's JSON, e.g. "lines[3].quantity" or "buyer.address.lines[0]"; the
// empty path is the document as a whole.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error returns "path: message".
func (e FieldError) Error() string {
	return displayPath(e.Path) + ": " + e.Message
}

// ValidationError lists every problem found in a document, sorted by path.
// Omitted counts the problems left off beyond MaxProblems.
type ValidationError struct {
	Problems []FieldError `json:"problems"`
	Omitted  int          `json:"omitted,omitempty"`
}

// Error lists the problems on one line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	b.WriteString(": ")
	n := len(e.Problems) + e.Omitted
	if n == 1 {
		b.WriteString("1 problem: ")
	} else {
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" problems: ")
	}
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "; and %d more", e.Omitted)
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// displayPath shows the root as "(document)" so a message never starts with ": ".
func displayPath(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

// newValidationError sorts problems into a stable order, drops exact
// duplicates and caps the list; it returns nil for no problems so callers can
// return it directly.
func newValidationError(problems []FieldError) error {
	if len(problems) == 0 {
		return nil
	}
	ps := slices.Clone(problems)
	slices.SortStableFunc(ps, func(a, b FieldError) int { return comparePaths(a.Path, b.Path) })
	ps = slices.Compact(ps)
	ve := &ValidationError{Problems: ps}
	if len(ps) > MaxProblems {
		ve.Problems = ps[:MaxProblems:MaxProblems]
		ve.Omitted = len(ps) - MaxProblems
	}
	return ve
}

// comparePaths orders paths field by field with indexes compared as numbers,
// so lines[2] comes before lines[10] and a field's own problem before its
// children's.
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		sa, ra := nextSegment(a)
		sb, rb := nextSegment(b)
		if c := compareSegments(sa, sb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

// nextSegment splits the first segment ("name" or "[3]") off a path.
func nextSegment(p string) (seg, rest string) {
	p = strings.TrimPrefix(p, ".")
	if strings.HasPrefix(p, "[") {
		if i := strings.IndexByte(p, ']'); i > 0 {
			return p[:i+1], p[i+1:]
		}
		return p, ""
	}
	if i := strings.IndexAny(p, ".["); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

func compareSegments(a, b string) int {
	ia, aok := segmentIndex(a)
	ib, bok := segmentIndex(b)
	switch {
	case aok && bok:
		return ia - ib
	case aok:
		return -1
	case bok:
		return 1
	}
	return strings.Compare(a, b)
}

func segmentIndex(s string) (int, bool) {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return 0, false
	}
	n, err := strconv.Atoi(s[1 : len(s)-1])
	return n, err == nil
}

// joinKey appends an object key to a path. Keys that are not plain
// identifiers are quoted (and shortened) so an unknown 1 MB key or one with a
// dot in it cannot make a path unreadable or ambiguous.
func joinKey(parent, key string) string {
	if !isIdent(key) {
		return parent + "[" + strconv.Quote(clip(key, 40)) + "]"
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// joinIndex appends an array index to a path.
func joinIndex(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

func isIdent(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// clip shortens s to at most n runes for quoting in messages.
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// quoted is s as a Go-quoted string, shortened: problem messages echo the
// offending value but must stay one readable line.
func quoted(s string) string {
	return strconv.Quote(clip(s, 40))
}
