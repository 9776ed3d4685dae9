package fonts

import (
	"bytes"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// invoicePDF renders the one-page invoice with a regular and a bold font
// added by addFonts; enc converts text for the font style in use.
func invoicePDF(b *testing.B, family string, addFonts func(pdf *fpdf.Fpdf), enc func(bold bool, s string) string) int {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compressPages)
	addFonts(pdf)
	pdf.AddPage()
	for i, line := range invoiceLines {
		bold := i == 0 || i == 5 || i == 13
		if bold {
			pdf.SetFont(family, "B", 11)
		} else {
			pdf.SetFont(family, "", 10)
		}
		pdf.CellFormat(0, 7, enc(bold, line), "", 1, "L", false, 0, "")
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		b.Fatal(err)
	}
	return out.Len()
}

// compressPages is fpdf's page-stream compression in invoicePDF; one
// sub-benchmark turns it off to show its share.
var compressPages = true

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		if r >= ' ' {
			seen[r] = true
		}
	}
	return len(seen)
}

// BenchmarkInvoicePDF compares the ways of embedding Noto Sans regular and
// bold in a one-page invoice (about 80 distinct runes), font preparation
// included in every document.
func BenchmarkInvoicePDF(b *testing.B) {
	fam, _ := Lookup("noto-sans")
	reg, err := fam.RegularSubsetter()
	if err != nil {
		b.Fatal(err)
	}
	bold, err := fam.BoldSubsetter()
	if err != nil {
		b.Fatal(err)
	}
	text := invoiceText()
	runes := []rune(text)
	plain := func(_ bool, s string) string { return s }

	run := func(b *testing.B, doc func() int) {
		b.ReportAllocs()
		size := 0
		for b.Loop() {
			size = doc()
		}
		b.ReportMetric(float64(size), "pdf-bytes")
		b.ReportMetric(float64(distinctRunes(text)), "runes")
	}
	b.Run("utf8-full-font", func(b *testing.B) {
		run(b, func() int {
			return invoicePDF(b, "F", func(pdf *fpdf.Fpdf) {
				pdf.AddUTF8FontFromBytes("F", "", fam.Regular)
				pdf.AddUTF8FontFromBytes("F", "B", fam.Bold)
			}, plain)
		})
	})
	b.Run("utf8-subset", func(b *testing.B) {
		run(b, func() int {
			rs, err := reg.Subset(runes)
			if err != nil {
				b.Fatal(err)
			}
			bs, err := bold.Subset(runes)
			if err != nil {
				b.Fatal(err)
			}
			return invoicePDF(b, "F", func(pdf *fpdf.Fpdf) {
				pdf.AddUTF8FontFromBytes("F", "", rs)
				pdf.AddUTF8FontFromBytes("F", "B", bs)
			}, plain)
		})
	})
	b.Run("simple-font", func(b *testing.B) {
		run(b, func() int {
			rf, err := reg.SimpleFontRunes(runes)
			if err != nil {
				b.Fatal(err)
			}
			bf, err := bold.SimpleFontRunes(runes)
			if err != nil {
				b.Fatal(err)
			}
			return invoicePDF(b, "F", func(pdf *fpdf.Fpdf) {
				pdf.AddFontFromBytes("F", "", rf.JSON, rf.Z)
				pdf.AddFontFromBytes("F", "B", bf.JSON, bf.Z)
			}, func(isBold bool, s string) string {
				if isBold {
					return bf.Encode(s)
				}
				return rf.Encode(s)
			})
		})
	})
	b.Run("simple-font-uncompressed-pages", func(b *testing.B) {
		compressPages = false
		defer func() { compressPages = true }()
		run(b, func() int {
			rf, err := reg.SimpleFontRunes(runes)
			if err != nil {
				b.Fatal(err)
			}
			bf, err := bold.SimpleFontRunes(runes)
			if err != nil {
				b.Fatal(err)
			}
			return invoicePDF(b, "F", func(pdf *fpdf.Fpdf) {
				pdf.AddFontFromBytes("F", "", rf.JSON, rf.Z)
				pdf.AddFontFromBytes("F", "B", bf.JSON, bf.Z)
			}, func(isBold bool, s string) string {
				if isBold {
					return bf.Encode(s)
				}
				return rf.Encode(s)
			})
		})
	})
	// Reference only: Helvetica cannot draw most of this text.
	b.Run("core-helvetica-reference", func(b *testing.B) {
		run(b, func() int {
			return invoicePDF(b, "Helvetica", func(*fpdf.Fpdf) {}, plain)
		})
	})
}

func BenchmarkSubset(b *testing.B) {
	s, err := mustFamily(b, "noto-sans").RegularSubsetter()
	if err != nil {
		b.Fatal(err)
	}
	runes := []rune(invoiceText())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Subset(runes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSimpleFont(b *testing.B) {
	s, err := mustFamily(b, "noto-sans").RegularSubsetter()
	if err != nil {
		b.Fatal(err)
	}
	runes := []rune(invoiceText())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.SimpleFontRunes(runes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	data := mustFamily(b, "noto-sans").Regular
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
