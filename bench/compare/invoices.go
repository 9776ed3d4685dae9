package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// sampleInvoices are the invoices of render/bench_test.go. The targets are
// about the first.
var sampleInvoices = []struct {
	title, file, kit string
	targeted         bool
}{
	{"One-page invoice", "invoice-onepage.json", "roastery", true},
	{"60-line invoice", "invoice-60-lines.json", "telecom", false},
}

// invoice is one sample invoice prepared for every route: its kit's
// Renderer, the parsed document, and the files the external tools read.
type invoice struct {
	title    string // "One-page invoice"
	file     string // sample file name, "invoice-onepage.json"
	kitName  string
	targeted bool   // the targets are measured on this invoice
	number   string // the invoice number, which every PDF must contain

	kit      *brandkits.Kit
	renderer *render.Renderer
	doc      *render.Document

	dataPath string // the document's JSON, for the Livery CLI
	htmlPath string // Livery's HTML of the document, for the HTML-to-PDF tools
}

// name is the invoice's file name without its extension.
func (inv *invoice) name() string { return strings.TrimSuffix(inv.file, filepath.Ext(inv.file)) }

// loadInvoices prepares the sample invoices as render/bench_test.go does (a
// Renderer per kit, the document parsed once) and writes each one's JSON and
// Livery HTML into dir.
func loadInvoices(dir string) ([]*invoice, error) {
	var out []*invoice
	for _, s := range sampleInvoices {
		inv := &invoice{title: s.title, file: s.file, kitName: s.kit, targeted: s.targeted}
		if err := inv.prepare(dir); err != nil {
			return nil, fmt.Errorf("%s with kit %s: %w", s.file, s.kit, err)
		}
		out = append(out, inv)
	}
	return out, nil
}

func (inv *invoice) prepare(dir string) error {
	fsys, err := samples.KitFS(inv.kitName)
	if err != nil {
		return err
	}
	if inv.kit, err = brandkits.LoadFS(fsys); err != nil {
		return err
	}
	if inv.renderer, err = render.New(inv.kit); err != nil {
		return err
	}
	data, err := samples.Document(inv.file)
	if err != nil {
		return err
	}
	if inv.doc, err = render.ParseDocument(data); err != nil {
		return err
	}
	if inv.doc.Invoice == nil || inv.doc.Invoice.Number == "" {
		return fmt.Errorf("not an invoice with a number")
	}
	inv.number = inv.doc.Invoice.Number
	out, err := inv.renderer.Render(inv.doc, render.FormatHTML)
	if err != nil {
		return err
	}
	inv.dataPath = filepath.Join(dir, inv.file)
	inv.htmlPath = filepath.Join(dir, inv.name()+".html")
	if err := os.WriteFile(inv.dataPath, data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(inv.htmlPath, out.HTML, 0o644)
}
