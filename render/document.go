package render

// DocumentType names the kind of a document.
type DocumentType string

// The document types Livery renders.
const (
	TypeInvoice    DocumentType = "invoice"
	TypeCreditNote DocumentType = "credit_note"
	TypeNotice     DocumentType = "notice"
)

// Document is one invoice, credit note or notice for one recipient: exactly one of
// Invoice and Notice is set, matching Type.
type Document struct {
	Type    DocumentType
	Invoice *Invoice
	Notice  *Notice
}

// Address is a postal address. Lines hold street and house number (one or more);
// the other fields are optional and printed in the order the locale expects.
type Address struct {
	Lines      []string `json:"lines"`
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	Region     string   `json:"region,omitempty"`
	Country    string   `json:"country,omitempty"` // ISO 3166-1 alpha-2
}

// Party is the seller of an invoice.
type Party struct {
	Name    string   `json:"name"`
	Address *Address `json:"address,omitempty"`
	VATID   string   `json:"vat_id,omitempty"`
	TaxID   string   `json:"tax_id,omitempty"`
	IBAN    string   `json:"iban,omitempty"`
	BIC     string   `json:"bic,omitempty"`
	Email   string   `json:"email,omitempty"`
	Phone   string   `json:"phone,omitempty"`
	Website string   `json:"website,omitempty"`
}

// Recipient is the person or company a document is addressed to. Title,
// first/last name and gender are optional: greetings that need an unknown field
// are skipped in favour of a neutral one, never guessed.
type Recipient struct {
	Name           string  `json:"name"`
	Company        string  `json:"company,omitempty"`
	Title          string  `json:"title,omitempty"`
	FirstName      string  `json:"first_name,omitempty"`
	LastName       string  `json:"last_name,omitempty"`
	Gender         string  `json:"gender,omitempty"` // female, male, other; empty when unknown
	Address        Address `json:"address"`
	CustomerNumber string  `json:"customer_number,omitempty"`
	Email          string  `json:"email,omitempty"`
	VATID          string  `json:"vat_id,omitempty"`
}

// Invoice is an invoice or a credit note. Totals and tax are computed by Livery;
// StatedTotals, when the legacy system sends them, must agree with the computed ones.
type Invoice struct {
	Type           DocumentType `json:"type"`
	Number         string       `json:"number"`
	IssueDate      Date         `json:"issue_date"`
	DueDate        *Date        `json:"due_date,omitempty"`
	Currency       string       `json:"currency"`
	Seller         *Party       `json:"seller,omitempty"` // nil: the kit's identity
	Buyer          Recipient    `json:"buyer"`
	Lines          []Line       `json:"lines"`
	StatedTotals   *Totals      `json:"totals,omitempty"`
	Payment        *Payment     `json:"payment,omitempty"`
	Notes          string       `json:"notes,omitempty"` // markdown
	Period         *Period      `json:"period,omitempty"`
	OrderReference string       `json:"order_reference,omitempty"`
	CreditNoteFor  string       `json:"credit_note_for,omitempty"` // credit notes: the invoice number credited
}

// Line is one invoice line. Amounts are exact decimals.
type Line struct {
	Description string    `json:"description"`
	Quantity    Decimal   `json:"quantity"`
	Unit        string    `json:"unit,omitempty"`
	UnitPrice   Decimal   `json:"unit_price"`
	Discount    *Discount `json:"discount,omitempty"`
	TaxRate     Decimal   `json:"tax_rate"` // percent, e.g. 19 or 5.5
}

// Discount lowers a line's net amount, either by a percentage or by an amount.
type Discount struct {
	Percent *Decimal `json:"percent,omitempty"`
	Amount  *Decimal `json:"amount,omitempty"`
}

// Totals are an invoice's net, tax and gross amounts as a legacy system states them.
type Totals struct {
	Net   Decimal `json:"net"`
	Tax   Decimal `json:"tax"`
	Gross Decimal `json:"gross"`
}

// Payment holds how and when to pay.
type Payment struct {
	Terms     string `json:"terms,omitempty"`
	Reference string `json:"reference,omitempty"`
	IBAN      string `json:"iban,omitempty"` // overrides the seller's
	BIC       string `json:"bic,omitempty"`

	// CreditorReference is a structured reference the payer's bank passes on
	// unchanged: an ISO 11649 creditor reference ("RF18 5390 0754 7034") or
	// a Swiss QR reference (27 digits). Payment QR codes carry it.
	CreditorReference string `json:"creditor_reference,omitempty"`
}

// Period is the service period an invoice covers.
type Period struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
}

// Notice is a letter: a payment reminder, a policy or benefits change, a notice of
// any kind. Kind selects the kit's wording (greeting, sign-off, title).
type Notice struct {
	Type      DocumentType `json:"type"`
	Kind      string       `json:"kind"` // e.g. payment_reminder, policy_change
	Recipient Recipient    `json:"recipient"`
	Date      Date         `json:"date"`
	Subject   string       `json:"subject"`
	Reference string       `json:"reference,omitempty"`
	Body      string       `json:"body"` // markdown
	Facts     []Fact       `json:"facts,omitempty"`
	Action    *Action      `json:"action,omitempty"`
}

// Fact is one label/value row of a notice's key facts table.
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Action is a notice's call to action.
type Action struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}
