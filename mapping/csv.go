package mapping

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/render"
)

// Limits of one invoice in a CSV billing run: its rows (the canonical limit
// on lines) and the bytes of their fields (the canonical limit on a
// document), so the reader holds at most one invoice of bounded size.
const (
	maxCSVRows         = 2000
	maxCSVInvoiceBytes = render.MaxDocumentSize
)

// CSVDocument is one invoice of a CSV billing run: the rows that share one
// invoice number, mapped and validated. Err is set when this invoice cannot
// be rendered; the run goes on with the next one.
type CSVDocument struct {
	// Number is the value of the group_by column: the invoice number.
	Number string
	// FirstRow and LastRow are the invoice's rows, counting the header as
	// row 1, as a spreadsheet shows them.
	FirstRow, LastRow int
	// Document is the validated document; nil with Err.
	Document *render.Document
	// JSON is the canonical JSON, also with most errors, for debugging.
	JSON []byte
	// Err is an *Error (errors.Is ErrInvalid) naming rows and columns:
	// "row 17, column qty -> lines[2].quantity: not a number: \"3,5x\"".
	Err error
}

// Rows describes the invoice's rows for messages: "row 4" or "rows 4-9".
func (d *CSVDocument) Rows() string {
	if d.FirstRow == d.LastRow {
		return "row " + strconv.Itoa(d.FirstRow)
	}
	return "rows " + strconv.Itoa(d.FirstRow) + "-" + strconv.Itoa(d.LastRow)
}

// CSVReader reads a CSV billing run one invoice at a time. It is not safe
// for concurrent use.
type CSVReader struct {
	p       *Profile
	rr      *recordReader
	columns []string
	group   int // index of the group_by column
	started bool
	pending *csvRecord
	seen    map[uint64]int // hash of each invoice number read -> its first row
	seed    maphash.Seed
	err     error // sticky: the run cannot go on
}

// NewCSVReader starts reading a CSV billing run from r with a CSV profile.
// The header is read with the first call to Next.
func (p *Profile) NewCSVReader(r io.Reader) (*CSVReader, error) {
	if p.CSV == nil {
		return nil, fmt.Errorf("profile %s has no csv section: it maps JSON documents", p.Name)
	}
	return &CSVReader{p: p, rr: newRecordReader(r, p.CSV), seen: map[uint64]int{}, seed: maphash.MakeSeed()}, nil
}

// ReadCSV iterates over the invoices of a CSV billing run. Each invoice
// comes with a nil error, its own problems in CSVDocument.Err; a non-nil
// error (the file cannot be read, a header column is missing, a row is too
// long to find the next) ends the run.
func (p *Profile) ReadCSV(r io.Reader) iter.Seq2[*CSVDocument, error] {
	return func(yield func(*CSVDocument, error) bool) {
		c, err := p.NewCSVReader(r)
		if err != nil {
			yield(nil, err)
			return
		}
		for {
			d, err := c.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(d, err) || err != nil {
				return
			}
		}
	}
}

// Next returns the next invoice, or io.EOF after the last one. Any other
// error ends the run and is returned again by every later call.
func (c *CSVReader) Next() (*CSVDocument, error) {
	if c.err != nil {
		return nil, c.err
	}
	d, err := c.next()
	if err != nil {
		c.err = err
	}
	return d, err
}

func (c *CSVReader) next() (*CSVDocument, error) {
	if !c.started {
		c.started = true
		if err := c.header(); err != nil {
			return nil, err
		}
	}
	first := c.pending
	c.pending = nil
	if first == nil {
		var err error
		if first, err = c.record(); err != nil {
			return nil, err
		}
	}
	key := c.key(first)
	rows := []*csvRecord{first}
	d := &CSVDocument{Number: key, FirstRow: first.row, LastRow: first.row}
	var problems []Problem
	if key == "" {
		// Without a number the row belongs to no invoice: it fails alone.
		d.Err = NewError([]Problem{{Source: c.cell(first.row, c.p.CSV.GroupBy), Message: "empty: every row needs an invoice number"}})
		return d, nil
	}
	size, tooMany := first.size, false
	for {
		rec, err := c.record()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if c.key(rec) != key {
			c.pending = rec
			break
		}
		d.LastRow = rec.row
		switch {
		case tooMany:
		case len(rows) == c.p.CSV.MaxRows:
			// The rest of the invoice is read, to find the next one, but
			// not kept.
			tooMany = true
			problems = append(problems, Problem{Source: "row " + strconv.Itoa(rec.row), Message: fmt.Sprintf("invoice %s has more than %d rows (csv.max_rows)", quote(key), c.p.CSV.MaxRows)})
		case size+rec.size > maxCSVInvoiceBytes:
			if size <= maxCSVInvoiceBytes {
				problems = append(problems, Problem{Source: "row " + strconv.Itoa(rec.row), Message: fmt.Sprintf("invoice %s is larger than %d bytes", quote(key), maxCSVInvoiceBytes)})
			}
			size = maxCSVInvoiceBytes + 1
		default:
			size += rec.size
			rows = append(rows, rec)
		}
	}
	h := maphash.String(c.seed, key)
	if at, ok := c.seen[h]; ok {
		d.Err = NewError([]Problem{{Source: c.cell(first.row, c.p.CSV.GroupBy), Message: fmt.Sprintf("invoice %s appeared before at row %d: the rows of one invoice must be next to each other", quote(key), at)}})
		return d, nil
	}
	c.seen[h] = first.row
	if len(problems) > 0 {
		d.Err = NewError(problems)
		return d, nil
	}
	d.Document, d.JSON, d.Err = c.mapRows(rows)
	return d, nil
}

// header reads the header row, or takes csv.columns, and checks that every
// column the profile reads is there.
func (c *CSVReader) header() error {
	o := c.p.CSV
	if !o.Header {
		c.columns = o.Columns
	} else {
		rec, err := c.record()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("the CSV file is empty: expected a header row")
		}
		if err != nil {
			return err
		}
		if rec.problem != "" {
			return fmt.Errorf("header (row %d): %s", rec.row, rec.problem)
		}
		for _, f := range rec.fields {
			c.columns = append(c.columns, strings.TrimSpace(f))
		}
	}
	var missing []string
	for _, name := range c.p.columnsUsed() {
		n := 0
		for _, col := range c.columns {
			if col == name {
				n++
			}
		}
		switch {
		case n == 0:
			missing = append(missing, quote(name))
		case n > 1:
			return fmt.Errorf("the header names column %s %d times", quote(name), n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the header has no column %s (it has: %s)", strings.Join(missing, ", "), strings.Join(c.columns, ", "))
	}
	c.group = slices.Index(c.columns, o.GroupBy)
	return nil
}

// record returns the next row that is not blank.
func (c *CSVReader) record() (*csvRecord, error) {
	for {
		rec, err := c.rr.read()
		if err != nil || !rec.blank() {
			return rec, err
		}
	}
}

// key is a row's invoice number.
func (c *CSVReader) key(rec *csvRecord) string {
	i := c.group
	if i < 0 || i >= len(rec.fields) {
		return ""
	}
	return strings.TrimSpace(rec.fields[i])
}

func (c *CSVReader) cell(row int, column string) string {
	return "row " + strconv.Itoa(row) + ", column " + column
}

// mapRows maps the rows of one invoice. The profile sees them as one
// source object: every column of the first row by name, and every row
// under "rows", which the lines' each reads.
func (c *CSVReader) mapRows(rows []*csvRecord) (*render.Document, []byte, error) {
	rowObj := func(rec *csvRecord) map[string]any {
		m := make(map[string]any, len(c.columns))
		for i, col := range c.columns {
			if i < len(rec.fields) && col != csvRows {
				m[col] = rec.fields[i]
			}
		}
		return m
	}
	root := rowObj(rows[0])
	list := make([]any, len(rows))
	for i, r := range rows {
		list[i] = rowObj(r)
	}
	root[csvRows] = list
	format := func(l loc) string {
		switch {
		case len(l) == 0:
			return c.rowSpan(rows)
		case l[0].key != csvRows:
			return c.cell(rows[0].row, l[0].key)
		case len(l) == 1:
			return c.rowSpan(rows)
		case l[1].index >= len(rows):
			return "row ?"
		case len(l) == 2:
			return "row " + strconv.Itoa(rows[l[1].index].row)
		}
		return c.cell(rows[l[1].index].row, l[2].key)
	}
	b := c.p.build(root, format)
	for _, r := range rows {
		if r.problem != "" {
			b.Problem("row "+strconv.Itoa(r.row), "", r.problem)
		}
		if len(r.fields) != len(c.columns) {
			b.Problem("row "+strconv.Itoa(r.row), "", fmt.Sprintf("%d fields, but the header has %d columns", len(r.fields), len(c.columns)))
		}
	}
	return b.Document()
}

func (c *CSVReader) rowSpan(rows []*csvRecord) string {
	first, last := rows[0].row, rows[len(rows)-1].row
	if first == last {
		return "row " + strconv.Itoa(first)
	}
	return "rows " + strconv.Itoa(first) + "-" + strconv.Itoa(last)
}

// columnsUsed lists every column the profile reads, group_by included.
func (p *Profile) columnsUsed() []string {
	set := map[string]bool{p.CSV.GroupBy: true}
	var walk func(rs []*rule)
	addPath := func(sp *srcPath) {
		if sp != nil && len(sp.steps) == 1 && sp.steps[0].key != "" && sp.steps[0].key != csvRows {
			set[sp.steps[0].key] = true
		}
	}
	addValue := func(v *valueRule) {
		if v == nil {
			return
		}
		addPath(v.path)
		for _, j := range v.join {
			addPath(j)
		}
	}
	walk = func(rs []*rule) {
		for _, r := range rs {
			addValue(r.val)
			for _, part := range r.parts {
				addValue(part)
			}
			walk(r.eachFields)
			for _, item := range r.items {
				walk(item)
			}
		}
	}
	walk(p.rules)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
