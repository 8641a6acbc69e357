#!/usr/bin/env bash
# Scan throughput: `hoist scan` (release build) over a large real tree that every Rust machine has, the
# cargo registry sources, with all provider rules (`--rules-only`) and with the full scan (rules plus the
# language-aware detectors). Reports, per run: MB actually scanned, wall time, MB/s, CPU seconds
# (user+sys), MB per CPU-second, and peak RSS from GNU time. Two tree sizes (about half the tree, then all
# of it) show whether memory stays flat as the tree grows.
#
#   benches/scan.sh [TREE]        # default TREE: the first directory under ~/.cargo/registry/src
#
# Prints a markdown table for benches/RESULTS.md. Each row is the best (fastest) of RUNS runs (default
# 3) after one untimed warm-up, so the page cache is warm and noise from other processes is damped.
set -euo pipefail
cd "$(dirname "$0")/.."

TREE="${1:-$(find "$HOME/.cargo/registry/src" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)}"
RUNS="${RUNS:-3}"
[ -d "$TREE" ] || { echo "no tree to scan at '$TREE'" >&2; exit 2; }

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (Debian package 'time') for peak-RSS measurement" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q time >&2; else sudo apt-get install -y -q time >&2; fi
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hoist/target}"
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/hoist"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# One measured run: prints "scanned_MB wall_s cpu_s rss_MB".
measure() {
    local log="$out/time.txt" err="$out/err.txt"
    # Exit 1 (findings) is the expected outcome on real sources; 2 would be an error.
    /usr/bin/time -v -o "$log" "$BIN" scan --format json "$@" >/dev/null 2>"$err" || [ $? -eq 1 ]
    local mb wall user sys rss
    mb=$(sed -n 's/.*scanned [0-9]* file(s), \([0-9.]*\) MB.*/\1/p' "$err")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    user=$(awk -F': ' '/User time/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$log")
    echo "$mb $wall $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}') $rss"
}

best_of() {
    "$BIN" scan --format json "$@" >/dev/null 2>&1 || true # warm-up: page cache, lazy regex compilation paths
    local best="" line
    for _ in $(seq "$RUNS"); do
        line=$(measure "$@")
        if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN{split(a,x," "); split(b,y," "); exit !(x[2]<y[2])}'; then
            best="$line"
        fi
    done
    echo "$best"
}

row() {
    local label="$1" size="$2"; shift 2
    read -r mb wall cpu rss < <(best_of "$@")
    awk -v l="$label" -v t="$size" -v mb="$mb" -v w="$wall" -v c="$cpu" -v r="$rss" \
        'BEGIN{printf "| %s | %s | %s | %.2f | %.0f | %.2f | %.0f | %s |\n", l, t, mb, w, mb/w, c, mb/c, r}'
}

echo "tree: $TREE ($(du -sh "$TREE" | cut -f1) on disk, $(find "$TREE" -type f | wc -l) files)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start; runs: best of $RUNS"
echo
echo "| mode | tree | scanned MB | wall s | MB/s | CPU s | MB per CPU-s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
# About half the tree: crates whose names start with a-k (anchored globs exclude the rest).
HALF=(-e '/[l-z]*' -e '/[L-Z]*')
row "all rules (--rules-only)" half --rules-only "${HALF[@]}" "$TREE"
row "all rules (--rules-only)" full --rules-only "$TREE"
row "full scan" half "${HALF[@]}" "$TREE"
row "full scan" full "$TREE"
