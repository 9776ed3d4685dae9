package ubl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/mapping"
)

// Limits on a UBL document: far above a real invoice (2000 lines of some
// thirty elements each), low enough to bound the work of any input.
const (
	// MaxSize is the largest UBL document read, in bytes.
	MaxSize = 5 << 20
	// MaxDepth is the deepest element nesting accepted; UBL needs about 8,
	// signatures in extensions a few more.
	MaxDepth = 64
	// MaxElements is the most elements one document may have.
	MaxElements = 250_000
	maxAttrs    = 64
)

// The UBL 2.1 namespaces.
const (
	nsInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCAC        = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC        = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
	nsEXT        = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
)

// prefixes are the prefixes paths show for the namespaces, whatever
// prefixes the document itself declares.
var prefixes = map[string]string{nsCAC: "cac", nsCBC: "cbc", nsEXT: "ext"}

// elem is one element of a parsed document.
type elem struct {
	name  xml.Name // Space is the namespace URI
	attrs []xml.Attr
	text  []byte
	kids  []*elem
	path  string
}

// parse reads data into an element tree, refusing DOCTYPE and ENTITY
// declarations and anything over the limits.
func parse(data []byte) (*elem, error) {
	if len(data) > MaxSize {
		return nil, mapping.Whole("input is %d bytes, more than the limit of %d bytes (5 MiB)", len(data), MaxSize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, mapping.Whole("empty input: expected a UBL Invoice or CreditNote")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	declared := ""
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		declared = label
		return nil, errors.New("not UTF-8")
	}
	var root *elem
	var stack []*elem
	count := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && declared != "" {
			return nil, mapping.Whole("the document declares the encoding %q; only UTF-8 is supported", declared)
		}
		if err != nil {
			return nil, mapping.Whole("not well-formed XML: %s", xmlProblem(err))
		}
		switch t := tok.(type) {
		case xml.Directive:
			// encoding/xml expands no entities, but a DOCTYPE has no place
			// in UBL and is how XXE and billion-laughs attacks start:
			// refuse it whatever it holds.
			line, _ := d.InputPos()
			return nil, mapping.Whole("DOCTYPE and ENTITY declarations are not allowed (line %d)", line)
		case xml.StartElement:
			if count++; count > MaxElements {
				return nil, mapping.Whole("more than %d elements", MaxElements)
			}
			if len(stack) >= MaxDepth {
				line, _ := d.InputPos()
				return nil, mapping.Whole("elements nested more than %d deep (line %d)", MaxDepth, line)
			}
			if len(t.Attr) > maxAttrs {
				line, _ := d.InputPos()
				return nil, mapping.Whole("an element with more than %d attributes (line %d)", maxAttrs, line)
			}
			e := &elem{name: t.Name, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, mapping.Whole("more than one root element")
				}
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.text = append(top.text, t...)
			}
		}
	}
	if root == nil {
		return nil, mapping.Whole("no root element")
	}
	root.path = root.name.Local
	setPaths(root)
	return root, nil
}

// xmlProblem words a decoder error, with its line where there is one.
func xmlProblem(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("line %d: %s", se.Line, se.Msg)
	}
	return err.Error()
}

// repeatable are the UBL elements that may occur more than once where
// Livery reads them; their paths always carry an index, like XPath's.
var repeatable = map[string]bool{
	"InvoiceLine": true, "CreditNoteLine": true, "Note": true, "AllowanceCharge": true,
	"PaymentMeans": true, "PaymentTerms": true, "TaxTotal": true, "TaxSubtotal": true,
	"AddressLine": true, "PartyIdentification": true, "PartyTaxScheme": true,
	"BillingReference": true, "PartyName": true,
}

// setPaths gives every element below e its path: the parent's, then the
// prefixed name, then [n] (counting from 1 among siblings of the same name)
// when the element may repeat or does.
func setPaths(e *elem) {
	total := map[xml.Name]int{}
	for _, k := range e.kids {
		total[k.name]++
	}
	seen := map[xml.Name]int{}
	for _, k := range e.kids {
		seen[k.name]++
		k.path = e.path + "/" + qualified(k.name)
		if repeatable[k.name.Local] || total[k.name] > 1 {
			k.path += "[" + strconv.Itoa(seen[k.name]) + "]"
		}
		setPaths(k)
	}
}

func qualified(n xml.Name) string {
	if p, ok := prefixes[n.Space]; ok {
		return p + ":" + n.Local
	}
	return n.Local
}

// node is an element, or the place where a missing one would be: path is
// always set, e only when the element exists.
type node struct {
	e    *elem
	path string
}

// step names a child element.
type step struct{ ns, local string }

func cac(local string) step { return step{nsCAC, local} }
func cbc(local string) step { return step{nsCBC, local} }

// get follows steps, taking the first matching child at each.
func (n node) get(steps ...step) node {
	for _, s := range steps {
		if n.e == nil {
			n.path += "/" + qualified(xml.Name{Space: s.ns, Local: s.local})
			continue
		}
		next := node{path: n.e.path + "/" + qualified(xml.Name{Space: s.ns, Local: s.local})}
		for _, k := range n.e.kids {
			if k.name.Space == s.ns && k.name.Local == s.local {
				next = node{e: k, path: k.path}
				break
			}
		}
		n = next
	}
	return n
}

// all returns every child matching s.
func (n node) all(s step) []node {
	if n.e == nil {
		return nil
	}
	var out []node
	for _, k := range n.e.kids {
		if k.name.Space == s.ns && k.name.Local == s.local {
			out = append(out, node{e: k, path: k.path})
		}
	}
	return out
}

// ok reports whether the element exists.
func (n node) ok() bool { return n.e != nil }

// text is the element's text, trimmed; "" when it is missing.
func (n node) text() string {
	if n.e == nil {
		return ""
	}
	return strings.TrimSpace(string(n.e.text))
}

// attr returns an attribute's value and the path naming it.
func (n node) attr(local string) (string, string) {
	p := n.path + "/@" + local
	if n.e == nil {
		return "", p
	}
	for _, a := range n.e.attrs {
		if a.Name.Local == local && a.Name.Space == "" {
			return strings.TrimSpace(a.Value), p
		}
	}
	return "", p
}
