package mapping

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xtransform "golang.org/x/text/transform"
)

// Limits of the CSV reader: one row at most maxCSVRecord bytes and
// maxCSVFields fields, so a file without line breaks or separators cannot
// make it buffer without end.
const (
	maxCSVRecord = 64 << 10
	maxCSVFields = 1000
)

// csvRecord is one row of a CSV file.
type csvRecord struct {
	row     int // 1-based; the header row is row 1
	fields  []string
	size    int    // bytes read for it
	problem string // something wrong with this row alone
}

// blank reports whether every field is empty: a row the reader skips.
func (r *csvRecord) blank() bool {
	for _, f := range r.fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// recordReader reads CSV records (RFC 4180 with a configurable separator
// and quote, or no quoting at all). encoding/csv fixes the quote to '"',
// which is why Livery reads CSV itself. Fields are quoted only when they
// start with the quote; inside quotes a doubled quote is one quote. A quote
// inside an unquoted field is taken as it is, and text after a closing
// quote is a problem of that row, so that one bad row costs one invoice
// rather than the run.
type recordReader struct {
	r     *bufio.Reader
	sep   rune
	quote rune // 0: no quoting
	row   int
	begun bool
	buf   strings.Builder
}

func newRecordReader(r io.Reader, o *CSVOptions) *recordReader {
	var cm *charmap.Charmap
	switch o.Encoding {
	case "windows-1252":
		cm = charmap.Windows1252
	case "iso-8859-1":
		cm = charmap.ISO8859_1
	case "iso-8859-15":
		cm = charmap.ISO8859_15
	}
	if cm != nil {
		r = xtransform.NewReader(r, cm.NewDecoder())
	}
	return &recordReader{r: bufio.NewReader(r), sep: o.Separator, quote: o.Quote}
}

// read returns the next record, io.EOF after the last one, or another
// error that ends the file: it cannot be read, or a row is too long or has
// too many fields to tell where the next one starts.
func (rr *recordReader) read() (*csvRecord, error) {
	if !rr.begun {
		// A byte order mark, as Windows tools write one, is no part of the
		// first field. Reading it here, not in the constructor, keeps the
		// constructor from blocking on a slow reader.
		rr.begun = true
		if c, _, err := rr.r.ReadRune(); err == nil && c != '\ufeff' {
			_ = rr.r.UnreadRune()
		}
	}
	rec := &csvRecord{row: rr.row + 1}
	rr.buf.Reset()
	inQuotes, afterQuote, started := false, false, false
	end := func() error {
		if len(rec.fields) >= maxCSVFields {
			return fmt.Errorf("row %d has more than %d fields", rec.row, maxCSVFields)
		}
		rec.fields = append(rec.fields, rr.buf.String())
		rr.buf.Reset()
		afterQuote = false
		return nil
	}
	for {
		c, size, err := rr.r.ReadRune()
		if err == io.EOF {
			switch {
			case inQuotes:
				return nil, fmt.Errorf("row %d: a quoted field is not closed before the end of the file", rec.row)
			case !started:
				return nil, io.EOF
			}
			rr.row++
			return rec, end()
		}
		if err != nil {
			return nil, fmt.Errorf("read CSV at row %d: %w", rec.row, err)
		}
		started = true
		rec.size += size
		if rec.size > maxCSVRecord {
			return nil, fmt.Errorf("row %d is longer than %d bytes (is csv.quote right?)", rec.row, maxCSVRecord)
		}
		if c == utf8.RuneError && size == 1 && rec.problem == "" {
			rec.problem = "not UTF-8 text; set csv.encoding (e.g. windows-1252) if the file is in another encoding"
		}
		if inQuotes {
			if c == rr.quote {
				if next, _, err := rr.r.ReadRune(); err == nil && next == rr.quote {
					rec.size += size
					rr.buf.WriteRune(c)
					continue
				} else if err == nil {
					_ = rr.r.UnreadRune()
				}
				inQuotes, afterQuote = false, true
				continue
			}
			rr.buf.WriteRune(c)
			continue
		}
		switch {
		case c == rr.sep:
			if err := end(); err != nil {
				return nil, err
			}
		case c == '\n' || c == '\r':
			if c == '\r' {
				if next, _, err := rr.r.ReadRune(); err == nil && next != '\n' {
					_ = rr.r.UnreadRune()
				}
			}
			rr.row++
			return rec, end()
		case c == rr.quote && rr.quote != 0 && rr.buf.Len() == 0 && !afterQuote:
			inQuotes = true
		default:
			if afterQuote && rec.problem == "" {
				rec.problem = fmt.Sprintf("field %d has text after its closing quote", len(rec.fields)+1)
			}
			rr.buf.WriteRune(c)
		}
	}
}
