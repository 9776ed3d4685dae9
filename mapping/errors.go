package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/render"
)

// ErrInvalid is matched (errors.Is) by every error that rejects a source
// document because of its content. An *Error also matches render.ErrInvalid,
// so code that maps invalid documents to HTTP 422 treats a source that cannot
// be mapped the same way.
var ErrInvalid = errors.New("cannot map document")

// MaxProblems caps how many problems an Error lists, as render.MaxProblems
// does for documents.
const MaxProblems = render.MaxProblems

// Problem is one thing wrong with a source document. Source locates it in the
// input ("positions[3].qty", "row 17, column qty",
// "Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity"); Target is the canonical
// field it maps to ("lines[3].quantity", see docs/input.md). Either may be
// empty: a problem with the input as a whole has neither, and a canonical
// field the mapping fills from nowhere has no Source.
type Problem struct {
	Source  string `json:"source,omitempty"`
	Target  string `json:"target,omitempty"`
	Message string `json:"message"`
}

// Error formats the problem as "source -> target: message", leaving out
// whichever end is unknown.
func (p Problem) Error() string {
	switch {
	case p.Source != "" && p.Target != "":
		return p.Source + " -> " + p.Target + ": " + p.Message
	case p.Source != "":
		return p.Source + ": " + p.Message
	case p.Target != "":
		return p.Target + ": " + p.Message
	}
	return "(document): " + p.Message
}

// Error lists every problem found while mapping one source document, in the
// order of the source. Omitted counts the problems left off beyond
// MaxProblems.
type Error struct {
	Problems []Problem `json:"problems"`
	Omitted  int       `json:"omitted,omitempty"`
}

// Error lists the problems on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	n := len(e.Problems) + e.Omitted
	if n == 1 {
		b.WriteString(": 1 problem: ")
	} else {
		b.WriteString(": " + strconv.Itoa(n) + " problems: ")
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

// Is reports whether target is ErrInvalid or render.ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid || target == render.ErrInvalid }

// NewError returns an *Error listing problems (duplicates dropped, at most
// MaxProblems), or nil when there are none, so callers can return it as is.
func NewError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	ps := slices.Clone(problems)
	out := ps[:0]
	seen := make(map[Problem]bool, len(ps))
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	e := &Error{Problems: out}
	if len(out) > MaxProblems {
		e.Problems = out[:MaxProblems:MaxProblems]
		e.Omitted = len(out) - MaxProblems
	}
	return e
}

// Whole is an Error with one problem about the input as a whole.
func Whole(format string, args ...any) error {
	return NewError([]Problem{{Message: fmt.Sprintf(format, args...)}})
}

// quote shows a source value in a message: Go-quoted and cut after 40
// characters, as render does, so one message stays one readable line.
func quote(s string) string {
	const max = 40
	i := 0
	for j := range s {
		if i == max {
			return strconv.Quote(s[:j] + "…")
		}
		i++
	}
	return strconv.Quote(s)
}
