package preview

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/mapping/ubl"
	"github.com/liveryhq/livery/samples"
)

// legacySource is a bundled legacy sample (samples/sources): a JSON export
// or CSV billing run read through its mapping profile, or a UBL document.
// The preview shows what they map to, so a designer sees them branded too.
type legacySource struct {
	file    string // under samples/sources
	profile string // under samples/sources; empty for UBL
	invoice int    // CSV: which invoice of the run, from 1; else 0
}

// sampleSourceDocs lists the legacy samples as documents, each with its
// sample kit; a CSV run contributes one document per invoice.
func sampleSourceDocs() ([]docSource, error) {
	pairs, err := samples.SourcePairs()
	if err != nil {
		return nil, err
	}
	var out []docSource
	for _, p := range pairs {
		src := legacySource{file: p.Source, profile: p.Profile}
		if !strings.EqualFold(path.Ext(p.Source), ".csv") {
			out = append(out, docSource{name: p.Source, kits: []string{p.Kit}, legacy: &src})
			continue
		}
		n, err := countCSVInvoices(src)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(p.Source, path.Ext(p.Source))
		for i := 1; i <= n; i++ {
			s := src
			s.invoice = i
			out = append(out, docSource{name: fmt.Sprintf("%s-%d.csv", base, i), kits: []string{p.Kit}, legacy: &s})
		}
	}
	return out, nil
}

// profile loads the source's mapping profile.
func (l legacySource) loadProfile() (*mapping.Profile, error) {
	data, err := samples.Source(l.profile)
	if err != nil {
		return nil, err
	}
	return mapping.ParseProfile(data)
}

// canonical maps the source to Livery's canonical JSON.
func (l legacySource) canonical() ([]byte, error) {
	data, err := samples.Source(l.file)
	if err != nil {
		return nil, err
	}
	if l.profile == "" {
		return ubl.Parse(data)
	}
	prof, err := l.loadProfile()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.profile, err)
	}
	if l.invoice == 0 {
		_, out, err := prof.MapDocument(data)
		return out, err
	}
	r, err := prof.NewCSVReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	for i := 1; ; i++ {
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: no invoice %d", l.file, l.invoice)
		}
		if err != nil {
			return nil, err
		}
		if i == l.invoice {
			if d.Err != nil {
				return nil, d.Err
			}
			return d.JSON, nil
		}
	}
}

// countCSVInvoices counts the invoices of a CSV source.
func countCSVInvoices(l legacySource) (int, error) {
	data, err := samples.Source(l.file)
	if err != nil {
		return 0, err
	}
	prof, err := l.loadProfile()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", l.profile, err)
	}
	r, err := prof.NewCSVReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		if _, err := r.Next(); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
		n++
	}
}
