package preview

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long the watcher waits after the last change before
// it renders: long enough to take an editor's save (often several events:
// write a temporary file, rename it over the old one) as one change.
const DefaultDebounce = 100 * time.Millisecond

// maxWatchedDirs bounds the folders watched under a kit folder; a kit has
// one (fonts/), so more means the kit flag points somewhere unexpected.
const maxWatchedDirs = 64

// watcher turns file changes under the kit folder and the data path into
// calls of a reload func, at most one per quiet period. It watches folders,
// never files: editors that save by renaming a new file over the old one
// replace the file, and a watch on the old file would die with it.
type watcher struct {
	fs       *fsnotify.Watcher
	kitDir   string // absolute; empty when no kit folder is watched
	dataPath string // absolute; empty when no data is watched
	dataDir  bool
	debounce time.Duration
	log      *slog.Logger
}

// newWatcher watches kitDir (with its subfolders) and dataPath (a folder, or
// a file through its folder). Empty paths are not watched.
func newWatcher(kitDir, dataPath string, dataDir bool, debounce time.Duration, log *slog.Logger) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fs: fw, dataDir: dataDir, debounce: debounce, log: log}
	if kitDir != "" {
		if w.kitDir, err = filepath.Abs(kitDir); err != nil {
			fw.Close()
			return nil, err
		}
	}
	if dataPath != "" {
		if w.dataPath, err = filepath.Abs(dataPath); err != nil {
			fw.Close()
			return nil, err
		}
	}
	w.sync()
	return w, nil
}

// sync adds a watch on every folder that should have one. Adding a watched
// folder again does nothing, so it runs after every reload: a fonts/ folder
// created since, or a folder deleted and made again, is picked up.
func (w *watcher) sync() {
	if w.kitDir != "" {
		n := 0
		_ = filepath.WalkDir(w.kitDir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if path != w.kitDir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .git and editor folders
			}
			if n++; n > maxWatchedDirs {
				return filepath.SkipAll
			}
			w.add(path)
			return nil
		})
	}
	switch {
	case w.dataPath == "":
	case w.dataDir:
		w.add(w.dataPath)
	default:
		w.add(filepath.Dir(w.dataPath))
	}
}

func (w *watcher) add(dir string) {
	if err := w.fs.Add(dir); err != nil && !os.IsNotExist(err) {
		w.log.Warn("cannot watch folder", "folder", dir, "error", err)
	}
}

// relevant reports whether ev may change what the page shows. Attribute
// changes, hidden files and backup files (editor swap files, "kit.yaml~")
// do not; anything else under the kit folder does, and in the data folder
// only *.json files do.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Clean(ev.Name)
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") {
		return false
	}
	if w.kitDir != "" && (name == w.kitDir || strings.HasPrefix(name, w.kitDir+string(filepath.Separator))) {
		return true
	}
	switch {
	case w.dataPath == "":
		return false
	case w.dataDir:
		return filepath.Dir(name) == w.dataPath && strings.EqualFold(filepath.Ext(base), ".json")
	default:
		return name == w.dataPath
	}
}

// run calls reload once the files have been quiet for the debounce period
// after a relevant change, until ctx ends or the watcher is closed.
func (w *watcher) run(ctx context.Context, reload func()) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if w.relevant(ev) {
				w.log.Debug("file changed", "file", ev.Name, "op", ev.Op.String())
				timer.Reset(w.debounce)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.log.Warn("watching files", "error", err)
			timer.Reset(w.debounce) // a lost event may have been a change
		case <-timer.C:
			reload()
			w.sync()
		}
	}
}

// close stops watching; run returns.
func (w *watcher) close() error { return w.fs.Close() }
