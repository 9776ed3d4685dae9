package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goInvoice is a valid invoice built in Go, as a library user would.
func goInvoice() *Invoice {
	return &Invoice{
		Type:      TypeInvoice,
		Number:    "A-1",
		IssueDate: MustDate("2026-05-01"),
		Currency:  "EUR",
		Buyer:     Recipient{Name: "Jana Kowalski", Address: Address{Lines: []string{"Lindenstraße 4"}, Country: "DE"}},
		Lines:     []Line{line("2", "9.95", "19")},
	}
}

func goNotice() *Notice {
	return &Notice{
		Type:      TypeNotice,
		Kind:      "policy_change",
		Recipient: Recipient{Name: "Jana Kowalski", Address: Address{Lines: []string{"Lindenstraße 4"}}},
		Date:      MustDate("2026-05-01"),
		Subject:   "Your policy changes on 1 July",
		Body:      "From 1 July your policy covers **more**.",
	}
}

func TestValidateGoDocuments(t *testing.T) {
	tests := []struct {
		name string
		doc  *Document
		want []FieldError
	}{
		{name: "valid invoice", doc: &Document{Type: TypeInvoice, Invoice: goInvoice()}},
		{name: "valid notice", doc: &Document{Type: TypeNotice, Notice: goNotice()}},
		{name: "nil", doc: nil, want: []FieldError{{Message: "no document"}}},
		{name: "empty", doc: &Document{}, want: []FieldError{{Message: "neither Invoice nor Notice is set"}}},
		{name: "both", doc: &Document{Type: TypeInvoice, Invoice: goInvoice(), Notice: goNotice()},
			want: []FieldError{{Message: "both Invoice and Notice are set; set the one matching Type"}}},
		{name: "type mismatch", doc: &Document{Type: TypeCreditNote, Invoice: goInvoice()},
			want: []FieldError{{Path: "type", Message: `Document.Type "credit_note" does not match Invoice.Type "invoice"`}}},
		{name: "notice type mismatch", doc: &Document{Type: TypeInvoice, Notice: goNotice()},
			want: []FieldError{{Path: "type", Message: `Document.Type "invoice" does not match Notice.Type "notice"`}}},
		{
			name: "zero invoice",
			doc:  &Document{Type: TypeInvoice, Invoice: &Invoice{}},
			want: []FieldError{
				{Path: "buyer.address.lines", Message: "must have at least 1 item"},
				{Path: "buyer.name", Message: "required"},
				{Path: "currency", Message: "required"},
				{Path: "issue_date", Message: "required"},
				{Path: "lines", Message: "must have at least 1 item"},
				{Path: "number", Message: "required"},
				{Path: "type", Message: `must be one of "invoice", "credit_note" (got "")`},
			},
		},
		{
			name: "zero notice",
			doc:  &Document{Type: TypeNotice, Notice: &Notice{}},
			want: []FieldError{
				{Path: "body", Message: "required"},
				{Path: "date", Message: "required"},
				{Path: "kind", Message: "required"},
				{Path: "recipient.address.lines", Message: "must have at least 1 item"},
				{Path: "recipient.name", Message: "required"},
				{Path: "subject", Message: "required"},
				{Path: "type", Message: `must be "notice" (got "")`},
			},
		},
		{
			name: "values a schema would have stopped",
			doc: func() *Document {
				inv := goInvoice()
				inv.Number = strings.Repeat("n", 101)
				inv.Buyer.Name = "bad \xff UTF-8"
				inv.Buyer.Gender = "unknown"
				inv.Lines[0].Quantity = Decimal{}
				inv.Lines = append(inv.Lines, line("1", "1", "7"))
				inv.Lines[1].UnitPrice = DecimalFrom(MustDecimal("1").Dec().Shift(30))
				inv.Lines = append(inv.Lines, Line{Description: "no discount given", Quantity: MustDecimal("1"), UnitPrice: MustDecimal("1"), TaxRate: MustDecimal("0"), Discount: &Discount{Percent: &Decimal{}}})
				due := NewDate(2026, 2, 30)
				inv.DueDate = &due
				return &Document{Type: TypeInvoice, Invoice: inv}
			}(),
			want: []FieldError{
				{Path: "buyer.gender", Message: `must be one of "female", "male", "other", "" (got "unknown")`},
				{Path: "buyer.name", Message: "is not valid UTF-8"},
				{Path: "due_date", Message: `"2026-02-30" is not a date (YYYY-MM-DD)`},
				{Path: "lines[0].quantity", Message: "required"},
				{Path: "lines[1].unit_price", Message: `"1000000000000000000000000000000" has too many digits (at most 15 before and 6 after the decimal point)`},
				{Path: "lines[2].discount", Message: "give percent or amount"},
				{Path: "number", Message: "too long: 101 characters, at most 100"},
			},
		},
		{
			name: "too many lines are not checked one by one",
			doc: func() *Document {
				inv := goInvoice()
				inv.Lines = make([]Line, 100_000)
				return &Document{Type: TypeInvoice, Invoice: inv}
			}(),
			want: []FieldError{{Path: "lines", Message: "too many items: 100000, at most 2000"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.doc.Validate()
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.True(t, errors.Is(err, ErrInvalid))
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.want, ve.Problems)
		})
	}
}

func TestIBANChecksum(t *testing.T) {
	tests := []struct {
		iban string
		ok   bool
	}{
		{"DE89370400440532013000", true},
		{"GB82WEST12345698765432", true},
		{"FR1420041010050500013M02606", true},
		{"NL91ABNA0417164300", true},
		{"DE89370400440532013001", false},
		{"DE98370400440532013000", false}, // swapped check digits
		{"GB82WEST12345698765423", false}, // swapped digits
	}
	for _, tt := range tests {
		t.Run(tt.iban, func(t *testing.T) {
			assert.Equal(t, tt.ok, ibanChecksumOK(tt.iban))
		})
	}
}

// loadSchema decodes the embedded schema for the consistency tests.
func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	var s map[string]any
	dec := json.NewDecoder(bytes.NewReader(documentSchema))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&s))
	return s
}

func schemaDefs(t *testing.T) map[string]map[string]any {
	t.Helper()
	defs := map[string]map[string]any{}
	for name, d := range loadSchema(t)["$defs"].(map[string]any) {
		defs[name] = d.(map[string]any)
	}
	return defs
}

// TestSchemaMatchesStructs keeps the schema and the Go model in step: the
// same fields, and required exactly where the struct has no omitempty.
func TestSchemaMatchesStructs(t *testing.T) {
	defs := schemaDefs(t)
	types := map[string]reflect.Type{
		"invoice":   reflect.TypeFor[Invoice](),
		"notice":    reflect.TypeFor[Notice](),
		"address":   reflect.TypeFor[Address](),
		"party":     reflect.TypeFor[Party](),
		"recipient": reflect.TypeFor[Recipient](),
		"line":      reflect.TypeFor[Line](),
		"discount":  reflect.TypeFor[Discount](),
		"totals":    reflect.TypeFor[Totals](),
		"payment":   reflect.TypeFor[Payment](),
		"period":    reflect.TypeFor[Period](),
		"fact":      reflect.TypeFor[Fact](),
		"action":    reflect.TypeFor[Action](),
	}
	for name, typ := range types {
		t.Run(name, func(t *testing.T) {
			def, ok := defs[name]
			require.True(t, ok, "no $defs/%s", name)
			assert.Equal(t, false, def["additionalProperties"], "unknown fields must be rejected")

			var fields, required []string
			for f := range typ.Fields() {
				tag := f.Tag.Get("json")
				require.NotEmpty(t, tag, "%s.%s has no json tag", typ.Name(), f.Name)
				fname, opts, _ := strings.Cut(tag, ",")
				fields = append(fields, fname)
				if !strings.Contains(opts, "omitempty") {
					required = append(required, fname)
				}
			}
			var props []string
			for p := range def["properties"].(map[string]any) {
				props = append(props, p)
			}
			var schemaRequired []string
			if r, ok := def["required"].([]any); ok {
				for _, x := range r {
					schemaRequired = append(schemaRequired, x.(string))
				}
			}
			sort.Strings(fields)
			sort.Strings(props)
			sort.Strings(required)
			sort.Strings(schemaRequired)
			assert.Equal(t, fields, props, "json tags vs schema properties")
			assert.Equal(t, required, schemaRequired, "fields without omitempty vs schema required")
		})
	}
	// Every object definition is covered above.
	for name, def := range defs {
		if def["type"] == "object" {
			assert.Contains(t, types, name, "$defs/%s has no Go type in this test", name)
		}
	}
}

// TestSchemaLimitsMatchGo checks that Validate enforces the same lengths and
// list sizes the schema states, for Go callers who never see the schema.
func TestSchemaLimitsMatchGo(t *testing.T) {
	wantLen := map[string]int{
		"iban": maxIBANLen, "bic": maxBICLen, "email": maxEmailLen,
		"address.lines[]": maxAddressLineLen, "address.postal_code": maxPostalCodeLen, "address.city": maxPlaceLen, "address.region": maxPlaceLen,
		"party.name": maxNameLen, "party.vat_id": maxTaxIDLen, "party.tax_id": maxTaxIDLen, "party.phone": maxPhoneLen, "party.website": maxWebsiteLen,
		"recipient.name": maxNameLen, "recipient.company": maxNameLen, "recipient.title": maxTitleLen, "recipient.first_name": maxGivenNameLen,
		"recipient.last_name": maxGivenNameLen, "recipient.customer_number": maxIDLen, "recipient.vat_id": maxTaxIDLen,
		"line.description": maxDescriptionLen, "line.unit": maxUnitLen,
		"payment.terms": maxDescriptionLen, "payment.reference": maxRemittanceLen, "payment.creditor_reference": maxCreditorRefLen,
		"invoice.number": maxIDLen, "invoice.notes": maxLongTextLen, "invoice.order_reference": maxIDLen, "invoice.credit_note_for": maxIDLen,
		"fact.label": maxLabelLen, "fact.value": maxDescriptionLen, "action.label": maxLabelLen, "action.url": maxURLLen,
		"notice.kind": maxKindLen, "notice.subject": maxSubjectLen, "notice.reference": maxIDLen, "notice.body": maxLongTextLen,
	}
	wantItems := map[string]int{"address.lines": maxAddressLines, "invoice.lines": maxLines, "notice.facts": maxFacts}

	gotLen, gotItems := map[string]int{}, map[string]int{}
	num := func(v any) int {
		n, err := v.(json.Number).Int64()
		require.NoError(t, err)
		return int(n)
	}
	for name, def := range schemaDefs(t) {
		if v, ok := def["maxLength"]; ok {
			gotLen[name] = num(v)
		}
		props, _ := def["properties"].(map[string]any)
		for p, s := range props {
			s := s.(map[string]any)
			if v, ok := s["maxLength"]; ok {
				gotLen[name+"."+p] = num(v)
			}
			if v, ok := s["maxItems"]; ok {
				gotItems[name+"."+p] = num(v)
			}
			if items, ok := s["items"].(map[string]any); ok {
				if v, ok := items["maxLength"]; ok {
					gotLen[name+"."+p+"[]"] = num(v)
				}
			}
		}
	}
	assert.Equal(t, wantLen, gotLen)
	assert.Equal(t, wantItems, gotItems)
}

// TestSchemaPatterns checks that every pattern in the schema has a worded
// message and that the Go checks use the very same expressions.
func TestSchemaPatterns(t *testing.T) {
	var patterns []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if p, ok := v["pattern"].(string); ok {
				patterns = append(patterns, p)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(loadSchema(t))
	require.NotEmpty(t, patterns)
	for _, p := range patterns {
		assert.Contains(t, patternMessages, p, "pattern %s has no message", p)
	}
	for _, re := range []string{bicPattern.String(), ibanPattern.String(), kindPattern.String()} {
		assert.True(t, slices.Contains(patterns, re), "Go pattern %s is not in the schema", re)
	}
	assert.Len(t, patternMessages, len(slices.Compact(slices.Sorted(slices.Values(patterns)))), "a message for a pattern the schema no longer has")
}

// TestRootSchema checks the schema as external tools see it, with the
// if/then/else on type: the examples pass and shapes do not mix.
func TestRootSchema(t *testing.T) {
	sch, err := schemas()
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join("testdata", "documents", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var v any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&v))
		assert.NoError(t, sch.root.Validate(v), f)
	}
	for _, bad := range []string{
		`{"type":"notice","number":"1"}`,
		`{"type":"invoice","kind":"x"}`,
		`{"type":"bill"}`,
		`{}`,
	} {
		var v any
		require.NoError(t, json.Unmarshal([]byte(bad), &v))
		assert.Error(t, sch.root.Validate(v), bad)
	}
	assert.Equal(t, documentSchema, DocumentSchema())
}
