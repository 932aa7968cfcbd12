#!/usr/bin/env python3
"""Scale-out test (issue 8): three `oyako serve` replicas behind nginx (Debian package,
round-robin on loopback), each with its own state directory, one notice due, webhook load.
nginx runs `deploy/nginx/oyako.conf` — the file docs/operations.md shows — with only the
replica addresses, the port and a self-signed certificate substituted.

Checks that
- nginx passes only the public routes: /metrics, /healthz, /readyz and / are 404 through it,
  while each replica's admin listener answers them;
- the fake LINE API accepts exactly one broadcast for the notice and answers the other
  replicas' sends 409 (same deterministic X-Line-Retry-Key), and every replica journals it
  as sent;
- every webhook answered 200 got its reply;
- `oyako report` over the three state directories counts every tap;
- timed messages (tests/ops/timed_replicas.py): registrations through nginx land on any
  replica, one shared OYAKO_TIMED_DIR, each child gets each message due today exactly once.
Everything listens on 127.0.0.1 and stops by itself. Run from the repo root:
    python3 tests/ops/multi_replica.py [--debug]
(--debug uses a debug build: slower, but CI has it already.)
"""
import csv
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

import timed_replicas

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "multi-replica-secret"
API, NGINX = 19190, 19180
REPLICAS = [19181, 19182, 19183]
ADMINS = [19184, 19185, 19186]
NGINX_CONF = os.path.join(ROOT, "deploy", "nginx", "oyako.conf")
JST = timezone(timedelta(hours=9))


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def get(port, path, tls=False):
    c = (http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=ssl._create_unverified_context())
         if tls else http.client.HTTPConnection("127.0.0.1", port, timeout=5))
    c.request("GET", path)
    r = c.getresponse()
    return r.status, r.read().decode(errors="replace")


def wait(pred, what, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"FAIL: timed out waiting for {what}")


def counts():
    return json.loads(get(API, "/count")[1])


def ensure_tools():
    missing = [p for p, cmd in (("nginx", "/usr/sbin/nginx"), ("wrk", "/usr/bin/wrk")) if not os.path.exists(cmd)]
    if missing:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)


def substitute(text, old, new):
    """Replaces `old`, which must occur exactly once, so an edit of the shipped file that
    this test no longer understands fails loudly instead of testing something else."""
    if text.count(old) != 1:
        sys.exit(f"FAIL: {NGINX_CONF} no longer contains {old!r} exactly once; update this test")
    return text.replace(old, new)


def shipped_nginx_conf(work):
    """deploy/nginx/oyako.conf, as docs/operations.md shows it, pointed at this test's ports."""
    with open(NGINX_CONF, encoding="utf-8") as f:
        conf = f.read()
    with open(os.path.join(ROOT, "docs", "operations.md"), encoding="utf-8") as f:
        if f"```nginx\n{conf}```" not in f.read():
            sys.exit("FAIL: docs/operations.md does not show deploy/nginx/oyako.conf as it is")
    servers = "\n    ".join(f"server 127.0.0.1:{p};" for p in REPLICAS)
    conf = substitute(conf, "server 127.0.0.1:8080;", servers)
    conf = substitute(conf, "listen 443 ssl;", f"listen 127.0.0.1:{NGINX} ssl;")
    conf = substitute(conf, "/etc/letsencrypt/live/line.example.jp/fullchain.pem", f"{work}/cert.pem")
    conf = substitute(conf, "/etc/letsencrypt/live/line.example.jp/privkey.pem", f"{work}/key.pem")
    return conf


def nginx_conf(work):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=line.example.jp", "-keyout", f"{work}/key.pem",
                    "-out", f"{work}/cert.pem"], check=True, capture_output=True)
    return f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
{shipped_nginx_conf(work)}
}}
"""


def main():
    ensure_tools()
    debug = "--debug" in sys.argv[1:]
    profile = [] if debug else ["--release"]
    run("cargo", "build", *profile, "--quiet", "--locked", "--bin", "oyako", "--example", "bench_fake_line")
    target = os.path.join(ROOT, "target", "debug" if debug else "release")
    exe = os.path.join(target, "oyako")
    fake = os.path.join(target, "examples", "bench_fake_line")
    work = tempfile.mkdtemp(prefix="oyako-replicas-")
    procs = []
    try:
        shutil.copytree(os.path.join(ROOT, "content"), f"{work}/content")
        due = (datetime.now(JST) - timedelta(minutes=2)).replace(microsecond=0).isoformat()
        with open(f"{work}/content/events/replica-notice.md", "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 複数台テストのお知らせ\nsummary: 3台から同時に送られても1回だけ届く\n"
                    f"notify: {{at: {due}, audience: all, force: true}}\n---\nお知らせの本文です。\n")
        run(exe, "build", "--content", f"{work}/content", "--out", f"{work}/dist", stderr=subprocess.DEVNULL)
        hooks = f"{work}/hooks.txt"
        run("python3", "tests/bench/gen_webhooks.py", "200000", SECRET, f"{work}/dist", hooks)

        procs.append(subprocess.Popen([fake, f"127.0.0.1:{API}"]))
        wait(lambda: get(API, "/count")[0] == 200, "the fake LINE API")
        timed_env = timed_replicas.env(work)
        for i, port in enumerate(REPLICAS):
            env = dict(os.environ, **timed_env, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="replica-token",
                       LINE_API_BASE=f"http://127.0.0.1:{API}", LINE_DATA_API_BASE=f"http://127.0.0.1:{API}",
                       OYAKO_PUBLIC_URL="https://line.example.jp", OYAKO_INSTANCE=f"replica{i + 1}",
                       OYAKO_HASH_SALT="shared-salt", OYAKO_LOG="warn")
            log = open(f"{work}/replica{i + 1}.log", "w")
            procs.append(subprocess.Popen([exe, "serve", "--bundle", f"{work}/dist", "--listen", f"127.0.0.1:{port}",
                                           "--admin-listen", f"127.0.0.1:{ADMINS[i]}",
                                           "--state-dir", f"{work}/state{i + 1}"], env=env, stderr=log))
        for port in ADMINS:
            wait(lambda port=port: get(port, "/readyz")[0] == 200, f"replica with admin port {port}")
        with open(f"{work}/nginx.conf", "w") as f:
            f.write(nginx_conf(work))
        procs.append(subprocess.Popen(["/usr/sbin/nginx", "-c", f"{work}/nginx.conf", "-p", work]))
        asset = sorted(os.listdir(f"{work}/dist/assets"))[0]
        wait(lambda: get(NGINX, f"/assets/{asset}", tls=True)[0] == 200, "nginx")
        refused = {path: get(NGINX, path, tls=True)[0] for path in ("/metrics", "/healthz", "/readyz", "/", "/bundle.json")}
        admin = {path: get(ADMINS[0], path)[0] for path in ("/metrics", "/healthz", "/readyz")}

        timed_due = timed_replicas.register(f"{work}/dist", SECRET, lambda b, s: timed_replicas.post(NGINX, b, s, tls=True))

        wait(lambda: counts()["broadcasts"] + counts()["duplicates"] >= len(REPLICAS), "every replica's notice send")
        out = subprocess.run(["wrk", "-t1", "-c32", "-d4s", "-s", "tests/bench/webhook.lua",
                              f"https://127.0.0.1:{NGINX}/webhook", "--", hooks],
                             check=True, cwd=ROOT, capture_output=True, text=True).stdout
        answered = int(re.search(r"(\d+) requests in", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        non2xx = int(errors.group(1)) if errors else 0
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        wait(lambda: counts()["replies"] >= answered - non2xx, "every reply", timeout=60)
        timed_failures = timed_replicas.check(API, timed_due, exe, f"{work}/dist", work, env)
        time.sleep(0.5)
        c = counts()
        for p in procs[1:1 + len(REPLICAS)]:
            p.send_signal(signal.SIGTERM)
        for p in procs[1:1 + len(REPLICAS)]:
            p.wait(timeout=30)

        notices = [subprocess.run([exe, "notices", "--bundle", f"{work}/dist", "--state-dir", f"{work}/state{i + 1}"],
                                  capture_output=True, text=True, cwd=ROOT).stdout for i in range(len(REPLICAS))]
        dirs = [a for i in range(len(REPLICAS)) for a in ("--state-dir", f"{work}/state{i + 1}")]
        run(exe, "report", *dirs, "--bundle", f"{work}/dist", "--csv", f"{work}/csv", stdout=subprocess.DEVNULL)
        with open(f"{work}/csv/taps.csv", encoding="utf-8-sig") as f:
            taps = sum(int(row["count"]) for row in csv.DictReader(f))
        per_replica = [len(os.listdir(f"{work}/state{i + 1}/journal")) for i in range(len(REPLICAS))]

        print(f"webhooks through nginx: {answered} answered ({rps:.0f}/s), {non2xx} non-2xx")
        print(f"replies delivered: {c['replies']}; broadcasts accepted: {c['broadcasts']}, "
              f"409 duplicates: {c['duplicates']}, without retry key: {c['without_key']}")
        print(f"taps in the merged report: {taps}; journal files per replica: {per_replica}")
        print(f"through nginx: {refused}; on a replica's admin port: {admin}")
        failures = timed_failures
        if any(status != 404 for status in refused.values()):
            failures.append(f"nginx passed on a route that is not public: {refused}")
        if any(status != 200 for status in admin.values()):
            failures.append(f"the admin listener does not answer: {admin}")
        if non2xx:
            failures.append(f"{non2xx} webhooks were not answered 2xx")
        if c["replies"] < answered:
            failures.append(f"only {c['replies']} replies for {answered} answered webhooks")
        if c["broadcasts"] != 1 or c["duplicates"] != len(REPLICAS) - 1 or c["without_key"]:
            failures.append("the notice was not delivered exactly once")
        if not all("replica-notice" in n and re.search(r"送信済み|sent", n) for n in notices):
            failures.append("not every replica journalled the notice as sent:\n" + "\n".join(notices))
        if taps < answered - non2xx:
            failures.append(f"the merged report counts {taps} taps for {answered} webhooks")
        if min(per_replica) == 0:
            failures.append("a replica wrote no journal")
        if failures:
            for name in sorted(os.listdir(work)):
                if name.endswith(".log"):
                    print(f"--- {name}\n" + open(f"{work}/{name}").read()[-3000:])
            sys.exit("FAIL: " + "; ".join(failures))
        print("4 passed, 0 failed")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
