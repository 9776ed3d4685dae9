package mapping_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

// problemStrings returns the problems of a mapping error as strings.
func problemStrings(t testing.TB, err error) []string {
	t.Helper()
	require.Error(t, err)
	var merr *mapping.Error
	require.True(t, errors.As(err, &merr), "%T: %v", err, err)
	assert.ErrorIs(t, err, mapping.ErrInvalid)
	assert.ErrorIs(t, err, render.ErrInvalid)
	var out []string
	for _, p := range merr.Problems {
		out = append(out, p.Error())
	}
	return out
}

// invoiceProfile maps a small legacy shape; each test adds to it.
const invoiceProfile = head + `decimal_comma: true
fields:
  number: {path: kopf.nr, required: true}
  issue_date: {path: kopf.datum, date: YYYYMMDD}
  currency: {path: kopf.waehrung, default: EUR}
  buyer.name: {join: [kunde.name1, kunde.name2], transform: collapse}
  buyer.address.lines: [kunde.strasse, "kunde.zusatz[*]"]
  buyer.address.country: {path: kunde.land, default: DE}
  lines:
    each: "positions[*]"
    fields:
      description: {path: text, transform: [trim, sentence]}
      quantity: qty
      unit: {path: me, map: {ST: Stk.}, keep_unmapped: true}
      unit_price: {path: cent, minor_units: currency}
      discount.percent: rabatt
      tax_rate: {path: kz, map: {V1: "19", V2: "7"}}
`

// source is a legacy document the invoiceProfile maps cleanly.
const source = `{
  "kopf": {"nr": 4711, "datum": "20260302", "waehrung": ""},
  "kunde": {"name1": "  CAFE  MORGENROT ", "name2": "UG", "strasse": "Lindenstr. 4", "zusatz": ["", "Hinterhaus"]},
  "positions": [
    {"text": "  ESPRESSO BEANS ", "qty": "3", "me": "ST", "cent": 2490, "kz": "V2"},
    {"text": "GRINDER SERVICE", "qty": "1,5", "me": "h", "cent": "8000", "rabatt": "10,0", "kz": "V1"}
  ]
}`

func TestMapValid(t *testing.T) {
	p := mustProfile(t, invoiceProfile)
	out, err := p.Map([]byte(source))
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"type": "invoice", "number": "4711", "issue_date": "2026-03-02", "currency": "EUR",
		"buyer": {"name": "CAFE MORGENROT UG", "address": {"lines": ["Lindenstr. 4", "Hinterhaus"], "country": "DE"}},
		"lines": [
			{"description": "Espresso beans", "quantity": "3", "unit": "Stk.", "unit_price": "24.90", "tax_rate": "7"},
			{"description": "Grinder service", "quantity": "1.5", "unit": "h", "unit_price": "80.00", "discount": {"percent": "10.0"}, "tax_rate": "19"}
		]}`, string(out))
	// Fields come in the order of docs/input.md.
	assert.True(t, strings.HasPrefix(string(out), `{"type":"invoice","number":"4711","issue_date"`), "%s", out)

	doc, data, err := p.MapDocument([]byte(source))
	require.NoError(t, err)
	assert.Equal(t, out, data)
	assert.Equal(t, "4711", doc.Invoice.Number)
}

func TestMapProblems(t *testing.T) {
	tests := []struct {
		name    string
		profile string // appended to invoiceProfile's fields, or a whole profile when it starts with "livery_profile"
		source  string // replacements "old=>new" applied to source, separated by "|"
		want    []string
	}{
		{name: "not a number", source: `"1,5"=>"3,5x"`, want: []string{
			`positions[1].qty -> lines[1].quantity: not a number: "3,5x"`,
		}},
		{name: "required", source: `"nr": 4711=>"nr": "  "`, want: []string{"kopf.nr -> number: required"}},
		{name: "bad date", source: `"20260302"=>"20261302"`, want: []string{`kopf.datum -> issue_date: not a date in the format YYYYMMDD: "20261302"`}},
		{name: "code table", source: `"V1"=>"V9"`, want: []string{`positions[1].kz -> lines[1].tax_rate: no entry for "V9" in the code table (have V1, V2)`}},
		{name: "minor units", source: `"cent": 2490=>"cent": "24,9"`, want: []string{`positions[0].cent -> lines[0].unit_price: not a whole number of minor units: "24,9"`}},
		{name: "unknown currency", source: `"waehrung": ""=>"waehrung": "EURO"`, want: []string{
			`positions[0].cent -> lines[0].unit_price: amount in minor units of the currency, but the currency "EURO" is not known`,
			`positions[1].cent -> lines[1].unit_price: amount in minor units of the currency, but the currency "EURO" is not known`,
			`kopf.waehrung -> currency: "EURO" is not an ISO 4217 currency code (e.g. EUR)`,
		}},
		{name: "object for a value", source: `"qty": "3"=>"qty": {"v": 3}`, want: []string{"positions[0].qty -> lines[0].quantity: is an object, not a single value"}},
		{name: "through a value", source: `"kunde": {=>"kunde": "x", "k2": {`, want: []string{
			"kunde -> buyer.name: is a string, not an object or a list",
			"kunde -> buyer.address.lines[0]: is a string, not an object or a list",
			"kunde -> buyer.address.lines: is a string, not an object or a list",
			"kunde -> buyer.address.country: is a string, not an object or a list",
		}},
		{name: "each not a list", source: `"positions": [=>"positions": "none", "x": [`, want: []string{"positions -> lines: is a string, not a list"}},
		{name: "no lines", source: `"positions": [=>"nothing": [`, want: []string{"positions -> lines: required"}},
		{name: "validation translated", source: `"qty": "3"=>"qty": "0"|"kz": "V2"=>"kz": "V2", "rabatt": "101"`, want: []string{
			"positions[0].rabatt -> lines[0].discount.percent: must be between 0 and 100 (got 101)",
			"positions[0].qty -> lines[0].quantity: must be greater than 0 (got 0)",
		}},
		{name: "unmapped required", profile: "livery_profile: 1\nname: t2\ntarget: invoice\nfields:\n  number: kopf.nr\n", want: []string{
			"buyer: required: nothing in the profile maps to it",
			"currency: required: nothing in the profile maps to it",
			"issue_date: required: nothing in the profile maps to it",
			"lines: required: nothing in the profile maps to it",
		}},
		{name: "const", profile: "  notes: {const: \"\\u0001\"}\n", want: []string{
			"profile fields.notes.const -> notes: must not contain control characters (found U+0001)",
		}},
		{name: "type", profile: "  type: kopf.art\n", source: `"nr": 4711=>"nr": 4711, "art": "bill"`, want: []string{`kopf.art -> type: must be "invoice" or "credit_note" (got "bill")`}},
		{name: "credit note without reference", profile: "  type: {path: kopf.art, map: {GS: credit_note}}\n", source: `"nr": 4711=>"nr": 4711, "art": "GS"`, want: []string{
			"credit_note_for: required: nothing in the profile maps to it",
		}},
		{name: "many problems at once", source: `"1,5"=>"x"|"V1"=>"V9"|"20260302"=>"2026"|"ST"=>""`, want: []string{
			`kopf.datum -> issue_date: not a date in the format YYYYMMDD: "2026"`,
			`positions[1].qty -> lines[1].quantity: not a number: "x"`,
			`positions[1].kz -> lines[1].tax_rate: no entry for "V9" in the code table (have V1, V2)`,
		}},
		{name: "not JSON", source: `{=>[`, want: []string{"(document): invalid JSON at line 2, column 10: invalid character ':' after array element"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := invoiceProfile + tt.profile
			if strings.HasPrefix(tt.profile, "livery_profile") {
				yaml = tt.profile
			}
			p := mustProfile(t, yaml)
			src := source
			if tt.source != "" {
				for _, r := range strings.Split(tt.source, "|") {
					old, repl, _ := strings.Cut(r, "=>")
					require.Contains(t, src, old)
					src = strings.Replace(src, old, repl, 1)
				}
			}
			_, err := p.Map([]byte(src))
			assert.Equal(t, tt.want, problemStrings(t, err))
		})
	}
}

func TestMapSourceLimits(t *testing.T) {
	p := mustProfile(t, invoiceProfile)
	tests := map[string]string{
		"":                         "(document): empty input: expected a JSON document",
		"\xff":                     "(document): the input is not UTF-8 text",
		`{"a":1} x`:                "(document): invalid JSON: data after the top-level value",
		`{"a":`:                    "(document): invalid JSON: unexpected end of input",
		strings.Repeat(" ", 6<<20): "(document): input is 6291456 bytes, more than the limit of 5242880 bytes (5 MiB)",
	}
	for src, want := range tests {
		_, err := p.Map([]byte(src))
		assert.Equal(t, []string{want}, problemStrings(t, err))
	}
	many := `{"kopf": {"nr": 1, "datum": "20260302"}, "positions": [` + strings.TrimSuffix(strings.Repeat(`{},`, 2001), ",") + `]}`
	_, err := p.Map([]byte(many))
	assert.Contains(t, problemStrings(t, err), "positions -> lines: too many items: 2001, at most 2000")

	csv := mustProfile(t, head+"csv: {group_by: nr}\nfields: {number: nr}\n")
	_, err = csv.Map([]byte(source))
	assert.Equal(t, []string{"(document): profile test reads CSV billing runs, not JSON documents"}, problemStrings(t, err))
}

func TestMapLists(t *testing.T) {
	// A single object where a list is expected is a list of one, $ reads
	// from the root inside each, and a notice's facts are written item by
	// item, an item left out when its source fields are all missing.
	p := mustProfile(t, `livery_profile: 1
name: letters
target: notice
fields:
  kind: {const: payment_reminder}
  recipient.name: an.name
  recipient.address.lines: an.strasse
  date: {path: datum, date: DD.MM.YYYY}
  subject: {join: [betreff, $.nr], separator: " "}
  body: {const: "Please pay."}
  facts:
    - {label: {const: Invoice}, value: nr}
    - {label: {const: Policy}, value: police}
    - {label: {const: Due}, value: {path: faellig, transform: trim}}
`)
	out, err := p.Map([]byte(`{"an": {"name": "Jana", "strasse": "Lindenstr. 4"}, "datum": "30.03.2026", "betreff": "Reminder", "nr": "RE-1", "faellig": " 16 March "}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"type": "notice", "kind": "payment_reminder", "recipient": {"name": "Jana", "address": {"lines": ["Lindenstr. 4"]}},
		"date": "2026-03-30", "subject": "Reminder RE-1", "body": "Please pay.",
		"facts": [{"label": "Invoice", "value": "RE-1"}, {"label": "Due", "value": "16 March"}]}`, string(out))

	single := mustProfile(t, head+`fields:
  number: nr
  issue_date: {const: "2026-03-02"}
  currency: {const: EUR}
  buyer.name: {const: X}
  buyer.address.lines: {const: Y}
  lines: {each: "pos[*]", fields: {description: text, quantity: {const: "1"}, unit_price: {path: $.preis}, tax_rate: {const: "0"}}}
`)
	out, err = single.Map([]byte(`{"nr": "1", "preis": "5", "pos": {"text": "only one"}}`))
	require.NoError(t, err)
	var doc struct {
		Lines []map[string]string `json:"lines"`
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	assert.Equal(t, []map[string]string{{"description": "only one", "quantity": "1", "unit_price": "5", "tax_rate": "0"}}, doc.Lines)

	_, err = single.Map([]byte(`{"nr": "1", "preis": "5", "pos": {"text": ""}}`))
	assert.Equal(t, []string{"pos.text -> lines[0].description: required"}, problemStrings(t, err), "the element keeps its place and names its source")
}

func TestErrorFormat(t *testing.T) {
	ps := make([]mapping.Problem, 0, 120)
	for i := range 120 {
		ps = append(ps, mapping.Problem{Source: "row " + string(rune('0'+i%10)), Target: "lines", Message: strings.Repeat("x", i%3+1)})
	}
	err := mapping.NewError(ps)
	var merr *mapping.Error
	require.True(t, errors.As(err, &merr))
	assert.Len(t, merr.Problems, 30, "duplicates dropped")
	assert.Nil(t, mapping.NewError(nil))
	assert.Equal(t, "(document): x", mapping.Problem{Message: "x"}.Error())
	assert.Equal(t, "a: x", mapping.Problem{Source: "a", Message: "x"}.Error())
	assert.Equal(t, "b: x", mapping.Problem{Target: "b", Message: "x"}.Error())
	assert.Equal(t, "a -> b: x", mapping.Problem{Source: "a", Target: "b", Message: "x"}.Error())
	assert.Equal(t, "cannot map document: 1 problem: a -> b: x", mapping.NewError([]mapping.Problem{{Source: "a", Target: "b", Message: "x"}}).Error())
	data, err := json.Marshal(mapping.NewError([]mapping.Problem{{Source: "a", Target: "b", Message: "x"}}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"problems": [{"source": "a", "target": "b", "message": "x"}]}`, string(data))
}
