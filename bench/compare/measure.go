package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// percentile returns the p-th percentile (0 to 100) of ds, interpolating
// linearly between the two nearest ranks (the default of numpy and of R's
// type 7), so the 50th of an even count is the mean of the middle two. It
// returns 0 for no samples.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	p = min(max(p, 0), 100)
	rank := p / 100 * float64(len(s)-1)
	lo := int(rank)
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	frac := rank - float64(lo)
	return s[lo] + time.Duration(frac*float64(s[lo+1]-s[lo])+0.5)
}

// median is the 50th percentile of ds.
func median(ds []time.Duration) time.Duration { return percentile(ds, 50) }

// rusage is the CPU and memory getrusage reports.
type rusage struct {
	cpu    time.Duration // user + system
	maxRSS int64         // bytes
}

// fromSys converts a kernel rusage. Linux counts ru_maxrss in KiB.
func fromSys(ru *syscall.Rusage) rusage {
	return rusage{
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		maxRSS: int64(ru.Maxrss) * 1024,
	}
}

// self is this process's usage so far: its CPU time, every thread and the
// garbage collector included, and its peak resident set.
func self() rusage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(fmt.Sprintf("getrusage: %v", err)) // only fails for a bad "who"
	}
	return fromSys(&ru)
}

// procRun is what one external process cost.
type procRun struct {
	wall time.Duration
	cpu  time.Duration // the process and the descendants it waited for
	// peakMem is the larger of the largest single process's peak RSS
	// (ru_maxrss, which wait4 reports for the process and its waited-for
	// descendants) and, when sampled, the process tree's peak summed PSS.
	peakMem int64
}

// sampleEvery is how often runProcess reads the process tree's memory when
// asked to. Reading smaps_rollup costs this program about 3 ms of CPU per
// Chromium process, so the sampling is done in untimed runs only.
const sampleEvery = 20 * time.Millisecond

// runProcess runs cmd to completion and measures it: the wall time from
// start to exit, the CPU time and largest process from wait4, and with
// sample the process tree's summed PSS read from /proc every sampleEvery. A
// non-zero exit is an error carrying the end of the process's standard
// error. cmd gets its own process group, which a cancelled context kills
// whole, so that no browser helper outlives it.
func runProcess(ctx context.Context, name string, args []string, dir string, env []string, sample bool) (procRun, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return procRun{}, err
	}
	var (
		treePeak int64
		wg       sync.WaitGroup
		done     = make(chan struct{})
	)
	if sample {
		wg.Go(func() {
			tick := time.NewTicker(sampleEvery)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if u, err := readTree("/proc", cmd.Process.Pid); err == nil {
						u.readPSS("/proc")
						treePeak = max(treePeak, u.pss)
					}
				}
			}
		})
	}
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = fmt.Errorf("%w: %s", err, lastLines(stderr.String(), 3))
		}
		return procRun{}, err
	}
	run := procRun{wall: wall, peakMem: treePeak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u := fromSys(ru)
		run.cpu = u.cpu
		run.peakMem = max(run.peakMem, u.maxRSS)
	}
	return run, nil
}

// lastLines returns the last n non-empty lines of s, joined by " / ", for an
// error message.
func lastLines(s string, n int) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	if len(keep) == 0 {
		return "(no output on stderr)"
	}
	return strings.Join(keep, " / ")
}
