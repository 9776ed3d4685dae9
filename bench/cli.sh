#!/usr/bin/env bash
# bench/cli.sh measures a billing run through the command line, no server:
# it builds the binary, writes N distinct one-page invoices as NDJSON
# (bench/batchgen -shape document; timed on its own), runs
#
#	livery render --kit roastery --data run.ndjson --format pdf,html --out out
#
# and reports the wall time, documents per second, CPU time per document
# and the peak RSS of that one process. It fails unless the command
# succeeds, prints 2N paths, and out holds N PDFs, N HTML files and no
# temporary file.
#
#	bench/cli.sh                # 100,000 documents
#	N=20000 CONCURRENCY=4 bench/cli.sh
#
# Settings (environment): BENCH_DIR (default: the top of the filesystem when
# writable, else $TMPDIR; see bench_tmp in bench/lib.sh) is where the
# temporary directory with binaries, input and output goes (see
# docs/benchmarks.md for why a fresh directory at the top of the
# filesystem rather than /tmp); N (100000); CONCURRENCY, livery's
# --concurrency (default: one per CPU); KEEP=1 keeps the temporary
# directory (run.ndjson, out/, paths.txt, render.log). GNU time
# (/usr/bin/time) measures CPU and peak RSS when installed; without it,
# bash's times and a poll of /proc/PID/status (VmHWM) do (GNU_TIME= forces
# that).
set -euo pipefail

N=${N:-100000}
CONCURRENCY=${CONCURRENCY:-}
GNU_TIME=${GNU_TIME-/usr/bin/time}
if ! [[ $N =~ ^[0-9]+$ ]] || ((N < 1)); then
	echo "N must be a whole number of documents, at least 1" >&2
	exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
TMP=$(bench_tmp cli)
trap cleanup EXIT

# Built before TMPDIR points into $TMP: go build creates and deletes its work
# files in TMPDIR, and deletions in a block group slow the creation of files
# there for a minute (docs/benchmarks.md, "The filesystem of this machine").
build_livery
(cd "$ROOT" && go build -o "$TMP/batchgen" ./bench/batchgen)

echo "## bench/cli.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
machine
echo "before: $(fs_probe)"

t0=$(date +%s.%N)
"$TMP/batchgen" -shape document -n "$N" >"$TMP/run.ndjson"
t1=$(date +%s.%N)
printf 'input: %d documents, %s MB of NDJSON, generated in %.2f s (not in the figures below)\n' \
	"$N" "$(($(stat -c %s "$TMP/run.ndjson") / 1000000))" "$(echo "$t1 - $t0" | bc -l)"

# livery writes each file through a temporary file beside it in out/, and
# TMPDIR sits on the same filesystem, as a deployment would keep it.
mkdir -p "$TMP/tmp"
args=(render --kit roastery --data "$TMP/run.ndjson" --format pdf,html --out "$TMP/out")
if [[ -n $CONCURRENCY ]]; then
	args+=(--concurrency "$CONCURRENCY")
fi
echo "command: livery ${args[*]}"
echo

# seconds_of converts bash's "1m2.345s" to seconds.
seconds_of() {
	awk -v t="$1" 'BEGIN { split(t, p, /[ms]/); print p[1] * 60 + p[2] }'
}

status=0
if [[ -n $GNU_TIME && -x $GNU_TIME ]]; then
	TMPDIR="$TMP/tmp" "$GNU_TIME" -f '%e %M %U %S' -o "$TMP/time.txt" \
		"$TMP/livery" "${args[@]}" >"$TMP/paths.txt" 2>"$TMP/render.log" || status=$?
	# A failing command makes GNU time write "Command exited with non-zero
	# status N" before the figures.
	read -r wall rss_kb user sys < <(tail -n 1 "$TMP/time.txt")
else
	# times reports the CPU of the children this shell has waited for; its
	# difference around the wait is livery's alone, as the poll below runs
	# only builtins (read with a timeout on a descriptor nobody writes to
	# sleeps without a process).
	exec {never}<> <(:)
	times >"$TMP/times0.txt"
	t0=$(date +%s.%N)
	TMPDIR="$TMP/tmp" "$TMP/livery" "${args[@]}" >"$TMP/paths.txt" 2>"$TMP/render.log" &
	pid=$!
	rss_kb=0
	while [[ -r /proc/$pid/status ]]; do
		while read -r key value _; do
			if [[ $key == VmHWM: ]]; then
				rss_kb=$value
			fi
		done <"/proc/$pid/status" 2>/dev/null || true
		read -r -t 0.1 -u "$never" _ || true
	done
	wait "$pid" || status=$?
	t1=$(date +%s.%N)
	times >"$TMP/times1.txt"
	wall=$(echo "$t1 - $t0" | bc -l)
	read -r u0 s0 < <(sed -n 2p "$TMP/times0.txt")
	read -r u1 s1 < <(sed -n 2p "$TMP/times1.txt")
	user=$(echo "$(seconds_of "$u1") - $(seconds_of "$u0")" | bc -l)
	sys=$(echo "$(seconds_of "$s1") - $(seconds_of "$s0")" | bc -l)
fi

paths=$(wc -l <"$TMP/paths.txt")
pdfs=$(find "$TMP/out" -maxdepth 1 -name '*.pdf' | wc -l)
htmls=$(find "$TMP/out" -maxdepth 1 -name '*.html' | wc -l)
temps=$(find "$TMP/out" -maxdepth 1 -name '.*' | wc -l)
cpu=$(echo "$user + $sys" | bc -l)

echo "| documents | wall | docs/s | CPU/doc (user+sys) | cores used | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|"
printf '| %d | %.1f s | %.0f | %.2f ms (%.2f + %.2f) | %.2f | %.0f MiB |\n' "$N" "$wall" "$(echo "$N / $wall" | bc -l)" \
	"$(echo "$cpu * 1000 / $N" | bc -l)" "$(echo "$user * 1000 / $N" | bc -l)" "$(echo "$sys * 1000 / $N" | bc -l)" \
	"$(echo "$cpu / $wall" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)"
echo
billing_verdict "$N" "$wall" "$rss_kb"
echo "summary: $(tail -n 1 "$TMP/render.log")"
echo "after: $(fs_probe)"
if [[ $status != 0 || $paths != $((2 * N)) || $pdfs != "$N" || $htmls != "$N" || $temps != 0 ]]; then
	echo "FAILED: exit status $status, $paths paths printed, $pdfs PDFs, $htmls HTML files, $temps temporary files; want 0, $((2 * N)), $N, $N, 0" >&2
	head -n 3 "$TMP/render.log" >&2
	exit 1
fi
