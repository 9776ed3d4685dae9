package brandkits

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxYAMLNodes bounds the nodes the schema walk visits. Aliases are followed,
// so without a bound a "billion laughs" document would expand exponentially.
const maxYAMLNodes = 100_000

// schemaWalker checks a kit.yaml node tree against the Kit type before it is
// decoded, because a decoder stops at (or silently drops) what a designer
// most needs to hear about: every unknown key with its line, every value of
// the wrong type with its path. It prunes what it reports, so the rest of the
// tree still decodes and can be validated in the same pass.
type schemaWalker struct {
	probs    *problems
	lines    map[string]int // path -> line, to locate later validation problems
	visits   int
	overflow bool
	active   map[*yaml.Node]bool // nodes being walked, to catch alias cycles
}

// verdict is what a parent does with a walked value.
type verdict int

const (
	keepNode verdict = iota
	dropNode         // null: treated as omitted, nothing to report
	badNode          // reported; removed so decoding does not fail on it
)

var (
	templateType = reflect.TypeFor[Template]()
	colorsType   = reflect.TypeFor[Colors]()
)

func (w *schemaWalker) walk(n *yaml.Node, t reflect.Type, path string) verdict {
	if w.visits++; w.visits > maxYAMLNodes {
		if !w.overflow {
			w.overflow = true
			w.probs.add("kit.yaml", "too many values (more than %d, counting aliases)", maxYAMLNodes)
		}
		return badNode
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return badNode
		}
		return w.walk(n.Alias, t, path)
	}
	if isNull(n) {
		return dropNode
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if w.active[n] {
			w.probs.add(nonEmpty(path), "an alias refers to a value that contains it (line %d)", n.Line)
			return badNode
		}
		if w.active == nil {
			w.active = map[*yaml.Node]bool{}
		}
		w.active[n] = true
		defer delete(w.active, n)
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == templateType && n.Kind == yaml.ScalarNode {
			return keepNode // shorthand: a bare string is the text
		}
		if n.Kind != yaml.MappingNode {
			return w.typeError(n, path, "a mapping of keys")
		}
		before := len(*w.probs)
		w.mapping(n, path, func(key *yaml.Node, value *yaml.Node) verdict {
			fields := structFields(t)
			ft, ok := fields[key.Value]
			if !ok {
				w.unknownKey(key, path, t)
				return badNode
			}
			p := joinPath(path, key.Value)
			if isNull(value) && t == colorsType {
				if m := unquotedColour.FindString(key.LineComment); m != "" {
					w.probs.add(p, "write the colour in quotes, %q: an unquoted # starts a YAML comment (line %d)", m, key.Line)
					return badNode
				}
			}
			return w.walk(value, ft, p)
		}, t)
		if t == templateType && len(*w.probs) > before {
			// A candidate missing its misspelt "text" would also be
			// reported as empty; dropping it says it once.
			return badNode
		}
		return keepNode
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return w.typeError(n, path, "a mapping of keys")
		}
		w.mapping(n, path, func(key *yaml.Node, value *yaml.Node) verdict {
			return w.walk(value, t.Elem(), joinKey(path, key.Value))
		}, t)
		return keepNode
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return w.typeError(n, path, "a list")
		}
		result := keepNode
		for i, el := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			w.lines[p] = el.Line
			switch w.walk(el, t.Elem(), p) {
			case dropNode:
				w.probs.add(p, "empty entry (line %d)", el.Line)
				result = badNode
			case badNode:
				result = badNode
			}
		}
		// A list with a broken entry is dropped whole: removing only the
		// entry would shift the indices later problems are reported with.
		return result
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return w.typeError(n, path, "text")
		}
		return keepNode
	case reflect.Float64, reflect.Float32, reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
			return w.typeError(n, path, "a number")
		}
		if n.Tag == "!!float" && (t.Kind() == reflect.Int || t.Kind() == reflect.Int64) {
			return w.typeError(n, path, "a whole number")
		}
		return keepNode
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return w.typeError(n, path, "true or false")
		}
		return keepNode
	default:
		w.probs.add(path, "cannot be set in kit.yaml (line %d)", n.Line)
		return badNode
	}
}

// unquotedColour matches the comment YAML makes of an unquoted hex colour.
var unquotedColour = regexp.MustCompile(`^#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?$`)

// mapping walks the key/value pairs of a mapping node, reporting keys that are
// not plain text and duplicates, following "<<" merge keys, and removes the
// pairs visit rejects.
func (w *schemaWalker) mapping(n *yaml.Node, path string, visit func(key, value *yaml.Node) verdict, t reflect.Type) {
	seen := map[string]int{}
	kept := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Kind == yaml.ScalarNode && key.Tag == "!!merge" {
			if w.merge(value, t, path) {
				kept = append(kept, key, value)
			}
			continue
		}
		if key.Kind != yaml.ScalarNode || isNull(key) {
			w.probs.add(nonEmpty(path), "keys must be plain text (line %d)", key.Line)
			continue
		}
		if first, dup := seen[key.Value]; dup {
			w.probs.add(joinKeyFor(t, path, key.Value), "duplicate key (lines %d and %d)", first, key.Line)
			continue
		}
		seen[key.Value] = key.Line
		w.lines[joinKeyFor(t, path, key.Value)] = key.Line
		if visit(key, value) == keepNode {
			kept = append(kept, key, value)
		}
	}
	n.Content = kept
}

// merge checks the value of a "<<" merge key: a mapping, or a list of
// mappings, holding keys of the mapping it is merged into.
func (w *schemaWalker) merge(value *yaml.Node, t reflect.Type, path string) bool {
	targets := []*yaml.Node{value}
	if resolve(value).Kind == yaml.SequenceNode {
		targets = resolve(value).Content
	}
	ok := true
	for _, m := range targets {
		if resolve(m).Kind != yaml.MappingNode {
			w.probs.add(nonEmpty(path), "a << merge needs a mapping or a list of mappings (line %d)", m.Line)
			ok = false
			continue
		}
		ok = w.walk(m, t, path) == keepNode && ok
	}
	return ok
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func (w *schemaWalker) typeError(n *yaml.Node, path, want string) verdict {
	w.probs.add(nonEmpty(path), "expected %s, got %s (line %d)", want, describeNode(n), n.Line)
	return badNode
}

func (w *schemaWalker) unknownKey(key *yaml.Node, path string, t reflect.Type) {
	p := joinPath(path, key.Value)
	msg := fmt.Sprintf("unknown key (line %d)", key.Line)
	if s := suggest(key.Value, slices.Sorted(maps.Keys(structFields(t)))); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else if elsewhere := schemaPaths()[key.Value]; len(elsewhere) == 1 {
		msg += fmt.Sprintf("; did you mean %q?", elsewhere[0])
	}
	w.probs.add(p, "%s", msg)
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "…"
		}
		return strconv.Quote(v)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func nonEmpty(path string) string {
	if path == "" {
		return "kit.yaml"
	}
	return path
}

// joinPath appends a struct field to a path.
func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// joinKey appends a free-form map key to a path, quoting keys that would make
// the path ambiguous (`tone.vocabulary["K.W.H."]`).
func joinKey(path, key string) string {
	if plainKey.MatchString(key) {
		return joinPath(path, key)
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func joinKeyFor(t reflect.Type, path, key string) string {
	if t.Kind() == reflect.Map {
		return joinKey(path, key)
	}
	return joinPath(path, key)
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// structFields maps the yaml names of t's fields to their types.
func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(f.Name) // yaml.v3's default
		}
		m[name] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}

// schemaPaths maps every kit.yaml field name to the paths it appears at, so
// "legal_name" at the top level can point to "identity.legal_name".
var schemaPaths = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	var visit func(t reflect.Type, path string)
	visit = func(t reflect.Type, path string) {
		for name, ft := range structFields(t) {
			p := joinPath(path, name)
			out[name] = append(out[name], p)
			if ft.Kind() == reflect.Struct && ft != templateType {
				visit(ft, p)
			}
		}
	}
	visit(reflect.TypeFor[Kit](), "")
	for _, ps := range out {
		slices.Sort(ps)
	}
	return out
})

// suggest returns the candidate closest to s by edit distance (adjacent
// transpositions count once), if within 2 edits and closer than replacing s
// entirely; ties go to the first candidate.
func suggest(s string, candidates []string) string {
	best, bestDist := "", 3
	n := utf8.RuneCountInString(s)
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), c)
		if d < bestDist && d < n {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// three rows suffice: the current, previous and the one before for
	// transpositions
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
