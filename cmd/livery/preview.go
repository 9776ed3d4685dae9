package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/liveryhq/livery/api/preview"
)

// runPreview implements `livery preview`: the live preview of a kit in the
// browser, until SIGINT or SIGTERM.
func runPreview(args []string, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return servePreview(ctx, args, stdout, os.Stderr)
}

// servePreview runs the preview until ctx is done. It prints the page's URL
// on stdout and logs each render as text lines to logw.
func servePreview(ctx context.Context, args []string, stdout, logw io.Writer) error {
	fs := newFlags("preview")
	kitDir := fs.String("kit", "", "kit folder to edit; every document is rendered with it")
	data := fs.String("data", "", "document JSON file, or a folder of them")
	addr := fs.String("addr", "127.0.0.1:0", "loopback host:port to listen on (port 0: any free port)")
	dpi := fs.Int("dpi", preview.DefaultDPI, "resolution of the PDF page images; 0 shows PDFs in the browser's viewer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("%w: --addr %s: not host:port (e.g. 127.0.0.1:8090)", errUsage, *addr)
	}
	if !isLoopback(*addr) {
		return fmt.Errorf("%w: --addr %s: the preview listens on loopback only (127.0.0.1, ::1 or localhost)", errUsage, *addr)
	}
	if *dpi != 0 && (*dpi < 18 || *dpi > 600) {
		return fmt.Errorf("%w: --dpi %d: choose 18 to 600, or 0 for the browser's PDF viewer", errUsage, *dpi)
	}
	if *kitDir != "" {
		if st, err := os.Stat(*kitDir); err != nil || !st.IsDir() {
			return fmt.Errorf("--kit %s: not a folder (copy a sample kit from samples/kits/ to edit it)", *kitDir)
		}
	}
	log := slog.New(slog.NewTextHandler(logw, nil))
	p, err := preview.New(preview.Options{
		KitDir: *kitDir, DataPath: *data, DPI: *dpi, NoPageImages: *dpi == 0, Logger: log,
	})
	if err != nil {
		return err
	}
	defer p.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "livery preview: listening on http://%s/\n", ln.Addr())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Close first: it ends the event streams, which Shutdown would
	// otherwise wait for.
	_ = p.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
