package mapping

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalidProfile is matched (errors.Is) by every error that rejects a
// profile file: the author's mistake (HTTP 422), not a failure of Livery.
var ErrInvalidProfile = errors.New("invalid mapping profile")

// ProfileProblem is one thing wrong with a profile file. Path locates it in
// the YAML ("fields.lines.fields.quantity.transform[1]"; list indexes count
// from 0) and Line is its line in the file (0 when unknown).
type ProfileProblem struct {
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// String formats the problem as "path (line N): message", leaving out the
// line when it is not known.
func (p ProfileProblem) String() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
	} else {
		b.WriteString("(profile)")
	}
	if p.Line > 0 {
		b.WriteString(" (line " + strconv.Itoa(p.Line) + ")")
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// ProfileError lists every problem found in a profile file, in file order.
type ProfileError struct {
	Problems []ProfileProblem `json:"problems"`
}

// Error lists the problems on one line.
func (e *ProfileError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidProfile.Error())
	if len(e.Problems) == 1 {
		b.WriteString(": 1 problem: ")
	} else {
		fmt.Fprintf(&b, ": %d problems: ", len(e.Problems))
	}
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns ErrInvalidProfile.
func (e *ProfileError) Unwrap() error { return ErrInvalidProfile }
