#!/usr/bin/env bash
# bench/diff.sh — how fast is `dealbook diff` on a big pipeline in git?
#
# Usage:  bench/diff.sh                 (from anywhere inside the repository)
#
# What it does:
#   1. builds the release binary and the `gen` example;
#   2. generates a synthetic pipeline of $DEALS deals (examples/gen.rs) into
#      a fresh git repository under $BENCH_DIR/diff-<deals>/repo and commits
#      it (commit A);
#   3. changes 100 deals, every ($DEALS/100)th deal file in path order, in
#      turn: amount up by 10,000; close date 45 days later (open deals; the
#      amount otherwise); owner changed; file moved to deals/moved/ — and
#      commits that (commit B);
#   4. runs once to warm the page cache, then $RUNS rounds, each running
#      these three once, in a rotating order:
#        diff A B --format markdown   (two revisions read from git)
#        diff A B --format json
#        diff A                       (A from git, B = the working tree)
#      and prints the median wall time, the CPU use (user+sys over wall,
#      200% = both cores busy) and the peak resident memory of each.
#
# Wall time is taken with `date +%s%N` around each run; max RSS and CPU
# come from GNU time (installed with apt-get when /usr/bin/time is missing).
# The repository is rebuilt when examples/gen.rs or the edits change.
#
# Environment:
#   RUNS=7          timed runs per command (median of these)
#   DEALS=10000     size of the generated pipeline
#   BENCH_DIR=/tmp/dealbook-bench
#
# The goal (issue "Git review", Speed): under 2 s for 10k deals with 100
# changed. Machine load matters: the load average is printed before and
# after; measure on a quiet machine (load < 1).
set -euo pipefail

RUNS=${RUNS:-7}
DEALS=${DEALS:-10000}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_gnu_time
build_release --example gen

# Git without the host's configuration, with fixed identities and dates.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_AUTHOR_DATE=2026-11-15T10:00:00Z GIT_COMMITTER_DATE=2026-11-15T10:00:00Z

work=$BENCH_DIR/diff-$DEALS
repo=$work/repo
# Bump `edits` when the changes made for commit B below change.
stamp="deals=$DEALS gen=$gen_hash edits=2"
if [ "$(cat "$work/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "generating $DEALS deals into $repo…" >&2
    rm -rf "$work"
    mkdir -p "$work"
    "$gen_bin" --deals "$DEALS" "$repo" >&2
    git -C "$repo" init -q -b main
    git -C "$repo" add -A
    git -C "$repo" commit -q -m "A: generated pipeline"
    # 100 changed deals, spread over the pipeline.
    mapfile -t files < <(cd "$repo" && git ls-files 'deals/*.toml' | sort)
    step=$((${#files[@]} / 100))
    mapfile -t owners < <(sed -n 's/^id = "\([a-z0-9-]*-sales-[12]\)"/\1/p' "$repo/team.toml" | head -2)
    mkdir -p "$repo/deals/moved"
    for ((i = 0; i < 100; i++)); do
        f=$repo/${files[$((i * step))]}
        kind=$((i % 4))
        if [ $kind = 1 ] && grep -qE '^stage = "(won|lost)"' "$f"; then
            kind=0
        fi
        case $kind in
        0)
            # Amounts may be written 1_200_000 or 1200.50.
            awk '!done && /^amount = / { v = $3; gsub(/_/, "", v)
                    $3 = sprintf(v ~ /\./ ? "%.2f" : "%d", v + 10000); done = 1 } { print }' \
                "$f" >"$f.new" && mv "$f.new" "$f"
            ;;
        1)
            close=$(sed -n '1,/^\[\[/ s/^close = \([0-9-]*\)$/\1/p' "$f" | head -1)
            later=$(date -d "$close + 45 days" +%F)
            awk -v c="$later" '/^\[\[/ { t = 1 } !t && /^close = / { $0 = "close = " c } { print }' "$f" >"$f.new" && mv "$f.new" "$f"
            ;;
        2)
            owner=${owners[0]}
            grep -q "^owner = \"$owner\"" "$f" && owner=${owners[1]}
            sed -i "0,/^owner = .*/ s//owner = \"$owner\"/" "$f"
            ;;
        3) git -C "$repo" mv "$f" "$repo/deals/moved/" ;;
        esac
    done
    git -C "$repo" add -A
    git -C "$repo" commit -q -m "B: 100 deals changed"
    if ! "$bin" check "$repo" >/dev/null; then
        echo "dealbook check reports errors at B; the edits are broken" >&2
        exit 1
    fi
    echo "$stamp" >"$work/stamp"
else
    echo "reusing $repo" >&2
fi
git -C "$repo" diff --quiet HEAD || { echo "$repo has uncommitted changes" >&2; exit 1; }

# Every command below runs in the repository.
cd "$repo"
changed=$("$bin" diff HEAD~1 HEAD --format json | grep -c '"changes": \[' || true)
echo "deals changed between A and B according to diff: $changed" >&2
echo "cores: $(nproc); load before: $(load_average)" >&2

names=("diff A B (markdown)" "diff A B --format json" "diff A (B = working tree)")
cmds=("$bin diff HEAD~1 HEAD" "$bin diff HEAD~1 HEAD --format json" "$bin diff HEAD~1")
n=${#cmds[@]}
for c in "${!cmds[@]}"; do
    # shellcheck disable=SC2086 # the command is split on purpose
    measure ${cmds[$c]} >/dev/null # warm-up
done
# Interleaved (a different command first in each round), so that
# background load hits every command alike.
declare -a ts rs cs
for ((i = 0; i < RUNS; i++)); do
    for ((k = 0; k < n; k++)); do
        c=$(((i + k) % n))
        # shellcheck disable=SC2086
        read -r t r p rc < <(measure ${cmds[$c]})
        [ "$rc" = 0 ] || { echo "${names[$c]} exited $rc" >&2; exit 1; }
        ts[c]+="$t " rs[c]+="$r " cs[c]+="$p "
    done
    echo "  run $((i + 1))/$RUNS: load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
results=()
for c in "${!cmds[@]}"; do
    echo "  ${names[$c]}: ${ts[c]}" >&2
    # shellcheck disable=SC2086
    results+=("$(printf '%-28s %9.3f %8s%% %9.0f' "${names[$c]}" \
        "$(printf '%s\n' ${ts[c]} | median)" "$(printf '%s\n' ${cs[c]} | median)" \
        "$(($(printf '%s\n' ${rs[c]} | maximum) / 1024))")")
done
load_after=$(load_average)

echo
printf '%-28s %9s %9s %9s\n' "$DEALS deals, $changed changed" "wall (s)" CPU MiB
printf '%s\n' "${results[@]}"
echo
echo "median of $RUNS runs, warm cache; max RSS over the runs; $(nproc) cores; load after: $load_after"
