package mapping

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/liveryhq/livery/render"
)

// fields reads a mapping of canonical fields (dotted, relative to s) to
// rules; top says it is the document level, where object lists may appear.
func (l *loader) fields(n *yaml.Node, path string, s *shape, top bool) []*rule {
	entries, ok := l.mapping(n, path, nil)
	if !ok {
		return nil
	}
	if len(entries) == 0 {
		l.add(n, path, "maps no field")
	}
	var out []*rule
	for _, e := range entries {
		if r := l.rule(s, e, join(path, e.key), top); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// rule reads the rule for the canonical field e.key.
func (l *loader) rule(s *shape, e entry, path string, top bool) *rule {
	f, reached, ok := resolveTarget(s, e.key)
	if !ok {
		known := s
		if reached != "" {
			if rf, _, ok := resolveTarget(s, reached); ok && rf.shape != nil {
				known = rf.shape
			}
		}
		where := "here"
		if reached != "" {
			where = reached
		}
		l.add(e.node, path, "unknown field %s (%s has: %s)", quote(e.key), where, strings.Join(known.names(), ", "))
		return nil
	}
	if top && e.key == "type" && l.target == render.TypeNotice {
		l.add(e.node, path, "a notice profile cannot map type: it is always notice")
		return nil
	}
	r := &rule{target: e.key, field: f, at: path}
	switch f.kind {
	case kindObject:
		l.add(e.node, path, "%s is an object: map its fields one by one (%s.%s, ...)", e.key, e.key, f.shape.fields[0].name)
		return nil
	case kindText, kindDecimal, kindDate:
		r.val = l.valueRule(e.node, path, f.kind, false)
		if r.val == nil {
			return nil
		}
	case kindTextList:
		r.parts = l.listParts(e.node, path)
		if r.parts == nil {
			return nil
		}
	case kindObjectList:
		if !top {
			l.add(e.node, path, "lists inside list items are not supported")
			return nil
		}
		if !l.objectList(r, e.node, path) {
			return nil
		}
	}
	return r
}

// listParts reads the rules of a text list: one rule, or a list of rules
// whose values become the list's items in order (empty ones left out).
func (l *loader) listParts(n *yaml.Node, path string) []*valueRule {
	if !l.plain(n, path) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		if v := l.valueRule(n, path, kindText, true); v != nil {
			return []*valueRule{v}
		}
		return nil
	}
	if len(n.Content) == 0 || len(n.Content) > maxListParts {
		l.add(n, path, "must list 1 to %d rules", maxListParts)
		return nil
	}
	var out []*valueRule
	for i, c := range n.Content {
		if v := l.valueRule(c, index(path, i), kindText, true); v != nil {
			out = append(out, v)
		}
	}
	if len(out) != len(n.Content) {
		return nil
	}
	return out
}

// objectList reads a list of objects (invoice lines, notice facts): either
// {each: "positions[*]", fields: {...}}, one object per source element, or
// a YAML list of field mappings, one object per item.
func (l *loader) objectList(r *rule, n *yaml.Node, path string) bool {
	if !l.plain(n, path) {
		return false
	}
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 || len(n.Content) > maxFixedItems {
			l.add(n, path, "must list 1 to %d items", maxFixedItems)
			return false
		}
		for i, c := range n.Content {
			r.items = append(r.items, l.fields(c, index(path, i), r.field.shape, false))
		}
		return true
	}
	entries, ok := l.mapping(n, path, []string{"each", "fields"})
	if !ok {
		return false
	}
	var fieldsNode *yaml.Node
	for _, e := range entries {
		switch e.key {
		case "each":
			s, ok := l.str(e.node, join(path, "each"))
			if !ok {
				continue
			}
			if l.csv != nil {
				if s != csvRows+"[*]" {
					l.add(e.node, join(path, "each"), "in a CSV profile every row is one %s: leave each out or write %s[*]", singular(r.target), csvRows)
				}
				continue
			}
			sp, err := parsePath(s)
			switch {
			case err != nil:
				l.add(e.node, join(path, "each"), "%s: %v", quote(s), err)
			case !sp.wild:
				l.add(e.node, join(path, "each"), "must end with [*] to read every element, e.g. %s[*]", s)
			default:
				r.each = sp
			}
		case "fields":
			fieldsNode = e.node
		}
	}
	if fieldsNode == nil {
		l.add(n, join(path, "fields"), "required: the fields of each %s", singular(r.target))
		return false
	}
	if r.each == nil && l.csv != nil {
		r.each = &srcPath{text: csvRows + "[*]", steps: []step{keyStep(csvRows)}, wild: true}
	}
	if r.each == nil && !slices.ContainsFunc(entries, func(e entry) bool { return e.key == "each" }) {
		l.add(n, join(path, "each"), "required: the source list, e.g. positions[*]")
	}
	r.eachFields = l.fields(fieldsNode, join(path, "fields"), r.field.shape, false)
	return r.each != nil
}

func singular(list string) string {
	return strings.TrimSuffix(list, "s")
}

// valueKeys are the keys of a value rule, in the order docs/mapping.md
// lists them.
var valueKeys = []string{"path", "join", "separator", "const", "default", "required", "transform", "map", "keep_unmapped", "date", "decimal_comma", "minor_units"}

// valueRule reads where one value comes from: a bare string (a source
// path) or a mapping of valueKeys. wild allows a path ending in [*], whose
// every element becomes one item of a text list.
func (l *loader) valueRule(n *yaml.Node, path string, k kind, wild bool) *valueRule {
	v := &valueRule{at: path, kind: k, minor: -1, sep: " "}
	if l.rules++; l.rules > maxRules {
		if l.rules == maxRules+1 {
			l.add(n, path, "too many rules: a profile maps at most %d values", maxRules)
		}
		return nil
	}
	if !l.plain(n, path) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if n.Tag != "!!str" {
			l.add(n, path, "%s is read as a source path only when quoted; write {const: %s} for a constant", nodeWord(n), n.Value)
			return nil
		}
		v.path = l.srcPath(n, path, n.Value, wild)
		if v.path == nil {
			return nil
		}
		return v
	}
	entries, ok := l.mapping(n, path, valueKeys)
	if !ok {
		return nil
	}
	before := len(l.problems)
	has := map[string]*yaml.Node{}
	for _, e := range entries {
		has[e.key] = e.node
		at := join(path, e.key)
		switch e.key {
		case "path":
			if s, ok := l.str(e.node, at); ok {
				v.path = l.srcPath(e.node, at, s, wild)
			}
		case "join":
			parts, ok := l.strings(e.node, at, maxJoin)
			if ok && len(parts) < 2 {
				l.add(e.node, at, "must list at least 2 paths")
			}
			for i, s := range parts {
				if sp := l.srcPath(e.node.Content[i], index(at, i), s, false); sp != nil {
					v.join = append(v.join, sp)
				}
			}
		case "separator":
			v.sep, _ = l.str(e.node, at)
		case "const", "default":
			if s, ok := l.str(e.node, at); ok {
				if e.key == "const" {
					v.constant = &s
				} else {
					v.def = &s
				}
			}
		case "required":
			v.required, _ = l.boolean(e.node, at)
		case "transform":
			v.transforms = l.transforms(e.node, at)
		case "map":
			v.table = l.table(e.node, at)
		case "keep_unmapped":
			v.keepUnmapped, _ = l.boolean(e.node, at)
		case "date":
			if k != kindDate {
				l.add(e.node, at, "only a date field takes a date format")
			} else if s, ok := l.str(e.node, at); ok {
				f, err := parseDateFormat(s)
				if err != nil {
					l.add(e.node, at, "%v", err)
				}
				v.date = f
			}
		case "decimal_comma":
			if k != kindDecimal {
				l.add(e.node, at, "only a decimal field takes decimal_comma")
			} else if b, ok := l.boolean(e.node, at); ok {
				v.decimalComma = &b
			}
		case "minor_units":
			switch {
			case k != kindDecimal:
				l.add(e.node, at, "only a decimal field takes minor_units")
			case e.node.Kind == yaml.ScalarNode && e.node.Value == "currency":
				v.minorCurrency = true
			default:
				if d, ok := l.integer(e.node, at); ok {
					if d < 0 || d > render.MaxFractionDigits {
						l.add(e.node, at, "must be 0 to %d, or currency", render.MaxFractionDigits)
					}
					v.minor = d
				}
			}
		}
	}
	sources := 0
	for _, key := range []string{"path", "join", "const"} {
		if has[key] != nil {
			sources++
		}
	}
	switch {
	case sources == 0:
		l.add(n, path, "needs one of path:, join: or const:")
	case sources > 1:
		l.add(n, path, "takes only one of path:, join: and const:")
	}
	if has["separator"] != nil && has["join"] == nil {
		l.add(has["separator"], join(path, "separator"), "only join: takes a separator")
	}
	if has["keep_unmapped"] != nil && has["map"] == nil {
		l.add(has["keep_unmapped"], join(path, "keep_unmapped"), "only a rule with map: keeps unmapped values")
	}
	if has["const"] != nil && (has["default"] != nil || has["required"] != nil) {
		l.add(n, path, "a constant is always there: default: and required: make no sense with const:")
	}
	if len(l.problems) > before {
		return nil
	}
	return v
}

// srcPath parses a source path of a rule and checks it against the source:
// in a CSV profile a path names a column.
func (l *loader) srcPath(n *yaml.Node, at, s string, wild bool) *srcPath {
	p, err := parsePath(s)
	if err != nil {
		l.add(n, at, "%s: %v", quote(s), err)
		return nil
	}
	if p.wild && !wild {
		l.add(n, at, "%s: [*] reads every element of a list; only address lines and each: take one", quote(s))
		return nil
	}
	if l.csv != nil {
		if len(p.steps) != 1 || p.steps[0].key == "" || p.wild {
			l.add(n, at, "%s: in a CSV profile a path is a column name", quote(s))
			return nil
		}
		if p.steps[0].key == csvRows && !p.abs {
			l.add(n, at, "%q is reserved for the rows of an invoice: it is no column", csvRows)
			return nil
		}
		if l.csv.Columns != nil && !slices.Contains(l.csv.Columns, p.steps[0].key) {
			l.add(n, at, "no column %s in csv.columns", quote(p.steps[0].key))
			return nil
		}
	}
	return p
}

func (l *loader) transforms(n *yaml.Node, path string) []transform {
	var names []string
	if n.Kind == yaml.ScalarNode {
		s, ok := l.str(n, path)
		if !ok {
			return nil
		}
		names = []string{s}
	} else {
		names, _ = l.strings(n, path, 20)
	}
	var out []transform
	for i, name := range names {
		fn, ok := transforms[name]
		if !ok {
			at := path
			if n.Kind == yaml.SequenceNode {
				at = index(path, i)
			}
			l.add(n, at, "unknown transform %s (known: %s)", quote(name), strings.Join(transformNames, ", "))
			continue
		}
		out = append(out, transform{name: name, fn: fn})
	}
	return out
}

func (l *loader) table(n *yaml.Node, path string) map[string]string {
	entries, ok := l.mapping(n, path, nil)
	if !ok {
		return nil
	}
	if len(entries) == 0 || len(entries) > maxTable {
		l.add(n, path, "must hold 1 to %d codes", maxTable)
		return nil
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		if s, ok := l.str(e.node, join(path, e.key)); ok {
			out[e.key] = s
		}
	}
	return out
}
