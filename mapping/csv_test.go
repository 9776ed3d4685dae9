package mapping_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/liveryhq/livery/mapping"
)

// csvProfile reads a small billing run; tests change its csv section.
const csvProfile = head + `decimal_comma: true
csv: {separator: ";", group_by: nr}
fields:
  number: nr
  issue_date: {path: datum, date: DD.MM.YYYY}
  currency: {const: EUR}
  buyer.name: {path: kunde, required: true}
  buyer.address.lines: [strasse]
  lines:
    fields:
      description: text
      quantity: qty
      unit_price: preis
      tax_rate: {const: "19"}
`

const csvRun = `nr;datum;kunde;strasse;text;qty;preis
A-1;02.03.2026;Jana;Lindenstr. 4;Beans;3;24,90
A-1;02.03.2026;Jana;Lindenstr. 4;"Grinder; service";1,5;80

A-2;03.03.2026;Ines;Hauptstr. 1;Cups;2;19,99
`

// csvResult is one invoice of a run as the tests compare it.
type csvResult struct {
	Number string
	Rows   string
	Err    []string
}

// readRun reads a whole run, returning its invoices and the error that
// ended it (nil at a clean end).
func readRun(t *testing.T, p *mapping.Profile, data string) ([]csvResult, []*mapping.CSVDocument, error) {
	t.Helper()
	var out []csvResult
	var docs []*mapping.CSVDocument
	for d, err := range p.ReadCSV(strings.NewReader(data)) {
		if err != nil {
			return out, docs, err
		}
		r := csvResult{Number: d.Number, Rows: d.Rows()}
		if d.Err != nil {
			r.Err = problemStrings(t, d.Err)
		} else {
			require.NotNil(t, d.Document)
		}
		out = append(out, r)
		docs = append(docs, d)
	}
	return out, docs, nil
}

func TestCSVRun(t *testing.T) {
	p := mustProfile(t, csvProfile)
	got, docs, err := readRun(t, p, csvRun)
	require.NoError(t, err)
	assert.Equal(t, []csvResult{{Number: "A-1", Rows: "rows 2-3"}, {Number: "A-2", Rows: "row 5"}}, got)
	assert.JSONEq(t, `{"type": "invoice", "number": "A-1", "issue_date": "2026-03-02", "currency": "EUR",
		"buyer": {"name": "Jana", "address": {"lines": ["Lindenstr. 4"]}},
		"lines": [
			{"description": "Beans", "quantity": "3", "unit_price": "24.90", "tax_rate": "19"},
			{"description": "Grinder; service", "quantity": "1.5", "unit_price": "80", "tax_rate": "19"}
		]}`, string(docs[0].JSON))
	assert.Equal(t, 2, docs[0].FirstRow)
	assert.Equal(t, 3, docs[0].LastRow)
}

func TestCSVProblems(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []csvResult
		end  string // the error that ends the run
	}{
		{name: "per invoice", data: strings.Replace(strings.Replace(csvRun, "1,5", "3,5x", 1), "Ines", "", 1), want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3", Err: []string{`row 3, column qty -> lines[1].quantity: not a number: "3,5x"`}},
			{Number: "A-2", Rows: "row 5", Err: []string{"row 5, column kunde -> buyer.name: required"}},
		}},
		{name: "validation names the row", data: strings.Replace(csvRun, ";2;19,99", ";0;19,99", 1), want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3"},
			{Number: "A-2", Rows: "row 5", Err: []string{"row 5, column qty -> lines[0].quantity: must be greater than 0 (got 0)"}},
		}},
		{name: "not consecutive", data: csvRun + "A-1;02.03.2026;Jana;Lindenstr. 4;More;1;1\n", want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3"},
			{Number: "A-2", Rows: "row 5"},
			{Number: "A-1", Rows: "row 6", Err: []string{`row 6, column nr: invoice "A-1" appeared before at row 2: the rows of one invoice must be next to each other`}},
		}},
		{name: "no number", data: csvRun + " ;02.03.2026;Jana;x;More;1;1\n", want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3"},
			{Number: "A-2", Rows: "row 5"},
			{Number: "", Rows: "row 6", Err: []string{"row 6, column nr: empty: every row needs an invoice number"}},
		}},
		{name: "field count", data: strings.Replace(csvRun, "Cups;2;19,99", "Cups;2;19,99;extra", 1), want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3"},
			{Number: "A-2", Rows: "row 5", Err: []string{"row 5: 8 fields, but the header has 7 columns"}},
		}},
		{name: "text after quote", data: strings.Replace(csvRun, `"Grinder; service"`, `"Grinder" service`, 1), want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3", Err: []string{"row 3: field 5 has text after its closing quote"}},
			{Number: "A-2", Rows: "row 5"},
		}},
		{name: "not UTF-8", data: strings.Replace(csvRun, "Cups", "Cups \xe4", 1), want: []csvResult{
			{Number: "A-1", Rows: "rows 2-3"},
			{Number: "A-2", Rows: "row 5", Err: []string{
				"row 5: not UTF-8 text; set csv.encoding (e.g. windows-1252) if the file is in another encoding",
			}},
		}},
		{name: "missing column", data: strings.Replace(csvRun, "kunde;", "client;", 1), end: `the header has no column "kunde" (it has: nr, datum, client, strasse, text, qty, preis)`},
		{name: "duplicate column", data: strings.Replace(csvRun, "strasse", "qty", 1), end: `the header names column "qty" 2 times`},
		{name: "empty", data: "", end: "the CSV file is empty: expected a header row"},
		{name: "open quote", data: csvRun + `A-3;x;y;z;"open`, want: []csvResult{{Number: "A-1", Rows: "rows 2-3"}}, end: "row 6: a quoted field is not closed before the end of the file"},
		{name: "long row", data: csvRun + "A-3;" + strings.Repeat("x", 70000), want: []csvResult{{Number: "A-1", Rows: "rows 2-3"}}, end: "row 6 is longer than 65536 bytes (is csv.quote right?)"},
		{name: "many fields", data: csvRun + "A-3" + strings.Repeat(";", 1000), want: []csvResult{{Number: "A-1", Rows: "rows 2-3"}}, end: "row 6 has more than 1000 fields"},
	}
	p := mustProfile(t, csvProfile)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := readRun(t, p, tt.data)
			assert.Equal(t, tt.want, got)
			if tt.end == "" {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Equal(t, tt.end, err.Error())
			}
		})
	}
}

func TestCSVMaxRows(t *testing.T) {
	p := mustProfile(t, strings.Replace(csvProfile, "group_by: nr}", "group_by: nr, max_rows: 2}", 1))
	data := csvRun + strings.Repeat("A-2;03.03.2026;Ines;Hauptstr. 1;Cups;2;19,99\n", 3)
	got, _, err := readRun(t, p, data)
	require.NoError(t, err)
	assert.Equal(t, []csvResult{
		{Number: "A-1", Rows: "rows 2-3"},
		{Number: "A-2", Rows: "rows 5-8", Err: []string{`row 7: invoice "A-2" has more than 2 rows (csv.max_rows)`}},
	}, got)
}

func TestCSVOptions(t *testing.T) {
	// No header, a tab separator, no quoting, Windows-1252, CRLF and a BOM.
	p := mustProfile(t, head+`csv: {separator: "\t", quote: "", header: false, columns: [nr, kunde, text], encoding: windows-1252, group_by: nr}
fields:
  number: nr
  issue_date: {const: "2026-03-02"}
  currency: {const: EUR}
  buyer.name: kunde
  buyer.address.lines: {const: x}
  lines: {fields: {description: text, quantity: {const: "1"}, unit_price: {const: "1"}, tax_rate: {const: "0"}}}
`)
	enc, err := charmap.Windows1252.NewEncoder().String("B-1\tMüller\t\"Kaffee\" 1 kg – fein\r\nB-1\tMüller\tTasse\r\n")
	require.NoError(t, err)
	_, docs, err := readRun(t, p, enc)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.NoError(t, docs[0].Err)
	assert.Equal(t, "rows 1-2", docs[0].Rows(), "without a header the first row is row 1")
	assert.Contains(t, string(docs[0].JSON), `"name":"Müller"`)
	assert.Contains(t, string(docs[0].JSON), `"description":"\"Kaffee\" 1 kg – fein"`)

	utf := mustProfile(t, csvProfile)
	_, docs, err = readRun(t, utf, "\ufeff"+strings.ReplaceAll(csvRun, "\n", "\r\n"))
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.NoError(t, docs[0].Err, "a byte order mark and CRLF line ends are fine")

	// Quotes: doubled inside quotes, taken as they are inside a field.
	_, docs, err = readRun(t, utf, strings.Replace(csvRun, `"Grinder; service"`, `"Grinder ""Pro""; 2"`, 1)+"A-3;04.03.2026;Jo;x;5\" disk;1;1\n")
	require.NoError(t, err)
	assert.Contains(t, string(docs[0].JSON), `"description":"Grinder \"Pro\"; 2"`)
	assert.Contains(t, string(docs[2].JSON), `"description":"5\" disk"`)

	_, err = mustProfile(t, invoiceProfile).NewCSVReader(strings.NewReader(""))
	assert.EqualError(t, err, "profile test has no csv section: it maps JSON documents")
}

// TestCSVReaderStreams checks that the reader hands out an invoice before it
// has read the rest of the file.
func TestCSVReaderStreams(t *testing.T) {
	p := mustProfile(t, csvProfile)
	pr, pw := io.Pipe()
	c, err := p.NewCSVReader(pr)
	require.NoError(t, err)
	go func() {
		_, _ = io.WriteString(pw, csvRun)
		// The rest of the run arrives only after the first invoice was read.
	}()
	d, err := c.Next()
	require.NoError(t, err)
	assert.Equal(t, "A-1", d.Number)
	go func() {
		_, _ = io.WriteString(pw, "A-3;04.03.2026;Jo;x;More;1;1\n")
		pw.Close()
	}()
	var numbers []string
	for {
		d, err := c.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		numbers = append(numbers, d.Number)
	}
	assert.Equal(t, []string{"A-2", "A-3"}, numbers)
	_, err = c.Next()
	assert.ErrorIs(t, err, io.EOF, "EOF again after the end")
}

// TestCSVReaderMemory reads a long run and checks the reader does not keep
// what it has handed out: each invoice's JSON is small and independent.
func TestCSVReaderMemory(t *testing.T) {
	p := mustProfile(t, csvProfile)
	var b bytes.Buffer
	b.WriteString("nr;datum;kunde;strasse;text;qty;preis\n")
	for i := range 5000 {
		n := "R-" + strings.Repeat("0", 5-len(itoa(i))) + itoa(i)
		b.WriteString(n + ";02.03.2026;Jana;Lindenstr. 4;Beans;3;24,90\n")
	}
	count := 0
	for d, err := range p.ReadCSV(&b) {
		require.NoError(t, err)
		require.NoError(t, d.Err)
		count++
	}
	assert.Equal(t, 5000, count)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var s []byte
	for ; i > 0; i /= 10 {
		s = append([]byte{byte('0' + i%10)}, s...)
	}
	return string(s)
}
