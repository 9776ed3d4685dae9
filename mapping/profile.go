package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/liveryhq/livery/render"
)

// FormatVersion is the version of the profile format this Livery reads,
// the value of a profile's livery_profile key.
const FormatVersion = 1

// Profile is a parsed, validated mapping profile: how to read one legacy
// source shape (a JSON export or a CSV billing run) as canonical documents.
// It is immutable and safe for concurrent use. See docs/mapping.md.
type Profile struct {
	// Name is the profile's name, a slug like a kit name ("sap-export").
	Name string
	// Description is free text for people.
	Description string
	// Format is the profile format version (FormatVersion).
	Format int
	// Target is the document type the profile produces (invoice,
	// credit_note or notice); an invoice profile may still choose
	// credit_note per document by mapping the type field.
	Target render.DocumentType
	// DecimalComma is the default for every decimal field: read "1.234,56"
	// (the top-level decimal_comma, or csv.decimal_comma).
	DecimalComma bool
	// CSV is set for a profile that reads CSV billing runs.
	CSV *CSVOptions

	rules []*rule
	yaml  []byte
}

// CSVOptions describe the CSV files a profile reads: one row per invoice
// line, the rows of one invoice next to each other.
type CSVOptions struct {
	// Separator between fields (default ',').
	Separator rune
	// Quote encloses fields holding separators, quotes or line breaks
	// (default '"'; 0: fields are never quoted).
	Quote rune
	// Header says the first row names the columns (default true).
	Header bool
	// Columns names the columns of a file without a header row.
	Columns []string
	// Encoding of the file: utf-8 (default), windows-1252, iso-8859-1 or
	// iso-8859-15.
	Encoding string
	// GroupBy is the column whose value (the invoice number) groups rows
	// into invoices.
	GroupBy string
	// MaxRows caps the rows of one invoice (default and most: 2000).
	MaxRows int

	decimalComma *bool // csv.decimal_comma, folded into Profile.DecimalComma
}

// YAML returns the profile file the profile was parsed from.
func (p *Profile) YAML() []byte { return slices.Clone(p.yaml) }

// Hash returns the hex SHA-256 of the profile file: what a stored version
// records and checks.
func (p *Profile) Hash() string { return Hash(p.yaml) }

// Hash returns the hex SHA-256 of a profile file.
func Hash(yaml []byte) string {
	sum := sha256.Sum256(yaml)
	return hex.EncodeToString(sum[:])
}

// rule maps one canonical field. Exactly one of val (a text, decimal or
// date), parts (a text list such as address lines), each (an object list
// read from a source list) and items (an object list written out item by
// item) is set.
type rule struct {
	target string // dotted, relative to the enclosing object: "buyer.name", "quantity"
	field  field
	at     string // where the rule is in the profile, for messages

	val   *valueRule
	parts []*valueRule

	each       *srcPath
	eachFields []*rule
	items      [][]*rule
}

// valueRule says where one value comes from and how it is converted.
type valueRule struct {
	at   string
	kind kind

	path     *srcPath
	join     []*srcPath
	sep      string
	constant *string

	def      *string
	required bool

	transforms   []transform
	table        map[string]string
	keepUnmapped bool

	date          *dateFormat
	decimalComma  *bool // nil: the profile's default
	minor         int   // minor units to shift by; -1: none
	minorCurrency bool  // shift by the document currency's minor units
}
