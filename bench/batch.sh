#!/usr/bin/env bash
# bench/batch.sh measures a billing run through POST /v1/batches of a real
# `livery serve`: it builds the binary, starts it on loopback with fresh
# file storage, streams N distinct one-page invoices (bench/batchgen: kit
# roastery@live, PDF and HTML stored) through curl, which reads the results
# while it sends, and reports the time, documents per second, the server's
# CPU time per document and its peak RSS. It fails unless there are N
# results, all documents, the summary says so, and storage holds N records.
#
#	bench/batch.sh              # 100,000 lines
#	N=10000 bench/batch.sh
#
# Settings (environment): BENCH_DIR (default: the top of the filesystem when
# writable, else $TMPDIR; see bench_tmp in bench/lib.sh) is where the
# temporary directory with binaries, storage and logs goes; N (100000);
# KEEP=1 keeps the temporary directory (storage, server log, the response as
# out.ndjson); SERVE_FLAGS adds flags to `livery serve` (e.g.
# --batch-concurrency 4).
set -euo pipefail

N=${N:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
TMP=$(bench_tmp batch)
trap cleanup EXIT

build_livery
(cd "$ROOT" && go build -o "$TMP/batchgen" ./bench/batchgen)
# shellcheck disable=SC2086
start_server ${SERVE_FLAGS:-}

echo "## bench/batch.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
machine
echo "before: $(fs_probe)"
echo "server: $URL, file storage in $TMP/data, pid $PID; $N lines"
echo

cpu0=$(server_cpu_ms)
t0=$(date +%s.%N)
# -T - streams stdin as a chunked body; curl reads the response while it
# sends. "Expect:" skips the 100-continue round trip.
"$TMP/batchgen" -n "$N" |
	curl -sS --fail -T - -X POST -H 'Content-Type: application/x-ndjson' -H 'Expect:' \
		-o "$TMP/out.ndjson" "$URL/v1/batches"
t1=$(date +%s.%N)
cpu1=$(server_cpu_ms)
hwm=$(server_hwm)
echo "after: $(fs_probe)"
stop_server || { echo "server exited with an error" >&2; exit 1; }

status=0
docs=$(grep -c '^{"line":[0-9]*,"document":' "$TMP/out.ndjson" || true)
errs=$(grep -c '^{"line":[0-9]*,"error":' "$TMP/out.ndjson" || true)
summary=$(tail -n 1 "$TMP/out.ndjson")
records=$(find "$TMP/data/documents/records" -name '*.json' | wc -l)
secs=$(echo "$t1 - $t0" | bc -l)

echo "| lines | time | docs/s | server CPU/doc | server cores | server peak RSS | result errors |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '| %d | %.1f s | %.0f | %.2f ms | %.2f | %s | %d |\n' "$N" "$secs" "$(echo "$docs / $secs" | bc -l)" \
	"$(echo "($cpu1 - $cpu0) / $N" | bc -l)" "$(echo "($cpu1 - $cpu0) / 1000 / $secs" | bc -l)" "$hwm" "$errs"
echo
billing_verdict "$N" "$secs" "$(sed 's/ kB$//' <<<"$hwm")"
echo "summary line: $summary"
echo "storage: $records records; result lines with a document: $docs"
if [[ $docs != "$N" || $errs != 0 || $records != "$N" ]] ||
	[[ $(jq -c '.summary | [.lines, .ok, .errors, .stopped]' <<<"$summary") != "[$N,$N,0,false]" ]]; then
	echo "FAILED: want $N documents, 0 errors, $N records and a summary saying so" >&2
	grep -m 3 '"error":' "$TMP/out.ndjson" >&2 || true
	status=1
fi
exit $status
