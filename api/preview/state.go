package preview

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
)

// state is what the page shows, made by one reload and never changed after:
// requests read it while the next reload builds its successor.
type state struct {
	gen      int       // counts the states that differed from the one before
	at       time.Time // when this state was made
	took     time.Duration
	problems []problem // the documents could not be listed
	kits     []*kitState
	entries  []*entry
	byID     map[string]*entry
	sig      string // what the page would show; equal sigs, equal pages
}

// kit returns the state of the kit in slot, or nil.
func (st *state) kit(slot string) *kitState {
	if st == nil {
		return nil
	}
	for _, k := range st.kits {
		if k.src.slot == slot {
			return k
		}
	}
	return nil
}

// kitState is one kit: the last version of it that loaded, and why the files
// on disk do not load now, if they do not.
type kitState struct {
	src      kitSource
	kit      *brandkits.Kit   // last good kit; nil when it never loaded
	renderer *render.Renderer // prepared for kit
	lint     []brandkits.Problem
	goodAt   time.Time // when kit was loaded
	problems []problem // non-empty: the files on disk are broken; kit is older
}

// ok reports whether the kit on disk loaded and is the one rendered with.
func (k *kitState) ok() bool { return len(k.problems) == 0 && k.renderer != nil }

// entry is one document rendered with one kit.
type entry struct {
	id       string
	doc      docSource
	slot     string
	dataHash string
	view     *View     // the last good render; nil when there never was one
	stale    bool      // view is older than the files: the kit or the document is broken
	problems []problem // what is wrong with the document (or its render)
	imageErr string    // pdftoppm failed on this PDF
}

// problem is one thing wrong, located by Path: a kit.yaml key or asset
// file, or a field of the document. An empty Path is about the whole.
type problem struct {
	Path    string
	Message string
	Warning bool
}

// kitProblems lists what stops a kit from loading or rendering, errors
// first, each with its path.
func kitProblems(err error) []problem {
	var ve *brandkits.ValidationError
	if !errors.As(err, &ve) {
		return []problem{{Message: err.Error()}}
	}
	var out []problem
	for _, p := range append(ve.Errors(), ve.Warnings()...) {
		out = append(out, problem{Path: p.Path, Message: p.Message, Warning: p.Warning})
	}
	return out
}

// documentProblems lists what is wrong with a document, each field by path.
func documentProblems(err error) []problem {
	var ve *render.ValidationError
	if !errors.As(err, &ve) {
		return []problem{{Message: err.Error()}}
	}
	out := make([]problem, 0, len(ve.Problems)+1)
	for _, p := range ve.Problems {
		out = append(out, problem{Path: p.Path, Message: p.Message})
	}
	if ve.Omitted > 0 {
		out = append(out, problem{Message: fmt.Sprintf("and %d more problems", ve.Omitted)})
	}
	return out
}

// signature sums up what the page shows of st, so a reload that changed
// nothing (an editor's backup file, a save without edits) is not pushed to
// open pages.
func (st *state) signature() string {
	var b strings.Builder
	writeProblems := func(ps []problem) {
		for _, p := range ps {
			fmt.Fprintf(&b, "[%s|%s|%t]", p.Path, p.Message, p.Warning)
		}
	}
	writeProblems(st.problems)
	for _, k := range st.kits {
		fmt.Fprintf(&b, "\nkit %s ", k.src.slot)
		if k.kit != nil {
			b.WriteString(k.kit.Ref.Hash)
		}
		writeProblems(k.problems)
	}
	for _, e := range st.entries {
		fmt.Fprintf(&b, "\ndoc %s %t %s ", e.id, e.stale, e.imageErr)
		if e.view != nil {
			b.WriteString(e.view.Key)
		}
		writeProblems(e.problems)
	}
	return b.String()
}
