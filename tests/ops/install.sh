#!/usr/bin/env bash
# Runs the VM steps of docs/operations.md in a scratch directory instead of /, as far as
# this machine allows (no systemd as PID 1 here): the unit file is checked with
# systemd-analyze, and `systemctl` is a stand-in that starts `oyako serve` or sends it SIGHUP,
# exactly what the unit's ExecStart/ExecReload do. Checks: first activation starts serving,
# a new release is switched to atomically, a broken release is refused (the old one keeps
# serving), and roll-back returns to the previous release.
#   bash tests/ops/install.sh [path/to/oyako]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/oyako}
[ -x "$bin" ] || cargo build --quiet --locked --bin oyako
bin=$(readlink -f "$bin")
work=$(mktemp -d)
port=19280 admin=19281
cleanup() {
  if [ -f "$work/oyako.pid" ]; then kill "$(cat "$work/oyako.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== the unit file"
sed "s|/usr/local/bin/oyako|$bin|g" deploy/systemd/oyako.service > "$work/oyako.service"
systemd-analyze verify "$work/oyako.service"
systemd-analyze security --offline=yes "$work/oyako.service" | tail -1

echo "== install (docs: VM の準備 / Setting up the VM)"
root="$work/srv/oyako"
install -d -m 0755 "$root/releases" "$work/bin" "$work/etc"
install -m 0755 deploy/oyako-activate "$work/bin/oyako-activate"
cat > "$work/etc/oyako.env" <<ENV
LINE_CHANNEL_SECRET=install-test-secret
LINE_CHANNEL_ACCESS_TOKEN=install-test-token
LINE_API_BASE=http://127.0.0.1:9
OYAKO_PUBLIC_URL=https://line.example.jp
ENV
chmod 600 "$work/etc/oyako.env"
# Stand-in for systemctl: reload-or-restart = start when stopped (the unit's ExecStart, then
# its ExecStartPost readiness probe), SIGHUP when running (ExecReload). The commands are the
# unit's own, with the scratch paths and test ports.
unit_command() {
  sed -n "s|^$1=||p" "$work/oyako.service" |
    sed -e "s|/srv/oyako|$root|g" -e "s|\${STATE_DIRECTORY}|$work/state|g" \
      -e "s|127.0.0.1:8080|127.0.0.1:$port|g" -e "s|127.0.0.1:9091|127.0.0.1:$admin|g"
}
exec_start=$(unit_command ExecStart)
exec_start_post=$(unit_command ExecStartPost)
if [ -z "$exec_start" ] || [ -z "$exec_start_post" ]; then
  echo "FAIL: no ExecStart/ExecStartPost in the unit"; exit 1
fi
cat > "$work/bin/systemctl" <<STUB
#!/bin/sh
pid=\$(cat "$work/oyako.pid" 2>/dev/null || true)
if [ -n "\$pid" ] && kill -0 "\$pid" 2>/dev/null; then kill -HUP "\$pid"; exit 0; fi
set -a; . "$work/etc/oyako.env"; set +a
$exec_start 2>>"$work/oyako.log" &
echo \$! > "$work/oyako.pid"
$exec_start_post >/dev/null
STUB
chmod +x "$work/bin/systemctl"
export PATH="$work/bin:$PATH" OYAKO_ROOT="$root" OYAKO_BIN="$bin"

ready() { curl -fsS "http://127.0.0.1:$admin/readyz" 2>/dev/null || true; }
wait_for() {
  for _ in $(seq 100); do
    case "$(ready)" in *"$1"*) return 0 ;; esac
    sleep 0.1
  done
  echo "FAIL: /readyz never showed $1 (it shows: $(ready))"; cat "$work/oyako.log"; exit 1
}
hash_of() { "$bin" verify --bundle "$1" 2>&1 | sed -n 's/.*hash \([0-9a-f]*\)).*/\1/p'; }

echo "== first release"
cp -r content "$work/content"
"$bin" build --content "$work/content" --out "$root/releases/20261127T000000Z-first" 2>/dev/null
oyako-activate 20261127T000000Z-first
first=$(hash_of "$root/releases/20261127T000000Z-first")
wait_for "ready $first"

echo "== a new release is switched to and reloaded"
sed -i 's/^title: 母子健康手帳の交付/title: 母子健康手帳の受け取り/' "$work/content/ninshin/boshi-techo.md"
"$bin" build --content "$work/content" --out "$root/releases/20261127T010000Z-second" 2>/dev/null
oyako-activate 20261127T010000Z-second
second=$(hash_of "$root/releases/20261127T010000Z-second")
wait_for "ready $second"
[ "$(readlink "$root/current")" = "releases/20261127T010000Z-second" ]

echo "== a broken release is refused; the running one stays"
mkdir "$root/releases/20261127T020000Z-broken"
echo '{"format_version":1}' > "$root/releases/20261127T020000Z-broken/bundle.json"
if oyako-activate 20261127T020000Z-broken 2>/dev/null; then echo "FAIL: broken release activated"; exit 1; fi
[ "$(readlink "$root/current")" = "releases/20261127T010000Z-second" ]
wait_for "ready $second"

echo "== roll-back"
oyako-activate 20261127T000000Z-first
wait_for "ready $first"

echo "== probes and metrics on the admin port only"
for path in /metrics /healthz /readyz; do
  curl -fsS -o /dev/null "http://127.0.0.1:$admin$path" || { echo "FAIL: admin $path"; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  [ "$code" = 404 ] || { echo "FAIL: public $path answered $code"; exit 1; }
done
echo "4 passed, 0 failed"
