package storage

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/render"
	"github.com/liveryhq/livery/samples"
)

// kitBackend is a bucket kind the kit store is tested on; open returns a
// new, empty bucket on every call.
type kitBackend struct {
	name string
	open func(t *testing.T) *Bucket
}

// kitBackends are memory, a directory, S3 through gofakes3 (a real S3
// protocol server in process) and, when $LIVERY_TEST_MINIO is set (.ci/run
// starts one), MinIO. The S3 openers set the AWS credential variables in
// the subtest, since the two servers take different keys.
func kitBackends(t *testing.T) []kitBackend {
	fake := startGofakes3(t)
	createBucket(t, fake, "livery", "fake-access", "fake-secret")
	fakeOpen := s3Opener(fake, "livery")
	backends := []kitBackend{
		{"mem", func(t *testing.T) *Bucket { return openForTest(t, "mem://") }},
		{"file", func(t *testing.T) *Bucket { return openForTest(t, "file://"+filepath.Join(t.TempDir(), "data")) }},
		{"s3", func(t *testing.T) *Bucket {
			s3TestEnv(t, "fake-access", "fake-secret")
			return fakeOpen(t)
		}},
	}
	if addr := os.Getenv("LIVERY_TEST_MINIO"); addr != "" {
		access, secret := envOr("LIVERY_TEST_MINIO_ACCESS_KEY", "minioadmin"), envOr("LIVERY_TEST_MINIO_SECRET_KEY", "minioadmin")
		endpoint := "http://" + addr
		createBucket(t, endpoint, "livery-test", access, secret)
		minioOpen := s3Opener(endpoint, "livery-test")
		backends = append(backends, kitBackend{"minio", func(t *testing.T) *Bucket {
			s3TestEnv(t, access, secret)
			return minioOpen(t)
		}})
	}
	return backends
}

// testClock is a fixed clock that tests move forward by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// roasteryFiles returns the sample kit roastery, with its primary colour
// replaced when primary is not empty.
func roasteryFiles(t *testing.T, primary string) brandkits.Files {
	t.Helper()
	fsys, err := samples.KitFS("roastery")
	require.NoError(t, err)
	files, err := brandkits.FilesFromFS(fsys)
	require.NoError(t, err)
	if primary != "" {
		const old = `primary: "#4A2C1D"`
		require.Contains(t, string(files["kit.yaml"]), old, "the sample kit changed; update this test")
		files["kit.yaml"] = bytes.Replace(files["kit.yaml"], []byte(old), []byte(`primary: "`+primary+`"`), 1)
	}
	return files
}

// allKeys lists every object in the bucket, for "nothing was written".
func allKeys(t *testing.T, b *Bucket) []string {
	t.Helper()
	objs, err := b.List(context.Background(), "")
	require.NoError(t, err)
	return keysOf(objs)
}

func TestKitStorePublishResolvePin(t *testing.T) {
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := be.open(t)
			clock := newTestClock()
			s := NewKitStore(b, WithClock(clock.Now))
			ctx := WithActor(context.Background(), "ines@example.com")

			f1 := roasteryFiles(t, "")
			v1, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: f1, Author: "ann@example.com", Note: "first"})
			require.NoError(t, err)
			clock.Advance(time.Hour)
			f2 := roasteryFiles(t, "#2E1A10")
			v2, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: f2, Author: "bob@example.com", Note: "darker brown"})
			require.NoError(t, err)

			assets := func(f brandkits.Files) map[string][]byte {
				m := maps.Clone(map[string][]byte(f))
				delete(m, "kit.yaml")
				return m
			}
			assert.Equal(t, 1, v1.Number)
			assert.Equal(t, 2, v2.Number)
			assert.Equal(t, "roastery", v1.Name)
			assert.Equal(t, brandkits.ContentHash(f1["kit.yaml"], assets(f1)), v1.Hash, "manifest hash is the kit's ContentHash")
			assert.Equal(t, brandkits.ContentHash(f2["kit.yaml"], assets(f2)), v2.Hash)
			assert.NotEqual(t, v1.Hash, v2.Hash)
			assert.Equal(t, clock.Now().Add(-time.Hour), v1.Created)
			assert.Equal(t, clock.Now(), v2.Created)
			assert.Equal(t, "ann@example.com", v1.Author)
			assert.Equal(t, "first", v1.Note)
			require.Len(t, v1.Assets, 2)
			assert.Equal(t, []string{"kit.yaml", "logo.png"}, []string{v1.Assets[0].Path, v1.Assets[1].Path}, "assets sorted by path")
			assert.Equal(t, int64(len(f1["logo.png"])), v1.Assets[1].Size)
			assert.Equal(t, v1.Assets[1], v2.Assets[1], "the logo did not change")

			// The logo is stored once for both versions.
			blobs, err := b.List(ctx, "kits/blobs/")
			require.NoError(t, err)
			assert.Len(t, blobs, 3, "two kit.yaml and one shared logo")

			resolves := []struct {
				ref  string
				want int
				err  error
			}{
				{ref: "roastery", want: 2},
				{ref: "roastery@1", want: 1},
				{ref: "roastery@2", want: 2},
				{ref: "roastery@3", err: brandkits.ErrNotFound},
				{ref: "roastery@live", err: brandkits.ErrNotFound},
				{ref: "telecom", err: brandkits.ErrNotFound},
				{ref: "telecom@1", err: brandkits.ErrNotFound},
				{ref: "Roastery", err: brandkits.ErrBadRef},
				{ref: "roastery@0", err: brandkits.ErrBadRef},
			}
			for _, r := range resolves {
				v, err := s.Resolve(ctx, r.ref)
				if r.err != nil {
					assert.ErrorIs(t, err, r.err, r.ref)
					continue
				}
				require.NoError(t, err, r.ref)
				assert.Equal(t, r.want, v.Number, r.ref)
			}
			v, err := s.Resolve(ctx, "roastery@1")
			require.NoError(t, err)
			assert.Equal(t, v1, v, "Resolve returns the manifest as published")

			// Pins move forward and back; they only point at versions that exist.
			pins := []struct {
				to   int
				want int
				err  error
			}{
				{to: 1, want: 1},
				{to: 2, want: 2},
				{to: 1, want: 1},
				{to: 3, want: 1, err: brandkits.ErrNotFound},
				{to: 0, want: 1, err: brandkits.ErrBadRef},
			}
			for _, p := range pins {
				err := s.Pin(ctx, "roastery", "live", p.to)
				if p.err != nil {
					assert.ErrorIs(t, err, p.err, "pin to %d", p.to)
				} else {
					require.NoError(t, err, "pin to %d", p.to)
				}
				v, err := s.Resolve(ctx, "roastery@live")
				require.NoError(t, err)
				assert.Equal(t, p.want, v.Number, "after pinning to %d", p.to)
			}
			assert.ErrorIs(t, s.Pin(ctx, "roastery", "Live", 1), brandkits.ErrBadRef)
			assert.ErrorIs(t, s.Pin(ctx, "telecom", "live", 1), brandkits.ErrNotFound)

			data, _, err := b.Get(ctx, "kits/roastery/pins/live.json")
			require.NoError(t, err)
			var rec pinRecord
			require.NoError(t, json.Unmarshal(data, &rec))
			assert.Equal(t, pinRecord{Pin: "live", Version: 1, Previous: 2, By: "ines@example.com", Updated: clock.Now()}, rec)

			list, err := s.List(ctx)
			require.NoError(t, err)
			assert.Equal(t, []brandkits.Summary{{Name: "roastery", Latest: 2, Pins: map[string]int{"live": 1}}}, list)

			got, err := s.Get(ctx, "roastery")
			require.NoError(t, err)
			assert.Equal(t, brandkits.Summary{Name: "roastery", Latest: 2, Pins: map[string]int{"live": 1}, Versions: []brandkits.Version{v1, v2}}, got)
			_, err = s.Get(ctx, "telecom")
			assert.ErrorIs(t, err, brandkits.ErrNotFound)
		})
	}
}

func TestKitStoreRetire(t *testing.T) {
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := be.open(t)
			s := NewKitStore(b)
			ctx := context.Background()
			_, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: roasteryFiles(t, ""), Author: "ann"})
			require.NoError(t, err)
			require.NoError(t, s.Pin(ctx, "roastery", "live", 1))

			require.NoError(t, s.Retire(ctx, "roastery"))
			require.NoError(t, s.Retire(ctx, "roastery"), "retiring twice is a no-op")
			assert.ErrorIs(t, s.Retire(ctx, "telecom"), brandkits.ErrNotFound)

			before := allKeys(t, b)
			_, err = s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: roasteryFiles(t, "#2E1A10"), Author: "ann"})
			require.ErrorIs(t, err, brandkits.ErrConflict)
			assert.Contains(t, err.Error(), "retired")
			assert.Equal(t, before, allKeys(t, b), "a refused publish writes nothing")

			// Retired kits stay readable: documents rendered with them must
			// render again.
			for _, ref := range []string{"roastery", "roastery@1", "roastery@live"} {
				v, err := s.Resolve(ctx, ref)
				require.NoError(t, err, ref)
				_, _, err = s.Load(ctx, v)
				require.NoError(t, err, ref)
			}
			list, err := s.List(ctx)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.True(t, list[0].Retired)
		})
	}
}

// TestKitStoreConcurrentPublish publishes one kit from 20 goroutines at once:
// every publish must get its own version, and none may be lost.
func TestKitStoreConcurrentPublish(t *testing.T) {
	const publishers = 20
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := NewKitStore(be.open(t))
			ctx := context.Background()
			files := roasteryFiles(t, "")

			var wg sync.WaitGroup
			start := make(chan struct{})
			versions := make([]brandkits.Version, publishers)
			errs := make([]error, publishers)
			for i := range publishers {
				wg.Go(func() {
					<-start
					versions[i], errs[i] = s.Publish(ctx, "roastery", brandkits.PublishRequest{
						Files: files, Author: fmt.Sprintf("designer-%02d", i), Note: fmt.Sprintf("publish %02d", i),
					})
				})
			}
			close(start)
			wg.Wait()

			var numbers []int
			notes := map[int]string{}
			for i := range publishers {
				require.NoError(t, errs[i], "publisher %d", i)
				numbers = append(numbers, versions[i].Number)
				notes[versions[i].Number] = versions[i].Note
			}
			slices.Sort(numbers)
			want := make([]int, publishers)
			for i := range want {
				want[i] = i + 1
			}
			assert.Equal(t, want, numbers, "20 publishes, versions 1..20, each once")

			got, err := s.Get(ctx, "roastery")
			require.NoError(t, err)
			assert.Equal(t, publishers, got.Latest)
			require.Len(t, got.Versions, publishers)
			var storedNotes []string
			for i, v := range got.Versions {
				assert.Equal(t, i+1, v.Number, "oldest first")
				assert.Equal(t, notes[v.Number], v.Note, "version %d holds the note of the publish that got it", v.Number)
				storedNotes = append(storedNotes, v.Note)
				k, _, err := s.Load(ctx, v)
				require.NoError(t, err, "version %d loads", v.Number)
				assert.Equal(t, v.Ref(), k.Ref)
			}
			slices.Sort(storedNotes)
			var wantNotes []string
			for i := range publishers {
				wantNotes = append(wantNotes, fmt.Sprintf("publish %02d", i))
			}
			assert.Equal(t, wantNotes, storedNotes, "no publish lost")
		})
	}
}

// TestKitStorePublishLosesRace makes another publish land exactly between
// a publisher reading the latest version and creating the next one, and
// checks that the loser takes the number after instead of overwriting.
func TestKitStorePublishLosesRace(t *testing.T) {
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := NewKitStore(be.open(t))
			ctx := context.Background()
			files := roasteryFiles(t, "")
			var tried []int
			s.beforeCreate = func(n int) {
				tried = append(tried, n)
				if len(tried) == 1 {
					rival := NewKitStore(s.b)
					v, err := rival.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Note: "rival"})
					require.NoError(t, err)
					require.Equal(t, 1, v.Number)
				}
			}
			v, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Note: "loser"})
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2}, tried, "lost version 1, took 2")
			assert.Equal(t, 2, v.Number)

			rival, err := s.Resolve(ctx, "roastery@1")
			require.NoError(t, err)
			assert.Equal(t, "rival", rival.Note, "the rival's version 1 was not overwritten")
			loser, err := s.Resolve(ctx, "roastery@2")
			require.NoError(t, err)
			assert.Equal(t, "loser", loser.Note)

			// When every attempt loses, Publish gives up with ErrConflict.
			s.retries = 3
			s.beforeCreate = func(n int) {
				rival := NewKitStore(s.b)
				_, err := rival.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Note: "rival"})
				require.NoError(t, err)
			}
			_, err = s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Note: "unlucky"})
			require.ErrorIs(t, err, brandkits.ErrConflict)
			assert.Contains(t, err.Error(), "still taken after 3 attempts")
		})
	}
}

func TestKitStoreLoad(t *testing.T) {
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := be.open(t)
			s := NewKitStore(b)
			ctx := context.Background()
			files := roasteryFiles(t, "")
			v, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Author: "ann"})
			require.NoError(t, err)

			k, got, err := s.Load(ctx, v)
			require.NoError(t, err)
			assert.Equal(t, files, got)
			assert.Equal(t, brandkits.Ref{Name: "roastery", Version: 1, Hash: v.Hash}, k.Ref)
			assert.Equal(t, "Morgenrot", k.Identity.BrandName)

			k, _, err = s.Load(ctx, brandkits.Version{Name: "roastery", Number: 1})
			require.NoError(t, err, "name and number are enough")
			assert.Equal(t, v.Ref(), k.Ref)

			_, _, err = s.Load(ctx, brandkits.Version{Name: "roastery", Number: 1, Hash: strings.Repeat("0", 64)})
			assert.ErrorIs(t, err, brandkits.ErrConflict, "a version that is not the stored one")
			_, _, err = s.Load(ctx, brandkits.Version{Name: "roastery", Number: 2})
			assert.ErrorIs(t, err, brandkits.ErrNotFound)

			logoKey := "kits/blobs/" + v.Assets[1].SHA256
			tampered := append(bytes.Clone(files["logo.png"]), 0)

			// A blob rewritten through the storage API carries a matching
			// storage checksum; only the manifest can tell.
			_, err = b.Put(ctx, logoKey, tampered, PutOptions{ContentType: "image/png"})
			require.NoError(t, err)
			_, _, err = s.Load(ctx, v)
			require.ErrorIs(t, err, ErrChecksum)
			assert.Contains(t, err.Error(), "logo.png is corrupt in storage")

			// A blob changed behind the storage layer's back fails its
			// storage checksum already.
			require.NoError(t, b.Blob().WriteAll(ctx, logoKey, tampered, nil))
			_, _, err = s.Load(ctx, v)
			require.ErrorIs(t, err, ErrChecksum)
		})
	}
}

// TestKitStoreRefusalsWriteNothing publishes kits and archives that must be
// refused and checks that the bucket holds the same objects afterwards.
func TestKitStoreRefusalsWriteNothing(t *testing.T) {
	valid := roasteryFiles(t, "")
	withYAML := func(replace, with string) brandkits.Files {
		f := maps.Clone(valid)
		require.Contains(t, string(f["kit.yaml"]), replace)
		f["kit.yaml"] = bytes.Replace(f["kit.yaml"], []byte(replace), []byte(with), 1)
		return f
	}
	zipOf := func(extra map[string][]byte, mode map[string]fs.FileMode) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		entries := maps.Clone(map[string][]byte(valid))
		maps.Copy(entries, extra)
		for _, name := range slices.Sorted(maps.Keys(entries)) {
			h := &zip.FileHeader{Name: "roastery/" + name, Method: zip.Deflate}
			if strings.HasPrefix(name, "/") || strings.HasPrefix(name, "..") {
				h.Name = name
			}
			if m, ok := mode[name]; ok {
				h.SetMode(m)
			}
			w, err := zw.CreateHeader(h)
			require.NoError(t, err)
			_, err = w.Write(entries[name])
			require.NoError(t, err)
		}
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}

	publishes := []struct {
		name  string
		kit   string
		files brandkits.Files
		is    error
		want  string
	}{
		{name: "invalid colour", kit: "roastery", files: withYAML(`primary: "#4A2C1D"`, `primary: "brownish"`), is: brandkits.ErrInvalid, want: "colors.primary"},
		{name: "unknown key", kit: "roastery", files: withYAML("colors:", "colours:"), is: brandkits.ErrInvalid, want: "colours"},
		{name: "name differs from kit.yaml", kit: "telecom", files: valid, is: brandkits.ErrInvalid, want: `kit.yaml names the kit "roastery", but it is being published as "telecom"`},
		{name: "no kit.yaml", kit: "roastery", files: brandkits.Files{"logo.png": valid["logo.png"]}, is: brandkits.ErrInvalid, want: "kit.yaml: missing"},
		{name: "unexpected file", kit: "roastery", files: func() brandkits.Files { f := maps.Clone(valid); f["evil.sh"] = []byte("x"); return f }(), is: brandkits.ErrInvalid, want: "evil.sh: unexpected file"},
		{name: "bad kit name", kit: "../roastery", files: valid, is: brandkits.ErrBadRef, want: "not a slug"},
		{name: "reserved kit name", kit: "blobs", files: valid, is: brandkits.ErrBadRef, want: "reserved"},
	}
	archives := []struct {
		name string
		data []byte
		want string
	}{
		{name: "zip slip", data: zipOf(map[string][]byte{"../evil": []byte("x")}, nil), want: "leads out of the kit folder"},
		{name: "absolute path", data: zipOf(map[string][]byte{"/etc/x": []byte("x")}, nil), want: "absolute path"},
		{name: "symlink", data: zipOf(map[string][]byte{"fonts/Brand-Regular.ttf": []byte("/etc/passwd")}, map[string]fs.FileMode{"fonts/Brand-Regular.ttf": fs.ModeSymlink | 0o777}), want: "symbolic link"},
		{name: "zip bomb", data: zipOf(map[string][]byte{"fonts/Brand-Regular.ttf": make([]byte, 10<<20)}, nil), want: "zip bomb"},
		{name: "non-UTF-8 name", data: zipOf(map[string][]byte{"fonts/Caf\xe9.ttf": []byte("x")}, nil), want: "not valid UTF-8"},
		{name: "10,000 files", data: zipOf(func() map[string][]byte {
			m := map[string][]byte{}
			for i := range 10_000 {
				m[fmt.Sprintf("fonts/F%05d.ttf", i)] = nil
			}
			return m
		}(), nil), want: "10002 entries, at most 128"},
		{name: "tar symlink", data: tarGzOf(t, valid, &tar.Header{Name: "roastery/fonts/Brand-Regular.ttf", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}), want: "symbolic link"},
		{name: "tar hard link", data: tarGzOf(t, valid, &tar.Header{Name: "roastery/fonts/Brand-Regular.ttf", Typeflag: tar.TypeLink, Linkname: "/etc/shadow"}), want: "hard link"},
	}

	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := be.open(t)
			s := NewKitStore(b)
			ctx := context.Background()
			// One version already stored, so "nothing written" also covers
			// an existing kit.
			_, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: valid, Author: "ann"})
			require.NoError(t, err)
			before := allKeys(t, b)

			for _, p := range publishes {
				_, err := s.Publish(ctx, p.kit, brandkits.PublishRequest{Files: p.files, Author: "mallory"})
				require.ErrorIs(t, err, p.is, p.name)
				assert.Contains(t, err.Error(), p.want, p.name)
				if p.is == brandkits.ErrInvalid {
					var ve *brandkits.ValidationError
					assert.ErrorAs(t, err, &ve, "%s: Parse's ValidationError as is", p.name)
				}
				assert.Equal(t, before, allKeys(t, b), "%s: nothing written", p.name)
			}
			for _, a := range archives {
				_, err := brandkits.PublishArchive(ctx, s, "roastery", bytes.NewReader(a.data), int64(len(a.data)), brandkits.ArchiveLimits{}, "mallory", a.name)
				require.ErrorIs(t, err, brandkits.ErrArchive, a.name)
				assert.Contains(t, err.Error(), a.want, a.name)
				assert.Equal(t, before, allKeys(t, b), "%s: nothing written", a.name)
			}
			v, err := s.Resolve(ctx, "roastery")
			require.NoError(t, err)
			assert.Equal(t, 1, v.Number, "no version was added")
		})
	}
}

// tarGzOf packs files into roastery/ of a tar.gz and appends extra, a
// header without contents (a link or device).
func tarGzOf(t *testing.T, files brandkits.Files, extra *tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: "roastery/" + name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[name]))}))
		_, err := tw.Write(files[name])
		require.NoError(t, err)
	}
	require.NoError(t, tw.WriteHeader(extra))
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestKitStoreLayout(t *testing.T) {
	b := openForTest(t, "mem://")
	s := NewKitStore(b, WithClock(newTestClock().Now))
	ctx := context.Background()
	files := roasteryFiles(t, "")
	v, err := s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files, Author: "ann", Note: "first"})
	require.NoError(t, err)
	require.NoError(t, s.Pin(ctx, "roastery", "live", 1))
	require.NoError(t, s.Retire(ctx, "roastery"))

	assert.Equal(t, []string{
		"kits/blobs/" + v.Assets[0].SHA256,
		"kits/blobs/" + v.Assets[1].SHA256,
		"kits/roastery/pins/live.json",
		"kits/roastery/retired.json",
		"kits/roastery/versions/00000001.json",
	}, sortedStrings(allKeys(t, b)))

	data, obj, err := b.Get(ctx, "kits/roastery/versions/00000001.json")
	require.NoError(t, err)
	assert.Equal(t, "application/json", obj.ContentType)
	var stored brandkits.Version
	require.NoError(t, json.Unmarshal(data, &stored))
	assert.Equal(t, v, stored, "the manifest is the Version JSON")
	logo, obj, err := b.Get(ctx, "kits/blobs/"+v.Assets[1].SHA256)
	require.NoError(t, err)
	assert.Equal(t, files["logo.png"], logo)
	assert.Equal(t, "image/png", obj.ContentType)

	// Stray files in a kit's folder do not break it.
	_, err = b.Put(ctx, "kits/roastery/versions/notes.txt", []byte("x"), PutOptions{})
	require.NoError(t, err)
	_, err = b.Put(ctx, "kits/blobs/versions/00000001.json", []byte("x"), PutOptions{})
	require.NoError(t, err)
	got, err := s.Resolve(ctx, "roastery")
	require.NoError(t, err)
	assert.Equal(t, 1, got.Number)
	list, err := s.List(ctx)
	require.NoError(t, err)
	assert.Len(t, list, 1, "the blobs folder is no kit")
	_, err = s.Resolve(ctx, "blobs")
	assert.ErrorIs(t, err, brandkits.ErrBadRef, "blobs is reserved")

	// Another prefix is another store.
	other := NewKitStore(b, WithPrefix("tenant-a/kits"))
	_, err = other.Resolve(ctx, "roastery")
	assert.ErrorIs(t, err, brandkits.ErrNotFound)
	_, err = other.Publish(ctx, "roastery", brandkits.PublishRequest{Files: files})
	require.NoError(t, err, "the other store's kit is not retired")
}

func sortedStrings(s []string) []string { return slices.Sorted(slices.Values(s)) }

// TestKitStoreRerenderOldVersion renders a document against roastery@1,
// publishes roastery@2 with another primary colour, and renders against
// roastery@1 again: the bytes must not change. The latest version renders
// differently, so the test would notice a store that served v2 for @1.
func TestKitStoreRerenderOldVersion(t *testing.T) {
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := NewKitStore(be.open(t), WithClock(newTestClock().Now))
			ctx := context.Background()
			docJSON, err := samples.Document("invoice-onepage.json")
			require.NoError(t, err)

			renderRef := func(ref string) *render.Output {
				t.Helper()
				v, err := s.Resolve(ctx, ref)
				require.NoError(t, err, ref)
				k, _, err := s.Load(ctx, v)
				require.NoError(t, err, ref)
				r, err := render.New(k)
				require.NoError(t, err, ref)
				doc, err := render.ParseDocument(docJSON)
				require.NoError(t, err)
				out, err := r.Render(doc, render.FormatPDF, render.FormatHTML)
				require.NoError(t, err, ref)
				require.NotEmpty(t, out.PDF)
				require.NotEmpty(t, out.HTML)
				return out
			}

			_, err = s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: roasteryFiles(t, ""), Author: "ann", Note: "first"})
			require.NoError(t, err)
			first := renderRef("roastery@1")

			_, err = s.Publish(ctx, "roastery", brandkits.PublishRequest{Files: roasteryFiles(t, "#2E1A10"), Author: "ann", Note: "darker"})
			require.NoError(t, err)

			again := renderRef("roastery@1")
			assert.True(t, bytes.Equal(first.PDF, again.PDF), "roastery@1 PDF re-renders to the same bytes after roastery@2 exists")
			assert.True(t, bytes.Equal(first.HTML, again.HTML), "roastery@1 HTML re-renders to the same bytes")

			latest := renderRef("roastery")
			assert.False(t, bytes.Equal(first.PDF, latest.PDF), "roastery (latest, v2) renders differently")
			assert.False(t, bytes.Equal(first.HTML, latest.HTML))
			assert.Contains(t, strings.ToLower(string(latest.HTML)), "#2e1a10", "the new primary colour is used")
		})
	}
}
