// Command fsprobe measures what creating a file costs on the filesystem of
// a directory: it creates, writes (30 KB, about one stored PDF) and closes
// -n new files in a new subdirectory, renames each once, and prints the wall
// time and the system CPU time per file. The file backend creates two files
// per stored object (the object through a temporary file, and its .attrs
// sidecar) and renames one, so this is the floor of its cost, which the
// scripts in bench/ print beside their results: on a shared virtual machine
// it moves a lot (see docs/benchmarks.md).
//
// The files are left in place for the caller to remove (the scripts remove
// their whole directory at the end): on ext4 without a journal, deleting
// files makes creating new ones slower for the next minutes, which would
// disturb the measurement that follows.
//
//	go run ./bench/fsprobe -dir "$(mktemp -d)"
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	dir := flag.String("dir", os.TempDir(), "directory on the filesystem to probe")
	n := flag.Int("n", 2000, "files to create")
	flag.Parse()
	if err := probe(*dir, *n); err != nil {
		fmt.Fprintln(os.Stderr, "fsprobe:", err)
		os.Exit(1)
	}
}

func probe(dir string, n int) error {
	sub, err := os.MkdirTemp(dir, "fsprobe-")
	if err != nil {
		return err
	}
	data := make([]byte, 30<<10)
	sys0 := sysCPU()
	start := time.Now()
	for i := range n {
		name := filepath.Join(sub, fmt.Sprintf("f%06d.tmp", i))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	created, createdSys := time.Since(start), sysCPU()-sys0
	start, sys0 = time.Now(), sysCPU()
	for i := range n {
		if err := os.Rename(filepath.Join(sub, fmt.Sprintf("f%06d.tmp", i)), filepath.Join(sub, fmt.Sprintf("g%06d", i))); err != nil {
			return err
		}
	}
	renamed, renamedSys := time.Since(start), sysCPU()-sys0
	d := time.Duration(n)
	fmt.Printf("filesystem of %s: create+write 30 KB+close %v per file (system CPU %v), rename %v (system CPU %v)\n",
		dir, (created / d).Round(time.Microsecond), (createdSys / d).Round(time.Microsecond),
		(renamed / d).Round(time.Microsecond), (renamedSys / d).Round(time.Microsecond))
	return nil
}

// sysCPU is the system CPU time this process has used.
func sysCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Stime.Nano())
}
