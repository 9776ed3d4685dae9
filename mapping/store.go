package mapping

import (
	"context"
	"time"
)

// Version describes one published, immutable profile version.
type Version struct {
	Name    string    `json:"name"`
	Number  int       `json:"version"`
	Hash    string    `json:"hash"` // hex SHA-256 of the profile file
	Target  string    `json:"target"`
	Created time.Time `json:"created"`
	Author  string    `json:"author"`
	Note    string    `json:"note"`
}

// Ref returns the version as "name@N".
func (v Version) Ref() string { return FormatRef(v.Name, v.Number, "") }

// Summary describes a profile name: its latest version, pins, whether it is
// retired and, from Store.Get, its versions.
type Summary struct {
	Name     string         `json:"name"`
	Latest   int            `json:"latest"`
	Pins     map[string]int `json:"pins"`
	Retired  bool           `json:"retired"`
	Versions []Version      `json:"versions,omitempty"`
}

// PublishRequest is a profile file to publish.
type PublishRequest struct {
	YAML   []byte
	Author string
	Note   string
}

// Store keeps mapping profiles as numbered, immutable versions with pins,
// as brandkits.Store keeps kits. Implementations must make concurrent
// Publish calls for one name produce distinct consecutive versions and
// never overwrite a stored version. Errors match ErrBadRef, ErrNotFound,
// ErrConflict or, for a profile file that does not parse,
// ErrInvalidProfile.
type Store interface {
	// Publish validates the file as a profile named name and stores it as
	// the next version. The profile's own name must equal name.
	Publish(ctx context.Context, name string, req PublishRequest) (Version, error)
	// Resolve finds a version by reference: "name" (latest), "name@N" or
	// "name@PIN" (e.g. "name@live").
	Resolve(ctx context.Context, ref string) (Version, error)
	// Load returns the profile of a version, checked against its hash.
	Load(ctx context.Context, v Version) (*Profile, error)
	// List returns every profile name, sorted, without their versions.
	List(ctx context.Context) ([]Summary, error)
	// Get returns one profile name with all of its versions, oldest first.
	Get(ctx context.Context, name string) (Summary, error)
	// Pin points pin (e.g. "live") at version number of name.
	Pin(ctx context.Context, name, pin string, number int) error
	// Retire marks name retired: it stays readable, but takes no new versions.
	Retire(ctx context.Context, name string) error
}
