package brandkits

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docsPath is the brand kit reference for designers. These tests keep it in
// step with the model: a key added to Kit or to LabelKeys fails them until
// the reference documents it.
const docsPath = "../docs/brandkits.md"

func readDocs(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatalf("read the brand kit reference: %v", err)
	}
	return string(data)
}

// docKey is one kit.yaml key found in the model.
type docKey struct {
	// path is the dotted path as problems report it ("layout.margins.top"),
	// or, for a field of a type used inside a map or list (a greeting
	// candidate's "text"), the bare field name.
	path string
	// mapValued reports a map field, whose keys are free ("tone.labels").
	mapValued bool
}

// kitYAMLKeys walks the yaml tags of t recursively, the way yaml.v3 names
// fields: the tag's name, or the lower-cased field name without one; "-"
// fields are skipped and ",inline" structs add their fields to the parent.
func kitYAMLKeys(t reflect.Type, prefix string, inCollection bool, seen map[reflect.Type]bool) []docKey {
	var out []docKey
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if slices.Contains(strings.Split(opts, ","), "inline") && ft.Kind() == reflect.Struct {
			out = append(out, kitYAMLKeys(ft, prefix, inCollection, seen)...)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		path := name
		if prefix != "" && !inCollection {
			path = prefix + "." + name
		}
		out = append(out, docKey{path: path, mapValued: ft.Kind() == reflect.Map})

		// Descend into structs, also through maps, lists and pointers:
		// fields of an element type are named by their bare name.
		elem, collection := ft, inCollection
		for elem.Kind() == reflect.Map || elem.Kind() == reflect.Slice || elem.Kind() == reflect.Array || elem.Kind() == reflect.Pointer {
			if elem.Kind() != reflect.Pointer {
				collection = true
			}
			elem = elem.Elem()
		}
		if elem.Kind() == reflect.Struct && !seen[elem] {
			seen[elem] = true
			out = append(out, kitYAMLKeys(elem, path, collection, seen)...)
			delete(seen, elem)
		}
	}
	return out
}

func TestDocsMentionEveryKitKey(t *testing.T) {
	doc := readDocs(t)
	keys := kitYAMLKeys(reflect.TypeFor[Kit](), "", false, map[reflect.Type]bool{})
	if len(keys) < 50 {
		t.Fatalf("found only %d kit.yaml keys in the model; the walk is broken", len(keys))
	}
	reported := map[string]bool{}
	for _, k := range keys {
		if reported[k.path] {
			continue // a type used twice, such as greeting and sign-off candidates
		}
		reported[k.path] = true
		if !strings.Contains(doc, "`"+k.path+"`") {
			t.Errorf("%s does not document the kit.yaml key `%s`", docsPath, k.path)
		}
	}
}

// TestDocsMentionNoStaleKey is the converse: every dotted kit.yaml path the
// reference writes as code on its own (`layout.margins.top`, not quoted
// messages such as `colors.accnet: unknown key`) must exist in the model, so
// a removed or renamed key does not live on in the documentation. Paths
// below a map (tone.labels.invoice, tone.greetings.payment_reminder) name
// free keys.
func TestDocsMentionNoStaleKey(t *testing.T) {
	doc := readDocs(t)
	known := map[string]bool{}
	var maps []string
	for _, k := range kitYAMLKeys(reflect.TypeFor[Kit](), "", false, map[reflect.Type]bool{}) {
		known[k.path] = true
		if k.mapValued {
			maps = append(maps, k.path+".")
		}
	}
	pathRE := regexp.MustCompile("`((?:identity|colors|typography|tone|layout)(?:\\.[a-z_]+)+)`")
	reported := map[string]bool{}
	for _, m := range pathRE.FindAllStringSubmatch(doc, -1) {
		p := m[1]
		if known[p] || reported[p] || slices.ContainsFunc(maps, func(prefix string) bool { return strings.HasPrefix(p, prefix) }) {
			continue
		}
		reported[p] = true
		t.Errorf("%s mentions `%s`, which is not a kit.yaml key", docsPath, p)
	}
}

// TestDocsMentionEveryLabelKey wants a table row for every label key that
// holds its en-GB default wording.
func TestDocsMentionEveryLabelKey(t *testing.T) {
	doc := readDocs(t)
	var rows []string
	for line := range strings.SplitSeq(doc, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	defaults := DefaultLabelsFor("en-GB", Formal)
	for _, key := range LabelKeys {
		prefix := "| `" + key + "` |"
		found, worded := false, false
		for _, row := range rows {
			if strings.HasPrefix(row, prefix) {
				found = true
				worded = worded || strings.Contains(row, "| "+defaults[key]+" |")
			}
		}
		switch {
		case !found:
			t.Errorf("%s has no table row for the label key `%s`", docsPath, key)
		case !worded:
			t.Errorf("%s: no row for the label key `%s` gives its en-GB default %q", docsPath, key, defaults[key])
		}
	}
}
