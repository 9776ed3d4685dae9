package mapping_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

func TestBuilderTargets(t *testing.T) {
	b := mapping.NewBuilder(render.TypeInvoice)
	b.Set("number", "A-1", "src.nr")
	b.Set("buyer.address.lines[0]", "Street 1", "src.street")
	b.Set("buyer.address.lines[1]", "", "src.extra") // empty: left out, but traced
	b.Ensure("lines[0]", "pos[0]")
	b.Set("lines[1].quantity", "2", "pos[1].qty")
	b.Set("notes", "a \"quoted\"\nline\u2028<b>&", "src.notes")
	for _, bad := range []string{"nope", "buyer", "number.x", "lines", "lines[5].quantity", "lines[x]", "buyer.address.lines[3]", "buyer.address.lines[0].x", "", "[0]", "lines[0]discount"} {
		b.Set(bad, "v", "src")
	}
	assert.JSONEq(t, `{"type": "invoice", "number": "A-1", "buyer": {"address": {"lines": ["Street 1"]}},
		"lines": [{}, {"quantity": "2"}], "notes": "a \"quoted\"\nline\u2028<b>&"}`, string(b.JSON()))
	assert.Contains(t, string(b.JSON()), `<b>&`, "no HTML escaping: the JSON is read by people")
	var targets []string
	for _, p := range b.Problems() {
		targets = append(targets, p.Target)
		assert.Contains(t, p.Message, "mapping error")
	}
	assert.Equal(t, []string{"nope", "buyer", "number.x", "lines", "lines[5].quantity", "lines[x]", "buyer.address.lines[3]", "buyer.address.lines[0].x", "", "[0]", "lines[0]discount"}, targets)

	assert.Equal(t, "src.extra", b.Source("buyer.address.lines[1]"))
	assert.Equal(t, "pos[1].qty", b.Source("lines[1].quantity"))
	assert.Equal(t, "pos[0]", b.Source("lines[0].unit_price"), "a field without a source of its own has its element's")
	assert.Equal(t, "", b.Source("currency"))
}

func TestBuilderDocument(t *testing.T) {
	b := mapping.NewBuilder(render.TypeCreditNote)
	for target, v := range map[string]string{
		"number": "CN-1", "issue_date": "2026-03-20", "currency": "EUR", "credit_note_for": "A-1",
		"buyer.name": "Jana", "buyer.address.lines[0]": "Street 1",
		"lines[0].description": "Cups", "lines[0].quantity": "1", "lines[0].unit_price": "19.99", "lines[0].tax_rate": "19",
	} {
		b.Set(target, v, "src "+target)
	}
	doc, data, err := b.Document()
	require.NoError(t, err)
	assert.Equal(t, render.TypeCreditNote, doc.Type)
	assert.Contains(t, string(data), `"type":"credit_note"`)

	b.Set("lines[0].quantity", "0", "row 7, column qty")
	b.Report("row 7, column qty/@unit", "lines[0].quantity", "a note that does not hide the check")
	_, _, err = b.Document()
	assert.Equal(t, []string{
		"row 7, column qty/@unit -> lines[0].quantity: a note that does not hide the check",
		"row 7, column qty -> lines[0].quantity: must be greater than 0 (got 0)",
	}, problemStrings(t, err))

	b.Problem("row 7, column tax", "lines[0].tax_rate", "not a number")
	b.Set("lines[0].tax_rate", "", "row 7, column tax")
	_, _, err = b.Document()
	assert.NotContains(t, problemStrings(t, err), "row 7, column tax -> lines[0].tax_rate: required", "a problem of its own hides render's repeat")
}

func TestHasTarget(t *testing.T) {
	for target, want := range map[string]bool{
		"number": true, "buyer.address.city": true, "lines.discount.percent": true, "payment.iban": true,
		"buyer.nope": false, "lines.quantity.x": false, "": false, "kind": false,
	} {
		assert.Equal(t, want, mapping.HasTarget(render.TypeInvoice, target), target)
	}
	assert.True(t, mapping.HasTarget(render.TypeNotice, "facts.label"))
	assert.False(t, mapping.HasTarget("bill", "number"))
}
