#!/usr/bin/env bash
# hoist vs Kingfisher vs ripgrep on four trees, each with and without --include-vendored: runs the
# three tools in turn (alternating, RUNS rounds), prints one markdown row per tree and mode (median
# wall seconds, ratios, peak RSS) and the 10 slowest files of hoist per tree with their ms/MB.
#
#   benches/trees.sh                                  # once: builds the trees, installs the tools
#   HOIST_BIN=/tmp/hoist-perf benches/compare.sh      # all trees, both modes, RUNS=3
#   TREES="python js" MODES=default RUNS=1 benches/compare.sh
#
# Commands timed (GNU time, stdout to /dev/null):
#   hoist scan TREE --format json [--include-vendored]
#   kingfisher scan TREE --no-validate --no-update-check --format json
#   rg -i -F -c -e password -e passwd -e secret -e token -e api_key -e apikey -e credential TREE
# Kingfisher and rg have no vendored mode: they run the same command in both rows (timed again, so
# each row's three figures come from the same minutes of machine load).
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-$HOME/.cache/hoist/bench}
RUNS=${RUNS:-3}
TREES=${TREES:-cargo python js config}
MODES=${MODES:-default vendored}
KINGFISHER=${KINGFISHER:-$BENCH_DIR/kf/bin/kingfisher}
if [ -z "${HOIST_BIN:-}" ]; then
  cargo build --release --quiet --bin hoist
  HOIST_BIN="${CARGO_TARGET_DIR:-target}/release/hoist"
fi
HOIST_BIN=$(realpath "$HOIST_BIN")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

tree_dir() {
  case $1 in
    cargo) ls -d "$HOME"/.cargo/registry/src/*/ | head -n 1 ;;
    *) echo "$BENCH_DIR/$1" ;;
  esac
}

# run NAME CMD... → appends "wall rss_kb" to $OUT/NAME
run() {
  local name=$1; shift
  /usr/bin/time -o "$OUT/t" -f "%e %M" "$@" > /dev/null 2> "$OUT/err" || true
  # (GNU time adds a "Command exited with non-zero status" line: hoist and Kingfisher exit 1/200
  # when they find something.)
  grep -v '^Command' "$OUT/t" >> "$OUT/$name"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
maxcol() { awk -v c="$1" '$c > m {m = $c} END {print m}'; }

echo "hoist: $HOIST_BIN; $("$KINGFISHER" --version 2>&1 | head -n 1); $(rg --version | head -n 1)"
echo "machine: $(nproc) cores, load at start $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M) UTC, RUNS=$RUNS"
echo
echo "| tree | mode | scanned | hoist s | Kingfisher s | rg s | hoist/KF | hoist/rg | RSS MB hoist / KF / rg |"
echo "|---|---|---|---|---|---|---|---|---|"
for tree in $TREES; do
  dir=$(tree_dir "$tree")
  [ -d "$dir" ] || { echo "benches/compare.sh: no tree $dir (run benches/trees.sh)" >&2; continue; }
  # Untimed warm-up: read every file once, so the first tool timed on a tree doesn't pay for the
  # disk (hoist runs first in each round; a cold Python tree made its default row 3x its vendored one).
  rg -uuu -c -F -e password "$dir" >/dev/null 2>&1 || true
  for mode in $MODES; do
    flags=(--format json)
    [ "$mode" = vendored ] && flags+=(--include-vendored)
    rm -f "$OUT/hoist" "$OUT/kf" "$OUT/rg"
    for _ in $(seq 1 "$RUNS"); do
      run hoist "$HOIST_BIN" scan "$dir" "${flags[@]}"
      scanned=$(grep -o 'scanned [0-9]* file(s), [0-9.]* [KMG]B' "$OUT/err" | head -n 1 | sed 's/scanned //')
      run kf "$KINGFISHER" scan "$dir" --no-validate --no-update-check --format json
      run rg rg -i -F -c -e password -e passwd -e secret -e token -e api_key -e apikey -e credential "$dir"
    done
    h=$(cut -d' ' -f1 "$OUT/hoist" | median)
    k=$(cut -d' ' -f1 "$OUT/kf" | median)
    r=$(cut -d' ' -f1 "$OUT/rg" | median)
    rss() { maxcol 2 < "$OUT/$1" | awk '{printf "%.0f", $1 / 1024}'; }
    printf '| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.1f | %s / %s / %s |\n' "$tree" "$mode" "$scanned" \
      "$h" "$k" "$r" "$(echo "$h $k" | awk '{print $1 / $2}')" "$(echo "$h $r" | awk '{print $1 / $2}')" \
      "$(rss hoist)" "$(rss kf)" "$(rss rg)"
  done
done

echo
echo "Slowest files (hoist, --include-vendored, HOIST_BENCH_TIMINGS; ms wall inside the scan, one run):"
for tree in $TREES; do
  dir=$(tree_dir "$tree")
  [ -d "$dir" ] || continue
  HOIST_BENCH_TIMINGS="$OUT/times" "$HOIST_BIN" scan "$dir" --format json --include-vendored > /dev/null 2>&1 || true
  echo
  echo "$tree:"
  echo
  echo "| ms | KB | ms/MB | file |"
  echo "|---|---|---|---|"
  # (awk, not head: with pipefail, sort killed by SIGPIPE ended the script after the first tree.)
  sort -rn "$OUT/times" | awk "NR <= 10" |
    awk -F'\t' '{printf "| %.1f | %.0f | %.1f | %s |\n", $1 / 1000, $2 / 1024, ($2 > 0 ? $1 / 1000 / ($2 / 1e6) : 0), $3}'
  awk -F'\t' '$2 >= 65536 {r = $1 / 1000 / ($2 / 1e6); if (r > m) {m = r; f = $3}} END {
    printf "\nworst ms/MB among files of 64 KB or more: %.1f (%s)\n", m, f }' "$OUT/times"
done
