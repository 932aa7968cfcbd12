#!/usr/bin/env bash
# Build benchmark: generates N synthetic pages (default 10,000) and times `oyako build` on
# them with a release binary. Prints wall time and peak RSS of each run.
# usage: tests/bench/build.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
python3 tests/bench/gen_content.py "$n" "$work/content"
cargo build --release --quiet --bin oyako
for i in $(seq "$runs"); do
  /usr/bin/time -f "run $i: %e s wall, %M KiB peak RSS" \
    ./target/release/oyako build --content "$work/content" --out "$work/dist" --today 2026-11-27 2>&1 |
    grep -E '^(run|書き出し)'
done
du -b "$work/dist/bundle.json" "$work/dist/replies.lz4"
