// Package samples embeds the sample brand kits and documents, so that the
// livery binary renders and previews them without the source tree.
package samples

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed kits documents pairs.json sources
var files embed.FS

// FS returns the samples as a file system: kits/NAME/..., documents/NAME.json,
// pairs.json and sources/ (legacy inputs and their mapping profiles).
func FS() fs.FS { return files }

// KitNames lists the sample kits, sorted.
func KitNames() []string {
	entries, _ := fs.ReadDir(files, "kits")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// KitFS returns the folder of the named sample kit.
func KitFS(name string) (fs.FS, error) {
	sub, err := fs.Sub(files, "kits/"+name)
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "kit.yaml"); err != nil {
		return nil, fmt.Errorf("no sample kit %q (have %v)", name, KitNames())
	}
	return sub, nil
}

// Pair is a sample document and the sample kit it is meant for.
type Pair struct {
	Document string // file name under documents/
	Kit      string
}

// Pairs lists every sample document with its kit, sorted by document.
func Pairs() ([]Pair, error) {
	data, err := files.ReadFile("pairs.json")
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("samples/pairs.json: %w", err)
	}
	out := make([]Pair, 0, len(m))
	for doc, kit := range m {
		out = append(out, Pair{Document: doc, Kit: kit})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Document < out[j].Document })
	return out, nil
}

// Document returns the bytes of a sample document.
func Document(name string) ([]byte, error) {
	return files.ReadFile("documents/" + name)
}

// SourcePair is a sample legacy source (a JSON export, a CSV billing run or
// a UBL document), the mapping profile that reads it ("" for UBL, which
// needs none) and the sample kit its documents render with.
type SourcePair struct {
	Source  string // file name under sources/
	Profile string // file name under sources/, or ""
	Kit     string
}

// SourcePairs lists every sample source from sources/pairs.json, sorted by
// source.
func SourcePairs() ([]SourcePair, error) {
	data, err := files.ReadFile("sources/pairs.json")
	if err != nil {
		return nil, err
	}
	var m map[string]struct {
		Profile string `json:"profile"`
		Kit     string `json:"kit"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("samples/sources/pairs.json: %w", err)
	}
	out := make([]SourcePair, 0, len(m))
	for src, p := range m {
		out = append(out, SourcePair{Source: src, Profile: p.Profile, Kit: p.Kit})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out, nil
}

// Source returns the bytes of a file under sources/: a sample source or a
// sample profile ("sap-export.yaml"; each profile file is named after the
// profile).
func Source(name string) ([]byte, error) {
	return files.ReadFile("sources/" + name)
}
