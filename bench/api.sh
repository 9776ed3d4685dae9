#!/usr/bin/env bash
# bench/api.sh measures POST /v1/documents of a real `livery serve`: it
# builds the binary, starts it on loopback with fresh file storage, sends
# distinct one-page invoices (kit roastery@live, PDF and HTML stored) at
# several concurrency levels, and prints one Markdown table row per level,
# the server's peak RSS, and a check that storage holds one record, one PDF
# and one HTML file per created document.
#
# The client is wrk (bench/api.lua) where it is installed: it shares the two
# cores with the server and takes about 0.06 ms of CPU per request, where
# the Go load generator (bench/loadgen) takes 0.17-0.2 ms, a tenth of the
# machine at these rates. bench/loadgen then runs the first level once more
# as a cross-check: it reads every answer's record and checks each format.
# Without wrk, bench/loadgen measures every level.
#
#	bench/api.sh                          # 20 s per level at 4, 8, 16 and 32
#	DURATION=10s CONCURRENCY="8 16" bench/api.sh
#
# Settings (environment): BENCH_DIR (default: the top of the filesystem when
# writable, else $TMPDIR; see bench_tmp in bench/lib.sh) is where the
# temporary directory with binaries, storage and logs goes; DURATION (20s);
# WARMUP (3s, per level, not counted); CONCURRENCY ("4 8 16 32"); KEEP=1
# keeps the temporary directory (storage, server log, results.jsonl);
# SERVE_FLAGS adds flags to `livery serve`; CLIENT (wrk or loadgen; default
# wrk when installed) chooses the load generator; PROFILE=1 takes a CPU profile of
# the server during the last level (through --pprof-addr) and prints where
# its time goes.
set -euo pipefail

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONCURRENCY=${CONCURRENCY:-"4 8 16 32"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
TMP=$(bench_tmp api)
trap cleanup EXIT

build_livery
(cd "$ROOT" && go build -o "$TMP/loadgen" ./bench/loadgen)
if [[ -z ${CLIENT:-} ]]; then
	CLIENT=loadgen
	if command -v wrk >/dev/null; then
		CLIENT=wrk
	else
		echo "wrk is not installed (apt-get install wrk): measuring with bench/loadgen, whose CPU time takes more of the machine" >&2
	fi
fi
# The request wrk sends: the sample invoice with a placeholder for its number.
jq -c --arg kit roastery@live '{kit: $kit, data: (.number = "@@NUMBER@@")}' "$ROOT/samples/documents/invoice-onepage.json" >"$TMP/body.json"
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
echo "| client | concurrency | documents | docs/s | p50 | p90 | p99 | max | errors | server CPU/doc | server cores | client CPU/req |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
status=0
last=${CONCURRENCY##* }
prof_pid=
# level CLIENT C measures one concurrency level with one client (a warm-up,
# then the measured part) and appends its JSON line to results.jsonl.
level() {
	local client=$1 c=$2
	if [[ $client == loadgen ]]; then
		"$TMP/loadgen" -url "$URL" -concurrency "$c" -duration "$DURATION" -warmup "$WARMUP" \
			-pid "$PID" -clk-tck "$(getconf CLK_TCK)" -json >"$TMP/level.json" || return 1
		jq -c '. + {client: "loadgen"}' "$TMP/level.json" >>"$TMP/results.jsonl"
		return 0
	fi
	# wrk cuts off the requests in flight when its time is up; their
	# documents may still be stored (see the storage check below).
	local warm srv0 srv1 cpu
	BODY=$TMP/body.json RUN="w$c" wrk -t 1 -c "$c" -d "$WARMUP" --timeout 30s -s "$ROOT/bench/api.lua" "$URL" | tail -1 >"$TMP/warm.json"
	warm=$(jq .created "$TMP/warm.json")
	srv0=$(server_cpu_ms)
	TIMEFORMAT='%3U %3S'
	{ time BODY=$TMP/body.json RUN="m$c" wrk -t 1 -c "$c" -d "$DURATION" --timeout 30s -s "$ROOT/bench/api.lua" "$URL" | tail -1 >"$TMP/level.json"; } 2>"$TMP/wrk.time"
	srv1=$(server_cpu_ms)
	cpu=$(awk '{ print $1 + $2 }' "$TMP/wrk.time")
	jq -c --argjson c "$c" --argjson warm "$warm" --argjson srv "$srv1" --argjson srv0 "$srv0" --argjson cli "$cpu" \
		'($srv - $srv0) as $srv | . + {client: "wrk", concurrency: $c, warmup_created: $warm, rps: (.created / .seconds),
		server_cpu_ms_per_doc: (if .created > 0 then $srv / .created else 0 end), server_cores: ($srv / 1000 / .seconds),
		client_cpu_ms_per_req: (if .requests > 0 then $cli * 1000 / .requests else 0 end),
		cut_off: $c}' "$TMP/level.json" >>"$TMP/results.jsonl"
}
clients=$CLIENT
if [[ $CLIENT == wrk ]]; then
	# The Go load generator at the first level, as a cross-check that reads
	# and checks every answer's record (and to compare the clients' cost).
	clients="wrk loadgen"
fi
for client in $clients; do
	levels=$CONCURRENCY
	[[ $client == loadgen && $CLIENT == wrk ]] && levels=${CONCURRENCY%% *}
	for c in $levels; do
		if [[ ${PROFILE:-0} == 1 && $c == "$last" && $client == "$CLIENT" ]]; then
			# The profile covers the measured part of the level, not its warm-up.
			pp=$(jq -r 'select(.msg == "serving pprof profiles") | .addr' "$TMP/serve.log")
			secs=$(($(sed 's/s$//' <<<"$DURATION") - 1))
			(sleep "$(sed 's/s$//' <<<"$WARMUP")" && curl -fsS -o "$TMP/cpu.prof" "http://$pp/debug/pprof/profile?seconds=$secs") &
			prof_pid=$!
		fi
		if ! level "$client" "$c"; then
			status=1
			continue
		fi
		tail -1 "$TMP/results.jsonl" | jq -r '"| \(.client) | \(.concurrency) | \(.created) | \(.rps|floor) | \(.p50_ms*10|round/10) ms | \(.p90_ms*10|round/10) ms | \(.p99_ms*10|round/10) ms | \(.max_ms*10|round/10) ms | \(.errors) | \(.server_cpu_ms_per_doc*100|round/100) ms | \(.server_cores*100|round/100) | \(.client_cpu_ms_per_req*100|round/100) ms |"'
		tail -1 "$TMP/results.jsonl" | jq -r 'select(.errors > 0) | "first error: \(.first_error)"' >&2
	done
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
# HTML (distinct data gives distinct bytes, so nothing is shared). wrk cuts
# off up to C requests at the end of each of its runs: those documents may
# have been stored (a record the client never read), or their content
# without a record (the server stops storing a request whose client left).
want=$(jq -s 'map(.created + .warmup_created) | add' "$TMP/results.jsonl")
cut=$(jq -s 'map(2 * (.cut_off // 0)) | add' "$TMP/results.jsonl")
records=$(find "$TMP/data/documents/records" -name '*.json' | wc -l)
pdfs=$(find "$TMP/data/documents/content" -name '*.pdf' | wc -l)
htmls=$(find "$TMP/data/documents/content" -name '*.html' | wc -l)
echo "server peak RSS (VmHWM): $hwm"
echo "storage: $records records, $pdfs PDFs, $htmls HTML files; the clients saw $want documents created (warm-ups included; up to $cut more cut off in flight)"
if ((records < want || records > want + cut || pdfs < records || htmls < records || pdfs > want + cut || htmls > want + cut)); then
	echo "MISMATCH: storage does not hold one record, PDF and HTML per created document" >&2
	status=1
fi
echo "server log: $(wc -l <"$TMP/serve.log") lines, $(grep -c '"level":"ERROR"' "$TMP/serve.log" || true) errors"
exit $status
