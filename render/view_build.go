package render

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/fonts"
)

// buildView validates doc and words and formats everything the channels show.
func (r *Renderer) buildView(doc *Document) (*view, error) {
	if doc == nil {
		return nil, &ValidationError{Problems: []FieldError{{Path: "", Message: "no document"}}}
	}
	if err := r.Validate(doc); err != nil {
		return nil, err
	}
	var v *view
	var err error
	switch doc.Type {
	case TypeInvoice, TypeCreditNote:
		v, err = r.invoiceView(doc.Invoice)
	case TypeNotice:
		v, err = r.noticeView(doc.Notice)
	default:
		return nil, &ValidationError{Problems: []FieldError{{Path: "type", Message: fmt.Sprintf("unknown document type %q", doc.Type)}}}
	}
	if err != nil {
		return nil, err
	}
	if err := r.checkCoverage(v); err != nil {
		return nil, err
	}
	return v, nil
}

// Validate checks doc as Render does before drawing it: the document's own
// rules (Document.Validate) and those the kit adds, such as the limits of
// the payment QR code it asks for, every problem at once in one
// *ValidationError (errors.Is ErrInvalid). A kit-dependent problem names
// the document field to change; one with the kit itself has the empty path.
func (r *Renderer) Validate(doc *Document) error {
	ps := doc.problems()
	if doc != nil && doc.Invoice != nil && doc.Notice == nil {
		_, pay := r.paymentCode(doc.Invoice)
		ps = append(ps, pay...)
	}
	return newValidationError(ps)
}

// common fills the parts every document type shares.
func (r *Renderer) common(v *view, seller *Party) {
	kit := r.kit
	v.Lang = r.theme.loc.Tag()
	v.Brand = kit.Identity.BrandName
	legal := kit.Identity.LegalName
	addr := kit.Identity.Address
	email, phone, web, vat := kit.Identity.Email, kit.Identity.Phone, kit.Identity.Website, kit.Identity.VATID
	if seller != nil {
		legal = seller.Name
		addr = nil
		if seller.Address != nil {
			addr = r.addressLines(*seller.Address, kit.Identity.Country)
		}
		email, phone, web, vat = orDefault(seller.Email, email), orDefault(seller.Phone, phone), orDefault(seller.Website, web), orDefault(seller.VATID, vat)
	}
	v.SenderLine = strings.Join(append([]string{legal}, addr...), " · ")
	v.BrandInfo = append(v.BrandInfo, legal)
	v.BrandInfo = append(v.BrandInfo, addr...)
	for _, s := range []string{phone, email, web} {
		if s != "" {
			v.BrandInfo = append(v.BrandInfo, s)
		}
	}
	if vat != "" {
		v.BrandInfo = append(v.BrandInfo, kit.Label("vat_id")+" "+vat)
	}
	v.Footer = r.footerLines()
	if kit.Layout.Footer.PageNumbers {
		v.PageLabel = kit.Label("page")
	}
	v.Signature = kit.Tone.Signature
	v.Meta.Author = legal
	v.Meta.Creator = "Livery"
	v.Meta.Kit = kitRecord(kit.Ref, kit.Name)
}

// invoiceView words an invoice or credit note.
func (r *Renderer) invoiceView(inv *Invoice) (*view, error) {
	kit, loc := r.kit, r.theme.loc
	c, err := ComputeTotals(inv)
	if err != nil {
		return nil, err
	}
	credit := inv.Type == TypeCreditNote
	v := &view{Kind: inv.Type}
	r.common(v, inv.Seller)
	docKey, numberKey, totalKey := "invoice", "invoice_number", "total_due"
	if credit {
		docKey, numberKey, totalKey = "credit_note", "credit_note_number", "total_credit"
	}
	v.Title = kit.Label(docKey)
	v.Recipient = r.recipientLines(inv.Buyer)
	v.Info = append(v.Info, pair{kit.Label(numberKey), inv.Number})
	v.Info = append(v.Info, pair{kit.Label("issue_date"), r.date(inv.IssueDate)})
	if inv.DueDate != nil && !credit {
		v.Info = append(v.Info, pair{kit.Label("due_date"), r.date(*inv.DueDate)})
	}
	if inv.CreditNoteFor != "" {
		v.Info = append(v.Info, pair{kit.Label("credit_note_for"), inv.CreditNoteFor})
	}
	if inv.Buyer.CustomerNumber != "" {
		v.Info = append(v.Info, pair{kit.Label("customer_number"), inv.Buyer.CustomerNumber})
	}
	if inv.OrderReference != "" {
		v.Info = append(v.Info, pair{kit.Label("order_reference"), inv.OrderReference})
	}
	if inv.Period != nil {
		v.Info = append(v.Info, pair{kit.Label("period"), r.date(inv.Period.Start) + " – " + r.date(inv.Period.End)})
	}
	if inv.Buyer.VATID != "" {
		v.Info = append(v.Info, pair{kit.Label("vat_id"), inv.Buyer.VATID})
	}
	person := personOf(inv.Buyer)
	v.Greeting = kit.Greeting([]string{docKey}, person)
	v.SignOff = kit.SignOff([]string{docKey}, person)

	cur := inv.Currency
	hasDiscount := false
	for _, l := range inv.Lines {
		if l.Discount != nil {
			hasDiscount = true
		}
	}
	t := &table{Columns: []column{
		{Label: kit.Label("description"), Align: alignLeft, Width: 0.44},
		{Label: kit.Label("quantity"), Align: alignRight, Width: 0.12},
		{Label: kit.Label("unit_price"), Align: alignRight, Width: 0.16},
		{Label: kit.Label("tax_rate"), Align: alignRight, Width: 0.10},
		{Label: kit.Label("amount"), Align: alignRight, Width: 0.18},
	}}
	if hasDiscount {
		t.Columns[0].Width = 0.32
		t.Columns = append(t.Columns[:4], append([]column{{Label: kit.Label("discount"), Align: alignRight, Width: 0.12}}, t.Columns[4:]...)...)
	}
	for i, l := range inv.Lines {
		qty := loc.Number(l.Quantity.Dec())
		if l.Unit != "" {
			qty += " " + l.Unit
		}
		price := l.UnitPrice.Dec()
		row := []string{
			r.fix.FixText(l.Description),
			qty,
			loc.Money(price, cur, max(c.Digits, -int(price.Exponent()))),
			loc.Percent(l.TaxRate.Dec()),
		}
		if hasDiscount {
			d := ""
			if l.Discount != nil {
				d = "-" + loc.Money(c.Lines[i].Discount, cur, c.Digits)
				if l.Discount.Percent != nil {
					d = "-" + loc.Percent(l.Discount.Percent.Dec())
				}
			}
			row = append(row, d)
		}
		row = append(row, loc.Money(c.Lines[i].Net, cur, c.Digits))
		t.Rows = append(t.Rows, row)
	}
	v.Table = t

	v.Totals = append(v.Totals, totalRow{Label: kit.Label("subtotal"), Value: loc.Money(c.Net, cur, c.Digits)})
	for _, g := range c.TaxGroups {
		label := brandkits.Expand(kit.Label("tax"), map[string]string{"rate": loc.Percent(g.Rate)})
		v.Totals = append(v.Totals, totalRow{Label: label, Value: loc.Money(g.Tax, cur, c.Digits)})
	}
	total := loc.Money(c.Gross, cur, c.Digits)
	v.Totals = append(v.Totals, totalRow{Label: kit.Label(totalKey), Value: total, Strong: true})

	if credit {
		v.PayBy = brandkits.Expand(kit.Label("credited"), map[string]string{"amount": total})
	} else if inv.DueDate != nil {
		v.PayBy = brandkits.Expand(kit.Label("pay_by"), map[string]string{"amount": total, "date": r.date(*inv.DueDate)})
	}
	v.Payment = r.paymentPairs(inv, credit)
	if v.PayCode, err = r.payCodeView(inv); err != nil {
		return nil, err
	}
	if inv.Notes != "" {
		v.Body = r.fixBlocks(parseMarkdown(inv.Notes))
	}

	v.Meta.Title = v.Title + " " + inv.Number
	v.Meta.Subject = v.Title + " " + inv.Number + " – " + r.fix.FixName(inv.Buyer.Name)
	v.Meta.Keywords = strings.Join(nonBlank(docKey, inv.Number, inv.Buyer.CustomerNumber), ", ")
	v.Meta.Date = inv.IssueDate
	summary := v.Brand + ": " + v.Title + " " + inv.Number + "."
	if v.PayBy != "" {
		summary += " " + v.PayBy
	} else {
		summary += " " + kit.Label(totalKey) + " " + total + "."
	}
	v.Summary = truncateRunes(summary, 160)
	return v, nil
}

// paymentPairs lists where and how to pay.
func (r *Renderer) paymentPairs(inv *Invoice, credit bool) []pair {
	kit := r.kit
	iban, bic := kit.Identity.IBAN, kit.Identity.BIC
	if inv.Seller != nil && inv.Seller.IBAN != "" {
		iban, bic = inv.Seller.IBAN, inv.Seller.BIC
	}
	var terms, ref, cref string
	if p := inv.Payment; p != nil {
		if p.IBAN != "" {
			iban, bic = p.IBAN, p.BIC
		}
		terms, ref, cref = r.fix.FixText(p.Terms), p.Reference, groupRef(p.CreditorReference)
	}
	var out []pair
	if ref != "" {
		out = append(out, pair{kit.Label("payment_reference"), ref})
	}
	if cref != "" && !credit {
		out = append(out, pair{kit.Label("reference"), cref})
	}
	if iban != "" && !credit {
		out = append(out, pair{kit.Label("iban"), groupIBAN(iban)})
		if bic != "" {
			out = append(out, pair{kit.Label("bic"), bic})
		}
	}
	if terms != "" {
		out = append(out, pair{kit.Label("payment_terms"), terms})
	}
	return out
}

// noticeView words a notice.
func (r *Renderer) noticeView(n *Notice) (*view, error) {
	kit := r.kit
	v := &view{Kind: TypeNotice}
	r.common(v, nil)
	v.Title = r.fix.FixText(n.Subject)
	v.Recipient = r.recipientLines(n.Recipient)
	v.Info = append(v.Info, pair{kit.Label("date"), r.date(n.Date)})
	if n.Reference != "" {
		v.Info = append(v.Info, pair{kit.Label("reference"), n.Reference})
	}
	if n.Recipient.CustomerNumber != "" {
		v.Info = append(v.Info, pair{kit.Label("customer_number"), n.Recipient.CustomerNumber})
	}
	person := personOf(n.Recipient)
	keys := []string{n.Kind, "notice"}
	v.Greeting = kit.Greeting(keys, person)
	v.SignOff = kit.SignOff(keys, person)
	v.Body = r.fixBlocks(parseMarkdown(n.Body))
	for _, f := range n.Facts {
		v.Facts = append(v.Facts, pair{r.fix.FixText(f.Label), r.fix.FixText(f.Value)})
	}
	if n.Action != nil {
		v.Action = &link{Label: r.fix.FixText(n.Action.Label), URL: n.Action.URL}
	}
	v.Meta.Title = v.Title
	v.Meta.Subject = v.Title + " – " + r.fix.FixName(n.Recipient.Name)
	v.Meta.Keywords = strings.Join(nonBlank("notice", n.Kind, n.Reference, n.Recipient.CustomerNumber), ", ")
	v.Meta.Date = n.Date
	summary := v.Brand + ": " + v.Title
	if n.Action != nil {
		summary += " " + n.Action.URL
	}
	v.Summary = truncateRunes(summary, 160)
	return v, nil
}

// recipientLines is the postal address block: company, name, street lines,
// the city line in the country's order, and the country for mail abroad.
func (r *Renderer) recipientLines(p Recipient) []string {
	kit := r.kit
	var out []string
	if p.Company != "" {
		out = append(out, r.fix.FixName(p.Company))
	}
	if p.Name != "" {
		out = append(out, r.fix.FixName(p.Name))
	}
	return append(out, r.addressLines(p.Address, kit.Identity.Country)...)
}

// addressLines formats an address for mail sent from the home country.
func (r *Renderer) addressLines(a Address, home string) []string {
	var out []string
	for _, l := range a.Lines {
		out = append(out, r.fix.FixName(l))
	}
	city := r.fix.FixName(a.City)
	switch strings.ToUpper(a.Country) {
	case "US", "CA", "AU":
		line := city
		if a.Region != "" {
			line += ", " + a.Region
		}
		if a.PostalCode != "" {
			line += " " + a.PostalCode
		}
		out = append(out, strings.TrimSpace(line))
	case "GB", "IE":
		if city != "" {
			out = append(out, city)
		}
		if a.PostalCode != "" {
			out = append(out, a.PostalCode)
		}
	default:
		out = append(out, strings.TrimSpace(a.PostalCode+" "+city))
	}
	if a.Country != "" && !strings.EqualFold(a.Country, home) {
		out = append(out, r.countryName(a.Country))
	}
	return nonBlank(out...)
}

// countryName names a country in the kit's language, upper-case as postal
// services ask for the destination country line.
func (r *Renderer) countryName(code string) string {
	region, err := language.ParseRegion(code)
	if err != nil {
		return strings.ToUpper(code)
	}
	name := display.Regions(r.theme.loc.Lang()).Name(region)
	if name == "" {
		return strings.ToUpper(code)
	}
	return strings.ToUpper(name)
}

// footerLines is the kit's legal text, placeholders filled, one line each.
func (r *Renderer) footerLines() []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.kit.LegalText()), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// fixBlocks applies the kit's casing rule and vocabulary to markdown text runs;
// links and code stay as written.
func (r *Renderer) fixBlocks(blocks []block) []block {
	fix := func(in []inline) []inline {
		for i := range in {
			if !in[i].Code && in[i].URL == "" { // link text and code stay as written
				in[i].Text = r.fix.FixText(in[i].Text)
			}
		}
		return in
	}
	for i := range blocks {
		b := &blocks[i]
		b.Inlines = fix(b.Inlines)
		for j := range b.Items {
			b.Items[j] = fix(b.Items[j])
		}
		for j := range b.Header {
			b.Header[j] = fix(b.Header[j])
		}
		for j := range b.Rows {
			for k := range b.Rows[j] {
				b.Rows[j][k] = fix(b.Rows[j][k])
			}
		}
	}
	return blocks
}

// date formats a document date in the kit's locale.
func (r *Renderer) date(d Date) string {
	return r.theme.loc.Date(d.Year(), d.Month(), d.Day())
}

// personOf gives the kit's tone templates the recipient fields it may use.
func personOf(p Recipient) brandkits.Person {
	return brandkits.Person{
		Name: p.Name, FirstName: p.FirstName, LastName: p.LastName, Title: p.Title,
		Company: p.Company, CustomerNumber: p.CustomerNumber, Gender: p.Gender,
	}
}

// kitRecord is how a rendered document records the kit version it used.
func kitRecord(ref brandkits.Ref, name string) string {
	if ref.Version == 0 {
		if ref.Hash != "" {
			return name + " (unpublished) sha256:" + ref.Hash
		}
		return name + " (unpublished)"
	}
	return fmt.Sprintf("%s@%d sha256:%s", ref.Name, ref.Version, ref.Hash)
}

// groupIBAN prints an IBAN in groups of four, as banks print it.
func groupIBAN(iban string) string {
	s := strings.ToUpper(strings.ReplaceAll(iban, " ", ""))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// checkCoverage refuses a document with a character the kit's fonts cannot draw:
// a clear error beats a blank box on a printed invoice.
func (r *Renderer) checkCoverage(v *view) error {
	// Most documents are covered: checking their few dozen distinct runes
	// against each face is a fraction of checking every rune of every
	// string, which is left for naming what is missing, and where.
	var all runeSet
	v.eachString(all.addString)
	faces := [...]*fonts.Face{r.theme.body.RegularFace, r.theme.body.BoldFace, r.theme.heading.RegularFace, r.theme.heading.BoldFace}
	covered := true
	for _, c := range all.runes() {
		for _, f := range faces {
			covered = covered && (unicode.IsControl(c) || f.Has(c))
		}
	}
	if covered {
		return nil
	}
	var problems []FieldError
	seen := map[rune]bool{}
	check := func(s string) {
		for _, face := range []*fontFace{{r.theme.body.Name, r.theme.body}, {r.theme.heading.Name, r.theme.heading}} {
			for _, f := range [...]struct {
				style string
				miss  []rune
			}{{"Regular", face.pair.RegularFace.Missing(s)}, {"Bold", face.pair.BoldFace.Missing(s)}} {
				for _, c := range f.miss {
					if seen[c] {
						continue
					}
					seen[c] = true
					problems = append(problems, FieldError{Message: fmt.Sprintf("font %q (%s) of kit %q cannot draw %q (U+%04X) in %q", face.name, f.style, r.kit.Name, string(c), c, s)})
				}
			}
		}
	}
	v.eachString(check)
	if len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

type fontFace struct {
	name string
	pair fontPair
}

// eachString calls fn with every string the view shows, in a stable order.
func (v *view) eachString(fn func(string)) {
	for _, s := range []string{v.Title, v.Subtitle, v.SenderLine, v.Brand, v.Greeting, v.Intro, v.TaxNote, v.PayBy, v.SignOff, v.Signature, v.PageLabel} {
		fn(s)
	}
	if v.PayCode != nil {
		fn(v.PayCode.Caption)
	}
	for _, list := range [][]string{v.Recipient, v.BrandInfo, v.Footer} {
		for _, s := range list {
			fn(s)
		}
	}
	for _, list := range [][]pair{v.Info, v.Payment, v.Facts} {
		for _, p := range list {
			fn(p.Label)
			fn(p.Value)
		}
	}
	if v.Table != nil {
		for _, c := range v.Table.Columns {
			fn(c.Label)
		}
		for _, row := range v.Table.Rows {
			for _, s := range row {
				fn(s)
			}
		}
	}
	for _, t := range v.Totals {
		fn(t.Label)
		fn(t.Value)
	}
	if v.Action != nil {
		fn(v.Action.Label)
		fn(v.Action.URL)
	}
	inl := func(in []inline) {
		for _, x := range in {
			fn(x.Text)
		}
	}
	for _, b := range v.Body {
		inl(b.Inlines)
		for _, it := range b.Items {
			inl(it)
		}
		for _, h := range b.Header {
			inl(h)
		}
		for _, row := range b.Rows {
			for _, c := range row {
				inl(c)
			}
		}
	}
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// nonBlank drops empty strings.
func nonBlank(s ...string) []string {
	out := s[:0:0]
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			out = append(out, x)
		}
	}
	return out
}

// truncateRunes cuts s to at most n runes, ending with an ellipsis when cut.
func truncateRunes(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
