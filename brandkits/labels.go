package brandkits

import (
	"maps"
	"slices"
	"strings"
)

// Locales lists the locales Livery speaks, in a stable order.
var Locales = []string{"en-GB", "en-US", "de-DE", "fr-FR", "nl-NL"}

// Formality values of Tone.Formality.
const (
	Formal   = "formal"
	Informal = "informal"
)

// LabelKeys lists every label key a kit may override in tone.labels, sorted.
var LabelKeys = []string{
	"amount",
	"bic",
	"contact",
	"credit_note",
	"credit_note_date",
	"credit_note_for",
	"credit_note_number",
	"credited",
	"customer_number",
	"date",
	"description",
	"discount",
	"due_date",
	"iban",
	"invoice",
	"invoice_number",
	"issue_date",
	"key_facts",
	"notice",
	"order_reference",
	"page",
	"pay_by",
	"pay_with_code",
	"payment",
	"payment_reference",
	"payment_terms",
	"period",
	"quantity",
	"reference",
	"registration_id",
	"subtotal",
	"tax",
	"tax_rate",
	"total",
	"total_credit",
	"total_due",
	"unit",
	"unit_price",
	"vat_id",
}

// labelPlaceholders are the placeholders each label may use; labels not listed
// take none. {rate} is the tax rate already formatted for the locale with its
// percent sign ("19 %", "20%"), {amount} a formatted amount with currency,
// {date} a formatted date.
var labelPlaceholders = map[string][]string{
	"tax":      {"rate"},
	"page":     {"page", "pages"},
	"pay_by":   {"amount", "date"},
	"credited": {"amount"},
}

// defaultLabels holds the formal wording per locale. Informal wording differs
// only in sentences addressing the reader (du/Sie, je/u), see informalLabels.
var defaultLabels = map[string]map[string]string{
	"en-GB": {
		"amount":             "Amount",
		"bic":                "BIC",
		"contact":            "Contact",
		"credit_note":        "Credit note",
		"credit_note_date":   "Credit note date",
		"credit_note_for":    "Original invoice",
		"credit_note_number": "Credit note number",
		"credited":           "We have credited {amount} to your account.",
		"customer_number":    "Customer number",
		"date":               "Date",
		"description":        "Description",
		"discount":           "Discount",
		"due_date":           "Due date",
		"iban":               "IBAN",
		"invoice":            "Invoice",
		"invoice_number":     "Invoice number",
		"issue_date":         "Invoice date",
		"key_facts":          "Key facts",
		"notice":             "Notice",
		"order_reference":    "Order reference",
		"page":               "Page {page} of {pages}",
		"pay_by":             "Please pay {amount} by {date}.",
		"pay_with_code":      "Pay with code",
		"payment":            "Payment details",
		"payment_reference":  "Payment reference",
		"payment_terms":      "Payment terms",
		"period":             "Billing period",
		"quantity":           "Quantity",
		"reference":          "Reference",
		"registration_id":    "Company number",
		"subtotal":           "Subtotal",
		"tax":                "VAT {rate}",
		"tax_rate":           "VAT",
		"total":              "Total",
		"total_credit":       "Total credit",
		"total_due":          "Amount due",
		"unit":               "Unit",
		"unit_price":         "Unit price",
		"vat_id":             "VAT number",
	},
	"en-US": {
		"amount":             "Amount",
		"bic":                "SWIFT/BIC",
		"contact":            "Contact",
		"credit_note":        "Credit memo",
		"credit_note_date":   "Credit memo date",
		"credit_note_for":    "Original invoice",
		"credit_note_number": "Credit memo number",
		"credited":           "We have credited {amount} to your account.",
		"customer_number":    "Customer number",
		"date":               "Date",
		"description":        "Description",
		"discount":           "Discount",
		"due_date":           "Due date",
		"iban":               "IBAN",
		"invoice":            "Invoice",
		"invoice_number":     "Invoice number",
		"issue_date":         "Invoice date",
		"key_facts":          "Key facts",
		"notice":             "Notice",
		"order_reference":    "PO number",
		"page":               "Page {page} of {pages}",
		"pay_by":             "Please pay {amount} by {date}.",
		"pay_with_code":      "Pay with code",
		"payment":            "Payment details",
		"payment_reference":  "Payment reference",
		"payment_terms":      "Payment terms",
		"period":             "Billing period",
		"quantity":           "Quantity",
		"reference":          "Reference",
		"registration_id":    "Registration number",
		"subtotal":           "Subtotal",
		"tax":                "Sales tax ({rate})",
		"tax_rate":           "Tax rate",
		"total":              "Total",
		"total_credit":       "Total credit",
		"total_due":          "Amount due",
		"unit":               "Unit",
		"unit_price":         "Unit price",
		"vat_id":             "Tax ID",
	},
	"de-DE": {
		"amount":             "Betrag",
		"bic":                "BIC",
		"contact":            "Kontakt",
		"credit_note":        "Gutschrift",
		"credit_note_date":   "Gutschriftsdatum",
		"credit_note_for":    "Ursprüngliche Rechnung",
		"credit_note_number": "Gutschriftsnummer",
		"credited":           "Wir haben Ihrem Kundenkonto {amount} gutgeschrieben.",
		"customer_number":    "Kundennummer",
		"date":               "Datum",
		"description":        "Beschreibung",
		"discount":           "Rabatt",
		"due_date":           "Fällig am",
		"iban":               "IBAN",
		"invoice":            "Rechnung",
		"invoice_number":     "Rechnungsnummer",
		"issue_date":         "Rechnungsdatum",
		"key_facts":          "Das Wichtigste in Kürze",
		"notice":             "Mitteilung",
		"order_reference":    "Bestellnummer",
		"page":               "Seite {page} von {pages}",
		"pay_by":             "Bitte zahlen Sie {amount} bis zum {date}.",
		"pay_with_code":      "Zahlen mit Code",
		"payment":            "Zahlungsinformationen",
		"payment_reference":  "Verwendungszweck",
		"payment_terms":      "Zahlungsbedingungen",
		"period":             "Leistungszeitraum",
		"quantity":           "Menge",
		"reference":          "Referenz",
		"registration_id":    "Handelsregister",
		"subtotal":           "Zwischensumme",
		"tax":                "MwSt. {rate}",
		"tax_rate":           "MwSt.",
		"total":              "Gesamtbetrag",
		"total_credit":       "Gutschriftsbetrag",
		"total_due":          "Zu zahlender Betrag",
		"unit":               "Einheit",
		"unit_price":         "Einzelpreis",
		"vat_id":             "USt-IdNr.",
	},
	"fr-FR": {
		"amount":             "Montant",
		"bic":                "BIC",
		"contact":            "Contact",
		"credit_note":        "Avoir",
		"credit_note_date":   "Date de l'avoir",
		"credit_note_for":    "Facture d'origine",
		"credit_note_number": "Numéro d'avoir",
		"credited":           "Nous avons crédité votre compte de {amount}.",
		"customer_number":    "Numéro client",
		"date":               "Date",
		"description":        "Désignation",
		"discount":           "Remise",
		"due_date":           "Date d'échéance",
		"iban":               "IBAN",
		"invoice":            "Facture",
		"invoice_number":     "Numéro de facture",
		"issue_date":         "Date de facture",
		"key_facts":          "L'essentiel",
		"notice":             "Avis",
		"order_reference":    "Référence de commande",
		"page":               "Page {page} sur {pages}",
		"pay_by":             "Merci de régler {amount} au plus tard le {date}.",
		"pay_with_code":      "Payer avec le code",
		"payment":            "Règlement",
		"payment_reference":  "Référence de paiement",
		"payment_terms":      "Conditions de paiement",
		"period":             "Période de facturation",
		"quantity":           "Quantité",
		"reference":          "Référence",
		"registration_id":    "N° d'immatriculation",
		// French invoices state net and gross as HT/TTC; "Sous-total" would
		// read as a translation.
		"subtotal":     "Total HT",
		"tax":          "TVA {rate}",
		"tax_rate":     "TVA",
		"total":        "Total TTC",
		"total_credit": "Montant de l'avoir",
		"total_due":    "Net à payer",
		"unit":         "Unité",
		"unit_price":   "Prix unitaire",
		"vat_id":       "N° de TVA intracommunautaire",
	},
	"nl-NL": {
		"amount":             "Bedrag",
		"bic":                "BIC",
		"contact":            "Contact",
		"credit_note":        "Creditnota",
		"credit_note_date":   "Creditnotadatum",
		"credit_note_for":    "Oorspronkelijke factuur",
		"credit_note_number": "Creditnotanummer",
		"credited":           "Wij hebben {amount} op uw klantrekening gecrediteerd.",
		"customer_number":    "Klantnummer",
		"date":               "Datum",
		"description":        "Omschrijving",
		"discount":           "Korting",
		"due_date":           "Vervaldatum",
		"iban":               "IBAN",
		"invoice":            "Factuur",
		"invoice_number":     "Factuurnummer",
		"issue_date":         "Factuurdatum",
		"key_facts":          "Het belangrijkste op een rij",
		"notice":             "Mededeling",
		"order_reference":    "Ordernummer",
		"page":               "Pagina {page} van {pages}",
		"pay_by":             "Wij verzoeken u {amount} uiterlijk {date} te betalen.",
		"pay_with_code":      "Betalen met code",
		"payment":            "Betaalgegevens",
		"payment_reference":  "Betalingskenmerk",
		"payment_terms":      "Betalingsvoorwaarden",
		"period":             "Factuurperiode",
		"quantity":           "Aantal",
		"reference":          "Kenmerk",
		"registration_id":    "KvK-nummer",
		"subtotal":           "Subtotaal",
		"tax":                "BTW {rate}",
		"tax_rate":           "BTW",
		"total":              "Totaal",
		"total_credit":       "Totaal gecrediteerd",
		"total_due":          "Te betalen",
		"unit":               "Eenheid",
		"unit_price":         "Prijs per eenheid",
		"vat_id":             "BTW-nummer",
	},
}

// informalLabels override defaultLabels for informal kits: only sentences that
// address the reader change (German du, French tu, Dutch je).
var informalLabels = map[string]map[string]string{
	"de-DE": {
		"credited": "Wir haben deinem Kundenkonto {amount} gutgeschrieben.",
		"pay_by":   "Bitte zahle {amount} bis zum {date}.",
	},
	"fr-FR": {
		"credited": "Nous avons crédité ton compte de {amount}.",
	},
	"nl-NL": {
		"credited": "We hebben {amount} op je klantrekening gecrediteerd.",
		"pay_by":   "Wil je {amount} uiterlijk {date} betalen?",
	},
}

// Person genders a Template may be conditioned on. A recipient whose gender is
// unknown has none, and is only ever greeted with unconditioned candidates.
const (
	GenderFemale = "female"
	GenderMale   = "male"
	GenderOther  = "other"
)

func neutral(text string) Template     { return Template{Text: text} }
func female(text string) Template      { return Template{Text: text, Gender: GenderFemale} }
func male(text string) Template        { return Template{Text: text, Gender: GenderMale} }
func otherGender(text string) Template { return Template{Text: text, Gender: GenderOther} }

// toneSet is one locale and formality's greetings and sign-offs by key.
type toneSet struct {
	greetings map[string][]Template
	signOffs  map[string][]Template
}

// defaultTones holds greetings and sign-offs by locale and formality. Every
// list ends with a candidate without placeholders or gender, the neutral
// fallback Validate demands of kits too.
var defaultTones = map[string]map[string]toneSet{
	"en-GB": {
		Formal: {
			greetings: map[string][]Template{"default": {
				neutral("Dear {title} {last_name},"),
				female("Dear Ms {last_name},"),
				male("Dear Mr {last_name},"),
				neutral("Dear {name},"),
				neutral("Dear customer,"),
			}},
			signOffs: map[string][]Template{"default": {neutral("Yours sincerely,")}},
		},
		Informal: {
			greetings: map[string][]Template{"default": {neutral("Hi {first_name},"), neutral("Hello,")}},
			signOffs: map[string][]Template{
				"default": {neutral("Best wishes,")},
				// Cheerful wishes jar in a letter asking for money.
				"payment_reminder": {neutral("Kind regards,")},
			},
		},
	},
	"en-US": {
		Formal: {
			greetings: map[string][]Template{"default": {
				neutral("Dear {title} {last_name},"),
				female("Dear Ms. {last_name},"),
				male("Dear Mr. {last_name},"),
				neutral("Dear {name},"),
				neutral("Dear Customer,"),
			}},
			signOffs: map[string][]Template{"default": {neutral("Sincerely,")}},
		},
		Informal: {
			greetings: map[string][]Template{"default": {neutral("Hi {first_name},"), neutral("Hello,")}},
			signOffs: map[string][]Template{
				"default":          {neutral("All the best,")},
				"payment_reminder": {neutral("Best regards,")},
			},
		},
	},
	"de-DE": {
		Formal: {
			greetings: map[string][]Template{"default": {
				female("Sehr geehrte Frau {title} {last_name},"),
				male("Sehr geehrter Herr {title} {last_name},"),
				female("Sehr geehrte Frau {last_name},"),
				male("Sehr geehrter Herr {last_name},"),
				// "Guten Tag" with the full name is the established form for
				// people who are neither Frau nor Herr.
				otherGender("Guten Tag {first_name} {last_name},"),
				neutral("Sehr geehrte Damen und Herren,"),
			}},
			// German closings take no comma.
			signOffs: map[string][]Template{"default": {neutral("Mit freundlichen Grüßen")}},
		},
		Informal: {
			greetings: map[string][]Template{"default": {neutral("Hallo {first_name},"), neutral("Hallo,")}},
			signOffs: map[string][]Template{
				"default":          {neutral("Viele Grüße")},
				"payment_reminder": {neutral("Freundliche Grüße")},
			},
		},
	},
	"fr-FR": {
		Formal: {
			// French letters address Madame/Monsieur without the name, and the
			// closing formula repeats the salutation.
			greetings: map[string][]Template{"default": {
				female("Madame,"),
				male("Monsieur,"),
				otherGender("Bonjour {first_name} {last_name},"),
				neutral("Madame, Monsieur,"),
			}},
			signOffs: map[string][]Template{"default": {
				female("Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées."),
				male("Nous vous prions d'agréer, Monsieur, l'expression de nos salutations distinguées."),
				otherGender("Nous vous prions d'agréer l'expression de nos salutations distinguées."),
				neutral("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."),
			}},
		},
		Informal: {
			greetings: map[string][]Template{"default": {neutral("Bonjour {first_name},"), neutral("Bonjour,")}},
			signOffs: map[string][]Template{
				"default":          {neutral("À bientôt,")},
				"payment_reminder": {neutral("Cordialement,")},
			},
		},
	},
	"nl-NL": {
		Formal: {
			greetings: map[string][]Template{"default": {
				female("Geachte mevrouw {last_name},"),
				male("Geachte heer {last_name},"),
				otherGender("Geachte {first_name} {last_name},"),
				neutral("Geachte heer, mevrouw,"),
			}},
			signOffs: map[string][]Template{"default": {neutral("Met vriendelijke groet,")}},
		},
		Informal: {
			greetings: map[string][]Template{"default": {neutral("Hoi {first_name},"), neutral("Hallo,")}},
			signOffs: map[string][]Template{
				"default":          {neutral("Hartelijke groet,")},
				"payment_reminder": {neutral("Met vriendelijke groet,")},
			},
		},
	},
}

// supportedLocale maps any locale to one Livery speaks: itself when supported
// (case and "_" forgiven), else the first supported locale of its language
// ("de-AT" -> "de-DE"), else en-GB. Defaults are therefore never missing, even
// for a kit that failed validation.
func supportedLocale(locale string) string {
	norm := strings.ReplaceAll(strings.TrimSpace(locale), "_", "-")
	for _, l := range Locales {
		if strings.EqualFold(l, norm) {
			return l
		}
	}
	lang, _, _ := strings.Cut(norm, "-")
	for _, l := range Locales {
		if strings.EqualFold(l[:2], lang) {
			return l
		}
	}
	return "en-GB"
}

func supportedFormality(formality string) string {
	if strings.EqualFold(strings.TrimSpace(formality), Informal) {
		return Informal
	}
	return Formal
}

// DefaultLabels returns the formal wording of every label key for locale; see
// DefaultLabelsFor. The map is a copy the caller may change.
func DefaultLabels(locale string) map[string]string {
	return DefaultLabelsFor(locale, Formal)
}

// DefaultLabelsFor returns the wording of every label key for locale and
// formality. Unsupported locales fall back to their language, then en-GB.
func DefaultLabelsFor(locale, formality string) map[string]string {
	loc := supportedLocale(locale)
	out := maps.Clone(defaultLabels[loc])
	if supportedFormality(formality) == Informal {
		maps.Copy(out, informalLabels[loc])
	}
	return out
}

// DefaultGreetings returns the greeting candidates for locale and formality by
// key, always with a "default" key. The map is a copy the caller may change.
func DefaultGreetings(locale, formality string) map[string][]Template {
	return cloneTemplates(defaultTones[supportedLocale(locale)][supportedFormality(formality)].greetings)
}

// DefaultSignOffs returns the sign-off candidates for locale and formality by
// key, always with a "default" key. The map is a copy the caller may change.
func DefaultSignOffs(locale, formality string) map[string][]Template {
	return cloneTemplates(defaultTones[supportedLocale(locale)][supportedFormality(formality)].signOffs)
}

func cloneTemplates(m map[string][]Template) map[string][]Template {
	out := make(map[string][]Template, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}

// Label returns the kit's wording for a label key: the kit's override, else
// the default for its locale and formality. An unknown key returns the key
// itself, so a typo shows up in a preview instead of leaving a blank.
func (k *Kit) Label(key string) string {
	if v, ok := k.Tone.Labels[key]; ok && v != "" {
		return v
	}
	loc := supportedLocale(k.Tone.Locale)
	if supportedFormality(k.Tone.Formality) == Informal {
		if v, ok := informalLabels[loc][key]; ok {
			return v
		}
	}
	if v, ok := defaultLabels[loc][key]; ok {
		return v
	}
	return key
}

// GreetingsFor returns the greeting candidates Greeting would choose from for
// keys (most specific first), see Greeting for the order of lookup.
func (k *Kit) GreetingsFor(keys ...string) []Template {
	lists := k.toneLists(k.Tone.Greetings, defaultTones[supportedLocale(k.Tone.Locale)][supportedFormality(k.Tone.Formality)].greetings, keys)
	if len(lists) == 0 {
		return nil
	}
	return slices.Clone(lists[0])
}

// SignOffsFor returns the sign-off candidates SignOff would choose from for
// keys (most specific first).
func (k *Kit) SignOffsFor(keys ...string) []Template {
	lists := k.toneLists(k.Tone.SignOffs, defaultTones[supportedLocale(k.Tone.Locale)][supportedFormality(k.Tone.Formality)].signOffs, keys)
	if len(lists) == 0 {
		return nil
	}
	return slices.Clone(lists[0])
}

// toneLists returns the candidate lists to try in order: the kit's lists for
// keys then "default", then the locale's for keys then "default". The kit's
// own "default" deliberately beats a locale's more specific key: a designer
// who rewrote the default greeting expects to hear the brand's voice in a
// payment reminder too, not a stock phrase.
func (k *Kit) toneLists(kit, defaults map[string][]Template, keys []string) [][]Template {
	var out [][]Template
	for _, m := range []map[string][]Template{kit, defaults} {
		for _, key := range append(slices.Clone(keys), "default") {
			if l, ok := m[key]; ok && len(l) > 0 {
				out = append(out, l)
			}
		}
	}
	return out
}

// QRBillLabels are the fixed headings of the Swiss QR-bill's receipt and
// payment part. The Swiss payment standards prescribe their wording in
// German, French, Italian and English, so a kit cannot override them.
type QRBillLabels struct {
	Receipt         string // title of the receipt
	PaymentPart     string // title of the payment part
	Account         string // "Account / Payable to"
	Reference       string
	Additional      string // "Additional information"
	Currency        string
	Amount          string
	PayableBy       string // with the debtor's name and address
	PayableByBlank  string // over an empty field for the payer to fill in
	AcceptancePoint string
}

// qrBillLabels holds the standard's wording by language.
var qrBillLabels = map[string]QRBillLabels{
	"en": {
		Receipt: "Receipt", PaymentPart: "Payment part", Account: "Account / Payable to",
		Reference: "Reference", Additional: "Additional information", Currency: "Currency",
		Amount: "Amount", PayableBy: "Payable by", PayableByBlank: "Payable by (name/address)",
		AcceptancePoint: "Acceptance point",
	},
	"de": {
		Receipt: "Empfangsschein", PaymentPart: "Zahlteil", Account: "Konto / Zahlbar an",
		Reference: "Referenz", Additional: "Zusätzliche Informationen", Currency: "Währung",
		Amount: "Betrag", PayableBy: "Zahlbar durch", PayableByBlank: "Zahlbar durch (Name/Adresse)",
		AcceptancePoint: "Annahmestelle",
	},
	"fr": {
		Receipt: "Récépissé", PaymentPart: "Section paiement", Account: "Compte / Payable à",
		Reference: "Référence", Additional: "Informations supplémentaires", Currency: "Monnaie",
		Amount: "Montant", PayableBy: "Payable par", PayableByBlank: "Payable par (nom/adresse)",
		AcceptancePoint: "Point de dépôt",
	},
}

// QRBillLabelsFor returns the QR-bill headings in the kit locale's language,
// or in English for a language the standard does not define (Dutch).
func QRBillLabelsFor(locale string) QRBillLabels {
	lang := supportedLocale(locale)[:2]
	if l, ok := qrBillLabels[lang]; ok {
		return l
	}
	return qrBillLabels["en"]
}
