#!/usr/bin/env bash
# bench/search.sh — how big is the site's search index (search-index.js)
# at 10k and 100k deals, and how long does a browser take to load it?
#
# Usage:  bench/search.sh                (from anywhere inside the repository)
#
# What it does:
#   1. builds the release binary and the `gen` example;
#   2. generates (or reuses) the synthetic pipelines of bench/check.sh
#      under $BENCH_DIR/<size> and builds each site into
#      $BENCH_DIR/search-site-<size>;
#   3. prints the index's size, raw and gzipped, and its bytes per deal;
#   4. copies the index next to a measuring page and opens that page
#      $RUNS times in headless Chromium (`chromium --headless --dump-dom`,
#      from file://, as a user would open the site): the page times loading
#      and running the index script (what the first use of the search box
#      costs), preparing it the way assets/app.js does (lower-casing every
#      id and name) and one query over every row ("集团", a Chinese word
#      many generated names hold). Medians are printed.
#
# Environment:
#   RUNS=5                 page loads per size (median of these)
#   SIZES="10000 100000"   deal counts to measure
#   BENCH_DIR=/tmp/dealbook-bench
#   CHROMIUM=chromium      the browser
#
# The goal (issue 13): the index of 100k deals loads in under a second.
set -euo pipefail

RUNS=${RUNS:-5}
SIZES=${SIZES:-"10000 100000"}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}
CHROMIUM=${CHROMIUM:-chromium}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_release --example gen
mkdir -p "$BENCH_DIR"

page='<!doctype html><meta charset="utf-8"><title>search index</title><body>
<script>var t0 = performance.now();</script>
<script src="search-index.js"></script>
<script>
var t1 = performance.now();
var idx = window.dealbookSearch;
var lower = idx.r.map(function (r) { return [String(r[1]).toLowerCase(), String(r[2]).toLowerCase()]; });
var t2 = performance.now();
var q = "集团", hits = 0;
for (var i = 0; i < lower.length; i++) if (lower[i][1].indexOf(q) !== -1 || lower[i][0].indexOf(q) !== -1) hits++;
var t3 = performance.now();
document.body.textContent = "RESULT " + idx.r.length + " " + (t1 - t0).toFixed(1) + " " + (t2 - t1).toFixed(1) + " " + (t3 - t2).toFixed(1) + " " + hits;
</script>'

echo "cores: $(nproc); load before: $(load_average)" >&2
results=()
for size in $SIZES; do
    dir=$BENCH_DIR/$size
    ensure_pipeline "$size" "$dir"
    site=$BENCH_DIR/search-site-$size
    rm -rf "$site"
    "$bin" build "$dir" --output "$site" >/dev/null 2>&1 || { echo "build of $dir failed" >&2; exit 1; }
    index=$site/search-index.js
    bytes=$(wc -c <"$index")
    gz=$(gzip -c "$index" | wc -c)
    probe=$(mktemp -d)
    cp "$index" "$probe/"
    printf '%s\n' "$page" >"$probe/probe.html"
    loads=() preps=() queries=() rows=0
    for ((i = 0; i < RUNS; i++)); do
        profile=$(mktemp -d)
        out=$("$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" --dump-dom "file://$probe/probe.html" 2>/dev/null | grep -o 'RESULT [0-9. ]*' || true)
        rm -rf "$profile"
        [ -n "$out" ] || { echo "the page did not report (is $CHROMIUM installed?)" >&2; exit 1; }
        read -r _ rows load prep query _ <<<"$out"
        loads+=("$load") preps+=("$prep") queries+=("$query")
        echo "  $size run $((i + 1))/$RUNS: load ${load} ms, prepare ${prep} ms, query ${query} ms" >&2
    done
    rm -rf "$probe"
    results+=("$(awk -v s="$size" -v r="$rows" -v b="$bytes" -v g="$gz" \
        -v l="$(printf '%s\n' "${loads[@]}" | median)" \
        -v p="$(printf '%s\n' "${preps[@]}" | median)" \
        -v q="$(printf '%s\n' "${queries[@]}" | median)" \
        'BEGIN { printf "%-8s %8d %9.2f %9.2f %7.1f %9.1f %9.1f %9.1f", s, r, b / 1048576, g / 1048576, b / s, l, p, q }')")
done
echo
printf '%-8s %8s %9s %9s %7s %9s %9s %9s\n' deals rows "MiB" "gzip MiB" "B/deal" "load ms" "prep ms" "query ms"
printf '%s\n' "${results[@]}"
echo
echo "median of $RUNS page loads from file:// in headless Chromium; load = fetching and running the script;" \
    "prep = lower-casing ids and names (app.js does it once); query = one scan of every row;" \
    "$(nproc) cores; load after: $(load_average)"
