package render_test

import (
	"bytes"
	"testing"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// mustSampleRenderer returns a Renderer of sample kit kitName and the parsed
// sample document docName.
func mustSampleRenderer(t *testing.T, kitName, docName string) (*render.Renderer, *render.Document) {
	t.Helper()
	fsys, err := samples.KitFS(kitName)
	if err != nil {
		t.Fatal(err)
	}
	kit, err := brandkits.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.New(kit)
	if err != nil {
		t.Fatal(err)
	}
	data, err := samples.Document(docName)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := render.ParseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	return r, doc
}

// TestRenderAllFormatsAtOnce checks that rendering every format in one call
// gives the bytes that one call per format gives, and times each format.
func TestRenderAllFormatsAtOnce(t *testing.T) {
	r, doc := mustSampleRenderer(t, "roastery", "invoice-onepage.json")
	all, err := r.Render(doc, render.AllFormats...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range render.AllFormats {
		one, err := r.Render(doc, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Bytes(f)) == 0 || !bytes.Equal(one.Bytes(f), all.Bytes(f)) {
			t.Errorf("%s: rendered alone gives %d bytes, with the others %d bytes, or they differ", f, len(one.Bytes(f)), len(all.Bytes(f)))
		}
		if all.Took[f] <= 0 || one.Took[f] <= 0 {
			t.Errorf("%s: took %v with the others and %v alone; want both above 0", f, all.Took[f], one.Took[f])
		}
		if len(one.Took) != 1 {
			t.Errorf("%s alone: timings for %d formats", f, len(one.Took))
		}
	}
}
