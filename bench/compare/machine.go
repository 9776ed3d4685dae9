package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the measurements ran.
type machine struct {
	cores     int    // CPUs this process may use, as nproc counts them
	cpuModel  string // "AMD EPYC", from /proc/cpuinfo
	memory    int64  // bytes, MemTotal
	goVersion string // "go1.26.8"
	platform  string // "linux/amd64"
	tools     []toolVersion
}

// toolVersion is an external tool and what its --version says, or why not.
type toolVersion struct {
	name, version string
}

// readMachine describes this machine and the installed tools.
func readMachine(chromium string) machine {
	m := machine{
		cores:     runtime.NumCPU(),
		cpuModel:  cpuModel(),
		memory:    memTotal(),
		goVersion: runtime.Version(),
		platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	m.tools = append(m.tools,
		toolVersion{"Chromium", version(chromium, `\d+\.[\d.]+`)},
		toolVersion{"wkhtmltopdf", version(lookPath("wkhtmltopdf"), `\d+\.[\d.]+(?: \(with patched qt\))?`)},
		toolVersion{"WeasyPrint", version(lookPath("weasyprint"), `\d+\.[\d.]+`)},
		toolVersion{"poppler", version(lookPath("pdfinfo"), `\d+\.[\d.]+`, "-v")},
	)
	return m
}

// version runs exe --version (or the given arguments) and returns the first
// match of pattern in its output, or "not installed".
func version(exe, pattern string, args ...string) string {
	if exe == "" {
		return "not installed"
	}
	if len(args) == 0 {
		args = []string{"--version"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// stdout and stderr apart: Debian's chromium wrapper script complains on
	// stderr before the browser prints its version on stdout.
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // pdfinfo -v exits 99; the output is what matters
	re := regexp.MustCompile(pattern)
	for _, out := range []string{stdout.String(), stderr.String()} {
		if v := re.FindString(out); v != "" {
			return v
		}
	}
	return "unknown version"
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(val)
		}
	}
	return "unknown CPU"
}

// memTotal is MemTotal of /proc/meminfo in bytes, or 0.
func memTotal() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
