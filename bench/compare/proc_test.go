package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statLine makes a /proc/PID/stat line with the fields parseStat reads set
// and the others plausible.
func statLine(pid int, comm string, ppid int, utime, stime, cutime, cstime, rssPages int64) string {
	return fmt.Sprintf("%d (%s) S %d %d %d 0 -1 4194560 5000 0 0 0 %d %d %d %d 20 0 12 0 100 1000000 %d 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0",
		pid, comm, ppid, pid, pid, utime, stime, cutime, cstime, rssPages)
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    procStat
		wantErr string
	}{
		{
			name: "plain",
			line: statLine(42, "chromium", 7, 150, 30, 5, 2, 2500),
			want: procStat{pid: 42, ppid: 7, ticks: 187, rssPages: 2500},
		},
		{
			name: "name with spaces and parentheses",
			line: statLine(43, "Web Content (x) )", 42, 1, 2, 3, 4, 10),
			want: procStat{pid: 43, ppid: 42, ticks: 10, rssPages: 10},
		},
		{
			name: "trailing newline",
			line: statLine(44, "sh", 1, 0, 0, 0, 0, 0) + "\n",
			want: procStat{pid: 44, ppid: 1},
		},
		{name: "no name", line: "42 S 1 2 3", wantErr: "no (comm)"},
		{name: "bad pid", line: "x (sh) S 1", wantErr: "pid"},
		{name: "too short", line: "42 (sh) S 1 2 3", wantErr: "fields after the name"},
		{name: "bad number", line: strings.Replace(statLine(42, "sh", 1, 1, 2, 3, 4, 5), " 4 20 ", " four 20 ", 1), wantErr: "field 17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.line))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseStat: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parseStat = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSumTree(t *testing.T) {
	// 1 init ─┬─ 100 browser ─┬─ 101 zygote ── 103 renderer ── 104 helper
	//         │               └─ 102 gpu
	//         ├─ 200 unrelated ── 201 its child
	//         └─ 105 orphan (left behind by the browser, adopted by init)
	stats := []procStat{
		{pid: 1, ppid: 0, ticks: 1000, rssPages: 100},
		{pid: 100, ppid: 1, ticks: 10, rssPages: 1},
		{pid: 101, ppid: 100, ticks: 20, rssPages: 2},
		{pid: 102, ppid: 100, ticks: 30, rssPages: 4},
		{pid: 103, ppid: 101, ticks: 40, rssPages: 8},
		{pid: 104, ppid: 103, ticks: 50, rssPages: 16},
		{pid: 105, ppid: 1, ticks: 500, rssPages: 500},
		{pid: 200, ppid: 1, ticks: 700, rssPages: 700},
		{pid: 201, ppid: 200, ticks: 900, rssPages: 900},
	}
	tests := []struct {
		name     string
		root     int
		procs    int
		cpu      time.Duration
		rss      int64
		errMatch string
	}{
		{name: "browser tree", root: 100, procs: 5, cpu: 150 * clockTick, rss: 31 * 4096},
		{name: "subtree", root: 103, procs: 2, cpu: 90 * clockTick, rss: 24 * 4096},
		{name: "leaf", root: 104, procs: 1, cpu: 50 * clockTick, rss: 16 * 4096},
		{name: "missing root", root: 999, errMatch: "process 999 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := sumTree(stats, tt.root, 4096)
			if tt.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("sumTree: error %v, want %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(u.members) != tt.procs || u.cpu != tt.cpu || u.rss != tt.rss {
				t.Errorf("sumTree(%d) = %d procs, cpu %v, rss %d; want %d, %v, %d", tt.root, len(u.members), u.cpu, u.rss, tt.procs, tt.cpu, tt.rss)
			}
		})
	}
}

// fakeProc writes a /proc with the given stat lines (by pid) and
// smaps_rollup files (by pid), plus entries that are not processes.
func fakeProc(t *testing.T, stats map[int]string, smaps map[int]string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(pid int, name, data string) {
		p := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for pid, line := range stats {
		write(pid, "stat", line+"\n")
	}
	for pid, data := range smaps {
		write(pid, "smaps_rollup", data)
	}
	// Not processes: readStats must skip them.
	for _, name := range []string{"self", "meminfo", "sys"} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A process that exited between the listing and the read: no stat file.
	if err := os.MkdirAll(filepath.Join(dir, "777"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func smapsRollup(pssKB int) string {
	return fmt.Sprintf(`55d1c4a00000-7ffd2f5f1000 ---p 00000000 00:00 0                          [rollup]
Rss:              213700 kB
Pss:              %d kB
Pss_Dirty:         90000 kB
Shared_Clean:      80000 kB
`, pssKB)
}

func TestReadTree(t *testing.T) {
	page := int64(os.Getpagesize())
	proc := fakeProc(t, map[int]string{
		1:   statLine(1, "init", 0, 9, 9, 9, 9, 9),
		100: statLine(100, "chromium", 1, 100, 20, 7, 3, 1000),
		101: statLine(101, "chromium", 100, 50, 10, 0, 0, 300),
		102: statLine(102, "chrome_crashpad", 1, 5, 5, 0, 0, 50),
	}, map[int]string{
		100: smapsRollup(2048),
		101: "garbage\n", // unreadable: counted with its RSS
	})
	u, err := readTree(proc, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.members) != 2 {
		t.Errorf("members = %d, want 2 (the crashpad handler belongs to init)", len(u.members))
	}
	if want := 190 * clockTick; u.cpu != want {
		t.Errorf("cpu = %v, want %v", u.cpu, want)
	}
	if want := 1300 * page; u.rss != want {
		t.Errorf("rss = %d, want %d", u.rss, want)
	}
	u.readPSS(proc)
	if want := 2048*1024 + 300*page; u.pss != want {
		t.Errorf("pss = %d, want %d (100's Pss plus 101's RSS)", u.pss, want)
	}

	if _, err := readTree(proc, 555); err == nil {
		t.Error("readTree of a missing process: no error")
	}
	if _, err := readTree(filepath.Join(proc, "nope"), 100); err == nil {
		t.Error("readTree of a missing /proc: no error")
	}
}

func TestReadTreeBadStat(t *testing.T) {
	proc := fakeProc(t, map[int]string{100: "100 (x"}, nil)
	if _, err := readTree(proc, 100); err == nil || !strings.Contains(err.Error(), "no (comm)") {
		t.Errorf("readTree with a broken stat line: error %v", err)
	}
}

func TestParsePSS(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr bool
	}{
		{"rollup", smapsRollup(375), 375 * 1024, false},
		{"no pss", "Rss: 10 kB\n", 0, true},
		{"bad unit", "Pss: 10 MB\n", 0, true},
		{"bad number", "Pss: ten kB\n", 0, true},
		{"Pss_Dirty is not Pss", "Pss_Dirty: 5 kB\nPss: 7 kB\n", 7 * 1024, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePSS([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parsePSS = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
