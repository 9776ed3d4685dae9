package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...float64) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x * float64(time.Millisecond))
		}
		return out
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 95, 7 * time.Millisecond},
		{"median of odd count", ms(5, 1, 3), 50, 3 * time.Millisecond},
		{"median of even count is the mean of the middle two", ms(4, 1, 3, 2), 50, 2500 * time.Microsecond},
		{"unsorted input", ms(9, 1, 5, 3, 7), 50, 5 * time.Millisecond},
		// rank 0.95*(5-1) = 3.8: 8 + 0.8*(10-8)
		{"p95 interpolates", ms(2, 4, 6, 8, 10), 95, 9600 * time.Microsecond},
		// rank 0.95*(10-1) = 8.55: 9 + 0.55*(100-9)
		{"p95 of ten", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 100), 95, 59050 * time.Microsecond},
		{"p0 is the minimum", ms(3, 1, 2), 0, 1 * time.Millisecond},
		{"p100 is the maximum", ms(3, 1, 2), 100, 3 * time.Millisecond},
		{"p above 100 is clamped", ms(3, 1, 2), 150, 3 * time.Millisecond},
		{"equal values", ms(2, 2, 2, 2), 95, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
			}
		})
	}
}

func TestPercentileLeavesInputAlone(t *testing.T) {
	in := []time.Duration{3, 1, 2}
	_ = median(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Errorf("median sorted its input: %v", in)
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, "(no output on stderr)"},
		{"one\n", 3, "one"},
		{"a\n\n  b  \nc\nd\n", 3, "b / c / d"},
		{"a\nb", 1, "b"},
	}
	for _, tt := range tests {
		if got := lastLines(tt.in, tt.n); got != tt.want {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
