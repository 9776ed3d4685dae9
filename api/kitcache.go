package api

import (
	"context"
	"sync"
	"time"

	"github.com/liveryhq/livery/brandkits"
)

// defaultKitCacheTTL is Config.KitCacheTTL's default: short enough that a
// pin moved by another replica shows within a second, long enough that a
// busy server asks storage about a kit about once a second instead of on
// every document (for "name", an S3 LIST each time).
const defaultKitCacheTTL = time.Second

// kitCacheMax bounds each of the cache's maps. A server sees a handful of
// kits with a few pins each; past the bound, entries are dropped, which
// costs a lookup, never correctness.
const kitCacheMax = 1024

// kitResolveTimeout bounds one shared lookup in the store. It runs apart
// from the request that started it (the others waiting for it must not fail
// because that one was cancelled), so it needs a bound of its own.
const kitResolveTimeout = time.Minute

// kitCache resolves kit references through a store and remembers the
// answers: "name@N" for as long as the process runs (a version never
// changes), "name" and "name@pin" for ttl (they move). Concurrent lookups of
// one reference share a single call to the store. Errors are not kept: the
// next request asks again. It is safe for concurrent use.
type kitCache struct {
	store brandkits.Store
	ttl   time.Duration // <= 0: every Resolve asks the store
	now   func() time.Time

	mu sync.Mutex
	// fixed holds versions resolved by number, or seen as the answer of a
	// moving reference, keyed "name@N".
	fixed map[string]brandkits.Version
	// moving holds "name" and "name@pin" answers and the lookups in flight.
	moving map[string]*kitLookup
	// gen counts forget calls: a lookup that began before one does not
	// store its (possibly stale) answer.
	gen uint64
}

// kitLookup is one lookup of a reference in the store: in flight until done
// is closed, then its answer, valid until expires.
type kitLookup struct {
	done    chan struct{}
	v       brandkits.Version
	err     error
	expires time.Time
}

func newKitCache(store brandkits.Store, ttl time.Duration, now func() time.Time) *kitCache {
	return &kitCache{
		store:  store,
		ttl:    ttl,
		now:    now,
		fixed:  map[string]brandkits.Version{},
		moving: map[string]*kitLookup{},
	}
}

// Resolve resolves ref ("name", "name@N", "name@pin") as the store would,
// from the cache when it can.
func (c *kitCache) Resolve(ctx context.Context, ref string) (brandkits.Version, error) {
	if c.ttl <= 0 {
		return c.store.Resolve(ctx, ref)
	}
	_, number, _, err := brandkits.ParseRef(ref)
	if err != nil {
		return brandkits.Version{}, err
	}
	c.mu.Lock()
	if number > 0 {
		if v, ok := c.fixed[ref]; ok {
			c.mu.Unlock()
			return v, nil
		}
	}
	l, ok := c.moving[ref]
	if !ok || c.expired(l) {
		l = &kitLookup{done: make(chan struct{})}
		if len(c.moving) >= kitCacheMax {
			c.evictMoving()
		}
		c.moving[ref] = l
		go c.lookup(ctx, ref, number, l, c.gen)
	}
	c.mu.Unlock()

	select {
	case <-l.done:
		return l.v, l.err
	case <-ctx.Done():
		return brandkits.Version{}, ctx.Err()
	}
}

// expired reports whether a finished lookup is too old to answer from.
// c.mu must be held.
func (c *kitCache) expired(l *kitLookup) bool {
	select {
	case <-l.done:
		return !c.now().Before(l.expires)
	default:
		return false // in flight: wait for it
	}
}

// lookup asks the store about ref for l and everyone waiting on it, then
// keeps the answer (a version by number for good, a moving one until its
// TTL ends) unless forget was called meanwhile or the store failed.
func (c *kitCache) lookup(ctx context.Context, ref string, number int, l *kitLookup, gen uint64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), kitResolveTimeout)
	defer cancel()
	v, err := c.store.Resolve(ctx, ref)

	c.mu.Lock()
	defer c.mu.Unlock()
	l.v, l.err = v, err
	l.expires = c.now().Add(c.ttl)
	close(l.done)
	switch {
	case err != nil || gen != c.gen:
		// Not kept: the next Resolve asks the store again.
		if c.moving[ref] == l {
			delete(c.moving, ref)
		}
		return
	case number > 0:
		delete(c.moving, ref)
	}
	if len(c.fixed) >= kitCacheMax {
		clear(c.fixed)
	}
	c.fixed[brandkits.FormatRef(v.Name, v.Number, "")] = v
}

// evictMoving makes room in moving: expired answers go first, and if none
// has expired, an arbitrary finished one. c.mu must be held.
func (c *kitCache) evictMoving() {
	for ref, l := range c.moving {
		if c.expired(l) {
			delete(c.moving, ref)
		}
	}
	for ref, l := range c.moving {
		if len(c.moving) < kitCacheMax {
			return
		}
		select {
		case <-l.done:
			delete(c.moving, ref)
		default:
		}
	}
}

// forget drops the moving answers about kit name ("name", "name@pin"), so
// that the next request sees a pin or a publish made through this server at
// once. Versions by number stay: they never change.
func (c *kitCache) forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for ref := range c.moving {
		if n, _, _, err := brandkits.ParseRef(ref); err == nil && n == name {
			delete(c.moving, ref)
		}
	}
}

// forgettingStore is the server's kit store: it tells the cache about every
// publish, pin and retirement made through the server.
type forgettingStore struct {
	brandkits.Store
	cache *kitCache
}

// Publish publishes and drops the cached "name" (latest) of the kit.
func (s *forgettingStore) Publish(ctx context.Context, name string, req brandkits.PublishRequest) (brandkits.Version, error) {
	defer s.cache.forget(name)
	return s.Store.Publish(ctx, name, req)
}

// Pin moves the pin and drops the cached answers of the kit.
func (s *forgettingStore) Pin(ctx context.Context, name, pin string, number int) error {
	defer s.cache.forget(name)
	return s.Store.Pin(ctx, name, pin, number)
}

// Retire retires the kit and drops its cached answers.
func (s *forgettingStore) Retire(ctx context.Context, name string) error {
	defer s.cache.forget(name)
	return s.Store.Retire(ctx, name)
}
