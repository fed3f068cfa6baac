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

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (for max RSS)…" >&2
    apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null
fi

echo "building (release)…" >&2
cargo build --release --quiet --bin dealbook --example gen
target=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target=${target:-$repo/target}
bin=$target/release/dealbook
gen_bin=$target/release/examples/gen
gen_hash=$(sha256sum examples/gen.rs | cut -c1-16)
mdbook_bin=$(command -v mdbook || true)
mkdir -p "$BENCH_DIR"

# Runs "$@" once; prints "wall_seconds max_rss_kb cpu_percent exit_status".
measure() {
    local tf t0 t1 rc=0
    tf=$(mktemp)
    t0=$(date +%s%N)
    /usr/bin/time -o "$tf" -f '%M %P' "$@" >/dev/null 2>&1 || rc=$?
    t1=$(date +%s%N)
    read -r rss cpu <"$tf"
    rm -f "$tf"
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }') $rss ${cpu%\%} $rc"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { sort -n | tail -1; }

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

echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
results=()
for size in $SIZES; do
    dir=$BENCH_DIR/$size
    stamp="deals=$size gen=$gen_hash"
    if [ "$(cat "$dir/.gen-stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "generating $size deals into $dir…" >&2
        "$gen_bin" --force --deals "$size" "$dir" >&2
        echo "$stamp" >"$dir/.gen-stamp"
    else
        echo "reusing $dir" >&2
    fi
    out=$BENCH_DIR/site-$size
    rm -rf "$out"
    "$bin" build "$dir" --output "$out" >/dev/null 2>&1 || {
        echo "dealbook build failed on $dir" >&2
        exit 1
    }
    files=$(find "$out" -type f | wc -l)
    pages=$(find "$out" -type f -name '*.html' | wc -l)
    mib=$(du -sm "$out" | cut -f1)
    bt=() br=() bc=()
    for ((i = 0; i < RUNS; i++)); do
        rm -rf "$out"
        sync # let the file system finish the deletion before timing
        read -r t r p rc < <(measure "$bin" build "$dir" --output "$out")
        [ "$rc" = 0 ] || { echo "build exited $rc" >&2; exit 1; }
        bt+=("$t") br+=("$r") bc+=("$p")
        echo "  $size build run $((i + 1))/$RUNS: ${t}s" >&2
    done
    b_med=$(printf '%s\n' "${bt[@]}" | median)
    b_cpu=$(printf '%s\n' "${bc[@]}" | median)
    b_rss=$(printf '%s\n' "${br[@]}" | maximum)
    results+=("$(awk -v s="$size" -v w="$b_med" -v c="$b_cpu" -v r="$b_rss" -v f="$files" -v p="$pages" -v m="$mib" \
        'BEGIN { printf "%-8s %-9s %8d %8d %8d %9.2f %7s%% %8.0f %10.1f", s, "dealbook", p, f, m, w, c, r / 1024, w / f * 1e6 }')")

    if [ -n "$mdbook_bin" ] && [ "$files" -le "$MDBOOK_MAX" ]; then
        book=$BENCH_DIR/book-$size
        write_book "$book" "$files"
        "$mdbook_bin" build "$book" >/dev/null 2>&1 || {
            echo "mdbook build failed" >&2
            exit 1
        }
        mfiles=$(find "$book/book" -type f | wc -l)
        mpages=$(find "$book/book" -type f -name '*.html' | wc -l)
        mmib=$(du -sm "$book/book" | cut -f1)
        mt=() mr=() mc=()
        for ((i = 0; i < MDBOOK_RUNS; i++)); do
            rm -rf "$book/book"
            sync
            read -r t r p rc < <(measure "$mdbook_bin" build "$book")
            [ "$rc" = 0 ] || { echo "mdbook exited $rc" >&2; exit 1; }
            mt+=("$t") mr+=("$r") mc+=("$p")
            echo "  $size mdbook run $((i + 1))/$MDBOOK_RUNS: ${t}s" >&2
        done
        m_med=$(printf '%s\n' "${mt[@]}" | median)
        m_cpu=$(printf '%s\n' "${mc[@]}" | median)
        m_rss=$(printf '%s\n' "${mr[@]}" | maximum)
        results+=("$(awk -v s="$size" -v w="$m_med" -v c="$m_cpu" -v r="$m_rss" -v f="$mfiles" -v p="$mpages" -v m="$mmib" \
            'BEGIN { printf "%-8s %-9s %8d %8d %8d %9.2f %7s%% %8.0f %10.1f", s, "mdbook", p, f, m, w, c, r / 1024, w / p * 1e6 }')")
    elif [ -z "$mdbook_bin" ]; then
        echo "  (mdbook not installed: cargo install mdbook)" >&2
    else
        echo "  (book of $files chapters not built: above MDBOOK_MAX=$MDBOOK_MAX)" >&2
    fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
printf '%-8s %-9s %8s %8s %8s %9s %8s %8s %10s\n' deals tool pages files MiB "wall (s)" CPU "RSS MiB" "µs/page"
printf '%s\n' "${results[@]}"
echo
echo "median of $RUNS runs ($MDBOOK_RUNS for mdbook), warm cache, fresh output folder each run; max RSS over the runs;" \
    "µs/page = wall ÷ files written (dealbook) or HTML pages (mdbook); $(nproc) cores;" \
    "load after: $load_after"
