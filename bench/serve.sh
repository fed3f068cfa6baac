#!/usr/bin/env bash
# bench/serve.sh — how long from saving one deal file to the reload event
# of `dealbook serve`, on big generated pipelines?
#
# Usage:  bench/serve.sh                 (from anywhere inside the repository)
#
# What it does:
#   1. builds the release binary and the `gen` and `serve_bench` examples;
#   2. generates synthetic pipelines (examples/gen.rs) under
#      $BENCH_DIR/serve-<size> (a copy of its own: the benchmark edits a deal
#      file, and restores it at the end), regenerated when examples/gen.rs
#      changes;
#   3. for each size, examples/serve_bench.rs starts `dealbook serve` on a
#      free port, waits for the first build, opens the event stream, then
#      $EDITS times saves the first deal file the way editors do (a temporary
#      file renamed over it), changing its amount (EDIT=name: its name), and
#      takes the time from the rename to the `reload` event; the next save
#      comes $PAUSE ms after the reload;
#   4. prints every latency and, per size, the median, p90, min and max.
#
# Environment:
#   EDITS=20               saves per size
#   SIZES="10000 100000"   deal counts
#   EDIT=amount            amount | name
#   PAUSE=1000             ms from a reload event to the next save
#   BENCH_DIR=/tmp/dealbook-bench
#   TIMINGS=1              also print the server's breakdown of the last build
#
# Goal (issue 5): median under 150 ms at 10k deals, under 1 s at 100k.
# Machine load matters: the load average is printed before and after;
# measure on a quiet machine (load < 1).
set -euo pipefail

EDITS=${EDITS:-20}
SIZES=${SIZES:-"10000 100000"}
EDIT=${EDIT:-amount}
PAUSE=${PAUSE:-1000}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_release --example gen --example serve_bench
mkdir -p "$BENCH_DIR"

echo "load before: $(load_average)"
for size in $SIZES; do
    dir=$BENCH_DIR/serve-$size
    ensure_pipeline "$size" "$dir"
    # Warm the page cache.
    cat "$dir"/deals/*/*.toml >/dev/null 2>&1 || true
    echo "== $size deals, $EDITS saves ($EDIT, ${PAUSE} ms apart)"
    extra=()
    [ -n "${TIMINGS:-}" ] && extra+=(--timings)
    "$target/release/examples/serve_bench" --bin "$bin" --edits "$EDITS" --edit "$EDIT" --pause "$PAUSE" \
        "${extra[@]}" "$dir"
done
echo "load after: $(load_average)"
