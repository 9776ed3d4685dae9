package preview

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

// kitSource is one kit the preview renders with: the folder being edited,
// or a bundled sample kit, which cannot change and is loaded once.
type kitSource struct {
	slot   string // how entries refer to it: the sample's name, or "kit"
	dir    string // the kit folder (absolute); empty for a sample
	sample string // the sample kit's name; empty for a folder
}

// folderSlot is the slot of the kit folder given with Options.KitDir.
const folderSlot = "kit"

// load reads the kit from its folder or the embedded samples.
func (k kitSource) load() (*brandkits.Kit, error) {
	if k.dir != "" {
		return brandkits.LoadDir(k.dir)
	}
	fsys, err := samples.KitFS(k.sample)
	if err != nil {
		return nil, err
	}
	return brandkits.LoadFS(fsys)
}

// label names the kit's files for the page: the folder as given, or the
// sample it comes from.
func (k kitSource) label(shown string) string {
	if k.dir != "" {
		return shown
	}
	return "bundled sample kit " + k.sample
}

// docSource is one document: a bundled sample or a JSON file.
type docSource struct {
	name   string // file name, e.g. "invoice-onepage.json"
	path   string // the file, as shown on the page; empty for a sample
	kits   []string
	sample bool
	// legacy is set for a bundled legacy source (samples/sources), shown
	// as the canonical document it maps to.
	legacy *legacySource
}

// read returns the document's bytes.
func (d docSource) read() ([]byte, error) {
	if d.legacy != nil {
		return d.legacy.canonical()
	}
	if d.sample {
		return samples.Document(d.name)
	}
	data, err := os.ReadFile(d.path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", d.path, err)
	}
	return data, nil
}

// sources decides what the preview shows, from Options: the kits, and how
// to list the documents with the kits each is rendered with.
type sources struct {
	kits     []kitSource
	dataPath string // as given; empty for the sample documents
	dataDir  bool
}

// newSources checks the options' paths and resolves the kits.
func newSources(kitDir, dataPath string) (*sources, error) {
	s := &sources{dataPath: dataPath}
	if kitDir != "" {
		st, err := os.Stat(kitDir)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("kit folder %s: not a folder", kitDir)
		}
		abs, err := filepath.Abs(kitDir)
		if err != nil {
			return nil, err
		}
		s.kits = []kitSource{{slot: folderSlot, dir: abs}}
	} else {
		for _, name := range samples.KitNames() {
			s.kits = append(s.kits, kitSource{slot: name, sample: name})
		}
	}
	if dataPath != "" {
		st, err := os.Stat(dataPath)
		if err != nil {
			return nil, fmt.Errorf("data %s: %w", dataPath, err)
		}
		s.dataDir = st.IsDir()
	}
	return s, nil
}

// documents lists the documents with the kit slots each is rendered with:
// every sample document with its own sample kit (no flags); with a kit
// folder, every document with it; documents given without a kit, with every
// sample kit. A data folder contributes its *.json files, sorted by name.
func (s *sources) documents() ([]docSource, error) {
	var all []string
	for _, k := range s.kits {
		all = append(all, k.slot)
	}
	if s.dataPath == "" {
		pairs, err := samples.Pairs()
		if err != nil {
			return nil, err
		}
		var out []docSource
		for _, p := range pairs {
			kits := all
			if s.kits[0].dir == "" {
				kits = []string{p.Kit}
			}
			out = append(out, docSource{name: p.Document, kits: kits, sample: true})
		}
		if s.kits[0].dir != "" {
			return out, nil // a kit folder: the canonical samples only
		}
		legacy, err := sampleSourceDocs()
		if err != nil {
			return nil, err
		}
		return append(out, legacy...), nil
	}
	if !s.dataDir {
		return []docSource{{name: filepath.Base(s.dataPath), path: s.dataPath, kits: all}}, nil
	}
	entries, err := os.ReadDir(s.dataPath)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", s.dataPath, err)
	}
	var out []docSource
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.EqualFold(filepath.Ext(name), ".json") {
			continue
		}
		out = append(out, docSource{name: name, path: filepath.Join(s.dataPath, name), kits: all})
	}
	slices.SortFunc(out, func(a, b docSource) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// entryID names one document rendered with one kit in URLs and anchors: the
// document's name without .json, and "@kit" when it is rendered with more
// than one kit.
func entryID(doc docSource, slot string) string {
	id := strings.TrimSuffix(doc.name, filepath.Ext(doc.name))
	if len(doc.kits) > 1 {
		id += "@" + slot
	}
	return id
}
