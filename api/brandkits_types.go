package api

import "time"

// KitSummary is one kit in GET /v1/brandkits.
type KitSummary struct {
	Name    string         `json:"name"`
	Latest  int            `json:"latest"` // the highest version number
	Pins    map[string]int `json:"pins"`   // pin name -> version, e.g. {"live": 3}
	Retired bool           `json:"retired"`
}

// KitDetail is GET /v1/brandkits/{name}: the kit with its versions.
type KitDetail struct {
	KitSummary
	Versions []KitVersionInfo `json:"versions"` // oldest first
}

// KitVersionInfo describes one published version, without its files.
type KitVersionInfo struct {
	Version int       `json:"version"`
	Hash    string    `json:"hash"` // hex SHA-256 content hash, as documents record it
	Created time.Time `json:"created"`
	Author  string    `json:"author"` // the name of the API key that published it
	Note    string    `json:"note"`
}

// KitAsset is one file of a kit version.
type KitAsset struct {
	Path   string `json:"path"` // "kit.yaml", "logo.png", "fonts/Brand-Regular.ttf"
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url"` // download path on this server
}

// KitVersionDetail is GET /v1/brandkits/{name}/versions/{n}.
type KitVersionDetail struct {
	Name string `json:"name"`
	KitVersionInfo
	// Kit is the kit as parsed: kit.yaml's keys with every default applied.
	Kit    map[string]any `json:"kit"`
	Assets []KitAsset     `json:"assets"`
}

// KitPublished is the answer to POST /v1/brandkits/{name}/versions.
type KitPublished struct {
	Name string `json:"name"`
	KitVersionInfo
	Assets []KitAsset `json:"assets"`
	// Warnings are lint warnings: they did not stop the publish.
	Warnings []FieldProblem `json:"warnings"`
}

// KitLintReport is the answer to POST /v1/brandkits/lint.
type KitLintReport struct {
	// OK is true when the kit has no errors: it would publish.
	OK bool `json:"ok"`
	// Name is the name kit.yaml gives, when it could be read.
	Name string `json:"name,omitempty"`
	// Hash is the content hash the kit would be published with, to compare
	// with the hash of a published version.
	Hash     string         `json:"hash"`
	Errors   []FieldProblem `json:"errors"`
	Warnings []FieldProblem `json:"warnings"`
	// Contrast lists every colour pair that falls short of WCAG 2.x AA,
	// for swatches; each is also one of the errors.
	Contrast []ContrastCheck `json:"contrast"`
	// Colors is the palette with defaults applied, when the kit parsed.
	Colors map[string]string `json:"colors,omitempty"`
}

// ContrastCheck is one colour pair a kit's documents print that falls
// short of WCAG 2.x AA.
type ContrastCheck struct {
	Path       string  `json:"path"`       // the kit colour to change, e.g. "colors.primary"
	Foreground string  `json:"foreground"` // the text colour, "#rrggbb"
	Background string  `json:"background"` // the colour it is printed on, "#rrggbb"
	Surface    string  `json:"surface"`    // what the background is: "background", "primary", "the panel tint", ...
	Ratio      float64 `json:"ratio"`      // measured, cut (never rounded up) to two decimals
	Minimum    float64 `json:"minimum"`    // what WCAG asks for the texts printed so: 4.5 or 3
	Uses       string  `json:"uses"`       // the texts printed in this pair
}

// PinRequest is the body of PUT /v1/brandkits/{name}/pins/{pin}.
type PinRequest struct {
	Version *int `json:"version"`
}

// KitPin is the answer to PUT /v1/brandkits/{name}/pins/{pin}.
type KitPin struct {
	Name    string `json:"name"`
	Pin     string `json:"pin"`
	Version int    `json:"version"`
}

// KitDiff is GET /v1/brandkits/{name}/diff.
type KitDiff struct {
	Name    string      `json:"name"`
	From    KitDiffSide `json:"from"`
	To      KitDiffSide `json:"to"`
	Changes []KitChange `json:"changes"` // sorted by path; empty when identical
}

// KitDiffSide is one version compared by a diff.
type KitDiffSide struct {
	Ref     string `json:"ref"` // as asked: "2" or "live"
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// KitChange is one difference between two versions: a kit.yaml path such
// as "colors.primary" or a file such as "logo.png".
type KitChange struct {
	Path string `json:"path"`
	Kind string `json:"kind"`           // added, removed or changed
	From string `json:"from,omitempty"` // YAML value as written ("\"#4a2c1d\""), or a file's hash and size
	To   string `json:"to,omitempty"`
}
