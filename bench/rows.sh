#!/usr/bin/env bash
# bench/rows.sh — the rows of the split lists (issue 13): the size of
# rows/deals.js and the other rows/*.js at 10k and 100k deals, and how long
# a drill-down on deals.html takes from file:// in headless Chromium.
#
#   bench/rows.sh                      # 10k and 100k deals, 3 page loads each
#   SIZES=100000 RUNS=5 bench/rows.sh
#
# It reuses (or writes) the synthetic pipelines of bench/check.sh
# ($BENCH_DIR/<deals>), builds each site into $BENCH_DIR/rows-site-<deals>,
# prints the sizes, then opens a copy of the site's deals.html (without its
# Content-Security-Policy, plus a script that reports the time at the load
# event) twice: as built, and with the dashboard's commit drill-down
# (`#q=period:2026-Q4+cat:won,commit`), which loads rows/deals.js, filters
# every row and draws the matches. The load event waits for that script,
# so the difference is what the drill-down costs over the page itself.
set -euo pipefail

RUNS=${RUNS:-3}
SIZES=${SIZES:-"10000 100000"}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}
CHROMIUM=${CHROMIUM:-chromium}
QUERY=${QUERY:-"period:2026-Q4+cat:won,commit"}

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_release --example gen
mkdir -p "$BENCH_DIR"

probe='<script src="probe.js"></script>'
probe_js='window.addEventListener("load", function () {
  var foot = document.querySelector("#deals tfoot th");
  var shown = Array.prototype.filter.call(document.querySelectorAll("#deals tbody tr"), function (r) { return !r.hidden; }).length;
  document.body.setAttribute("data-result", "RESULT " + performance.now().toFixed(1) + " " + shown + " " + foot.textContent.replace(/[^0-9]/g, ""));
});'

# One page load; prints "ms rows_drawn rows_counted".
load_page() {
    local url=$1 profile out
    profile=$(mktemp -d)
    out=$("$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --dump-dom "$url" 2>/dev/null | grep -o 'RESULT [0-9. ]*' || true)
    rm -rf "$profile"
    [ -n "$out" ] || { echo "the page did not report (is $CHROMIUM installed?)" >&2; exit 1; }
    echo "${out#RESULT }"
}

echo "cores: $(nproc); load before: $(load_average)" >&2
results=()
for size in $SIZES; do
    dir=$BENCH_DIR/$size
    ensure_pipeline "$size" "$dir"
    site=$BENCH_DIR/rows-site-$size
    rm -rf "$site"
    "$bin" build "$dir" --output "$site" >/dev/null 2>&1 || { echo "build of $dir failed" >&2; exit 1; }
    echo "  $size: rows/*.js" >&2
    for f in "$site"/rows/*.js; do
        printf '    %-34s %9.2f MiB %9.2f MiB gzipped\n' "${f#"$site"/}" \
            "$(awk -v b="$(wc -c <"$f")" 'BEGIN { print b / 1048576 }')" \
            "$(awk -v b="$(gzip -c "$f" | wc -c)" 'BEGIN { print b / 1048576 }')" >&2
    done
    deals=$site/rows/deals.js
    bytes=$(wc -c <"$deals")
    gz=$(gzip -c "$deals" | wc -c)
    all=$(cat "$site"/rows/*.js | wc -c)
    page=$site/probe.html
    sed -e 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' -e "s#</body>#$probe</body>#" \
        "$site/deals.html" >"$page"
    printf '%s\n' "$probe_js" >"$site/probe.js"
    plain=() drill=() drawn=0 counted=0
    for ((i = 0; i < RUNS; i++)); do
        read -r ms _ _ <<<"$(load_page "file://$page")"
        plain+=("$ms")
        read -r ms drawn counted <<<"$(load_page "file://$page#q=$QUERY")"
        drill+=("$ms")
        echo "  $size run $((i + 1))/$RUNS: as built ${plain[-1]} ms, drill-down ${ms} ms ($drawn drawn of $counted)" >&2
    done
    rm -f "$page" "$site/probe.js"
    results+=("$(awk -v s="$size" -v b="$bytes" -v g="$gz" -v a="$all" -v d="$drawn" -v c="$counted" \
        -v p="$(printf '%s\n' "${plain[@]}" | median)" \
        -v q="$(printf '%s\n' "${drill[@]}" | median)" \
        'BEGIN { printf "%-8s %9.2f %9.2f %7.1f %9.2f %10.0f %10.0f %7d %8d", s, b / 1048576, g / 1048576, b / s, a / 1048576, p, q, d, c }')")
done
echo
printf '%-8s %9s %9s %7s %9s %10s %10s %7s %8s\n' deals "MiB" "gzip MiB" "B/deal" "all MiB" "built ms" "drill ms" drawn matches
printf '%s\n' "${results[@]}"
echo
echo "deals.js: rows/deals.js; all: every rows/*.js; median of $RUNS loads of deals.html from file:// to its load event," \
    "as built and with #q=$QUERY; $(nproc) cores; load after: $(load_average)"
