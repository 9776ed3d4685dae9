package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"gopkg.in/yaml.v3"
)

// Role is what an API key may do.
type Role string

// Roles, from least to most.
const (
	// RoleRenderer is a billing system: render documents and read them back.
	RoleRenderer Role = "renderer"
	// RoleDesigner is a brand designer: lint, publish and pin kits, preview.
	RoleDesigner Role = "designer"
	// RoleAdmin may do everything, on every kit.
	RoleAdmin Role = "admin"
)

// Key is one configured API key. Only the SHA-256 of its secret is kept.
type Key struct {
	// Name identifies the key in logs and in kit versions' author field.
	Name string `yaml:"name" json:"name"`
	// SHA256 is the hex SHA-256 of the secret the client sends.
	SHA256 string `yaml:"sha256" json:"sha256"`
	Role   Role   `yaml:"role" json:"role"`
	// Kits limits the key to these kit names (its tenants); empty means all.
	Kits []string `yaml:"kits,omitempty" json:"kits,omitempty"`
}

// Principal is the caller of a request, as its key says.
type Principal struct {
	Name string
	Role Role
	Kits []string // empty: every kit
}

// CanUseKit reports whether the principal may act on kit name.
func (p *Principal) CanUseKit(name string) bool {
	return len(p.Kits) == 0 || slices.Contains(p.Kits, name)
}

// HashSecret returns the hex SHA-256 of an API key's secret, as Key.SHA256
// stores it.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// keysFile is the YAML (or JSON) file of API keys.
type keysFile struct {
	Keys []Key `yaml:"keys"`
}

// LoadKeysFile reads API keys from a YAML or JSON file:
//
//	keys:
//	  - name: billing
//	    sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
//	    role: renderer
//	    kits: [roastery]
func LoadKeysFile(path string) ([]Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", err)
	}
	var f keysFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("api keys %s: %w", path, err)
	}
	if err := CheckKeys(f.Keys); err != nil {
		return nil, fmt.Errorf("api keys %s: %w", path, err)
	}
	return f.Keys, nil
}

// MinSecretLen is the shortest secret ParseKeysEnv accepts. `livery keys
// new` makes 43-character secrets.
const MinSecretLen = 16

// ParseKeysEnv reads API keys from the LIVERY_API_KEYS form: entries
// separated by ";", each "name:role:secret" or "name:role:secret:kit1,kit2".
// The secrets are hashed at once; only the hashes are kept. Errors name the
// entry by position and name, never by the values that could be a secret
// written in the wrong place.
func ParseKeysEnv(v string) ([]Key, error) {
	var keys []Key
	for i, entry := range strings.Split(v, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		if len(parts) != 3 && len(parts) != 4 {
			return nil, fmt.Errorf("api keys: entry %d: want name:role:secret[:kit,...]", i+1)
		}
		name, role, secret := parts[0], Role(parts[1]), parts[2]
		switch {
		case !validRole(role):
			return nil, fmt.Errorf("api keys: entry %d (%s): the role must be renderer, designer or admin", i+1, name)
		case len(secret) < MinSecretLen:
			return nil, fmt.Errorf("api keys: entry %d (%s): the secret is shorter than %d characters (make one with `livery keys new`)", i+1, name, MinSecretLen)
		}
		k := Key{Name: name, Role: role, SHA256: HashSecret(secret)}
		if len(parts) == 4 && parts[3] != "" {
			k.Kits = strings.Split(parts[3], ",")
		}
		keys = append(keys, k)
	}
	if err := CheckKeys(keys); err != nil {
		return nil, fmt.Errorf("api keys: %w", err)
	}
	return keys, nil
}

// validRole reports whether r is one of the three roles.
func validRole(r Role) bool {
	return r == RoleRenderer || r == RoleDesigner || r == RoleAdmin
}

// CheckKeys validates keys: names present and unique, known roles,
// well-formed hashes, no empty kit names. Callers that merge keys from
// several sources check the merged list with it.
func CheckKeys(keys []Key) error {
	seen := map[string]bool{}
	for i, k := range keys {
		switch {
		case k.Name == "":
			return fmt.Errorf("keys[%d].name: required", i)
		case seen[k.Name]:
			return fmt.Errorf("keys[%d].name: %q is used twice", i, k.Name)
		case !validRole(k.Role):
			return fmt.Errorf("keys[%d].role: %q is not renderer, designer or admin", i, k.Role)
		case slices.Contains(k.Kits, ""):
			return fmt.Errorf("keys[%d].kits: empty kit name", i)
		}
		if b, err := hex.DecodeString(k.SHA256); err != nil || len(b) != sha256.Size {
			return fmt.Errorf("keys[%d].sha256: not a hex SHA-256", i)
		}
		seen[k.Name] = true
	}
	return nil
}

// keyring finds the key of a secret.
type keyring struct {
	keys []Key
	sums [][]byte
}

func newKeyring(keys []Key) *keyring {
	kr := &keyring{keys: keys}
	for _, k := range keys {
		b, _ := hex.DecodeString(k.SHA256)
		kr.sums = append(kr.sums, b)
	}
	return kr
}

// lookup returns the principal of secret, comparing hashes in constant time.
func (kr *keyring) lookup(secret string) (*Principal, bool) {
	sum := sha256.Sum256([]byte(secret))
	found := -1
	for i, s := range kr.sums {
		if subtle.ConstantTimeCompare(s, sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil, false
	}
	k := kr.keys[found]
	return &Principal{Name: k.Name, Role: k.Role, Kits: k.Kits}, true
}

// openPrincipal is every caller when no keys are configured (loopback only).
var openPrincipal = &Principal{Name: "local", Role: RoleAdmin}

const principalKey = "livery.principal"

// secretFrom reads the key from "Authorization: Bearer <key>" or "X-API-Key".
func secretFrom(c echo.Context) string {
	if h := c.Request().Header.Get("Authorization"); h != "" {
		if s, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(s)
		}
	}
	return c.Request().Header.Get("X-API-Key")
}

// authenticate resolves the caller's key to a Principal. A request without
// a key, or with an unknown one, is 401 (unless no keys are configured).
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(s.keys.keys) == 0 {
			c.Set(principalKey, openPrincipal)
			return next(c)
		}
		secret := secretFrom(c)
		if secret == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="livery"`)
			return problem(ProblemUnauth, "send an API key as Authorization: Bearer <key>")
		}
		p, ok := s.keys.lookup(secret)
		if !ok {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="livery", error="invalid_token"`)
			return problem(ProblemUnauth, "the API key is not known")
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// allow admits principals of the given roles (admin always) and refuses the
// rest with 403.
func allow(roles ...Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := principal(c)
			if p.Role != RoleAdmin && !slices.Contains(roles, p.Role) {
				return problem(ProblemForbidden, "the %s role may not do this", p.Role)
			}
			return next(c)
		}
	}
}

// principal returns the authenticated caller of c.
func principal(c echo.Context) *Principal {
	if p, ok := c.Get(principalKey).(*Principal); ok {
		return p
	}
	// Unreachable behind authenticate; a principal that may do nothing.
	return &Principal{Name: "anonymous", Role: "none", Kits: []string{""}}
}

// checkKit refuses with 403 when the caller may not act on kit name.
func checkKit(p *Principal, name string) error {
	if !p.CanUseKit(name) {
		return problem(ProblemForbidden, "this API key may not use brand kit %q", name)
	}
	return nil
}
