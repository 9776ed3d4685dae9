package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liveryhq/livery/api/preview"
	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// draft is an uploaded kit archive that is not published yet: its files,
// what lint made of them, and the documents rendered with it so far.
// Drafts live in the memory of the server that took the upload, as the
// sessions do, for studioDraftTTL at most.
type draft struct {
	ID      string
	Owner   string // the key that uploaded it; only it sees the draft
	Kit     string // the kit it would be published to
	Upload  string // the archive's file name, as the browser sent it
	Created time.Time
	Files   brandkits.Files
	Size    int64 // of Files
	Report  KitLintReport
	kit     *brandkits.Kit // nil when the kit does not load

	renderOnce sync.Once
	renderer   *render.Renderer
	renderErr  error

	mu    sync.Mutex
	views map[string]*viewEntry // side "/" document
}

// viewEntry is one document rendered once with one side of a comparison.
type viewEntry struct {
	once sync.Once
	view *preview.View
	err  error
}

// newDraft lints files as the kit target (the kit chosen in the form, or
// else the name kit.yaml gives) and returns the draft, as
// POST /v1/brandkits/lint and publish would see it.
func newDraft(owner, target, upload string, files brandkits.Files, now time.Time) *draft {
	kit, problems := lintFiles(files)
	if kit != nil {
		switch {
		case target == "":
			target = kit.Name
		case kit.Name != target:
			problems = append(problems, brandkits.Problem{
				Path:    "name",
				Message: fmt.Sprintf("kit.yaml names the kit %q, but it is being uploaded as %q; change one of them", kit.Name, target),
			})
		}
	}
	if target != "" {
		if err := brandkits.CheckName(target); err != nil {
			problems = append(problems, brandkits.Problem{Path: "name", Message: err.Error()})
		}
	}
	errs, warnings := splitProblems(problems)
	d := &draft{
		ID: newDraftID(), Owner: owner, Kit: target, Upload: upload, Created: now, Files: files, kit: kit,
		Report: KitLintReport{
			OK:       len(errs) == 0,
			Hash:     brandkits.ContentHash(files["kit.yaml"], withoutKitYAML(files)),
			Errors:   errs,
			Warnings: warnings,
			Contrast: contrastChecks(kit, problems),
		},
		views: map[string]*viewEntry{},
	}
	if kit != nil {
		d.Report.Name, d.Report.Colors = kit.Name, kitPalette(kit)
	}
	for _, data := range files {
		d.Size += int64(len(data))
	}
	return d
}

// newDraftID is 128 random bits: a draft's URL is not guessable.
func newDraftID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Renderer returns the draft's renderer, prepared once; nil with the
// reason when the kit does not load or cannot be drawn.
func (d *draft) Renderer() (*render.Renderer, error) {
	d.renderOnce.Do(func() {
		if d.kit == nil {
			d.renderErr = fmt.Errorf("the kit does not load: fix the errors above to see documents")
			return
		}
		d.renderer, d.renderErr = render.New(d.kit)
	})
	return d.renderer, d.renderErr
}

// view renders sample document doc with r once per side ("draft", "v3")
// and keeps it with the draft, so page images come from the same render.
func (d *draft) view(side string, r *render.Renderer, doc studioDoc, ras *preview.Rasterizer) (*preview.View, error) {
	key := side + "/" + doc.ID
	d.mu.Lock()
	e := d.views[key]
	if e == nil {
		if len(d.views) >= maxDraftViews {
			d.views = map[string]*viewEntry{} // compared with many versions: start over
		}
		e = &viewEntry{}
		d.views[key] = e
	}
	d.mu.Unlock()
	e.once.Do(func() {
		data, err := samples.Document(doc.File)
		if err != nil {
			e.err = err
			return
		}
		e.view, e.err = preview.Render(r, doc.File, data, ras)
	})
	return e.view, e.err
}

// maxDraftViews bounds the renders one draft keeps: every sample document
// with the draft and with a few versions.
const maxDraftViews = 64

// draftStore keeps drafts in memory: at most studioMaxDrafts of them and
// studioDraftBytes of files, each for studioDraftTTL; the oldest go first.
type draftStore struct {
	mu     sync.Mutex
	now    func() time.Time
	drafts []*draft // oldest first
}

func newDraftStore(now func() time.Time) *draftStore { return &draftStore{now: now} }

// add keeps d, dropping expired drafts and then the oldest until the
// bounds hold. A draft larger than all of them together is refused.
func (ds *draftStore) add(d *draft) error {
	if d.Size > studioDraftBytes {
		return problem(ProblemTooLarge, "the kit's files add up to %s, more than the studio keeps (%s)", byteSize(d.Size), byteSize(studioDraftBytes))
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.expire()
	ds.drafts = append(ds.drafts, d)
	total := int64(0)
	for _, x := range ds.drafts {
		total += x.Size
	}
	for len(ds.drafts) > studioMaxDrafts || total > studioDraftBytes {
		total -= ds.drafts[0].Size
		ds.drafts = ds.drafts[1:]
	}
	return nil
}

// get returns draft id of owner, or a not-found problem.
func (ds *draftStore) get(id, owner string) (*draft, error) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.expire()
	for _, d := range ds.drafts {
		if d.ID == id && d.Owner == owner {
			return d, nil
		}
	}
	return nil, problem(ProblemNotFound, "no such draft: drafts are kept for %s after upload, on the server that took them; upload the kit again", studioDraftTTL)
}

// remove drops draft id.
func (ds *draftStore) remove(id string) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.drafts = slices.DeleteFunc(ds.drafts, func(d *draft) bool { return d.ID == id })
}

// expire drops drafts past their TTL; ds.mu is held.
func (ds *draftStore) expire() {
	cut := ds.now().Add(-studioDraftTTL)
	ds.drafts = slices.DeleteFunc(ds.drafts, func(d *draft) bool { return d.Created.Before(cut) })
}

// studioDoc is a sample document the studio renders kits with.
type studioDoc struct {
	ID   string // the file name without .json: "invoice-onepage"
	File string // "invoice-onepage.json"
	Own  bool   // a sample made for this kit
}

// studioDocs lists every sample document for kit: its own first, then
// the others, each group by name.
func studioDocs(kit string) []studioDoc {
	pairs, _ := samples.Pairs() // embedded; a broken pairs.json fails the samples' own tests
	var own, other []studioDoc
	for _, p := range pairs {
		d := studioDoc{ID: strings.TrimSuffix(p.Document, ".json"), File: p.Document, Own: p.Kit == kit}
		if d.Own {
			own = append(own, d)
		} else {
			other = append(other, d)
		}
	}
	return append(own, other...)
}

// findDoc finds sample document id.
func findDoc(kit, id string) (studioDoc, error) {
	for _, d := range studioDocs(kit) {
		if d.ID == id {
			return d, nil
		}
	}
	return studioDoc{}, problem(ProblemNotFound, "no sample document %q", id)
}
