package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strings"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/storage"
)

// kitUsage lists the kit tools.
const kitUsage = `usage: livery kit lint DIR | publish DIR --note TEXT | list [NAME] | diff NAME@A NAME@B | pin NAME@N PIN | retire NAME`

// runKit implements `livery kit ...`: the brand designer's tools.
func runKit(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, kitUsage)
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "lint":
		return runKitLint(rest, stdout)
	case "publish":
		return runKitPublish(rest, stdout)
	case "list":
		return runKitList(rest, stdout)
	case "diff":
		return runKitDiff(rest, stdout)
	case "pin":
		return runKitPin(rest, stdout)
	case "retire":
		return runKitRetire(rest, stdout)
	}
	return fmt.Errorf("%w: unknown kit command %q; %s", errUsage, sub, kitUsage)
}

// storageFlag adds --storage, defaulting to $LIVERY_STORAGE or ./livery-data.
func storageFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	return fs.String("storage", storage.SettingFromEnv(), "storage: file:///path, s3://bucket/prefix?endpoint=... (default $LIVERY_STORAGE or file://./livery-data)")
}

// openKitStore opens the configured storage as a kit store.
func openKitStore(ctx context.Context, setting string) (*storage.KitStore, func(), error) {
	b, err := storage.Open(ctx, setting)
	if err != nil {
		return nil, nil, fmt.Errorf("open storage: %w", err)
	}
	return storage.NewKitStore(b), func() { b.Close() }, nil
}

// runKitLint implements `livery kit lint DIR`: every problem, one per line on
// stdout; a non-zero exit when there is an error (warnings alone pass).
func runKitLint(args []string, stdout io.Writer) error {
	fs := newFlags("kit lint")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: livery kit lint DIR", errUsage)
	}
	problems, err := brandkits.LintDir(fs.Arg(0))
	if err != nil {
		return err
	}
	errs := 0
	for _, p := range problems {
		fmt.Fprintln(stdout, p.String())
		if !p.Warning {
			errs++
		}
	}
	if errs > 0 {
		return fmt.Errorf("%s: %d error(s), %d warning(s)", fs.Arg(0), errs, len(problems)-errs)
	}
	fmt.Fprintf(stdout, "%s: ok (%d warning(s))\n", fs.Arg(0), len(problems))
	return nil
}

// runKitPublish implements `livery kit publish DIR --note TEXT`.
func runKitPublish(args []string, stdout io.Writer) error {
	fs := newFlags("kit publish")
	note := fs.String("note", "", "change note (required)")
	author := fs.String("author", defaultAuthor(), "who publishes")
	setting := storageFlag(fs)
	dir, err := parseWithOneArg(fs, args, "livery kit publish DIR --note TEXT")
	if err != nil {
		return err
	}
	if strings.TrimSpace(*note) == "" {
		return fmt.Errorf("%w: --note is required: say what changed", errUsage)
	}
	files, err := brandkits.FilesFromFS(os.DirFS(dir))
	if err != nil {
		return err
	}
	kit, err := brandkits.Parse(files["kit.yaml"], withoutYAML(files))
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	ctx := context.Background()
	store, done, err := openKitStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	v, err := store.Publish(ctx, kit.Name, brandkits.PublishRequest{Files: files, Author: *author, Note: *note})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %s@%d sha256:%s\n", v.Name, v.Number, v.Hash)
	return nil
}

// runKitList implements `livery kit list [NAME]`.
func runKitList(args []string, stdout io.Writer) error {
	fs := newFlags("kit list")
	setting := storageFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: livery kit list [NAME]", errUsage)
	}
	ctx := context.Background()
	store, done, err := openKitStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	if fs.NArg() == 0 {
		list, err := store.List(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(list)
		}
		for _, s := range list {
			fmt.Fprintf(stdout, "%s\tlatest %d\t%s%s\n", s.Name, s.Latest, formatPins(s.Pins), retiredMark(s.Retired))
		}
		return nil
	}
	s, err := store.Get(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(s)
	}
	fmt.Fprintf(stdout, "%s\t%s%s\n", s.Name, formatPins(s.Pins), retiredMark(s.Retired))
	for _, v := range s.Versions {
		fmt.Fprintf(stdout, "  @%d\t%s\t%s\tsha256:%.12s\t%s\n", v.Number, v.Created.UTC().Format("2006-01-02 15:04"), v.Author, v.Hash, v.Note)
	}
	return nil
}

// runKitDiff implements `livery kit diff NAME@A NAME@B`.
func runKitDiff(args []string, stdout io.Writer) error {
	fs := newFlags("kit diff")
	setting := storageFlag(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: livery kit diff NAME@A NAME@B", errUsage)
	}
	ctx := context.Background()
	store, done, err := openKitStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	var kits [2]*brandkits.Kit
	var files [2]brandkits.Files
	for i, ref := range fs.Args() {
		v, err := store.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		if kits[i], files[i], err = store.Load(ctx, v); err != nil {
			return err
		}
	}
	changes := brandkits.Diff(kits[0], kits[1], files[0], files[1])
	if len(changes) == 0 {
		fmt.Fprintln(stdout, "no changes")
		return nil
	}
	fmt.Fprint(stdout, brandkits.FormatDiff(changes))
	return nil
}

// runKitPin implements `livery kit pin NAME@N PIN`.
func runKitPin(args []string, stdout io.Writer) error {
	fs := newFlags("kit pin")
	setting := storageFlag(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: livery kit pin NAME@N PIN", errUsage)
	}
	name, number, pin, err := brandkits.ParseRef(fs.Arg(0))
	if err != nil {
		return err
	}
	ctx := context.Background()
	store, done, err := openKitStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	if number == 0 {
		// NAME or NAME@PIN: pin whatever that resolves to now.
		v, err := store.Resolve(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		number = v.Number
		_ = pin
	}
	if err := store.Pin(ctx, name, fs.Arg(1), number); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s@%s -> %s@%d\n", name, fs.Arg(1), name, number)
	return nil
}

// runKitRetire implements `livery kit retire NAME`.
func runKitRetire(args []string, stdout io.Writer) error {
	fs := newFlags("kit retire")
	setting := storageFlag(fs)
	name, err := parseWithOneArg(fs, args, "livery kit retire NAME")
	if err != nil {
		return err
	}
	ctx := context.Background()
	store, done, err := openKitStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	if err := store.Retire(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s retired\n", name)
	return nil
}

// parseWithOneArg parses flags that may stand before or after one positional
// argument, as designers type them (`publish DIR --note x`).
func parseWithOneArg(fs interface {
	Parse([]string) error
	NArg() int
	Arg(int) string
}, args []string, use string) (string, error) {
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return "", fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = restArgs(fs)
	}
	if len(pos) != 1 {
		return "", fmt.Errorf("%w: %s", errUsage, use)
	}
	return pos[0], nil
}

// restArgs returns the arguments after the first positional one.
func restArgs(fs interface {
	NArg() int
	Arg(int) string
}) []string {
	out := make([]string, 0, fs.NArg()-1)
	for i := 1; i < fs.NArg(); i++ {
		out = append(out, fs.Arg(i))
	}
	return out
}

// withoutYAML returns the kit's assets: every file but kit.yaml.
func withoutYAML(files brandkits.Files) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for p, b := range files {
		if p != "kit.yaml" {
			out[p] = b
		}
	}
	return out
}

// formatPins prints pins as "live=3 beta=4", sorted.
func formatPins(pins map[string]int) string {
	var parts []string
	for p, n := range pins {
		parts = append(parts, fmt.Sprintf("%s=%d", p, n))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "no pins"
	}
	return "pins " + strings.Join(parts, " ")
}

// retiredMark flags a retired kit in listings.
func retiredMark(retired bool) string {
	if retired {
		return "\tretired"
	}
	return ""
}

// defaultAuthor is the publishing user's name, for the version record.
func defaultAuthor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
