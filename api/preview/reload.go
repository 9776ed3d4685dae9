package preview

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"sync"
	"time"

	"github.com/liveryhq/livery/render"
)

// reload reads the kits and documents again and renders what changed. The
// new state replaces the current one, and open pages are told to refresh,
// only when the page would show something different. Whatever is broken
// keeps its last good render, marked stale.
func (s *Server) reload() {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	start := time.Now()
	prev := s.current()
	next := &state{byID: map[string]*entry{}}
	for _, src := range s.src.kits {
		next.kits = append(next.kits, s.loadKit(src, prev.kit(src.slot)))
	}
	docs, err := s.src.documents()
	if err != nil {
		next.problems = []problem{{Path: s.opts.DataPath, Message: err.Error()}}
		if prev != nil {
			// Keep showing the documents the folder had.
			next.entries, next.byID = prev.entries, prev.byID
		}
	}
	for _, d := range docs {
		for _, slot := range d.kits {
			e := &entry{id: entryID(d, slot), doc: d, slot: slot}
			next.entries = append(next.entries, e)
			next.byID[e.id] = e
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, e := range next.entries {
		if err != nil {
			break // entries kept from prev are done
		}
		var old *entry
		if prev != nil {
			old = prev.byID[e.id]
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s.renderEntry(e, old, next.kit(e.slot))
		})
	}
	wg.Wait()
	if s.ctx.Err() != nil {
		return // closing: renders were cut short
	}
	next.sig = next.signature()
	if prev != nil && next.sig == prev.sig {
		return
	}
	next.at, next.took = time.Now(), time.Since(start)
	if prev != nil {
		next.gen = prev.gen + 1
	} else {
		next.gen = 1
	}
	s.mu.Lock()
	s.cur = next
	s.mu.Unlock()
	s.hub.publish(next.gen)
	s.logState(next)
}

// loadKit loads the kit of src again, unless it is a sample (which cannot
// change). A kit that fails to load or prepare keeps its last good version,
// with the problems beside it.
func (s *Server) loadKit(src kitSource, old *kitState) *kitState {
	if src.dir == "" && old != nil && old.ok() {
		return old
	}
	ks := &kitState{src: src}
	if old != nil {
		ks.kit, ks.renderer, ks.lint, ks.goodAt = old.kit, old.renderer, old.lint, old.goodAt
	}
	k, err := src.load()
	if err != nil {
		ks.problems = kitProblems(err)
		return ks
	}
	if ks.kit != nil && ks.kit.Ref.Hash == k.Ref.Hash {
		return ks // unchanged, or changed back to the last good kit
	}
	r, err := render.New(k)
	if err != nil {
		ks.problems = kitProblems(err)
		return ks
	}
	ks.kit, ks.renderer, ks.lint, ks.goodAt = k, r, k.Lint(), time.Now()
	return ks
}

// renderEntry renders e's document with its kit, or keeps old's render when
// neither changed, or when one of them is broken.
func (s *Server) renderEntry(e, old *entry, ks *kitState) {
	keepOld := func() {
		if old != nil && old.view != nil {
			e.view, e.stale = old.view, true
		}
	}
	data, err := e.doc.read()
	if err != nil {
		e.problems = []problem{{Message: err.Error()}}
		keepOld()
		return
	}
	sum := sha256.Sum256(data)
	e.dataHash = hex.EncodeToString(sum[:])
	if !ks.ok() {
		// The document's own problems do not depend on the kit.
		if _, err := render.ParseDocument(data); err != nil {
			e.problems = documentProblems(err)
		}
		keepOld()
		return
	}
	if old != nil && old.view != nil && !old.stale && len(old.problems) == 0 && old.imageErr == "" &&
		old.dataHash == e.dataHash && old.view.Kit.Hash == ks.kit.Ref.Hash {
		e.view = old.view
		return
	}
	v, err := Render(ks.renderer, e.doc.name, data, s.ras)
	if err != nil {
		e.problems = documentProblems(err)
		keepOld()
		return
	}
	e.view = v
	if v.HasPageImages() {
		// Rasterized now, so the refreshed page finds its images ready.
		if _, err := v.PageImages(s.ctx); err != nil && s.ctx.Err() == nil {
			e.imageErr = err.Error()
		}
	}
}

// logState logs one line per reload, and every problem.
func (s *Server) logState(st *state) {
	var problems int
	for _, k := range st.kits {
		for _, p := range k.problems {
			s.log.Warn("kit problem", "kit", k.src.label(s.opts.KitDir), "path", p.Path, "problem", p.Message)
			problems++
		}
	}
	for _, e := range st.entries {
		for _, p := range e.problems {
			s.log.Warn("document problem", "document", e.id, "path", p.Path, "problem", p.Message)
			problems++
		}
	}
	s.log.Info("rendered", "documents", len(st.entries), "problems", problems,
		"took", st.took.Round(time.Millisecond).String())
}
