#!/usr/bin/env bash
# Pre-commit hook latency: wall time of `hoist scan --staged`, process start to exit, for a typical
# commit (5 files, ~200 changed lines: 3 edited source files, 2 new config files) inside a large
# repository (several thousand files copied from ~/.cargo/registry/src, committed once).
#
#   benches/hook.sh                 # builds --release, makes the repo in a temp dir, measures
#   HOIST_BIN=path/to/hoist benches/hook.sh   # measure an existing binary
#   BENCH_FILES=8000 BENCH_RUNS=50 benches/hook.sh
#
# Uses hyperfine when installed (apt install hyperfine), else a loop timed with `date +%s%N`.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${BENCH_FILES:-6000}
RUNS=${BENCH_RUNS:-40}
SRC=${BENCH_SRC:-$HOME/.cargo/registry/src}

if [ -z "${HOIST_BIN:-}" ]; then
  cargo build --release --quiet --bin hoist
  HOIST_BIN="${CARGO_TARGET_DIR:-target}/release/hoist"
fi
HOIST_BIN=$(realpath "$HOIST_BIN")
[ -d "$SRC" ] || { echo "benches/hook.sh: no source tree at $SRC (set BENCH_SRC)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
REPO="$WORK/repo"
mkdir -p "$REPO"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid

# The large repository: the first $FILES regular files under $SRC (sorted, so runs compare).
(cd "$SRC" && find . -type f -size -256k -not -path '*/.git/*' | LC_ALL=C sort > "$WORK/all")
(cd "$SRC" && sed -n "1,${FILES}p" "$WORK/all" | tr '\n' '\0' | xargs -0 cp --parents -t "$REPO")
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "large tree"
echo "repository: $(git -C "$REPO" ls-files | wc -l) files, $(du -sh --exclude=.git "$REPO" | cut -f1)"

# The typical commit: 40 new lines in the middle of three existing .rs files, two new files of 40
# lines. No secret in it (the common case); a second run adds one to time the blocking path.
mapfile -t victims < <(git -C "$REPO" ls-files '*.rs' | awk 'NR % 97 == 0' | head -n 3)
for f in "${victims[@]}"; do
  python3 - "$REPO/$f" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8", errors="surrogateescape").read().split("\n")
mid = len(lines) // 2
new = [f"// bench: inserted line {i} with some ordinary code-like text = {i * 7};" for i in range(40)]
open(p, "w", encoding="utf-8", errors="surrogateescape").write("\n".join(lines[:mid] + new + lines[mid:]))
PY
done
mkdir -p "$REPO/deploy"
for i in $(seq 1 40); do echo "setting_$i: value-$i  # ordinary configuration"; done > "$REPO/deploy/app.yaml"
for i in $(seq 1 40); do echo "OPTION_$i = 'option number $i'"; done > "$REPO/deploy/settings.py"
git -C "$REPO" add -A
echo "commit: $(git -C "$REPO" diff --cached --shortstat)"

cd "$REPO"
"$HOIST_BIN" scan --staged > /dev/null || { echo "benches/hook.sh: clean commit did not pass" >&2; exit 1; }

measure() { # name command...
  local name=$1; shift
  if command -v hyperfine > /dev/null; then
    hyperfine --style basic --warmup 3 --runs "$RUNS" -i -N --command-name "$name" "$*" 2>&1 |
      grep -E "Benchmark|Time|Range" | sed 's/^/  /'
  else
    local times=() t0 t1
    for _ in $(seq 1 "$RUNS"); do
      t0=$(date +%s%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s%N)
      times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" '{a[NR]=$1; s+=$1} END {
      printf "  %s: median %.1f ms, mean %.1f ms, min %.1f ms, max %.1f ms (%d runs)\n",
        n, a[int((NR+1)/2)]/1000, s/NR/1000, a[1]/1000, a[NR]/1000, NR }'
  fi
}

echo "hoist: $HOIST_BIN ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
measure "git diff --cached (floor: git alone)" git diff --cached --raw -z -p -U0 --no-color
measure "hoist scan --staged (clean commit)" "$HOIST_BIN" scan --staged
measure "hoist scan --staged --rules-only" "$HOIST_BIN" scan --staged --rules-only
echo "AWS_ACCESS_KEY_ID = \"AKIAZ4W3QX7LJ2M5NB6R\"" >> "$REPO/deploy/settings.py"
git -C "$REPO" add -A
measure "hoist scan --staged (blocked: one secret)" "$HOIST_BIN" scan --staged
