package brandkits

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The malicious archives are built here rather than committed, so each one
// is readable as code and cannot go stale against the rules it tests.

// zipEntry is one entry of a test zip. A zero Method means Deflate.
type zipEntry struct {
	Name string
	Data []byte
	Mode fs.FileMode // non-zero: SetMode (Unix attributes), e.g. a symlink
	// Raw writes Data as already compressed with the header as given, so a
	// test can lie about sizes or set flags.
	Raw    bool
	Header zip.FileHeader
}

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.Raw {
			h := e.Header
			h.Name = e.Name
			w, err := zw.CreateRaw(&h)
			require.NoError(t, err)
			_, err = w.Write(e.Data)
			require.NoError(t, err)
			continue
		}
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write(e.Data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// tarEntry is one entry of a test tar; a zero Typeflag means a regular file.
type tarEntry struct {
	Name     string
	Data     []byte
	Typeflag byte
	Linkname string
}

func buildTarGz(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	require.NoError(t, writeTar(zw, entries))
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func writeTar(w interface{ Write([]byte) (int, error) }, entries []tarEntry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Typeflag: e.Typeflag, Linkname: e.Linkname, Mode: 0o644, Size: int64(len(e.Data)), Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if h.Size > 0 {
			if _, err := tw.Write(e.Data); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

func validFiles(t testing.TB) Files {
	t.Helper()
	files, err := FilesFromFS(os.DirFS(validDir))
	require.NoError(t, err)
	require.Equal(t, []string{"kit.yaml", "logo.png"}, sortedKeys(files))
	return files
}

func sortedKeys(f Files) []string { return slices.Sorted(maps.Keys(f)) }

func readBytes(data []byte, limits ArchiveLimits) (Files, error) {
	return ReadArchive(bytes.NewReader(data), int64(len(data)), limits)
}

func TestWriteArchiveRoundTripDeterministic(t *testing.T) {
	files := validFiles(t)
	files["fonts/Brand-Regular.ttf"] = []byte("not really a font")

	var a, b bytes.Buffer
	require.NoError(t, WriteArchive(&a, files))
	require.NoError(t, WriteArchive(&b, files))
	assert.Equal(t, a.Bytes(), b.Bytes(), "same files, same bytes")

	got, err := readBytes(a.Bytes(), ArchiveLimits{})
	require.NoError(t, err)
	assert.Equal(t, files, got)

	got, err = ReadArchiveFrom(bytes.NewReader(a.Bytes()), ArchiveLimits{})
	require.NoError(t, err)
	assert.Equal(t, files, got)
}

func TestWriteArchiveRefusesUnsafePaths(t *testing.T) {
	for _, p := range []string{"../evil", "/etc/passwd", `a\b`, "a//b", ""} {
		err := WriteArchive(&bytes.Buffer{}, Files{p: []byte("x")})
		assert.ErrorIs(t, err, ErrArchive, "%q", p)
	}
}

func TestReadArchiveAccepts(t *testing.T) {
	files := validFiles(t)
	yml, logo := files["kit.yaml"], files["logo.png"]
	font := []byte("font bytes")
	tests := []struct {
		name string
		data []byte
		want Files
	}{
		{
			name: "zip of the folder contents",
			data: buildZip(t, zipEntry{Name: "kit.yaml", Data: yml}, zipEntry{Name: "logo.png", Data: logo}),
			want: Files{"kit.yaml": yml, "logo.png": logo},
		},
		{
			name: "zip of the folder, as macOS Finder makes it",
			data: buildZip(t,
				zipEntry{Name: "roastery/"},
				zipEntry{Name: "roastery/kit.yaml", Data: yml},
				zipEntry{Name: "roastery/.DS_Store", Data: []byte("junk")},
				zipEntry{Name: "roastery/README.md", Data: []byte("# Roastery kit")},
				zipEntry{Name: "roastery/fonts/"},
				zipEntry{Name: "roastery/fonts/Brand-Regular.ttf", Data: font},
				zipEntry{Name: "roastery/logo.png", Data: logo},
				zipEntry{Name: "__MACOSX/"},
				zipEntry{Name: "__MACOSX/roastery/._kit.yaml", Data: []byte("apple double")},
			),
			want: Files{"kit.yaml": yml, "logo.png": logo, "fonts/Brand-Regular.ttf": font},
		},
		{
			name: "stored (uncompressed) zip entries",
			data: func() []byte {
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				w, err := zw.CreateHeader(&zip.FileHeader{Name: "kit.yaml", Method: zip.Store})
				require.NoError(t, err)
				_, _ = w.Write(yml)
				require.NoError(t, zw.Close())
				return buf.Bytes()
			}(),
			want: Files{"kit.yaml": yml},
		},
		{
			name: "tar.gz of the folder, as macOS tar makes it",
			data: buildTarGz(t,
				tarEntry{Name: "roastery/", Typeflag: tar.TypeDir},
				tarEntry{Name: "roastery/._kit.yaml", Data: []byte("apple double")},
				tarEntry{Name: "roastery/kit.yaml", Data: yml},
				tarEntry{Name: "roastery/logo.png", Data: logo},
				tarEntry{Name: "roastery/fonts/", Typeflag: tar.TypeDir},
				tarEntry{Name: "roastery/fonts/Brand-Regular.ttf", Data: font},
			),
			want: Files{"kit.yaml": yml, "logo.png": logo, "fonts/Brand-Regular.ttf": font},
		},
		{
			name: "otf and logo.jpeg pass the archive; Parse refuses them with its own message",
			data: buildZip(t, zipEntry{Name: "kit.yaml", Data: yml}, zipEntry{Name: "logo.jpeg", Data: logo}, zipEntry{Name: "fonts/Brand.otf", Data: font}),
			want: Files{"kit.yaml": yml, "logo.jpeg": logo, "fonts/Brand.otf": font},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readBytes(tt.data, ArchiveLimits{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReadArchiveFilesParse(t *testing.T) {
	files := validFiles(t)
	data := buildZip(t, zipEntry{Name: "roastery/kit.yaml", Data: files["kit.yaml"]}, zipEntry{Name: "roastery/logo.png", Data: files["logo.png"]})
	got, err := readBytes(data, ArchiveLimits{})
	require.NoError(t, err)
	k, err := Parse(got["kit.yaml"], map[string][]byte{"logo.png": got["logo.png"]})
	require.NoError(t, err)
	assert.Equal(t, "roastery", k.Name)
}

// TestReadArchiveRefuses runs every malicious or broken archive the upload
// must refuse, each with the words the designer (or the attacker's log
// line) should see.
func TestReadArchiveRefuses(t *testing.T) {
	yml := []byte("name: roastery\n")
	kit := zipEntry{Name: "kit.yaml", Data: yml}
	tkit := tarEntry{Name: "kit.yaml", Data: yml}
	zeros := make([]byte, 10<<20)

	manyZip := func() []byte {
		entries := []zipEntry{kit}
		for i := range 10_000 {
			entries = append(entries, zipEntry{Name: fmt.Sprintf("fonts/F%05d.ttf", i)})
		}
		return buildZip(t, entries...)
	}
	manyTar := func() []byte {
		entries := []tarEntry{tkit}
		for i := range 10_000 {
			entries = append(entries, tarEntry{Name: fmt.Sprintf("fonts/F%05d.ttf", i)})
		}
		return buildTarGz(t, entries...)
	}
	// A deflated megabyte whose header claims 100 bytes: the reader must
	// trust the bytes it decompressed, not the header.
	lyingZip := func() []byte {
		var deflated bytes.Buffer
		fw, err := flate.NewWriter(&deflated, flate.DefaultCompression)
		require.NoError(t, err)
		_, _ = fw.Write(make([]byte, 1<<20))
		require.NoError(t, fw.Close())
		return buildZip(t, kit, zipEntry{Name: "logo.png", Raw: true, Data: deflated.Bytes(), Header: zip.FileHeader{
			Method: zip.Deflate, CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100, CRC32: 0,
		}})
	}
	corruptZip := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "kit.yaml", Method: zip.Store})
		require.NoError(t, err)
		_, _ = w.Write([]byte("name: roastery-with-a-long-enough-body\n"))
		require.NoError(t, zw.Close())
		data := buf.Bytes()
		i := bytes.Index(data, []byte("long-enough"))
		data[i] ^= 0xff
		return data
	}
	truncatedTarGz := func() []byte {
		data := buildTarGz(t, tkit, tarEntry{Name: "logo.png", Data: bytes.Repeat([]byte("0123456789abcdef"), 4096)})
		return data[:len(data)/2]
	}
	plainTar := func() []byte {
		var buf bytes.Buffer
		require.NoError(t, writeTar(&buf, []tarEntry{tkit}))
		return buf.Bytes()
	}
	gzipNotTar := func() []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(bytes.Repeat([]byte("not a tar "), 100))
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}

	tests := []struct {
		name   string
		data   []byte
		limits ArchiveLimits
		want   string // in the error message
		path   string // ArchiveError.Path, when the problem has one
	}{
		// Paths leading out of the kit folder.
		{name: "zip slip", data: buildZip(t, kit, zipEntry{Name: "../evil", Data: []byte("x")}), want: `leads out of the kit folder`, path: "../evil"},
		{name: "zip slip inside a folder", data: buildZip(t, zipEntry{Name: "kit/kit.yaml", Data: yml}, zipEntry{Name: "kit/../../evil.sh", Data: []byte("x")}), want: `".." segment`},
		{name: "tar slip", data: buildTarGz(t, tkit, tarEntry{Name: "../../etc/cron.d/x", Data: []byte("x")}), want: `leads out of the kit folder`},
		{name: "absolute zip path", data: buildZip(t, kit, zipEntry{Name: "/etc/x", Data: []byte("x")}), want: "absolute path", path: "/etc/x"},
		{name: "absolute tar path", data: buildTarGz(t, tkit, tarEntry{Name: "/etc/x", Data: []byte("x")}), want: "absolute path"},
		{name: "windows drive", data: buildZip(t, kit, zipEntry{Name: "C:/Windows/x", Data: []byte("x")}), want: "absolute Windows path"},
		{name: "backslash", data: buildZip(t, kit, zipEntry{Name: `..\evil`, Data: []byte("x")}), want: "backslash"},
		{name: "dot segment", data: buildZip(t, kit, zipEntry{Name: "./kit.yaml", Data: []byte("x")}), want: "not clean"},
		{name: "too deep", data: buildZip(t, kit, zipEntry{Name: "a/b/c/d/e.ttf", Data: []byte("x")}), want: "nested 4 folders deep, at most 3"},
		{name: "control character", data: buildZip(t, kit, zipEntry{Name: "logo\n.png", Data: []byte("x")}), want: "control characters"},
		{name: "non-UTF-8 zip name", data: buildZip(t, kit, zipEntry{Name: "fonts/Caf\xe9.ttf", Data: []byte("x")}), want: "not valid UTF-8", path: "fonts/Caf\uFFFD.ttf"},
		{name: "non-UTF-8 tar name", data: buildTarGz(t, tkit, tarEntry{Name: "fonts/\xff\xfe.ttf", Data: []byte("x")}), want: "not valid UTF-8"},

		// Anything but regular files.
		{name: "zip symlink", data: buildZip(t, kit, zipEntry{Name: "logo.png", Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink | 0o777}), want: "symbolic link", path: "logo.png"},
		{name: "zip symlink folder", data: buildZip(t, kit, zipEntry{Name: "fonts", Data: []byte("/"), Mode: fs.ModeSymlink | 0o777}), want: "symbolic link"},
		{name: "zip device", data: buildZip(t, kit, zipEntry{Name: "logo.png", Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666}), want: "special file"},
		{name: "tar symlink", data: buildTarGz(t, tkit, tarEntry{Name: "logo.png", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}), want: `symbolic link (to "/etc/passwd")`},
		{name: "tar hard link", data: buildTarGz(t, tkit, tarEntry{Name: "logo.png", Typeflag: tar.TypeLink, Linkname: "/etc/shadow"}), want: "hard link"},
		{name: "tar device", data: buildTarGz(t, tkit, tarEntry{Name: "logo.png", Typeflag: tar.TypeChar}), want: "device file"},
		{name: "tar fifo", data: buildTarGz(t, tkit, tarEntry{Name: "logo.png", Typeflag: tar.TypeFifo}), want: "named pipe"},

		// Bombs and sizes.
		{name: "zip bomb: 10 MB of zeros", data: buildZip(t, kit, zipEntry{Name: "fonts/Bomb.ttf", Data: zeros}), want: "zip bomb", path: "fonts/Bomb.ttf"},
		{name: "tar.gz bomb: 10 MB of zeros", data: buildTarGz(t, tkit, tarEntry{Name: "fonts/Bomb.ttf", Data: zeros}), want: "zip bomb"},
		{name: "zip bomb hidden in a skipped entry is still bounded", data: buildTarGz(t, tkit, tarEntry{Name: "__MACOSX/._x", Data: zeros}), want: "zip bomb"},
		{name: "stream cap holds without the ratio guard", data: buildTarGz(t, tkit, tarEntry{Name: "__MACOSX/._x", Data: zeros}), limits: ArchiveLimits{MaxRatio: 1 << 40, MaxTotalBytes: 1 << 20}, want: "__MACOSX/._x: decompresses to more than 1.1 MB: refused as a zip bomb"},
		{name: "header lies about the size", data: lyingZip(), want: "corrupt data"},
		{name: "file over the limit", data: buildZip(t, kit, zipEntry{Name: "logo.png", Data: make([]byte, 2000)}), limits: ArchiveLimits{MaxFileBytes: 1000}, want: "claims 2000 bytes uncompressed, at most 1000 bytes per file"},
		{name: "tar file over the limit", data: buildTarGz(t, tkit, tarEntry{Name: "logo.png", Data: make([]byte, 2000)}), limits: ArchiveLimits{MaxFileBytes: 1000}, want: "at most 1000 bytes per file"},
		{name: "total over the limit", data: buildZip(t, kit, zipEntry{Name: "fonts/A.ttf", Data: make([]byte, 600)}, zipEntry{Name: "fonts/B.ttf", Data: make([]byte, 600)}), limits: ArchiveLimits{MaxTotalBytes: 1000}, want: "more than 1000 bytes uncompressed"},
		{name: "tar total over the limit", data: buildTarGz(t, tkit, tarEntry{Name: "fonts/A.ttf", Data: make([]byte, 600)}, tarEntry{Name: "fonts/B.ttf", Data: make([]byte, 600)}), limits: ArchiveLimits{MaxTotalBytes: 1000}, want: "more than 1000 bytes uncompressed"},
		{name: "archive over the limit", data: buildZip(t, kit), limits: ArchiveLimits{MaxArchiveBytes: 10}, want: "at most 10 bytes"},
		{name: "10,000 files in a zip", data: manyZip(), want: "10001 entries, at most 128"},
		{name: "10,000 files in a tar.gz", data: manyTar(), want: "more than 128 entries"},

		// Names a kit does not hold.
		{name: "duplicate path", data: buildZip(t, kit, kit), want: "appears twice", path: "kit.yaml"},
		{name: "duplicate tar path", data: buildTarGz(t, tkit, tkit), want: "appears twice"},
		{name: "paths differing in case", data: buildZip(t, kit, zipEntry{Name: "fonts/Brand.ttf"}, zipEntry{Name: "fonts/BRAND.ttf"}), want: `clashes with "fonts/Brand.ttf"`},
		{name: "unknown file", data: buildZip(t, kit, zipEntry{Name: "evil.sh", Data: []byte("rm -rf /")}), want: "unexpected file", path: "evil.sh"},
		{name: "unknown file in a folder", data: buildZip(t, zipEntry{Name: "kit/kit.yaml", Data: yml}, zipEntry{Name: "kit/notes.txt"}), want: "unexpected file", path: "kit/notes.txt"},
		{name: "wrong case", data: buildZip(t, kit, zipEntry{Name: "Logo.PNG"}), want: "call it logo.png"},
		{name: "wrong case fonts folder", data: buildZip(t, kit, zipEntry{Name: "Fonts/A.ttf"}), want: "must be called fonts"},
		{name: "font in a subfolder", data: buildZip(t, kit, zipEntry{Name: "fonts/x/A.ttf"}), want: "unexpected file"},
		{name: "no kit.yaml", data: buildZip(t, zipEntry{Name: "logo.png", Data: []byte("x")}), want: "no kit.yaml at the top of the archive"},
		{name: "no kit.yaml in the folder", data: buildZip(t, zipEntry{Name: "roastery/logo.png", Data: []byte("x")}), want: "no kit.yaml in its folder roastery"},
		{name: "only macOS extras", data: buildZip(t, zipEntry{Name: "__MACOSX/._kit.yaml"}), want: "holds no files"},

		// Broken or foreign archives.
		{name: "empty input", data: nil, want: "empty (0 bytes)"},
		{name: "not an archive", data: []byte("hello, world"), want: "not a .zip or .tar.gz archive (unknown format)"},
		{name: "plain tar", data: plainTar(), want: "uncompressed tar"},
		{name: "gzip without a tar", data: gzipNotTar(), want: "does not hold a tar archive"},
		{name: "corrupt zip data", data: corruptZip(), want: "checksum mismatch"},
		{name: "truncated tar.gz", data: truncatedTarGz(), want: "truncated"},
		{name: "truncated zip", data: buildZip(t, kit)[:30], want: "not a readable zip file"},
		{name: "encrypted zip entry", data: buildZip(t, zipEntry{Name: "kit.yaml", Raw: true, Data: yml, Header: zip.FileHeader{Method: zip.Store, Flags: 0x1, CompressedSize64: uint64(len(yml)), UncompressedSize64: uint64(len(yml))}}), want: "encrypted"},
		{name: "unsupported compression", data: buildZip(t, zipEntry{Name: "kit.yaml", Raw: true, Data: yml, Header: zip.FileHeader{Method: 12, CompressedSize64: uint64(len(yml)), UncompressedSize64: uint64(len(yml))}}), want: "compression method 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := readBytes(tt.data, tt.limits)
			require.Error(t, err)
			assert.Nil(t, files, "nothing comes out of a refused archive")
			assert.ErrorIs(t, err, ErrArchive)
			assert.ErrorIs(t, err, ErrInvalid, "a refused upload is the designer's to fix, like a broken kit")
			assert.Contains(t, err.Error(), tt.want)
			var ae *ArchiveError
			require.ErrorAs(t, err, &ae)
			if tt.path != "" {
				assert.Equal(t, tt.path, ae.Path)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "invalid kit archive: "), err.Error())
		})
	}
}

func TestFilesFromFS(t *testing.T) {
	yml := []byte("name: roastery\n")
	tests := []struct {
		name string
		fsys fstest.MapFS
		want Files
		err  string
	}{
		{
			name: "kit folder with README and macOS extras",
			fsys: fstest.MapFS{
				"kit.yaml":            {Data: yml},
				"README.md":           {Data: []byte("# kit")},
				".DS_Store":           {Data: []byte("junk")},
				"fonts/A-Regular.ttf": {Data: []byte("font")},
				"__MACOSX/._x":        {Data: []byte("junk")},
			},
			want: Files{"kit.yaml": yml, "fonts/A-Regular.ttf": []byte("font")},
		},
		{
			name: "unexpected file",
			fsys: fstest.MapFS{"kit.yaml": {Data: yml}, "fonts/OFL.txt": {Data: []byte("licence")}},
			err:  "invalid kit folder: fonts/OFL.txt: unexpected file",
		},
		{
			name: "oversized file",
			fsys: fstest.MapFS{"kit.yaml": {Data: yml}, "logo.png": {Data: make([]byte, DefaultArchiveLimits.MaxFileBytes+1)}},
			err:  "logo.png: larger than 16 MB",
		},
		{
			name: "symlink",
			fsys: fstest.MapFS{"kit.yaml": {Data: yml}, "logo.png": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink}},
			err:  "logo.png: is a symbolic link",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FilesFromFS(tt.fsys)
			if tt.err != "" {
				require.ErrorIs(t, err, ErrArchive)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFilesFromDirRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kit.yaml"), []byte("name: roastery\n"), 0o644))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "logo.png")))
	_, err := FilesFromFS(os.DirFS(dir))
	require.ErrorIs(t, err, ErrArchive)
	assert.Contains(t, err.Error(), "logo.png: is a symbolic link")
}

// recordingStore is a Store that only counts Publish calls.
type recordingStore struct {
	Store
	published int
}

func (s *recordingStore) Publish(ctx context.Context, name string, req PublishRequest) (Version, error) {
	s.published++
	return Version{Name: name, Number: s.published}, nil
}

func TestPublishArchive(t *testing.T) {
	files := validFiles(t)
	var good bytes.Buffer
	require.NoError(t, WriteArchive(&good, files))
	bad := buildZip(t, zipEntry{Name: "kit.yaml", Data: files["kit.yaml"]}, zipEntry{Name: "../evil", Data: []byte("x")})

	s := &recordingStore{}
	_, err := PublishArchive(context.Background(), s, "roastery", bytes.NewReader(bad), int64(len(bad)), ArchiveLimits{}, "ann", "evil")
	require.ErrorIs(t, err, ErrArchive)
	assert.Zero(t, s.published, "a refused archive never reaches the store")

	v, err := PublishArchive(context.Background(), s, "roastery", bytes.NewReader(good.Bytes()), int64(good.Len()), ArchiveLimits{}, "ann", "first")
	require.NoError(t, err)
	assert.Equal(t, 1, v.Number)
}

func TestArchiveErrorFormat(t *testing.T) {
	err := error(&ArchiveError{Path: "x", Message: "bad"})
	assert.Equal(t, "invalid kit archive: x: bad", err.Error())
	assert.True(t, errors.Is(err, ErrArchive) && errors.Is(err, ErrInvalid))
	assert.Equal(t, "invalid kit archive: bad", (&ArchiveError{Message: "bad"}).Error())
}

// FuzzReadArchive feeds arbitrary bytes to ReadArchive: it must never panic,
// and whatever it accepts must be a kit's files with safe paths. Run with
//
//	go test -run '^$' -fuzz FuzzReadArchive -fuzztime 20s ./brandkits
func FuzzReadArchive(f *testing.F) {
	yml := []byte("name: roastery\n")
	f.Add(buildZip(f, zipEntry{Name: "kit.yaml", Data: yml}))
	f.Add(buildZip(f, zipEntry{Name: "k/kit.yaml", Data: yml}, zipEntry{Name: "k/fonts/A.ttf", Data: yml}))
	f.Add(buildTarGz(f, tarEntry{Name: "kit.yaml", Data: yml}))
	f.Add(buildTarGz(f, tarEntry{Name: "kit.yaml", Data: yml}, tarEntry{Name: "logo.png", Typeflag: tar.TypeSymlink, Linkname: "/"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := readBytes(data, ArchiveLimits{})
		if err != nil {
			return
		}
		require.Contains(t, files, "kit.yaml")
		for p := range files {
			require.True(t, fs.ValidPath(p), p)
			require.True(t, p == "kit.yaml" || strings.HasPrefix(p, "logo.") || strings.HasPrefix(p, "fonts/"), p)
		}
	})
}
