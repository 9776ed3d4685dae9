package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerfile is what the tests read from the Dockerfile.
type dockerfile struct {
	build       []string          // the `go build` command line, env assignments first
	env         map[string]string // ENV of the final stage
	entrypoint  []string
	cmd         []string
	healthcheck []string // HEALTHCHECK's CMD
	user        string
	from        string // the final stage's base image
	volumes     []string
}

// readDockerfile parses the repository's Dockerfile: instructions with
// their continuation lines, exec-form JSON arrays.
func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	data, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	df := dockerfile{env: map[string]string{}}
	var instructions []string
	var cur strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if rest, ok := strings.CutSuffix(trimmed, "\\"); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(trimmed)
		instructions = append(instructions, cur.String())
		cur.Reset()
	}
	jsonArray := func(s string) []string {
		var out []string
		require.NoError(t, json.Unmarshal([]byte(s), &out), "exec form: %s", s)
		return out
	}
	for _, ins := range instructions {
		op, arg, _ := strings.Cut(ins, " ")
		switch strings.ToUpper(op) {
		case "FROM":
			df.from, _, _ = strings.Cut(arg, " ")
			df.env = map[string]string{} // a new stage
		case "RUN":
			if strings.Contains(arg, "go build") {
				df.build = shellWords(t, arg)
			}
		case "ENV":
			for _, kv := range shellWords(t, arg) {
				k, v, ok := strings.Cut(kv, "=")
				require.True(t, ok, "ENV %s: use KEY=value", kv)
				df.env[k] = v
			}
		case "ENTRYPOINT":
			df.entrypoint = jsonArray(arg)
		case "CMD":
			df.cmd = jsonArray(arg)
		case "HEALTHCHECK":
			_, c, ok := strings.Cut(arg, "CMD ")
			require.True(t, ok, "HEALTHCHECK ... CMD [...]")
			df.healthcheck = jsonArray(c)
		case "USER":
			df.user = arg
		case "VOLUME":
			df.volumes = append(df.volumes, arg)
		}
	}
	return df
}

// shellWords splits a RUN or ENV line on spaces, keeping double-quoted
// parts together (what these lines use of the shell).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	require.False(t, quoted, "unbalanced quotes: %s", s)
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func TestDockerfileShape(t *testing.T) {
	df := readDockerfile(t)
	assert.Regexp(t, `^(gcr\.io/distroless/static|scratch|alpine)`, df.from, "a small final image")
	assert.NotEmpty(t, df.user)
	assert.NotRegexp(t, `^(root|0)(:|$)`, df.user, "not root")
	assert.Contains(t, df.build, "CGO_ENABLED=0", "a static binary")
	assert.Equal(t, "file:///data", df.env["LIVERY_STORAGE"])
	assert.Contains(t, df.volumes, "/data")
	assert.Equal(t, []string{"/livery", "serve"}, append(df.entrypoint, df.cmd...))
	assert.Equal(t, []string{"/livery", "healthcheck"}, df.healthcheck)

	ignore, err := os.ReadFile("../../.dockerignore")
	require.NoError(t, err)
	for _, p := range []string{".git", "**/livery-data"} {
		assert.Contains(t, strings.Fields(string(ignore)), p)
	}
}

// TestDockerfileImageRuns builds the binary as the Dockerfile does and runs
// it as the image would: the Dockerfile's ENV, ENTRYPOINT and CMD, with
// /data a temporary folder (the volume) and the port chosen by the system.
func TestDockerfileImageRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	df := readDockerfile(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "livery")

	// go build exactly as the Dockerfile's RUN line says, -o aside.
	var env, args []string
	i := 0
	for ; i < len(df.build) && strings.Contains(df.build[i], "="); i++ {
		env = append(env, df.build[i])
	}
	require.Equal(t, []string{"go", "build"}, df.build[i:i+2], "RUN [ENV=...] go build ...")
	for j := i + 2; j < len(df.build); j++ {
		if df.build[j] == "-o" {
			args = append(args, "-o", bin)
			j++
			continue
		}
		args = append(args, df.build[j])
	}
	build := exec.Command("go", append([]string{"build"}, args...)...)
	build.Dir = "../.."
	build.Env = append(os.Environ(), env...)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	// The image's environment; /data is the volume, and the port is 0.
	run := func(extra ...string) []string {
		e := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
		for k, v := range df.env {
			switch k {
			case "LIVERY_STORAGE":
				v = strings.Replace(v, "/data", filepath.Join(dir, "data"), 1)
			case "LIVERY_ADDR":
				host, _, err := net.SplitHostPort(v)
				require.NoError(t, err)
				v = net.JoinHostPort(host, "0")
			}
			e = append(e, k+"="+v)
		}
		return append(e, extra...)
	}
	command := func(argv []string, env []string) *exec.Cmd {
		require.Equal(t, "/livery", argv[0])
		c := exec.Command(bin, argv[1:]...)
		c.Env = env
		return c
	}
	argv := append(append([]string{}, df.entrypoint...), df.cmd...)

	// Without keys the image refuses to start.
	refused := command(argv, run())
	out, err = refused.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "refusing to listen on 0.0.0.0:0 without API keys")

	const secret = "docker-test-secret-0123456789"
	serveCmd := command(argv, run("LIVERY_API_KEYS=billing:renderer:"+secret))
	stdout, err := serveCmd.StdoutPipe()
	require.NoError(t, err)
	logs := &syncBuffer{}
	serveCmd.Stderr = logs
	require.NoError(t, serveCmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- serveCmd.Wait() }()
	t.Cleanup(func() { _ = serveCmd.Process.Kill() })

	first, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "logs: %s", logs.String())
	m := regexp.MustCompile(`listening on http://(\S+)`).FindStringSubmatch(first)
	require.NotNil(t, m, first)
	_, port, err := net.SplitHostPort(m[1])
	require.NoError(t, err)
	base := "http://127.0.0.1:" + port

	status, body := send(t, http.MethodGet, base+"/healthz", "", nil, "")
	assert.Equal(t, http.StatusOK, status, "%s", body)
	status, _ = send(t, http.MethodGet, base+"/v1/brandkits", "", nil, "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, body = send(t, http.MethodPost, base+"/v1/documents", secret, strings.NewReader(string(documentBody(t, "roastery@live", "invoice-onepage.json"))), "application/json")
	assert.Equal(t, http.StatusCreated, status, "%s", body)

	// The HEALTHCHECK, with the container's LIVERY_ADDR (its real port).
	hc := command(df.healthcheck, append(run(), "LIVERY_ADDR=0.0.0.0:"+port))
	out, err = hc.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "ok\n", string(out))

	// docker stop sends SIGTERM.
	require.NoError(t, serveCmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "a clean exit on SIGTERM; logs: %s", logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	assert.NotContains(t, logs.String(), secret)
	assert.Contains(t, logs.String(), `"msg":"stopped"`)
	hc = command(df.healthcheck, append(run(), "LIVERY_ADDR=0.0.0.0:"+port))
	assert.Error(t, hc.Run(), "the healthcheck fails once the server is gone")
}
