package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    config
		command string
		wantErr string
	}{
		{
			args:    nil,
			want:    config{runs: 10, warmup: 3, inProcess: 3 * time.Second},
			command: "go run ./bench/compare -runs 10 -inprocess 3s",
		},
		{
			args:    []string{"-runs", "5", "-inprocess", "1.5s", "-warmup", "0", "-livery", "/tmp/livery", "-out", "x.md"},
			want:    config{runs: 5, warmup: 0, inProcess: 1500 * time.Millisecond, livery: "/tmp/livery", out: "x.md"},
			command: "go run ./bench/compare -runs 5 -inprocess 1.5s -warmup 0 -livery /tmp/livery",
		},
		{args: []string{"-runs", "0"}, wantErr: "-runs must be at least 1"},
		{args: []string{"-warmup", "-1"}, wantErr: "-warmup must not be negative"},
		{args: []string{"-inprocess", "10ms"}, wantErr: "-inprocess must be at least"},
		{args: []string{"extra"}, wantErr: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseFlags(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseFlags: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parseFlags = %+v, want %+v", got, tt.want)
			}
			if c := got.command(); c != tt.command {
				t.Errorf("command = %q, want %q", c, tt.command)
			}
		})
	}
}
