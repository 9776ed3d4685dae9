package render

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// update rewrites golden files instead of comparing: go test ./render -update.
var update = flag.Bool("update", false, "rewrite golden files")

// mustGolden compares got with testdata/golden/name, or writes it there with
// -update. Review a rewritten file's diff before committing it.
func mustGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./render -run %s -update", t.Name())
	require.Equal(t, string(want), string(got), "output differs from %s; rerun with -update if the change is intended", path)
}
