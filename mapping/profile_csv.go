package mapping

import (
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// encodings are the CSV encodings a profile can name.
var encodings = []string{"utf-8", "windows-1252", "iso-8859-1", "iso-8859-15"}

// csvOptions reads the csv section.
func (l *loader) csvOptions(n *yaml.Node) *CSVOptions {
	o := &CSVOptions{Separator: ',', Quote: '"', Header: true, Encoding: "utf-8", MaxRows: maxCSVRows}
	entries, ok := l.mapping(n, "csv", []string{"separator", "quote", "header", "columns", "encoding", "decimal_comma", "group_by", "max_rows"})
	if !ok {
		return o
	}
	var columnsNode, groupNode *yaml.Node
	for _, e := range entries {
		at := join("csv", e.key)
		switch e.key {
		case "separator", "quote":
			s, ok := l.str(e.node, at)
			if !ok {
				continue
			}
			r, size := utf8.DecodeRuneInString(s)
			switch {
			case e.key == "quote" && s == "":
				o.Quote = 0
			case size != len(s) || s == "":
				l.add(e.node, at, "must be exactly one character (got %s)", quote(s))
			case r == '\r' || r == '\n' || r == utf8.RuneError:
				l.add(e.node, at, "cannot be a line break")
			case e.key == "separator":
				o.Separator = r
			default:
				o.Quote = r
			}
		case "header":
			if b, ok := l.boolean(e.node, at); ok {
				o.Header = b
			}
		case "columns":
			columnsNode = e.node
			o.Columns, _ = l.strings(e.node, at, maxColumns)
		case "encoding":
			if s, ok := l.str(e.node, at); ok {
				if !slices.Contains(encodings, strings.ToLower(s)) {
					l.add(e.node, at, "unknown encoding %s (known: %s)", quote(s), strings.Join(encodings, ", "))
				}
				o.Encoding = strings.ToLower(s)
			}
		case "decimal_comma":
			// The same setting as the top-level key, where CSV authors
			// look for it beside the separator.
			if b, ok := l.boolean(e.node, at); ok {
				o.decimalComma = &b
			}
		case "group_by":
			groupNode = e.node
			o.GroupBy, _ = l.str(e.node, at)
		case "max_rows":
			if m, ok := l.integer(e.node, at); ok {
				if m < 1 || m > maxCSVRows {
					l.add(e.node, at, "must be 1 to %d", maxCSVRows)
				}
				o.MaxRows = m
			}
		}
	}
	if o.Separator == o.Quote {
		l.add(n, "csv.quote", "must differ from the separator")
	}
	switch {
	case o.Header && columnsNode != nil:
		l.add(columnsNode, "csv.columns", "names the columns of a file without a header row: set header: false, or leave columns out")
		o.Columns = nil
	case !o.Header && columnsNode == nil:
		l.add(n, "csv.columns", "required with header: false: the name of every column, in order")
	case columnsNode != nil:
		seen := map[string]bool{}
		for i, c := range o.Columns {
			switch {
			case c == csvRows:
				l.add(columnsNode, index("csv.columns", i), "%q is reserved for the rows of an invoice; name the column differently", csvRows)
			case seen[c]:
				l.add(columnsNode, index("csv.columns", i), "duplicate column %s", quote(c))
			}
			seen[c] = true
		}
	}
	switch {
	case groupNode == nil:
		l.add(n, "csv.group_by", "required: the column holding the invoice number")
	case o.Columns != nil && !slices.Contains(o.Columns, o.GroupBy):
		l.add(groupNode, "csv.group_by", "no column %s in csv.columns", quote(o.GroupBy))
	}
	return o
}
