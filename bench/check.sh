#!/usr/bin/env bash
# bench/check.sh — how fast is `dealbook check` on a big pipeline, compared
# with the least any program must do to read it?
#
# Usage:  bench/check.sh                 (from anywhere inside the repository)
#
# What it does:
#   1. builds the release binary and the `gen` and `parse_baseline` examples;
#   2. generates synthetic pipelines of 10k and 100k deals (examples/gen.rs)
#      under $BENCH_DIR (default /tmp/dealbook-bench/<size>), reusing one
#      that is already there and was written by the same generator source;
#   3. for each size, runs `dealbook check` and the baseline
#      (examples/parse_baseline.rs: walk + read + toml::from_str into plain
#      serde structs, rayon on all cores) once each to warm the page cache,
#      then $RUNS times each, interleaved (check, baseline, baseline, check,
#      …) so that background load hits both alike;
#   4. prints, per size: the median wall time of each, their ratio, the CPU
#      use of `check` (user+sys over wall, 200% = both cores busy), and the
#      peak resident memory (max RSS, from /usr/bin/time) of each.
#
# Wall time is taken with `date +%s%N` around each run (nanoseconds; the
# `time` wrapper it includes costs well under a millisecond); max RSS and CPU
# come from GNU time. hyperfine is not used because it cannot interleave two
# commands. GNU time is installed with apt-get when /usr/bin/time is missing.
#
# Environment:
#   RUNS=7                 timed runs per command and size (median of these)
#   SIZES="10000 100000"   deal counts to measure
#   BENCH_DIR=/tmp/dealbook-bench
#
# The goal (issue "Speed"): check of 100k deals within 1.5x the baseline's
# time, using both cores, under 1 GiB of memory. Machine load matters: the
# load average is printed before and after; measure on a quiet machine.
set -euo pipefail

RUNS=${RUNS:-7}
SIZES=${SIZES:-"10000 100000"}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_gnu_time
build_release --example gen --example parse_baseline
check_bin=$bin
base_bin=$target/release/examples/parse_baseline
mkdir -p "$BENCH_DIR"

echo "cores: $(nproc); load before: $(load_average)" >&2
results=()
for size in $SIZES; do
    dir=$BENCH_DIR/$size
    ensure_pipeline "$size" "$dir"
    # Warm the cache and make sure the pipeline is valid.
    if ! "$check_bin" check "$dir" >/dev/null; then
        echo "dealbook check reports errors in $dir; the generator is broken" >&2
        exit 1
    fi
    "$base_bin" "$dir" >/dev/null
    ct=() cr=() cc=() bt=() br=()
    for ((i = 0; i < RUNS; i++)); do
        if ((i % 2 == 0)); then order="c b"; else order="b c"; fi
        for who in $order; do
            if [ "$who" = c ]; then
                read -r t r p rc < <(measure "$check_bin" check "$dir")
                [ "$rc" = 0 ] || { echo "check exited $rc" >&2; exit 1; }
                ct+=("$t") cr+=("$r") cc+=("$p")
            else
                read -r t r p rc < <(measure "$base_bin" "$dir")
                bt+=("$t") br+=("$r")
            fi
        done
        echo "  $size run $((i + 1))/$RUNS: check ${ct[-1]}s, baseline ${bt[-1]}s" >&2
    done
    c_med=$(printf '%s\n' "${ct[@]}" | median)
    b_med=$(printf '%s\n' "${bt[@]}" | median)
    c_cpu=$(printf '%s\n' "${cc[@]}" | median)
    c_rss=$(printf '%s\n' "${cr[@]}" | maximum)
    b_rss=$(printf '%s\n' "${br[@]}" | maximum)
    results+=("$(awk -v s="$size" -v c="$c_med" -v b="$b_med" -v p="$c_cpu" -v r="$c_rss" -v q="$b_rss" \
        'BEGIN { printf "%-8s %10.3f %12.3f %7.2fx %9s%% %11.0f %11.0f", s, c, b, c / b, p, r / 1024, q / 1024 }')")
done
load_after=$(load_average)

echo
printf '%-8s %10s %12s %8s %10s %11s %11s\n' deals "check (s)" "baseline (s)" ratio "check CPU" "check MiB" "base MiB"
printf '%s\n' "${results[@]}"
echo
echo "median of $RUNS interleaved runs, warm cache; max RSS over the runs; $(nproc) cores;" \
    "load after: $load_after"
