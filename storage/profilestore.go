package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/liveryhq/livery/mapping"
)

// ProfileStore keeps mapping profiles in a Bucket as numbered, immutable
// versions with pins, exactly as KitStore keeps kits and with the same
// machinery. The layout under its prefix ("profiles/" unless WithPrefix
// says otherwise):
//
//	profiles/blobs/<sha256>                the profile file of every version, content-addressed
//	profiles/<name>/versions/<%08d>.json   one manifest per version (mapping.Version JSON)
//	profiles/<name>/pins/<pin>.json        where a pin points
//	profiles/<name>/retired.json           present once the name is retired
//
// Profiles and kits can share one bucket: their prefixes keep them apart.
type ProfileStore struct {
	versioned
}

var _ mapping.Store = (*ProfileStore)(nil)

// NewProfileStore returns a ProfileStore keeping profiles in b. It takes
// the kit store's options (WithClock, WithPrefix).
func NewProfileStore(b *Bucket, opts ...KitStoreOption) *ProfileStore {
	s := &ProfileStore{versioned{
		b: b, prefix: "profiles/", now: time.Now, retries: maxPublishAttempts,
		noun:         "profile",
		checkName:    mapping.CheckName,
		checkVersion: mapping.CheckVersion,
		errNotFound:  mapping.ErrNotFound,
		errConflict:  mapping.ErrConflict,
		errBadRef:    mapping.ErrBadRef,
	}}
	for _, o := range opts {
		o(&s.versioned)
	}
	return s
}

// Publish validates req.YAML as the profile name and stores it as its next
// version. A profile that does not parse is refused with ParseProfile's
// *mapping.ProfileError (every problem at once), as is one whose name
// differs from name; a retired name is refused with mapping.ErrConflict.
// Nothing is written unless the profile is valid.
func (s *ProfileStore) Publish(ctx context.Context, name string, req mapping.PublishRequest) (mapping.Version, error) {
	if err := s.validName(name); err != nil {
		return mapping.Version{}, fmt.Errorf("publish profile: %w", err)
	}
	p, err := mapping.ParseProfile(req.YAML)
	if err != nil {
		return mapping.Version{}, err
	}
	if p.Name != name {
		return mapping.Version{}, &mapping.ProfileError{Problems: []mapping.ProfileProblem{{
			Path:    "name",
			Message: fmt.Sprintf("the profile is named %q, but it is being published as %q; change one of them", p.Name, name),
		}}}
	}
	if err := s.checkNotRetired(ctx, name); err != nil {
		return mapping.Version{}, err
	}
	v := mapping.Version{
		Name:    name,
		Hash:    p.Hash(),
		Target:  string(p.Target),
		Created: s.now().UTC(),
		Author:  req.Author,
		Note:    req.Note,
	}
	// The file goes first: a manifest naming a missing file would be a
	// version that cannot load.
	if _, err := s.putBlob(ctx, req.YAML, "application/yaml"); err != nil {
		return mapping.Version{}, fmt.Errorf("publish profile %s: %w", name, err)
	}
	n, err := s.createVersion(ctx, name, func(n int) ([]byte, map[string]string, error) {
		v.Number = n
		data, err := json.MarshalIndent(v, "", "  ")
		return data, map[string]string{"profile": v.Name, "version": strconv.Itoa(n), "profile-hash": v.Hash}, err
	})
	if err != nil {
		return mapping.Version{}, err
	}
	v.Number = n
	return v, nil
}

// Resolve finds a version by reference: "name" (the latest), "name@N" or
// "name@pin". A malformed reference matches mapping.ErrBadRef; a missing
// profile, version or pin mapping.ErrNotFound. A retired profile still
// resolves.
func (s *ProfileStore) Resolve(ctx context.Context, ref string) (mapping.Version, error) {
	name, number, pin, err := mapping.ParseRef(ref)
	if err != nil {
		return mapping.Version{}, err
	}
	if err := s.validName(name); err != nil {
		return mapping.Version{}, fmt.Errorf("resolve profile %s: %w", ref, err)
	}
	number, err = s.resolveNumber(ctx, ref, name, number, pin)
	if err != nil {
		return mapping.Version{}, err
	}
	v, err := s.readVersion(ctx, name, number)
	if err != nil {
		return mapping.Version{}, fmt.Errorf("resolve profile %s: %w", ref, err)
	}
	return v, nil
}

func (s *ProfileStore) readVersion(ctx context.Context, name string, n int) (mapping.Version, error) {
	var v mapping.Version
	if err := s.readManifest(ctx, name, n, &v); err != nil {
		return mapping.Version{}, err
	}
	if err := s.checkManifest(name, n, v.Name, v.Number, v.Hash); err != nil {
		return mapping.Version{}, err
	}
	return v, nil
}

// Load reads the profile of version v (found by v.Name and v.Number),
// checks the file against the SHA-256 in the manifest and parses it. A file
// that does not match fails with an error matching ErrChecksum.
func (s *ProfileStore) Load(ctx context.Context, v mapping.Version) (*mapping.Profile, error) {
	if err := s.validName(v.Name); err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	if err := mapping.CheckVersion(v.Number); err != nil {
		return nil, fmt.Errorf("load profile %s: %w", v.Name, err)
	}
	ref := v.Ref()
	m, err := s.readVersion(ctx, v.Name, v.Number)
	if err != nil {
		return nil, fmt.Errorf("load profile %s: %w", ref, err)
	}
	if v.Hash != "" && v.Hash != m.Hash {
		return nil, fmt.Errorf("load profile %s: asked for hash %s, stored version has %s: %w", ref, v.Hash, m.Hash, mapping.ErrConflict)
	}
	data, _, err := s.b.Get(ctx, s.blobKey(m.Hash))
	if err != nil {
		return nil, fmt.Errorf("load profile %s: %w", ref, err)
	}
	if got := mapping.Hash(data); got != m.Hash {
		return nil, fmt.Errorf("load profile %s: the file is corrupt in storage (sha256 %s, published as %s): %w", ref, got, m.Hash, ErrChecksum)
	}
	// ParseProfile validates with today's rules; a profile that passed when
	// it was published fails here only if a rule got stricter since.
	p, err := mapping.ParseProfile(data)
	if err != nil {
		return nil, fmt.Errorf("load profile %s: %w", ref, err)
	}
	return p, nil
}

// List returns every profile name, sorted, with its latest version, pins
// and whether it is retired, but without its versions (see Get).
func (s *ProfileStore) List(ctx context.Context) ([]mapping.Summary, error) {
	sums, err := s.list(ctx, mapping.CheckPin)
	if err != nil {
		return nil, err
	}
	out := make([]mapping.Summary, len(sums))
	for i, sum := range sums {
		out[i] = profileSummary(sum)
	}
	return out, nil
}

func profileSummary(s summary) mapping.Summary {
	return mapping.Summary{Name: s.Name, Latest: s.Latest, Pins: s.Pins, Retired: s.Retired}
}

// Get returns name with all of its versions, oldest first.
func (s *ProfileStore) Get(ctx context.Context, name string) (mapping.Summary, error) {
	if err := s.validName(name); err != nil {
		return mapping.Summary{}, fmt.Errorf("get profile: %w", err)
	}
	sum, err := s.summary(ctx, name, mapping.CheckPin)
	if err != nil {
		return mapping.Summary{}, fmt.Errorf("get profile %s: %w", name, err)
	}
	out := profileSummary(sum)
	nums, err := s.versionNumbers(ctx, name)
	if err != nil {
		return mapping.Summary{}, fmt.Errorf("get profile %s: %w", name, err)
	}
	for _, n := range nums {
		v, err := s.readVersion(ctx, name, n)
		if err != nil {
			return mapping.Summary{}, fmt.Errorf("get profile %s: %w", name, err)
		}
		out.Versions = append(out.Versions, v)
	}
	return out, nil
}

// Pin points pin at version number of name, forward or back; the version
// must exist. The record names the actor from WithActor.
func (s *ProfileStore) Pin(ctx context.Context, name, pin string, number int) error {
	if err := s.validName(name); err != nil {
		return fmt.Errorf("pin profile: %w", err)
	}
	if err := mapping.CheckPin(pin); err != nil {
		return fmt.Errorf("pin profile %s: %w", name, err)
	}
	if err := mapping.CheckVersion(number); err != nil {
		return fmt.Errorf("pin profile %s: %w", name, err)
	}
	if _, err := s.readVersion(ctx, name, number); err != nil {
		return fmt.Errorf("pin %s@%s: %w", name, pin, err)
	}
	return s.writePin(ctx, name, pin, number)
}

// Retire marks name retired: its versions stay readable and its pins keep
// working, but Publish refuses it.
func (s *ProfileStore) Retire(ctx context.Context, name string) error {
	return s.retire(ctx, name)
}
