#!/usr/bin/env bash
# Builds the benchmark trees and tools from package registries only (PyPI, npm, Debian), so any machine
# can reproduce benches/compare.sh offline afterwards. Idempotent: what exists is kept.
#
#   benches/trees.sh            # into $BENCH_DIR (default ~/.cache/hoist/bench)
#
# Trees:
#   cargo   ~/.cargo/registry/src/<index>  (already on every Rust machine)
#   python  pip install --target of a pinned set: moto[server] boto3 awscli sympy pygments django
#   js      npm install of a pinned set: typescript aws-sdk webpack @babel/core lodash react-dom
#   config  botocore/data (JSON service models, from the python tree) + ../shared/corpora
# Tools: Kingfisher (PyPI kingfisher-bin) in a venv, ripgrep and GNU time from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-$HOME/.cache/hoist/bench}
PY=${BENCH_PYTHON:-python3}
mkdir -p "$BENCH_DIR"

# Pinned versions (django 5.2 is the newest line that installs on Python 3.11).
PY_SET=(moto[server]==5.2.5 boto3==1.44.8 awscli==1.46.3 sympy==1.14.0 pygments==2.21.0 django==5.2.8)
JS_SET=(typescript@5.9.3 aws-sdk@2.1693.0 webpack@5.102.1 @babel/core@7.28.5 lodash@4.17.21 react-dom@19.2.0)
KINGFISHER=kingfisher-bin==2.14.0

need_apt=()
command -v rg > /dev/null || need_apt+=(ripgrep)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -q > /dev/null && apt-get install -y -q "${need_apt[@]}" > /dev/null
fi

if [ ! -x "$BENCH_DIR/kf/bin/kingfisher" ]; then
  "$PY" -m venv "$BENCH_DIR/kf"
  "$BENCH_DIR/kf/bin/pip" install -q "$KINGFISHER"
fi

if [ ! -f "$BENCH_DIR/python/.done" ]; then
  rm -rf "$BENCH_DIR/python"
  "$PY" -m pip install -q --no-compile --target "$BENCH_DIR/python" "${PY_SET[@]}"
  touch "$BENCH_DIR/python/.done"
fi

if [ ! -f "$BENCH_DIR/js/.done" ]; then
  rm -rf "$BENCH_DIR/js"
  mkdir -p "$BENCH_DIR/js"
  (cd "$BENCH_DIR/js" && echo '{"name":"bench","version":"1.0.0","private":true}' > package.json &&
    npm install --silent --no-audit --no-fund "${JS_SET[@]}" > /dev/null)
  touch "$BENCH_DIR/js/.done"
fi

if [ ! -f "$BENCH_DIR/config/.done" ]; then
  rm -rf "$BENCH_DIR/config"
  mkdir -p "$BENCH_DIR/config"
  cp -r "$BENCH_DIR/python/botocore/data" "$BENCH_DIR/config/botocore-data"
  if [ -d ../shared/corpora ]; then cp -r ../shared/corpora "$BENCH_DIR/config/corpora"; fi
  touch "$BENCH_DIR/config/.done"
fi

for t in python js config; do
  echo "$t: $(du -sh "$BENCH_DIR/$t" | cut -f1), $(find "$BENCH_DIR/$t" -type f | wc -l) files"
done
echo "kingfisher: $("$BENCH_DIR/kf/bin/kingfisher" --version 2>&1 | head -n 1)"
echo "rg: $(rg --version | head -n 1)"
