package brandkits

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLabelKeys(t *testing.T) {
	assert.True(t, slices.IsSorted(LabelKeys), "sorted")
	assert.Equal(t, len(LabelKeys), len(slices.Compact(slices.Clone(LabelKeys))), "unique")
	for _, key := range []string{
		"invoice", "credit_note", "notice", "invoice_number", "credit_note_number", "credit_note_for",
		"issue_date", "due_date", "date", "customer_number", "reference", "order_reference", "period",
		"description", "quantity", "unit", "unit_price", "discount", "tax_rate", "amount", "subtotal",
		"tax", "total", "total_due", "total_credit", "payment", "payment_terms", "payment_reference",
		"iban", "bic", "vat_id", "registration_id", "page", "pay_by", "credited", "key_facts", "contact",
	} {
		assert.Contains(t, LabelKeys, key)
	}
}

// Every locale and formality words every key, with exactly the placeholders
// its label takes.
func TestDefaultLabelsComplete(t *testing.T) {
	for _, locale := range Locales {
		for _, formality := range Formalities {
			labels := DefaultLabelsFor(locale, formality)
			assert.Equal(t, LabelKeys, slices.Sorted(maps.Keys(labels)), "%s %s", locale, formality)
			for key, text := range labels {
				want := append([]string{}, labelPlaceholders[key]...)
				fields, err := templateFields(text, want)
				require.NoError(t, err, "%s %s %s", locale, formality, key)
				assert.ElementsMatch(t, want, fields, "%s %s %s: %q", locale, formality, key, text)
			}
		}
	}
	for locale, m := range informalLabels {
		for key := range m {
			assert.Contains(t, LabelKeys, key, locale)
		}
	}
}

func TestDefaultLabelsWording(t *testing.T) {
	tests := []struct {
		locale, formality, key, want string
	}{
		{"de-DE", Formal, "invoice", "Rechnung"},
		{"de-DE", Formal, "invoice_number", "Rechnungsnummer"},
		{"de-DE", Formal, "issue_date", "Rechnungsdatum"},
		{"de-DE", Formal, "due_date", "Fällig am"},
		{"de-DE", Formal, "customer_number", "Kundennummer"},
		{"de-DE", Formal, "description", "Beschreibung"},
		{"de-DE", Formal, "quantity", "Menge"},
		{"de-DE", Formal, "unit_price", "Einzelpreis"},
		{"de-DE", Formal, "tax_rate", "MwSt."},
		{"de-DE", Formal, "amount", "Betrag"},
		{"de-DE", Formal, "subtotal", "Zwischensumme"},
		{"de-DE", Formal, "total", "Gesamtbetrag"},
		{"de-DE", Formal, "page", "Seite {page} von {pages}"},
		{"de-DE", Formal, "pay_by", "Bitte zahlen Sie {amount} bis zum {date}."},
		{"de-DE", Informal, "pay_by", "Bitte zahle {amount} bis zum {date}."},
		{"de-DE", Informal, "invoice", "Rechnung"},
		{"fr-FR", Formal, "invoice", "Facture"},
		{"fr-FR", Formal, "due_date", "Date d'échéance"},
		{"fr-FR", Formal, "tax_rate", "TVA"},
		{"fr-FR", Formal, "page", "Page {page} sur {pages}"},
		{"nl-NL", Formal, "invoice", "Factuur"},
		{"nl-NL", Formal, "due_date", "Vervaldatum"},
		{"nl-NL", Formal, "tax_rate", "BTW"},
		{"nl-NL", Formal, "page", "Pagina {page} van {pages}"},
		{"en-GB", Formal, "tax", "VAT {rate}"},
		{"en-GB", Formal, "page", "Page {page} of {pages}"},
		{"en-GB", Formal, "pay_by", "Please pay {amount} by {date}."},
		{"en-GB", Formal, "credited", "We have credited {amount} to your account."},
		{"en-US", Formal, "credit_note", "Credit memo"},
		{"de_de", "", "invoice", "Rechnung"},
		{"fr-BE", Formal, "invoice", "Facture"},
		{"", "", "invoice", "Invoice"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.key, func(t *testing.T) {
			assert.Equal(t, tt.want, DefaultLabelsFor(tt.locale, tt.formality)[tt.key])
		})
	}
	assert.Equal(t, "Bitte zahlen Sie {amount} bis zum {date}.", DefaultLabels("de-DE")["pay_by"], "DefaultLabels is formal")
}

func TestDefaultLabelsAreCopies(t *testing.T) {
	DefaultLabels("en-GB")["invoice"] = "changed"
	DefaultGreetings("en-GB", Formal)["default"][0].Text = "changed"
	assert.Equal(t, "Invoice", DefaultLabels("en-GB")["invoice"])
	assert.Equal(t, "Dear {title} {last_name},", DefaultGreetings("en-GB", Formal)["default"][0].Text)
}

// The defaults obey the rules Validate sets for kits.
func TestDefaultTonesValid(t *testing.T) {
	for _, locale := range Locales {
		for _, formality := range Formalities {
			for name, m := range map[string]map[string][]Template{
				"greetings": DefaultGreetings(locale, formality),
				"sign_offs": DefaultSignOffs(locale, formality),
			} {
				require.Contains(t, m, "default", "%s %s %s", locale, formality, name)
				k := &Kit{Tone: Tone{Locale: locale, Formality: formality}}
				var ps problems
				k.checkTemplates(&ps, name, m, m)
				assert.Empty(t, ps, "%s %s %s", locale, formality, name)
			}
		}
	}
}

func TestKitLabel(t *testing.T) {
	k := &Kit{Tone: Tone{Locale: "de-DE", Formality: Informal, Labels: map[string]string{"total_due": "Dein Betrag", "invoice": ""}}}
	assert.Equal(t, "Dein Betrag", k.Label("total_due"), "override")
	assert.Equal(t, "Rechnung", k.Label("invoice"), "empty override falls back")
	assert.Equal(t, "Bitte zahle {amount} bis zum {date}.", k.Label("pay_by"), "informal default")
	assert.Equal(t, "Fällig am", k.Label("due_date"))
	assert.Equal(t, "no_such_key", k.Label("no_such_key"), "unknown keys show up, not blank")
}
