#!/usr/bin/env bash
# Scan time of one large literal per format (Python list/dict/call/tuple, JS array, Go and Java array
# initialisers, JSON array/object, YAML list/map, HCL list, XML elements) at 1k, 5k, 10k, 20k and 40k
# elements: every curve must be linear. Each cell is the best of RUNS runs of `hoist scan` over a
# directory holding only that file (process start to exit, so ~start-up is included).
#
#   benches/curves.sh [HOIST_BIN]        # default: builds --release
#   SIZES="1000 40000" RUNS=5 benches/curves.sh /tmp/hoist-base
#
# Prints a markdown table: milliseconds per size, and the 40k/5k ratio (8 = linear, 64 = quadratic).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 5000 10000 20000 40000"}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-60}
if [ -n "${1:-}" ]; then
  BIN=$(realpath "$1")
else
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hoist/target}"
  cargo build --release --quiet
  BIN="$CARGO_TARGET_DIR/release/hoist"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for n in $SIZES; do python3 benches/gen_literals.py "$WORK/$n" "$n"; done

# Best wall time in ms of scanning the one file $1/$2 (a copy alone in a directory), or ">TIMEOUT".
best() {
  local dir="$WORK/run" b="" t0 t1 ms
  rm -rf "$dir"; mkdir -p "$dir"; cp "$1" "$dir/"
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    timeout "$TIMEOUT" "$BIN" scan --format json "$dir" > /dev/null 2>&1
    rc=$?
    t1=$(date +%s%N)
    [ "$rc" -eq 124 ] && { echo ">${TIMEOUT}000"; return; }
    ms=$(((t1 - t0) / 1000000))
    if [ -z "$b" ] || [ "$ms" -lt "$b" ]; then b=$ms; fi
  done
  echo "$b"
}

set +e
printf '| file |'; for n in $SIZES; do printf ' %s |' "$n"; done; echo ' last/5k |'
printf '|---|'; for _ in $SIZES; do printf -- '---|'; done; echo '---|'
for f in $(ls "$WORK/$(echo $SIZES | cut -d' ' -f1)"); do
  printf '| %s |' "$f"
  first5="" last=""
  for n in $SIZES; do
    ms=$(best "$WORK/$n/$f")
    printf ' %s |' "$ms"
    [ "$n" = 5000 ] && first5=$ms
    last=$ms
  done
  if [ -n "$first5" ] && [[ "$first5" =~ ^[0-9]+$ ]] && [[ "$last" =~ ^[0-9]+$ ]] && [ "$first5" -gt 0 ]; then
    awk -v a="$last" -v b="$first5" 'BEGIN{printf " %.1f |\n", a/b}'
  else
    echo ' – |'
  fi
done
