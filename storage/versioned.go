package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// versioned is the machinery KitStore and ProfileStore share: named items
// kept as numbered, immutable versions under one prefix of a Bucket. The
// layout under the prefix:
//
//	blobs/<sha256>                  content, addressed by its SHA-256
//	<name>/versions/<%08d>.json     one manifest per version, created, never overwritten
//	<name>/pins/<pin>.json          where a pin points (overwritten: moving it is the point)
//	<name>/retired.json             present once the name is retired
//
// A manifest is created with a conditional create, so two publishers racing
// for version N+1 get N+1 and N+2 instead of overwriting each other. The
// store that embeds versioned decides what a manifest holds and checks names,
// pins and numbers with its domain's rules; versioned words its messages
// with noun ("kit", "profile") and wraps the domain's sentinel errors.
type versioned struct {
	b       *Bucket
	prefix  string
	now     func() time.Time
	retries int
	// beforeCreate, when set by a test, runs between reading the latest
	// version and creating the next one: the window another publisher races into.
	beforeCreate func(number int)

	noun         string
	checkName    func(string) error // the domain's rule for names
	checkVersion func(int) error
	errNotFound  error
	errConflict  error
	errBadRef    error
}

// maxPublishAttempts bounds the conditional creates one publish tries. Each
// lost attempt means another version landed meanwhile, so reaching it takes
// a thousand concurrent publishes of one name: a bug or an attack, not work.
const maxPublishAttempts = 1000

// reservedName cannot be a name: its folder holds the blobs.
const reservedName = "blobs"

// pinRecord is the content of <name>/pins/<pin>.json.
type pinRecord struct {
	Pin      string    `json:"pin"`
	Version  int       `json:"version"`
	Previous int       `json:"previous,omitempty"` // where it pointed before, for the audit trail
	By       string    `json:"by,omitempty"`
	Updated  time.Time `json:"updated"`
}

// retiredRecord is the content of <name>/retired.json.
type retiredRecord struct {
	Retired time.Time `json:"retired"`
	By      string    `json:"by,omitempty"`
}

// summary is what versioned knows about a name without reading manifests.
type summary struct {
	Name    string
	Latest  int
	Pins    map[string]int
	Retired bool
}

type actorKey struct{}

// WithActor records who acts in ctx (a user name or e-mail), for the
// records that Pin and Retire write: the stores' Pin and Retire have no
// author argument, since only Publish creates content.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorFrom(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// setPrefix puts the store's objects under prefix, adding a missing
// trailing slash.
func (s *versioned) setPrefix(prefix string) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	s.prefix = prefix
}

func (s *versioned) blobKey(sum string) string     { return s.prefix + "blobs/" + sum }
func (s *versioned) itemPrefix(name string) string { return s.prefix + name + "/" }
func (s *versioned) versionsPrefix(name string) string {
	return s.itemPrefix(name) + "versions/"
}
func (s *versioned) versionKey(name string, n int) string {
	return fmt.Sprintf("%s%08d.json", s.versionsPrefix(name), n)
}
func (s *versioned) pinsPrefix(name string) string  { return s.itemPrefix(name) + "pins/" }
func (s *versioned) pinKey(name, pin string) string { return s.pinsPrefix(name) + pin + ".json" }
func (s *versioned) retiredKey(name string) string  { return s.itemPrefix(name) + "retired.json" }

// validName refuses names that are not names of the domain before they
// become storage keys, and the one name whose folder holds the blobs.
func (s *versioned) validName(name string) error {
	if err := s.checkName(name); err != nil {
		return err
	}
	if name == reservedName {
		return fmt.Errorf("%s name %q is reserved by the %s store: %w", s.noun, name, s.noun, s.errBadRef)
	}
	return nil
}

// putBlob stores content under blobs/<sha256> unless it is there already.
func (s *versioned) putBlob(ctx context.Context, data []byte, contentType string) (Object, error) {
	return s.b.PutContent(ctx, s.prefix+"blobs/", data, "", PutOptions{ContentType: contentType})
}

// createVersion claims the next free version number of name: it creates
// the manifest manifest(number) returns for latest+1 only if absent and,
// when another publisher got there first, reads the list again and tries
// the number after. It returns the number it got.
func (s *versioned) createVersion(ctx context.Context, name string, manifest func(number int) ([]byte, map[string]string, error)) (int, error) {
	next := 0
	for attempt := 1; attempt <= s.retries; attempt++ {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("publish %s %s: %w", s.noun, name, err)
		}
		latest, err := s.latest(ctx, name)
		if err != nil {
			return 0, fmt.Errorf("publish %s %s: %w", s.noun, name, err)
		}
		// A conditional create that lost proves the number taken even if
		// a listing does not show it yet.
		next = max(next, latest) + 1
		if err := s.checkVersion(next); err != nil {
			return 0, fmt.Errorf("publish %s %s: %w", s.noun, name, err)
		}
		if s.beforeCreate != nil {
			s.beforeCreate(next)
		}
		data, meta, err := manifest(next)
		if err != nil {
			return 0, fmt.Errorf("publish %s %s: %w", s.noun, name, err)
		}
		_, err = s.b.Put(ctx, s.versionKey(name, next), append(data, '\n'), PutOptions{
			ContentType: "application/json",
			Metadata:    meta,
			IfNotExist:  true,
		})
		switch {
		case err == nil:
			return next, nil
		case !errors.Is(err, ErrExists):
			return 0, fmt.Errorf("publish %s %s: %w", s.noun, name, err)
		}
	}
	return 0, fmt.Errorf("publish %s %s: version number still taken after %d attempts: %w", s.noun, name, s.retries, s.errConflict)
}

// latest returns the highest version number of name, 0 when it has none.
func (s *versioned) latest(ctx context.Context, name string) (int, error) {
	nums, err := s.versionNumbers(ctx, name)
	if err != nil || len(nums) == 0 {
		return 0, err
	}
	return nums[len(nums)-1], nil
}

// versionNumbers lists the versions of name in ascending order. Keys that are
// not manifests are skipped rather than refused: they were not written by
// this store, and one stray file must not make a name unreadable.
func (s *versioned) versionNumbers(ctx context.Context, name string) ([]int, error) {
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
	// Zero-padding sorts the keys numerically up to the highest version;
	// sorting again costs nothing and does not depend on it.
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

// readBlob reads the blob with the given SHA-256, the file what of a
// version, and checks its content against it and the size the manifest
// recorded.
func (s *versioned) readBlob(ctx context.Context, what, sum string, size int64) ([]byte, error) {
	data, _, err := s.b.Get(ctx, s.blobKey(sum))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	got := sha256.Sum256(data)
	if hex.EncodeToString(got[:]) != sum || int64(len(data)) != size {
		return nil, fmt.Errorf("%s is corrupt in storage (sha256 %s, %d bytes; published as %s, %d bytes): %w",
			what, hex.EncodeToString(got[:]), len(data), sum, size, ErrChecksum)
	}
	return data, nil
}

// checkNotRetired refuses to publish to a retired name.
func (s *versioned) checkNotRetired(ctx context.Context, name string) error {
	_, err := s.b.Stat(ctx, s.retiredKey(name))
	switch {
	case err == nil:
		return fmt.Errorf("publish %s %s: the %s is retired and takes no new versions: %w", s.noun, name, s.noun, s.errConflict)
	case errors.Is(err, ErrNotFound):
		return nil
	}
	return fmt.Errorf("publish %s %s: %w", s.noun, name, err)
}

// resolveNumber turns a parsed reference into a version number: the pin's
// version, number itself, or the latest when both are empty. It does not
// check that a given number exists.
func (s *versioned) resolveNumber(ctx context.Context, ref, name string, number int, pin string) (int, error) {
	switch {
	case pin != "":
		rec, err := s.readPin(ctx, name, pin)
		if err != nil {
			return 0, fmt.Errorf("resolve %s %s: %w", s.noun, ref, err)
		}
		return rec.Version, nil
	case number == 0:
		latest, err := s.latest(ctx, name)
		if err != nil {
			return 0, fmt.Errorf("resolve %s %s: %w", s.noun, ref, err)
		}
		if latest == 0 {
			return 0, fmt.Errorf("resolve %s %s: no %s named %q: %w", s.noun, ref, s.noun, name, s.errNotFound)
		}
		return latest, nil
	}
	return number, nil
}

// readManifest reads the manifest of name@n into v.
func (s *versioned) readManifest(ctx context.Context, name string, n int, v any) error {
	key := s.versionKey(name, n)
	data, _, err := s.b.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		if latest, lerr := s.latest(ctx, name); lerr == nil && latest == 0 {
			return fmt.Errorf("no %s named %q: %w", s.noun, name, s.errNotFound)
		} else if lerr == nil {
			return fmt.Errorf("%s %s has no version %d (latest is %d): %w", s.noun, name, n, latest, s.errNotFound)
		}
		return fmt.Errorf("%s %s has no version %d: %w", s.noun, name, n, s.errNotFound)
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("manifest %s: %w", key, err)
	}
	return nil
}

// checkManifest refuses a manifest of name@n that describes something else
// (gotName@gotNumber) or records no hash: storage corruption.
func (s *versioned) checkManifest(name string, n int, gotName string, gotNumber int, hash string) error {
	if gotName != name || gotNumber != n || hash == "" {
		return fmt.Errorf("manifest %s describes %s@%d: %w", s.versionKey(name, n), gotName, gotNumber, ErrChecksum)
	}
	return nil
}

func (s *versioned) readPin(ctx context.Context, name, pin string) (pinRecord, error) {
	data, _, err := s.b.Get(ctx, s.pinKey(name, pin))
	if errors.Is(err, ErrNotFound) {
		return pinRecord{}, fmt.Errorf("%s %s has no pin %q: %w", s.noun, name, pin, s.errNotFound)
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

// list returns every name with a version, sorted, with its latest version,
// pins and whether it is retired. checkPin filters pin files by name.
//
// It reads one listing of the whole prefix, blobs included, plus one object
// per pin. A delimited listing would skip the blobs, but Bucket.List is the
// listing that copes with the file backend's quirks (pages that drop keys,
// files renamed mid-walk), so it is used instead of the gocloud bucket.
func (s *versioned) list(ctx context.Context, checkPin func(string) error) ([]summary, error) {
	objs, err := s.b.List(ctx, s.prefix)
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", s.noun, err)
	}
	byName := map[string][]string{}
	for _, o := range objs {
		name, rest, ok := strings.Cut(strings.TrimPrefix(o.Key, s.prefix), "/")
		if ok && s.validName(name) == nil {
			byName[name] = append(byName[name], rest)
		}
	}
	out := make([]summary, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		sum, err := s.summarize(ctx, name, byName[name], checkPin)
		if errors.Is(err, s.errNotFound) {
			continue // a folder without versions: nothing this store wrote
		}
		if err != nil {
			return nil, fmt.Errorf("list %ss: %w", s.noun, err)
		}
		out = append(out, sum)
	}
	return out, nil
}

// summary reads everything about name but its versions' manifests.
func (s *versioned) summary(ctx context.Context, name string, checkPin func(string) error) (summary, error) {
	objs, err := s.b.List(ctx, s.itemPrefix(name))
	if err != nil {
		return summary{}, err
	}
	rest := make([]string, len(objs))
	for i, o := range objs {
		rest[i] = strings.TrimPrefix(o.Key, s.itemPrefix(name))
	}
	return s.summarize(ctx, name, rest, checkPin)
}

// summarize builds the summary of name from the keys in its folder (relative
// to it), reading each pin.
func (s *versioned) summarize(ctx context.Context, name string, keys []string, checkPin func(string) error) (summary, error) {
	sum := summary{Name: name, Pins: map[string]int{}}
	for _, rest := range keys {
		switch {
		case strings.HasPrefix(rest, "versions/"):
			if n, ok := versionFromKey(strings.TrimPrefix(rest, "versions/")); ok {
				sum.Latest = max(sum.Latest, n)
			}
		case strings.HasPrefix(rest, "pins/"):
			pin, ok := strings.CutSuffix(strings.TrimPrefix(rest, "pins/"), ".json")
			if !ok || checkPin(pin) != nil {
				continue
			}
			rec, err := s.readPin(ctx, name, pin)
			if err != nil {
				return summary{}, err
			}
			sum.Pins[pin] = rec.Version
		case rest == "retired.json":
			sum.Retired = true
		}
	}
	if sum.Latest == 0 {
		return summary{}, fmt.Errorf("no %s named %q: %w", s.noun, name, s.errNotFound)
	}
	return sum, nil
}

// writePin points pin of name at number, which the caller has checked
// exists, recording the actor from WithActor, the time and the version the
// pin pointed at before. Two writers moving one pin at once both succeed and
// the later write wins, as with any pointer.
func (s *versioned) writePin(ctx context.Context, name, pin string, number int) error {
	rec := pinRecord{Pin: pin, Version: number, By: actorFrom(ctx), Updated: s.now().UTC()}
	if prev, err := s.readPin(ctx, name, pin); err == nil {
		rec.Previous = prev.Version
	} else if !errors.Is(err, s.errNotFound) {
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

// retire marks name retired: its versions stay readable and its pins keep
// working, but publishing refuses it. Retiring twice keeps the first record.
// A publish already past its retired check when retire lands may still add
// one version.
func (s *versioned) retire(ctx context.Context, name string) error {
	if err := s.validName(name); err != nil {
		return fmt.Errorf("retire %s: %w", s.noun, err)
	}
	latest, err := s.latest(ctx, name)
	if err != nil {
		return fmt.Errorf("retire %s %s: %w", s.noun, name, err)
	}
	if latest == 0 {
		return fmt.Errorf("retire %s %s: no %s named %q: %w", s.noun, name, s.noun, name, s.errNotFound)
	}
	data, err := json.MarshalIndent(retiredRecord{Retired: s.now().UTC(), By: actorFrom(ctx)}, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.b.Put(ctx, s.retiredKey(name), append(data, '\n'), PutOptions{ContentType: "application/json", IfNotExist: true})
	if err != nil && !errors.Is(err, ErrExists) {
		return fmt.Errorf("retire %s %s: %w", s.noun, name, err)
	}
	return nil
}
