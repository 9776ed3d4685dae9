package mapping

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Limits on source paths, so a profile cannot make evaluation expensive.
const (
	maxPathLen   = 500
	maxPathSteps = 32
)

// step is one step of a source path: an object key, or a list index (key ""
// and index >= 0).
type step struct {
	key   string
	index int
}

func keyStep(k string) step { return step{key: k, index: -1} }
func indexStep(i int) step  { return step{index: i} }

// srcPath is a parsed source path such as "positions[3].qty",
// `kunde["Name 1"]`, "positions[*]" or "$.kopf.waehrung".
type srcPath struct {
	text  string
	abs   bool // "$...": from the document root even inside an each list
	steps []step
	wild  bool // ends with [*]: every element of the list before it
}

// parsePath parses a source path. Keys are written bare when they hold no
// '.', '[', ']', '"' or space, else as ["quoted"] JSON strings; [n] picks a
// list element counting from 0, a final [*] every element.
func parsePath(s string) (*srcPath, error) {
	p := &srcPath{text: s}
	if len(s) > maxPathLen {
		return nil, fmt.Errorf("path is %d characters long, at most %d", len(s), maxPathLen)
	}
	rest := s
	if strings.HasPrefix(rest, "$") {
		p.abs = true
		rest = strings.TrimPrefix(rest[1:], ".")
	}
	if rest == "" && !p.abs {
		return nil, fmt.Errorf("empty path")
	}
	needKey := true // at the start or after ".": a bare key may follow
	for rest != "" {
		if p.wild {
			return nil, fmt.Errorf("[*] may only end a path")
		}
		switch {
		case rest[0] == '[' && strings.HasPrefix(rest, `["`):
			key, n, err := quotedKey(rest[1:])
			if err != nil {
				return nil, err
			}
			rest = rest[1+n:]
			if !strings.HasPrefix(rest, "]") {
				return nil, fmt.Errorf(`expected "]" after the quoted key %s`, strconv.Quote(key))
			}
			rest = rest[1:]
			p.steps = append(p.steps, keyStep(key))
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf(`"[" without "]"`)
			}
			switch inner := rest[1:end]; {
			case inner == "*":
				p.wild = true
			case isDigits(inner) && len(inner) <= 6:
				n, _ := strconv.Atoi(inner)
				p.steps = append(p.steps, indexStep(n))
			default:
				return nil, fmt.Errorf(`[%s] is not an index: write [0], [*] or ["key"]`, inner)
			}
			rest = rest[end+1:]
		case rest[0] == '.' && !needKey:
			rest = rest[1:]
			if rest == "" || strings.ContainsRune(".[]\"", rune(rest[0])) {
				return nil, fmt.Errorf(`"." must be followed by a key`)
			}
			needKey = true
			continue
		case needKey:
			end := strings.IndexAny(rest, `.[]"`)
			if end < 0 {
				end = len(rest)
			}
			key := rest[:end]
			if key == "" {
				return nil, fmt.Errorf("unexpected %q", rest[:1])
			}
			if strings.IndexFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
				return nil, fmt.Errorf(`key %q holds a space: write it as [%s]`, key, strconv.Quote(key))
			}
			p.steps = append(p.steps, keyStep(key))
			rest = rest[end:]
		default:
			return nil, fmt.Errorf(`expected "." or "[" before %q`, clip(rest, 20))
		}
		needKey = false
		if len(p.steps) > maxPathSteps {
			return nil, fmt.Errorf("more than %d steps", maxPathSteps)
		}
	}
	return p, nil
}

// quotedKey reads a JSON string at the start of s and returns it and the
// bytes it took.
func quotedKey(s string) (string, int, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			var key string
			if err := json.Unmarshal([]byte(s[:i+1]), &key); err != nil {
				return "", 0, fmt.Errorf("bad quoted key %s", s[:i+1])
			}
			return key, i + 1, nil
		}
	}
	return "", 0, fmt.Errorf("quoted key without its closing quote")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// loc is a concrete place in a source document: the steps from the root.
type loc []step

// with returns l extended by steps, without sharing l's backing array.
func (l loc) with(steps ...step) loc {
	out := make(loc, 0, len(l)+len(steps))
	return append(append(out, l...), steps...)
}

// formatJSONLoc writes a location the way a path is written in a profile:
// "positions[3].qty", `kunde["Name 1"]`.
func formatJSONLoc(l loc) string {
	var b strings.Builder
	for _, s := range l {
		if s.index >= 0 && s.key == "" {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if bareKey(s.key) {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
			continue
		}
		b.WriteString("[" + strconv.Quote(clip(s.key, 40)) + "]")
	}
	if b.Len() == 0 {
		return "$"
	}
	return b.String()
}

func bareKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if strings.ContainsRune(`.[]"$`, r) || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// evalResult is what a path found.
type evalResult struct {
	value any // string, json.Number, bool, map[string]any or []any
	at    loc // where it is, or where it would have been
	found bool
	err   string // the path runs through something it cannot step into
}

// eval follows the steps of p (all of them, or all but a final [*], which
// the caller expands) from root, or from base at baseAt for a relative path.
func (p *srcPath) eval(root, base any, baseAt loc) evalResult {
	cur, at := base, baseAt
	if p.abs {
		cur, at = root, nil
	}
	at = at.with()
	for _, s := range p.steps {
		if cur == nil {
			at = append(at, s)
			continue // still build the full location for messages
		}
		switch c := cur.(type) {
		case map[string]any:
			if s.key == "" {
				return evalResult{at: at, err: "is an object, not a list: use .key, not [" + strconv.Itoa(s.index) + "]"}
			}
			cur = c[s.key]
		case []any:
			if s.key != "" {
				return evalResult{at: at, err: "is a list, not an object: use [n] or [*], not ." + s.key}
			}
			if s.index < len(c) {
				cur = c[s.index]
			} else {
				cur = nil
			}
		default:
			return evalResult{at: at, err: "is " + typeWord(cur) + ", not an object or a list"}
		}
		at = append(at, s)
	}
	return evalResult{value: cur, at: at, found: cur != nil}
}

// typeWord names the JSON type of a decoded value.
func typeWord(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// scalar returns the text of a JSON value that is a single value; a
// number keeps its digits exactly as written.
func scalar(v any) (string, string) {
	switch v := v.(type) {
	case string:
		return v, ""
	case json.Number:
		return string(v), ""
	case bool:
		return strconv.FormatBool(v), ""
	case nil:
		return "", ""
	}
	return "", "is " + typeWord(v) + ", not a single value"
}
