package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/liveryhq/livery/mapping"
	"github.com/liveryhq/livery/storage"
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
		return profileKind.runPublish(rest, stdout)
	case "list":
		return profileKind.runList(rest, stdout)
	case "pin":
		return profileKind.runPin(rest, stdout)
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

// profileKind is mapping profiles for the commands they share with kits.
var profileKind = versionedKind[mapping.Version, mapping.Summary, mapping.PublishRequest]{
	noun: "profile", source: "FILE",
	open: func(ctx context.Context, setting string) (versionedStore[mapping.Version, mapping.Summary, mapping.PublishRequest], func(), error) {
		return openProfileStore(ctx, setting)
	},
	request: profileRequest,
	summary: func(s mapping.Summary) (summaryView, []mapping.Version) {
		return summaryView{Name: s.Name, Latest: s.Latest, Pins: s.Pins, Retired: s.Retired}, s.Versions
	},
	version: func(v mapping.Version) versionView {
		return versionView{Name: v.Name, Number: v.Number, Created: v.Created, Extra: []string{v.Target}, Author: v.Author, Note: v.Note, Hash: v.Hash}
	},
}

// profileRequest reads the profile file for `livery profile publish`.
func profileRequest(file, author, note string) (string, mapping.PublishRequest, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", mapping.PublishRequest{}, err
	}
	p, err := mapping.ParseProfile(data)
	if err != nil {
		return "", mapping.PublishRequest{}, fmt.Errorf("%s: %w", file, err)
	}
	return p.Name, mapping.PublishRequest{YAML: data, Author: author, Note: note}, nil
}

// runProfileShow implements `livery profile show NAME[@N]`: the stored file.
func runProfileShow(args []string, stdout io.Writer) error {
	fs := newFlags("profile show")
	setting := storageFlag(fs)
	ref, err := parseWithOneArg(fs, args, "livery profile show NAME[@N]")
	if err != nil {
		return err
	}
	return withStore(*setting, openProfileStore, func(ctx context.Context, store *storage.ProfileStore) error {
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
	})
}
