package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

// fakeKits is a kit store that knows only references: pins and the latest
// version are set by the test, and it counts the Resolve calls per
// reference. gate, when set, holds every Resolve until it is closed, after
// telling entered.
type fakeKits struct {
	brandkits.Store // nil: only Resolve, Pin, Publish and Retire are called

	mu      sync.Mutex
	latest  int
	pins    map[string]int
	calls   map[string]int
	gate    chan struct{}
	entered chan string
}

func newFakeKits(latest int, pins map[string]int) *fakeKits {
	return &fakeKits{latest: latest, pins: pins, calls: map[string]int{}}
}

func (f *fakeKits) Resolve(ctx context.Context, ref string) (brandkits.Version, error) {
	v, err := f.resolve(ref)
	f.mu.Lock()
	f.calls[ref]++
	gate, entered := f.gate, f.entered
	f.mu.Unlock()
	if gate != nil {
		// The answer is read before the wait, as a slow store reads the
		// pin and then takes its time answering.
		entered <- ref
		select {
		case <-gate:
		case <-ctx.Done():
			return brandkits.Version{}, ctx.Err()
		}
	}
	return v, err
}

func (f *fakeKits) resolve(ref string) (brandkits.Version, error) {
	name, n, pin, err := brandkits.ParseRef(ref)
	if err != nil {
		return brandkits.Version{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case pin != "":
		var ok bool
		if n, ok = f.pins[pin]; !ok {
			return brandkits.Version{}, fmt.Errorf("no pin %s: %w", pin, brandkits.ErrNotFound)
		}
	case n == 0:
		n = f.latest
	case n > f.latest:
		return brandkits.Version{}, fmt.Errorf("no version %d: %w", n, brandkits.ErrNotFound)
	}
	return brandkits.Version{Name: name, Number: n, Hash: fmt.Sprintf("hash-%d", n)}, nil
}

func (f *fakeKits) Pin(_ context.Context, _, pin string, number int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pins[pin] = number
	return nil
}

func (f *fakeKits) Publish(_ context.Context, name string, _ brandkits.PublishRequest) (brandkits.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latest++
	return brandkits.Version{Name: name, Number: f.latest}, nil
}

func (f *fakeKits) setPin(pin string, n int) { _ = f.Pin(context.Background(), "", pin, n) }

func (f *fakeKits) callsOf(ref string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[ref]
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// mustResolveNumber resolves ref through c and returns the version number.
func mustResolveNumber(t *testing.T, c *kitCache, ref string) int {
	t.Helper()
	v, err := c.Resolve(context.Background(), ref)
	require.NoError(t, err)
	return v.Number
}

func TestKitCachePinExpires(t *testing.T) {
	store := newFakeKits(2, map[string]int{"live": 1})
	clock := &fakeClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	c := newKitCache(store, 2*time.Second, clock.Now)

	assert.Equal(t, 1, mustResolveNumber(t, c, "roastery@live"))
	store.setPin("live", 2)
	clock.Advance(1999 * time.Millisecond)
	assert.Equal(t, 1, mustResolveNumber(t, c, "roastery@live"), "within the TTL the old answer stands")
	assert.Equal(t, 1, store.callsOf("roastery@live"))

	clock.Advance(time.Millisecond)
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@live"), "at the TTL the store is asked again")
	assert.Equal(t, 2, store.callsOf("roastery@live"))
}

func TestKitCacheLatestExpires(t *testing.T) {
	store := newFakeKits(1, map[string]int{})
	clock := &fakeClock{now: time.Unix(0, 0)}
	c := newKitCache(store, time.Second, clock.Now)

	assert.Equal(t, 1, mustResolveNumber(t, c, "roastery"))
	_, err := store.Publish(context.Background(), "roastery", brandkits.PublishRequest{})
	require.NoError(t, err)
	assert.Equal(t, 1, mustResolveNumber(t, c, "roastery"))
	clock.Advance(time.Second)
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery"))
	assert.Equal(t, 2, store.callsOf("roastery"))
}

func TestKitCacheVersionsAreKeptForGood(t *testing.T) {
	store := newFakeKits(3, map[string]int{"live": 2})
	clock := &fakeClock{now: time.Unix(0, 0)}
	c := newKitCache(store, time.Second, clock.Now)

	for range 3 {
		assert.Equal(t, 3, mustResolveNumber(t, c, "roastery@3"))
		clock.Advance(time.Hour)
	}
	assert.Equal(t, 1, store.callsOf("roastery@3"), "a version by number never changes")

	// The answer of a moving reference is a version like any other.
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@live"))
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@2"))
	assert.Zero(t, store.callsOf("roastery@2"))
}

func TestKitCacheErrorsAreNotKept(t *testing.T) {
	store := newFakeKits(1, map[string]int{})
	c := newKitCache(store, time.Hour, time.Now)

	_, err := c.Resolve(context.Background(), "roastery@2")
	require.ErrorIs(t, err, brandkits.ErrNotFound)
	_, err = c.Resolve(context.Background(), "roastery@live")
	require.ErrorIs(t, err, brandkits.ErrNotFound)

	_, err = store.Publish(context.Background(), "roastery", brandkits.PublishRequest{})
	require.NoError(t, err)
	store.setPin("live", 2)
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@2"))
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@live"))

	_, err = c.Resolve(context.Background(), "Roastery")
	require.ErrorIs(t, err, brandkits.ErrBadRef)
}

func TestKitCacheConcurrentLookupsShareOneCall(t *testing.T) {
	store := newFakeKits(1, map[string]int{"live": 1})
	store.gate, store.entered = make(chan struct{}), make(chan string, 1)
	c := newKitCache(store, time.Second, time.Now)

	// The first Resolve is held in the store; everyone after it joins its
	// lookup, including a caller that gives up.
	const n = 50
	results := make(chan int, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	wg.Go(func() {
		v, err := c.Resolve(context.Background(), "roastery@live")
		results <- v.Number
		errs <- err
	})
	require.Equal(t, "roastery@live", <-store.entered)
	var joined atomic.Int32
	for range n - 1 {
		wg.Go(func() {
			joined.Add(1)
			v, err := c.Resolve(context.Background(), "roastery@live")
			results <- v.Number
			errs <- err
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Resolve(ctx, "roastery@live")
	require.ErrorIs(t, err, context.Canceled, "a caller that gives up does not wait")
	require.Eventually(t, func() bool { return joined.Load() == n-1 }, 5*time.Second, time.Millisecond)

	close(store.gate)
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for v := range results {
		assert.Equal(t, 1, v)
	}
	assert.Equal(t, 1, store.callsOf("roastery@live"), "one call to the store for all of them")
}

func TestKitCacheCancelledCallerDoesNotFailOthers(t *testing.T) {
	store := newFakeKits(1, map[string]int{"live": 1})
	store.gate, store.entered = make(chan struct{}), make(chan string, 2)
	c := newKitCache(store, time.Second, time.Now)

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.Resolve(ctx, "roastery@live")
		first <- err
	}()
	<-store.entered
	second := make(chan int, 1)
	go func() { second <- mustResolveNumber(t, c, "roastery@live") }()
	cancel()
	require.ErrorIs(t, <-first, context.Canceled)
	close(store.gate)
	assert.Equal(t, 1, <-second, "the lookup went on for the caller still waiting")
	assert.Equal(t, 1, store.callsOf("roastery@live"))
}

func TestKitCacheForget(t *testing.T) {
	store := newFakeKits(2, map[string]int{"live": 1})
	c := newKitCache(store, time.Hour, time.Now)
	kits := &forgettingStore{Store: store, cache: c}

	assert.Equal(t, 1, mustResolveNumber(t, c, "roastery@live"))
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery"))
	assert.Equal(t, 1, mustResolveNumber(t, c, "other@live"))
	require.NoError(t, kits.Pin(context.Background(), "roastery", "live", 2))
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@live"), "a pin moved through the server shows at once")
	_, err := kits.Publish(context.Background(), "roastery", brandkits.PublishRequest{})
	require.NoError(t, err)
	assert.Equal(t, 3, mustResolveNumber(t, c, "roastery"), "so does a publish")
	assert.Equal(t, 1, store.callsOf("other@live"), "other kits keep their answers")
	assert.Equal(t, 2, store.callsOf("roastery@live"))
}

func TestKitCacheForgetDuringLookup(t *testing.T) {
	store := newFakeKits(2, map[string]int{"live": 1})
	store.gate, store.entered = make(chan struct{}), make(chan string, 2)
	c := newKitCache(store, time.Hour, time.Now)

	got := make(chan int, 1)
	go func() { got <- mustResolveNumber(t, c, "roastery@live") }()
	<-store.entered
	// The pin moves while the lookup that read the old one is in flight:
	// that answer may go to the callers who asked before, but must not be
	// kept for the ones after.
	store.setPin("live", 2)
	c.forget("roastery")
	close(store.gate)
	assert.Equal(t, 1, <-got)
	assert.Equal(t, 2, mustResolveNumber(t, c, "roastery@live"))
}

func TestKitCacheOff(t *testing.T) {
	store := newFakeKits(1, map[string]int{"live": 1})
	c := newKitCache(store, -1, time.Now)
	for range 3 {
		assert.Equal(t, 1, mustResolveNumber(t, c, "roastery@live"))
		assert.Equal(t, 1, mustResolveNumber(t, c, "roastery@1"))
	}
	assert.Equal(t, 3, store.callsOf("roastery@live"))
	assert.Equal(t, 3, store.callsOf("roastery@1"))
}

func TestKitCacheIsBounded(t *testing.T) {
	store := newFakeKits(kitCacheMax*3, map[string]int{})
	clock := &fakeClock{now: time.Unix(0, 0)}
	c := newKitCache(store, time.Second, clock.Now)
	for i := 1; i <= kitCacheMax*3; i++ {
		mustResolveNumber(t, c, fmt.Sprintf("roastery@%d", i))
		mustResolveNumber(t, c, fmt.Sprintf("kit-%d", i))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	assert.LessOrEqual(t, len(c.fixed), kitCacheMax)
	assert.LessOrEqual(t, len(c.moving), kitCacheMax)
}

// TestKitCacheServerPin checks the server end to end: a pin moved through
// the API is used by the next document at once, although the cache would
// keep the old answer for an hour.
func TestKitCacheServerPin(t *testing.T) {
	e := newTestEnv(t, "mem", func(c *Config) { c.KitCacheTTL = time.Hour })
	req := docRequest(t, "roastery@live", "invoice-onepage.json")
	rec := e.mustCreateDocument(t, req, http.StatusCreated)
	require.Equal(t, 1, rec.Kit.Version)

	fsys, err := samples.KitFS("roastery")
	require.NoError(t, err)
	files, err := brandkits.FilesFromFS(fsys)
	require.NoError(t, err)
	files["kit.yaml"] = append(bytes.Clone(files["kit.yaml"]), "\n# version 2\n"...)
	v, err := e.Server.cfg.Kits.Publish(context.Background(), "roastery", brandkits.PublishRequest{Files: files, Author: "test"})
	require.NoError(t, err)
	require.Equal(t, 2, v.Number)
	resp, body := e.doJSON(t, http.MethodPut, "/v1/brandkits/roastery/pins/live", secretAdmin, map[string]int{"version": 2})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	rec = e.mustCreateDocument(t, req, http.StatusCreated)
	assert.Equal(t, 2, rec.Kit.Version)
}
