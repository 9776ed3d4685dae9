package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// runRender implements `livery render`: one kit, and one document or a run
// of them (NDJSON, CSV), files out.
func runRender(args []string, stdout io.Writer) error {
	start := time.Now()
	fs := newFlags("render")
	kitSpec := fs.String("kit", "", "kit folder, or the name of a bundled sample kit")
	dataPath := fs.String("data", "", "document: canonical JSON, NDJSON (one document a line), legacy JSON or CSV with --profile, or UBL XML (- for standard input)")
	outDir := fs.String("out", ".", "folder to write the files to")
	formatList := fs.String("format", "pdf,html,txt", "formats to write: pdf, html, txt, sms")
	profileSpec := fs.String("profile", "", "mapping profile for legacy JSON, NDJSON or CSV --data: a profile file, or NAME, NAME@N, NAME@live from the profile store")
	inputKind := fs.String("input", "", "input format: json, ndjson, csv or ubl (default: from the --data extension)")
	concurrency := fs.Int("concurrency", runtime.GOMAXPROCS(0), "documents of an NDJSON or CSV run rendered at once")
	setting := storageFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *kitSpec == "" || *dataPath == "" {
		return fmt.Errorf("%w: --kit and --data are required", errUsage)
	}
	if *concurrency < 1 {
		return fmt.Errorf("%w: --concurrency must be at least 1", errUsage)
	}
	formats, err := parseFormats(*formatList)
	if err != nil {
		return err
	}
	src, err := newSource(*profileSpec, *inputKind, *dataPath, *setting)
	if err != nil {
		return err
	}
	kit, err := loadKitFrom(*kitSpec, *setting)
	if err != nil {
		return err
	}
	if src.kind == inputNDJSON || src.kind == inputCSV {
		r, err := render.New(kit)
		if err != nil {
			return err
		}
		run := &renderRun{r: r, src: src, dataPath: *dataPath, outDir: *outDir, formats: formats, workers: *concurrency, start: start}
		return run.run(stdout)
	}
	if src.kind != inputCanonical {
		r, err := render.New(kit)
		if err != nil {
			return err
		}
		return renderMapped(r, src, *dataPath, *outDir, formats, stdout)
	}
	var data []byte
	if *dataPath == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, 6<<20))
	} else {
		data, err = os.ReadFile(*dataPath)
	}
	if err != nil {
		return fmt.Errorf("read data: %w", err)
	}
	base := strings.TrimSuffix(filepath.Base(*dataPath), filepath.Ext(*dataPath))
	if *dataPath == "-" {
		base = "document"
	}
	r, err := render.New(kit)
	if err != nil {
		return err
	}
	paths, err := renderFiles(r, data, *dataPath, base, *outDir, formats)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(stdout, p)
	}
	return nil
}

// renderFiles parses and renders one document and writes one file per format.
func renderFiles(r *render.Renderer, data []byte, source, base, outDir string, formats []render.Format) ([]string, error) {
	doc, err := render.ParseDocument(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	out, err := r.Render(doc, formats...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	return writeOutputs(out, base, outDir, formats)
}

// writeOutputs writes one file per format, outDir/base.EXT, each whole or
// not at all. When one fails, the files written before it are removed
// again, so a document that failed leaves no files.
func writeOutputs(out *render.Output, base, outDir string, formats []render.Format) ([]string, error) {
	paths := make([]string, 0, len(formats))
	for _, f := range formats {
		p := filepath.Join(outDir, base+f.Extension())
		if err := writeAtomic(p, out.Bytes(f)); err != nil {
			for _, w := range paths {
				os.Remove(w)
			}
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// parseFormats reads a comma-separated format list.
func parseFormats(list string) ([]render.Format, error) {
	var out []render.Format
	seen := map[render.Format]bool{}
	for _, s := range strings.Split(list, ",") {
		f := render.Format(strings.ToLower(strings.TrimSpace(s)))
		switch f {
		case render.FormatPDF, render.FormatHTML, render.FormatText, render.FormatSMS:
		case "text":
			f = render.FormatText
		default:
			return nil, fmt.Errorf("%w: --format: unknown format %q (pdf, html, txt, sms)", errUsage, s)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// loadKitFrom resolves --kit: a folder; NAME@N or NAME@PIN from the kit store;
// a plain NAME from the kit store when published there, else the bundled
// sample kit of that name.
func loadKitFrom(spec, setting string) (*brandkits.Kit, error) {
	if st, err := os.Stat(spec); err == nil && st.IsDir() {
		return brandkits.LoadDir(spec)
	}
	if strings.ContainsAny(spec, `/\`) {
		return nil, fmt.Errorf("kit folder %s does not exist", spec)
	}
	ctx := context.Background()
	store, done, err := openKitStore(ctx, setting)
	if err != nil {
		return nil, err
	}
	defer done()
	v, err := store.Resolve(ctx, spec)
	switch {
	case err == nil:
		kit, _, err := store.Load(ctx, v)
		return kit, err
	case strings.Contains(spec, "@") || !errors.Is(err, brandkits.ErrNotFound):
		return nil, err
	}
	return loadKit(spec)
}

// loadKit loads a kit folder, or a bundled sample kit by name.
func loadKit(spec string) (*brandkits.Kit, error) {
	if st, err := os.Stat(spec); err == nil && st.IsDir() {
		return brandkits.LoadDir(spec)
	}
	if strings.ContainsAny(spec, `/\`) {
		return nil, fmt.Errorf("kit folder %s does not exist", spec)
	}
	fsys, err := samples.KitFS(spec)
	if err != nil {
		return nil, fmt.Errorf("--kit %s: not a folder, and %w", spec, err)
	}
	return brandkits.LoadFS(fsys)
}

// writeAtomic writes through a temporary file and a rename, so a reader never
// sees half a file and a failed write leaves nothing behind.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	// Removed only on failure: after the rename the name is gone, and a
	// billing run would pay one failing unlink per file for nothing.
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
