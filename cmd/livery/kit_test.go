package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyKit copies a sample kit folder so a test can change it.
func copyKit(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("../../samples/kits", name)
	dst := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
	return dst
}

func TestKitLifecycle(t *testing.T) {
	store := "file://" + t.TempDir()
	kit := copyKit(t, "insurer")

	code, out, errOut := runCLI(t, "kit", "publish", kit, "--note", "first", "--author", "ada", "--storage", store)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `^published insurer@1 sha256:[0-9a-f]{64}\n$`, out)

	yaml := filepath.Join(kit, "kit.yaml")
	data, err := os.ReadFile(yaml)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(yaml, []byte(strings.Replace(string(data), "signature:", "signature: \"The Harbour team\"\n  # was:", 1)), 0o644))
	code, out, errOut = runCLI(t, "kit", "publish", "--storage", store, kit, "--note", "new signature")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "insurer@2")

	code, out, _ = runCLI(t, "kit", "list", "--storage", store)
	require.Equal(t, 0, code)
	assert.Equal(t, "insurer\tlatest 2\tno pins\n", out)

	code, out, _ = runCLI(t, "kit", "pin", "--storage", store, "insurer@1", "live")
	require.Equal(t, 0, code)
	assert.Equal(t, "insurer@live -> insurer@1\n", out)

	code, out, _ = runCLI(t, "kit", "list", "--storage", store, "insurer")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "pins live=1")
	assert.Contains(t, out, "@1\t")
	assert.Contains(t, out, "ada")
	assert.Contains(t, out, "new signature")

	code, out, errOut = runCLI(t, "kit", "diff", "--storage", store, "insurer@live", "insurer@2")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "tone.signature")
	assert.Contains(t, out, "The Harbour team")

	code, _, errOut = runCLI(t, "kit", "diff", "--storage", store, "insurer@1", "insurer@7")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no version 7")

	code, _, _ = runCLI(t, "kit", "retire", "--storage", store, "insurer")
	require.Equal(t, 0, code)
	code, _, errOut = runCLI(t, "kit", "publish", kit, "--note", "after retire", "--storage", store)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "retired")
}

func TestKitLintAndPublishRefuseBrokenKits(t *testing.T) {
	store := t.TempDir()
	kit := copyKit(t, "roastery")
	yaml := filepath.Join(kit, "kit.yaml")
	data, err := os.ReadFile(yaml)
	require.NoError(t, err)
	broken := strings.Replace(string(data), "colors:", "colours: {}\ncolors:", 1)
	require.NoError(t, os.WriteFile(yaml, []byte(broken), 0o644))

	code, out, errOut := runCLI(t, "kit", "lint", kit)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `colours: unknown key`)
	assert.Equal(t, 1, strings.Count(errOut, "\n"))

	code, _, errOut = runCLI(t, "kit", "publish", kit, "--note", "x", "--storage", "file://"+store)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "colours")
	entries, _ := os.ReadDir(store)
	assert.Empty(t, entries, "a refused kit writes nothing")

	code, _, errOut = runCLI(t, "kit", "publish", kit, "--storage", "file://"+store)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--note is required")
}

func TestRenderWithPublishedVersionRecordsIt(t *testing.T) {
	store := "file://" + t.TempDir()
	kit := copyKit(t, "roastery")
	code, _, errOut := runCLI(t, "kit", "publish", kit, "--note", "v1", "--storage", store)
	require.Equal(t, 0, code, errOut)
	yaml := filepath.Join(kit, "kit.yaml")
	data, _ := os.ReadFile(yaml)
	require.NoError(t, os.WriteFile(yaml, []byte(strings.Replace(string(data), `primary: "#4A2C1D"`, `primary: "#3A2414"`, 1)), 0o644))
	code, _, errOut = runCLI(t, "kit", "publish", kit, "--note", "darker", "--storage", store)
	require.Equal(t, 0, code, errOut)

	render := func(ref string) []byte {
		out := t.TempDir()
		code, _, errOut := runCLI(t, "render", "--kit", ref, "--data", "../../samples/documents/invoice-onepage.json",
			"--out", out, "--format", "html", "--storage", store)
		require.Equal(t, 0, code, errOut)
		b, err := os.ReadFile(filepath.Join(out, "invoice-onepage.html"))
		require.NoError(t, err)
		return b
	}
	v1, latest, v1again := render("roastery@1"), render("roastery"), render("roastery@1")
	assert.Equal(t, v1, v1again, "name@N renders the same bytes after N+1 exists")
	assert.NotEqual(t, v1, latest)
	assert.Contains(t, string(v1), `content="roastery@1 sha256:`)
	assert.Contains(t, string(latest), `content="roastery@2 sha256:`)
	assert.Contains(t, strings.ToLower(string(latest)), "#3a2414")

	code, _, errOut = runCLI(t, "render", "--kit", "roastery@live", "--data", "../../samples/documents/invoice-onepage.json", "--storage", store)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "live")
}
