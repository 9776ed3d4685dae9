#!/usr/bin/env bash
# bench/run.sh runs every benchmark of the project in one go (`make bench`)
# and writes the results into docs/benchmarks.md, between the markers
# "<!-- make bench: begin -->" and "<!-- make bench: end -->", replacing the
# previous run's; the rest of the file (the history of how the numbers got
# there) stays as it is. In order:
#
#  1. the render engine in-process (go test -bench, one core, medians);
#  2. where its time goes (pprof CPU and allocations of the one-page PDF);
#  3. Livery against headless Chromium (CLI and a warm tab over CDP),
#     wkhtmltopdf and WeasyPrint on the same invoices (bench/compare);
#  4. the REST API under load (wrk where installed, else bench/loadgen),
#     with a CPU profile of the server (bench/api.sh);
#  5. a billing run through POST /v1/batches (bench/batch.sh);
#  6. the same billing run through `livery render` (bench/cli.sh).
#
#	make bench                 # everything, about 9 minutes on 2 cores
#	N=10000 bench/run.sh       # smaller billing runs, for a quick look
#	ONLY="render compare" bench/run.sh
#
# Settings (environment): N, billing-run size (100000); RUNS, documents per
# external tool in the comparison (8); API_DURATION per concurrency level
# (15s); API_CONCURRENCY ("2 3 4"); SETTLE, seconds of rest before the API
# step (30); ONLY, the steps to run (render profile
# compare api batch cli), the others keep their last results; BENCH_DIR, where
# temporary files go (default: a new directory at the top of the filesystem
# when it is writable, see bench_tmp in bench/lib.sh, so that the file
# storage is not where builds and earlier runs delete files); DOC, the file to
# update (docs/benchmarks.md). Run it on a machine that does nothing else:
# the load generator, the server and the tools share the same cores. Tools:
# go, curl, jq, bc, GNU time; wrk for the API step (apt-get install wrk).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-100000}
RUNS=${RUNS:-8}
API_DURATION=${API_DURATION:-15s}
API_CONCURRENCY=${API_CONCURRENCY:-"2 3 4"}
SETTLE=${SETTLE:-30}
ONLY=${ONLY:-"render profile compare api batch cli"}
DOC=${DOC:-$ROOT/docs/benchmarks.md}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
if [[ -n ${BENCH_DIR:-} ]]; then
	mkdir -p "$BENCH_DIR"
	OUT=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
else
	# One fresh directory for the whole run (see bench_tmp), the steps'
	# directories inside it.
	OUT=$(bench_tmp run)
fi
export BENCH_DIR=$OUT
trap 'rm -rf "$OUT"' EXIT
# The steps leave their files here, deleted at the very end: on this
# machine's filesystem, deleting many files makes creating new ones two to
# five times slower for a minute or more, which the next step would measure.
export BENCH_TRASH=$OUT/trash
mkdir -p "$BENCH_TRASH"

for tool in go curl jq bc /usr/bin/time; do
	command -v "$tool" >/dev/null || {
		echo "bench/run.sh: needs $tool (apt-get install curl jq bc time)" >&2
		exit 1
	}
done
grep -q '<!-- make bench: begin -->' "$DOC" && grep -q '<!-- make bench: end -->' "$DOC" || {
	echo "bench/run.sh: $DOC has no <!-- make bench: begin/end --> markers" >&2
	exit 1
}

# step NAME: true when NAME is among the steps to run.
step() { [[ " $ONLY " == *" $1 "* ]]; }

# median FILE NAME UNIT prints the median of the UNIT column of benchmark
# NAME's lines in go test -bench output FILE.
median() {
	awk -v name="$1" -v unit="$2" '$1 == name { for (i = 3; i < NF; i += 2) if ($(i + 1) == unit) print $i }' "$3" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# ms prints nanoseconds as milliseconds with two decimals.
ms() { printf '%.2f ms' "$(echo "$1 / 1000000" | bc -l)"; }

# kib prints bytes as KiB with one decimal.
kib() { printf '%.1f KiB' "$(echo "$1 / 1024" | bc -l)"; }

# section NAME TITLE COMMAND...: runs COMMAND, keeps its output as the
# section NAME, and records how long it took; a failing step is reported in
# its section and fails the run at the end.
failed=()
section() {
	local name=$1 title=$2
	shift 2
	echo "bench/run.sh: $title" >&2
	local t0=$SECONDS
	local rc=0
	"$@" >"$OUT/$name.body" 2>"$OUT/$name.err" || rc=$?
	if ((rc != 0)); then
		failed+=("$name")
		{
			echo
			echo "**This step failed** (exit status $rc); its error output:"
			echo
			echo '```'
			tail -n 20 "$OUT/$name.err"
			echo '```'
		} >>"$OUT/$name.body"
	fi
	{
		echo "### $title"
		echo
		# Without the blank lines the scripts start with.
		awk 'NF { p = 1 } p' "$OUT/$name.body"
		echo
		echo "_(step took $((SECONDS - t0)) s)_"
		echo
	} >"$OUT/$name.md"
}

# render_step measures the render engine in-process on one core.
render_step() {
	local raw=$OUT/render.txt
	(cd "$ROOT" && go test ./render/ -run '^$' -bench '^Benchmark(PDF|HTML)(OnePage|60Lines)$|^BenchmarkRenderAllOnePage$' \
		-benchmem -count 5 -cpu 1) >"$raw"
	echo "\`go test ./render/ -run '^\$' -bench '(PDF|HTML)(OnePage|60Lines)\$|RenderAllOnePage' -benchmem -count 5 -cpu 1\`: medians of five runs; the kit's Renderer is prepared once, as in a billing run."
	echo
	echo "| benchmark | time/op | CPU/op | allocated/op | allocs/op | PDF size |"
	echo "|---|---:|---:|---:|---:|---:|"
	local b size
	for b in PDFOnePage PDF60Lines HTMLOnePage HTML60Lines RenderAllOnePage; do
		size=$(median "Benchmark$b" pdf-bytes "$raw")
		printf '| %s | %s | %s | %s | %s | %s |\n' "$b" \
			"$(ms "$(median "Benchmark$b" ns/op "$raw")")" "$(ms "$(median "Benchmark$b" cpu-ns/op "$raw")")" \
			"$(kib "$(median "Benchmark$b" B/op "$raw")")" "$(median "Benchmark$b" allocs/op "$raw")" \
			"$([[ -n $size ]] && kib "$size" || echo —)"
	done
	local one
	one=$(median BenchmarkPDFOnePage ns/op "$raw")
	echo
	if (($(echo "$one < 3000000" | bc -l))); then
		echo "Target one-page PDF under 3 ms median on one core: **met** ($(ms "$one"))."
	else
		echo "Target one-page PDF under 3 ms median on one core: **missed** ($(ms "$one"), $(printf '%.0f' "$(echo "($one / 3000000 - 1) * 100" | bc -l)") % over)."
	fi
}

# profile_step profiles the one-page PDF: CPU by cumulative share, and
# allocations by size.
profile_step() {
	(cd "$ROOT" && go test ./render/ -run '^$' -bench '^BenchmarkPDFOnePage$' -benchtime 3s -cpu 1 \
		-cpuprofile "$OUT/cpu.prof" -memprofile "$OUT/mem.prof" -o "$OUT/render.test") >/dev/null
	echo "\`go test ./render/ -run '^\$' -bench '^BenchmarkPDFOnePage\$' -benchtime 3s -cpu 1 -cpuprofile cpu.prof -memprofile mem.prof\`, then \`go tool pprof -top\`. CPU, by cumulative share (Livery's and fpdf's functions and what they spend on):"
	echo
	echo '```'
	go tool pprof -top -cum -nodecount 40 -show 'liveryhq|fpdf|flate|zlib|json|strconv|fmt\.|mallocgc|gcBgMark' \
		"$OUT/render.test" "$OUT/cpu.prof" 2>/dev/null | sed -n '/flat%/,$p' | head -32
	echo '```'
	echo
	echo "Allocated bytes, by function (flat):"
	echo
	echo '```'
	go tool pprof -top -sample_index=alloc_space -nodecount 12 "$OUT/render.test" "$OUT/mem.prof" 2>/dev/null |
		sed -n '/flat%/,$p'
	echo '```'
}

# compare_step runs Livery and the alternatives on the same invoices.
compare_step() {
	# Its headings go one level down, under the step's own.
	(cd "$ROOT" && go run ./bench/compare -runs "$RUNS") | sed 's/^### /#### /'
}

# api_step loads `livery serve` with one-page invoices, after $SETTLE
# seconds of rest: right after the comparison's browsers the same server
# needed 10-20 % more CPU per document than on a machine left alone.
api_step() {
	sleep "$SETTLE"
	PROFILE=1 DURATION=$API_DURATION CONCURRENCY=$API_CONCURRENCY "$ROOT/bench/api.sh" | sed '/^## bench/d'
	echo
	echo "\"REST API (issue 4)\" below has the history and what the figures depend on on this machine."
}

# batch_step streams a billing run through POST /v1/batches.
batch_step() { N=$N "$ROOT/bench/batch.sh" | sed '/^## bench/d'; }

# cli_step renders the same billing run with `livery render`.
cli_step() { N=$N "$ROOT/bench/cli.sh" | sed '/^## bench/d'; }

t_start=$SECONDS
step render && section render "Render engine in-process" render_step
step profile && section profile "Where the one-page PDF spends its time" profile_step
step compare && section compare "Livery against headless Chromium, wkhtmltopdf and WeasyPrint" compare_step
step api && section api "REST API: one-page invoice, PDF and HTML stored (bench/api.sh)" api_step
step batch && section batch "Billing run of $N invoices through POST /v1/batches (bench/batch.sh)" batch_step
step cli && section cli "Billing run of $N invoices through livery render (bench/cli.sh)" cli_step

# Assemble: steps not run this time keep their previous section.
old=$OUT/old.md
awk '/<!-- make bench: begin -->/ { on = 1; next } /<!-- make bench: end -->/ { on = 0 } on' "$DOC" >"$old"
{
	echo "<!-- make bench: begin -->"
	echo "## Latest \`make bench\` run"
	echo
	echo "Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d) in $((SECONDS - t_start)) s (steps run: $ONLY): $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo), $(go env GOVERSION), $(uname -sr). Everything below up to the next marker is replaced by the next run; the sections after it are the measured history."
	echo
	# Tag each step so that a partial run can keep the others.
	for name in render profile compare api batch cli; do
		if [[ -f $OUT/$name.md ]]; then
			echo "<!-- step: $name -->"
			cat "$OUT/$name.md"
		else
			awk -v want="$name" '/^<!-- step: / { on = ($3 == want) } on' "$old"
		fi
	done
	echo "<!-- make bench: end -->"
} >"$OUT/section.md"
awk -v section="$OUT/section.md" '
	/<!-- make bench: begin -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
	/<!-- make bench: end -->/ { skip = 0; next }
	!skip' "$DOC" >"$OUT/doc.md"
cp "$OUT/doc.md" "$DOC"
echo "bench/run.sh: wrote $DOC in $((SECONDS - t_start)) s" >&2
if ((${#failed[@]})); then
	echo "bench/run.sh: failed steps: ${failed[*]}" >&2
	exit 1
fi
