#!/usr/bin/env bash
# bench/history.sh — how fast is `dealbook history`, and what does the
# history add to `dealbook build`?
#
# Usage:  bench/history.sh             (from anywhere inside the repository)
#
# What it does, per size in $SIZES:
#   1. builds the release binary and the `gen` example;
#   2. generates a synthetic pipeline of that many deals as a git
#      repository (examples/gen.rs --git-weeks $WEEKS --git-changes
#      $CHANGES: the pipeline, then $WEEKS weekly commits each changing
#      $CHANGES deals; packed) under $BENCH_DIR/history-<deals>/, once per
#      generator source;
#   3. runs `dealbook history --timings` once and prints what it read: the
#      commits, the distinct blobs read from git and the file versions
#      parsed (each distinct blob once per path), the snapshots taken, and
#      where the time went;
#   4. times, in rounds of a rotating order after a warm-up:
#        dealbook history                (tables; every weekly snapshot)
#        dealbook build                  (with the history)
#        dealbook build --no-history
#      and prints the median wall time, CPU use (user+sys over wall, 200% =
#      both cores) and peak memory of each, and build's ratio with and
#      without the history: of the medians, and round by round (the median
#      of each round's ratio of wall time, and of CPU time).
#
# Environment:
#   RUNS=5          timed runs per command (median of these)
#   SIZES=10000     sizes to measure ("10000 100000" for both)
#   WEEKS=104       weekly commits after the first
#   CHANGES=100     deals changed per commit
#   BENCH_DIR=/tmp/dealbook-bench
#   SITE_DIR=$BENCH_DIR/history-<deals>/site   where the builds write: each
#                   run into a folder of its own, $SITE_DIR-<run>-<command>
#                   (e.g. SITE_DIR=/dev/shm/dbsite/site, a tmpfs, to time
#                   dealbook without the file system's cost of creating
#                   11k files)
#
# The goals (issue "History from git"): history under 3 s and build with
# history at most 1.3x the build without, at 10k deals. The load average
# is printed before and after: measure on a quiet machine (load < 1).
#
# No site is deleted while the runs are timed (those of an earlier run of
# the script are deleted first, then it waits 65 s): ext4 skips the inodes
# freed in the last 60 s when it creates files (`recently_deleted`, a scan
# for each file), which made a build right after deleting the previous
# build's 11k files pay up to 1.5 s for it. Each site is instead written
# out and dropped from the page cache once timed (python3's
# posix_fadvise; skipped without python3), so that the sites (300 MB each
# at 10k deals) do not fill the memory and make later builds pay for its
# reclaim. On a tmpfs each site is simply deleted once timed.
set -euo pipefail

RUNS=${RUNS:-5}
SIZES=${SIZES:-10000}
WEEKS=${WEEKS:-104}
CHANGES=${CHANGES:-100}
BENCH_DIR=${BENCH_DIR:-/tmp/dealbook-bench}

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_gnu_time
build_release --example gen

summary=()
for deals in $SIZES; do
    work=$BENCH_DIR/history-$deals
    repo=$work/repo
    stamp="deals=$deals weeks=$WEEKS changes=$CHANGES gen=$gen_hash"
    if [ "$(cat "$work/stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "generating $deals deals and $WEEKS weekly commits into $repo…" >&2
        rm -rf "$work"
        mkdir -p "$work"
        "$gen_bin" --deals "$deals" --git-weeks "$WEEKS" --git-changes "$CHANGES" "$repo" >&2
        echo "$stamp" >"$work/stamp"
    else
        echo "reusing $repo" >&2
    fi
    cd "$repo"
    git diff --quiet HEAD || { echo "$repo has uncommitted changes" >&2; exit 1; }
    site=${SITE_DIR:-$work/site}
    mkdir -p "$(dirname "$site")"
    [ "$(stat -f -c %T "$(dirname "$site")")" = tmpfs ] && on_tmpfs=1 || on_tmpfs=0
    # A timed site: deleted on a tmpfs; elsewhere kept, written out and
    # dropped from the page cache.
    settle() {
        if [ "$on_tmpfs" = 1 ]; then
            rm -rf "$1"
        else
            sync
            command -v python3 >/dev/null && python3 -c '
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        fd = os.open(os.path.join(root, f), os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
' "$1"
        fi
    }
    if compgen -G "$site-*" >/dev/null || [ -e "$site" ]; then
        rm -rf "$site" "$site"-*
        sync
        if [ "$on_tmpfs" = 0 ]; then
            echo "waiting 65 s after deleting the previous runs' sites…" >&2
            sleep 65
        fi
    fi
    echo "== $deals deals: what dealbook history reads" >&2
    "$bin" history . --timings 2>&1 >/dev/null | sed 's/^/   /' >&2
    echo "cores: $(nproc); load before: $(load_average)" >&2
    names=("history" "build (history)" "build --no-history")
    # The builds' output folder is appended to the command for each run.
    cmds=("$bin history ." "$bin build . --output" "$bin build . --no-history --output")
    n=${#cmds[@]}
    out_of() { # the site folder of run $1 of command $2 (none for history)
        if [ "$2" = 0 ]; then echo ""; else echo "$site-$1-$2"; fi
    }
    for c in "${!cmds[@]}"; do
        # shellcheck disable=SC2086 # the command is split on purpose
        measure ${cmds[$c]} $(out_of warm "$c") >/dev/null # warm-up
        if [ "$c" != 0 ]; then settle "$(out_of warm "$c")"; fi
    done
    declare -a ts=() rs=() cs=()
    for ((i = 0; i < RUNS; i++)); do
        for ((k = 0; k < n; k++)); do
            c=$(((i + k) % n))
            # shellcheck disable=SC2086
            read -r t r p rc < <(measure ${cmds[$c]} $(out_of "$i" "$c"))
            if [ "$c" != 0 ]; then settle "$(out_of "$i" "$c")"; fi
            [ "$rc" = 0 ] || { echo "${names[$c]} exited $rc" >&2; exit 1; }
            ts[c]+="$t " rs[c]+="$r " cs[c]+="$p "
        done
        echo "  run $((i + 1))/$RUNS: load $(cut -d' ' -f1 /proc/loadavg)" >&2
    done
    declare -a med=()
    for c in "${!cmds[@]}"; do
        echo "  ${names[$c]}: ${ts[c]}" >&2
        # shellcheck disable=SC2086
        med[c]=$(printf '%s\n' ${ts[c]} | median)
        # shellcheck disable=SC2086
        summary+=("$(printf '%-8s %-20s %9.3f %8s%% %9.0f' "$deals" "${names[$c]}" "${med[c]}" \
            "$(printf '%s\n' ${cs[c]} | median)" "$(($(printf '%s\n' ${rs[c]} | maximum) / 1024))")")
    done
    summary+=("$(printf '%-8s %-20s %9s' "$deals" "build ratio" \
        "$(awk -v a="${med[1]}" -v b="${med[2]}" 'BEGIN { printf "%.2fx", a / b }')")")
    # The same ratio run by run (the two builds of a round run one after
    # the other, so a slow spell of the machine hits both), and that of
    # their CPU time (user + sys: what the builds do, whatever the wall
    # clock loses to other guests of the host).
    # shellcheck disable=SC2086
    rounds=$(paste <(printf '%s\n' ${ts[1]}) <(printf '%s\n' ${cs[1]}) \
        <(printf '%s\n' ${ts[2]}) <(printf '%s\n' ${cs[2]}))
    wall_r=$(awk '{ printf "%.4f\n", $1 / $3 }' <<<"$rounds")
    cpu_r=$(awk '{ printf "%.4f\n", ($1 * $2) / ($3 * $4) }' <<<"$rounds")
    echo "  build ratio by round: $(tr '\n' ' ' <<<"$wall_r")" >&2
    echo "  CPU time ratio by round: $(tr '\n' ' ' <<<"$cpu_r")" >&2
    summary+=("$(printf '%-8s %-20s %9s %9s' "$deals" "  round by round" \
        "$(median <<<"$wall_r" | awk '{ printf "%.2fx", $1 }')" \
        "$(median <<<"$cpu_r" | awk '{ printf "%.2fx", $1 }')")")
    cd "$repo_root"
done
echo
printf '%-8s %-20s %9s %9s %9s\n' deals command "wall (s)" CPU MiB
printf '%s\n' "${summary[@]}"
echo
echo "median of $RUNS runs, warm cache; max RSS over the runs; $(nproc) cores; load after: $(load_average)"
echo "build ratio: of the medians; round by round: the median of each round's ratio, of wall and of CPU time"
