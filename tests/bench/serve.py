#!/usr/bin/env python3
"""Serve benchmark (issue 3): webhooks/s with every reply delivered, answer latency, RSS
with a 10,000-page bundle, start-up time, and the bare-hyper ceiling in the same run.

Everything runs on loopback on this machine: wrk, the fake LINE API and the server share
its cores. Run from the repo root: python3 tests/bench/serve.py [DURATION_S] [CONNECTIONS]
"""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "bench-secret"
SERVER, API, BARE = ("127.0.0.1", 18080), ("127.0.0.1", 19090), ("127.0.0.1", 19091)
ADMIN = ("127.0.0.1", 18081)


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def wait_port(addr, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            http.client.HTTPConnection(*addr, timeout=1).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.01)
    sys.exit(f"nothing listens on {addr}")


def get(addr, path):
    c = http.client.HTTPConnection(*addr, timeout=5)
    c.request("GET", path)
    return c.getresponse().read().decode()


def replies(addr):
    return json.loads(get(addr, "/count"))["replies"]


def post_webhook(sig, body):
    c = http.client.HTTPConnection(*SERVER, timeout=5)
    c.request("POST", "/webhook", body.encode(), {"x-line-signature": sig, "content-type": "application/json"})
    return c.getresponse().status


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk(addr, script, hooks, duration, conns):
    out = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--latency", "-s", script,
                          f"http://{addr[0]}:{addr[1]}/webhook", "--", hooks],
                         check=True, capture_output=True, text=True).stdout
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return reqs, rps, lat, int(errors.group(1)) if errors else 0


def main():
    duration = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    if not shutil.which("wrk"):
        run("apt-get", "install", "-y", "-qq", "wrk")
    run("cargo", "build", "--release", "--quiet", "--bin", "oyako", "--example", "bench_fake_line")
    exe = os.path.join(ROOT, "target/release/oyako")
    fake = os.path.join(ROOT, "target/release/examples/bench_fake_line")
    work = tempfile.mkdtemp()
    procs = []
    try:
        run("python3", "tests/bench/gen_content.py", "10000", f"{work}/content", stdout=subprocess.DEVNULL)
        run(exe, "build", "--content", f"{work}/content", "--out", f"{work}/dist", "--today", "2026-11-27",
            stderr=subprocess.DEVNULL)
        hooks = f"{work}/hooks.txt"
        run("python3", "tests/bench/gen_webhooks.py", str(max(200_000, duration * 20_000)), SECRET,
            f"{work}/dist", hooks)
        first_sig, first_body = open(hooks, encoding="utf-8").readline().rstrip("\n").split("\t", 1)
        script = os.path.join(ROOT, "tests/bench/webhook.lua")

        procs.append(subprocess.Popen([fake, f"{BARE[0]}:{BARE[1]}", "--bare"]))
        procs.append(subprocess.Popen([fake, f"{API[0]}:{API[1]}"]))
        wait_port(BARE)
        wait_port(API)
        env = dict(os.environ, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token",
                   LINE_API_BASE=f"http://{API[0]}:{API[1]}", OYAKO_PUBLIC_URL="https://bench.example.jp",
                   OYAKO_LOG="warn")
        t0 = time.monotonic()
        server = subprocess.Popen([exe, "serve", "--bundle", f"{work}/dist", "--listen", f"{SERVER[0]}:{SERVER[1]}",
                                   "--admin-listen", f"{ADMIN[0]}:{ADMIN[1]}",
                                   "--state-dir", f"{work}/state"], env=env)
        procs.append(server)
        while True:
            try:
                if post_webhook(first_sig, first_body) == 200:
                    break
            except OSError:
                time.sleep(0.002)
        startup_ms = (time.monotonic() - t0) * 1000
        while replies(API) < 1:
            time.sleep(0.001)
        first_reply_ms = (time.monotonic() - t0) * 1000
        rss_idle = rss_kib(server.pid)

        bare = wrk(BARE, script, hooks, duration, conns)
        before = replies(API)
        reqs, rps, lat, non2xx = wrk(SERVER, script, hooks, duration, conns)
        deadline = time.time() + 60
        while replies(API) - before < reqs - non2xx and time.time() < deadline:
            time.sleep(0.1)
        delivered = replies(API) - before
        rss_load = rss_kib(server.pid)
        metrics = get(ADMIN, "/metrics")
        dropped = re.search(r'replies_total\{outcome="dropped"\} (\d+)', metrics)

        print(f"machine: {os.cpu_count()} cores; wrk -t1 -c{conns} -d{duration}s; fake API, server and wrk share them")
        print(f"bundle: 10,000 pages ({os.path.getsize(work + '/dist/bundle.json') + os.path.getsize(work + '/dist/replies.lz4')} bytes)")
        print(f"start-up to first answered webhook: {startup_ms:.0f} ms (reply delivered at {first_reply_ms:.0f} ms)")
        print(f"bare hyper 200-only ceiling: {bare[1]:.0f} req/s (p50 {bare[2].get('50')}, p99 {bare[2].get('99')})")
        print(f"oyako: {reqs} webhooks answered, {non2xx} non-2xx, {delivered} replies delivered, "
              f"dropped {dropped.group(1) if dropped else 0}")
        print(f"oyako: {rps:.0f} webhooks/s answered; {delivered / duration:.0f} replies/s delivered; "
              f"answer latency p50 {lat.get('50')}, p99 {lat.get('99')}")
        print(f"RSS: {rss_idle / 1024:.1f} MiB after start-up, {rss_load / 1024:.1f} MiB after load")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
