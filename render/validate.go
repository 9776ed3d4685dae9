package render

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
)

// Length limits in characters (runes), the same as the maxLength values of
// schema/document.schema.json (a test keeps the two in step). They bound
// what a renderer must lay out, so a 10 MB name is an error, not a
// 4000-page PDF.
const (
	maxIDLen          = 100 // numbers, references, customer numbers
	maxNameLen        = 200 // names of people and companies
	maxTitleLen       = 50  // honorific titles
	maxGivenNameLen   = 100 // first and last names
	maxTaxIDLen       = 50  // VAT and tax numbers
	maxIBANLen        = 42  // 34 characters plus grouping spaces
	maxBICLen         = 11
	maxEmailLen       = 254 // RFC 5321 path limit
	maxPhoneLen       = 50
	maxWebsiteLen     = 200
	maxAddressLineLen = 200
	maxPostalCodeLen  = 20
	maxPlaceLen       = 100 // city, region
	maxDescriptionLen = 500 // line descriptions, fact values, payment terms
	maxUnitLen        = 50
	maxRemittanceLen  = 140   // SEPA remittance information
	maxCreditorRefLen = 35    // SEPA structured remittance: an RF reference or a QR reference with spaces
	maxLongTextLen    = 20000 // markdown notes and bodies
	maxKindLen        = 50
	maxSubjectLen     = 200
	maxLabelLen       = 100 // fact and action labels
	maxURLLen         = 2000

	maxAddressLines = 5
	maxLines        = 2000
	maxFacts        = 50
)

// Validate checks d and returns a *ValidationError (errors.Is ErrInvalid)
// listing every problem, or nil. ParseDocument calls it; call it yourself
// for a Document built in Go. It checks what the JSON Schema checks (required
// fields, lengths, list sizes) and what it cannot: decimals and dates parse,
// the currency exists, amounts respect its minor unit, quantities, prices,
// rates and discounts are in range, due date and period are in order, IBAN
// check digits, action URLs, and that stated totals equal the computed ones.
func (d *Document) Validate() error {
	return newValidationError(d.problems())
}

func (d *Document) problems() []FieldError {
	c := &checker{}
	switch {
	case d == nil:
		c.add("", "no document")
	case d.Invoice != nil && d.Notice != nil:
		c.add("", "both Invoice and Notice are set; set the one matching Type")
	case d.Invoice != nil:
		if c.invoice(d.Invoice) && d.Type != d.Invoice.Type {
			c.add("type", fmt.Sprintf("Document.Type %s does not match Invoice.Type %s", quoted(string(d.Type)), quoted(string(d.Invoice.Type))))
		}
	case d.Notice != nil:
		if c.notice(d.Notice) && d.Type != d.Notice.Type {
			c.add("type", fmt.Sprintf("Document.Type %s does not match Notice.Type %s", quoted(string(d.Type)), quoted(string(d.Notice.Type))))
		}
	default:
		c.add("", "neither Invoice nor Notice is set")
	}
	return c.ps
}

// checker collects problems; every check adds to it and carries on, so one
// pass reports everything.
type checker struct{ ps []FieldError }

func (c *checker) add(path, msg string) {
	c.ps = append(c.ps, FieldError{Path: path, Message: msg})
}

// Messages shared with the schema error mapping, so a problem reads the same
// whichever check finds it.
func msgRequired() string { return "required" }
func msgTooLong(got, max int) string {
	return fmt.Sprintf("too long: %d characters, at most %d", got, max)
}
func msgTooFewItems(min int) string {
	if min == 1 {
		return "must have at least 1 item"
	}
	return fmt.Sprintf("must have at least %d items", min)
}
func msgTooManyItems(got, max int) string {
	return fmt.Sprintf("too many items: %d, at most %d", got, max)
}
func msgNotCurrency(s string) string {
	return quoted(s) + " is not an ISO 4217 currency code (e.g. EUR)"
}
func msgNotCountry(s string) string {
	return quoted(s) + " is not an ISO 3166-1 alpha-2 country code (e.g. DE)"
}
func msgNotIBAN(s string) string { return quoted(s) + " is not an IBAN" }
func msgNotBIC(s string) string  { return quoted(s) + " is not a BIC (8 or 11 letters and digits)" }
func msgNotKind(s string) string {
	return quoted(s) + " is not a kind: use lower-case letters, digits and underscores, starting with a letter (e.g. payment_reminder)"
}

// textKind says which characters a string field may contain.
type textKind int

const (
	singleLine textKind = iota // no control characters at all
	multiLine                  // markdown: newlines and tabs allowed
)

// text checks a string field: present if required, valid UTF-8 (a Go caller
// can build any string), within max characters and free of control
// characters that would corrupt a PDF or a text message.
func (c *checker) text(path, s string, max int, required bool, k textKind) {
	if strings.TrimSpace(s) == "" {
		if required {
			c.add(path, msgRequired())
		}
		return
	}
	if !utf8.ValidString(s) {
		c.add(path, "is not valid UTF-8")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.add(path, msgTooLong(n, max))
		return
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			if k == multiLine && (r == '\n' || r == '\r' || r == '\t') {
				continue
			}
			c.add(path, fmt.Sprintf("must not contain control characters (found U+%04X)", r))
			return
		}
	}
}

// decimal checks that x is given (when required) and parsed; it reports
// whether x can be used.
func (c *checker) decimal(path string, x Decimal, required bool) bool {
	if !x.IsSet() {
		if required {
			c.add(path, msgRequired())
		}
		return false
	}
	if !x.Valid() {
		c.add(path, x.problem())
		return false
	}
	return true
}

// date checks that x is given (when required) and a real date; it reports
// whether x can be used.
func (c *checker) date(path string, x Date, required bool) bool {
	if x.IsZero() {
		if required {
			c.add(path, msgRequired())
		}
		return false
	}
	if !x.Valid() {
		c.add(path, x.problem())
		return false
	}
	return true
}

// currency checks an invoice currency and returns its minor-unit digits.
func (c *checker) currency(path, code string) (int, bool) {
	if code == "" {
		c.add(path, msgRequired())
		return 0, false
	}
	digits, msg := currencyDigits(code)
	if msg != "" {
		c.add(path, msg)
		return 0, false
	}
	return digits, true
}

// amount checks that a money amount has no more decimal places than the
// currency's minor unit: a stated total of 10.005 EUR cannot be right.
func (c *checker) amount(path string, x Decimal, digits int, cur string) bool {
	if f := x.FractionDigits(); f > digits {
		c.add(path, fmt.Sprintf("%s has %d decimal places but %s amounts have at most %d", quoted(x.String()), f, cur, digits))
		return false
	}
	return true
}

// invoice checks inv and reports whether its type is valid.
func (c *checker) invoice(inv *Invoice) (typeOK bool) {
	switch inv.Type {
	case TypeInvoice, TypeCreditNote:
		typeOK = true
	default:
		c.add("type", `must be one of "invoice", "credit_note" (got `+quoted(string(inv.Type))+")")
	}
	c.text("number", inv.Number, maxIDLen, true, singleLine)
	issueOK := c.date("issue_date", inv.IssueDate, true)
	if inv.DueDate != nil && c.date("due_date", *inv.DueDate, false) && issueOK && inv.DueDate.Before(inv.IssueDate) {
		c.add("due_date", fmt.Sprintf("%s is before issue_date %s", inv.DueDate, inv.IssueDate))
	}
	digits, curOK := c.currency("currency", inv.Currency)
	if inv.Seller != nil {
		c.party("seller", inv.Seller)
	}
	c.recipient("buyer", &inv.Buyer)
	before := len(c.ps)
	c.lines(inv.Lines, inv.Currency, digits, curOK)
	linesOK := curOK && len(c.ps) == before
	if inv.StatedTotals != nil {
		c.totals(inv, digits, curOK, linesOK)
	}
	if p := inv.Payment; p != nil {
		c.text("payment.terms", p.Terms, maxDescriptionLen, false, singleLine)
		c.text("payment.reference", p.Reference, maxRemittanceLen, false, singleLine)
		c.iban("payment.iban", p.IBAN)
		c.bic("payment.bic", p.BIC)
		c.creditorReference(inv)
	}
	c.text("notes", inv.Notes, maxLongTextLen, false, multiLine)
	if p := inv.Period; p != nil {
		startOK := c.date("period.start", p.Start, true)
		if c.date("period.end", p.End, true) && startOK && p.End.Before(p.Start) {
			c.add("period.end", fmt.Sprintf("%s is before period.start %s", p.End, p.Start))
		}
	}
	c.text("order_reference", inv.OrderReference, maxIDLen, false, singleLine)
	switch {
	case inv.Type == TypeCreditNote:
		c.text("credit_note_for", inv.CreditNoteFor, maxIDLen, true, singleLine)
	case inv.CreditNoteFor != "":
		c.add("credit_note_for", "only a credit note refers to a credited invoice")
	}
	return typeOK
}

// lines checks the invoice lines; digits is the minor unit of currency cur
// when curOK, needed for the discount checks.
func (c *checker) lines(lines []Line, cur string, digits int, curOK bool) {
	switch {
	case len(lines) == 0:
		c.add("lines", msgTooFewItems(1))
		return
	case len(lines) > maxLines:
		// Checking a million lines one by one would only bury this message.
		c.add("lines", msgTooManyItems(len(lines), maxLines))
		return
	}
	zero, hundred := decimal.Zero, decimal.NewFromInt(100)
	for i, l := range lines {
		p := joinIndex("lines", i)
		c.text(p+".description", l.Description, maxDescriptionLen, true, singleLine)
		c.text(p+".unit", l.Unit, maxUnitLen, false, singleLine)
		qtyOK := c.decimal(p+".quantity", l.Quantity, true)
		if qtyOK && !l.Quantity.Dec().GreaterThan(zero) {
			c.add(p+".quantity", fmt.Sprintf("must be greater than 0 (got %s)", l.Quantity))
			qtyOK = false
		}
		priceOK := c.decimal(p+".unit_price", l.UnitPrice, true)
		if priceOK && l.UnitPrice.Dec().LessThan(zero) {
			c.add(p+".unit_price", fmt.Sprintf("must not be negative (got %s)", l.UnitPrice))
			priceOK = false
		}
		if c.decimal(p+".tax_rate", l.TaxRate, true) {
			if r := l.TaxRate.Dec(); r.LessThan(zero) || r.GreaterThan(hundred) {
				c.add(p+".tax_rate", fmt.Sprintf("must be between 0 and 100 (got %s)", l.TaxRate))
			}
		}
		if l.Discount == nil {
			continue
		}
		dp := p + ".discount"
		pct, amt := given(l.Discount.Percent), given(l.Discount.Amount)
		switch {
		case pct && amt:
			c.add(dp, "give either percent or amount, not both")
		case !pct && !amt:
			c.add(dp, "give percent or amount")
		case pct:
			if c.decimal(dp+".percent", *l.Discount.Percent, true) {
				if v := l.Discount.Percent.Dec(); v.LessThan(zero) || v.GreaterThan(hundred) {
					c.add(dp+".percent", fmt.Sprintf("must be between 0 and 100 (got %s)", l.Discount.Percent))
				}
			}
		case amt:
			a := *l.Discount.Amount
			if !c.decimal(dp+".amount", a, true) {
				break
			}
			if a.Dec().LessThan(zero) {
				c.add(dp+".amount", fmt.Sprintf("must not be negative (got %s)", a))
				break
			}
			if !curOK || !c.amount(dp+".amount", a, digits, cur) {
				break
			}
			if qtyOK && priceOK {
				if la := lineAmount(Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice}, int32(digits)); a.Dec().GreaterThan(la.Amount) {
					c.add(dp+".amount", fmt.Sprintf("%s is more than the line amount %s", a, la.Amount.StringFixed(int32(digits))))
				}
			}
		}
	}
}

// totals checks stated totals and, when the lines could be computed,
// compares them with the computation.
func (c *checker) totals(inv *Invoice, digits int, curOK, linesOK bool) {
	t := inv.StatedTotals
	stated := []struct {
		name string
		x    Decimal
	}{{"net", t.Net}, {"tax", t.Tax}, {"gross", t.Gross}}
	allOK := true
	for _, s := range stated {
		p := "totals." + s.name
		ok := c.decimal(p, s.x, true)
		if ok && curOK {
			ok = c.amount(p, s.x, digits, inv.Currency)
		}
		allOK = allOK && ok
	}
	if !allOK || !linesOK {
		// Comparing against a computation from broken lines would only add noise.
		return
	}
	comp := computeTotals(inv.Lines, digits)
	computed := []decimal.Decimal{comp.Net, comp.Tax, comp.Gross}
	for i, s := range stated {
		if !s.x.Dec().Equal(computed[i]) {
			c.add("totals."+s.name, fmt.Sprintf("stated %s but lines add up to %s", s.x, computed[i].StringFixed(int32(digits))))
		}
	}
}

func (c *checker) party(path string, p *Party) {
	c.text(path+".name", p.Name, maxNameLen, true, singleLine)
	if p.Address != nil {
		c.address(path+".address", p.Address)
	}
	c.text(path+".vat_id", p.VATID, maxTaxIDLen, false, singleLine)
	c.text(path+".tax_id", p.TaxID, maxTaxIDLen, false, singleLine)
	c.iban(path+".iban", p.IBAN)
	c.bic(path+".bic", p.BIC)
	c.email(path+".email", p.Email)
	c.text(path+".phone", p.Phone, maxPhoneLen, false, singleLine)
	c.website(path+".website", p.Website)
}

func (c *checker) recipient(path string, r *Recipient) {
	c.text(path+".name", r.Name, maxNameLen, true, singleLine)
	c.text(path+".company", r.Company, maxNameLen, false, singleLine)
	c.text(path+".title", r.Title, maxTitleLen, false, singleLine)
	c.text(path+".first_name", r.FirstName, maxGivenNameLen, false, singleLine)
	c.text(path+".last_name", r.LastName, maxGivenNameLen, false, singleLine)
	switch r.Gender {
	case "", "female", "male", "other":
	default:
		c.add(path+".gender", `must be one of "female", "male", "other", "" (got `+quoted(r.Gender)+")")
	}
	c.address(path+".address", &r.Address)
	c.text(path+".customer_number", r.CustomerNumber, maxIDLen, false, singleLine)
	c.email(path+".email", r.Email)
	c.text(path+".vat_id", r.VATID, maxTaxIDLen, false, singleLine)
}

func (c *checker) address(path string, a *Address) {
	switch {
	case len(a.Lines) == 0:
		c.add(path+".lines", msgTooFewItems(1))
	case len(a.Lines) > maxAddressLines:
		c.add(path+".lines", msgTooManyItems(len(a.Lines), maxAddressLines))
	default:
		for i, l := range a.Lines {
			c.text(joinIndex(path+".lines", i), l, maxAddressLineLen, true, singleLine)
		}
	}
	c.text(path+".postal_code", a.PostalCode, maxPostalCodeLen, false, singleLine)
	c.text(path+".city", a.City, maxPlaceLen, false, singleLine)
	c.text(path+".region", a.Region, maxPlaceLen, false, singleLine)
	if a.Country != "" {
		if r, err := language.ParseRegion(a.Country); len(a.Country) != 2 || !isUpperASCII(a.Country) || err != nil || !r.IsCountry() {
			c.add(path+".country", msgNotCountry(a.Country))
		}
	}
}

var bicPattern = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

func (c *checker) bic(path, s string) {
	if s != "" && !bicPattern.MatchString(s) {
		c.add(path, msgNotBIC(s))
	}
}

var ibanPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,38}$`)

// iban checks the form and the ISO 13616 mod-97 check digits, which catch
// every single typo and most swaps: a wrong IBAN on an invoice sends money
// nowhere.
func (c *checker) iban(path, s string) {
	if s == "" {
		return
	}
	if len(s) > maxIBANLen {
		c.add(path, msgTooLong(utf8.RuneCountInString(s), maxIBANLen))
		return
	}
	compact := strings.ReplaceAll(s, " ", "")
	if !ibanPattern.MatchString(s) || len(compact) < 15 || len(compact) > 34 {
		c.add(path, msgNotIBAN(s))
		return
	}
	if !ibanChecksumOK(compact) {
		c.add(path, quoted(s)+" is not a valid IBAN: the check digits do not match")
	}
}

// ibanChecksumOK computes the remainder digit by digit so no big number is
// needed; letters count as 10 to 35.
func ibanChecksumOK(compact string) bool {
	rearranged := compact[4:] + compact[:4]
	rem := 0
	for i := 0; i < len(rearranged); i++ {
		ch := rearranged[i]
		if ch >= '0' && ch <= '9' {
			rem = (rem*10 + int(ch-'0')) % 97
		} else {
			rem = (rem*100 + int(ch-'A') + 10) % 97
		}
	}
	return rem == 1
}

func (c *checker) email(path, s string) {
	if s == "" {
		return
	}
	if n := utf8.RuneCountInString(s); n > maxEmailLen {
		c.add(path, msgTooLong(n, maxEmailLen))
		return
	}
	// A bare address only: "Name <a@b>" would print oddly and mail.ParseAddress
	// accepts it.
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" {
		c.add(path, quoted(s)+" is not an email address")
	}
}

// website accepts "www.example.com" as people write it, but a value with a
// scheme must be http(s): renderers turn it into a link.
func (c *checker) website(path, s string) {
	before := len(c.ps)
	c.text(path, s, maxWebsiteLen, false, singleLine)
	if len(c.ps) > before || !strings.Contains(s, ":") {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.add(path, quoted(s)+" is not a web address (e.g. www.example.com or https://example.com)")
	}
}

// actionURL allows only schemes that are safe to put behind a button:
// javascript: or data: in an HTML email would be an attack.
func (c *checker) actionURL(path, s string) {
	before := len(c.ps)
	c.text(path, s, maxURLLen, true, singleLine)
	if len(c.ps) > before {
		return
	}
	u, err := url.Parse(s)
	if err != nil {
		c.add(path, quoted(s)+" is not a URL")
		return
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
		if u.Host == "" {
			c.add(path, quoted(s)+" is not a URL: it has no host")
		}
	case "mailto":
		if !strings.Contains(u.Opaque, "@") {
			c.add(path, quoted(s)+" is not a mailto: URL with an address")
		}
	default:
		c.add(path, "must be an https://, http:// or mailto: URL (got "+quoted(s)+")")
	}
}

var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// notice checks n and reports whether its type is valid.
func (c *checker) notice(n *Notice) (typeOK bool) {
	typeOK = n.Type == TypeNotice
	if !typeOK {
		c.add("type", `must be "notice" (got `+quoted(string(n.Type))+")")
	}
	before := len(c.ps)
	c.text("kind", n.Kind, maxKindLen, true, singleLine)
	if len(c.ps) == before && !kindPattern.MatchString(n.Kind) {
		c.add("kind", msgNotKind(n.Kind))
	}
	c.recipient("recipient", &n.Recipient)
	c.date("date", n.Date, true)
	c.text("subject", n.Subject, maxSubjectLen, true, singleLine)
	c.text("reference", n.Reference, maxIDLen, false, singleLine)
	c.text("body", n.Body, maxLongTextLen, true, multiLine)
	if len(n.Facts) > maxFacts {
		c.add("facts", msgTooManyItems(len(n.Facts), maxFacts))
	} else {
		for i, f := range n.Facts {
			p := joinIndex("facts", i)
			c.text(p+".label", f.Label, maxLabelLen, true, singleLine)
			c.text(p+".value", f.Value, maxDescriptionLen, true, singleLine)
		}
	}
	if a := n.Action; a != nil {
		c.text("action.label", a.Label, maxLabelLen, true, singleLine)
		c.actionURL("action.url", a.URL)
	}
	return typeOK
}
