package brandkits

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Kinds of Change.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// Change is one difference between two versions of a kit. Path is a kit.yaml
// path as in Problem ("colors.primary", "tone.greetings.invoice[1].text",
// "identity.address[0]") or an asset path ("logo.png", "fonts/X-Bold.ttf").
// From and To are display values: YAML values as written in YAML (strings
// quoted, numbers and booleans bare), assets as their abbreviated SHA-256 and
// size. From is empty for an added value, To for a removed one.
type Change struct {
	Path     string
	From, To string
	Kind     string // ChangeAdded, ChangeRemoved or ChangeChanged
}

// Diff lists what changed from kit a to kit b, field by field over the whole
// kit model (every value kit.yaml can set, after defaults) and asset by asset
// by content hash, sorted by path (list indices in numeric order). aFiles
// and bFiles are the kits' files (kit.yaml included); a nil Files is derived
// from the kit's logo and fonts. When kit.yaml differs only in comments or
// layout, that is reported as a change of "kit.yaml", so a new version is
// never shown as identical to the old one. A nil kit counts as empty.
func Diff(a, b *Kit, aFiles, bFiles Files) []Change {
	if a == nil {
		a = &Kit{}
	}
	if b == nil {
		b = &Kit{}
	}
	var out []Change
	diffValue(&out, "", reflect.ValueOf(*a), reflect.ValueOf(*b))
	fieldChanges := len(out)

	if aFiles == nil {
		aFiles = diffAssets(a)
	}
	if bFiles == nil {
		bFiles = diffAssets(b)
	}
	paths := slices.Sorted(maps.Keys(aFiles))
	for p := range bFiles {
		if _, ok := aFiles[p]; !ok {
			paths = append(paths, p)
		}
	}
	for _, p := range paths {
		da, inA := aFiles[p]
		db, inB := bFiles[p]
		switch {
		case p == "kit.yaml":
			if fieldChanges == 0 && inA && inB && sha256.Sum256(da) != sha256.Sum256(db) {
				out = append(out, Change{Path: p, From: assetSummary(da), To: assetSummary(db), Kind: ChangeChanged})
			}
		case !inA:
			out = append(out, Change{Path: p, To: assetSummary(db), Kind: ChangeAdded})
		case !inB:
			out = append(out, Change{Path: p, From: assetSummary(da), Kind: ChangeRemoved})
		case sha256.Sum256(da) != sha256.Sum256(db):
			out = append(out, Change{Path: p, From: assetSummary(da), To: assetSummary(db), Kind: ChangeChanged})
		}
	}
	slices.SortStableFunc(out, func(x, y Change) int { return comparePaths(x.Path, y.Path) })
	return out
}

// kitAssets rebuilds a kit's asset files from its loaded logo and fonts.
func diffAssets(k *Kit) Files {
	files := Files{}
	if k.Logo != nil {
		name := "logo.png"
		if k.Logo.Format == "jpeg" {
			name = "logo.jpg"
		}
		files[name] = k.Logo.Data
	}
	for name, data := range k.Fonts {
		files["fonts/"+name] = data
	}
	return files
}

// describeAsset is a file's abbreviated SHA-256 and size, enough to tell
// versions apart at a glance.
func assetSummary(data []byte) string {
	sum := sha256.Sum256(data)
	return fmt.Sprintf("sha256 %s… (%s)", hex.EncodeToString(sum[:6]), diffSize(len(data)))
}

// formatBytes prints a size in B, KB or MB (of 1024).
func diffSize(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// diffValue compares a and b, both of the same type and both present, at
// path. Struct fields are visited by their yaml names, map entries by sorted
// key, slice elements by index.
func diffValue(out *[]Change, path string, a, b reflect.Value) {
	switch a.Kind() {
	case reflect.Struct:
		t := a.Type()
		for i := range t.NumField() {
			name, ok := yamlName(t.Field(i))
			if ok {
				diffValue(out, joinPath(path, name), a.Field(i), b.Field(i))
			}
		}
	case reflect.Map:
		keys := map[string]bool{}
		for _, k := range a.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range b.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			kv := reflect.ValueOf(k).Convert(a.Type().Key())
			va, vb := a.MapIndex(kv), b.MapIndex(kv)
			diffPresence(out, joinKey(path, k), va, vb)
		}
	case reflect.Slice:
		for i := range max(a.Len(), b.Len()) {
			var va, vb reflect.Value
			if i < a.Len() {
				va = a.Index(i)
			}
			if i < b.Len() {
				vb = b.Index(i)
			}
			diffPresence(out, fmt.Sprintf("%s[%d]", path, i), va, vb)
		}
	default:
		if sa, sb := formatValue(a), formatValue(b); sa != sb {
			*out = append(*out, Change{Path: path, From: sa, To: sb, Kind: ChangeChanged})
		}
	}
}

// diffPresence compares a map entry or list element that may be missing on
// either side (an invalid Value).
func diffPresence(out *[]Change, path string, a, b reflect.Value) {
	switch {
	case a.IsValid() && b.IsValid():
		diffValue(out, path, a, b)
	case a.IsValid():
		addLeaves(out, path, a, ChangeRemoved)
	case b.IsValid():
		addLeaves(out, path, b, ChangeAdded)
	}
}

// addLeaves reports every value under v as added or removed. Within a struct
// only set fields are listed (a greeting without a gender has no gender to
// remove); a struct with nothing set is listed as itself, "{}".
func addLeaves(out *[]Change, path string, v reflect.Value, kind string) {
	add := func(path, s string) {
		c := Change{Path: path, Kind: kind, To: s}
		if kind == ChangeRemoved {
			c.From, c.To = s, ""
		}
		*out = append(*out, c)
	}
	switch v.Kind() {
	case reflect.Struct:
		before := len(*out)
		t := v.Type()
		for i := range t.NumField() {
			name, ok := yamlName(t.Field(i))
			if ok && !v.Field(i).IsZero() {
				addLeaves(out, joinPath(path, name), v.Field(i), kind)
			}
		}
		if len(*out) == before {
			add(path, "{}")
		}
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			addLeaves(out, joinKey(path, k), v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())), kind)
		}
	case reflect.Slice:
		for i := range v.Len() {
			addLeaves(out, fmt.Sprintf("%s[%d]", path, i), v.Index(i), kind)
		}
	default:
		add(path, formatValue(v))
	}
}

// yamlName is a struct field's kit.yaml key; ok is false for fields kit.yaml
// cannot set (assets and the version reference).
func yamlName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || name == "" {
		return "", false
	}
	return name, true
}

// formatValue renders a scalar as YAML would show it.
func formatValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	}
	return fmt.Sprint(v.Interface())
}

// comparePaths orders paths as text, except that runs of digits compare as
// numbers, so "address[2]" comes before "address[10]".
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmpNumeric(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitPrefix(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// cmpNumeric compares decimal strings without leading zeros by value.
func cmpNumeric(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// FormatDiff renders changes one per line for the command line:
//
//	~ colors.primary: "#4a2c1d" -> "#5a3c2d"
//	+ tone.vocabulary.NEW: "x"
//	- tone.greetings.invoice[1].text: "Hallo,"
//	~ logo.png: sha256 a1b2c3d4e5f6… (48 KB) -> sha256 d4e5f6a1b2c3… (52 KB)
//	+ fonts/New-Bold.ttf: sha256 0a1b2c3d4e5f… (120 KB)
//	- fonts/Old-Bold.ttf
//
// A removed file is listed by path alone: what it held is gone with it.
func FormatDiff(changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		switch c.Kind {
		case ChangeAdded:
			fmt.Fprintf(&b, "+ %s: %s\n", c.Path, c.To)
		case ChangeRemoved:
			if isAssetPath(c.Path) {
				fmt.Fprintf(&b, "- %s\n", c.Path)
			} else {
				fmt.Fprintf(&b, "- %s: %s\n", c.Path, c.From)
			}
		default:
			fmt.Fprintf(&b, "~ %s: %s -> %s\n", c.Path, c.From, c.To)
		}
	}
	return b.String()
}

// isAssetPath tells files from kit.yaml paths, whose first segment is always
// a plain key.
func isAssetPath(p string) bool {
	return p == "kit.yaml" || p == "logo.png" || p == "logo.jpg" || strings.HasPrefix(p, "fonts/")
}
