package ubl

import (
	"errors"
	"regexp"
	"strings"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/render"
)

// Parse reads a UBL 2.1 Invoice or CreditNote and returns the canonical
// JSON of the invoice or credit note, validated by render.ParseDocument.
// Every problem is in one *mapping.Error naming the UBL path and the
// canonical field. With an error the JSON built so far is returned too (nil
// when the input is not a UBL document at all), for debugging.
func Parse(data []byte) ([]byte, error) {
	_, out, err := ParseDocument(data)
	return out, err
}

// ParseDocument is Parse returning the parsed document too, ready to render.
func ParseDocument(data []byte) (*render.Document, []byte, error) {
	root, err := parse(data)
	if err != nil {
		return nil, nil, err
	}
	r, err := newReader(root)
	if err != nil {
		return nil, nil, err
	}
	r.header()
	r.parties()
	r.payment()
	r.lines()
	r.documentCharges()
	r.totals()
	doc, out, err := r.b.Document()
	lineProblems := r.checkLineAmounts(out)
	var merr *mapping.Error
	switch {
	case err == nil && len(lineProblems) == 0:
		return doc, out, nil
	case err == nil:
		return nil, out, mapping.NewError(lineProblems)
	case errors.As(err, &merr) && len(lineProblems) > 0:
		all := append(append([]mapping.Problem(nil), merr.Problems...), lineProblems...)
		return nil, out, mapping.NewError(all)
	}
	return nil, out, err
}

// reader maps one UBL document onto a mapping.Builder.
type reader struct {
	b        *mapping.Builder
	root     node
	credit   bool
	currency string
	lineMap  []ublLine // every UBL line with the canonical lines it became
	next     int       // the next canonical line index
}

// ublLine ties a UBL line to the canonical lines made from it (the line
// and one per line charge), to check its LineExtensionAmount.
type ublLine struct {
	amount node
	first  int
	count  int
}

func newReader(root *elem) (*reader, error) {
	r := &reader{root: node{e: root, path: root.path}}
	switch {
	case root.name.Space == nsInvoice && root.name.Local == "Invoice":
		r.b = mapping.NewBuilder(render.TypeInvoice)
	case root.name.Space == nsCreditNote && root.name.Local == "CreditNote":
		r.b = mapping.NewBuilder(render.TypeCreditNote)
		r.credit = true
	case root.name.Local == "Invoice":
		return nil, mapping.Whole("the root element Invoice is in the namespace %q; a UBL 2.1 Invoice is in %q", root.name.Space, nsInvoice)
	case root.name.Local == "CreditNote":
		return nil, mapping.Whole("the root element CreditNote is in the namespace %q; a UBL 2.1 CreditNote is in %q", root.name.Space, nsCreditNote)
	default:
		return nil, mapping.Whole("the root element is %s; expected a UBL 2.1 Invoice or CreditNote", root.name.Local)
	}
	return r, nil
}

// set maps the text of n to target, recording n's path.
func (r *reader) set(target string, n node) { r.b.Set(target, n.text(), n.path) }

// date maps an xsd:date, dropping a time zone ("2026-03-02Z"), which a date
// on an invoice does not have.
func (r *reader) date(target string, n node) {
	v := n.text()
	if m := zonedDate.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	r.b.Set(target, v, n.path)
}

var zonedDate = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})$`)

// decimal maps an xsd:decimal.
func (r *reader) decimal(target string, n node) {
	r.b.Set(target, xsdDecimal(n.text()), n.path)
}

// amount maps an amount, whose currencyID must be the document's.
func (r *reader) amount(target string, n node) {
	r.checkCurrency(target, n)
	r.decimal(target, n)
}

// checkCurrency reports an amount in another currency than the document's.
func (r *reader) checkCurrency(target string, n node) {
	cur, at := n.attr("currencyID")
	if n.ok() && cur != "" && r.currency != "" && cur != r.currency {
		r.b.Report(at, target, "amount in "+cur+", but the DocumentCurrencyCode is "+r.currency)
	}
}

var xsdDecimalRE = regexp.MustCompile(`^([+-]?)([0-9]*)(\.([0-9]*))?$`)

// xsdDecimal writes an xsd:decimal ("+1.5", ".5", "5.") the way Livery
// reads decimals; anything else is left for validation to report.
func xsdDecimal(s string) string {
	m := xsdDecimalRE.FindStringSubmatch(s)
	if m == nil || m[2]+m[4] == "" {
		return s
	}
	out := m[2]
	if out == "" {
		out = "0"
	}
	if m[4] != "" {
		out += "." + m[4]
	}
	if m[1] == "-" {
		out = "-" + out
	}
	return out
}

// header maps the document's own fields.
func (r *reader) header() {
	root := r.root
	r.set("number", root.get(cbc("ID")))
	r.date("issue_date", root.get(cbc("IssueDate")))
	if r.credit {
		r.date("due_date", root.get(cac("PaymentMeans"), cbc("PaymentDueDate")))
	} else {
		r.date("due_date", root.get(cbc("DueDate")))
	}
	cur := root.get(cbc("DocumentCurrencyCode"))
	r.currency = cur.text()
	r.set("currency", cur)
	r.notes(root.all(cbc("Note")))
	if p := root.get(cac("InvoicePeriod")); p.get(cbc("StartDate")).ok() && p.get(cbc("EndDate")).ok() {
		r.date("period.start", p.get(cbc("StartDate")))
		r.date("period.end", p.get(cbc("EndDate")))
	}
	r.set("order_reference", root.get(cac("OrderReference"), cbc("ID")))
	if r.credit {
		r.set("credit_note_for", root.get(cac("BillingReference"), cac("InvoiceDocumentReference"), cbc("ID")))
	}
}

// subjectCode is the "#AAI#" prefix EN 16931 puts before a note's text to
// give its subject.
var subjectCode = regexp.MustCompile(`^#[A-Z]{3}#`)

// notes joins the document notes as paragraphs of the markdown notes field,
// escaped so that text such as "*" or "#1" prints as written.
func (r *reader) notes(ns []node) {
	if len(ns) == 0 {
		return
	}
	var parts []string
	for _, n := range ns {
		if t := strings.TrimSpace(subjectCode.ReplaceAllString(n.text(), "")); t != "" {
			parts = append(parts, escapeMarkdown(t))
		}
	}
	r.b.Set("notes", strings.Join(parts, "\n\n"), ns[0].path)
}

// markdownSpecial are the characters markdown could read as markup.
var markdownSpecial = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`, "~", `\~`,
)

// escapeMarkdown makes plain text print as it is in a markdown field: the
// markup characters are escaped, and a line that would start a list gets
// its marker escaped.
func escapeMarkdown(s string) string {
	lines := strings.Split(markdownSpecial.Replace(s), "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		switch {
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "+ "):
			lines[i] = l[:len(l)-len(t)] + `\` + t
		case orderedMarker.MatchString(t):
			j := strings.IndexAny(t, ".)")
			lines[i] = l[:len(l)-len(t)] + t[:j] + `\` + t[j:]
		}
	}
	return strings.Join(lines, "\n")
}

var orderedMarker = regexp.MustCompile(`^[0-9]{1,9}[.)]( |$)`)
