package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/liveryhq/livery/render"
)

// Limits on profile files: far above any real profile, low enough that no
// profile makes loading or mapping expensive.
const (
	// MaxProfileSize is the largest profile file ParseProfile reads.
	MaxProfileSize = 256 << 10
	maxRules       = 500  // value rules in one profile, list items included
	maxTable       = 1000 // entries of one code table
	maxJoin        = 10   // paths one join reads
	maxListParts   = 10   // rules one text list (address lines) reads
	maxFixedItems  = 50   // items of a list written out item by item
	maxProfileErrs = 100
	maxColumns     = 500
	maxDescription = 2000
)

// csvRows is the list a CSV group offers its rows under: the path every
// line's each reads in a CSV profile.
const csvRows = "rows"

// ParseProfile reads a profile file (YAML, see docs/mapping.md) and
// validates it. A profile with problems is refused with a *ProfileError
// (errors.Is ErrInvalidProfile) that lists every problem with its path in
// the file. Unknown keys are errors. It never panics.
func ParseProfile(data []byte) (p *Profile, err error) {
	l := &loader{}
	defer func() {
		// yaml.v3 has panicked on hostile input before.
		if r := recover(); r != nil {
			p, err = nil, &ProfileError{Problems: []ProfileProblem{{Message: fmt.Sprintf("cannot be read as YAML (%v)", r)}}}
		}
	}()
	if len(data) > MaxProfileSize {
		return nil, l.fail(fmt.Sprintf("profile is %d bytes, at most %d", len(data), MaxProfileSize))
	}
	if !utf8.Valid(data) {
		return nil, l.fail("profile is not UTF-8 text")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, l.fail("empty profile")
		}
		return nil, l.fail(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, l.fail("holds more than one YAML document; remove the second \"---\"")
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, l.fail("expected a mapping with livery_profile:, name:, target: and fields: at the top level")
	}
	p = l.profile(doc.Content[0])
	if len(l.problems) > 0 {
		slices.SortStableFunc(l.problems, func(a, b ProfileProblem) int { return a.Line - b.Line })
		return nil, &ProfileError{Problems: l.problems}
	}
	p.yaml = slices.Clone(data)
	return p, nil
}

// loader walks a profile's YAML, collecting every problem.
type loader struct {
	problems []ProfileProblem
	rules    int
	target   render.DocumentType
	csv      *CSVOptions
	comma    bool
}

func (l *loader) fail(msg string) error {
	return &ProfileError{Problems: []ProfileProblem{{Message: msg}}}
}

func (l *loader) add(n *yaml.Node, path, format string, args ...any) {
	if len(l.problems) >= maxProfileErrs {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	l.problems = append(l.problems, ProfileProblem{Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
}

// entry is one key of a YAML mapping.
type entry struct {
	key   string
	node  *yaml.Node // the value
	kline int
}

// mapping returns the entries of n in file order, reporting n if it is not
// a mapping and every key not in known (nil: any key).
func (l *loader) mapping(n *yaml.Node, path string, known []string) ([]entry, bool) {
	if !l.plain(n, path) {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		l.add(n, path, "must be a mapping (key: value lines), not %s", nodeWord(n))
		return nil, false
	}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			l.add(k, path, "merge keys (<<) are not supported in profiles; write the keys out")
			continue
		}
		if k.Kind != yaml.ScalarNode || k.Tag == "!!null" {
			l.add(k, path, "keys must be plain text")
			continue
		}
		if known != nil && !slices.Contains(known, k.Value) {
			l.add(k, join(path, k.Value), "unknown key (known here: %s)", strings.Join(known, ", "))
			continue
		}
		out = append(out, entry{key: k.Value, node: v, kline: k.Line})
	}
	return out, true
}

// plain reports whether n can be read: present and not an alias (aliases
// could make a small file expand into a huge profile).
func (l *loader) plain(n *yaml.Node, path string) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.AliasNode {
		l.add(n, path, "aliases (*%s) are not supported in profiles; repeat the value", n.Value)
		return false
	}
	return true
}

func (l *loader) str(n *yaml.Node, path string) (string, bool) {
	if !l.plain(n, path) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.add(n, path, "must be text, not %s", nodeWord(n))
		return "", false
	}
	return n.Value, true
}

func (l *loader) boolean(n *yaml.Node, path string) (bool, bool) {
	if !l.plain(n, path) {
		return false, false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		l.add(n, path, "must be true or false, not %s", nodeWord(n))
		return false, false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
}

func (l *loader) integer(n *yaml.Node, path string) (int, bool) {
	if !l.plain(n, path) {
		return 0, false
	}
	i, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
		l.add(n, path, "must be a whole number, not %s", nodeWord(n))
		return 0, false
	}
	return i, true
}

func (l *loader) strings(n *yaml.Node, path string, max int) ([]string, bool) {
	if !l.plain(n, path) {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		l.add(n, path, "must be a list, not %s", nodeWord(n))
		return nil, false
	}
	if len(n.Content) > max {
		l.add(n, path, "too many items: %d, at most %d", len(n.Content), max)
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for i, c := range n.Content {
		s, good := l.str(c, index(path, i))
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}

// nodeWord describes a YAML node for messages.
func nodeWord(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "true/false"
	case "!!int", "!!float":
		return "the number " + clip(n.Value, 20)
	}
	return "the text " + quote(n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// profile reads the top level.
func (l *loader) profile(root *yaml.Node) *Profile {
	p := &Profile{}
	entries, _ := l.mapping(root, "", []string{"livery_profile", "name", "description", "target", "decimal_comma", "csv", "fields"})
	got := map[string]entry{}
	for _, e := range entries {
		got[e.key] = e
	}
	if e, ok := got["livery_profile"]; !ok {
		l.add(nil, "livery_profile", "required: the profile format version, %d", FormatVersion)
	} else if v, ok := l.integer(e.node, "livery_profile"); ok {
		if v != FormatVersion {
			l.add(e.node, "livery_profile", "unsupported profile format %d: this Livery reads format %d", v, FormatVersion)
		}
		p.Format = v
	}
	if e, ok := got["name"]; !ok {
		l.add(nil, "name", "required")
	} else if v, ok := l.str(e.node, "name"); ok {
		if err := CheckName(v); err != nil {
			l.add(e.node, "name", "%v", err)
		}
		p.Name = v
	}
	if e, ok := got["description"]; ok {
		if v, ok := l.str(e.node, "description"); ok {
			if n := utf8.RuneCountInString(v); n > maxDescription {
				l.add(e.node, "description", "too long: %d characters, at most %d", n, maxDescription)
			}
			p.Description = v
		}
	}
	if e, ok := got["target"]; !ok {
		l.add(nil, "target", `required: "invoice", "credit_note" or "notice"`)
	} else if v, ok := l.str(e.node, "target"); ok {
		switch t := render.DocumentType(v); t {
		case render.TypeInvoice, render.TypeCreditNote, render.TypeNotice:
			p.Target, l.target = t, t
		default:
			l.add(e.node, "target", `must be "invoice", "credit_note" or "notice" (got %s)`, quote(v))
		}
	}
	if e, ok := got["decimal_comma"]; ok {
		p.DecimalComma, _ = l.boolean(e.node, "decimal_comma")
		l.comma = p.DecimalComma
	}
	if e, ok := got["csv"]; ok {
		p.CSV = l.csvOptions(e.node)
		l.csv = p.CSV
		if dc := p.CSV.decimalComma; dc != nil {
			if _, both := got["decimal_comma"]; both {
				l.add(e.node, "csv.decimal_comma", "set decimal_comma once: at the top level or in csv")
			}
			p.DecimalComma, l.comma = *dc, *dc
		}
		if p.Target == render.TypeNotice {
			l.add(e.node, "csv", "a CSV billing run holds invoices: target must be invoice or credit_note")
		}
	}
	e, ok := got["fields"]
	if !ok {
		l.add(nil, "fields", "required: the canonical fields and where each comes from")
		return p
	}
	if p.Target == "" {
		return p // nothing to check the fields against
	}
	p.rules = l.fields(e.node, "fields", shapeFor(p.Target), true)
	// The currency goes first: amounts in minor units of the currency need it.
	slices.SortStableFunc(p.rules, func(a, b *rule) int {
		return boolRank(a.target == "currency") - boolRank(b.target == "currency")
	})
	return p
}

func boolRank(first bool) int {
	if first {
		return 0
	}
	return 1
}
