package fonts

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleText mixes the scripts Livery's customers write in: Polish,
// Turkish, Greek, Cyrillic, plus invoice punctuation and PDF string
// delimiters (parentheses, backslash) that fpdf must escape.
const sampleText = "Łódź Żółć Ωμέγα Привет İstanbul ğüşç € (net) 1\\2 № 42"

// invoiceLines is a one-page invoice's text: about 80 distinct runes, as
// a typical Polish or Turkish invoice has.
var invoiceLines = []string{
	"INVOICE № 2026-0042",
	"Livery Sp. z o.o., ul. Piotrkowska 104, 90-926 Łódź",
	"Bill to: Yılmaz Tekstil A.Ş., Büyükdere Cad. 12, İstanbul",
	"Date: 2026-11-23    Due: 2026-12-23    Terms: 30 days",
	"Qty  Description                      Unit      Amount",
	"2    Brand kit setup (one-off)       € 250.00  € 500.00",
	"12   Monthly rendering plan          € 19.90   € 238.80",
	"1    Żółć font licence review         € 75.00   € 75.00",
	"3    Extra notices: ğüşç              € 4.50    € 13.50",
	"1    Courier fee — Gdańsk/Kraków       € 12.00   € 12.00",
	"Subtotal                                        € 839.30",
	"VAT 23%                                         € 193.04",
	"Total due                                     € 1,032.34",
	"Pay to IBAN PL61 1090 1014 0000 0712 1981 2874",
	"Reference: INV-2026-0042 / customer #7731",
	"Questions? billing@livery.example — +48 42 123 45 67",
	"Thank you for your business! Dziękujemy.",
	"Late payment: 1.5% per month (Art. 481 KC).",
	"Page 1/1",
}

func invoiceText() string { return strings.Join(invoiceLines, "\n") }

// captureStdout runs fn and returns what it printed: fpdf reports font
// problems only by printing ("get metrics Error").
func captureStdout(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	defer func() { os.Stdout = old }()
	fn()
	os.Stdout = old
	require.NoError(t, w.Close())
	return string(<-done)
}

// pdfText extracts a PDF's text with poppler's pdftotext, or reports false
// when the tool is not installed.
func pdfText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", false
	}
	cmd := exec.Command(path, "-q", "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	require.NoError(t, err, "pdftotext")
	return string(out), true
}

// mustFamily returns a bundled family or fails the test.
func mustFamily(t testing.TB, slug string) *Family {
	t.Helper()
	f, ok := Lookup(slug)
	require.True(t, ok, slug)
	return f
}

// tableAt returns the offset and length of a table in an sfnt file.
func tableAt(t testing.TB, data []byte, tag string) (int, int) {
	t.Helper()
	n := int(binary.BigEndian.Uint16(data[4:]))
	for i := range n {
		rec := data[12+16*i:]
		if string(rec[:4]) == tag {
			return int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		}
	}
	t.Fatalf("no %q table", tag)
	return 0, 0
}

// sfntFile builds a minimal sfnt container with the given version tag and
// tables (contents are whatever the test needs; no checksums).
func sfntFile(version string, tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	// Sorted for a valid directory.
	for i := range tags {
		for j := i + 1; j < len(tags); j++ {
			if tags[j] < tags[i] {
				tags[i], tags[j] = tags[j], tags[i]
			}
		}
	}
	out := make([]byte, 12+16*len(tags))
	copy(out, version)
	binary.BigEndian.PutUint16(out[4:], uint16(len(tags)))
	for i, tag := range tags {
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(tables[tag])))
		out = append(out, tables[tag]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}
