package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/liveryhq/livery/storage"
)

// versionedStore is what the publish, list and pin commands use of a store
// of named, numbered, immutable versions with pins: brandkits.Store (V
// brandkits.Version, S brandkits.Summary, R brandkits.PublishRequest) or
// mapping.Store, both kept by storage/versioned.go.
type versionedStore[V, S, R any] interface {
	Publish(ctx context.Context, name string, req R) (V, error)
	Resolve(ctx context.Context, ref string) (V, error)
	List(ctx context.Context) ([]S, error)
	Get(ctx context.Context, name string) (S, error)
	Pin(ctx context.Context, name, pin string, number int) error
}

// versionedKind is one kind of versioned thing (kits, profiles) as the
// commands that kits and profiles share see it.
type versionedKind[V, S, R any] struct {
	noun   string // "kit", "profile": the subcommand
	source string // what publish reads: "DIR", "FILE"
	open   func(ctx context.Context, setting string) (versionedStore[V, S, R], func(), error)
	// request reads the thing publish stores from source, refusing one
	// that does not parse, and returns its name.
	request func(source, author, note string) (string, R, error)
	// summary returns what the list of names shows of a summary, and its
	// versions (from Get).
	summary func(S) (summaryView, []V)
	version func(V) versionView
}

// summaryView is what a listing shows of a name.
type summaryView struct {
	Name    string
	Latest  int
	Pins    map[string]int
	Retired bool
}

// versionView is what the commands show of a version.
type versionView struct {
	Name         string
	Number       int
	Created      time.Time
	Extra        []string // columns of the kind's own, after Created (a profile's target)
	Author, Note string
	Hash         string
}

// runPublish implements `livery NOUN publish SOURCE --note TEXT`.
func (k versionedKind[V, S, R]) runPublish(args []string, stdout io.Writer) error {
	fs := newFlags(k.noun + " publish")
	note := fs.String("note", "", "change note (required)")
	author := fs.String("author", defaultAuthor(), "who publishes")
	setting := storageFlag(fs)
	source, err := parseWithOneArg(fs, args, fmt.Sprintf("livery %s publish %s --note TEXT", k.noun, k.source))
	if err != nil {
		return err
	}
	if strings.TrimSpace(*note) == "" {
		return fmt.Errorf("%w: --note is required: say what changed", errUsage)
	}
	// Read before opening storage: what does not parse writes nothing.
	name, req, err := k.request(source, *author, *note)
	if err != nil {
		return err
	}
	return k.withStore(*setting, func(ctx context.Context, store versionedStore[V, S, R]) error {
		v, err := store.Publish(ctx, name, req)
		if err != nil {
			return err
		}
		vv := k.version(v)
		fmt.Fprintf(stdout, "published %s@%d sha256:%s\n", vv.Name, vv.Number, vv.Hash)
		return nil
	})
}

// runList implements `livery NOUN list [NAME]`.
func (k versionedKind[V, S, R]) runList(args []string, stdout io.Writer) error {
	fs := newFlags(k.noun + " list")
	setting := storageFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseArgs(fs, args, 0, 1, "livery "+k.noun+" list [NAME]"); err != nil {
		return err
	}
	return k.withStore(*setting, func(ctx context.Context, store versionedStore[V, S, R]) error {
		if fs.NArg() == 1 {
			return k.printName(ctx, store, fs.Arg(0), *asJSON, stdout)
		}
		return k.printNames(ctx, store, *asJSON, stdout)
	})
}

// printNames prints every name, as `livery NOUN list` does.
func (k versionedKind[V, S, R]) printNames(ctx context.Context, store versionedStore[V, S, R], asJSON bool, stdout io.Writer) error {
	list, err := store.List(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(list)
	}
	for _, s := range list {
		sv, _ := k.summary(s)
		fmt.Fprintf(stdout, "%s\tlatest %d\t%s%s\n", sv.Name, sv.Latest, formatPins(sv.Pins), retiredMark(sv.Retired))
	}
	return nil
}

// printName prints name with its versions, as `livery NOUN list NAME` does.
func (k versionedKind[V, S, R]) printName(ctx context.Context, store versionedStore[V, S, R], name string, asJSON bool, stdout io.Writer) error {
	s, err := store.Get(ctx, name)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(s)
	}
	sv, versions := k.summary(s)
	fmt.Fprintf(stdout, "%s\t%s%s\n", sv.Name, formatPins(sv.Pins), retiredMark(sv.Retired))
	for _, v := range versions {
		vv := k.version(v)
		fmt.Fprintf(stdout, "  @%d\t%s\t", vv.Number, vv.Created.UTC().Format("2006-01-02 15:04"))
		for _, col := range vv.Extra {
			fmt.Fprintf(stdout, "%s\t", col)
		}
		fmt.Fprintf(stdout, "%s\tsha256:%.12s\t%s\n", vv.Author, vv.Hash, vv.Note)
	}
	return nil
}

// runPin implements `livery NOUN pin NAME@N PIN`. NAME and NAME@PIN work
// too: the pin goes to whatever they resolve to now.
func (k versionedKind[V, S, R]) runPin(args []string, stdout io.Writer) error {
	fs := newFlags(k.noun + " pin")
	setting := storageFlag(fs)
	if err := parseArgs(fs, args, 2, 2, "livery "+k.noun+" pin NAME@N PIN"); err != nil {
		return err
	}
	ref, pin := fs.Arg(0), fs.Arg(1)
	return k.withStore(*setting, func(ctx context.Context, store versionedStore[V, S, R]) error {
		v, err := store.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		vv := k.version(v)
		if err := store.Pin(ctx, vv.Name, pin, vv.Number); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s@%s -> %s@%d\n", vv.Name, pin, vv.Name, vv.Number)
		return nil
	})
}

// withStore runs fn with the kind's store in the storage setting names.
func (k versionedKind[V, S, R]) withStore(setting string, fn func(context.Context, versionedStore[V, S, R]) error) error {
	return withStore(setting, k.open, fn)
}

// withStore opens the store in the storage setting names with open, runs
// fn with it and closes it.
func withStore[St any](setting string, open func(context.Context, string) (St, func(), error), fn func(context.Context, St) error) error {
	ctx := context.Background()
	store, done, err := open(ctx, setting)
	if err != nil {
		return err
	}
	defer done()
	return fn(ctx, store)
}

// openStore opens the storage setting names as the store newStore makes
// of it (storage.NewKitStore, storage.NewProfileStore); the func it returns
// closes the storage.
func openStore[St any](ctx context.Context, setting string, newStore func(*storage.Bucket, ...storage.KitStoreOption) St) (St, func(), error) {
	b, err := storage.Open(ctx, setting)
	if err != nil {
		var none St
		return none, nil, fmt.Errorf("open storage: %w", err)
	}
	return newStore(b), func() { b.Close() }, nil
}

// parseArgs parses args into fs, flags before the positional arguments, of
// which there must be atLeast to atMost; use is the usage line to show
// otherwise.
func parseArgs(fs *flag.FlagSet, args []string, atLeast, atMost int, use string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() < atLeast || fs.NArg() > atMost {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	return nil
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

// retiredMark flags a retired name in listings.
func retiredMark(retired bool) string {
	if retired {
		return "\tretired"
	}
	return ""
}
