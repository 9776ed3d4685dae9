package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"

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
		return kitKind.runPublish(rest, stdout)
	case "list":
		return kitKind.runList(rest, stdout)
	case "diff":
		return runKitDiff(rest, stdout)
	case "pin":
		return kitKind.runPin(rest, stdout)
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
	return openStore(ctx, setting, storage.NewKitStore)
}

// runKitLint implements `livery kit lint DIR`: every problem, one per line on
// stdout; a non-zero exit when there is an error (warnings alone pass).
func runKitLint(args []string, stdout io.Writer) error {
	fs := newFlags("kit lint")
	if err := parseArgs(fs, args, 1, 1, "livery kit lint DIR"); err != nil {
		return err
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

// kitKind is kits for the commands they share with profiles.
var kitKind = versionedKind[brandkits.Version, brandkits.Summary, brandkits.PublishRequest]{
	noun: "kit", source: "DIR",
	open: func(ctx context.Context, setting string) (versionedStore[brandkits.Version, brandkits.Summary, brandkits.PublishRequest], func(), error) {
		return openKitStore(ctx, setting)
	},
	request: kitRequest,
	summary: func(s brandkits.Summary) (summaryView, []brandkits.Version) {
		return summaryView{Name: s.Name, Latest: s.Latest, Pins: s.Pins, Retired: s.Retired}, s.Versions
	},
	version: func(v brandkits.Version) versionView {
		return versionView{Name: v.Name, Number: v.Number, Created: v.Created, Author: v.Author, Note: v.Note, Hash: v.Hash}
	},
}

// kitRequest reads the kit folder dir for `livery kit publish`.
func kitRequest(dir, author, note string) (string, brandkits.PublishRequest, error) {
	files, err := brandkits.FilesFromFS(os.DirFS(dir))
	if err != nil {
		return "", brandkits.PublishRequest{}, err
	}
	kit, err := brandkits.Parse(files["kit.yaml"], withoutYAML(files))
	if err != nil {
		return "", brandkits.PublishRequest{}, fmt.Errorf("%s: %w", dir, err)
	}
	return kit.Name, brandkits.PublishRequest{Files: files, Author: author, Note: note}, nil
}

// runKitDiff implements `livery kit diff NAME@A NAME@B`.
func runKitDiff(args []string, stdout io.Writer) error {
	fs := newFlags("kit diff")
	setting := storageFlag(fs)
	if err := parseArgs(fs, args, 2, 2, "livery kit diff NAME@A NAME@B"); err != nil {
		return err
	}
	return withStore(*setting, openKitStore, func(ctx context.Context, store *storage.KitStore) error {
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
	})
}

// runKitRetire implements `livery kit retire NAME`.
func runKitRetire(args []string, stdout io.Writer) error {
	fs := newFlags("kit retire")
	setting := storageFlag(fs)
	name, err := parseWithOneArg(fs, args, "livery kit retire NAME")
	if err != nil {
		return err
	}
	return withStore(*setting, openKitStore, func(ctx context.Context, store *storage.KitStore) error {
		if err := store.Retire(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s retired\n", name)
		return nil
	})
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

// defaultAuthor is the publishing user's name, for the version record.
func defaultAuthor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
