# bench/lib.sh: what the scripts in bench/ share. Source it after setting
# ROOT, then make TMP with bench_tmp; it starts and stops one `livery serve`
# on loopback with file storage in $TMP/data and sets URL and PID.
#
# The server's TMPDIR is $TMP/tmp: the file backend writes each object to a
# temporary file in TMPDIR and renames it into place, and a deployment keeps
# TMPDIR on the storage volume (a rename cannot cross filesystems). Left at
# the machine's /tmp, every object would be created in a directory that all
# other processes churn, which on this machine's ext4 (no journal) makes
# creating files there far slower; see docs/benchmarks.md.

PID=
URL=

# build_livery builds the livery binary into $TMP.
build_livery() {
	(cd "$ROOT" && go build -o "$TMP/livery" ./cmd/livery)
}

# bench_tmp NAME makes the directory of a script's run: in $BENCH_DIR when
# set, else at the top of the filesystem when it is writable (as root), else
# in $TMPDIR. ext4 places a new top-level directory in a block group with
# free inodes, away from the inodes that earlier runs and builds freed: on
# this machine's filesystem (ext4 without a journal) creating a file where
# many were deleted in the last minutes costs 0.4-0.6 ms instead of 35 us
# (docs/benchmarks.md, "The filesystem of this machine").
bench_tmp() {
	local base=${BENCH_DIR:-}
	if [[ -z $base ]]; then
		base=${TMPDIR:-/tmp}
		[[ -w / ]] && base=/
	fi
	mktemp -d "${base%/}/livery-bench-$1.XXXXXX"
}

# start_server starts `livery serve` on a free loopback port with fresh
# file storage ($TMP/data), its JSON log in $TMP/serve.log, and waits for
# /readyz. Extra arguments go to serve.
start_server() {
	mkdir -p "$TMP/tmp"
	TMPDIR="$TMP/tmp" LIVERY_STORAGE="file://$TMP/data" "$TMP/livery" serve --addr 127.0.0.1:0 "$@" \
		>"$TMP/serve.out" 2>"$TMP/serve.log" &
	PID=$!
	for _ in $(seq 1 400); do
		URL=$(sed -n 's/^livery serve: listening on \(http:[^ ]*\)$/\1/p' "$TMP/serve.out")
		if [[ -n $URL ]] && curl -fsS -o /dev/null "$URL/readyz"; then
			return 0
		fi
		if ! kill -0 "$PID" 2>/dev/null; then
			cat "$TMP/serve.log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "server did not become ready" >&2
	return 1
}

# stop_server stops the server with SIGTERM and waits for it; it fails when
# the server exits with an error.
stop_server() {
	local pid=$PID
	PID=
	kill -TERM "$pid"
	wait "$pid"
}

# server_cpu_ms prints the server's CPU time so far (user + system) in ms.
server_cpu_ms() {
	awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000 / tck }' "/proc/$PID/stat"
}

# server_hwm prints the server's peak resident set size (VmHWM).
server_hwm() {
	sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$PID/status"
}

# machine prints what the numbers were measured on.
machine() {
	echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo), $(cd "$ROOT" && go env GOVERSION); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# cleanup stops a server still running and removes $TMP unless KEEP=1, or
# moves it to $BENCH_TRASH when bench/run.sh set one.
cleanup() {
	if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "kept $TMP" >&2
	elif [[ -n ${BENCH_TRASH:-} ]]; then
		mv "$TMP" "$BENCH_TRASH/" # bench/run.sh deletes it at its end
	else
		rm -rf "$TMP"
	fi
}

# fs_probe prints what creating a file costs now on the filesystem of $TMP
# (bench/fsprobe): the floor of the file backend's cost per stored object.
fs_probe() {
	if [[ ! -x $TMP/fsprobe ]]; then
		(cd "$ROOT" && go build -o "$TMP/fsprobe" ./bench/fsprobe)
	fi
	"$TMP/fsprobe" -dir "$TMP" -n "${1:-500}"
}

# billing_verdict N SECONDS RSS_KB prints the billing-run target's verdict
# (issue 7): 100,000 invoices in under 3 minutes with peak RSS under 300 MB;
# a smaller run is scaled to 100,000 at the rate it reached.
billing_verdict() {
	local n=$1 secs=$2 rss_kb=$3 at100k verdict=met
	at100k=$(echo "$secs * 100000 / $n" | bc -l)
	if (($(echo "$at100k >= 180 || $rss_kb >= 300 * 1024" | bc -l))); then
		verdict=missed
	fi
	printf 'Target 100,000 invoices in under 3 minutes, peak RSS under 300 MB: **%s** (%.0f s%s, %.0f MiB).\n' \
		"$verdict" "$at100k" "$([[ $n == 100000 ]] || echo " scaled from $n")" "$(echo "$rss_kb / 1024" | bc -l)"
}

# api_verdict RESULTS_JSONL prints the API target's verdict (issues 4 and
# 7) for the level with the most documents a second among those with a p99
# under 50 ms and no errors.
api_verdict() {
	jq -rs '
		(map(select(.p99_ms < 50 and .errors == 0)) | max_by(.rps)) as $b
		| if $b == null then "Target above 1,000 documents/s with p99 under 50 ms and no errors: **missed** (no level had a p99 under 50 ms without errors)."
		  elif $b.rps > 1000 then "Target above 1,000 documents/s with p99 under 50 ms and no errors: **met** (\($b.rps|floor)/s at concurrency \($b.concurrency) with \($b.client // "loadgen"), p99 \($b.p99_ms*10|round/10) ms)."
		  else "Target above 1,000 documents/s with p99 under 50 ms and no errors: **missed** by \(100 - $b.rps/10|round) % (best \($b.rps|floor)/s at concurrency \($b.concurrency) with \($b.client // "loadgen"), p99 \($b.p99_ms*10|round/10) ms)."
		  end' "$1"
}
