package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/mapping/ubl"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
	"github.com/liveryhq/livery/storage"
)

// diag receives the per-document error lines and the summary of a
// multi-document run (NDJSON or CSV). A command gets only stdout; run owns
// stderr and prints a command's own error, so the lines that come before it
// go here.
var diag io.Writer = os.Stderr

// runMap implements `livery map`: the canonical JSON a mapping makes of a
// legacy input, to debug a profile. A CSV run prints NDJSON, one invoice a
// line; invoices that fail are reported on stderr, one line each.
func runMap(args []string, stdout io.Writer) error {
	fs := newFlags("map")
	profileSpec := fs.String("profile", "", "mapping profile: a profile file, or NAME, NAME@N, NAME@live from the profile store (UBL needs none)")
	dataPath := fs.String("data", "", "input file: legacy JSON, CSV (.csv) or UBL XML (.xml); - for standard input")
	inputKind := fs.String("input", "", "input format: json, csv or ubl (default: from the --data extension)")
	setting := storageFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dataPath == "" {
		return fmt.Errorf("%w: --data is required", errUsage)
	}
	src, err := newSource(*profileSpec, *inputKind, *dataPath, *setting)
	if err != nil {
		return err
	}
	if src.kind == inputNDJSON {
		return fmt.Errorf("%w: livery map reads one document or a CSV run; render NDJSON with livery render", errUsage)
	}
	if src.kind == inputCSV {
		return eachInvoice(src, *dataPath, func(m mapped) error {
			_, err := fmt.Fprintf(stdout, "%s\n", m.json)
			return err
		})
	}
	data, err := readData(*dataPath)
	if err != nil {
		return err
	}
	m := src.one(data)
	if len(m.json) > 0 {
		var buf bytes.Buffer
		if json.Indent(&buf, m.json, "", "  ") == nil {
			fmt.Fprintf(stdout, "%s\n", buf.Bytes())
		}
	}
	if m.err != nil {
		return fmt.Errorf("%s: %w", *dataPath, m.err)
	}
	return nil
}

// Input formats of --data.
const (
	inputCanonical = "canonical" // Livery's own JSON, no mapping
	inputJSON      = "json"      // legacy JSON through a profile
	inputCSV       = "csv"       // a CSV billing run through a profile
	inputUBL       = "ubl"       // UBL 2.1 XML, mapped without a profile
	// inputNDJSON is one document a line: canonical JSON, or legacy JSON
	// through a profile when there is one.
	inputNDJSON = "ndjson"
)

// source says how to read --data.
type source struct {
	kind    string
	profile *mapping.Profile // nil for canonical input, and for NDJSON of canonical documents
}

// newSource picks the input format from --input or the file extension and
// loads the profile it needs.
func newSource(profileSpec, input, dataPath, setting string) (*source, error) {
	kind := strings.ToLower(input)
	switch kind {
	case "":
		switch strings.ToLower(filepath.Ext(dataPath)) {
		case ".csv":
			kind = inputCSV
		case ".xml":
			kind = inputUBL
		case ".ndjson", ".jsonl":
			kind = inputNDJSON
		default:
			kind = inputJSON
		}
	case inputJSON, inputCSV, inputUBL, inputNDJSON:
	default:
		return nil, fmt.Errorf("%w: --input: unknown input format %q (json, ndjson, csv, ubl)", errUsage, input)
	}
	switch {
	case kind == inputUBL && profileSpec != "":
		return nil, fmt.Errorf("%w: UBL input is mapped without a profile; leave --profile out", errUsage)
	case kind == inputUBL:
		return &source{kind: kind}, nil
	case kind == inputCSV && profileSpec == "":
		return nil, fmt.Errorf("%w: CSV input needs --profile: the profile says which column is which", errUsage)
	case kind == inputNDJSON && profileSpec == "":
		return &source{kind: inputNDJSON}, nil
	case profileSpec == "":
		return &source{kind: inputCanonical}, nil
	}
	p, err := loadProfile(profileSpec, setting)
	if err != nil {
		return nil, err
	}
	switch {
	case kind == inputCSV && p.CSV == nil:
		return nil, fmt.Errorf("%w: profile %s maps JSON documents (it has no csv section); use it with JSON input", errUsage, p.Name)
	case (kind == inputJSON || kind == inputNDJSON) && p.CSV != nil:
		return nil, fmt.Errorf("%w: profile %s reads CSV billing runs; use it with a .csv file or --input csv", errUsage, p.Name)
	}
	return &source{kind: kind, profile: p}, nil
}

// mapped is one document an input gave.
type mapped struct {
	label string // which invoice of a run: "rows 4-9 (invoice X)"; "" for a single document
	base  string // file name base for a run's invoice
	doc   *render.Document
	json  []byte
	err   error
}

// one reads a single-document input.
func (s *source) one(data []byte) mapped {
	var m mapped
	switch s.kind {
	case inputUBL:
		m.doc, m.json, m.err = ubl.ParseDocument(data)
	case inputJSON:
		m.doc, m.json, m.err = s.profile.MapDocument(data)
	default:
		m.doc, m.err = render.ParseDocument(data)
		if m.err == nil {
			m.json, m.err = json.Marshal(m.doc)
		}
	}
	return m
}

// invoices reads a CSV run one invoice at a time; a non-nil error ends it.
func (s *source) invoices(r io.Reader) iter.Seq2[mapped, error] {
	return func(yield func(mapped, error) bool) {
		names := map[string]bool{}
		n := 0
		for d, err := range s.profile.ReadCSV(r) {
			if err != nil {
				yield(mapped{}, err)
				return
			}
			n++
			m := mapped{label: d.Rows() + " (invoice " + d.Number + ")", doc: d.Document, json: d.JSON, err: d.Err}
			m.base = fileBase(d.Number, "invoice-"+strconv.Itoa(n), names)
			if !yield(m, nil) {
				return
			}
		}
	}
}

// eachInvoice streams the CSV run in dataPath, runs do for every invoice
// that maps, reports every one that does not (or that do fails) on diag,
// one line each, and fails when any did.
func eachInvoice(s *source, dataPath string, do func(mapped) error) error {
	var r io.Reader = os.Stdin
	if dataPath != "-" {
		f, err := os.Open(dataPath)
		if err != nil {
			return fmt.Errorf("read data: %w", err)
		}
		defer f.Close()
		r = f
	}
	total, failed := 0, 0
	for m, err := range s.invoices(r) {
		if err != nil {
			return fmt.Errorf("%s: %w", dataPath, err)
		}
		total++
		if m.err == nil {
			m.err = do(m)
		}
		if m.err != nil {
			failed++
			fmt.Fprintf(diag, "%s %s: %s\n", filepath.Base(dataPath), m.label, oneLine(m.err.Error()))
		}
	}
	switch {
	case total == 0:
		return fmt.Errorf("%s: no invoices in the file", dataPath)
	case failed > 0:
		return fmt.Errorf("%s: %d of %d invoices failed", dataPath, failed, total)
	}
	return nil
}

// fileBase turns a document number into a safe file name base (fallback
// when it has none), unique among used: a later duplicate gets "-2", "-3".
// used is keyed case-folded, because on macOS and Windows "a.pdf" and
// "A.pdf" are one file.
func fileBase(number, fallback string, used map[string]bool) string {
	var b strings.Builder
	for _, r := range number {
		if r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	base := strings.TrimLeft(b.String(), ".")
	if len(base) > 100 {
		base = base[:100]
	}
	if base == "" {
		base = fallback
	}
	unique := base
	for i := 2; used[strings.ToLower(unique)]; i++ {
		unique = base + "-" + strconv.Itoa(i)
	}
	used[strings.ToLower(unique)] = true
	return unique
}

// readData reads --data, - being standard input.
func readData(path string) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<30))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read data: %w", err)
	}
	return data, nil
}

// loadProfile resolves --profile: a profile file; NAME@N or NAME@PIN from
// the profile store; a plain NAME from the store when published there,
// else the bundled sample profile of that name.
func loadProfile(spec, setting string) (*mapping.Profile, error) {
	if st, err := os.Stat(spec); err == nil && !st.IsDir() {
		data, err := os.ReadFile(spec)
		if err != nil {
			return nil, err
		}
		p, err := mapping.ParseProfile(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec, err)
		}
		return p, nil
	}
	if strings.ContainsAny(spec, `/\`) || strings.HasSuffix(spec, ".yaml") || strings.HasSuffix(spec, ".yml") {
		return nil, fmt.Errorf("profile file %s does not exist", spec)
	}
	ctx := context.Background()
	store, done, err := openProfileStore(ctx, setting)
	if err != nil {
		return nil, err
	}
	defer done()
	v, err := store.Resolve(ctx, spec)
	switch {
	case err == nil:
		return store.Load(ctx, v)
	case strings.Contains(spec, "@") || !errors.Is(err, mapping.ErrNotFound):
		return nil, err
	}
	data, serr := samples.Source(spec + ".yaml")
	if serr != nil {
		return nil, err
	}
	return mapping.ParseProfile(data)
}

// openProfileStore opens the configured storage as a profile store.
func openProfileStore(ctx context.Context, setting string) (*storage.ProfileStore, func(), error) {
	return openStore(ctx, setting, storage.NewProfileStore)
}

// renderMapped renders the single document of a legacy input: legacy JSON
// through a profile, or UBL. Runs (CSV, NDJSON) go through renderRun.
func renderMapped(r *render.Renderer, src *source, dataPath, outDir string, formats []render.Format, stdout io.Writer) error {
	data, err := readData(dataPath)
	if err != nil {
		return err
	}
	m := src.one(data)
	if m.err != nil {
		return fmt.Errorf("%s: %w", dataPath, m.err)
	}
	base := strings.TrimSuffix(filepath.Base(dataPath), filepath.Ext(dataPath))
	if dataPath == "-" {
		base = "document"
	}
	paths, err := renderFiles(r, m.json, dataPath, base, outDir, formats)
	for _, p := range paths {
		fmt.Fprintln(stdout, p)
	}
	return err
}
