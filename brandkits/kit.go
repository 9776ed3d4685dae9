package brandkits

// Kit is a brand kit: everything that makes a document look and sound like a
// brand. It is loaded from a folder holding kit.yaml, logo.png or logo.jpg and
// optional fonts/*.ttf (see LoadDir and Parse).
type Kit struct {
	Name       string     `yaml:"name"` // lower-case slug, e.g. "roastery"
	Identity   Identity   `yaml:"identity"`
	Colors     Colors     `yaml:"colors"`
	Typography Typography `yaml:"typography"`
	Tone       Tone       `yaml:"tone"`
	Layout     Layout     `yaml:"layout"`
	Payment    Payment    `yaml:"payment"`

	// Assets, filled by the loader, never by kit.yaml.
	Logo  *Image            `yaml:"-"` // nil when the kit has no logo
	Fonts map[string][]byte `yaml:"-"` // kit-shipped TrueType files by file name ("Brand-Regular.ttf")

	// Ref records which stored version this is; zero for an unpublished folder.
	Ref Ref `yaml:"-"`
}

// Ref identifies one kit version: its name, number and content hash.
type Ref struct {
	Name    string
	Version int
	Hash    string // hex SHA-256 over kit.yaml and every asset
}

// Image is a logo: PNG or JPEG bytes with their pixel size.
type Image struct {
	Format string // "png" or "jpeg"
	Data   []byte
	Width  int
	Height int
}

// Identity holds the brand's names and legal details, printed in headers and footers.
type Identity struct {
	BrandName      string   `yaml:"brand_name"`
	LegalName      string   `yaml:"legal_name"`
	Address        []string `yaml:"address"` // postal address, one line each
	Country        string   `yaml:"country"` // ISO 3166-1 alpha-2
	RegistrationID string   `yaml:"registration_id"`
	VATID          string   `yaml:"vat_id"`
	Email          string   `yaml:"email"`
	Phone          string   `yaml:"phone"`
	Website        string   `yaml:"website"`
	IBAN           string   `yaml:"iban"`
	BIC            string   `yaml:"bic"`
}

// Colors are the kit's palette as #rrggbb hex strings.
type Colors struct {
	Primary    string `yaml:"primary"`
	Secondary  string `yaml:"secondary"`
	Accent     string `yaml:"accent"`
	Text       string `yaml:"text"`
	Muted      string `yaml:"muted"`
	Background string `yaml:"background"`
}

// Typography chooses fonts and sizes. A family is either one bundled with Livery
// (see package fonts, e.g. "noto-sans") or "kit:NAME" for fonts/NAME-Regular.ttf
// and fonts/NAME-Bold.ttf shipped in the kit.
type Typography struct {
	HeadingFamily string  `yaml:"heading_family"`
	BodyFamily    string  `yaml:"body_family"`
	BaseSize      float64 `yaml:"base_size"`    // body text, pt (8-14)
	HeadingSize   float64 `yaml:"heading_size"` // document title, pt
	SmallSize     float64 `yaml:"small_size"`   // footer and captions, pt
	LineHeight    float64 `yaml:"line_height"`  // multiple of the font size (1.0-2.0)
}

// Tone is the brand's voice: locale, formality and wording.
type Tone struct {
	Locale    string `yaml:"locale"`    // en-GB, en-US, de-DE, fr-FR, nl-NL
	Formality string `yaml:"formality"` // formal or informal

	// Greetings and SignOffs hold candidate templates per document type or notice
	// kind ("invoice", "credit_note", "notice", "payment_reminder", ...), with
	// "default" as the fallback key. The first candidate whose gender condition
	// holds and whose placeholders are all known is used.
	Greetings map[string][]Template `yaml:"greetings"`
	SignOffs  map[string][]Template `yaml:"sign_offs"`

	// Labels override the locale's default wording of fixed labels, by key
	// ("invoice", "due_date", "total", ...; see DefaultLabels).
	Labels map[string]string `yaml:"labels"`

	// Vocabulary replaces whole words in legacy text, matched case-insensitively
	// (e.g. "ELEC" -> "electricity"), after the casing rule ran.
	Vocabulary map[string]string `yaml:"vocabulary"`

	// FixLegacyCaps turns ALL-CAPS legacy text into sentence case (descriptions,
	// notes) and title case (names, addresses). KeepUpper lists words left as they are.
	FixLegacyCaps bool     `yaml:"fix_legacy_caps"`
	KeepUpper     []string `yaml:"keep_upper"`

	// Signature is printed under the sign-off (e.g. "Your Roastery team").
	Signature string `yaml:"signature"`
}

// Template is one greeting or sign-off candidate: Text with {placeholders} from
// the recipient (name, first_name, last_name, title, company, customer_number),
// usable only when Gender is empty or equals the recipient's stated gender.
type Template struct {
	Text   string `yaml:"text"`
	Gender string `yaml:"gender,omitempty"`
}

// Layout places things on the page.
type Layout struct {
	Paper        string  `yaml:"paper"` // A4 or Letter
	Margins      Margins `yaml:"margins"`
	Header       Header  `yaml:"header"`
	AddressBlock string  `yaml:"address_block"` // din5008a, din5008b, us10, none
	Table        Table   `yaml:"table"`
	Footer       Footer  `yaml:"footer"`
}

// Margins are page margins in millimetres.
type Margins struct {
	Top    float64 `yaml:"top"`
	Right  float64 `yaml:"right"`
	Bottom float64 `yaml:"bottom"`
	Left   float64 `yaml:"left"`
}

// Header is the top of the first page.
type Header struct {
	Style        string  `yaml:"style"`         // band (coloured band), minimal (rule), centered
	LogoPosition string  `yaml:"logo_position"` // left, right, center
	LogoWidth    float64 `yaml:"logo_width"`    // mm
}

// Table styles invoice line tables.
type Table struct {
	Zebra bool   `yaml:"zebra"` // alternate row shading
	Rules string `yaml:"rules"` // none, horizontal, grid
}

// Footer is printed at the bottom of every page.
type Footer struct {
	LegalText   string `yaml:"legal_text"` // plain text; {legal_name}, {vat_id}, ... from identity
	PageNumbers bool   `yaml:"page_numbers"`
}

// Payment sets what invoices offer the payer besides the printed payment
// details.
type Payment struct {
	// QR chooses the payment QR code of invoices: off (default), auto (by
	// currency and IBAN), epc (the GiroCode for EUR) or swiss (the Swiss
	// QR-bill for CHF and EUR). See docs/brandkits.md#payment.
	QR string `yaml:"qr"`
}
