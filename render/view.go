package render

// view is a document with every string already worded and formatted for the kit:
// labels in the kit's language, amounts and dates in its locale, legacy casing
// fixed, greeting chosen. The PDF, HTML and text renderers draw only from a view,
// which is why the three channels always say the same thing.
type view struct {
	Kind     DocumentType
	Title    string // "Invoice", "Credit note", or the notice's subject
	Subtitle string // e.g. "Payment reminder"; may be empty
	Lang     string // BCP 47 tag of the kit's locale, e.g. "de-DE"

	Meta meta

	// Sender is the short return address printed above the window (one line).
	SenderLine string
	// Recipient is the postal address block, one line each.
	Recipient []string
	// Brand and seller details for the header (brand name, address lines, contact).
	Brand     string
	BrandInfo []string

	// Info is the label/value block beside the address (number, dates, references).
	Info []pair

	Greeting string
	// Intro is one sentence before the table (may be empty).
	Intro string

	// Invoice parts; Table is nil for notices.
	Table   *table
	Totals  []totalRow
	TaxNote string // e.g. reverse charge notice; may be empty
	Payment []pair // IBAN, BIC, reference, terms
	PayBy   string // sentence with the due date and amount, e.g. "Please pay € 12.00 by 15 November 2026."

	// PayCode is the payment QR code the kit asks for; nil without one.
	PayCode *payCode

	// Body is markdown content: notice body or invoice notes.
	Body []block
	// Facts is the notice's key facts table.
	Facts  []pair
	Action *link

	SignOff   string
	Signature string

	// Footer lines (legal text), and the page label template with {page} and {pages}.
	Footer    []string
	PageLabel string // "" when the kit turns page numbers off

	// Summary is an SMS-length (at most 160 characters) summary of the document.
	Summary string
}

// meta is PDF document metadata and HTML <meta> content.
type meta struct {
	Title    string
	Author   string
	Subject  string
	Keywords string
	Creator  string
	Date     Date   // creation date, from the document, never the clock
	Kit      string // "name@version sha256:hash", or "name (unpublished)"
}

// pair is a label and its value.
type pair struct {
	Label string
	Value string
}

// link is a labelled URL.
type link struct {
	Label string
	URL   string
}

// align is a table column's horizontal alignment.
type align int

const (
	alignLeft align = iota
	alignRight
)

// table is an invoice lines table: Columns, then one []string per row with a cell
// per column.
type table struct {
	Columns []column
	Rows    [][]string
}

// column is a table column heading with its alignment and relative width.
type column struct {
	Label string
	Align align
	Width float64 // share of the table width; the shares add up to 1
}

// totalRow is one row under the table: subtotal, a tax rate's tax, the total.
type totalRow struct {
	Label  string
	Value  string
	Strong bool // the grand total / amount due
}

// blockKind is the kind of a markdown block.
type blockKind int

const (
	blockParagraph blockKind = iota
	blockHeading
	blockList
	blockTable
	blockRule
	blockQuote
)

// block is one markdown block, parsed by goldmark and reduced to what all three
// channels can show. Raw HTML never reaches a block.
type block struct {
	Kind    blockKind
	Level   int        // heading level 1-6
	Ordered bool       // lists: numbered
	Start   int        // ordered lists: first number
	Inlines []inline   // paragraph, heading, quote
	Items   [][]inline // list items
	Header  [][]inline // table header cells
	Rows    [][][]inline
	Aligns  []align // table column alignments
}

// inline is a run of text with one style; URL is set for links.
type inline struct {
	Text   string
	Bold   bool
	Italic bool
	Code   bool
	URL    string
}
