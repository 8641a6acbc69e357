#!/usr/bin/env bash
# Pre-commit hook latency: wall time of `hoist scan --staged`, process start to exit, for a typical
# commit (5 files, ~200 changed lines: 3 edited source files, 2 new config files) inside a large
# repository (several thousand files copied from ~/.cargo/registry/src, committed once).
#
#   benches/hook.sh                 # builds --release, makes the repo in a temp dir, measures
#   HOIST_BIN=path/to/hoist benches/hook.sh   # measure an existing binary
#   BENCH_FILES=8000 BENCH_RUNS=50 benches/hook.sh
#   BENCH_FILES=20000 BENCH_LARGE=1 benches/hook.sh   # also a 1,000-file / 100k-line commit
# The repository takes files from ~/.cargo/registry/src, then (when more are wanted than it holds)
# from the Python bench tree of benches/trees.sh.
#
# Uses hyperfine when installed (apt install hyperfine), else a loop timed with `date +%s%N`.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${BENCH_FILES:-6000}
RUNS=${BENCH_RUNS:-40}
SRC=${BENCH_SRC:-$HOME/.cargo/registry/src}
EXTRA=${BENCH_EXTRA:-$HOME/.cache/hoist/bench/python}

if [ -z "${HOIST_BIN:-}" ]; then
  cargo build --release --quiet --bin hoist
  HOIST_BIN="${CARGO_TARGET_DIR:-target}/release/hoist"
fi
HOIST_BIN=$(realpath "$HOIST_BIN")
[ -d "$SRC" ] || { echo "benches/hook.sh: no source tree at $SRC (set BENCH_SRC)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# BENCH_REPO=DIR keeps the large repository there (and reuses it on the next run: profiling).
REPO="${BENCH_REPO:-$WORK/repo}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
if [ -d "$REPO/.git" ]; then
  git -C "$REPO" reset -q --hard main && git -C "$REPO" clean -qfdx
else
mkdir -p "$REPO"

# The large repository: the first $FILES regular files under $SRC (sorted, so runs compare).
(cd "$SRC" && find . -type f -size -256k -not -path '*/.git/*' | LC_ALL=C sort > "$WORK/all")
(cd "$SRC" && sed -n "1,${FILES}p" "$WORK/all" | tr '\n' '\0' | xargs -0 cp --parents -t "$REPO")
have=$(wc -l < "$WORK/all")
if [ "$have" -lt "$FILES" ] && [ -d "$EXTRA" ]; then
  mkdir -p "$REPO/extra"
  (cd "$EXTRA" && find . -type f -size -256k -not -path '*/.git/*' | LC_ALL=C sort | sed -n "1,$((FILES - have))p" |
    tr '\n' '\0' | xargs -0 cp --parents -t "$REPO/extra")
fi
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "large tree"
fi
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
    hyperfine --style basic --warmup 3 --runs "$RUNS" -i -N --command-name "$name" \
      --export-json "$WORK/h.json" "$*" 2>&1 | grep -E "Benchmark|Time|Range" | sed 's/^/  /'
    # The targets are medians: hyperfine prints mean and range only.
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("  median %.1f ms" % (r["median"]*1000))' "$WORK/h.json"
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

if [ -n "${BENCH_LARGE:-}" ]; then
  # A large commit: 1,000 new files of 100 lines each (Python, YAML, JSON, JavaScript, Rust), no secret.
  git -C "$REPO" reset -q --hard
  python3 - "$REPO/bulk" <<'PY'
import os, sys
root = sys.argv[1]
kinds = {
    "py": lambda i: f"value_{i} = compute({i}, name='item {i}')  # ordinary code",
    "yaml": lambda i: f"setting_{i}: value-{i}  # ordinary configuration",
    "json": lambda i: f'  "field_{i}": "value {i}",',
    "js": lambda i: f"const value{i} = compute({i}, 'item {i}');",
    "rs": lambda i: f"    let value_{i} = compute({i}, \"item {i}\");",
}
for n in range(1000):
    ext = list(kinds)[n % len(kinds)]
    d = os.path.join(root, f"m{n // 100}")
    os.makedirs(d, exist_ok=True)
    lines = [kinds[ext](i) for i in range(100)]
    if ext == "json":
        lines = ["{"] + lines[:-1] + [lines[-1].rstrip(",")] + ["}"]
    with open(os.path.join(d, f"f{n}.{ext}"), "w") as f:
        f.write("\n".join(lines) + "\n")
PY
  git -C "$REPO" add -A
  echo "large commit: $(git -C "$REPO" diff --cached --shortstat)"
  measure "git diff --cached, 1,000 files (git's patch)" git diff --cached --raw -z -p -U0 --no-color
  # What the hook reads of git for a commit adding many files (hoist::hook::staged::MANY_ADDED): the raw
  # records; the added files' bytes come from the work tree, checked against their blob ids.
  measure "git diff --cached --raw, 1,000 files (floor)" git diff --cached --raw -z -M --no-color
  measure "hoist scan --staged (1,000 files / 100k lines)" "$HOIST_BIN" scan --staged
fi
