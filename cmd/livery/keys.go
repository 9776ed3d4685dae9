package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/liveryhq/livery/api"
	"github.com/liveryhq/livery/brandkits"
)

// keysUsage lists the key tools.
const keysUsage = `usage: livery keys new --name NAME --role renderer|designer|admin [--kits KIT,...] | livery keys hash < SECRET`

// stdin is where `livery keys hash` reads the secret; tests replace it.
var stdin io.Reader = os.Stdin

// secretPrefix starts every secret `livery keys new` makes, so that a
// leaked one is recognisable (and found by secret scanners).
const secretPrefix = "lvk_"

// runKeys implements `livery keys ...`: API keys for `livery serve`.
func runKeys(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, keysUsage)
	}
	switch args[0] {
	case "new":
		return runKeysNew(args[1:], stdout)
	case "hash":
		return runKeysHash(args[1:], stdout)
	}
	return fmt.Errorf("%w: unknown keys command %q; %s", errUsage, args[0], keysUsage)
}

// runKeysNew implements `livery keys new`: a new random secret, printed
// once, and the keys file entry that holds only its SHA-256.
func runKeysNew(args []string, stdout io.Writer) error {
	fs := newFlags("keys new")
	name := fs.String("name", "", "the key's name, as logs and kit versions show it")
	role := fs.String("role", "", "renderer, designer or admin")
	kits := fs.String("kits", "", "comma-separated kit names the key is limited to (default: every kit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *name == "":
		return fmt.Errorf("%w: --name is required", errUsage)
	case strings.ContainsAny(*name, ":; \t\r\n"):
		return fmt.Errorf("%w: --name %q: no spaces, colons or semicolons", errUsage, *name)
	case strings.ContainsAny(*kits, ":; \t\r\n"):
		return fmt.Errorf("%w: --kits %q: kit names separated by commas", errUsage, *kits)
	}
	key := api.Key{Name: *name, Role: api.Role(*role), SHA256: api.HashSecret("")}
	if *kits != "" {
		key.Kits = strings.Split(*kits, ",")
		for _, k := range key.Kits {
			if err := brandkits.CheckName(k); err != nil {
				return fmt.Errorf("%w: --kits: %v", errUsage, err)
			}
		}
	}
	if err := api.CheckKeys([]api.Key{key}); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return err
	}
	secret := secretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	key.SHA256 = api.HashSecret(secret)

	var entry bytes.Buffer
	enc := yaml.NewEncoder(&entry)
	enc.SetIndent(2)
	if err := enc.Encode([]api.Key{key}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Secret for %s (shown once: give it to the client and keep no other copy):\n\n    %s\n\n", key.Name, secret)
	fmt.Fprintf(stdout, "Add this entry under \"keys:\" in the keys file (--keys-file, $LIVERY_API_KEYS_FILE):\n\n")
	for _, line := range strings.SplitAfter(strings.TrimRight(entry.String(), "\n"), "\n") {
		fmt.Fprint(stdout, "  "+line)
	}
	fmt.Fprintln(stdout)
	return nil
}

// runKeysHash implements `livery keys hash`: the SHA-256 of a secret read
// from standard input (one line), for a keys file entry.
func runKeysHash(args []string, stdout io.Writer) error {
	fs := newFlags("keys hash")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(stdin, 4<<10))
	if err != nil {
		return fmt.Errorf("read the secret: %w", err)
	}
	secret := strings.TrimRight(string(data), "\r\n")
	switch {
	case secret == "":
		return fmt.Errorf("%w: send the secret on standard input: livery keys hash < secret.txt", errUsage)
	case strings.ContainsAny(secret, "\r\n"):
		return fmt.Errorf("%w: the secret is one line", errUsage)
	case len(secret) < api.MinSecretLen:
		return fmt.Errorf("the secret is shorter than %d characters; make one with `livery keys new`", api.MinSecretLen)
	}
	fmt.Fprintln(stdout, api.HashSecret(secret))
	return nil
}
