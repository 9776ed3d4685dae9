package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

func TestSampleDump(t *testing.T) {
	pairs, err := samples.Pairs()
	require.NoError(t, err)
	dir := "/tmp/sdump"
	os.MkdirAll(dir, 0o755)
	for _, p := range pairs {
		fsys, err := samples.KitFS(p.Kit)
		require.NoError(t, err)
		kit, err := brandkits.LoadFS(fsys)
		require.NoError(t, err)
		r, err := New(kit)
		require.NoError(t, err)
		data, err := samples.Document(p.Document)
		require.NoError(t, err)
		doc, err := ParseDocument(data)
		require.NoError(t, err)
		out, err := r.Render(doc, AllFormats...)
		require.NoError(t, err, p.Document)
		base := filepath.Join(dir, p.Document)
		os.WriteFile(base+".pdf", out.PDF, 0o644)
		os.WriteFile(base+".html", out.HTML, 0o644)
		os.WriteFile(base+".txt", out.Text, 0o644)
	}
}
