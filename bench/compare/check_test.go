package main

import (
	"strings"
	"testing"
)

func TestCheckPDFBytes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"fine", "%PDF-1.4\n...\n%%EOF\n", ""},
		{"fine without a final line end", "%PDF-1.7 x %%EOF", ""},
		{"empty", "", "empty output"},
		{"an HTML error page", "<html>error</html>", "does not start with %PDF-"},
		{"truncated", "%PDF-1.4\n" + strings.Repeat("x", 2000), "no %%EOF"},
		{"%%EOF only far from the end", "%PDF-1.4\n%%EOF\n" + strings.Repeat("x", 2000), "no %%EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkPDFBytes([]byte(tt.in))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("checkPDFBytes: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("checkPDFBytes: error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParsePDFInfo(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    pdfPages
		wantErr bool
	}{
		{"A4", "Producer:        fpdf\nPages:           1\nEncrypted:       no\nPage size:       595.28 x 841.89 pts (A4)\n", pdfPages{1, "A4"}, false},
		{"letter", "Pages:           4\nPage size:       612 x 792 pts (letter)\nPage rot:        0\n", pdfPages{4, "letter"}, false},
		{"no paper name", "Pages:           2\nPage size:       600.6 x 800 pts\n", pdfPages{2, "601 × 800 pt"}, false},
		{"no size", "Pages:           3\n", pdfPages{count: 3}, false},
		{"no pages", "Producer: x\n", pdfPages{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePDFInfo([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parsePDFInfo = %+v, %v; want %+v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
