package brandkits

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error reporting a broken kit, so
// callers can tell a designer's mistake (HTTP 422) from an I/O failure (500).
var ErrInvalid = errors.New("invalid brand kit")

// Problem is one thing wrong with a kit, located by Path: a YAML path such as
// "colors.primary" or "tone.greetings.invoice[1].text" (list indices count
// from 0), or an asset path such as "logo.png" or "fonts/Brand-Regular.ttf".
// A Warning does not stop the kit from being used; anything else does.
type Problem struct {
	Path    string
	Message string
	Warning bool
}

// String formats the problem as "path: message", marking warnings.
func (p Problem) String() string {
	s := p.Message
	if p.Path != "" {
		s = p.Path + ": " + s
	}
	if p.Warning {
		s += " (warning)"
	}
	return s
}

// ValidationError carries every problem found in a kit at once, so a designer
// fixes them in one pass instead of one per upload. It may include warnings
// next to the errors that caused it.
type ValidationError struct {
	Problems []Problem
}

// Error summarises all problems on one line.
func (e *ValidationError) Error() string {
	var errs, warns int
	for _, p := range e.Problems {
		if p.Warning {
			warns++
		} else {
			errs++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s", ErrInvalid, plural(errs, "error"))
	if warns > 0 {
		fmt.Fprintf(&b, ", %s", plural(warns, "warning"))
	}
	b.WriteString(")")
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Errors returns the problems that are not warnings.
func (e *ValidationError) Errors() []Problem { return filterProblems(e.Problems, false) }

// Warnings returns the problems that are warnings.
func (e *ValidationError) Warnings() []Problem { return filterProblems(e.Problems, true) }

func filterProblems(ps []Problem, warning bool) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// problems collects Problems while a kit is checked.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) warn(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...), Warning: true})
}

func (ps problems) hasErrors() bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// err returns a *ValidationError holding all problems when at least one is an
// error, nil otherwise: warnings alone never fail a kit.
func (ps problems) err() error {
	if !ps.hasErrors() {
		return nil
	}
	return &ValidationError{Problems: append([]Problem(nil), ps...)}
}
