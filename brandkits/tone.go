package brandkits

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// PersonFields are the placeholders greeting and sign-off templates may use.
var PersonFields = []string{"name", "first_name", "last_name", "title", "company", "customer_number"}

// Person is the recipient as greetings see it. Gender is "female", "male",
// "other" or empty when unknown; it is never guessed from a name.
type Person struct {
	Name           string
	FirstName      string
	LastName       string
	Title          string
	Company        string
	CustomerNumber string
	Gender         string
}

// values maps PersonFields to p's values. Names go through FixName so a
// legacy "MR KOWALSKI" does not shout from an otherwise polite greeting.
func (k *Kit) personValues(p Person) map[string]string {
	f := NewFixer(k)
	fix := func(s string) string { return f.FixName(strings.TrimSpace(s)) }
	return map[string]string{
		"name":            fix(p.Name),
		"first_name":      fix(p.FirstName),
		"last_name":       fix(p.LastName),
		"title":           fix(p.Title),
		"company":         fix(p.Company),
		"customer_number": strings.TrimSpace(p.CustomerNumber),
	}
}

// Greeting returns the greeting for a recipient. keys name the document,
// most specific first (e.g. "payment_reminder", "notice"); "default" is tried
// last. The kit's lists come before the locale's (see GreetingsFor). In the
// first list found, the first candidate wins whose gender condition is empty
// or equals p.Gender and whose placeholders all have values. A validated kit
// always ends its lists with a neutral candidate, so the result is never "".
func (k *Kit) Greeting(keys []string, p Person) string {
	return k.choose(k.toneLists(k.Tone.Greetings, defaultTones[supportedLocale(k.Tone.Locale)][supportedFormality(k.Tone.Formality)].greetings, keys), p)
}

// SignOff returns the closing line for a recipient, chosen like Greeting.
func (k *Kit) SignOff(keys []string, p Person) string {
	return k.choose(k.toneLists(k.Tone.SignOffs, defaultTones[supportedLocale(k.Tone.Locale)][supportedFormality(k.Tone.Formality)].signOffs, keys), p)
}

// choose tries every list in order rather than only the first, so a kit that
// skipped validation still falls through to the locale's neutral candidate.
func (k *Kit) choose(lists [][]Template, p Person) string {
	vals := k.personValues(p)
	gender := strings.ToLower(strings.TrimSpace(p.Gender))
	for _, list := range lists {
		for _, c := range list {
			if g := strings.ToLower(strings.TrimSpace(c.Gender)); g != "" && g != gender {
				continue
			}
			parts, err := parseTemplate(c.Text, PersonFields)
			if err != nil {
				continue
			}
			s, ok := fill(parts, vals, true)
			if !ok {
				continue
			}
			if s = collapseSpaces(s); s != "" {
				return s
			}
		}
	}
	return ""
}

// collapseSpaces trims s and turns runs of spaces into one, which a
// placeholder with surrounding spaces in its value would otherwise leave.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// CompileTemplate checks a greeting or sign-off template and returns the
// placeholders it uses, each once, in order. Placeholders are {field} with a
// field from PersonFields; "{{" and "}}" stand for literal braces.
func CompileTemplate(text string) ([]string, error) {
	return templateFields(text, PersonFields)
}

func templateFields(text string, allowed []string) ([]string, error) {
	parts, err := parseTemplate(text, allowed)
	if err != nil {
		return nil, err
	}
	var fields []string
	for _, p := range parts {
		if p.field != "" && !slices.Contains(fields, p.field) {
			fields = append(fields, p.field)
		}
	}
	return fields, nil
}

// Expand replaces the {placeholders} of text that values has, leaving any
// other placeholder as written; "{{" and "}}" become literal braces. It is
// for labels ("Page {page} of {pages}") and footer text.
func Expand(text string, values map[string]string) string {
	parts, err := parseTemplate(text, nil)
	if err != nil {
		return text
	}
	s, _ := fill(parts, values, false)
	return s
}

// tmplPart is literal text, or a placeholder when field is set.
type tmplPart struct {
	lit   string
	field string
}

// parseTemplate splits text into literals and placeholders. allowed lists the
// known fields; nil accepts any well-formed name.
func parseTemplate(text string, allowed []string) ([]tmplPart, error) {
	var parts []tmplPart
	var lit strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '{' && strings.HasPrefix(text[i:], "{{"):
			lit.WriteByte('{')
			i += 2
		case c == '}' && strings.HasPrefix(text[i:], "}}"):
			lit.WriteByte('}')
			i += 2
		case c == '}':
			return nil, errors.New(`unbalanced "}" (write "}}" for a literal brace)`)
		case c == '{':
			end := strings.IndexAny(text[i+1:], "{}")
			if end < 0 || text[i+1+end] != '}' {
				return nil, errors.New(`unbalanced "{" (write "{{" for a literal brace)`)
			}
			name := text[i+1 : i+1+end]
			if !isFieldName(name) {
				return nil, fmt.Errorf("invalid placeholder {%s}: use lower-case letters and _", name)
			}
			if allowed != nil && !slices.Contains(allowed, name) {
				msg := fmt.Sprintf("unknown placeholder {%s}", name)
				if s := suggest(name, allowed); s != "" {
					msg += fmt.Sprintf("; did you mean {%s}?", s)
				}
				return nil, fmt.Errorf("%s (known: %s)", msg, braceList(allowed))
			}
			if lit.Len() > 0 {
				parts = append(parts, tmplPart{lit: lit.String()})
				lit.Reset()
			}
			parts = append(parts, tmplPart{field: name})
			i += end + 2
		default:
			lit.WriteByte(c)
			i++
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, tmplPart{lit: lit.String()})
	}
	return parts, nil
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

func braceList(fields []string) string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = "{" + f + "}"
	}
	return strings.Join(out, ", ")
}

// fill joins parts with values. With strict, a placeholder without a
// non-blank value makes the template unusable (ok false); otherwise it is
// left as written.
func fill(parts []tmplPart, values map[string]string, strict bool) (string, bool) {
	var b strings.Builder
	for _, p := range parts {
		if p.field == "" {
			b.WriteString(p.lit)
			continue
		}
		v, ok := values[p.field]
		switch {
		case strict && strings.TrimSpace(v) == "":
			return "", false
		case !ok:
			b.WriteString("{" + p.field + "}")
		default:
			b.WriteString(v)
		}
	}
	return b.String(), true
}

// UnmarshalYAML accepts a bare string as shorthand for a candidate without a
// gender condition, so the common case reads as a plain list of phrases.
func (t *Template) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Text, t.Gender = n.Value, ""
		return nil
	}
	type plain Template // no methods: avoids recursing into UnmarshalYAML
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*t = Template(p)
	return nil
}
