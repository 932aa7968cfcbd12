#!/usr/bin/env bash
# Build benchmark: generates N synthetic pages (default 10,000) and builds them, side by side
# in one run, with
#   - the release `oyako` of this checkout ("new"),
#   - optionally another `oyako` binary ("old", e.g. one built from main), alternating with new,
#   - Debian's `hugo` on the same files (minimal config and templates in tests/bench/hugo/).
# Each run is timed with /usr/bin/time (wall, user+sys CPU, peak RSS); the script prints every
# run and the medians, and the SHA-256 of each oyako's bundle (bundle.json, replies.lz4) and
# preview, so a change that should not alter the output can be checked on 10,000 pages.
# usage: tests/bench/build.sh [N] [RUNS] [OLD_OYAKO]
# No figure is asserted: the machine is shared, compare within one run (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
runs=${2:-5}
old=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

need=()
[ -x /usr/bin/time ] || need+=(time)
command -v hugo >/dev/null || need+=(hugo)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 tests/bench/gen_content.py "$n" "$work/content"
cargo build --release --quiet --bin oyako
cp target/release/oyako "$work/oyako-new"
[ -n "$old" ] && cp "$old" "$work/oyako-old"

# Prints "wall user+sys rss_kib" of one run of "$@" into $work/times.
timed() {
  local label=$1
  shift
  /usr/bin/time -o "$work/t" -f "%e %U %S %M" "$@" >/dev/null 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  read -r wall user sys rss <"$work/t"
  echo "$label $wall $user $sys $rss" | tee -a "$work/times"
}

build() {
  rm -rf "$work/dist-$1"
  timed "$1" "$work/oyako-$1" build --content "$work/content" --out "$work/dist-$1" --today 2026-11-27
}

echo "label wall_s user_s sys_s peak_rss_kib"
for _ in $(seq "$runs"); do
  [ -n "$old" ] && build old
  build new
  rm -rf "$work/hugo-out"
  timed hugo hugo --quiet --source tests/bench/hugo --contentDir "$work/content" \
    --destination "$work/hugo-out" --cacheDir "$work/hugo-cache"
done
rm -rf tests/bench/hugo/.hugo_build.lock tests/bench/hugo/resources

python3 - "$work/times" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, user, sys_, rss = line.split()
    rows.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
print("\nmedians over", {k: len(v) for k, v in rows.items()}, "runs")
print(f"{'what':6} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
for label, r in rows.items():
    med = [statistics.median(c) for c in zip(*r)]
    print(f"{label:6} {med[0]:8.2f} {med[1]:8.2f} {med[2]:9.0f}")
EOF
for b in old new; do
  d="$work/dist-$b"
  [ -d "$d" ] || continue
  echo "$b: bundle $(cat "$d/bundle.json" "$d/replies.lz4" | sha256sum | cut -c1-16)" \
    "preview $(find "$d/preview" -type f | sort | xargs cat | sha256sum | cut -c1-16)" \
    "($(du -sb "$d/bundle.json" "$d/replies.lz4" "$d/preview" | awk '{printf "%s %s; ", $2, $1}' | sed "s|$d/||g"))"
done
