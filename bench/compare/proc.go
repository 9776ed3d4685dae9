package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat. Linux fixes
// USER_HZ at 100 for that interface whatever the kernel's own tick rate, and
// reading sysconf(_SC_CLK_TCK) would need cgo.
const clockTick = 10 * time.Millisecond

// procStat is what one /proc/PID/stat line says about a process.
type procStat struct {
	pid, ppid int
	// ticks is the process's user and system time plus that of the children
	// it has waited for (utime+stime+cutime+cstime), in clock ticks. The
	// children's share keeps the CPU of processes that exited between two
	// readings: a renderer reaped by Chromium's zygote counts for the zygote.
	ticks    int64
	rssPages int64
}

// parseStat reads one /proc/PID/stat line. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so the fields are
// counted from the last ')'.
func parseStat(line []byte) (procStat, error) {
	open := bytes.IndexByte(line, '(')
	closing := bytes.LastIndexByte(line, ')')
	if open < 1 || closing < open {
		return procStat{}, fmt.Errorf("stat line %.40q: no (comm)", line)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(line[:open])))
	if err != nil {
		return procStat{}, fmt.Errorf("stat line %.40q: pid: %w", line, err)
	}
	// Fields from 3 (state) on: index i here is field i+3 of proc(5).
	f := bytes.Fields(line[closing+1:])
	const (
		iPPID   = 4 - 3
		iUtime  = 14 - 3
		iCstime = 17 - 3
		iRSS    = 24 - 3
	)
	if len(f) <= iRSS {
		return procStat{}, fmt.Errorf("stat line of pid %d: %d fields after the name, want more than %d", pid, len(f), iRSS)
	}
	num := func(i int) (int64, error) {
		n, err := strconv.ParseInt(string(f[i]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat line of pid %d: field %d: %w", pid, i+3, err)
		}
		return n, nil
	}
	st := procStat{pid: pid}
	ppid, err := num(iPPID)
	if err != nil {
		return procStat{}, err
	}
	st.ppid = int(ppid)
	for i := iUtime; i <= iCstime; i++ {
		n, err := num(i)
		if err != nil {
			return procStat{}, err
		}
		st.ticks += n
	}
	if st.rssPages, err = num(iRSS); err != nil {
		return procStat{}, err
	}
	return st, nil
}

// readStats reads the stat line of every process under procDir (/proc, or a
// fake one in tests). A process that exits while the folder is read is left
// out: it is gone, and its CPU time went to the parent that reaped it.
func readStats(procDir string) ([]procStat, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, err
	}
	var out []procStat
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		line, err := os.ReadFile(filepath.Join(procDir, e.Name(), "stat"))
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			continue
		}
		if err != nil {
			return nil, err
		}
		st, err := parseStat(line)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// treeUsage is what a process and all its descendants use at one moment.
type treeUsage struct {
	members []procStat
	cpu     time.Duration // user+system, waited-for children included
	// rss is the summed resident set: a page that several processes map
	// (the browser's code, shared memory) counts once per process, so for
	// a multi-process browser it is far more than the memory it takes.
	rss int64
	// pss is the summed proportional set size (readPSS): each shared page
	// divided among the processes sharing it, so the sum is what the tree
	// takes. Zero until readPSS.
	pss int64
}

// sumTree adds up the process root and every process whose parent chain
// leads to it. A process that its parent left behind is adopted by init (or
// a subreaper) and is no longer counted.
func sumTree(stats []procStat, root int, pageSize int64) (treeUsage, error) {
	children := map[int][]procStat{}
	var top *procStat
	for i, st := range stats {
		children[st.ppid] = append(children[st.ppid], st)
		if st.pid == root {
			top = &stats[i]
		}
	}
	if top == nil {
		return treeUsage{}, fmt.Errorf("process %d not found", root)
	}
	var u treeUsage
	queue := []procStat{*top}
	seen := map[int]bool{}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		if seen[st.pid] {
			continue
		}
		seen[st.pid] = true
		u.members = append(u.members, st)
		u.cpu += time.Duration(st.ticks) * clockTick
		u.rss += st.rssPages * pageSize
		queue = append(queue, children[st.pid]...)
	}
	return u, nil
}

// readTree reads what the process tree of root uses now.
func readTree(procDir string, root int) (treeUsage, error) {
	stats, err := readStats(procDir)
	if err != nil {
		return treeUsage{}, err
	}
	return sumTree(stats, root, int64(os.Getpagesize()))
}

// readPSS sums the tree's proportional set size from each member's
// /proc/PID/smaps_rollup. A member whose file cannot be read (a kernel
// before 4.14) counts with its RSS; one that has exited, with nothing.
func (u *treeUsage) readPSS(procDir string) {
	u.pss = 0
	page := int64(os.Getpagesize())
	for _, m := range u.members {
		data, err := os.ReadFile(filepath.Join(procDir, strconv.Itoa(m.pid), "smaps_rollup"))
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			continue
		}
		pss, perr := parsePSS(data)
		if err != nil || perr != nil {
			pss = m.rssPages * page
		}
		u.pss += pss
	}
}

// parsePSS reads the Pss line of a smaps_rollup file, in bytes.
func parsePSS(data []byte) (int64, error) {
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(line, []byte("Pss:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("smaps_rollup: Pss line %q", bytes.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("smaps_rollup: %w", err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("smaps_rollup: no Pss line")
}
