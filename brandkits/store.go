package brandkits

import (
	"context"
	"errors"
	"time"
)

// Errors a Store returns, wrapped with detail.
var (
	// ErrNotFound: no such kit, version or pin.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the operation lost a race or contradicts the kit's state
	// (for example publishing to a retired kit).
	ErrConflict = errors.New("conflict")
)

// Version describes one published, immutable kit version.
type Version struct {
	Name    string    `json:"name"`
	Number  int       `json:"version"`
	Hash    string    `json:"hash"` // hex SHA-256 over kit.yaml and every asset (ContentHash)
	Created time.Time `json:"created"`
	Author  string    `json:"author"`
	Note    string    `json:"note"`
	// Assets lists every file of the version with its SHA-256, kit.yaml included.
	Assets []Asset `json:"assets"`
}

// Ref returns the version as the Ref rendered documents record.
func (v Version) Ref() Ref { return Ref{Name: v.Name, Version: v.Number, Hash: v.Hash} }

// Asset is one file of a kit version.
type Asset struct {
	Path   string `json:"path"` // slash path in the kit folder: "kit.yaml", "logo.png", "fonts/X.ttf"
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Summary describes a kit name: its versions, pins and whether it is retired.
type Summary struct {
	Name     string         `json:"name"`
	Latest   int            `json:"latest"`
	Pins     map[string]int `json:"pins"`
	Retired  bool           `json:"retired"`
	Versions []Version      `json:"versions,omitempty"`
}

// Files is a kit folder in memory: slash paths to contents, kit.yaml included.
type Files map[string][]byte

// PublishRequest is what a designer publishes.
type PublishRequest struct {
	Files  Files
	Author string
	Note   string
}

// Store keeps brand kits as numbered, immutable versions. Implementations must
// make concurrent Publish calls for one name produce distinct consecutive
// versions and never overwrite a stored version.
type Store interface {
	// Publish validates the files as a kit named name and stores them as the
	// next version. The kit's own name in kit.yaml must equal name.
	Publish(ctx context.Context, name string, req PublishRequest) (Version, error)
	// Resolve finds a version by reference: "name" (latest), "name@N" or
	// "name@PIN" (e.g. "name@live").
	Resolve(ctx context.Context, ref string) (Version, error)
	// Load returns the kit of a version, ready to render, with Ref set.
	Load(ctx context.Context, v Version) (*Kit, Files, error)
	// List returns every kit name, sorted, without their versions.
	List(ctx context.Context) ([]Summary, error)
	// Get returns one kit name with all of its versions, oldest first.
	Get(ctx context.Context, name string) (Summary, error)
	// Pin points pin (e.g. "live") at version number of name, forward or back.
	Pin(ctx context.Context, name, pin string, number int) error
	// Retire marks name retired: it stays readable, but takes no new versions.
	Retire(ctx context.Context, name string) error
}
