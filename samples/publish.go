package samples

import (
	"context"
	"errors"
	"fmt"

	"github.com/liveryhq/livery/brandkits"
)

// Publish publishes every sample kit that store does not hold yet as its
// version 1 and pins "live" to it, so that a fresh installation renders the
// samples at once. Kits the store already has are left as they are: a
// restart never adds versions or moves pins. It returns the names it
// published.
func Publish(ctx context.Context, store brandkits.Store, author string) ([]string, error) {
	var published []string
	have, err := store.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("sample kits: %w", err)
	}
	held := map[string]brandkits.Summary{}
	for _, s := range have {
		held[s.Name] = s
	}
	for _, name := range KitNames() {
		if sum, ok := held[name]; ok {
			// A publish whose pin did not land (a crash between the two)
			// is completed; a kit with a live pin is never touched.
			if _, pinned := sum.Pins["live"]; !pinned && sum.Latest >= 1 && !sum.Retired {
				if err := store.Pin(ctx, name, "live", 1); err != nil {
					return published, fmt.Errorf("sample kit %s: pin live: %w", name, err)
				}
			}
			continue
		}
		fsys, err := KitFS(name)
		if err != nil {
			return published, err
		}
		files, err := brandkits.FilesFromFS(fsys)
		if err != nil {
			return published, fmt.Errorf("sample kit %s: %w", name, err)
		}
		v, err := store.Publish(ctx, name, brandkits.PublishRequest{Files: files, Author: author, Note: "bundled sample kit"})
		if errors.Is(err, brandkits.ErrConflict) {
			continue // another instance published it meanwhile
		}
		if err != nil {
			return published, fmt.Errorf("sample kit %s: %w", name, err)
		}
		if err := store.Pin(ctx, name, "live", v.Number); err != nil {
			return published, fmt.Errorf("sample kit %s: pin live: %w", name, err)
		}
		published = append(published, name)
	}
	return published, nil
}
