#!/usr/bin/env bash
# Alternates binaries (hoist scan --staged in $REPO): ROUNDS rounds; in each, per binary, RUNS timed runs
# (wall, date +%s%N as benches/hook.sh) then `perf stat -r RUNS` (CPU ms of the process tree, task-clock).
# Prints per binary the median wall ms over all runs and the median of the rounds' mean CPU ms.
set -euo pipefail
REPO=${REPO:?set REPO to a benches/hook.sh repository (BENCH_REPO)}
ROUNDS=${ROUNDS:-4}; RUNS=${RUNS:-10}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
cd "$REPO"
declare -A W C
for r in $(seq 1 "$ROUNDS"); do
  for b in "$@"; do
    for _ in $(seq 1 "$RUNS"); do
      t0=$(date +%s%N); "$b" scan --staged > /dev/null 2>&1 || true; t1=$(date +%s%N)
      W[$b]+="$(((t1 - t0) / 1000)) "
    done
    c=$(perf stat -r "$RUNS" -x, -e task-clock "$b" scan --staged 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    C[$b]+="$c "
  done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "$@"; do
  w=$(printf '%s\n' ${W[$b]} | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')
  c=$(printf '%s\n' ${C[$b]} | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}')
  echo "$b: median wall $w ms, cpu $c ms (rounds' means: ${C[$b]})"
done
