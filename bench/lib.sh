# bench/lib.sh — shell functions the bench scripts share (sourced, not run):
# finding the repository and the release binaries, generating a synthetic
# pipeline once per size and generator source, and timing a command with
# its peak memory and CPU use.
#
# Usage, from a script in bench/:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Sourcing it changes to the repository's root and sets $repo_root and
# $gen_hash (the first 16 hex digits of the SHA-256 of examples/gen.rs).

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
gen_hash=$(sha256sum examples/gen.rs | cut -c1-16)

# Installs GNU time when /usr/bin/time is missing (max RSS and CPU come
# from it).
need_gnu_time() {
    if [ ! -x /usr/bin/time ]; then
        echo "installing GNU time (for max RSS)…" >&2
        apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null
    fi
}

# Builds the release binary and the examples named, e.g.
# `build_release --example gen`; sets $target (cargo's target folder), $bin
# (the dealbook binary) and $gen_bin (the `gen` example).
build_release() {
    echo "building (release)…" >&2
    cargo build --release --quiet --bin dealbook "$@"
    target=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    target=${target:-$repo_root/target}
    bin=$target/release/dealbook
    gen_bin=$target/release/examples/gen
}

# Generates a pipeline of $1 deals into the folder $2 with the `gen`
# example, unless the folder already holds one written by the same
# generator source for that size (its stamp file .gen-stamp says so).
ensure_pipeline() {
    local size=$1 dir=$2
    local stamp="deals=$size gen=$gen_hash"
    if [ "$(cat "$dir/.gen-stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "generating $size deals into $dir…" >&2
        "$gen_bin" --force --deals "$size" "$dir" >&2
        echo "$stamp" >"$dir/.gen-stamp"
    else
        echo "reusing $dir" >&2
    fi
}

# Runs "$@" once, its output discarded; prints "wall_seconds max_rss_kb
# cpu_percent exit_status". Wall time is taken with `date +%s%N` around the
# run (the `time` wrapper costs well under a millisecond); GNU time reports
# the command's own exit status (1 from `check` means errors).
measure() {
    local tf t0 t1 rc=0 rss cpu
    tf=$(mktemp)
    t0=$(date +%s%N)
    /usr/bin/time -o "$tf" -f '%M %P' "$@" >/dev/null 2>&1 || rc=$?
    t1=$(date +%s%N)
    read -r rss cpu <"$tf"
    rm -f "$tf"
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }') $rss ${cpu%\%} $rc"
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The largest of the numbers on stdin, one a line.
maximum() { sort -n | tail -1; }

# The first three load averages.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
