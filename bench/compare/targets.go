package main

import (
	"fmt"
	"time"
)

// target is a goal of issue 7, checked on the one-page invoice: a limit on
// Livery's own median, or how many times faster than another route Livery
// must be (by median wall time per document).
type target struct {
	key       string        // the route whose row shows the target
	goal      string        // as the table shows it: "< 3 ms"
	what      string        // as the verdict says it
	maxMedian time.Duration // Livery in-process: its median must be under this
	minRatio  float64       // another route: its median / Livery's, at least this
}

// targets are the goals the report checks.
var targets = []target{
	{key: keyInProcess, goal: "< 3 ms", what: "one-page PDF in-process, median under 3 ms", maxMedian: 3 * time.Millisecond},
	{key: keyChromiumCLI, goal: "≥ 100×", what: "at least 100× faster than the Chromium CLI", minRatio: 100},
	{key: keyWarmTab, goal: "≥ 20×", what: "at least 20× faster than a warm Chromium tab over CDP", minRatio: 20},
}

// Verdict statuses.
const (
	statusMet         = "met"
	statusMissed      = "missed"
	statusNotMeasured = "not measured"
)

// verdict is a target checked against the measurements.
type verdict struct {
	target
	status string // statusMet, statusMissed or statusNotMeasured
	detail string // the figures behind the status
}

// find returns the result of the route key, or nil.
func find(results []result, key string) *result {
	for i := range results {
		if results[i].key == key {
			return &results[i]
		}
	}
	return nil
}

// judge checks t against one invoice's results.
func judge(t target, results []result) verdict {
	v := verdict{target: t, status: statusNotMeasured}
	base := find(results, keyInProcess)
	if base == nil || !base.ok() {
		v.detail = "Livery in-process " + whyNot(base)
		return v
	}
	livery := median(base.wall)
	if t.maxMedian > 0 {
		if livery < t.maxMedian {
			v.status = statusMet
			v.detail = fmt.Sprintf("%s median, %.0f %% under the limit", fmtDuration(livery), 100*(1-float64(livery)/float64(t.maxMedian)))
		} else if livery == t.maxMedian {
			v.status = statusMissed
			v.detail = fmt.Sprintf("%s median, at the limit", fmtDuration(livery))
		} else {
			v.status = statusMissed
			v.detail = fmt.Sprintf("%s median, %s (%.0f %%) over the limit", fmtDuration(livery), fmtDuration(livery-t.maxMedian), 100*(float64(livery)/float64(t.maxMedian)-1))
		}
		return v
	}
	other := find(results, t.key)
	if other == nil || !other.ok() {
		label := t.key
		if other != nil {
			label = other.label
		}
		v.detail = label + " " + whyNot(other)
		return v
	}
	theirs := median(other.wall)
	ratio := float64(theirs) / float64(livery)
	figures := fmt.Sprintf("%s (%s against %s)", fmtRatio(ratio), fmtDuration(theirs), fmtDuration(livery))
	if ratio >= t.minRatio {
		v.status = statusMet
		v.detail = fmt.Sprintf("%s, %s the target", figures, fmtRatio(ratio/t.minRatio))
	} else {
		v.status = statusMissed
		v.detail = fmt.Sprintf("%s, %.0f %% short of %s", figures, 100*(1-ratio/t.minRatio), fmtRatio(t.minRatio))
	}
	return v
}

// whyNot says why a route has no measurement.
func whyNot(r *result) string {
	switch {
	case r == nil:
		return "did not run"
	case r.missing != "":
		return "is not installed"
	case r.err != nil:
		return "failed: " + r.err.Error()
	default:
		return "made no measurement"
	}
}
