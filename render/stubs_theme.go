package render

import (
	"errors"

	"github.com/liveryhq/livery/brandkits"
)

// STUB: replaced by theme_build.go.
func newTheme(kit *brandkits.Kit) (*theme, error) { return nil, errors.New("not implemented") }
