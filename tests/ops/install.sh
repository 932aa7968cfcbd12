#!/usr/bin/env bash
# Installs the oyako .deb the way docs/operations.md does, as far as this machine allows, into
# a scratch root instead of / (there is no systemd as PID 1 here, and maintainer scripts must
# never run on the host as root):
# - the package: control data, files and modes, the conffile, and maintainer scripts that
#   create the system user, then the state directory, then enable the unit without starting it;
# - unpacked with `dpkg-deb -x`; what the maintainer scripts do, confined to the scratch root
#   (`systemd-sysusers --root`, `systemd-tmpfiles --root`); `oyako --version` from the package;
#   `systemd-analyze verify` on the installed unit;
# - then the VM steps with the installed binary, oyako-activate and unit, `systemctl` being a
#   stand-in that runs the unit's own ExecStart, ExecStartPost and ExecReload: first activation
#   starts serving, a new release is switched to atomically, a broken release is refused (the
#   old one keeps serving), roll-back returns to the previous release, and the probes answer on
#   the admin port only.
#   bash tests/ops/install.sh [path/to/oyako.deb]
# Without an argument the .deb is made from the debug binary (cargo build, then
# `cargo deb --no-build`; cargo-deb is installed first if absent).
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=${1:-}
if [ -z "$deb" ]; then
  cargo build --quiet --locked --bin oyako
  command -v cargo-deb >/dev/null || cargo install --quiet --locked --version 3.8.0 cargo-deb
  # The debug binary CI has built already, stripped: no release build just for this test
  # (cargo-deb 3.8 would warn that it prefers release profiles; --quiet).
  deb=target/debian/oyako-test.deb
  cargo deb --quiet -p oyako --no-build --profile dev --fast -o "$deb"
fi
deb=$(readlink -f "$deb")
work=$(mktemp -d)
port=19280 admin=19281
cleanup() {
  if [ -f "$work/oyako.pid" ]; then kill "$(cat "$work/oyako.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
passed=0
pass() { passed=$((passed + 1)); }

echo "== the package: $(basename "$deb")"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = oyako ] || fail "package name $(field Package)"
case "$(field Depends)" in *libc6*systemd* | *systemd*libc6*) ;; *) fail "Depends: $(field Depends)" ;; esac
listing=$(dpkg-deb -c "$deb")
for entry in '-rwxr-xr-x 0/0 .* \./usr/bin/oyako' '-rwxr-xr-x 0/0 .* \./usr/sbin/oyako-activate' \
  '-rw------- 0/0 .* \./etc/oyako/oyako\.env' '-rw-r--r-- 0/0 .* \./usr/lib/systemd/system/oyako\.service' \
  '-rw-r--r-- 0/0 .* \./usr/lib/sysusers\.d/oyako\.conf' '-rw-r--r-- 0/0 .* \./usr/lib/tmpfiles\.d/oyako\.conf' \
  '-rw-r--r-- 0/0 .* \./usr/share/doc/oyako/operations\.md'; do
  grep -q -- "^$entry\$" <<<"$listing" || fail "no $entry in the package:"$'\n'"$listing"
done
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/oyako/oyako.env "$work/control/conffiles" || fail "the secrets file is not a conffile"
postinst=$work/control/postinst
order=$(grep -n -o 'systemd-sysusers\|systemd-tmpfiles --create\|deb-systemd-helper enable' "$postinst" | cut -d: -f2 | uniq | paste -sd, -)
[ "$order" = "systemd-sysusers,systemd-tmpfiles --create,deb-systemd-helper enable" ] || fail "postinst order: $order"
if grep -q 'deb-systemd-invoke start\|systemctl start' "$postinst"; then fail "postinst starts the unconfigured service"; fi
pass

echo "== installed into a scratch root (dpkg-deb -x; the maintainer scripts' steps with --root)"
root=$work/root
dpkg-deb -x "$deb" "$root"
bin=$root/usr/bin/oyako
version=$("$bin" --version)
[ "$version" = "oyako $(field Version | sed 's/-[^-]*$//')" ] || fail "oyako --version says $version"
echo "$version"
cmp "$root/usr/lib/systemd/system/oyako.service" deploy/systemd/oyako.service || fail "installed unit differs"
systemd-sysusers --root="$root" oyako.conf 2>/dev/null
grep -q '^oyako:x:[0-9]*:[0-9]*:.*:/var/lib/oyako:/usr/sbin/nologin$' "$root/etc/passwd" || fail "no system user: $(cat "$root/etc/passwd")"
systemd-tmpfiles --root="$root" --create oyako.conf
[ "$(stat -c '%a %u' "$root/var/lib/oyako")" = "700 $(sed -n 's/^oyako:x:\([0-9]*\):.*/\1/p' "$root/etc/passwd")" ] ||
  fail "state directory: $(stat -c '%a %U' "$root/var/lib/oyako")"
# systemd-analyze resolves commands on this machine: point the unit at the unpacked binary.
unit=$work/oyako.service
sed "s|/usr/bin/oyako|$bin|g" "$root/usr/lib/systemd/system/oyako.service" > "$unit"
systemd-analyze verify "$unit"
systemd-analyze security --offline=yes "$unit" | tail -1
pass

echo "== the shipped secrets file is empty, and oyako serve says so"
# shellcheck disable=SC1091 # the file is the package's, unpacked above
if (set -a; . "$root/etc/oyako/oyako.env"; set +a; "$bin" serve --bundle "$work/none" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0) 2>"$work/refusal.log"; then
  fail "oyako serve started without secrets"
fi
grep -q 'LINE_CHANNEL_SECRET is required' "$work/refusal.log" || fail "$(cat "$work/refusal.log")"
pass

echo "== the VM steps (docs: VM の準備 / Setting up the VM)"
srv="$work/srv/oyako"
install -d -m 0755 "$srv/releases" "$work/bin"
cat > "$root/etc/oyako/oyako.env" <<ENV
LINE_CHANNEL_SECRET=install-test-secret
LINE_CHANNEL_ACCESS_TOKEN=install-test-token
LINE_API_BASE=http://127.0.0.1:9
OYAKO_PUBLIC_URL=https://line.example.jp
ENV
# Stand-in for systemctl: reload-or-restart = start when stopped (the unit's ExecStart, then
# its ExecStartPost readiness probe), SIGHUP when running (ExecReload). The commands are the
# unit's own, with the scratch paths and test ports.
unit_command() {
  sed -n "s|^$1=||p" "$unit" |
    sed -e "s|/srv/oyako|$srv|g" -e "s|\${STATE_DIRECTORY}|$root/var/lib/oyako|g" \
      -e "s|127.0.0.1:8080|127.0.0.1:$port|g" -e "s|127.0.0.1:9091|127.0.0.1:$admin|g"
}
exec_start=$(unit_command ExecStart)
exec_start_post=$(unit_command ExecStartPost)
if [ -z "$exec_start" ] || [ -z "$exec_start_post" ]; then fail "no ExecStart/ExecStartPost in the unit"; fi
cat > "$work/bin/systemctl" <<STUB
#!/bin/sh
pid=\$(cat "$work/oyako.pid" 2>/dev/null || true)
if [ -n "\$pid" ] && kill -0 "\$pid" 2>/dev/null; then kill -HUP "\$pid"; exit 0; fi
set -a; . "$root/etc/oyako/oyako.env"; set +a
$exec_start 2>>"$work/oyako.log" &
echo \$! > "$work/oyako.pid"
$exec_start_post >/dev/null
STUB
chmod +x "$work/bin/systemctl"
export PATH="$work/bin:$PATH" OYAKO_ROOT="$srv" OYAKO_BIN="$bin"
activate=$root/usr/sbin/oyako-activate

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
"$bin" build --content "$work/content" --out "$srv/releases/20261127T000000Z-first" 2>/dev/null
"$activate" 20261127T000000Z-first
first=$(hash_of "$srv/releases/20261127T000000Z-first")
wait_for "ready $first"
pass

echo "== a new release is switched to and reloaded"
sed -i 's/^title: 母子健康手帳の交付/title: 母子健康手帳の受け取り/' "$work/content/ninshin/boshi-techo.md"
"$bin" build --content "$work/content" --out "$srv/releases/20261127T010000Z-second" 2>/dev/null
"$activate" 20261127T010000Z-second
second=$(hash_of "$srv/releases/20261127T010000Z-second")
wait_for "ready $second"
[ "$(readlink "$srv/current")" = "releases/20261127T010000Z-second" ]
pass

echo "== a broken release is refused; the running one stays"
mkdir "$srv/releases/20261127T020000Z-broken"
echo '{"format_version":1}' > "$srv/releases/20261127T020000Z-broken/bundle.json"
if "$activate" 20261127T020000Z-broken 2>/dev/null; then fail "broken release activated"; fi
[ "$(readlink "$srv/current")" = "releases/20261127T010000Z-second" ]
wait_for "ready $second"
pass

echo "== roll-back"
"$activate" 20261127T000000Z-first
wait_for "ready $first"
pass

echo "== probes and metrics on the admin port only"
for path in /metrics /healthz /readyz; do
  curl -fsS -o /dev/null "http://127.0.0.1:$admin$path" || fail "admin $path"
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  [ "$code" = 404 ] || fail "public $path answered $code"
done
pass
echo "$passed passed, 0 failed"
