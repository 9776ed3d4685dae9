package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/liveryhq/livery/mapping"
)

// profileUsage lists the profile tools.
const profileUsage = `usage: livery profile lint FILE | publish FILE --note TEXT | list [NAME] | pin NAME@N PIN | show NAME[@N]`

// runProfile implements `livery profile ...`: mapping profiles, published
// and pinned like kits.
func runProfile(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, profileUsage)
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "lint":
		return runProfileLint(rest, stdout)
	case "publish":
		return runProfilePublish(rest, stdout)
	case "list":
		return runProfileList(rest, stdout)
	case "pin":
		return runProfilePin(rest, stdout)
	case "show":
		return runProfileShow(rest, stdout)
	}
	return fmt.Errorf("%w: unknown profile command %q; %s", errUsage, sub, profileUsage)
}

// runProfileLint implements `livery profile lint FILE`: every problem, one
// per line on stdout, and a non-zero exit when there is one.
func runProfileLint(args []string, stdout io.Writer) error {
	fs := newFlags("profile lint")
	file, err := parseWithOneArg(fs, args, "livery profile lint FILE")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	p, err := mapping.ParseProfile(data)
	var perr *mapping.ProfileError
	if errors.As(err, &perr) {
		for _, pr := range perr.Problems {
			fmt.Fprintln(stdout, pr.String())
		}
		return fmt.Errorf("%s: %d problem(s)", file, len(perr.Problems))
	}
	if err != nil {
		return err
	}
	kind := "JSON documents"
	if p.CSV != nil {
		kind = "CSV billing runs"
	}
	fmt.Fprintf(stdout, "%s: ok (profile %s: %s to %s)\n", file, p.Name, kind, p.Target)
	return nil
}

// runProfilePublish implements `livery profile publish FILE --note TEXT`.
func runProfilePublish(args []string, stdout io.Writer) error {
	fs := newFlags("profile publish")
	note := fs.String("note", "", "change note (required)")
	author := fs.String("author", defaultAuthor(), "who publishes")
	setting := storageFlag(fs)
	file, err := parseWithOneArg(fs, args, "livery profile publish FILE --note TEXT")
	if err != nil {
		return err
	}
	if *note == "" {
		return fmt.Errorf("%w: --note is required: say what changed", errUsage)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	p, err := mapping.ParseProfile(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	ctx := context.Background()
	store, done, err := openProfileStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	v, err := store.Publish(ctx, p.Name, mapping.PublishRequest{YAML: data, Author: *author, Note: *note})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %s sha256:%s\n", v.Ref(), v.Hash)
	return nil
}

// runProfileList implements `livery profile list [NAME]`.
func runProfileList(args []string, stdout io.Writer) error {
	fs := newFlags("profile list")
	setting := storageFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: livery profile list [NAME]", errUsage)
	}
	ctx := context.Background()
	store, done, err := openProfileStore(ctx, *setting)
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
		fmt.Fprintf(stdout, "  @%d\t%s\t%s\t%s\tsha256:%.12s\t%s\n", v.Number, v.Created.UTC().Format("2006-01-02 15:04"), v.Target, v.Author, v.Hash, v.Note)
	}
	return nil
}

// runProfilePin implements `livery profile pin NAME@N PIN`.
func runProfilePin(args []string, stdout io.Writer) error {
	fs := newFlags("profile pin")
	setting := storageFlag(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: livery profile pin NAME@N PIN", errUsage)
	}
	ctx := context.Background()
	store, done, err := openProfileStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	// NAME, NAME@N or NAME@PIN: pin whatever that resolves to now.
	v, err := store.Resolve(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	if err := store.Pin(ctx, v.Name, fs.Arg(1), v.Number); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s@%s -> %s\n", v.Name, fs.Arg(1), v.Ref())
	return nil
}

// runProfileShow implements `livery profile show NAME[@N]`: the stored file.
func runProfileShow(args []string, stdout io.Writer) error {
	fs := newFlags("profile show")
	setting := storageFlag(fs)
	ref, err := parseWithOneArg(fs, args, "livery profile show NAME[@N]")
	if err != nil {
		return err
	}
	ctx := context.Background()
	store, done, err := openProfileStore(ctx, *setting)
	if err != nil {
		return err
	}
	defer done()
	v, err := store.Resolve(ctx, ref)
	if err != nil {
		return err
	}
	p, err := store.Load(ctx, v)
	if err != nil {
		return err
	}
	_, err = stdout.Write(p.YAML())
	return err
}
