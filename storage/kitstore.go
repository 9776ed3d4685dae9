package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveryhq/livery/brandkits"
)

// KitStore keeps brand kits in a Bucket as numbered, immutable versions. The
// layout under its prefix ("kits/" unless WithPrefix says otherwise):
//
//	kits/blobs/<sha256>                   every file of every version, content-addressed:
//	                                      a font shared by ten versions is stored once
//	kits/<name>/versions/<%08d>.json      one manifest per version (brandkits.Version
//	                                      JSON with its Assets), created, never overwritten
//	kits/<name>/pins/<pin>.json           where a pin points (overwritten: moving it is the point)
//	kits/<name>/retired.json              present once the name is retired
//
// Publishing uploads the blobs first and then creates the manifest with a
// conditional create, so a version is visible only once all of its files
// exist, and two publishers racing for version N+1 get N+1 and N+2 instead
// of overwriting each other. The bucket needs no other coordination, so any
// number of Livery processes can share an S3 bucket. (The file backend's
// conditional create is exclusive only within one process; see the package
// documentation.) ProfileStore keeps mapping profiles the same way.
//
// There is no way to delete a version: documents record the version they
// were rendered with, and re-rendering one must give the same bytes forever.
type KitStore struct {
	versioned
}

var _ brandkits.Store = (*KitStore)(nil)

// KitStoreOption configures a KitStore or a ProfileStore.
type KitStoreOption func(*versioned)

// WithClock makes the store read the time from now instead of time.Now, so
// tests can check Created and pin times.
func WithClock(now func() time.Time) KitStoreOption {
	return func(s *versioned) { s.now = now }
}

// WithPrefix puts the store's objects under prefix instead of its default
// ("kits/", "profiles/"), for two stores of a kind in one bucket, or tests.
// A missing trailing slash is added.
func WithPrefix(prefix string) KitStoreOption {
	return func(s *versioned) { s.setPrefix(prefix) }
}

// NewKitStore returns a KitStore keeping kits in b.
func NewKitStore(b *Bucket, opts ...KitStoreOption) *KitStore {
	s := &KitStore{versioned{
		b: b, prefix: "kits/", now: time.Now, retries: maxPublishAttempts,
		noun:         "kit",
		checkName:    brandkits.CheckName,
		checkVersion: brandkits.CheckVersion,
		errNotFound:  brandkits.ErrNotFound,
		errConflict:  brandkits.ErrConflict,
		errBadRef:    brandkits.ErrBadRef,
	}}
	for _, o := range opts {
		o(&s.versioned)
	}
	return s
}

// Publish validates req.Files as the kit name and stores them as its next
// version. A kit that does not parse is refused with Parse's
// *brandkits.ValidationError as is (every problem at once), as is a kit.yaml
// whose name differs from name; a retired name is refused with
// brandkits.ErrConflict. Nothing is written unless the kit is valid.
func (s *KitStore) Publish(ctx context.Context, name string, req brandkits.PublishRequest) (brandkits.Version, error) {
	if err := s.validName(name); err != nil {
		return brandkits.Version{}, fmt.Errorf("publish kit: %w", err)
	}
	yamlBytes, ok := req.Files["kit.yaml"]
	if !ok {
		return brandkits.Version{}, &brandkits.ValidationError{Problems: []brandkits.Problem{{Path: "kit.yaml", Message: "missing: a kit folder needs a kit.yaml"}}}
	}
	assets := maps.Clone(map[string][]byte(req.Files))
	delete(assets, "kit.yaml")
	k, err := brandkits.Parse(yamlBytes, assets)
	if err != nil {
		return brandkits.Version{}, err
	}
	if k.Name != name {
		return brandkits.Version{}, &brandkits.ValidationError{Problems: []brandkits.Problem{{
			Path:    "name",
			Message: fmt.Sprintf("kit.yaml names the kit %q, but it is being published as %q; change one of them", k.Name, name),
		}}}
	}
	if err := s.checkNotRetired(ctx, name); err != nil {
		return brandkits.Version{}, err
	}

	v := brandkits.Version{
		Name:    name,
		Hash:    k.Ref.Hash,
		Created: s.now().UTC(),
		Author:  req.Author,
		Note:    req.Note,
	}
	for _, p := range slices.Sorted(maps.Keys(req.Files)) {
		data := req.Files[p]
		// Blobs go first: a manifest naming a missing blob would be a
		// version that cannot load. Blobs of a publish that fails later
		// stay behind unreferenced, which costs space but never correctness.
		obj, err := s.putBlob(ctx, data, assetType(p))
		if err != nil {
			return brandkits.Version{}, fmt.Errorf("publish kit %s: store %s: %w", name, p, err)
		}
		v.Assets = append(v.Assets, brandkits.Asset{Path: p, Size: int64(len(data)), SHA256: obj.SHA256})
	}
	n, err := s.createVersion(ctx, name, func(n int) ([]byte, map[string]string, error) {
		v.Number = n
		data, err := json.MarshalIndent(v, "", "  ")
		return data, map[string]string{"kit": v.Name, "version": strconv.Itoa(n), "kit-hash": v.Hash}, err
	})
	if err != nil {
		return brandkits.Version{}, err
	}
	v.Number = n
	return v, nil
}

// Resolve finds a version by reference: "name" (the latest), "name@N" or
// "name@pin". A malformed reference matches brandkits.ErrBadRef; a missing
// kit, version or pin brandkits.ErrNotFound. A retired kit still resolves:
// documents rendered with it must render again.
func (s *KitStore) Resolve(ctx context.Context, ref string) (brandkits.Version, error) {
	name, number, pin, err := brandkits.ParseRef(ref)
	if err != nil {
		return brandkits.Version{}, err
	}
	if err := s.validName(name); err != nil {
		return brandkits.Version{}, fmt.Errorf("resolve kit %s: %w", ref, err)
	}
	number, err = s.resolveNumber(ctx, ref, name, number, pin)
	if err != nil {
		return brandkits.Version{}, err
	}
	v, err := s.readVersion(ctx, name, number)
	if err != nil {
		return brandkits.Version{}, fmt.Errorf("resolve kit %s: %w", ref, err)
	}
	return v, nil
}

// readVersion reads the manifest of name@n, checking that it describes what
// its key says.
func (s *KitStore) readVersion(ctx context.Context, name string, n int) (brandkits.Version, error) {
	var v brandkits.Version
	if err := s.readManifest(ctx, name, n, &v); err != nil {
		return brandkits.Version{}, err
	}
	if err := s.checkManifest(name, n, v.Name, v.Number, v.Hash); err != nil {
		return brandkits.Version{}, err
	}
	return v, nil
}

// Load reads the files of version v (found by v.Name and v.Number; the rest
// of v is taken from the stored manifest), checks every file against the
// SHA-256 in the manifest and the kit against its content hash, and parses
// it. The kit's Ref is v's name, number and hash. A file that does not match
// is storage corruption and fails with an error matching ErrChecksum rather
// than rendering something other than what was published.
func (s *KitStore) Load(ctx context.Context, v brandkits.Version) (*brandkits.Kit, brandkits.Files, error) {
	if err := s.validName(v.Name); err != nil {
		return nil, nil, fmt.Errorf("load kit: %w", err)
	}
	if err := brandkits.CheckVersion(v.Number); err != nil {
		return nil, nil, fmt.Errorf("load kit %s: %w", v.Name, err)
	}
	ref := brandkits.FormatRef(v.Name, v.Number, "")
	m, err := s.readVersion(ctx, v.Name, v.Number)
	if err != nil {
		return nil, nil, fmt.Errorf("load kit %s: %w", ref, err)
	}
	if v.Hash != "" && v.Hash != m.Hash {
		return nil, nil, fmt.Errorf("load kit %s: asked for hash %s, stored version has %s: %w", ref, v.Hash, m.Hash, brandkits.ErrConflict)
	}
	files := brandkits.Files{}
	for _, a := range m.Assets {
		data, err := s.readBlob(ctx, a.Path, a.SHA256, a.Size)
		if err != nil {
			return nil, nil, fmt.Errorf("load kit %s: %w", ref, err)
		}
		files[a.Path] = data
	}
	yamlBytes, ok := files["kit.yaml"]
	if !ok {
		return nil, nil, fmt.Errorf("load kit %s: manifest lists no kit.yaml: %w", ref, ErrChecksum)
	}
	assets := maps.Clone(map[string][]byte(files))
	delete(assets, "kit.yaml")
	if got := brandkits.ContentHash(yamlBytes, assets); got != m.Hash {
		return nil, nil, fmt.Errorf("load kit %s: content hash %s, published as %s: %w", ref, got, m.Hash, ErrChecksum)
	}
	// Parse validates again with today's rules. A kit that passed when it
	// was published fails here only if a rule got stricter since; that is
	// reported rather than hidden, with the version named.
	k, err := brandkits.Parse(yamlBytes, assets)
	if err != nil {
		return nil, nil, fmt.Errorf("load kit %s: %w", ref, err)
	}
	k.Ref = m.Ref()
	return k, files, nil
}

// List returns every kit name, sorted, with its latest version, pins and
// whether it is retired, but without its versions (see Get).
func (s *KitStore) List(ctx context.Context) ([]brandkits.Summary, error) {
	sums, err := s.list(ctx, brandkits.CheckPin)
	if err != nil {
		return nil, err
	}
	out := make([]brandkits.Summary, len(sums))
	for i, sum := range sums {
		out[i] = kitSummary(sum)
	}
	return out, nil
}

func kitSummary(s summary) brandkits.Summary {
	return brandkits.Summary{Name: s.Name, Latest: s.Latest, Pins: s.Pins, Retired: s.Retired}
}

// Get returns name with all of its versions, oldest first.
func (s *KitStore) Get(ctx context.Context, name string) (brandkits.Summary, error) {
	if err := s.validName(name); err != nil {
		return brandkits.Summary{}, fmt.Errorf("get kit: %w", err)
	}
	sum, err := s.summary(ctx, name, brandkits.CheckPin)
	if err != nil {
		return brandkits.Summary{}, fmt.Errorf("get kit %s: %w", name, err)
	}
	out := kitSummary(sum)
	nums, err := s.versionNumbers(ctx, name)
	if err != nil {
		return brandkits.Summary{}, fmt.Errorf("get kit %s: %w", name, err)
	}
	for _, n := range nums {
		v, err := s.readVersion(ctx, name, n)
		if err != nil {
			return brandkits.Summary{}, fmt.Errorf("get kit %s: %w", name, err)
		}
		out.Versions = append(out.Versions, v)
	}
	return out, nil
}

// Pin points pin at version number of name, forward or back; the version
// must exist. The record names the actor from WithActor, the time and the
// version the pin pointed at before. Two designers moving one pin at once
// both succeed and the later write wins, as with any pointer.
func (s *KitStore) Pin(ctx context.Context, name, pin string, number int) error {
	if err := s.validName(name); err != nil {
		return fmt.Errorf("pin kit: %w", err)
	}
	if err := brandkits.CheckPin(pin); err != nil {
		return fmt.Errorf("pin kit %s: %w", name, err)
	}
	if err := brandkits.CheckVersion(number); err != nil {
		return fmt.Errorf("pin kit %s: %w", name, err)
	}
	if _, err := s.readVersion(ctx, name, number); err != nil {
		return fmt.Errorf("pin %s@%s: %w", name, pin, err)
	}
	return s.writePin(ctx, name, pin, number)
}

// Retire marks name retired: its versions stay readable and its pins keep
// working, but Publish refuses it. Retiring a retired kit is a no-op that
// keeps the first record. A Publish already past its retired check when
// Retire lands may still add one version.
func (s *KitStore) Retire(ctx context.Context, name string) error {
	return s.retire(ctx, name)
}

// assetType is the content type a kit file is stored with.
func assetType(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml":
		return "application/yaml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".ttf":
		return "font/ttf"
	case ".otf":
		return "font/otf"
	}
	return "application/octet-stream"
}
