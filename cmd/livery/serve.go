package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/liveryhq/livery/api"
	"github.com/liveryhq/livery/samples"
	"github.com/liveryhq/livery/storage"
)

// envAPIKeys holds API keys with their secrets ("name:role:secret[:kits]"
// entries separated by ";"). It is deliberately not a flag: a flag would
// show the secrets in ps and shell history.
const envAPIKeys = "LIVERY_API_KEYS"

// defaultAddr is where `livery serve` listens unless told otherwise.
const defaultAddr = "127.0.0.1:8080"

// serveSetting is one setting of `livery serve`: a flag, the environment
// variable it falls back to, and the default when neither is set.
type serveSetting struct {
	flag, env, def, usage string
	isBool                bool
}

// serveSettings are every flag of `livery serve`; README.md's
// Configuration table lists the same (serve_test.go checks).
var serveSettings = []serveSetting{
	{flag: "addr", env: "LIVERY_ADDR", def: defaultAddr, usage: "host:port to listen on; a non-loopback address needs API keys"},
	{flag: "storage", env: storage.EnvSetting, def: storage.DefaultSetting, usage: "storage: file:///dir, s3://bucket/prefix?endpoint=...&region=..."},
	{flag: "keys-file", env: "LIVERY_API_KEYS_FILE", usage: "YAML file of API keys, secrets as SHA-256 (livery keys new)"},
	{flag: "body-limit", env: "LIVERY_BODY_LIMIT", def: "10MiB", usage: "largest request body (bytes, KB, MB, KiB, MiB, GiB); batches are exempt"},
	{flag: "request-timeout", env: "LIVERY_REQUEST_TIMEOUT", def: "30s", usage: "deadline of a request; batches are exempt"},
	{flag: "batch-concurrency", env: "LIVERY_BATCH_CONCURRENCY", def: "0", usage: "renders one batch runs at once (0: one per CPU)"},
	{flag: "presign-downloads", env: "LIVERY_PRESIGN_DOWNLOADS", def: "false", usage: "redirect downloads to presigned S3 URLs", isBool: true},
	{flag: "log-level", env: "LIVERY_LOG_LEVEL", def: "info", usage: "debug, info, warn or error"},
	{flag: "shutdown-timeout", env: "LIVERY_SHUTDOWN_TIMEOUT", def: "25s", usage: "how long in-flight requests get to finish on SIGTERM"},
	{flag: "sample-kits", env: "LIVERY_SAMPLE_KITS", def: "true", usage: "publish the bundled sample kits the storage lacks", isBool: true},
	{flag: "kit-cache-ttl", env: "LIVERY_KIT_CACHE_TTL", def: "1s", usage: "how long a moving kit reference (name, name@pin) is reused; 0 asks storage every time"},
	{flag: "pprof-addr", env: "LIVERY_PPROF_ADDR", usage: "loopback host:port to serve Go's pprof profiles on (off when empty)"},
	{flag: "gc-percent", env: "LIVERY_GC_PERCENT", def: "400", usage: "Go's garbage collection target (GOGC) for the service: heap growth in percent between collections"},
}

// serveConfig is the configuration `livery serve` runs with.
type serveConfig struct {
	addr             string
	storage          string
	keys             []api.Key
	bodyLimit        int64
	requestTimeout   time.Duration
	batchConcurrency int
	presign          bool
	logLevel         slog.Level
	shutdownTimeout  time.Duration
	sampleKits       bool
	kitCacheTTL      time.Duration
	pprofAddr        string
	gcPercent        int
}

// runServe implements `livery serve`: the REST service, until SIGINT or
// SIGTERM. A second signal during shutdown ends the process at once.
func runServe(args []string, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return serve(ctx, args, os.Getenv, stdout, os.Stderr)
}

// serve runs the service until ctx is done, then shuts it down gracefully.
// It prints the listening address on stdout and logs JSON to logw.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, logw io.Writer) error {
	cfg, err := parseServe(args, getenv)
	if err != nil {
		return err
	}
	if len(cfg.keys) == 0 && !isLoopback(cfg.addr) {
		return fmt.Errorf("refusing to listen on %s without API keys: set $%s or --keys-file (make keys with `livery keys new`), or listen on 127.0.0.1",
			cfg.addr, envAPIKeys)
	}
	log := slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: cfg.logLevel}))
	// A render allocates about a megabyte and keeps almost none of it,
	// while the live heap (kits, fonts, prepared logos) stays put: with Go's
	// default of 100 the collector marks that heap every few dozen
	// documents, 8 % of the service's CPU time. See docs/benchmarks.md.
	defer debug.SetGCPercent(debug.SetGCPercent(cfg.gcPercent))

	b, err := storage.Open(ctx, cfg.storage)
	if err != nil {
		return fmt.Errorf("open storage: %w", err)
	}
	defer b.Close()
	kits := storage.NewKitStore(b)
	// Mapping profiles share the bucket under their own prefix; requests
	// naming a profile read legacy input through them.
	profiles := storage.NewProfileStore(b)
	if cfg.sampleKits {
		published, err := samples.Publish(ctx, kits, "livery serve")
		if err != nil {
			return fmt.Errorf("publish sample kits: %w", err)
		}
		if len(published) > 0 {
			log.Info("published sample kits", "kits", published, "pin", "live")
		}
	}
	srv, err := api.New(api.Config{
		Bucket: b, Kits: kits, Profiles: profiles, Keys: cfg.keys, Logger: log,
		BodyLimit: cfg.bodyLimit, RequestTimeout: cfg.requestTimeout,
		BatchConcurrency: cfg.batchConcurrency, PresignDownloads: cfg.presign,
		KitCacheTTL: kitCacheTTL(cfg.kitCacheTTL),
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler: srv,
		// Slow clients cannot hold a connection for free: reading a request
		// and writing its answer get twice the request's deadline. Batches
		// run for as long as they must; they set a deadline on each read and
		// write of their own, which overrides these.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * cfg.requestTimeout,
		WriteTimeout:      2 * cfg.requestTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.pprofAddr != "" {
		stopProfiles, err := serveProfiles(cfg.pprofAddr, log)
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer stopProfiles()
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	addr := ln.Addr().String()
	fmt.Fprintf(stdout, "livery serve: listening on http://%s\n", addr)
	log.Info("listening", "addr", addr, "storage", b.String(), "api_keys", keyNames(cfg.keys),
		"body_limit", cfg.bodyLimit, "request_timeout", cfg.requestTimeout.String())
	if len(cfg.keys) == 0 {
		log.Warn("no API keys configured: every caller is admin, so only loopback addresses are served", "addr", addr)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.shutdownTimeout.String())
	srv.BeginShutdown()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		log.Error("shutdown timed out: requests still running were cut off", "timeout", cfg.shutdownTimeout.String())
		return fmt.Errorf("shutdown: requests still running after %s were cut off", cfg.shutdownTimeout)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// parseServe reads the flags, falling back to the environment (getenv)
// and then the defaults. Every malformed value is a usage error naming the
// flag and its variable.
func parseServe(args []string, getenv func(string) string) (serveConfig, error) {
	fs := newFlags("serve")
	vals := make(map[string]*string, len(serveSettings))
	for _, s := range serveSettings {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		vals[s.flag] = &v
		fs.Var(&settingValue{p: &v, isBool: s.isBool}, s.flag, s.usage)
	}
	if err := parseFlags(fs, args); err != nil {
		return serveConfig{}, err
	}
	var errs []error
	bad := func(flag string, err error) {
		for _, s := range serveSettings {
			if s.flag == flag {
				errs = append(errs, fmt.Errorf("--%s (or $%s): %w", flag, s.env, err))
			}
		}
	}
	cfg := serveConfig{addr: *vals["addr"], storage: *vals["storage"]}
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		bad("addr", err)
	}
	var err error
	if cfg.bodyLimit, err = parseSize(*vals["body-limit"]); err != nil {
		bad("body-limit", err)
	}
	if cfg.requestTimeout, err = parsePositiveDuration(*vals["request-timeout"]); err != nil {
		bad("request-timeout", err)
	}
	if cfg.shutdownTimeout, err = parsePositiveDuration(*vals["shutdown-timeout"]); err != nil {
		bad("shutdown-timeout", err)
	}
	if cfg.batchConcurrency, err = strconv.Atoi(*vals["batch-concurrency"]); err != nil || cfg.batchConcurrency < 0 || cfg.batchConcurrency > 4096 {
		bad("batch-concurrency", fmt.Errorf("%q is not a number from 0 to 4096", *vals["batch-concurrency"]))
	}
	if cfg.presign, err = strconv.ParseBool(*vals["presign-downloads"]); err != nil {
		bad("presign-downloads", fmt.Errorf("%q is not true or false", *vals["presign-downloads"]))
	}
	if cfg.sampleKits, err = strconv.ParseBool(*vals["sample-kits"]); err != nil {
		bad("sample-kits", fmt.Errorf("%q is not true or false", *vals["sample-kits"]))
	}
	if cfg.kitCacheTTL, err = time.ParseDuration(*vals["kit-cache-ttl"]); err != nil || cfg.kitCacheTTL < 0 {
		bad("kit-cache-ttl", fmt.Errorf("%q is not a duration of 0 or more (1s, 500ms)", *vals["kit-cache-ttl"]))
	}
	if cfg.pprofAddr = *vals["pprof-addr"]; cfg.pprofAddr != "" && !isLoopback(cfg.pprofAddr) {
		bad("pprof-addr", fmt.Errorf("%q is not a loopback host:port: profiles are for whoever is on the machine, never the network", cfg.pprofAddr))
	}
	if cfg.gcPercent, err = strconv.Atoi(*vals["gc-percent"]); err != nil || cfg.gcPercent < 50 || cfg.gcPercent > 10000 {
		bad("gc-percent", fmt.Errorf("%q is not a number from 50 to 10000", *vals["gc-percent"]))
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*vals["log-level"])); err != nil {
		bad("log-level", fmt.Errorf("%q is not debug, info, warn or error", *vals["log-level"]))
	}
	if len(errs) > 0 {
		return serveConfig{}, fmt.Errorf("%w: %w", errUsage, errors.Join(errs...))
	}
	if cfg.keys, err = loadKeys(*vals["keys-file"], getenv(envAPIKeys)); err != nil {
		return serveConfig{}, err
	}
	return cfg, nil
}

// kitCacheTTL maps the setting, where 0 means no cache, onto
// api.Config.KitCacheTTL, where 0 means the default and negative no cache.
func kitCacheTTL(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// serveProfiles serves Go's runtime profiles (net/http/pprof) on addr, a
// listener of its own so that they never share the API's port, routes or
// keys: `go tool pprof http://ADDR/debug/pprof/profile?seconds=10` takes a
// CPU profile of the running service. It returns a function that stops it.
func serveProfiles(addr string, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprof listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ps := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = ps.Serve(ln) }()
	log.Info("serving pprof profiles", "addr", ln.Addr().String())
	return func() { _ = ps.Close() }, nil
}

// settingValue is a flag.Value over a string, so that every setting is
// parsed (and its errors reported) the same way whether it came from a flag,
// the environment or the default. A bool setting may be given bare.
type settingValue struct {
	p      *string
	isBool bool
}

func (v *settingValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *settingValue) Set(s string) error { *v.p = s; return nil }

// IsBoolFlag lets a bool setting be given as --flag for --flag=true.
func (v *settingValue) IsBoolFlag() bool { return v.isBool }

// loadKeys reads the keys file (when named) and $LIVERY_API_KEYS (when
// set); each source that is given must hold at least one key, so that a
// mistake never turns into a server open to everyone.
func loadKeys(file, env string) ([]api.Key, error) {
	var keys []api.Key
	if file != "" {
		k, err := api.LoadKeysFile(file)
		if err != nil {
			return nil, err
		}
		if len(k) == 0 {
			return nil, fmt.Errorf("api keys %s: the file holds no keys", file)
		}
		keys = append(keys, k...)
	}
	if strings.TrimSpace(env) != "" {
		k, err := api.ParseKeysEnv(env)
		if err != nil {
			return nil, fmt.Errorf("$%s: %w", envAPIKeys, err)
		}
		if len(k) == 0 {
			return nil, fmt.Errorf("$%s holds no keys", envAPIKeys)
		}
		keys = append(keys, k...)
	}
	if err := api.CheckKeys(keys); err != nil {
		return nil, fmt.Errorf("api keys from --keys-file and $%s together: %w", envAPIKeys, err)
	}
	return keys, nil
}

// keyNames lists keys as "name (role)" for the log; never their hashes.
func keyNames(keys []api.Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Name + " (" + string(k.Role) + ")"
	}
	return out
}

// isLoopback reports whether addr listens on loopback only. An empty host
// (":8080") listens everywhere.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sizeUnits are the suffixes parseSize accepts, longest first.
var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"b", 1}, {"", 1},
}

// parseSize reads a positive byte size: "1048576", "512KiB", "10MiB",
// "10MB" (decimal), "1GiB".
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, u := range sizeUnits {
		num, ok := strings.CutSuffix(t, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n <= 0 || n > (1<<40)/u.factor {
			break
		}
		return n * u.factor, nil
	}
	return 0, fmt.Errorf("%q is not a size such as 10MiB, 512KiB or 1048576", s)
}

// parsePositiveDuration reads a duration such as "30s" or "2m" above zero.
func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration such as 30s or 2m", s)
	}
	return d, nil
}
