#!/usr/bin/env bash
# bench/import.sh — how fast are `dealbook import` and `dealbook fmt --check`
# on large inputs?
#
# Usage:  bench/import.sh                (from anywhere inside the repository)
#
# What it does:
#   1. builds the release binary and the `gen` example;
#   2. writes a Salesforce-shaped export of $ROWS rows (awk, deterministic:
#      $ROWS/10 accounts, 50 owners, every stage, won and lost rows, ¥
#      amounts with thousands separators, US dates) and a newer export in
#      which every 100th row changed (amount, and the close pushed or the
#      stage moved), plus an empty pipeline (`dealbook init`, its team
#      replaced by the 50 owners);
#   3. times, $RUNS times each (median):
#      - import of the export into a fresh copy of the empty pipeline
#        (goal: under 5 s for 100k rows);
#      - re-import of the newer export into a fresh copy of the imported
#        pipeline (goal: under 3 s when 1% of the rows changed);
#      - `fmt --check` against `check` on the 100k-deal pipeline of
#        examples/gen.rs, interleaved, both as generated (its numbers are
#        written in mixed styles, so fmt has files to list) and once
#        formatted (the steady state of a pipeline under CI); goal: within
#        2x of check.
#   Copying a pipeline before a run is not timed; the page cache is warm.
#   The folders the runs write stay until the next run of the script
#   ($BENCH_DIR/import-$ROWS/run-*, re-*: about 0.5 GiB each).
#
# Environment:
#   RUNS=3               timed runs per measurement (median)
#   ROWS=100000          rows of the export
#   BENCH_DIR=/tmp/dealbook-bench
set -euo pipefail

RUNS=${RUNS:-3}
ROWS=${ROWS:-100000}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_gnu_time
build_release --example gen
mkdir -p "$BENCH_DIR"
work=$BENCH_DIR/import-$ROWS
mkdir -p "$work"

# --- inputs -----------------------------------------------------------------
export_csv() { # $1 = 0 for the export, 1 for the newer one
    awk -v rows="$ROWS" -v newer="$1" 'BEGIN {
        split("Prospecting,Qualification,Needs Analysis,Value Proposition,Id. Decision Makers,Perception Analysis,Proposal/Price Quote,Negotiation/Review,Closed Won,Closed Lost", st, ",")
        printf "\xef\xbb\xbf"
        print "Opportunity ID,Opportunity Name,Account Name,Amount,Close Date,Stage,Probability (%),Opportunity Owner,Forecast Category,Type,Lead Source,Next Step,Created Date\r"
        for (i = 1; i <= rows; i++) {
            s = st[(i * 7) % 10 + 1]
            amount = 10000 + (i * 7919) % 2000000
            cm = (i % 12) + 1; cd = (i % 28) + 1; cy = 2027
            if (s == "Closed Won" || s == "Closed Lost") { cy = 2025 + (i % 2); cm = (i % 10) + 1 }
            crm = (i % 9) + 1; cry = 2025
            nxt = (i % 3 == 0) ? "\"Call back, then send the quote\"" : ""
            if (newer == 1 && i % 100 == 0) {
                amount += 1000
                if (s == "Closed Won" || s == "Closed Lost") { }
                else if (i % 200 == 0) { cy = 2028 }
                else { s = (s == "Negotiation/Review") ? "Closed Won" : "Negotiation/Review"; if (s == "Closed Won") { cy = 2026; cm = 10 } }
            }
            a = int(amount / 1000); r = amount % 1000
            printf "006%012d,Opportunity %d,Account %d,\"¥%d,%03d.00\",%d/%d/%d,%s,%d,Rep %02d,Pipeline,New Business,Web,%s,%d/%d/%d\r\n",
                i, i, i % (rows / 10), a, r, cm, cd, cy, s, 10, (i % 50) + 1, nxt, crm, cd, cry
        }
    }'
}
if [ ! -s "$work/export.csv" ] || [ "$(wc -l <"$work/export.csv")" -ne $((ROWS + 1)) ]; then
    echo "writing the exports ($ROWS rows)…" >&2
    export_csv 0 >"$work/export.csv"
    export_csv 1 >"$work/newer.csv"
fi
rm -rf "$work/empty"
"$bin" init "$work/empty" >/dev/null
rm -f "$work/empty/deals/"*.toml "$work/empty/accounts/"*.toml "$work/empty/targets/"*.toml
sed -i 's/^# as_of = .*/as_of = 2026-11-15/' "$work/empty/dealbook.toml"
{
    echo '[[team]]'; echo 'id = "sales"'; echo 'name = "Sales"'
    for n in $(seq -w 1 50); do
        printf '\n[[person]]\nid = "rep-%s"\nname = "Rep %s"\nteam = "sales"\n' "$n" "$n"
    done
} >"$work/empty/team.toml"


echo "cores: $(nproc); load before: $(load_average)" >&2
# --- import into an empty pipeline -------------------------------------------
# Each run imports into a folder of its own, and the folders of an earlier
# run of this script are deleted first, then the script waits: ext4 (without
# a journal) skips the inodes freed in the last 60 s when it creates files
# (a scan for each), which would make a run right after deleting 100k files
# pay for that deletion; so it waits 65 s, as bench/history.sh does.
if compgen -G "$work/run-*" >/dev/null || compgen -G "$work/re-*" >/dev/null; then
    rm -rf "$work"/run-* "$work"/re-* "$work/imported"
    sync
    echo "waiting 65 s after deleting the previous runs' files…" >&2
    sleep 65
fi
t_import=()
for ((i = 1; i <= RUNS; i++)); do
    cp -a "$work/empty" "$work/run-$i"
    sync
    read -r t rss _ rc < <(measure "$bin" import --preset salesforce --dir "$work/run-$i" "$work/export.csv")
    t_import+=("$t")
    [ "$rc" -le 1 ] || { echo "import failed (exit $rc)" >&2; exit 1; }
done
"$bin" import --preset salesforce --dir "$work/run-1" "$work/export.csv" 2>&1 | tail -1 >&2
if ! "$bin" check "$work/run-1" >/dev/null; then
    echo "the imported pipeline has errors" >&2
    exit 1
fi
mv "$work/run-1" "$work/imported"
# The same pipeline's check, for scale.
t_check=()
for ((i = 0; i < RUNS; i++)); do
    read -r t _ _ _ < <(measure "$bin" check "$work/imported")
    t_check+=("$t")
done
# --- re-import, 1% changed -------------------------------------------------------
t_re=()
for ((i = 1; i <= RUNS; i++)); do
    cp -a "$work/imported" "$work/re-$i"
    sync
    read -r t rss_re _ rc < <(measure "$bin" import --preset salesforce --dir "$work/re-$i" "$work/newer.csv")
    t_re+=("$t")
    [ "$rc" -le 1 ] || { echo "re-import failed (exit $rc)" >&2; exit 1; }
done
"$bin" import --preset salesforce --dir "$work/re-1" "$work/newer.csv" 2>&1 | tail -1 >&2
"$bin" check "$work/re-1" >/dev/null || { echo "the re-imported pipeline has errors" >&2; exit 1; }

# --- fmt --check against check ----------------------------------------------------
gen_dir=$BENCH_DIR/100000
ensure_pipeline 100000 "$gen_dir"
fmt_dir=$BENCH_DIR/100000-formatted
if [ "$(cat "$fmt_dir/.gen-stamp" 2>/dev/null)" != "$(cat "$gen_dir/.gen-stamp")" ]; then
    rm -rf "$fmt_dir"
    cp -a "$gen_dir" "$fmt_dir"
    "$bin" fmt "$fmt_dir" >/dev/null 2>&1
fi
compare() { # $1 = folder; prints "check_median fmt_median"
    local ct=() ft=() t
    "$bin" check "$1" >/dev/null || true
    "$bin" fmt --check "$1" >/dev/null 2>&1 || true
    for ((i = 0; i < RUNS; i++)); do
        read -r t _ _ _ < <(measure "$bin" check "$1"); ct+=("$t")
        read -r t _ _ _ < <(measure "$bin" fmt --check "$1"); ft+=("$t")
    done
    echo "$(printf '%s\n' "${ct[@]}" | median) $(printf '%s\n' "${ft[@]}" | median)"
}
read -r c1 f1 < <(compare "$gen_dir")
read -r c2 f2 < <(compare "$fmt_dir")

echo "load after: $(load_average)" >&2
printf '%-44s %10s\n' "measurement" "median (s)"
printf '%-44s %10s\n' "import $ROWS rows into an empty pipeline" "$(printf '%s\n' "${t_import[@]}" | median)"
printf '%-44s %10s\n' "check of the imported pipeline" "$(printf '%s\n' "${t_check[@]}" | median)"
printf '%-44s %10s\n' "re-import, 1% of the rows changed" "$(printf '%s\n' "${t_re[@]}" | median)"
printf '%-44s %10s\n' "check, 100k deals (as generated)" "$c1"
printf '%-44s %10s   %.2fx check\n' "fmt --check, 100k deals (as generated)" "$f1" "$(awk -v a="$f1" -v b="$c1" 'BEGIN { print a / b }')"
printf '%-44s %10s\n' "check, 100k deals (formatted)" "$c2"
printf '%-44s %10s   %.2fx check\n' "fmt --check, 100k deals (formatted)" "$f2" "$(awk -v a="$f2" -v b="$c2" 'BEGIN { print a / b }')"
echo "peak memory: import $((rss / 1024)) MiB, re-import $((rss_re / 1024)) MiB"
