package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
// documentation.)
//
// There is no way to delete a version: documents record the version they
// were rendered with, and re-rendering one must give the same bytes forever.
type KitStore struct {
	b       *Bucket
	prefix  string
	now     func() time.Time
	retries int
	// beforeCreate, when set by a test, runs between reading the latest
	// version and creating the next one: the window another publisher races into.
	beforeCreate func(number int)
}

var _ brandkits.Store = (*KitStore)(nil)

// KitStoreOption configures a KitStore.
type KitStoreOption func(*KitStore)

// WithClock makes the store read the time from now instead of time.Now, so
// tests can check Created and pin times.
func WithClock(now func() time.Time) KitStoreOption {
	return func(s *KitStore) { s.now = now }
}

// WithPrefix puts the store's objects under prefix instead of "kits/" (for
// two stores in one bucket, or tests). A missing trailing slash is added.
func WithPrefix(prefix string) KitStoreOption {
	return func(s *KitStore) {
		if prefix != "" && !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		s.prefix = prefix
	}
}

// maxPublishAttempts bounds the conditional creates one Publish tries. Each
// lost attempt means another version landed meanwhile, so reaching it takes
// a thousand concurrent publishes of one kit: a bug or an attack, not work.
const maxPublishAttempts = 1000

// reservedName cannot be a kit name: its folder holds the blobs.
const reservedName = "blobs"

// NewKitStore returns a KitStore keeping kits in b.
func NewKitStore(b *Bucket, opts ...KitStoreOption) *KitStore {
	s := &KitStore{b: b, prefix: "kits/", now: time.Now, retries: maxPublishAttempts}
	for _, o := range opts {
		o(s)
	}
	return s
}

type actorKey struct{}

// WithActor records who acts in ctx (a user name or e-mail), for the
// records that Pin and Retire write: brandkits.Store has no author argument
// for them, since only Publish creates content.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorFrom(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// pinRecord is the content of kits/<name>/pins/<pin>.json.
type pinRecord struct {
	Pin      string    `json:"pin"`
	Version  int       `json:"version"`
	Previous int       `json:"previous,omitempty"` // where it pointed before, for the audit trail
	By       string    `json:"by,omitempty"`
	Updated  time.Time `json:"updated"`
}

// retiredRecord is the content of kits/<name>/retired.json.
type retiredRecord struct {
	Retired time.Time `json:"retired"`
	By      string    `json:"by,omitempty"`
}

func (s *KitStore) blobKey(sum string) string    { return s.prefix + "blobs/" + sum }
func (s *KitStore) kitPrefix(name string) string { return s.prefix + name + "/" }
func (s *KitStore) versionsPrefix(name string) string {
	return s.kitPrefix(name) + "versions/"
}
func (s *KitStore) versionKey(name string, n int) string {
	return fmt.Sprintf("%s%08d.json", s.versionsPrefix(name), n)
}
func (s *KitStore) pinsPrefix(name string) string  { return s.kitPrefix(name) + "pins/" }
func (s *KitStore) pinKey(name, pin string) string { return s.pinsPrefix(name) + pin + ".json" }
func (s *KitStore) retiredKey(name string) string  { return s.kitPrefix(name) + "retired.json" }

// Publish validates req.Files as the kit name and stores them as its next
// version. A kit that does not parse is refused with Parse's
// *brandkits.ValidationError as is (every problem at once), as is a kit.yaml
// whose name differs from name; a retired name is refused with
// brandkits.ErrConflict. Nothing is written unless the kit is valid.
func (s *KitStore) Publish(ctx context.Context, name string, req brandkits.PublishRequest) (brandkits.Version, error) {
	if err := checkKitName(name); err != nil {
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
		obj, err := s.b.PutContent(ctx, s.prefix+"blobs/", data, "", PutOptions{ContentType: assetType(p)})
		if err != nil {
			return brandkits.Version{}, fmt.Errorf("publish kit %s: store %s: %w", name, p, err)
		}
		v.Assets = append(v.Assets, brandkits.Asset{Path: p, Size: int64(len(data)), SHA256: obj.SHA256})
	}
	if err := s.createVersion(ctx, &v); err != nil {
		return brandkits.Version{}, err
	}
	return v, nil
}

// createVersion claims the next free version number for v: it creates the
// manifest of latest+1 only if absent and, when another publisher got there
// first, reads the list again and tries the number after.
func (s *KitStore) createVersion(ctx context.Context, v *brandkits.Version) error {
	next := 0
	for attempt := 1; attempt <= s.retries; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("publish kit %s: %w", v.Name, err)
		}
		latest, err := s.latest(ctx, v.Name)
		if err != nil {
			return fmt.Errorf("publish kit %s: %w", v.Name, err)
		}
		// A conditional create that lost proves the number taken even if
		// a listing does not show it yet.
		next = max(next, latest) + 1
		if err := brandkits.CheckVersion(next); err != nil {
			return fmt.Errorf("publish kit %s: %w", v.Name, err)
		}
		v.Number = next
		if s.beforeCreate != nil {
			s.beforeCreate(next)
		}
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("publish kit %s: %w", v.Name, err)
		}
		_, err = s.b.Put(ctx, s.versionKey(v.Name, next), append(data, '\n'), PutOptions{
			ContentType: "application/json",
			Metadata:    map[string]string{"kit": v.Name, "version": strconv.Itoa(next), "kit-hash": v.Hash},
			IfNotExist:  true,
		})
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, ErrExists):
			return fmt.Errorf("publish kit %s: %w", v.Name, err)
		}
	}
	v.Number = 0
	return fmt.Errorf("publish kit %s: version number still taken after %d attempts: %w", v.Name, s.retries, brandkits.ErrConflict)
}

// latest returns the highest version number of name, 0 when it has none.
func (s *KitStore) latest(ctx context.Context, name string) (int, error) {
	nums, err := s.versionNumbers(ctx, name)
	if err != nil || len(nums) == 0 {
		return 0, err
	}
	return nums[len(nums)-1], nil
}

// versionNumbers lists the versions of name in ascending order. Keys that are
// not manifests are skipped rather than refused: they were not written by
// this store, and one stray file must not make a kit unreadable.
func (s *KitStore) versionNumbers(ctx context.Context, name string) ([]int, error) {
	objs, err := s.b.List(ctx, s.versionsPrefix(name))
	if err != nil {
		return nil, err
	}
	var nums []int
	for _, o := range objs {
		n, ok := versionFromKey(strings.TrimPrefix(o.Key, s.versionsPrefix(name)))
		if ok {
			nums = append(nums, n)
		}
	}
	// Zero-padding sorts the keys numerically up to MaxVersion; sorting
	// again costs nothing and does not depend on it.
	slices.Sort(nums)
	return nums, nil
}

func versionFromKey(base string) (int, bool) {
	digits, ok := strings.CutSuffix(base, ".json")
	if !ok || len(digits) != 8 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

func (s *KitStore) checkNotRetired(ctx context.Context, name string) error {
	_, err := s.b.Stat(ctx, s.retiredKey(name))
	switch {
	case err == nil:
		return fmt.Errorf("publish kit %s: the kit is retired and takes no new versions: %w", name, brandkits.ErrConflict)
	case errors.Is(err, ErrNotFound):
		return nil
	}
	return fmt.Errorf("publish kit %s: %w", name, err)
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
	if err := checkKitName(name); err != nil {
		return brandkits.Version{}, fmt.Errorf("resolve kit %s: %w", ref, err)
	}
	switch {
	case pin != "":
		rec, err := s.readPin(ctx, name, pin)
		if err != nil {
			return brandkits.Version{}, fmt.Errorf("resolve kit %s: %w", ref, err)
		}
		number = rec.Version
	case number == 0:
		latest, err := s.latest(ctx, name)
		if err != nil {
			return brandkits.Version{}, fmt.Errorf("resolve kit %s: %w", ref, err)
		}
		if latest == 0 {
			return brandkits.Version{}, fmt.Errorf("resolve kit %s: no kit named %q: %w", ref, name, brandkits.ErrNotFound)
		}
		number = latest
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
	key := s.versionKey(name, n)
	data, _, err := s.b.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		if latest, lerr := s.latest(ctx, name); lerr == nil && latest == 0 {
			return brandkits.Version{}, fmt.Errorf("no kit named %q: %w", name, brandkits.ErrNotFound)
		} else if lerr == nil {
			return brandkits.Version{}, fmt.Errorf("kit %s has no version %d (latest is %d): %w", name, n, latest, brandkits.ErrNotFound)
		}
		return brandkits.Version{}, fmt.Errorf("kit %s has no version %d: %w", name, n, brandkits.ErrNotFound)
	}
	if err != nil {
		return brandkits.Version{}, err
	}
	var v brandkits.Version
	if err := json.Unmarshal(data, &v); err != nil {
		return brandkits.Version{}, fmt.Errorf("manifest %s: %w", key, err)
	}
	if v.Name != name || v.Number != n || v.Hash == "" {
		return brandkits.Version{}, fmt.Errorf("manifest %s describes %s@%d: %w", key, v.Name, v.Number, ErrChecksum)
	}
	return v, nil
}

func (s *KitStore) readPin(ctx context.Context, name, pin string) (pinRecord, error) {
	data, _, err := s.b.Get(ctx, s.pinKey(name, pin))
	if errors.Is(err, ErrNotFound) {
		return pinRecord{}, fmt.Errorf("kit %s has no pin %q: %w", name, pin, brandkits.ErrNotFound)
	}
	if err != nil {
		return pinRecord{}, err
	}
	var rec pinRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return pinRecord{}, fmt.Errorf("pin %s: %w", s.pinKey(name, pin), err)
	}
	if rec.Version < 1 {
		return pinRecord{}, fmt.Errorf("pin %s points at version %d: %w", s.pinKey(name, pin), rec.Version, ErrChecksum)
	}
	return rec, nil
}

// Load reads the files of version v (found by v.Name and v.Number; the rest
// of v is taken from the stored manifest), checks every file against the
// SHA-256 in the manifest and the kit against its content hash, and parses
// it. The kit's Ref is v's name, number and hash. A file that does not match
// is storage corruption and fails with an error matching ErrChecksum rather
// than rendering something other than what was published.
func (s *KitStore) Load(ctx context.Context, v brandkits.Version) (*brandkits.Kit, brandkits.Files, error) {
	if err := checkKitName(v.Name); err != nil {
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
		data, _, err := s.b.Get(ctx, s.blobKey(a.SHA256))
		if err != nil {
			return nil, nil, fmt.Errorf("load kit %s: %s: %w", ref, a.Path, err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != a.SHA256 || int64(len(data)) != a.Size {
			return nil, nil, fmt.Errorf("load kit %s: %s is corrupt in storage (sha256 %s, %d bytes; published as %s, %d bytes): %w",
				ref, a.Path, got, len(data), a.SHA256, a.Size, ErrChecksum)
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
//
// It reads one listing of the whole prefix, blobs included, plus one object
// per pin. A delimited listing would skip the blobs, but Bucket.List is the
// listing that copes with the file backend's quirks (pages that drop keys,
// files renamed mid-walk), so it is used instead of the gocloud bucket.
func (s *KitStore) List(ctx context.Context) ([]brandkits.Summary, error) {
	objs, err := s.b.List(ctx, s.prefix)
	if err != nil {
		return nil, fmt.Errorf("list kits: %w", err)
	}
	byName := map[string][]string{}
	for _, o := range objs {
		name, rest, ok := strings.Cut(strings.TrimPrefix(o.Key, s.prefix), "/")
		if ok && checkKitName(name) == nil {
			byName[name] = append(byName[name], rest)
		}
	}
	out := make([]brandkits.Summary, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		sum, err := s.summarize(ctx, name, byName[name])
		if errors.Is(err, brandkits.ErrNotFound) {
			continue // a folder without versions: nothing this store wrote
		}
		if err != nil {
			return nil, fmt.Errorf("list kits: %w", err)
		}
		out = append(out, sum)
	}
	return out, nil
}

// summary reads everything about name but its versions' manifests.
func (s *KitStore) summary(ctx context.Context, name string) (brandkits.Summary, error) {
	objs, err := s.b.List(ctx, s.kitPrefix(name))
	if err != nil {
		return brandkits.Summary{}, err
	}
	rest := make([]string, len(objs))
	for i, o := range objs {
		rest[i] = strings.TrimPrefix(o.Key, s.kitPrefix(name))
	}
	return s.summarize(ctx, name, rest)
}

// summarize builds the summary of name from the keys in its folder (relative
// to it), reading each pin.
func (s *KitStore) summarize(ctx context.Context, name string, keys []string) (brandkits.Summary, error) {
	sum := brandkits.Summary{Name: name, Pins: map[string]int{}}
	for _, rest := range keys {
		switch {
		case strings.HasPrefix(rest, "versions/"):
			if n, ok := versionFromKey(strings.TrimPrefix(rest, "versions/")); ok {
				sum.Latest = max(sum.Latest, n)
			}
		case strings.HasPrefix(rest, "pins/"):
			pin, ok := strings.CutSuffix(strings.TrimPrefix(rest, "pins/"), ".json")
			if !ok || brandkits.CheckPin(pin) != nil {
				continue
			}
			rec, err := s.readPin(ctx, name, pin)
			if err != nil {
				return brandkits.Summary{}, err
			}
			sum.Pins[pin] = rec.Version
		case rest == "retired.json":
			sum.Retired = true
		}
	}
	if sum.Latest == 0 {
		return brandkits.Summary{}, fmt.Errorf("no kit named %q: %w", name, brandkits.ErrNotFound)
	}
	return sum, nil
}

// Get returns name with all of its versions, oldest first.
func (s *KitStore) Get(ctx context.Context, name string) (brandkits.Summary, error) {
	if err := checkKitName(name); err != nil {
		return brandkits.Summary{}, fmt.Errorf("get kit: %w", err)
	}
	sum, err := s.summary(ctx, name)
	if err != nil {
		return brandkits.Summary{}, fmt.Errorf("get kit %s: %w", name, err)
	}
	nums, err := s.versionNumbers(ctx, name)
	if err != nil {
		return brandkits.Summary{}, fmt.Errorf("get kit %s: %w", name, err)
	}
	for _, n := range nums {
		v, err := s.readVersion(ctx, name, n)
		if err != nil {
			return brandkits.Summary{}, fmt.Errorf("get kit %s: %w", name, err)
		}
		sum.Versions = append(sum.Versions, v)
	}
	return sum, nil
}

// Pin points pin at version number of name, forward or back; the version
// must exist. The record names the actor from WithActor, the time and the
// version the pin pointed at before. Two designers moving one pin at once
// both succeed and the later write wins, as with any pointer.
func (s *KitStore) Pin(ctx context.Context, name, pin string, number int) error {
	if err := checkKitName(name); err != nil {
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
	rec := pinRecord{Pin: pin, Version: number, By: actorFrom(ctx), Updated: s.now().UTC()}
	if prev, err := s.readPin(ctx, name, pin); err == nil {
		rec.Previous = prev.Version
	} else if !errors.Is(err, brandkits.ErrNotFound) {
		return fmt.Errorf("pin %s@%s: %w", name, pin, err)
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if _, err := s.b.Put(ctx, s.pinKey(name, pin), append(data, '\n'), PutOptions{ContentType: "application/json"}); err != nil {
		return fmt.Errorf("pin %s@%s: %w", name, pin, err)
	}
	return nil
}

// Retire marks name retired: its versions stay readable and its pins keep
// working, but Publish refuses it. Retiring a retired kit is a no-op that
// keeps the first record. A Publish already past its retired check when
// Retire lands may still add one version.
func (s *KitStore) Retire(ctx context.Context, name string) error {
	if err := checkKitName(name); err != nil {
		return fmt.Errorf("retire kit: %w", err)
	}
	latest, err := s.latest(ctx, name)
	if err != nil {
		return fmt.Errorf("retire kit %s: %w", name, err)
	}
	if latest == 0 {
		return fmt.Errorf("retire kit %s: no kit named %q: %w", name, name, brandkits.ErrNotFound)
	}
	data, err := json.MarshalIndent(retiredRecord{Retired: s.now().UTC(), By: actorFrom(ctx)}, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.b.Put(ctx, s.retiredKey(name), append(data, '\n'), PutOptions{ContentType: "application/json", IfNotExist: true})
	if err != nil && !errors.Is(err, ErrExists) {
		return fmt.Errorf("retire kit %s: %w", name, err)
	}
	return nil
}

// checkKitName refuses names that are not kit names before they become
// storage keys, and the one name whose folder holds the blobs.
func checkKitName(name string) error {
	if err := brandkits.CheckName(name); err != nil {
		return err
	}
	if name == reservedName {
		return fmt.Errorf("kit name %q is reserved by the kit store: %w", name, brandkits.ErrBadRef)
	}
	return nil
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
