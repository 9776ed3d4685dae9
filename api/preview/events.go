package preview

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// hub hands every new state's generation to the open event streams.
type hub struct {
	mu   sync.Mutex
	subs map[chan int]struct{}
}

// subscribe returns a channel of generations and the func that ends the
// subscription. The channel holds the latest generation only: a slow page
// skips states it has not shown yet, which is what it wants.
func (h *hub) subscribe() (<-chan int, func()) {
	ch := make(chan int, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[chan int]struct{}{}
	}
	h.subs[ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, ch)
	}
}

// publish offers gen to every subscriber without ever blocking.
func (h *hub) publish(gen int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case <-ch: // drop the generation the page has not read yet
		default:
		}
		ch <- gen
	}
}

// eventPing keeps idle streams alive through proxies and lets a stream
// notice a page that went away.
const eventPing = 25 * time.Second

// handleEvents handles GET /events: a Server-Sent Events stream with one
// "render" event carrying the current generation at once, and one more for
// each new state. The page compares it with its own and refreshes when they
// differ, so a page reconnecting after a restart catches up too.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if !s.track() {
		http.Error(w, "the preview is shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	gens, unsubscribe := s.hub.subscribe()
	defer unsubscribe()

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any server write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(gen int) error {
		if _, err := fmt.Fprintf(w, "event: render\ndata: %d\n\n", gen); err != nil {
			return err
		}
		return rc.Flush()
	}
	// retry: how soon the browser reconnects when the preview restarts.
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	if err := send(s.current().gen); err != nil {
		return
	}
	ping := time.NewTicker(eventPing)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		case gen := <-gens:
			if err := send(gen); err != nil {
				return
			}
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}
