package main

import (
	"fmt"
	"io"

	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// runSamples implements `livery samples`: every bundled sample document
// rendered with its sample kit.
func runSamples(args []string, stdout io.Writer) error {
	fs := newFlags("samples")
	outDir := fs.String("out", "out", "folder to write the files to")
	formatList := fs.String("format", "pdf,html,txt", "formats to write: pdf, html, txt, sms")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	formats, err := parseFormats(*formatList)
	if err != nil {
		return err
	}
	pairs, err := samples.Pairs()
	if err != nil {
		return err
	}
	renderers := map[string]*render.Renderer{}
	for _, p := range pairs {
		r, ok := renderers[p.Kit]
		if !ok {
			kit, err := loadKit(p.Kit)
			if err != nil {
				return err
			}
			if r, err = render.New(kit); err != nil {
				return err
			}
			renderers[p.Kit] = r
		}
		data, err := samples.Document(p.Document)
		if err != nil {
			return err
		}
		base := p.Document[:len(p.Document)-len(".json")]
		paths, err := renderFiles(r, data, "samples/documents/"+p.Document, base, *outDir, formats)
		if err != nil {
			return err
		}
		for _, path := range paths {
			fmt.Fprintln(stdout, path)
		}
	}
	return nil
}
