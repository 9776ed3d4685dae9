package mapping

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/liveryhq/livery/render"
)

// Builder assembles one canonical document field by field and remembers
// where in the source each field came from, so that problems render finds
// in the document can be reported at the source. The mapping engine and the
// UBL reader both build documents with it.
//
// Targets are canonical paths as docs/input.md writes them:
// "number", "buyer.address.city", "lines[2].quantity",
// "buyer.address.lines[0]". An element of a list is created by the first
// target that names the index after the last one; naming an index further
// ahead, a field that does not exist or a path through a value is a bug in
// the caller and is reported as a problem, never a panic.
type Builder struct {
	typ      render.DocumentType
	root     *object
	trace    map[string]string
	problems []Problem
	failed   map[string]bool // targets with a problem of their own
	// unmapped is added to "required" for a field nothing maps, when the
	// caller can say why (a profile that lacks a rule).
	unmapped string
}

// object is a canonical object under construction. Values are string (a
// text, decimal or date), []string, *object or []*object.
type object struct {
	shape *shape
	vals  map[string]any
}

func newObject(s *shape) *object { return &object{shape: s, vals: map[string]any{}} }

// NewBuilder starts a document of type t ("invoice", "credit_note" or
// "notice"); the type field is set to t.
func NewBuilder(t render.DocumentType) *Builder {
	s := shapeFor(t)
	if s == nil {
		s = shapeFor(render.TypeInvoice)
	}
	b := &Builder{typ: t, root: newObject(s), trace: map[string]string{}, failed: map[string]bool{}}
	b.root.vals["type"] = string(t)
	return b
}

// Set puts value at target and records source as its origin. An empty
// value leaves the field out, as docs/input.md treats an empty optional
// field, but the origin is still recorded.
func (b *Builder) Set(target, value, source string) {
	b.Trace(target, source)
	if value == "" {
		return
	}
	b.put(target, value)
}

// Ensure creates the object at target (a list element such as "lines[3]")
// even if no field of it is ever set, so that the elements after it keep
// their indexes, and records source as its origin.
func (b *Builder) Ensure(target, source string) {
	b.Trace(target, source)
	b.put(target, nil)
}

// Trace records source as the origin of target without setting a value:
// the field the source did not have, which render may then report missing.
func (b *Builder) Trace(target, source string) {
	if source != "" {
		b.trace[target] = source
	}
}

// Problem records a problem at source that keeps target from being set.
func (b *Builder) Problem(source, target, message string) {
	b.problems = append(b.problems, Problem{Source: source, Target: target, Message: message})
	if target != "" {
		b.failed[target] = true
	}
}

// Report records a problem at source about target that leaves render's own
// checks of target in place: both are reported (an amount in a foreign
// currency that is also malformed).
func (b *Builder) Report(source, target, message string) {
	b.problems = append(b.problems, Problem{Source: source, Target: target, Message: message})
}

// Problems returns the problems recorded so far.
func (b *Builder) Problems() []Problem { return b.problems }

// Source returns the recorded origin of target or of its nearest ancestor
// with one, or "" when none is known.
func (b *Builder) Source(target string) string {
	for p := target; p != ""; {
		if s, ok := b.trace[p]; ok {
			return s
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return ""
}

// put walks target from the root, creating objects and list elements on
// the way, and stores v at the end (v nil only creates).
func (b *Builder) put(target string, v any) {
	segs, ok := splitTarget(target)
	if !ok {
		b.Problem("", target, "mapping error: not a canonical field path")
		return
	}
	cur := b.root
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		f, ok := cur.shape.field(s.name)
		if !ok || s.index >= 0 {
			b.Problem("", target, "mapping error: no such field")
			return
		}
		last := i == len(segs)-1
		switch f.kind {
		case kindText, kindDecimal, kindDate:
			if !last {
				b.Problem("", target, "mapping error: "+f.name+" holds a value, not fields")
				return
			}
			if str, ok := v.(string); ok {
				cur.vals[f.name] = str
			}
			return
		case kindObject:
			child, _ := cur.vals[f.name].(*object)
			if child == nil {
				child = newObject(f.shape)
				cur.vals[f.name] = child
			}
			if last {
				if v != nil {
					b.Problem("", target, "mapping error: "+f.name+" is an object, not a value")
				}
				return
			}
			cur = child
		case kindTextList, kindObjectList:
			if i+1 >= len(segs) || segs[i+1].index < 0 {
				b.Problem("", target, "mapping error: "+f.name+" is a list; name an element")
				return
			}
			idx := segs[i+1].index
			i++
			if f.kind == kindTextList {
				list, _ := cur.vals[f.name].([]string)
				str, isStr := v.(string)
				if i != len(segs)-1 || !isStr || idx > len(list) {
					if v != nil || idx > len(list) {
						b.Problem("", target, "mapping error: bad list element")
					}
					return
				}
				if idx == len(list) {
					list = append(list, str)
				} else {
					list[idx] = str
				}
				cur.vals[f.name] = list
				return
			}
			list, _ := cur.vals[f.name].([]*object)
			if idx > len(list) {
				b.Problem("", target, "mapping error: list element out of order")
				return
			}
			if idx == len(list) {
				list = append(list, newObject(f.shape))
				cur.vals[f.name] = list
			}
			if i == len(segs)-1 {
				return
			}
			cur = list[idx]
		}
	}
}

// targetSeg is one step of a target: a field name, or an index (name "").
type targetSeg struct {
	name  string
	index int // -1 for a name
}

func splitTarget(t string) ([]targetSeg, bool) {
	var out []targetSeg
	for t != "" {
		if t[0] == '[' {
			end := strings.IndexByte(t, ']')
			if end < 0 {
				return nil, false
			}
			n, err := strconv.Atoi(t[1:end])
			if err != nil || n < 0 {
				return nil, false
			}
			out = append(out, targetSeg{index: n})
			t = t[end+1:]
			if t != "" && t[0] != '.' && t[0] != '[' {
				return nil, false
			}
			t = strings.TrimPrefix(t, ".")
			continue
		}
		end := strings.IndexAny(t, ".[")
		if end < 0 {
			end = len(t)
		}
		if end == 0 {
			return nil, false
		}
		out = append(out, targetSeg{name: t[:end], index: -1})
		t = t[end:]
		t = strings.TrimPrefix(t, ".")
	}
	return out, len(out) > 0
}

// JSON writes the document as built so far: canonical JSON with fields in
// the order of docs/input.md, objects that received nothing left out
// (except list elements, which keep their place).
func (b *Builder) JSON() []byte {
	var buf bytes.Buffer
	writeObject(&buf, b.root)
	return buf.Bytes()
}

func writeObject(buf *bytes.Buffer, o *object) {
	buf.WriteByte('{')
	first := true
	for _, f := range o.shape.fields {
		v, ok := o.vals[f.name]
		if !ok || isEmpty(v) {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		writeString(buf, f.name)
		buf.WriteByte(':')
		switch v := v.(type) {
		case string:
			writeString(buf, v)
		case []string:
			buf.WriteByte('[')
			for i, s := range v {
				if i > 0 {
					buf.WriteByte(',')
				}
				writeString(buf, s)
			}
			buf.WriteByte(']')
		case *object:
			writeObject(buf, v)
		case []*object:
			buf.WriteByte('[')
			for i, e := range v {
				if i > 0 {
					buf.WriteByte(',')
				}
				writeObject(buf, e)
			}
			buf.WriteByte(']')
		}
	}
	buf.WriteByte('}')
}

// isEmpty reports whether v would write nothing worth keeping: an object
// with no values or an empty list.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case string:
		return v == ""
	case []string:
		return len(v) == 0
	case []*object:
		return len(v) == 0
	case *object:
		for _, x := range v.vals {
			if !isEmpty(x) {
				return false
			}
		}
		return true
	}
	return true
}

// writeString writes s as a JSON string without HTML escaping (the output
// is read by people debugging a mapping); invalid UTF-8 becomes U+FFFD.
func writeString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf.WriteString(`\ufffd`)
		case r == '"' || r == '\\':
			buf.WriteByte('\\')
			buf.WriteByte(byte(r))
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r == '\t':
			buf.WriteString(`\t`)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			buf.WriteString(`\u`)
			buf.WriteByte(hex[r>>12&0xf])
			buf.WriteByte(hex[r>>8&0xf])
			buf.WriteByte(hex[r>>4&0xf])
			buf.WriteByte(hex[r&0xf])
		default:
			buf.WriteString(s[i : i+size])
		}
		i += size
	}
	buf.WriteByte('"')
}

// Document validates the built document with render.ParseDocument and
// returns it with its canonical JSON. The error is an *Error listing the
// problems recorded while building and, translated to the source where the
// origin is known, every problem render finds; a problem render reports at
// or under a field that already has a problem of its own is left out, as it
// only repeats it ("required" after "not a number"). The JSON is returned
// even with an error, for debugging.
func (b *Builder) Document() (*render.Document, []byte, error) {
	data := b.JSON()
	doc, err := render.ParseDocument(data)
	var verr *render.ValidationError
	switch {
	case err == nil:
		if len(b.problems) > 0 {
			return nil, data, NewError(b.problems)
		}
		return doc, data, nil
	case !errors.As(err, &verr):
		return nil, data, err
	}
	problems := append([]Problem(nil), b.problems...)
	for _, fe := range verr.Problems {
		if b.covered(fe.Path) {
			continue
		}
		p := Problem{Source: b.Source(fe.Path), Target: fe.Path, Message: fe.Message}
		if p.Source == "" && p.Message == "required" && b.unmapped != "" {
			p.Message += ": " + b.unmapped
		}
		problems = append(problems, p)
	}
	if len(problems) == 0 {
		return nil, data, NewError([]Problem{{Message: verr.Error()}})
	}
	e, _ := NewError(problems).(*Error)
	e.Omitted += verr.Omitted
	return nil, data, e
}

// covered reports whether target, one of its ancestors or one of its
// descendants has a problem of its own: "buyer: required" only repeats that
// every field of the buyer failed.
func (b *Builder) covered(target string) bool {
	for f := range b.failed {
		if target == "" || strings.HasPrefix(f, target+".") || strings.HasPrefix(f, target+"[") {
			return true
		}
	}
	for p := target; p != ""; {
		if b.failed[p] {
			return true
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return false
}
