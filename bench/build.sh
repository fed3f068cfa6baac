#!/usr/bin/env bash
# bench/build.sh — how fast is `dealbook build` on a big pipeline, and how
# does its time per page compare with mdBook building a book of as many
# small pages?
#
# Usage:  bench/build.sh                 (from anywhere inside the repository)
#
# What it does:
#   1. builds the release binary and the `gen` example;
#   2. generates synthetic pipelines of 10k and 100k deals (examples/gen.rs)
#      under $BENCH_DIR/<size> (default /tmp/dealbook-bench), reusing one
#      that is already there and was written by the same generator source
#      (the stamp file is the one bench/check.sh writes);
#   3. for each size: builds the site once to warm the page cache, then
#      $RUNS times into a fresh output folder each time (the previous output
#      is deleted and the file system synced before the clock starts), and
#      reports the median wall
#      time, the CPU use ((user+sys)/wall, 200% = both cores busy), the peak
#      resident memory (max RSS, from GNU time), the number of files
#      written, their size, and the wall time per page;
#   4. if `mdbook` is on the PATH (`cargo install mdbook`), writes a book of
#      as many chapters as the site has pages (each a heading, a paragraph,
#      a list and a small table: about the text of a deal page), builds it
#      the same way, and reports the same figures, so the two times per
#      page can be compared. With MDBOOK_MAX set (default 20000), books
#      larger than that are not built: mdBook's time grows faster than
#      linearly with the number of chapters (every page carries the table
#      of contents), and a 110k-chapter book takes very long.
#
# Environment:
#   RUNS=3                 timed runs per command and size (median of these)
#   SIZES="10000 100000"   deal counts to measure
#   BENCH_DIR=/tmp/dealbook-bench
#   MDBOOK_MAX=20000       largest book to build (chapters)
#   MDBOOK_RUNS=1          timed mdBook runs per size (a 10k-page book takes minutes)
#
# The goal (issue "Speed"): under 20 s for 100k deals (over 110k pages) on
# the 2-core machine, and no slower per page than mdBook. The load average
# before and after is printed: measure on a quiet machine (load < 1).
set -euo pipefail

RUNS=${RUNS:-3}
SIZES=${SIZES:-"10000 100000"}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}
MDBOOK_MAX=${MDBOOK_MAX:-20000}
MDBOOK_RUNS=${MDBOOK_RUNS:-1}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_gnu_time
build_release --example gen
mdbook_bin=$(command -v mdbook || true)
mkdir -p "$BENCH_DIR"

# Runs "$@" once (to warm the cache); stops the benchmark with the message
# "$1 failed" when it fails.
warm_up() {
    local what=$1
    shift
    "$@" >/dev/null 2>&1 || {
        echo "$what failed" >&2
        exit 1
    }
}

# Counts what the folder $1 holds: sets $files, $pages (HTML files) and $mib.
count_output() {
    files=$(find "$1" -type f | wc -l)
    pages=$(find "$1" -type f -name '*.html' | wc -l)
    mib=$(du -sm "$1" | cut -f1)
}

# Runs "$@" (named $1 in messages) $2 times, each into a fresh output
# folder $3 (deleted, and the deletion synced, before the clock starts);
# sets $wall and $cpu (medians) and $rss (the largest).
timed_runs() {
    local name=$1 n=$2 out=$3 i t r p rc
    shift 3
    local ts=() rs=() cs=()
    for ((i = 0; i < n; i++)); do
        rm -rf "$out"
        sync # let the file system finish the deletion before timing
        read -r t r p rc < <(measure "$@")
        [ "$rc" = 0 ] || { echo "$name exited $rc" >&2; exit 1; }
        ts+=("$t") rs+=("$r") cs+=("$p")
        echo "  $size $name run $((i + 1))/$n: ${t}s" >&2
    done
    wall=$(printf '%s\n' "${ts[@]}" | median)
    cpu=$(printf '%s\n' "${cs[@]}" | median)
    rss=$(printf '%s\n' "${rs[@]}" | maximum)
}

# One line of the table for tool $1, from the figures timed_runs and
# count_output set; the time per page divides the wall time by $2.
row() {
    awk -v s="$size" -v t="$1" -v w="$wall" -v c="$cpu" -v r="$rss" -v f="$files" -v p="$pages" -v m="$mib" -v n="$2" \
        'BEGIN { printf "%-8s %-9s %8d %8d %8d %9.2f %7s%% %8.0f %10.1f", s, t, p, f, m, w, c, r / 1024, w / n * 1e6 }'
}

# Writes a book of $2 small chapters into $1.
write_book() {
    local dir=$1 n=$2
    rm -rf "$dir"
    mkdir -p "$dir/src"
    printf '[book]\ntitle = "Bench"\n\n[output.html]\nsearch.enable = false\n' >"$dir/book.toml"
    awk -v n="$n" -v dir="$dir/src" 'BEGIN {
        summary = dir "/SUMMARY.md"
        print "# Summary\n" > summary
        for (i = 0; i < n; i++) {
            f = sprintf("p%07d.md", i)
            printf "- [Deal %d](%s)\n", i, f >> summary
            file = dir "/" f
            printf "# Deal %d: ERP upgrade phase %d\n\n", i, i % 7 > file
            printf "Account **Account %d**, owner Person %d, stage Negotiation, amount 1,200,000.\n\n", i % 1000, i % 50 >> file
            printf "- created 2026-06-01\n- close 2026-12-15\n- next step: POC review with the CIO\n\n" >> file
            printf "| contact | role | attitude |\n|---|---|---|\n| Wang | economic buyer | supporter |\n| Li | coach | champion |\n" >> file
            close(file)
        }
    }'
}

echo "cores: $(nproc); load before: $(load_average)" >&2
results=()
for size in $SIZES; do
    dir=$BENCH_DIR/$size
    ensure_pipeline "$size" "$dir"
    out=$BENCH_DIR/site-$size
    rm -rf "$out"
    warm_up "dealbook build on $dir" "$bin" build "$dir" --output "$out"
    count_output "$out"
    timed_runs build "$RUNS" "$out" "$bin" build "$dir" --output "$out"
    results+=("$(row dealbook "$files")")

    if [ -n "$mdbook_bin" ] && [ "$files" -le "$MDBOOK_MAX" ]; then
        book=$BENCH_DIR/book-$size
        write_book "$book" "$files"
        warm_up "mdbook build" "$mdbook_bin" build "$book"
        count_output "$book/book"
        timed_runs mdbook "$MDBOOK_RUNS" "$book/book" "$mdbook_bin" build "$book"
        results+=("$(row mdbook "$pages")")
    elif [ -z "$mdbook_bin" ]; then
        echo "  (mdbook not installed: cargo install mdbook)" >&2
    else
        echo "  (book of $files chapters not built: above MDBOOK_MAX=$MDBOOK_MAX)" >&2
    fi
done
load_after=$(load_average)

echo
printf '%-8s %-9s %8s %8s %8s %9s %8s %8s %10s\n' deals tool pages files MiB "wall (s)" CPU "RSS MiB" "µs/page"
printf '%s\n' "${results[@]}"
echo
echo "median of $RUNS runs ($MDBOOK_RUNS for mdbook), warm cache, fresh output folder each run; max RSS over the runs;" \
    "µs/page = wall ÷ files written (dealbook) or HTML pages (mdbook); $(nproc) cores;" \
    "load after: $load_after"
