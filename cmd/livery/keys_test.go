package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/api"
)

// secretLine finds the secret in `livery keys new`'s output.
var secretLine = regexp.MustCompile(`(?m)^    (lvk_[A-Za-z0-9_-]{43})$`)

func TestKeysNewPrintsSecretOnceAndFileEntry(t *testing.T) {
	code, out, stderr := runCLI(t, "keys", "new", "--name", "billing", "--role", "renderer", "--kits", "roastery,insurer")
	require.Equal(t, 0, code, stderr)
	m := secretLine.FindAllStringSubmatch(out, -1)
	require.Len(t, m, 1, "the secret once: %s", out)
	secret := m[0][1]
	assert.Equal(t, 1, strings.Count(out, secret))

	// The entry, pasted under "keys:", is a keys file that knows the secret.
	_, entry, ok := strings.Cut(out, "\"keys:\" in the keys file")
	require.True(t, ok, out)
	_, entry, _ = strings.Cut(entry, "\n\n")
	file := filepath.Join(t.TempDir(), "keys.yaml")
	require.NoError(t, os.WriteFile(file, []byte("keys:\n"+entry), 0o600))
	keys, err := api.LoadKeysFile(file)
	require.NoError(t, err, "keys.yaml:\nkeys:\n%s", entry)
	assert.Equal(t, []api.Key{{Name: "billing", Role: api.RoleRenderer, SHA256: api.HashSecret(secret), Kits: []string{"roastery", "insurer"}}}, keys)

	// The secret also works in LIVERY_API_KEYS.
	env, err := api.ParseKeysEnv("billing:renderer:" + secret)
	require.NoError(t, err)
	assert.Equal(t, keys[0].SHA256, env[0].SHA256)

	_, again, _ := runCLI(t, "keys", "new", "--name", "billing", "--role", "renderer")
	assert.NotContains(t, again, secret, "every secret is new")
	assert.NotContains(t, again, "kits:")
}

func TestKeysNewRefusals(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--role", "admin"}, "--name is required"},
		{[]string{"--name", "a:b", "--role", "admin"}, "no spaces, colons or semicolons"},
		{[]string{"--name", "ops", "--role", "root"}, `"root" is not renderer`},
		{[]string{"--name", "ops", "--role", "admin", "--kits", "Roastery"}, "lower case"},
		{[]string{"--name", "ops", "--role", "admin", "--kits", "a;b"}, "separated by commas"},
	} {
		code, out, stderr := runCLI(t, append([]string{"keys", "new"}, c.args...)...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Empty(t, out)
		assert.Contains(t, stderr, c.want)
	}
	code, _, stderr := runCLI(t, "keys")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "livery keys new")
}

func TestKeysHash(t *testing.T) {
	old := stdin
	t.Cleanup(func() { stdin = old })
	const secret = "lvk_some-secret-from-a-vault"
	for _, in := range []string{secret, secret + "\n", secret + "\r\n"} {
		stdin = strings.NewReader(in)
		code, out, stderr := runCLI(t, "keys", "hash")
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, api.HashSecret(secret)+"\n", out)
	}
	for in, want := range map[string]string{"": "send the secret on standard input", "short\n": "shorter than 16", "a-long-secret-1\nline-two-of-it\n": "one line"} {
		stdin = strings.NewReader(in)
		code, out, stderr := runCLI(t, "keys", "hash")
		assert.NotEqual(t, 0, code)
		assert.Empty(t, out)
		assert.Contains(t, stderr, want)
	}
}
