package mapping

import (
	"slices"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/render"
)

// Map reads one document of the profile's JSON source shape and returns it
// as canonical JSON, validated by render.ParseDocument. Every problem, of
// the mapping and of the mapped document, is in one *Error (errors.Is
// ErrInvalid and render.ErrInvalid), each naming the source path and the
// canonical field. With an error the JSON built so far is still returned
// (nil when the source is not JSON at all), for debugging. A CSV profile
// reads with NewCSVReader instead.
func (p *Profile) Map(src []byte) ([]byte, error) {
	_, data, err := p.MapDocument(src)
	return data, err
}

// MapDocument is Map returning the parsed document too, ready to render.
func (p *Profile) MapDocument(src []byte) (*render.Document, []byte, error) {
	if p.CSV != nil {
		return nil, nil, Whole("profile %s reads CSV billing runs, not JSON documents", p.Name)
	}
	root, err := decodeSource(src)
	if err != nil {
		return nil, nil, err
	}
	return p.build(root, formatJSONLoc).Document()
}

// mapper applies a profile's rules to one source tree.
type mapper struct {
	p      *Profile
	b      *Builder
	root   any
	format func(loc) string
}

// build maps root into a Builder; format writes source locations.
func (p *Profile) build(root any, format func(loc) string) *Builder {
	m := &mapper{p: p, b: NewBuilder(p.Target), root: root, format: format}
	m.b.unmapped = "nothing in the profile maps to it"
	for _, r := range p.rules {
		m.apply(r, root, nil, "")
	}
	if t, _ := m.b.root.vals["type"].(string); p.Target != render.TypeNotice && t != string(render.TypeInvoice) && t != string(render.TypeCreditNote) {
		src := m.b.trace["type"]
		m.b.Problem(src, "type", `must be "invoice" or "credit_note" (got `+quote(t)+")")
		m.b.root.vals["type"] = string(p.Target)
	}
	return m.b
}

// apply maps one rule, reading relative paths from base (at baseAt) and
// writing under the target prefix ("" or "lines[3].").
func (m *mapper) apply(r *rule, base any, baseAt loc, prefix string) {
	target := prefix + r.target
	switch {
	case r.val != nil:
		v := m.value(r.val, base, baseAt)
		m.set(target, v)
	case r.parts != nil:
		m.textList(r, target, base, baseAt)
	case r.each != nil:
		m.eachList(r, target, base, baseAt)
	case r.items != nil:
		m.fixedItems(r, target, base, baseAt)
	}
}

// set writes a value's outcome at target.
func (m *mapper) set(target string, v result) {
	switch {
	case v.problem != "":
		m.b.Problem(v.src, target, v.problem)
	case v.missing:
		m.b.Trace(target, v.src)
	default:
		m.b.Set(target, v.val, v.src)
	}
}

// result is what a value rule produced from one source.
type result struct {
	val     string
	src     string // where it came from
	missing bool   // no value and no default: the field is left out
	problem string
	fromSrc bool // read from the source, not a constant
}

// value evaluates a value rule.
func (m *mapper) value(v *valueRule, base any, baseAt loc) result {
	var res result
	switch {
	case v.constant != nil:
		res = result{val: *v.constant, src: "profile " + v.at + ".const"}
	case v.join != nil:
		var vals, srcs []string
		res.fromSrc = true
		for _, p := range v.join {
			one := m.read(p, base, baseAt)
			srcs = append(srcs, one.src)
			if one.problem != "" {
				return one
			}
			if strings.TrimSpace(one.val) != "" {
				vals = append(vals, strings.TrimSpace(one.val))
			}
		}
		res.val, res.src = strings.Join(vals, v.sep), strings.Join(srcs, " + ")
	default:
		res = m.read(v.path, base, baseAt)
		if res.problem != "" {
			return res
		}
	}
	return m.convert(v, res)
}

// read evaluates a path to one value.
func (m *mapper) read(p *srcPath, base any, baseAt loc) result {
	e := p.eval(m.root, base, baseAt)
	res := result{src: m.format(e.at), fromSrc: true}
	if e.err != "" {
		res.problem = e.err
		return res
	}
	s, perr := scalar(e.value)
	if perr != "" {
		res.problem = perr
		return res
	}
	res.val = s
	return res
}

// convert applies default, required, transforms, the code table and the
// conversion the target's kind needs, in that order.
func (m *mapper) convert(v *valueRule, res result) result {
	if strings.TrimSpace(res.val) == "" {
		res.val = ""
		if v.def != nil {
			res.val = *v.def
		}
	}
	if strings.TrimSpace(res.val) == "" {
		if v.required {
			res.problem = "required"
		} else {
			res.missing = true
		}
		return res
	}
	if msg := validText(res.val); msg != "" {
		res.problem = msg
		return res
	}
	for _, t := range v.transforms {
		res.val = t.fn(res.val)
	}
	if v.table != nil {
		to, ok := v.table[res.val]
		switch {
		case ok:
			res.val = to
		case !v.keepUnmapped:
			res.problem = "no entry for " + quote(res.val) + " in the code table (" + tableKeys(v.table) + ")"
			return res
		}
	}
	switch v.kind {
	case kindDate:
		if v.date != nil {
			res.val, res.problem = v.date.parse(res.val)
		}
	case kindDecimal:
		comma := m.p.DecimalComma
		if v.decimalComma != nil {
			comma = *v.decimalComma
		}
		minor := v.minor
		if v.minorCurrency {
			cur, _ := m.b.root.vals["currency"].(string)
			d, err := render.CurrencyDigits(cur)
			if err != nil {
				res.problem = "amount in minor units of the currency, but the currency " + quote(cur) + " is not known"
				return res
			}
			minor = d
		}
		res.val, res.problem = toDecimal(res.val, comma, minor)
	}
	return res
}

// tableKeys lists a code table's codes for a message, at most ten.
func tableKeys(t map[string]string) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 10 {
		return "have " + strings.Join(keys[:10], ", ") + ", … " + strconv.Itoa(len(keys)) + " in all"
	}
	return "have " + strings.Join(keys, ", ")
}

// textList fills a list of texts (address lines) from its parts in order,
// each part one value or, ending in [*], every element of a list; blank
// values are left out.
func (m *mapper) textList(r *rule, target string, base any, baseAt loc) {
	n := 0
	for pi, part := range r.parts {
		var vals []result
		if part.path != nil && part.path.wild {
			e := part.path.eval(m.root, base, baseAt)
			if pi == 0 {
				m.b.Trace(target, m.format(e.at))
			}
			if e.err != "" {
				m.b.Problem(m.format(e.at), target, e.err)
				continue
			}
			switch list := e.value.(type) {
			case nil:
			case []any:
				for i, el := range list[:min(len(list), maxListItems)] {
					res := result{src: m.format(e.at.with(indexStep(i))), fromSrc: true}
					res.val, res.problem = scalar(el)
					if res.problem == "" {
						res = m.convert(part, res)
					}
					vals = append(vals, res)
				}
			default:
				m.b.Problem(m.format(e.at), target, "is "+typeWord(e.value)+", not a list")
				continue
			}
		} else {
			res := m.value(part, base, baseAt)
			if pi == 0 {
				m.b.Trace(target, res.src)
			}
			vals = append(vals, res)
		}
		for _, res := range vals {
			if res.missing {
				continue
			}
			m.set(target+"["+strconv.Itoa(n)+"]", res)
			if res.problem == "" {
				n++
			}
		}
	}
}

// maxListItems is the most elements a source list may have for one canonical
// list, the canonical limit on invoice lines.
const maxListItems = 2000

// eachList maps every element of a source list to one object of the
// target list. A single object where a list is expected is taken as a list
// of one, as converters from XML tend to write a list of one.
func (m *mapper) eachList(r *rule, target string, base any, baseAt loc) {
	e := r.each.eval(m.root, base, baseAt)
	src := m.format(e.at)
	m.b.Trace(target, src)
	if e.err != "" {
		m.b.Problem(src, target, e.err)
		return
	}
	var elems []any
	var locs []loc
	switch v := e.value.(type) {
	case nil:
		return
	case []any:
		if len(v) > maxListItems {
			m.b.Problem(src, target, "too many items: "+strconv.Itoa(len(v))+", at most "+strconv.Itoa(maxListItems))
			return
		}
		elems = v
		for i := range v {
			locs = append(locs, e.at.with(indexStep(i)))
		}
	case map[string]any:
		elems, locs = []any{v}, []loc{e.at}
	default:
		m.b.Problem(src, target, "is "+typeWord(v)+", not a list")
		return
	}
	for i, el := range elems {
		elTarget := target + "[" + strconv.Itoa(i) + "]"
		m.b.Ensure(elTarget, m.format(locs[i]))
		for _, fr := range r.eachFields {
			m.apply(fr, el, locs[i], elTarget+".")
		}
	}
}

// fixedItems writes a list item by item. An item is left out when every
// field it reads from the source is missing, so a fact such as
// {label: {const: Policy}, value: policy_no} appears only with a policy
// number.
func (m *mapper) fixedItems(r *rule, target string, base any, baseAt loc) {
	n := 0
	for _, item := range r.items {
		type fieldResult struct {
			target string
			res    result
		}
		var got []fieldResult
		present := false
		for _, fr := range item {
			if fr.val == nil {
				continue // the loader allows only value fields in items
			}
			res := m.value(fr.val, base, baseAt)
			if res.fromSrc && !res.missing {
				present = true
			}
			got = append(got, fieldResult{fr.target, res})
		}
		if !present {
			continue
		}
		elTarget := target + "[" + strconv.Itoa(n) + "]"
		m.b.Ensure(elTarget, "profile "+r.at+"["+strconv.Itoa(n)+"]")
		for _, g := range got {
			m.set(elTarget+"."+g.target, g.res)
		}
		n++
	}
}
