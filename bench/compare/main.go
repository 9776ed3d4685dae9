package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/liveryhq/livery/brandkits"
)

// config is what the flags set.
type config struct {
	runs      int
	warmup    int
	inProcess time.Duration
	out       string
	livery    string
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line.
func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.IntVar(&cfg.runs, "runs", 10, "timed documents per external route and invoice")
	fs.IntVar(&cfg.warmup, "warmup", 3, "untimed documents the warm Chromium tab prints first, per invoice")
	fs.DurationVar(&cfg.inProcess, "inprocess", 3*time.Second, "how long Livery renders in-process, per invoice")
	fs.StringVar(&cfg.out, "out", "", "write the Markdown to this file (default: standard output)")
	fs.StringVar(&cfg.livery, "livery", "", "livery binary for the CLI route (default: go build ./cmd/livery)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./bench/compare [flags]\n\nCompares Livery with Chromium, wkhtmltopdf and WeasyPrint on the sample invoices and prints a Markdown report.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case cfg.runs < 1:
		return config{}, fmt.Errorf("-runs must be at least 1")
	case cfg.warmup < 0:
		return config{}, fmt.Errorf("-warmup must not be negative")
	case cfg.inProcess < batchLength:
		return config{}, fmt.Errorf("-inprocess must be at least %v", batchLength)
	}
	return cfg, nil
}

// command is the command line that reproduces the run, for the report.
func (c config) command() string {
	s := fmt.Sprintf("go run ./bench/compare -runs %d -inprocess %v", c.runs, c.inProcess)
	if c.warmup != 3 {
		s += fmt.Sprintf(" -warmup %d", c.warmup)
	}
	if c.livery != "" {
		s += " -livery " + c.livery
	}
	return s
}

// run measures every route on every invoice and writes the report.
func run(ctx context.Context, cfg config) error {
	start := time.Now()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "compare: "+format+"\n", args...) }
	mach := readMachine(findChromium())

	work, err := os.MkdirTemp("", "livery-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	invoices, err := loadInvoices(work)
	if err != nil {
		return err
	}
	var kits []*brandkits.Kit
	for _, inv := range invoices {
		kits = append(kits, inv.kit)
	}
	fontConf, err := writeFontConfig(work, kits)
	if err != nil {
		return fmt.Errorf("fonts for the HTML tools: %w", err)
	}
	s := &setup{
		work: work, fontConf: fontConf,
		runs: cfg.runs, warmup: cfg.warmup, inProcess: cfg.inProcess,
		checker: newPDFChecker(work),
	}

	liveryExe, liveryErr := cfg.livery, error(nil)
	if liveryExe == "" {
		logf("building livery")
		liveryExe, liveryErr = buildLivery(ctx, work)
	} else if _, err := os.Stat(liveryExe); err != nil {
		liveryErr = fmt.Errorf("-livery: %w", err)
	}
	routes := []route{
		&inProcess{s: s}, // first, so that its peak memory is its own
		newLiveryCLI(s, liveryExe, liveryErr),
		newChromiumCLI(s),
		newWarmTab(s),
		newWkhtmltopdf(s),
		newWeasyPrint(s),
	}

	sections := make([]section, len(invoices))
	for i, inv := range invoices {
		sections[i] = section{title: inv.title, file: inv.file, kit: inv.kitName, targeted: inv.targeted}
	}
	for _, rt := range routes {
		for i, inv := range invoices {
			res := rt.measure(ctx, inv)
			logf("%s", summary(res))
			sections[i].results = append(sections[i].results, res)
			if err := ctx.Err(); err != nil {
				rt.close()
				return err
			}
		}
		rt.close()
	}

	rep := &report{
		machine:   mach,
		command:   cfg.command(),
		date:      start,
		elapsed:   time.Since(start),
		sections:  sections,
		pages:     s.checker.pdfinfo != "",
		verified:  s.checker.pdftotext != "",
		runs:      cfg.runs,
		warmup:    cfg.warmup,
		inProcess: cfg.inProcess,
	}
	var buf bytes.Buffer
	if err := rep.write(&buf); err != nil {
		return err
	}
	if cfg.out == "" {
		_, err := os.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(cfg.out, buf.Bytes(), 0o644)
}

// summary is one progress line for standard error.
func summary(r result) string {
	head := r.label + ", " + r.invoice + ": "
	switch {
	case r.missing != "":
		return head + "not installed (" + r.missing + ")"
	case r.err != nil:
		return head + "failed: " + strings.TrimSpace(r.err.Error())
	default:
		return fmt.Sprintf("%s%s, median %s", head, plural(len(r.wall), "run"), fmtDuration(median(r.wall)))
	}
}
