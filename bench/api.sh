#!/usr/bin/env bash
# bench/api.sh measures POST /v1/documents of a real `livery serve`: it
# builds the binary, starts it on loopback with fresh file storage, sends
# distinct one-page invoices (kit roastery@live, PDF and HTML stored) with
# bench/loadgen at several concurrency levels, and prints one Markdown table
# row per level, the server's peak RSS, and a check that storage holds one
# record, one PDF and one HTML file per created document.
#
#	bench/api.sh                          # 20 s per level at 4, 8, 16 and 32
#	DURATION=10s CONCURRENCY="8 16" bench/api.sh
#
# Settings (environment): BENCH_DIR (default $TMPDIR or /tmp) is where the
# temporary directory with binaries, storage and logs goes; DURATION (20s);
# WARMUP (3s, per level, not counted); CONCURRENCY ("4 8 16 32"); KEEP=1
# keeps the temporary directory (storage, server log, results.jsonl);
# SERVE_FLAGS adds flags to `livery serve`; PROFILE=1 takes a CPU profile of
# the server during the last level (through --pprof-addr) and prints where
# its time goes.
set -euo pipefail

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONCURRENCY=${CONCURRENCY:-"4 8 16 32"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/livery-bench-api.XXXXXX")
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

build_livery
(cd "$ROOT" && go build -o "$TMP/loadgen" ./bench/loadgen)
pprof_flags=()
if [[ ${PROFILE:-0} == 1 ]]; then
	pprof_flags=(--pprof-addr 127.0.0.1:0)
fi
# shellcheck disable=SC2086
start_server ${SERVE_FLAGS:-} "${pprof_flags[@]}"

echo "## bench/api.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
machine
echo "before: $(fs_probe)"
echo "server: $URL, file storage in $TMP/data, pid $PID; each level: ${WARMUP} warm-up, then ${DURATION} measured"
echo
echo "| concurrency | documents | docs/s | p50 | p90 | p99 | max | errors | server CPU/doc | server cores | loadgen CPU/req |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
status=0
last=${CONCURRENCY##* }
prof_pid=
for c in $CONCURRENCY; do
	if [[ ${PROFILE:-0} == 1 && $c == "$last" ]]; then
		# The profile covers the measured part of the level, not its warm-up.
		pp=$(jq -r 'select(.msg == "serving pprof profiles") | .addr' "$TMP/serve.log")
		secs=$(($(sed 's/s$//' <<<"$DURATION") - 1))
		(sleep "$(sed 's/s$//' <<<"$WARMUP")" && curl -fsS -o "$TMP/cpu.prof" "http://$pp/debug/pprof/profile?seconds=$secs") &
		prof_pid=$!
	fi
	if ! "$TMP/loadgen" -url "$URL" -concurrency "$c" -duration "$DURATION" -warmup "$WARMUP" \
		-pid "$PID" -clk-tck "$(getconf CLK_TCK)" -json >"$TMP/level.json"; then
		status=1
	fi
	cat "$TMP/level.json" >>"$TMP/results.jsonl"
	jq -r '"| \(.concurrency) | \(.created) | \(.rps|floor) | \(.p50_ms*10|round/10) ms | \(.p90_ms*10|round/10) ms | \(.p99_ms*10|round/10) ms | \(.max_ms*10|round/10) ms | \(.errors) | \(.server_cpu_ms_per_doc*100|round/100) ms | \(.server_cores*100|round/100) | \(.client_cpu_ms_per_req*100|round/100) ms |"' "$TMP/level.json"
	jq -r 'select(.errors > 0) | "first error: \(.first_error)"' "$TMP/level.json" >&2
done
echo
api_verdict "$TMP/results.jsonl"
echo
if [[ -n $prof_pid ]]; then
	if wait "$prof_pid"; then
		echo "Server CPU profile during the measured part of concurrency $last (\`--pprof-addr\`, \`go tool pprof -top -cum\`; Livery's and its libraries' functions):"
		echo
		echo '```'
		go tool pprof -top -cum -nodecount 45 -show 'liveryhq|fpdf|gocloud|crypto|flate|json|template|slog|prometheus|gcBgMark|syscall' -hide 'ServeHTTP|Server\).(requestID|observe|limits|recoverPanics|authenticate)|documentRoutes|echo' \
			"$TMP/livery" "$TMP/cpu.prof" 2>/dev/null | sed -n '/flat%/,$p' | head -40
		echo '```'
		echo
	else
		echo "the CPU profile could not be taken" >&2
		status=1
	fi
fi
hwm=$(server_hwm)
echo "after: $(fs_probe)"
stop_server || { echo "server exited with an error" >&2; status=1; }

# Every created document must be in storage: one record, and its PDF and
# HTML (distinct data gives distinct bytes, so nothing is shared).
want=$(jq -s 'map(.created + .warmup_created) | add' "$TMP/results.jsonl")
records=$(find "$TMP/data/documents/records" -name '*.json' | wc -l)
pdfs=$(find "$TMP/data/documents/content" -name '*.pdf' | wc -l)
htmls=$(find "$TMP/data/documents/content" -name '*.html' | wc -l)
echo "server peak RSS (VmHWM): $hwm"
echo "storage: $records records, $pdfs PDFs, $htmls HTML files; loadgen saw $want documents created (warm-ups included)"
if [[ $records != "$want" || $pdfs != "$want" || $htmls != "$want" ]]; then
	echo "MISMATCH: storage does not hold exactly one record, PDF and HTML per created document" >&2
	status=1
fi
echo "server log: $(wc -l <"$TMP/serve.log") lines, $(grep -c '"level":"ERROR"' "$TMP/serve.log" || true) errors"
exit $status
