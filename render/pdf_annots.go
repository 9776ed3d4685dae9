package render

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// fpdf writes each link annotation as a dictionary inside the page's /Annots
// array, where ISO 32000-1 (table 30) requires indirect references; strict
// validators (pdfcpu) reject such files. fpdf offers no way to change this and
// may not be forked, so indirectAnnots appends a standard incremental update
// that stores each annotation as its own object and re-issues the page with
// references to them. It is deterministic: the same input gives the same bytes.

var (
	trailerSize  = regexp.MustCompile(`/Size (\d+)`)
	trailerRoot  = regexp.MustCompile(`/Root (\d+ 0 R)`)
	trailerInfo  = regexp.MustCompile(`/Info (\d+ 0 R)`)
	trailerID    = regexp.MustCompile(`/ID \[[^\]]*\]`)
	startxrefPos = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
)

// xrefTail is how many bytes at the end of a PDF the startxref search reads:
// "startxref", an offset of at most 20 digits and "%%EOF", with line breaks.
const xrefTail = 64

// objHeaders returns, for every line of pdf of the form "N 0 obj", the
// offsets [line start, body start, number start, number end], as the
// regular expression `(?m)^(\d+) 0 obj\n` would, without running one over
// the whole file (it cost a fifth of a one-page render).
func objHeaders(pdf []byte) [][4]int {
	const tag = " 0 obj\n"
	var out [][4]int
	for from := 0; ; {
		i := bytes.Index(pdf[from:], []byte(tag))
		if i < 0 {
			return out
		}
		i += from
		from = i + len(tag)
		start := i
		for start > 0 && pdf[start-1] >= '0' && pdf[start-1] <= '9' {
			start--
		}
		if start == i || (start > 0 && pdf[start-1] != '\n') {
			continue
		}
		out = append(out, [4]int{start, from, start, i})
	}
}

// indirectAnnots returns pdf with every inline annotation moved into an
// indirect object; a PDF without /Annots is returned as it is.
func indirectAnnots(pdf []byte) ([]byte, error) {
	const marker = "\n/Annots ["
	if !bytes.Contains(pdf, []byte(marker)) {
		return pdf, nil
	}
	tail := pdf[bytes.LastIndex(pdf, []byte("trailer")):]
	sizeM, rootM := trailerSize.FindSubmatch(tail), trailerRoot.FindSubmatch(tail)
	xrefM := startxrefPos.FindSubmatch(pdf[max(0, len(pdf)-xrefTail):])
	if sizeM == nil || rootM == nil || xrefM == nil {
		return nil, fmt.Errorf("fix link annotations: unexpected PDF trailer")
	}
	next, _ := strconv.Atoi(string(sizeM[1]))
	prev := string(xrefM[1])

	out := bytes.NewBuffer(make([]byte, 0, len(pdf)+2048))
	out.Write(pdf)
	if pdf[len(pdf)-1] != '\n' {
		out.WriteByte('\n')
	}
	var entries []xrefEntry
	headers := objHeaders(pdf)
	for i, h := range headers {
		end := len(pdf)
		if i+1 < len(headers) {
			end = headers[i+1][0]
		}
		body := pdf[h[1]:end]
		at := bytes.Index(body, []byte(marker))
		if at < 0 {
			continue
		}
		num, _ := strconv.Atoi(string(pdf[h[2]:h[3]]))
		lineStart := at + 1
		lineEnd := bytes.IndexByte(body[lineStart:], '\n')
		stop := bytes.Index(body, []byte("\nendobj"))
		if lineEnd < 0 || stop < 0 {
			return nil, fmt.Errorf("fix link annotations: page object %d is not as fpdf writes it", num)
		}
		lineEnd += lineStart
		annots, err := splitDicts(body[lineStart+len("/Annots [") : lineEnd])
		if err != nil {
			return nil, fmt.Errorf("fix link annotations in object %d: %w", num, err)
		}
		refs := make([]byte, 0, 12*len(annots))
		for _, a := range annots {
			entries = append(entries, xrefEntry{next, out.Len()})
			fmt.Fprintf(out, "%d 0 obj\n%s\nendobj\n", next, a)
			refs = fmt.Appendf(refs, "%d 0 R ", next)
			next++
		}
		entries = append(entries, xrefEntry{num, out.Len()})
		fmt.Fprintf(out, "%d 0 obj\n", num)
		out.Write(body[:lineStart])
		out.WriteString("/Annots [")
		out.Write(bytes.TrimSpace(refs))
		out.WriteString("]")
		out.Write(body[lineEnd:stop])
		out.WriteString("\nendobj\n")
	}
	xref := out.Len()
	out.WriteString("xref\n")
	// One subsection per run of consecutive object numbers, in order.
	slices.SortFunc(entries, func(a, b xrefEntry) int { return a.num - b.num })
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].num == entries[j-1].num+1 {
			j++
		}
		fmt.Fprintf(out, "%d %d\n", entries[i].num, j-i)
		for _, e := range entries[i:j] {
			fmt.Fprintf(out, "%010d 00000 n \n", e.off)
		}
		i = j
	}
	fmt.Fprintf(out, "trailer\n<<\n/Size %d\n/Root %s\n", next, rootM[1])
	if m := trailerInfo.FindSubmatch(tail); m != nil {
		fmt.Fprintf(out, "/Info %s\n", m[1])
	}
	if m := trailerID.Find(tail); m != nil {
		fmt.Fprintf(out, "%s\n", m)
	}
	fmt.Fprintf(out, "/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n", prev, xref)
	return out.Bytes(), nil
}

// xrefEntry is an object number and the offset the update writes it at.
type xrefEntry struct{ num, off int }

// splitDicts splits a run of PDF dictionaries "<<...>> <<...>>" into its
// top-level dictionaries, skipping over literal strings (with escapes and
// nested parentheses) and hex strings, which may hold any bracket.
func splitDicts(s []byte) ([][]byte, error) {
	var out [][]byte
	depth, start := 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			n := 1
			for i++; i < len(s) && n > 0; i++ {
				switch s[i] {
				case '\\':
					i++
				case '(':
					n++
				case ')':
					n--
				}
			}
			if n > 0 {
				return nil, fmt.Errorf("unterminated string")
			}
			i--
		case c == '<' && i+1 < len(s) && s[i+1] == '<':
			if depth == 0 {
				start = i
			}
			depth++
			i++
		case c == '<':
			end := bytes.IndexByte(s[i:], '>')
			if end < 0 {
				return nil, fmt.Errorf("unterminated hex string")
			}
			i += end
		case c == '>' && i+1 < len(s) && s[i+1] == '>':
			depth--
			i++
			if depth == 0 {
				out = append(out, s[start:i+1])
			} else if depth < 0 {
				return nil, fmt.Errorf("unbalanced dictionary")
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced dictionary")
	}
	return out, nil
}
