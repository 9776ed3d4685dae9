package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

// mustProfile parses a profile that must be valid.
func mustProfile(t testing.TB, yaml string) *mapping.Profile {
	t.Helper()
	p, err := mapping.ParseProfile([]byte(yaml))
	require.NoError(t, err)
	return p
}

// profileProblems parses a profile that must be invalid and returns its
// problems as strings.
func profileProblems(t testing.TB, yaml string) []string {
	t.Helper()
	_, err := mapping.ParseProfile([]byte(yaml))
	require.Error(t, err)
	require.ErrorIs(t, err, mapping.ErrInvalidProfile)
	var perr *mapping.ProfileError
	require.True(t, errors.As(err, &perr), "%T", err)
	var out []string
	for _, p := range perr.Problems {
		out = append(out, p.String())
	}
	return out
}

const head = "livery_profile: 1\nname: test\ntarget: invoice\n"

func TestParseProfileValid(t *testing.T) {
	p := mustProfile(t, head+`description: a test
decimal_comma: true
fields:
  number: nr
  currency: {const: EUR}
  buyer.address.lines: ["adr.zeilen[*]", {path: adr.zusatz, transform: [trim, upper]}]
  lines:
    each: "pos[*]"
    fields:
      quantity: {path: menge, decimal_comma: false}
      unit_price: {path: cent, minor_units: currency}
      discount.percent: {path: rabatt, minor_units: 2}
      tax_rate: {path: kz, map: {"1": "19", V2: "7"}, keep_unmapped: true}
`)
	assert.Equal(t, "test", p.Name)
	assert.Equal(t, "a test", p.Description)
	assert.Equal(t, render.TypeInvoice, p.Target)
	assert.Equal(t, 1, p.Format)
	assert.True(t, p.DecimalComma)
	assert.Nil(t, p.CSV)
	assert.Contains(t, string(p.YAML()), "description: a test")
	assert.Len(t, p.Hash(), 64)

	csv := mustProfile(t, head+`csv: {separator: "\t", quote: "", header: false, columns: [nr, qty], encoding: Windows-1252, group_by: nr, max_rows: 10}
fields:
  number: nr
  lines: {each: "rows[*]", fields: {quantity: qty}}
`)
	assert.Equal(t, &mapping.CSVOptions{Separator: '\t', Quote: 0, Header: false, Columns: []string{"nr", "qty"}, Encoding: "windows-1252", GroupBy: "nr", MaxRows: 10}, csv.CSV)

	comma := mustProfile(t, head+"csv: {group_by: nr, decimal_comma: true}\nfields: {number: nr}\n")
	assert.True(t, comma.DecimalComma, "csv.decimal_comma is the profile's decimal_comma")
	assert.Equal(t, []string{"csv.decimal_comma (line 5): set decimal_comma once: at the top level or in csv"},
		profileProblems(t, head+"decimal_comma: false\ncsv: {group_by: nr, decimal_comma: true}\nfields: {number: nr}\n"))

	notice := mustProfile(t, "livery_profile: 1\nname: letters\ntarget: notice\nfields:\n  subject: s\n  facts:\n    - {label: {const: Policy}, value: nr}\n")
	assert.Equal(t, render.TypeNotice, notice.Target)
}

func TestParseProfileProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"empty", "", []string{"(profile): empty profile"}},
		{"not a mapping", "- a\n", []string{"(profile): expected a mapping with livery_profile:, name:, target: and fields: at the top level"}},
		{"two documents", head + "fields: {number: nr}\n---\na: 1\n", []string{`(profile): holds more than one YAML document; remove the second "---"`}},
		{"not YAML", "a: [", []string{"(profile): line 1: did not find expected node content"}},
		{"top level", "livery_profile: 2\nname: Sap Export\ntarget: bill\nextra: 1\n", []string{
			"fields: required: the canonical fields and where each comes from",
			"livery_profile (line 1): unsupported profile format 2: this Livery reads format 1",
			`name (line 2): profile name "Sap Export" is not a slug: 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit`,
			`target (line 3): must be "invoice", "credit_note" or "notice" (got "bill")`,
			"extra (line 4): unknown key (known here: livery_profile, name, description, target, decimal_comma, csv, fields)",
		}},
		{"missing", "fields: {}\n", []string{
			"livery_profile: required: the profile format version, 1",
			"name: required",
			`target: required: "invoice", "credit_note" or "notice"`,
		}},
		{"wrong types", "livery_profile: one\nname: [x]\ntarget: invoice\ndecimal_comma: yes please\nfields: {number: nr}\n", []string{
			"livery_profile (line 1): must be a whole number, not the text \"one\"",
			"name (line 2): must be text, not a list",
			"decimal_comma (line 4): must be true or false, not the text \"yes please\"",
		}},
		{"fields", head + `fields:
  buyer.nmae: x
  buyer: y
  nummer: z
  type: {path: t, map: {}}
  tax_rate: q
`, []string{
			`fields.buyer.nmae (line 5): unknown field "buyer.nmae" (buyer has: name, company, title, first_name, last_name, gender, address, customer_number, email, vat_id)`,
			"fields.buyer (line 6): buyer is an object: map its fields one by one (buyer.name, ...)",
			`fields.nummer (line 7): unknown field "nummer" (here has: ` + strings.Join(invoiceFields, ", ") + ")",
			"fields.type.map (line 8): must hold 1 to 1000 codes",
			`fields.tax_rate (line 9): unknown field "tax_rate" (here has: ` + strings.Join(invoiceFields, ", ") + ")",
		}},
		{"rules", head + `fields:
  number: 42
  issue_date: {path: d, date: DD.MM}
  due_date: {const: "2026-01-01", required: true}
  currency: {path: a, const: EUR}
  notes: {default: x}
  order_reference: {path: "a b"}
  credit_note_for: {path: "x[*]"}
  buyer.name: {join: [a], separator: ", "}
  buyer.email: {path: e, separator: " ", keep_unmapped: true, transform: [trim, shout]}
  payment.terms: {path: t, minor_units: 2, decimal_comma: true}
  period.start: {path: s, foo: 1}
`, []string{
			"fields.number (line 5): the number 42 is read as a source path only when quoted; write {const: 42} for a constant",
			`fields.issue_date.date (line 6): date format "DD.MM" must hold a year, a month and a day: write it as YYYYMMDD, DD.MM.YYYY, ... or as a Go layout such as 02.01.2006`,
			"fields.due_date (line 7): a constant is always there: default: and required: make no sense with const:",
			"fields.currency (line 8): takes only one of path:, join: and const:",
			"fields.notes (line 9): needs one of path:, join: or const:",
			`fields.order_reference.path (line 10): "a b": key "a b" holds a space: write it as ["a b"]`,
			`fields.credit_note_for.path (line 11): "x[*]": [*] reads every element of a list; only address lines and each: take one`,
			"fields.buyer.name.join (line 12): must list at least 2 paths",
			`fields.buyer.email.transform[1] (line 13): unknown transform "shout" (known: trim, collapse, upper, lower, sentence, title)`,
			"fields.buyer.email.separator (line 13): only join: takes a separator",
			"fields.buyer.email.keep_unmapped (line 13): only a rule with map: keeps unmapped values",
			"fields.payment.terms.minor_units (line 14): only a decimal field takes minor_units",
			"fields.payment.terms.decimal_comma (line 14): only a decimal field takes decimal_comma",
			"fields.period.start.foo (line 15): unknown key (known here: path, join, separator, const, default, required, transform, map, keep_unmapped, date, decimal_comma, minor_units)",
		}},
		{"lists", head + `fields:
  lines: {fields: {quantity: q}}
  buyer.address.lines: []
`, []string{
			"fields.lines.each (line 5): required: the source list, e.g. positions[*]",
			"fields.buyer.address.lines (line 6): must list 1 to 10 rules",
		}},
		{"each", head + `fields:
  lines:
    each: pos
    fields:
      quantity: {path: q, minor_units: 9}
      discount: d
`, []string{
			"fields.lines.each (line 6): must end with [*] to read every element, e.g. pos[*]",
			"fields.lines.fields.quantity.minor_units (line 8): must be 0 to 6, or currency",
			"fields.lines.fields.discount (line 9): discount is an object: map its fields one by one (discount.percent, ...)",
		}},
		{"aliases", head + "fields:\n  number: &n nr\n  order_reference: *n\n  <<: {notes: x}\n", []string{
			"fields.order_reference (line 6): aliases (*n) are not supported in profiles; repeat the value",
			"fields (line 7): merge keys (<<) are not supported in profiles; write the keys out",
		}},
		{"notice type", "livery_profile: 1\nname: letters\ntarget: notice\nfields:\n  type: t\n  lines: x\n", []string{
			"fields.type (line 5): a notice profile cannot map type: it is always notice",
			`fields.lines (line 6): unknown field "lines" (here has: ` + strings.Join(noticeFields, ", ") + ")",
		}},
		{"csv", head + `csv: {separator: ";;", quote: ";", header: true, columns: [a], encoding: ebcdic, max_rows: 5000, tab: 1}
fields:
  number: "a.b"
  lines: {each: "pos[*]", fields: {quantity: q}}
`, []string{
			"csv.tab (line 4): unknown key (known here: separator, quote, header, columns, encoding, decimal_comma, group_by, max_rows)",
			`csv.separator (line 4): must be exactly one character (got ";;")`,
			`csv.encoding (line 4): unknown encoding "ebcdic" (known: utf-8, windows-1252, iso-8859-1, iso-8859-15)`,
			"csv.max_rows (line 4): must be 1 to 2000",
			"csv.columns (line 4): names the columns of a file without a header row: set header: false, or leave columns out",
			"csv.group_by (line 4): required: the column holding the invoice number",
			`fields.number (line 6): "a.b": in a CSV profile a path is a column name`,
			"fields.lines.each (line 7): in a CSV profile every row is one line: leave each out or write rows[*]",
		}},
		{"csv columns", head + `csv: {header: false, columns: [nr, rows, nr], group_by: x, quote: ","}
fields:
  number: nr
  order_reference: ref
  notes: rows
`, []string{
			"csv.quote (line 4): must differ from the separator",
			`csv.columns[1] (line 4): "rows" is reserved for the rows of an invoice; name the column differently`,
			`csv.columns[2] (line 4): duplicate column "nr"`,
			`csv.group_by (line 4): no column "x" in csv.columns`,
			`fields.order_reference (line 7): no column "ref" in csv.columns`,
			`fields.notes (line 8): "rows" is reserved for the rows of an invoice: it is no column`,
		}},
		{"csv notice", "livery_profile: 1\nname: letters\ntarget: notice\ncsv: {group_by: nr}\nfields: {subject: s}\n", []string{
			"csv (line 4): a CSV billing run holds invoices: target must be invoice or credit_note",
		}},
		{"too large", head + "fields: {number: nr}\n#" + strings.Repeat("x", mapping.MaxProfileSize), []string{
			"(profile): profile is 262211 bytes, at most 262144",
		}},
		{"not UTF-8", head + "fields: {number: \"\xff\"}\n", []string{"(profile): profile is not UTF-8 text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, profileProblems(t, tt.yaml))
		})
	}
}

var (
	invoiceFields = []string{"type", "number", "issue_date", "due_date", "currency", "seller", "buyer", "lines", "totals", "payment", "notes", "period", "order_reference", "credit_note_for"}
	noticeFields  = []string{"type", "kind", "recipient", "date", "subject", "reference", "body", "facts", "action"}
)

// TestProfileTooManyRules keeps a profile from growing past the rule limit.
func TestProfileTooManyRules(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "fields:\n  lines:\n")
	for range 60 {
		b.WriteString("    - {description: d, quantity: q, unit: u, unit_price: p, tax_rate: r, discount.percent: x, discount.amount: y, notes: n, x: z}\n")
	}
	got := profileProblems(t, b.String())
	assert.Contains(t, got[0], "must list 1 to 50 items")
}
