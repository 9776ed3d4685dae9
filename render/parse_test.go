package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "documents", name))
	require.NoError(t, err)
	return data
}

// editFn changes a decoded document before it is encoded again.
type editFn func(t testing.TB, m map[string]any)

// edited returns the test document name with edits applied.
func edited(t testing.TB, name string, edits ...editFn) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(readDoc(t, name)))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	for _, e := range edits {
		e(t, m)
	}
	data, err := json.Marshal(m)
	require.NoError(t, err)
	return data
}

// walkTo returns the container holding the last segment of a dotted path
// ("lines.0.quantity") and that segment.
func walkTo(t testing.TB, m map[string]any, path string) (any, string) {
	t.Helper()
	segs := strings.Split(path, ".")
	var node any = m
	for _, s := range segs[:len(segs)-1] {
		switch n := node.(type) {
		case map[string]any:
			node = n[s]
		case []any:
			i, err := strconv.Atoi(s)
			require.NoError(t, err)
			node = n[i]
		default:
			t.Fatalf("cannot walk into %T at %q of %q", node, s, path)
		}
	}
	return node, segs[len(segs)-1]
}

// set sets the value at path; json.RawMessage values are written verbatim.
func set(path string, v any) editFn {
	return func(t testing.TB, m map[string]any) {
		node, last := walkTo(t, m, path)
		switch n := node.(type) {
		case map[string]any:
			n[last] = v
		case []any:
			i, err := strconv.Atoi(last)
			require.NoError(t, err)
			n[i] = v
		default:
			t.Fatalf("cannot set %q in %T", path, node)
		}
	}
}

// del removes the field at path.
func del(path string) editFn {
	return func(t testing.TB, m map[string]any) {
		node, last := walkTo(t, m, path)
		n, ok := node.(map[string]any)
		require.True(t, ok, "del %q", path)
		delete(n, last)
	}
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestParseDocumentExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "documents", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			doc, err := ParseDocument(data)
			require.NoError(t, err)
			assert.NoError(t, doc.Validate())

			// The canonical encoding parses back to the same document.
			out, err := json.Marshal(doc)
			require.NoError(t, err)
			again, err := ParseDocument(out)
			require.NoError(t, err)
			assert.Equal(t, doc, again)

			var viaUnmarshal Document
			require.NoError(t, json.Unmarshal(data, &viaUnmarshal))
			assert.Equal(t, doc, &viaUnmarshal)
		})
	}
}

func TestParseDocumentInvoiceFields(t *testing.T) {
	doc, err := ParseDocument(readDoc(t, "invoice.json"))
	require.NoError(t, err)
	require.NotNil(t, doc.Invoice)
	assert.Nil(t, doc.Notice)
	assert.Equal(t, TypeInvoice, doc.Type)
	inv := doc.Invoice
	assert.Equal(t, TypeInvoice, inv.Type)
	assert.Equal(t, "2026-000123", inv.Number)
	assert.Equal(t, "2026-03-02", inv.IssueDate.String())
	require.NotNil(t, inv.DueDate)
	assert.Equal(t, 16, inv.DueDate.Day())
	assert.Equal(t, "Café Morgenrot", inv.Buyer.Name)
	assert.Equal(t, []string{"Lindenstraße 4", "Hinterhaus"}, inv.Buyer.Address.Lines)
	require.Len(t, inv.Lines, 4)
	assert.Equal(t, "24.90", inv.Lines[0].UnitPrice.String())
	assert.Equal(t, "5.95", inv.Lines[2].UnitPrice.String(), "a JSON number keeps its digits")
	require.NotNil(t, inv.Lines[1].Discount)
	assert.Equal(t, "10", inv.Lines[1].Discount.Percent.String())
	assert.Nil(t, inv.Lines[1].Discount.Amount)
	require.NotNil(t, inv.StatedTotals)
	assert.Equal(t, "258.35", inv.StatedTotals.Gross.String())

	c, err := ComputeTotals(inv)
	require.NoError(t, err)
	assert.Equal(t, "258.35", c.Gross.StringFixed(2))
}

func TestParseDocumentNoticeFields(t *testing.T) {
	doc, err := ParseDocument(readDoc(t, "notice.json"))
	require.NoError(t, err)
	require.NotNil(t, doc.Notice)
	assert.Nil(t, doc.Invoice)
	assert.Equal(t, TypeNotice, doc.Type)
	assert.Equal(t, TypeNotice, doc.Notice.Type)
	assert.Equal(t, "payment_reminder", doc.Notice.Kind)
	assert.Len(t, doc.Notice.Facts, 3)
	require.NotNil(t, doc.Notice.Action)
	assert.Equal(t, "Pay online", doc.Notice.Action.Label)
}

// problemsOf returns the problems of an error from ParseDocument.
func problemsOf(t *testing.T, err error) []FieldError {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	return ve.Problems
}

func TestParseDocumentInput(t *testing.T) {
	tooBig := `{"type":"invoice","number":"` + strings.Repeat("x", 10<<20) + `"}`
	badUTF8 := `{"type":"invoice",` + "\n" + `"number":"ab` + "\xff" + `"}`
	tests := []struct {
		name string
		in   string
		want []FieldError
	}{
		{name: "empty", in: "", want: []FieldError{{Message: "empty input: expected a JSON object"}}},
		{name: "whitespace", in: " \n\t ", want: []FieldError{{Message: "empty input: expected a JSON object"}}},
		{name: "byte order mark only", in: "\xef\xbb\xbf", want: []FieldError{{Message: "empty input: expected a JSON object"}}},
		{name: "10 MB string", in: tooBig, want: []FieldError{{Message: "input is 10485790 bytes, more than the limit of 5242880 bytes (5 MiB)"}}},
		{name: "invalid UTF-8", in: badUTF8, want: []FieldError{{Message: "invalid UTF-8 at byte offset 31 (line 2, column 13)"}}},
		{name: "invalid UTF-8 after BOM counts the BOM", in: "\xef\xbb\xbf\xc3(", want: []FieldError{{Message: "invalid UTF-8 at byte offset 3 (line 1, column 1)"}}},
		{name: "trailing comma", in: "{\n  \"type\": \"invoice\",\n}",
			want: []FieldError{{Message: "invalid JSON at line 3, column 1: invalid character '}' looking for beginning of object key string"}}},
		{name: "truncated", in: `{"type":"invoice"`,
			want: []FieldError{{Message: "invalid JSON at line 1, column 18: unexpected end of JSON input"}}},
		{name: "two values", in: `{} {}`,
			want: []FieldError{{Message: "invalid JSON at line 1, column 4: invalid character '{' after top-level value"}}},
		{name: "not JSON", in: `type=invoice`,
			want: []FieldError{{Message: "invalid JSON at line 1, column 2: invalid character 'y' in literal true (expecting 'r')"}}},
		{name: "columns count characters", in: `{"ä": x}`,
			want: []FieldError{{Message: "invalid JSON at line 1, column 7: invalid character 'x' looking for beginning of value"}}},
		{name: "array", in: `[]`, want: []FieldError{{Message: "must be a JSON object, not an array"}}},
		{name: "string", in: `"invoice"`, want: []FieldError{{Message: "must be a JSON object, not a string"}}},
		{name: "null", in: `null`, want: []FieldError{{Message: "must be a JSON object, not null"}}},
		{name: "number", in: `1e999999999`, want: []FieldError{{Message: "must be a JSON object, not a number"}}},
		{name: "no type", in: `{"number":"1"}`, want: []FieldError{{Path: "type", Message: `required: must be one of "invoice", "credit_note", "notice"`}}},
		{name: "unknown type", in: `{"type":"bill"}`, want: []FieldError{{Path: "type", Message: `must be one of "invoice", "credit_note", "notice" (got "bill")`}}},
		{name: "type not a string", in: `{"type":5}`, want: []FieldError{{Path: "type", Message: `must be one of "invoice", "credit_note", "notice" (got 5)`}}},
		{name: "type case matters", in: `{"type":"Invoice"}`, want: []FieldError{{Path: "type", Message: `must be one of "invoice", "credit_note", "notice" (got "Invoice")`}}},
		{name: "duplicate keys", in: `{"type":"notice","kind":"a","kind":"b","recipient":{"name":"x","address":{"lines":["y"]},"name":"z"},"date":"2026-01-01","subject":"s","body":"b"}`,
			want: []FieldError{{Path: "kind", Message: "duplicate field"}, {Path: "recipient.name", Message: "duplicate field"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument([]byte(tt.in))
			assert.Nil(t, doc)
			assert.Equal(t, tt.want, problemsOf(t, err))
		})
	}
}

func TestParseDocumentByteOrderMark(t *testing.T) {
	doc, err := ParseDocument(append([]byte("\xef\xbb\xbf"), readDoc(t, "notice.json")...))
	require.NoError(t, err)
	assert.Equal(t, TypeNotice, doc.Type)
}

func TestParseDocumentHostile(t *testing.T) {
	deepArray := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	nest := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	tests := []struct {
		name     string
		in       string
		path     string
		contains string
	}{
		{name: "deep array", in: deepArray, contains: "exceeded max depth"},
		{name: "deep unknown field", in: `{"type":"invoice","x":` + nest(40) + `}`, path: "x" + strings.Repeat(".a", 31), contains: "nested too deeply (more than 32 levels)"},
		{name: "deep known field", in: `{"type":"invoice","buyer":{"address":` + nest(40) + `}}`, path: "buyer.address" + strings.Repeat(".a", 30), contains: "nested too deeply"},
		{name: "million digit number", in: `{"type":"invoice","lines":[{"quantity":1` + strings.Repeat("0", 1_000_000) + `}]}`,
			path: "lines[0].quantity", contains: `"1000000000000000000000000000000000000000…" is not a decimal number`},
		{name: "huge exponent", in: `{"type":"invoice","lines":[{"quantity":1e999999999}]}`,
			path: "lines[0].quantity", contains: `"1e999999999" is not a decimal number`},
		{name: "4 MB description", in: `{"type":"invoice","lines":[{"description":"` + strings.Repeat("é", 2_000_000) + `"}]}`,
			path: "lines[0].description", contains: "too long: 2000000 characters, at most 500"},
		{name: "4 MB unknown key", in: `{"type":"invoice","` + strings.Repeat("k", 4_000_000) + `":1}`,
			path: `["` + strings.Repeat("k", 40) + `…"]`, contains: "unknown field"},
		{name: "many unknown fields", in: `{"type":"notice"` + manyFields(5000) + `}`,
			path: "", contains: "too many fields: 5001, at most 100"},
		{name: "wide line", in: `{"type":"invoice","lines":[{` + manyFields(101)[1:] + `}]}`,
			path: "lines[0]", contains: "too many fields: 101, at most 100"},
		{name: "5 MB of empty lines", in: `{"type":"invoice","lines":[` + strings.Repeat(`{},`, 1_500_000) + `{}]}`,
			path: "lines", contains: "too many items: 1500001, at most 2000"},
		{name: "long unknown list", in: `{"type":"invoice","x":[` + strings.Repeat(`[1,{"a":[]}],`, 300_000) + `0]}`,
			path: "x", contains: "too many items: 300001, at most 2000"},
		{name: "2000 broken lines", in: `{"type":"invoice","lines":[` + strings.Repeat(`{"quantity":"0","unit_price":"-1","x":1`+manyFields(90)+`},`, 1999) + `{}]}`,
			path: "lines[0].description", contains: "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseDocument([]byte(tt.in))
			ps := problemsOf(t, err)
			found := false
			for _, p := range ps {
				if p.Path == tt.path && strings.Contains(p.Message, tt.contains) {
					found = true
				}
			}
			assert.True(t, found, "no problem at %q containing %q in %v", tt.path, tt.contains, ps)
			assert.LessOrEqual(t, len(ps), MaxProblems)
			assert.Less(t, len(err.Error()), 20_000, "the error message stays readable")
			assert.Less(t, time.Since(start), 5*time.Second, "hostile input is rejected quickly")
		})
	}
}

func manyFields(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(`,"f` + strconv.Itoa(i) + `":1`)
	}
	return b.String()
}

func TestParseDocumentBroken(t *testing.T) {
	manyLines := make([]any, 2001)
	for i := range manyLines {
		manyLines[i] = map[string]any{"description": "x", "quantity": "1", "unit_price": "1", "tax_rate": "0"}
	}
	manyFacts := make([]any, 51)
	for i := range manyFacts {
		manyFacts[i] = map[string]any{"label": "l", "value": "v"}
	}
	tests := []struct {
		name  string
		file  string
		edits []editFn
		want  []FieldError
	}{
		{
			name:  "unknown fields at every level",
			file:  "invoice.json",
			edits: []editFn{set("colour", "red"), set("buyer.foo", 1), set("lines.1.colour", "red"), set("buyer.address.zip", "1")},
			want: []FieldError{
				{Path: "buyer.address.zip", Message: "unknown field"},
				{Path: "buyer.foo", Message: "unknown field"},
				{Path: "colour", Message: "unknown field"},
				{Path: "lines[1].colour", Message: "unknown field"},
			},
		},
		{
			name:  "missing required fields",
			file:  "invoice.json",
			edits: []editFn{del("number"), del("lines.0.quantity"), del("buyer.address"), del("buyer.name"), del("totals.tax")},
			want: []FieldError{
				{Path: "buyer.address", Message: "required"},
				{Path: "buyer.name", Message: "required"},
				{Path: "lines[0].quantity", Message: "required"},
				{Path: "number", Message: "required"},
				{Path: "totals.tax", Message: "required"},
			},
		},
		{
			name:  "wrong types",
			file:  "invoice.json",
			edits: []editFn{set("number", 123), set("lines.0.quantity", true), set("buyer", "Jana"), set("lines.1.discount", []any{}), set("notes", nil), set("lines.2.unit_price", map[string]any{})},
			want: []FieldError{
				{Path: "buyer", Message: "must be an object, not a string"},
				{Path: "lines[0].quantity", Message: "must be a number or a string, not a boolean"},
				{Path: "lines[1].discount", Message: "must be an object, not an array"},
				{Path: "lines[2].unit_price", Message: "must be a number or a string, not an object"},
				{Path: "notes", Message: "must be a string, not null"},
				{Path: "number", Message: "must be a string, not a number"},
			},
		},
		{
			name: "codes and enums",
			file: "invoice.json",
			edits: []editFn{set("buyer.gender", "f"), set("currency", "EURO"), set("buyer.address.country", "Germany"),
				set("seller.bic", "COBA"), set("seller.iban", "DE89-3704"), set("seller.address.country", "XX")},
			want: []FieldError{
				{Path: "buyer.address.country", Message: `"Germany" is not an ISO 3166-1 alpha-2 country code (e.g. DE)`},
				{Path: "buyer.gender", Message: `must be one of "female", "male", "other", "" (got "f")`},
				{Path: "currency", Message: `"EURO" is not an ISO 4217 currency code (e.g. EUR)`},
				{Path: "seller.address.country", Message: `"XX" is not an ISO 3166-1 alpha-2 country code (e.g. DE)`},
				{Path: "seller.bic", Message: `"COBA" is not a BIC (8 or 11 letters and digits)`},
				{Path: "seller.iban", Message: `"DE89-3704" is not an IBAN`},
			},
		},
		{
			name:  "currency that is not money",
			file:  "invoice.json",
			edits: []editFn{set("currency", "XAU")},
			want:  []FieldError{{Path: "currency", Message: `"XAU" is not a currency of legal tender`}},
		},
		{
			name: "bad decimals and dates",
			file: "invoice.json",
			edits: []editFn{set("lines.3.unit_price", "1e999"), set("lines.0.quantity", raw("1e999")), set("lines.1.tax_rate", "19%"),
				set("issue_date", "2026-13-01"), set("period.end", "2026-02-30"), set("lines.2.quantity", raw("1.0000001"))},
			want: []FieldError{
				{Path: "issue_date", Message: `"2026-13-01" is not a date (YYYY-MM-DD)`},
				{Path: "lines[0].quantity", Message: `"1e999" is not a decimal number`},
				{Path: "lines[1].tax_rate", Message: `"19%" is not a decimal number`},
				{Path: "lines[2].quantity", Message: `"1.0000001" has too many digits (at most 15 before and 6 after the decimal point)`},
				{Path: "lines[3].unit_price", Message: `"1e999" is not a decimal number`},
				{Path: "period.end", Message: `"2026-02-30" is not a date (YYYY-MM-DD)`},
			},
		},
		{
			name: "out of range",
			file: "invoice.json",
			edits: []editFn{set("lines.0.quantity", "0"), set("lines.1.unit_price", "-1"), set("lines.2.tax_rate", "101"),
				set("lines.3.discount", map[string]any{"percent": "5", "amount": "1"}), set("lines.2.quantity", "-2")},
			want: []FieldError{
				{Path: "lines[0].quantity", Message: "must be greater than 0 (got 0)"},
				{Path: "lines[1].unit_price", Message: "must not be negative (got -1)"},
				{Path: "lines[2].quantity", Message: "must be greater than 0 (got -2)"},
				{Path: "lines[2].tax_rate", Message: "must be between 0 and 100 (got 101)"},
				{Path: "lines[3].discount", Message: "give either percent or amount, not both"},
			},
		},
		{
			name: "discounts",
			file: "invoice.json",
			edits: []editFn{set("lines.1.discount", map[string]any{"percent": "150"}), set("lines.3.discount", map[string]any{"amount": "40.00"}),
				set("lines.0.discount", map[string]any{"amount": "1.005"}), set("lines.2.discount", map[string]any{}), del("totals")},
			want: []FieldError{
				{Path: "lines[0].discount.amount", Message: `"1.005" has 3 decimal places but EUR amounts have at most 2`},
				{Path: "lines[1].discount.percent", Message: "must be between 0 and 100 (got 150)"},
				{Path: "lines[2].discount", Message: "give percent or amount"},
				{Path: "lines[3].discount.amount", Message: "40.00 is more than the line amount 39.98"},
			},
		},
		{
			name:  "dates out of order",
			file:  "invoice.json",
			edits: []editFn{set("due_date", "2026-03-01"), set("period.start", "2026-02-10"), set("period.end", "2026-02-01")},
			want: []FieldError{
				{Path: "due_date", Message: "2026-03-01 is before issue_date 2026-03-02"},
				{Path: "period.end", Message: "2026-02-01 is before period.start 2026-02-10"},
			},
		},
		{
			name:  "stated total off by a cent",
			file:  "invoice.json",
			edits: []editFn{set("totals.gross", "258.36")},
			want:  []FieldError{{Path: "totals.gross", Message: "stated 258.36 but lines add up to 258.35"}},
		},
		{
			name:  "stated totals as numbers",
			file:  "invoice.json",
			edits: []editFn{set("totals", map[string]any{"net": raw("224.63"), "tax": raw("33.7"), "gross": raw("258")})},
			want: []FieldError{
				{Path: "totals.gross", Message: "stated 258 but lines add up to 258.35"},
				{Path: "totals.tax", Message: "stated 33.7 but lines add up to 33.72"},
			},
		},
		{
			name: "bank and contact details",
			file: "invoice.json",
			edits: []editFn{set("seller.iban", "DE88 3704 0044 0532 0130 00"), set("seller.email", "billing at northbound"),
				set("seller.website", "javascript:alert(1)"), set("buyer.email", "Jana <jana@morgenrot.example>"), set("payment.bic", "cobadeff")},
			want: []FieldError{
				{Path: "buyer.email", Message: `"Jana <jana@morgenrot.example>" is not an email address`},
				{Path: "payment.bic", Message: `"cobadeff" is not a BIC (8 or 11 letters and digits)`},
				{Path: "seller.email", Message: `"billing at northbound" is not an email address`},
				{Path: "seller.iban", Message: `"DE88 3704 0044 0532 0130 00" is not a valid IBAN: the check digits do not match`},
				{Path: "seller.website", Message: `"javascript:alert(1)" is not a web address (e.g. www.example.com or https://example.com)`},
			},
		},
		{
			name:  "credit note without the credited invoice",
			file:  "invoice.json",
			edits: []editFn{set("type", "credit_note")},
			want:  []FieldError{{Path: "credit_note_for", Message: "required"}},
		},
		{
			name:  "invoice naming a credited invoice",
			file:  "invoice.json",
			edits: []editFn{set("credit_note_for", "2026-000001")},
			want:  []FieldError{{Path: "credit_note_for", Message: "only a credit note refers to a credited invoice"}},
		},
		{
			name:  "no lines",
			file:  "invoice.json",
			edits: []editFn{set("lines", []any{}), del("totals")},
			want:  []FieldError{{Path: "lines", Message: "must have at least 1 item"}},
		},
		{
			name:  "too many lines",
			file:  "invoice.json",
			edits: []editFn{set("lines", manyLines), del("totals")},
			want:  []FieldError{{Path: "lines", Message: "too many items: 2001, at most 2000"}},
		},
		{
			name: "lengths and characters",
			file: "invoice.json",
			edits: []editFn{set("lines.0.description", strings.Repeat("d", 600)), set("buyer.name", "Jana\u0000K"),
				set("number", "   "), set("buyer.address.lines.0", ""), set("notes", strings.Repeat("n", 20001)),
				set("buyer.company", "Morgenrot\nUG"), set("buyer.address.lines", []any{"1", "2", "3", "4", "5", "6"})},
			want: []FieldError{
				{Path: "buyer.address.lines", Message: "too many items: 6, at most 5"},
				{Path: "buyer.company", Message: "must not contain control characters (found U+000A)"},
				{Path: "buyer.name", Message: "must not contain control characters (found U+0000)"},
				{Path: "lines[0].description", Message: "too long: 600 characters, at most 500"},
				{Path: "notes", Message: "too long: 20001 characters, at most 20000"},
				{Path: "number", Message: "required"},
			},
		},
		{
			name:  "empty required string",
			file:  "invoice.json",
			edits: []editFn{set("number", ""), set("buyer.address.lines", []any{""})},
			want: []FieldError{
				{Path: "buyer.address.lines[0]", Message: "must not be empty"},
				{Path: "number", Message: "must not be empty"},
			},
		},
		{
			name: "notice problems",
			file: "notice.json",
			edits: []editFn{set("kind", "Payment Reminder"), set("action.url", "javascript:alert(1)"), del("subject"), set("body", ""),
				del("facts.0.value"), set("date", "yesterday"), set("lines", []any{}), set("recipient.gender", "x")},
			want: []FieldError{
				{Path: "action.url", Message: `must be an https://, http:// or mailto: URL (got "javascript:alert(1)")`},
				{Path: "body", Message: "must not be empty"},
				{Path: "date", Message: `"yesterday" is not a date (YYYY-MM-DD)`},
				{Path: "facts[0].value", Message: "required"},
				{Path: "kind", Message: `"Payment Reminder" is not a kind: use lower-case letters, digits and underscores, starting with a letter (e.g. payment_reminder)`},
				{Path: "lines", Message: "unknown field"},
				{Path: "recipient.gender", Message: `must be one of "female", "male", "other", "" (got "x")`},
				{Path: "subject", Message: "required"},
			},
		},
		{
			name:  "notice action URLs",
			file:  "notice.json",
			edits: []editFn{set("action.url", "http://"), set("facts", manyFacts)},
			want: []FieldError{
				{Path: "action.url", Message: `"http://" is not a URL: it has no host`},
				{Path: "facts", Message: "too many items: 51, at most 50"},
			},
		},
		{
			name:  "notice with invoice fields",
			file:  "notice.json",
			edits: []editFn{set("currency", "EUR"), set("type", "notice"), set("number", "1")},
			want: []FieldError{
				{Path: "currency", Message: "unknown field"},
				{Path: "number", Message: "unknown field"},
			},
		},
		{
			name: "everything at once",
			file: "invoice.json",
			edits: []editFn{set("buyer.foo", 1), del("number"), set("currency", "EURO"), set("lines.0.quantity", "0"),
				set("lines.1.unit_price", "abc"), set("due_date", "2026-01-01"), set("payment.iban", "DE00 0000 0000 0000 0000 00"),
				set("lines.2.description", strings.Repeat("x", 501))},
			want: []FieldError{
				{Path: "buyer.foo", Message: "unknown field"},
				{Path: "currency", Message: `"EURO" is not an ISO 4217 currency code (e.g. EUR)`},
				{Path: "due_date", Message: "2026-01-01 is before issue_date 2026-03-02"},
				{Path: "lines[0].quantity", Message: "must be greater than 0 (got 0)"},
				{Path: "lines[1].unit_price", Message: `"abc" is not a decimal number`},
				{Path: "lines[2].description", Message: "too long: 501 characters, at most 500"},
				{Path: "number", Message: "required"},
				{Path: "payment.iban", Message: `"DE00 0000 0000 0000 0000 00" is not a valid IBAN: the check digits do not match`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument(edited(t, tt.file, tt.edits...))
			assert.Nil(t, doc)
			assert.Equal(t, tt.want, problemsOf(t, err))
		})
	}
}

func TestParseDocumentValidVariants(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		edits []editFn
	}{
		{name: "mailto action", file: "notice.json", edits: []editFn{set("action.url", "mailto:billing@northbound.example?subject=Invoice")}},
		{name: "no action, no facts", file: "notice.json", edits: []editFn{del("action"), del("facts")}},
		{name: "empty gender", file: "notice.json", edits: []editFn{set("recipient.gender", "")}},
		{name: "minimal invoice", file: "invoice.json", edits: []editFn{del("seller"), del("totals"), del("payment"), del("period"), del("notes"), del("due_date"), del("order_reference")}},
		{name: "compact IBAN", file: "invoice.json", edits: []editFn{set("payment.iban", "GB82WEST12345698765432")}},
		{name: "website without scheme", file: "invoice.json", edits: []editFn{set("seller.website", "www.northbound.example")}},
		{name: "zero price and rate", file: "invoice.json", edits: []editFn{set("lines.0.unit_price", "0"), set("lines.0.tax_rate", "0"), del("totals")}},
		{name: "due on issue day", file: "invoice.json", edits: []editFn{set("due_date", "2026-03-02")}},
		{name: "decimals as numbers", file: "invoice.json", edits: []editFn{set("lines.0.quantity", raw("3")), set("lines.0.unit_price", raw("24.9"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument(edited(t, tt.file, tt.edits...))
			assert.NoError(t, err)
		})
	}
}

func TestDocumentMarshalJSON(t *testing.T) {
	inv := &Invoice{Number: "1"}
	b, err := json.Marshal(Document{Type: TypeInvoice, Invoice: inv})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"type":"invoice"`, "Document.Type fills an empty Invoice.Type")
	assert.Empty(t, inv.Type, "marshalling does not change the invoice")

	_, err = json.Marshal(Document{Type: TypeInvoice})
	assert.Error(t, err)
	_, err = json.Marshal(Document{Invoice: inv, Notice: &Notice{}})
	assert.Error(t, err)
}

func TestDocumentUnmarshalJSONValidates(t *testing.T) {
	var req struct {
		Document Document `json:"document"`
	}
	err := json.Unmarshal([]byte(`{"document":{"type":"notice"}}`), &req)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.True(t, errors.Is(err, ErrInvalid))
}

// FuzzParseDocument checks that no input panics, that every rejection is an
// ErrInvalid, and that whatever is accepted is valid, computable and
// survives a round trip through its canonical JSON.
func FuzzParseDocument(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "documents", "*.json"))
	require.NoError(f, err)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"type":"invoice"}`, `{"type":"notice"}`, `{"type":"credit_note","lines":[{}]}`,
		`{"type":"invoice","lines":[{"quantity":1e999,"unit_price":"-0","tax_rate":"100","discount":{"percent":"0"}}]}`,
		`{"type":"invoice","currency":"KWD","lines":[{"description":"d","quantity":"0.000001","unit_price":"999999999999999.999999","tax_rate":"0.000001"}]}`,
		`{"type":"invoice","issue_date":"2024-02-29","due_date":"2024-02-28"}`,
		`{"type":"notice","action":{"label":"x","url":"mailto:"}}`,
		"{\"type\":\"invoice\",\"number\":\"\xff\"}",
		"\xef\xbb\xbf{\"type\":\"notice\"}",
		`{"type":"invoice","a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if utf8.Valid(data) && json.Valid(data) {
			// The hand-written tree parser must agree with encoding/json on
			// everything ParseDocument hands it.
			if tree, problems := parseTree(data); len(problems) == 0 {
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.UseNumber()
				var want any
				require.NoError(t, dec.Decode(&want))
				require.Equal(t, want, tree)
			}
		}
		doc, err := ParseDocument(data)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			require.Nil(t, doc)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.NotEmpty(t, ve.Problems)
			require.LessOrEqual(t, len(ve.Problems), MaxProblems)
			return
		}
		require.NoError(t, doc.Validate())
		if doc.Invoice != nil {
			c, err := ComputeTotals(doc.Invoice)
			require.NoError(t, err)
			require.True(t, c.Gross.Equal(c.Net.Add(c.Tax)))
		}
		out, err := json.Marshal(doc)
		require.NoError(t, err)
		again, err := ParseDocument(out)
		require.NoError(t, err, "canonical JSON: %s", out)
		// Compared as JSON: an empty list and a missing one are the same document.
		out2, err := json.Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(out), string(out2))
	})
}

func BenchmarkParseDocument(b *testing.B) {
	data := readDoc(b, "invoice.json")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseDocument(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseTree(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     any
		problems []FieldError
	}{
		{name: "scalars", in: `{"a":"x","b":12.50,"c":-1e3,"d":true,"e":false,"f":null}`,
			want: map[string]any{"a": "x", "b": json.Number("12.50"), "c": json.Number("-1e3"), "d": true, "e": false, "f": nil}},
		{name: "escapes", in: `["a\"b","\u00e9\n","\ud83d\ude00","\ud800"]`, want: []any{`a"b`, "é\n", "😀", "\ufffd"}},
		{name: "whitespace", in: " \n{ \"a\" :\t[ 1 , 2 ] }\r\n", want: map[string]any{"a": []any{json.Number("1"), json.Number("2")}}},
		{name: "empty containers", in: `{"a":{},"b":[]}`, want: map[string]any{"a": map[string]any{}, "b": []any{}}},
		{name: "nested duplicate", in: `{"a":[{"k":1,"k":2}]}`, want: map[string]any{"a": []any{map[string]any{"k": json.Number("2")}}},
			problems: []FieldError{{Path: "a[0].k", Message: "duplicate field"}}},
		{name: "odd key", in: `{"a b":{"":{"x":1,"x":1}}}`, want: map[string]any{"a b": map[string]any{"": map[string]any{"x": json.Number("1")}}},
			problems: []FieldError{{Path: `["a b"][""].x`, Message: "duplicate field"}}},
		{name: "exactly at the bounds", in: `{"a":[` + strings.Repeat(`0,`, maxItems-1) + `0]}`,
			want: map[string]any{"a": slices.Repeat([]any{json.Number("0")}, maxItems)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.in)))
			got, problems := parseTree([]byte(tt.in))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.problems, problems)
		})
	}
}

func TestCoverage(t *testing.T) {
	covered := coverage([]FieldError{{Path: "lines[1]"}, {Path: "buyer.address"}, {Path: ""}})
	tests := []struct {
		path string
		want bool
	}{
		{"lines[1]", true},
		{"lines[1].quantity", true},
		{"lines[1].discount.amount", true},
		{"lines[10].quantity", false},
		{"lines", false},
		{"buyer.address.lines[0]", true},
		{"buyer.addressee", false},
		{"buyer.name", false},
		{"number", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			assert.Equal(t, tt.want, covered(tt.path))
		})
	}
}
