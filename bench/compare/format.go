package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dash fills a cell that has no value.
const dash = "—"

// fmtDuration prints a time with three significant digits or so: "0.43 ms",
// "12.3 ms", "127 ms", "1.05 s".
func fmtDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d <= 0:
		return dash
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", ms)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", ms)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", ms)
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

// fmtRate prints documents per second of one core from the CPU time one
// document takes.
func fmtRate(cpu time.Duration) string {
	if cpu <= 0 {
		return dash
	}
	return fmtNumber(1 / cpu.Seconds())
}

// fmtNumber prints a positive figure to about three significant digits,
// whole numbers from 100 on with thousands separators: "0.97", "12.3",
// "1,874".
func fmtNumber(x float64) string {
	switch {
	case x >= 99.5:
		return groupThousands(int64(x + 0.5))
	case x >= 9.95:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

// fmtRatio prints how many times slower a route is than Livery: "1.9×",
// "83×", "1,250×".
func fmtRatio(x float64) string {
	switch {
	case x <= 0:
		return dash
	case x < 9.95:
		return fmt.Sprintf("%.1f×", x)
	default:
		return groupThousands(int64(x+0.5)) + "×"
	}
}

// groupThousands prints n with commas between groups of three digits.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtKiB prints a file size: "32.5 KiB", "1.20 MiB".
func fmtKiB(n int) string {
	switch {
	case n <= 0:
		return dash
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	}
}

// fmtMiB prints an amount of memory: "9.5 MiB", "57 MiB", "1.25 GiB".
func fmtMiB(n int64) string {
	mib := float64(n) / (1 << 20)
	switch {
	case n <= 0:
		return dash
	case mib < 9.95:
		return fmt.Sprintf("%.1f MiB", mib)
	case mib < 1023.5:
		return fmt.Sprintf("%.0f MiB", mib)
	default:
		return fmt.Sprintf("%.2f GiB", mib/1024)
	}
}

// fmtPages prints a page count with its paper: "1 (A4)", "3 (letter)".
func fmtPages(p pdfPages) string {
	switch {
	case p.count == 0:
		return dash
	case p.size == "":
		return strconv.Itoa(p.count)
	default:
		return fmt.Sprintf("%d (%s)", p.count, p.size)
	}
}

// fmtElapsed prints how long the run took: "48 s", "1 min 32 s".
func fmtElapsed(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// cell makes text safe for a Markdown table cell: one line, no bare pipe,
// and not so long that it drowns the table.
func cell(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 200 {
		text = string(r[:199]) + "…"
	}
	return strings.ReplaceAll(text, "|", `\|`)
}
