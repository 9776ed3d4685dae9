package render

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// MaxDocumentSize is the largest input ParseDocument accepts, in bytes. A
// real invoice with 2000 lines is far below it.
const MaxDocumentSize = 5 << 20

//go:embed schema/document.schema.json
var documentSchema []byte

// SchemaURL is the $id of the document JSON Schema.
const SchemaURL = "https://github.com/liveryhq/livery/render/schema/document.schema.json"

// DocumentSchema returns the JSON Schema (draft 2020-12) of the canonical
// input format, to serve or hand to the teams that produce documents.
func DocumentSchema() []byte { return bytes.Clone(documentSchema) }

// compiledSchemas holds the invoice and notice shapes compiled separately:
// validating against the one the type selects gives plain errors, where the
// root schema's if/then would wrap every error in a branch failure.
type compiledSchemas struct {
	root, invoice, notice *jsonschema.Schema
}

var schemas = sync.OnceValues(func() (*compiledSchemas, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(documentSchema))
	if err != nil {
		return nil, fmt.Errorf("document schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	// An empty loader table: the schema must never reach for files or the network.
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource(SchemaURL, doc); err != nil {
		return nil, fmt.Errorf("document schema: %w", err)
	}
	var s compiledSchemas
	for _, x := range []struct {
		dst **jsonschema.Schema
		loc string
	}{{&s.root, SchemaURL}, {&s.invoice, SchemaURL + "#/$defs/invoice"}, {&s.notice, SchemaURL + "#/$defs/notice"}} {
		if *x.dst, err = c.Compile(x.loc); err != nil {
			return nil, fmt.Errorf("document schema: %w", err)
		}
	}
	return &s, nil
})

// ParseDocument reads a document in Livery's canonical JSON (see
// docs/input.md and DocumentSchema) and validates it. Every rejection of the
// input is a *ValidationError (errors.Is ErrInvalid) that lists all problems
// found, each with the path of its field. It never panics, whatever data is.
func ParseDocument(data []byte) (*Document, error) {
	if len(data) > MaxDocumentSize {
		return nil, invalid(fmt.Sprintf("input is %d bytes, more than the limit of %d bytes (5 MiB)", len(data), MaxDocumentSize))
	}
	// Windows tools like to start UTF-8 with a byte order mark; it carries no
	// meaning, so it is skipped rather than reported.
	base := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		data, base = data[3:], 3
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("empty input: expected a JSON object")
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		line, col := position(data, off)
		return nil, invalid(fmt.Sprintf("invalid UTF-8 at byte offset %d (line %d, column %d)", off+base, line, col))
	}
	if !json.Valid(data) {
		return nil, invalid(syntaxProblem(data))
	}
	tree, problems := parseTree(data)
	if len(problems) > 0 {
		return nil, newValidationError(problems)
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return nil, invalid("must be a JSON object, not " + jsonTypeWord(tree))
	}
	docType, ok := obj["type"].(string)
	switch DocumentType(docType) {
	case TypeInvoice, TypeCreditNote, TypeNotice:
	default:
		// Without a type there is no shape to check the rest against.
		msg := `must be one of "invoice", "credit_note", "notice"`
		if _, present := obj["type"]; !present {
			msg = msgRequired() + ": " + msg
		} else {
			msg += " (got " + valueWord(obj["type"]) + ")"
		}
		return nil, newValidationError([]FieldError{{Path: "type", Message: msg}})
	}

	sch, err := schemas()
	if err != nil {
		return nil, err
	}
	target := sch.invoice
	if DocumentType(docType) == TypeNotice {
		target = sch.notice
	}
	var structural []FieldError
	if err := target.Validate(tree); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return nil, fmt.Errorf("validate document: %w", err)
		}
		structural = schemaProblems(verr, tree)
	}

	doc := &Document{Type: DocumentType(docType)}
	var decodeErr error
	if doc.Type == TypeNotice {
		doc.Notice = &Notice{}
		decodeErr = json.Unmarshal(data, doc.Notice)
	} else {
		doc.Invoice = &Invoice{}
		decodeErr = json.Unmarshal(data, doc.Invoice)
	}
	if decodeErr != nil && len(structural) == 0 {
		// The schema passed, so this would be a schema/struct mismatch; report
		// it rather than render half a document.
		structural = append(structural, FieldError{Message: "cannot decode: " + decodeErr.Error()})
	}

	// Decoding skipped whatever the schema rejected, so semantic checks would
	// repeat those problems in other words ("required" after "must be a
	// string"); keep only the ones about other fields.
	problems = structural
	covered := coverage(structural)
	for _, p := range doc.problems() {
		if !covered(p.Path) {
			problems = append(problems, p)
		}
	}
	if err := newValidationError(problems); err != nil {
		return nil, err
	}
	return doc, nil
}

// invalid is a ValidationError about the input as a whole.
func invalid(msg string) error {
	return newValidationError([]FieldError{{Message: msg}})
}

// coverage returns a test for whether a problem at some path is at or under
// the path of one of ps (the root excepted, which would cover everything).
// It looks up each ancestor of the path in a set, because a hostile document
// can have thousands of problems on each side.
func coverage(ps []FieldError) func(path string) bool {
	set := make(map[string]bool, len(ps))
	for _, p := range ps {
		if p.Path != "" {
			set[p.Path] = true
		}
	}
	return func(path string) bool {
		if set[path] {
			return true
		}
		for i := len(path) - 1; i > 0; i-- {
			if (path[i] == '.' || path[i] == '[') && set[path[:i]] {
				return true
			}
		}
		return false
	}
}

// invalidUTF8Offset is the offset of the first byte that is not valid UTF-8.
func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// position turns a byte offset into a 1-based line and a 1-based column
// counted in characters, which is what editors show.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// syntaxProblem describes why data is not JSON, with the line and column.
func syntaxProblem(data []byte) string {
	// Unmarshal into RawMessage runs only the syntax scanner, which reports
	// the offset that Valid does not.
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var serr *json.SyntaxError
	if !errors.As(err, &serr) {
		return "invalid JSON"
	}
	off := int(serr.Offset)
	if off > 0 && !strings.HasPrefix(serr.Error(), "unexpected end") {
		// Offset counts the offending byte; point at it, not after it. At
		// the end of input there is no such byte: point just past the end.
		off--
	}
	line, col := position(data, off)
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, serr.Error())
}

// schemaProblems flattens the validator's error tree into one FieldError per
// failed leaf, in Livery's path format and wording.
func schemaProblems(verr *jsonschema.ValidationError, tree any) []FieldError {
	var out []FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		out = append(out, leafProblems(e, tree)...)
	}
	walk(verr)
	return out
}

// englishPrinter formats the library's own message for error kinds Livery
// does not word itself (none with the current schema).
var englishPrinter = message.NewPrinter(language.English)

func leafProblems(e *jsonschema.ValidationError, tree any) []FieldError {
	path := instancePath(tree, e.InstanceLocation)
	one := func(msg string) []FieldError { return []FieldError{{Path: path, Message: msg}} }
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		ps := make([]FieldError, 0, len(k.Missing))
		for _, m := range k.Missing {
			ps = append(ps, FieldError{Path: joinKey(path, m), Message: msgRequired()})
		}
		return ps
	case *kind.AdditionalProperties:
		ps := make([]FieldError, 0, len(k.Properties))
		for _, p := range k.Properties {
			ps = append(ps, FieldError{Path: joinKey(path, p), Message: "unknown field"})
		}
		return ps
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = typeWord(w)
		}
		return one("must be " + strings.Join(want, " or ") + ", not " + typeWord(k.Got))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = valueWord(w)
		}
		return one("must be one of " + strings.Join(want, ", ") + " (got " + valueWord(k.Got) + ")")
	case *kind.Const:
		return one("must be " + valueWord(k.Want) + " (got " + valueWord(k.Got) + ")")
	case *kind.MinLength:
		if k.Want == 1 {
			return one("must not be empty")
		}
		return one(fmt.Sprintf("too short: %d characters, at least %d", k.Got, k.Want))
	case *kind.MaxLength:
		return one(msgTooLong(k.Got, k.Want))
	case *kind.MinItems:
		return one(msgTooFewItems(k.Want))
	case *kind.MaxItems:
		return one(msgTooManyItems(k.Got, k.Want))
	case *kind.Pattern:
		if f, ok := patternMessages[k.Want]; ok {
			return one(f(k.Got))
		}
		return one(quoted(k.Got) + " has the wrong format")
	}
	return one(e.ErrorKind.LocalizedString(englishPrinter))
}

// patternMessages words a pattern failure for each pattern in the schema (a
// test checks none is missing); the decimal and date ones reuse the parsers'
// messages so both checks say the same thing.
var patternMessages = map[string]func(string) string{
	`^-?[0-9]{1,15}(\.[0-9]{1,6})?$`:              func(s string) string { return decimalFromText(s).problem() },
	`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`:                func(s string) string { return dateFromText(s).problem() },
	`^[A-Z]{3}$`:                                  msgNotCurrency,
	`^[A-Z]{2}$`:                                  msgNotCountry,
	`^[A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,38}$`:          msgNotIBAN,
	`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`: msgNotBIC,
	`^[a-z][a-z0-9_]*$`:                           msgNotKind,
}

// instancePath turns the validator's location tokens into Livery's path
// format, using the tree to tell an array index from an object key named "0".
func instancePath(tree any, tokens []string) string {
	path, node := "", tree
	for _, t := range tokens {
		switch n := node.(type) {
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n) {
				return joinKey(path, t)
			}
			path, node = joinIndex(path, i), n[i]
		case map[string]any:
			path, node = joinKey(path, t), n[t]
		default:
			path, node = joinKey(path, t), nil
		}
	}
	return path
}

// typeWord names a JSON Schema type with its article, for messages.
func typeWord(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

// jsonTypeWord names the JSON type of a decoded value.
func jsonTypeWord(v any) string {
	switch v.(type) {
	case map[string]any:
		return typeWord("object")
	case []any:
		return typeWord("array")
	case string:
		return typeWord("string")
	case json.Number:
		return typeWord("number")
	case bool:
		return typeWord("boolean")
	}
	return "null"
}

// valueWord shows a scalar as it appears in JSON (shortened) and anything
// else by its type.
func valueWord(v any) string {
	switch v := v.(type) {
	case string:
		return quoted(v)
	case json.Number:
		return clip(v.String(), 40)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return jsonTypeWord(v)
}

// MarshalJSON writes the document in the canonical input format: the invoice
// or notice object itself, whose type field carries Type.
func (d Document) MarshalJSON() ([]byte, error) {
	switch {
	case d.Invoice != nil && d.Notice == nil:
		inv := *d.Invoice
		if inv.Type == "" {
			inv.Type = d.Type
		}
		return json.Marshal(&inv)
	case d.Notice != nil && d.Invoice == nil:
		n := *d.Notice
		if n.Type == "" {
			n.Type = d.Type
		}
		return json.Marshal(&n)
	}
	return nil, errors.New("render: document needs exactly one of Invoice and Notice")
}

// UnmarshalJSON parses and validates data exactly like ParseDocument, so a
// Document inside a larger request body is as safe as one parsed alone.
func (d *Document) UnmarshalJSON(data []byte) error {
	doc, err := ParseDocument(data)
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

// Bounds on the JSON tree, checked while it is built and before the schema
// sees it: the format is 5 levels deep, its largest object has 14 fields and
// its longest list 2000 items, so anything beyond these is junk. Without them
// 5 MiB of "{}," would make the validator produce millions of errors.
const (
	maxDepth   = 32
	maxMembers = 100
	maxItems   = maxLines
)

// treeParser builds the generic JSON tree the schema validator needs from
// input that json.Valid has accepted. It keeps numbers as text (never
// float64), reports duplicate keys (which encoding/json would silently
// resolve to the last one), and enforces the bounds above. It is a
// hand-written scanner because json.Decoder.Token allocates an error for
// nearly every scalar and made parsing several times slower.
type treeParser struct {
	data     []byte
	pos      int
	problems []FieldError
	stop     bool // a bound was exceeded: parsing ends, only problems remain
}

// pathSeg is one step of the path to the current value, built into a string
// only when a problem needs it.
type pathSeg struct {
	parent *pathSeg
	key    string
	index  int // when key == "" and isIndex
	isIdx  bool
}

func (s *pathSeg) String() string {
	if s == nil {
		return ""
	}
	if s.isIdx {
		return joinIndex(s.parent.String(), s.index)
	}
	return joinKey(s.parent.String(), s.key)
}

// parseTree returns the tree, or the problems that stopped it.
func parseTree(data []byte) (any, []FieldError) {
	p := &treeParser{data: data}
	v := p.value(nil, 0, false)
	if !p.stop {
		p.space()
		if p.pos != len(p.data) {
			p.fail(nil, "invalid JSON: data after the top-level value")
		}
	}
	return v, p.problems
}

func (p *treeParser) fail(at *pathSeg, msg string) {
	p.problems = append(p.problems, FieldError{Path: at.String(), Message: msg})
	p.stop = true
}

func (p *treeParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// consume skips spaces and then c, failing when c is not next.
func (p *treeParser) consume(at *pathSeg, c byte) bool {
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == c {
		p.pos++
		return true
	}
	if !p.stop {
		p.fail(at, "invalid JSON: expected "+strconv.QuoteRune(rune(c)))
	}
	return false
}

// value parses one value at path at. With discard set it only skips the
// value (to count the items past a bound) and returns nil.
func (p *treeParser) value(at *pathSeg, depth int, discard bool) any {
	p.space()
	if p.stop || p.pos >= len(p.data) {
		if !p.stop {
			p.fail(at, "invalid JSON: unexpected end of input")
		}
		return nil
	}
	switch c := p.data[p.pos]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			p.fail(at, fmt.Sprintf("nested too deeply (more than %d levels)", maxDepth))
			return nil
		}
		p.pos++
		if c == '{' {
			return p.object(at, depth, discard)
		}
		return p.array(at, depth, discard)
	case c == '"':
		s, ok := p.str(discard)
		if !ok {
			p.fail(at, "invalid JSON: bad string")
			return nil
		}
		if discard {
			return nil
		}
		return s
	case c == 't':
		return p.literal(at, "true", true)
	case c == 'f':
		return p.literal(at, "false", false)
	case c == 'n':
		return p.literal(at, "null", nil)
	default:
		start := p.pos
		for p.pos < len(p.data) && strings.IndexByte("+-0123456789.eE", p.data[p.pos]) >= 0 {
			p.pos++
		}
		if p.pos == start {
			p.fail(at, "invalid JSON: unexpected "+strconv.QuoteRune(rune(c)))
			return nil
		}
		if discard {
			return nil
		}
		return json.Number(p.data[start:p.pos])
	}
}

func (p *treeParser) literal(at *pathSeg, word string, v any) any {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		p.fail(at, "invalid JSON: unexpected "+strconv.QuoteRune(rune(p.data[p.pos])))
		return nil
	}
	p.pos += len(word)
	return v
}

// str parses a string whose opening quote is at pos. Strings without escapes,
// nearly all of them, are taken as they are; encoding/json decodes the rest so
// escapes mean exactly what they mean to the struct decoder.
func (p *treeParser) str(discard bool) (string, bool) {
	start := p.pos
	p.pos++
	escaped := false
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\\':
			escaped = true
			p.pos += 2
			continue
		case '"':
			p.pos++
			if discard {
				return "", true
			}
			if !escaped {
				return string(p.data[start+1 : p.pos-1]), true
			}
			var s string
			if err := json.Unmarshal(p.data[start:p.pos], &s); err != nil {
				return "", false
			}
			return s, true
		}
		p.pos++
	}
	return "", false
}

func (p *treeParser) object(at *pathSeg, depth int, discard bool) any {
	var obj map[string]any
	if !discard {
		obj = map[string]any{}
	}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return obj
	}
	for n := 1; ; n++ {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			p.fail(at, "invalid JSON: expected a field name")
			return nil
		}
		key, ok := p.str(discard)
		if !ok {
			p.fail(at, "invalid JSON: bad field name")
			return nil
		}
		if !p.consume(at, ':') {
			return nil
		}
		child := &pathSeg{parent: at, key: key}
		if !discard && n > maxMembers {
			// Count the rest without keeping it, for an exact message.
			p.value(child, depth+1, true)
			rest := p.countRest(at, depth, '}')
			if !p.stop {
				p.fail(at, fmt.Sprintf("too many fields: %d, at most %d", n+rest, maxMembers))
			}
			return nil
		}
		v := p.value(child, depth+1, discard)
		if p.stop {
			return nil
		}
		if !discard {
			if _, dup := obj[key]; dup {
				p.problems = append(p.problems, FieldError{Path: child.String(), Message: "duplicate field"})
			}
			obj[key] = v
		}
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if !p.consume(at, '}') {
			return nil
		}
		return obj
	}
}

func (p *treeParser) array(at *pathSeg, depth int, discard bool) any {
	var arr []any
	if !discard {
		arr = []any{}
	}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return arr
	}
	for i := 0; ; i++ {
		child := &pathSeg{parent: at, index: i, isIdx: true}
		if !discard && i >= maxItems {
			p.value(child, depth+1, true)
			rest := p.countRest(at, depth, ']')
			if !p.stop {
				p.fail(at, fmt.Sprintf("too many items: %d, at most %d", i+1+rest, maxItems))
			}
			return nil
		}
		v := p.value(child, depth+1, discard)
		if p.stop {
			return nil
		}
		if !discard {
			arr = append(arr, v)
		}
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if !p.consume(at, ']') {
			return nil
		}
		return arr
	}
}

// countRest skips the remaining members or items of the container at, up
// to its closing byte, and returns how many there were.
func (p *treeParser) countRest(at *pathSeg, depth int, closing byte) int {
	n := 0
	for !p.stop {
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			if closing == '}' {
				if _, ok := p.str(true); !ok || !p.consume(at, ':') {
					p.fail(at, "invalid JSON: bad field name")
					return n
				}
			}
			p.value(at, depth+1, true)
			n++
			continue
		}
		p.consume(at, closing)
		return n
	}
	return n
}
