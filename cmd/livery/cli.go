package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// usage is printed by `livery help` and on a usage error.
const usage = `livery renders branded documents from raw data and a brand kit.

Usage:
  livery render  --kit DIR|NAME --data FILE [--out DIR] [--format pdf,html,txt,sms]
                 [--profile FILE|NAME@N] [--input json|ndjson|csv|ubl] [--concurrency N]
  livery map     [--profile FILE|NAME@N] --data FILE [--input json|csv|ubl]
  livery samples [--out DIR] [--format pdf,html,txt,sms]
  livery preview [--kit DIR] [--data FILE|DIR] [--addr 127.0.0.1:0] [--dpi 96]
  livery kit lint DIR
  livery kit publish DIR --note TEXT [--author NAME]
  livery kit list [NAME] [--json]
  livery kit diff NAME@A NAME@B
  livery kit pin NAME@N PIN          (e.g. livery kit pin roastery@3 live)
  livery kit retire NAME
  livery profile lint FILE | publish FILE --note TEXT | list [NAME] | pin NAME@N PIN | show NAME[@N]
  livery serve   [--addr HOST:PORT] [--storage SETTING] [--keys-file FILE] ...
  livery keys new --name NAME --role renderer|designer|admin [--kits KIT,...]
  livery keys hash < SECRET
  livery healthcheck [--addr HOST:PORT]
  livery help

Kit and profile tools and serve use --storage, else $LIVERY_STORAGE, else file://./livery-data
(s3://bucket/prefix?endpoint=...&region=... for S3 or S3-compatible servers).

serve runs the REST API (docs/api.md); every flag also reads an environment
variable (README.md, "Configuration"). Without API keys ($LIVERY_API_KEYS or
--keys-file) it listens on loopback only.

--kit takes a kit folder (kit.yaml, logo, fonts/), a published kit version
(NAME, NAME@N, NAME@live) from the kit store, or the name of a bundled sample
kit (roastery, insurer, telecom, polderstroom).

--profile maps legacy JSON or a CSV billing run (docs/mapping.md): a profile
file, a published profile (NAME, NAME@N, NAME@live) or a bundled sample
profile (sap-export, billing-run). UBL XML (.xml) needs no profile.

render renders a whole billing run from NDJSON (.ndjson, .jsonl or --input
ndjson; one canonical document a line, or legacy JSON with --profile; - reads
standard input) or a CSV billing run: --concurrency documents at once
(default: one per CPU), each named after its number (else line-N), a
duplicate name getting -2, -3. The paths written are printed in input order;
a document that fails is one line on stderr and the run goes on; a summary
line ends it ("rendered N documents, M failed in S s (R docs/s)"), and the
exit status is 1 when any failed.
`

// command is one subcommand: it gets its arguments and writes to stdout;
// errors are returned, and run prints them as one line on stderr.
type command func(args []string, stdout io.Writer) error

var commands = map[string]command{
	"render":      runRender,
	"samples":     runSamples,
	"preview":     runPreview,
	"kit":         runKit,
	"map":         runMap,
	"profile":     runProfile,
	"serve":       runServe,
	"keys":        runKeys,
	"healthcheck": runHealthcheck,
}

// errUsage marks errors that come from how the command was called.
var errUsage = errors.New("usage")

// run dispatches to a subcommand and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "livery: unknown command %q (try `livery help`)\n", args[0])
		return 2
	}
	if err := cmd(args[1:], stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "livery %s: %s\n", args[0], oneLine(err.Error()))
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// newFlags makes a flag set that reports errors instead of exiting, so that
// every error leaves through run as one line.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args and turns a flag error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
