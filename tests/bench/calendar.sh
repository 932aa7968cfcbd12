#!/usr/bin/env bash
# Calendar benchmark: a realistic year (tests/bench/gen_calendar.py: 3 centres with weekly and
# monthly programmes, ~30 events a month for a year) built with a release binary. Prints per
# run the wall time, CPU time and peak RSS, then the bundle's size and how many distinct
# day-dependent replies it holds.
# usage: tests/bench/calendar.sh [RUNS] [EVENTS_PER_MONTH]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
per_month=${2:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
python3 tests/bench/gen_calendar.py "$work/content" 2026-11-27 "$per_month"
cargo build --release --quiet --bin oyako
for i in $(seq "$runs"); do
  /usr/bin/time -f "run $i: %e s wall, %U s user + %S s sys, %M KiB peak RSS" \
    ./target/release/oyako build --content "$work/content" --out "$work/dist" --today 2026-11-27 2>&1 |
    grep -E '^(run|書き出し|日付)'
done
du -b "$work/dist/bundle.json" "$work/dist/replies.lz4" "$work/dist/preview/data.js"
python3 - "$work/dist/bundle.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
c = b["calendar"]
size = lambda ids: sum(c["blobs"][i][1] for i in ids)
print(f"window {c['first_day']} + {c['days']} days; {len(c['blobs'])} distinct day replies, "
      f"{size(range(len(c['blobs']))) / 1e6:.2f} MB compressed "
      f"({sum(x[2] for x in c['blobs']) / 1e6:.1f} MB of JSON)")
rows = []
for key, runs in c["replies"].items():
    ids = {r[1] for r in runs}
    rows.append((size(ids), key, len(runs), len(ids)))
for s, key, runs, ids in sorted(rows, reverse=True)[:12]:
    print(f"  {key:28} {runs:4} runs {ids:4} distinct {s / 1e3:8.1f} kB")
PY
