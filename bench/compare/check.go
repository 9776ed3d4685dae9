package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// pdfChecker checks that a route's output is a real PDF of the invoice, so
// that a route that writes an error page or an empty file does not report a
// fake speed. pdftotext and pdfinfo (poppler) are optional: without them the
// check is the file's header and trailer only, and pages are not reported.
type pdfChecker struct {
	pdftotext, pdfinfo string // "" when not installed
	dir                string // where PDFs are written to be read back
}

// newPDFChecker finds poppler's tools.
func newPDFChecker(dir string) *pdfChecker {
	c := &pdfChecker{dir: dir}
	c.pdftotext, _ = exec.LookPath("pdftotext")
	c.pdfinfo, _ = exec.LookPath("pdfinfo")
	return c
}

// checkPDFBytes checks the header and the trailer: a PDF starts with %PDF-
// and ends with %%EOF, perhaps followed by a line end.
func checkPDFBytes(pdf []byte) error {
	if len(pdf) == 0 {
		return fmt.Errorf("empty output")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return fmt.Errorf("output does not start with %%PDF- (%q)", pdf[:min(len(pdf), 16)])
	}
	tail := pdf[max(0, len(pdf)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return fmt.Errorf("output has no %%%%EOF at its end (truncated?)")
	}
	return nil
}

// pdfPages is what pdfinfo says about a PDF's pages.
type pdfPages struct {
	count int
	size  string // "A4", "letter", or "612 x 792 pts"
}

// check checks pdf fully: header and trailer, the invoice number in its text
// (pdftotext), and reads its pages (pdfinfo).
func (c *pdfChecker) check(pdf []byte, number string) (pdfPages, error) {
	if err := checkPDFBytes(pdf); err != nil {
		return pdfPages{}, err
	}
	if c.pdftotext == "" && c.pdfinfo == "" {
		return pdfPages{}, nil
	}
	f, err := os.CreateTemp(c.dir, "check-*.pdf")
	if err != nil {
		return pdfPages{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(pdf); err != nil {
		f.Close()
		return pdfPages{}, err
	}
	if err := f.Close(); err != nil {
		return pdfPages{}, err
	}
	if c.pdftotext != "" {
		text, err := exec.Command(c.pdftotext, "-enc", "UTF-8", f.Name(), "-").Output()
		if err != nil {
			return pdfPages{}, fmt.Errorf("pdftotext: %w", err)
		}
		if !strings.Contains(string(text), number) {
			return pdfPages{}, fmt.Errorf("the PDF's text does not contain the invoice number %s", number)
		}
	}
	var pages pdfPages
	if c.pdfinfo != "" {
		info, err := exec.Command(c.pdfinfo, f.Name()).Output()
		if err != nil {
			return pdfPages{}, fmt.Errorf("pdfinfo: %w", err)
		}
		if pages, err = parsePDFInfo(info); err != nil {
			return pdfPages{}, err
		}
	}
	return pages, nil
}

var (
	infoPages = regexp.MustCompile(`(?m)^Pages:\s+(\d+)\s*$`)
	infoSize  = regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts(?: \(([^)]+)\))?`)
)

// parsePDFInfo reads the page count and the first page's size from pdfinfo's
// output. The size is pdfinfo's paper name when it has one.
func parsePDFInfo(out []byte) (pdfPages, error) {
	m := infoPages.FindSubmatch(out)
	if m == nil {
		return pdfPages{}, fmt.Errorf("pdfinfo: no page count")
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return pdfPages{}, fmt.Errorf("pdfinfo: %w", err)
	}
	p := pdfPages{count: n}
	if s := infoSize.FindSubmatch(out); s != nil {
		p.size = string(s[3])
		if p.size == "" {
			w, _ := strconv.ParseFloat(string(s[1]), 64)
			h, _ := strconv.ParseFloat(string(s[2]), 64)
			p.size = fmt.Sprintf("%.0f × %.0f pt", w, h)
		}
	}
	return p, nil
}

// readPDF reads a route's output file and checks its header and trailer.
func readPDF(path string) ([]byte, error) {
	pdf, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("no PDF written: %w", err)
	}
	if err := checkPDFBytes(pdf); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return pdf, nil
}
