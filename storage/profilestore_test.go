package storage

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
)

// profileYAML is a small valid profile named name; note varies the file so
// that two versions differ.
func profileYAML(name, note string) []byte {
	return []byte(`# ` + note + `
livery_profile: 1
name: ` + name + `
target: invoice
fields:
  number: nr
  issue_date: {path: datum, date: DD.MM.YYYY}
  currency: {const: EUR}
  buyer.name: kunde
  buyer.address.lines: [strasse]
  lines:
    each: "pos[*]"
    fields:
      description: text
      quantity: menge
      unit_price: preis
      tax_rate: {const: "19"}
`)
}

func TestProfileStorePublishResolvePin(t *testing.T) {
	for _, be := range kitBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			b := be.open(t)
			clock := newTestClock()
			s := NewProfileStore(b, WithClock(clock.Now))
			ctx := WithActor(context.Background(), "ines@example.com")

			y1, y2 := profileYAML("sap-export", "first"), profileYAML("sap-export", "second")
			v1, err := s.Publish(ctx, "sap-export", mapping.PublishRequest{YAML: y1, Author: "ann", Note: "first"})
			require.NoError(t, err)
			clock.Advance(time.Hour)
			v2, err := s.Publish(ctx, "sap-export", mapping.PublishRequest{YAML: y2, Author: "bob", Note: "second"})
			require.NoError(t, err)
			assert.Equal(t, mapping.Version{Name: "sap-export", Number: 1, Hash: mapping.Hash(y1), Target: "invoice",
				Created: clock.Now().Add(-time.Hour), Author: "ann", Note: "first"}, v1)
			assert.Equal(t, 2, v2.Number)

			for _, r := range []struct {
				ref  string
				want int
				err  error
			}{
				{ref: "sap-export", want: 2},
				{ref: "sap-export@1", want: 1},
				{ref: "sap-export@3", err: mapping.ErrNotFound},
				{ref: "sap-export@live", err: mapping.ErrNotFound},
				{ref: "other", err: mapping.ErrNotFound},
				{ref: "SAP", err: mapping.ErrBadRef},
				{ref: "sap-export@0", err: mapping.ErrBadRef},
				{ref: "sap-export@01", err: mapping.ErrBadRef},
				{ref: "blobs", err: mapping.ErrBadRef},
			} {
				v, err := s.Resolve(ctx, r.ref)
				if r.err != nil {
					assert.ErrorIs(t, err, r.err, r.ref)
					continue
				}
				require.NoError(t, err, r.ref)
				assert.Equal(t, r.want, v.Number, r.ref)
			}

			require.NoError(t, s.Pin(ctx, "sap-export", "live", 2))
			require.NoError(t, s.Pin(ctx, "sap-export", "live", 1))
			assert.ErrorIs(t, s.Pin(ctx, "sap-export", "live", 3), mapping.ErrNotFound)
			assert.ErrorIs(t, s.Pin(ctx, "sap-export", "Live", 1), mapping.ErrBadRef)
			v, err := s.Resolve(ctx, "sap-export@live")
			require.NoError(t, err)
			assert.Equal(t, v1, v)
			data, _, err := b.Get(ctx, "profiles/sap-export/pins/live.json")
			require.NoError(t, err)
			var rec pinRecord
			require.NoError(t, json.Unmarshal(data, &rec))
			assert.Equal(t, pinRecord{Pin: "live", Version: 1, Previous: 2, By: "ines@example.com", Updated: clock.Now()}, rec)

			p, err := s.Load(ctx, v)
			require.NoError(t, err)
			assert.Equal(t, "sap-export", p.Name)
			assert.Equal(t, y1, p.YAML(), "the version pinned live is the first file")

			list, err := s.List(ctx)
			require.NoError(t, err)
			assert.Equal(t, []mapping.Summary{{Name: "sap-export", Latest: 2, Pins: map[string]int{"live": 1}}}, list)
			got, err := s.Get(ctx, "sap-export")
			require.NoError(t, err)
			assert.Equal(t, []mapping.Version{v1, v2}, got.Versions)

			require.NoError(t, s.Retire(ctx, "sap-export"))
			_, err = s.Publish(ctx, "sap-export", mapping.PublishRequest{YAML: y1})
			assert.ErrorIs(t, err, mapping.ErrConflict)
			assert.Contains(t, err.Error(), "profile is retired")
			_, err = s.Resolve(ctx, "sap-export@live")
			assert.NoError(t, err, "a retired profile still resolves")
		})
	}
}

func TestProfileStoreRefusalsWriteNothing(t *testing.T) {
	b := openForTest(t, "mem://")
	s := NewProfileStore(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name, as string
		yaml     []byte
		err      error
		want     string
	}{
		{"invalid profile", "sap-export", []byte("livery_profile: 1\nname: sap-export\ntarget: bill\nfields: {number: nr}\n"), mapping.ErrInvalidProfile, `target (line 3): must be "invoice"`},
		{"not YAML", "sap-export", []byte("{"), mapping.ErrInvalidProfile, "did not find expected node content"},
		{"name differs", "other", profileYAML("sap-export", ""), mapping.ErrInvalidProfile, `named "sap-export", but it is being published as "other"`},
		{"bad name", "Sap", profileYAML("sap-export", ""), mapping.ErrBadRef, "must be lower case"},
		{"reserved name", "blobs", profileYAML("blobs", ""), mapping.ErrBadRef, "reserved"},
	} {
		_, err := s.Publish(ctx, tc.as, mapping.PublishRequest{YAML: tc.yaml})
		require.ErrorIs(t, err, tc.err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
	assert.Empty(t, allKeys(t, b))
}

func TestProfileStoreLosesRace(t *testing.T) {
	s := NewProfileStore(openForTest(t, "mem://"))
	ctx := context.Background()
	y := profileYAML("sap-export", "")
	var tried []int
	s.beforeCreate = func(n int) {
		tried = append(tried, n)
		if len(tried) == 1 {
			_, err := NewProfileStore(s.b).Publish(ctx, "sap-export", mapping.PublishRequest{YAML: y, Note: "rival"})
			require.NoError(t, err)
		}
	}
	v, err := s.Publish(ctx, "sap-export", mapping.PublishRequest{YAML: y, Note: "loser"})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, tried)
	assert.Equal(t, 2, v.Number)
	rival, err := s.Resolve(ctx, "sap-export@1")
	require.NoError(t, err)
	assert.Equal(t, "rival", rival.Note)
}

// TestProfilesAndKitsShareABucket keeps both stores in one bucket: each
// sees only its own names, and a corrupt profile file is caught on Load.
func TestProfilesAndKitsShareABucket(t *testing.T) {
	b := openForTest(t, "mem://")
	ctx := context.Background()
	kits, profiles := NewKitStore(b), NewProfileStore(b)
	_, err := kits.Publish(ctx, "roastery", brandkits.PublishRequest{Files: roasteryFiles(t, "")})
	require.NoError(t, err)
	y := profileYAML("roastery", "")
	v, err := profiles.Publish(ctx, "roastery", mapping.PublishRequest{YAML: y})
	require.NoError(t, err)

	var profileKeys []string
	for _, k := range allKeys(t, b) {
		if strings.HasPrefix(k, "profiles/") {
			profileKeys = append(profileKeys, k)
		}
	}
	assert.Equal(t, []string{"profiles/blobs/" + mapping.Hash(y), "profiles/roastery/versions/00000001.json"}, sortedStrings(profileKeys))
	kl, err := kits.List(ctx)
	require.NoError(t, err)
	pl, err := profiles.List(ctx)
	require.NoError(t, err)
	assert.Len(t, kl, 1)
	assert.Len(t, pl, 1)

	_, err = b.Put(ctx, "profiles/blobs/"+mapping.Hash(y), []byte("livery_profile: 1\n"), PutOptions{})
	require.NoError(t, err)
	_, err = profiles.Load(ctx, v)
	assert.ErrorIs(t, err, ErrChecksum)
	assert.Contains(t, err.Error(), "corrupt in storage")
}
