package mapping

import (
	"reflect"
	"strings"
	"sync"

	"github.com/liveryhq/livery/render"
)

// kind is what a canonical field holds, which decides how a mapped value is
// converted and written.
type kind int

const (
	kindText       kind = iota // a JSON string
	kindDecimal                // a decimal number, written as a string
	kindDate                   // a date, written "YYYY-MM-DD"
	kindTextList               // an array of strings (address lines)
	kindObject                 // a nested object (buyer, payment, discount)
	kindObjectList             // an array of objects (lines, facts)
)

// field is one field of a canonical object.
type field struct {
	name  string
	kind  kind
	shape *shape // kindObject and kindObjectList
}

// shape is a canonical object: its fields in the order docs/input.md (and
// the Go structs) list them, which is also the order the mapped JSON is
// written in.
type shape struct {
	fields []field
	index  map[string]int
}

func (s *shape) field(name string) (field, bool) {
	i, ok := s.index[name]
	if !ok {
		return field{}, false
	}
	return s.fields[i], true
}

// names lists the field names of s, for messages.
func (s *shape) names() []string {
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.name
	}
	return out
}

var (
	decimalType = reflect.TypeFor[render.Decimal]()
	dateType    = reflect.TypeFor[render.Date]()
)

// shapes are read from render's structs and their json tags, so a field
// added to render.Invoice or render.Notice can be mapped without touching
// this package.
var shapes = sync.OnceValue(func() map[render.DocumentType]*shape {
	inv := shapeOf(reflect.TypeFor[render.Invoice]())
	return map[render.DocumentType]*shape{
		render.TypeInvoice:    inv,
		render.TypeCreditNote: inv,
		render.TypeNotice:     shapeOf(reflect.TypeFor[render.Notice]()),
	}
})

// shapeFor returns the canonical shape of a document type.
func shapeFor(t render.DocumentType) *shape { return shapes()[t] }

func shapeOf(t reflect.Type) *shape {
	s := &shape{index: map[string]int{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		f, ok := fieldOf(name, sf.Type)
		if !ok {
			continue // a kind of field no source maps to
		}
		s.index[name] = len(s.fields)
		s.fields = append(s.fields, f)
	}
	return s
}

func fieldOf(name string, t reflect.Type) (field, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == decimalType:
		return field{name: name, kind: kindDecimal}, true
	case t == dateType:
		return field{name: name, kind: kindDate}, true
	case t.Kind() == reflect.String:
		return field{name: name, kind: kindText}, true
	case t.Kind() == reflect.Struct:
		return field{name: name, kind: kindObject, shape: shapeOf(t)}, true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return field{name: name, kind: kindTextList}, true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return field{name: name, kind: kindObjectList, shape: shapeOf(t.Elem())}, true
	}
	return field{}, false
}

// resolveTarget looks up a dotted target such as "buyer.address.city" in s.
// It returns the field and, when the name does not exist, how far it got.
func resolveTarget(s *shape, dotted string) (field, string, bool) {
	parts := strings.Split(dotted, ".")
	cur := s
	for i, p := range parts {
		f, ok := cur.field(p)
		if !ok {
			return field{}, strings.Join(parts[:i], "."), false
		}
		if i == len(parts)-1 {
			return f, "", true
		}
		if f.kind != kindObject {
			return field{}, strings.Join(parts[:i+1], "."), false
		}
		cur = f.shape
	}
	return field{}, "", false
}

// HasTarget reports whether a canonical field such as
// "payment.creditor_reference" exists in documents of type t; list
// elements are named without an index ("lines.quantity"). Readers with a
// fixed mapping use it for fields newer than themselves.
func HasTarget(t render.DocumentType, dotted string) bool {
	cur := shapeFor(t)
	if cur == nil {
		return false
	}
	parts := strings.Split(dotted, ".")
	for i, p := range parts {
		f, ok := cur.field(p)
		if !ok {
			return false
		}
		if i == len(parts)-1 {
			return true
		}
		if f.shape == nil {
			return false
		}
		cur = f.shape
	}
	return false
}
