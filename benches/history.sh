#!/usr/bin/env bash
# History-scan throughput: hoist `scan --history` vs Kingfisher `--git-history full` on one
# repository with thousands of commits, built offline from this machine's cargo registry sources:
# every crate version in turn under `crates/<name>/`, committed a few files at a time (a later
# version rewrites the earlier one's files, so commits carry real modifications and deletions).
#
#   benches/history.sh                       # builds the repo in $BENCH_DIR (default /tmp/hoist-history-bench)
#   HOIST_BIN=/tmp/hoist-x KINGFISHER=/path/kingfisher benches/history.sh
#
# Needs git, python3 and GNU time; Kingfisher from PyPI (`pip install kingfisher-bin`).
set -euo pipefail
SRC=${SRC:-$(ls -d "$HOME"/.cargo/registry/src/*/ | head -1)}
BENCH_DIR=${BENCH_DIR:-/tmp/hoist-history-bench}
FILES_PER_COMMIT=${FILES_PER_COMMIT:-5}
HOIST_BIN=${HOIST_BIN:-target/release/hoist}
KINGFISHER=${KINGFISHER:-kingfisher}
RUNS=${RUNS:-1}

if [ ! -d "$BENCH_DIR/.git" ]; then
  rm -rf "$BENCH_DIR" && git init -q -b main "$BENCH_DIR"
  python3 - "$SRC" "$FILES_PER_COMMIT" <<'PY' | git -C "$BENCH_DIR" fast-import --quiet
import os, re, sys
src, per = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
def key(d):
    m = re.match(r'^(.*?)-(\d+(?:\.\d+)*.*)$', d)
    name, ver = (m.group(1), m.group(2)) if m else (d, '0')
    nums = [int(x) if x.isdigit() else 0 for x in re.split(r'[.+-]', ver)]
    return name, nums
crates = sorted((d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))), key=key)
t = 1700000000
current = {}   # crate name -> set of paths committed for it
for d in crates:
    name = key(d)[0]
    root = os.path.join(src, d)
    files = []
    for dp, dns, fns in os.walk(root):
        dns.sort()
        for f in sorted(fns):
            p = os.path.join(dp, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            files.append(os.path.relpath(p, root))
    paths = {f'crates/{name}/{f}' for f in files}
    stale = sorted(current.get(name, set()) - paths)
    current[name] = paths
    chunks = [files[i:i + per] for i in range(0, len(files), per)] or [[]]
    for n, chunk in enumerate(chunks):
        t += 60
        msg = f'{d}: files {n * per + 1}-{n * per + len(chunk)}\n'.encode()
        out.write(b'commit refs/heads/main\n')
        out.write(f'committer Bench <bench@example.invalid> {t} +0000\n'.encode())
        out.write(b'data %d\n' % len(msg) + msg)
        if n == len(chunks) - 1:
            for p in stale:
                out.write(f'D {p}\n'.encode())
        for f in chunk:
            data = open(os.path.join(root, f), 'rb').read()
            out.write(f'M 100644 inline crates/{name}/{f}\n'.encode())
            out.write(b'data %d\n' % len(data) + data + b'\n')
PY
  git -C "$BENCH_DIR" reset -q --hard main
fi
echo "repo: $BENCH_DIR: $(git -C "$BENCH_DIR" rev-list --count HEAD) commits, $(git -C "$BENCH_DIR" count-objects -vH | grep size-pack)"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "hoist: %e s wall, %U s user, %S s sys, %M KB peak" \
    "$HOIST_BIN" scan "$BENCH_DIR" --history --format json >/tmp/hoist-history-bench.json 2>/tmp/hoist-history-bench.err || true
  tail -3 /tmp/hoist-history-bench.err
  /usr/bin/time -f "kingfisher: %e s wall, %U s user, %S s sys, %M KB peak" \
    "$KINGFISHER" --no-update-check scan "$BENCH_DIR" --git-history full --no-validate --format json \
    >/tmp/kingfisher-history-bench.json 2>/tmp/kingfisher-history-bench.err || true
  tail -2 /tmp/kingfisher-history-bench.err
done
