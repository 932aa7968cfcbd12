#!/usr/bin/env python3
"""Serve benchmark: `oyako serve` against a bare hyper "200" server and the hand-written
minimum (`runtime/examples/minimal_server.rs`), side by side in one run, so every figure is
read as a ratio on the same machine at the same moment.

Method: each server is pinned to CPU 0 (`taskset -c 0`); wrk (1 thread) and the fake LINE
API (`runtime/examples/bench_fake_line.rs`) share CPU 1. wrk replays unique signed postback
webhooks (each its own `webhookEventId`, `gen_webhooks.py`) for DURATION seconds; a webhook
counts only if its reply reached the fake API. The server's CPU time is read from
/proc/<pid>/stat before and after, so "µs of server CPU per webhook" does not depend on how
busy the other core was. Servers run in rotated order, RUNS times; medians are printed.
Also: RSS after start-up (sample content and the 10,000-page bundle), RSS after the load,
and the time from exec to the first answered webhook.

`--soak S` then saturates `oyako serve` (10,000 pages, without and with `--state-dir`, and
the sample content) for S seconds with events it has never seen (enough unique webhooks are
generated), sampling VmRSS every 5 s: the memory goal is about the plateau, not the start.
`--before EXE` adds an older `oyako` binary as "before" (public port only, as older binaries
may not know `--admin-listen`), so a change is compared with what it replaced in one run.

Run from the repo root: python3 tests/bench/serve.py [DURATION_S] [CONNECTIONS] [RUNS]
[--soak S] [--before EXE]
"""
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "bench-secret"
SERVER, API = ("127.0.0.1", 18080), ("127.0.0.1", 19090)
ADMIN = ("127.0.0.1", 18081)
TICK = os.sysconf("SC_CLK_TCK")


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def wait_port(addr, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            http.client.HTTPConnection(*addr, timeout=1).request("GET", "/")
            return
        except OSError:
            time.sleep(0.005)
    sys.exit(f"nothing listens on {addr}")


def get(addr, path):
    c = http.client.HTTPConnection(*addr, timeout=5)
    c.request("GET", path)
    return c.getresponse().read().decode()


def replies():
    return json.loads(get(API, "/count"))["replies"]


def post_webhook(sig, body):
    c = http.client.HTTPConnection(*SERVER, timeout=5)
    c.request("POST", "/webhook", body.encode(), {"x-line-signature": sig, "content-type": "application/json"})
    return c.getresponse().status


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def wrk(script, hooks, duration, conns, start=0):
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--latency",
                          "-s", script, f"http://{SERVER[0]}:{SERVER[1]}/webhook", "--", hooks, str(start)],
                         check=True, capture_output=True, text=True).stdout
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return reqs, lat, int(errors.group(1)) if errors else 0


def start(cmd, env, first):
    """Starts a server pinned to CPU 0; returns (process, ms to first answered webhook)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(["taskset", "-c", "0", *cmd], env=env, stdout=subprocess.DEVNULL)
    while True:
        try:
            if post_webhook(*first) == 200:
                break
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"{cmd[0]} exited with {proc.returncode}")
            time.sleep(0.001)
    return proc, (time.monotonic() - t0) * 1000


def stop(proc):
    proc.terminate()
    proc.wait()


def measure(name, cmd, env, first, script, hooks, duration, conns):
    proc, startup_ms = start(cmd, env, first)
    try:
        time.sleep(0.5)
        rss_idle = rss_kib(proc.pid)
        counts = name != "bare"
        before = replies() if counts else 0
        cpu0 = cpu_seconds(proc.pid)
        reqs, lat, non2xx = wrk(script, hooks, duration, conns)
        delivered = reqs
        if counts:
            deadline = time.time() + 60
            while replies() - before < reqs - non2xx and time.time() < deadline:
                time.sleep(0.05)
            delivered = replies() - before
        cpu = cpu_seconds(proc.pid) - cpu0
        return {"name": name, "rps": reqs / duration, "delivered": delivered, "answered": reqs,
                "non2xx": non2xx, "cpu_us": cpu * 1e6 / max(reqs, 1), "p50": lat.get("50"),
                "p99": lat.get("99"), "rss_idle": rss_idle / 1024, "rss_load": rss_kib(proc.pid) / 1024,
                "startup_ms": startup_ms}
    finally:
        stop(proc)


def soak(name, cmd, env, first, script, hooks, seconds, conns):
    """Saturates the server for `seconds`; returns its VmRSS (MiB) samples every 5 s."""
    proc, _ = start(cmd, env, first)
    try:
        time.sleep(0.5)
        samples = [rss_kib(proc.pid) / 1024]
        load = subprocess.Popen(["taskset", "-c", "1", "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "-s", script,
                                 f"http://{SERVER[0]}:{SERVER[1]}/webhook", "--", hooks, "1"],
                                stdout=subprocess.PIPE, text=True)
        while load.poll() is None:
            time.sleep(5)
            samples.append(rss_kib(proc.pid) / 1024)
        reqs = int(re.search(r"(\d+) requests in", load.stdout.read()).group(1))
        time.sleep(1)
        samples.append(rss_kib(proc.pid) / 1024)
        return {"name": name, "samples": samples, "requests": reqs}
    finally:
        stop(proc)


def option(args, name):
    if name not in args:
        return None
    i = args.index(name)
    value = args[i + 1]
    del args[i:i + 2]
    return value


def main():
    args = sys.argv[1:]
    soak_s = int(option(args, "--soak") or 0)
    before = option(args, "--before")
    duration = int(args[0]) if len(args) > 0 else 10
    conns = int(args[1]) if len(args) > 1 else 64
    runs = int(args[2]) if len(args) > 2 else 3
    if not shutil.which("wrk"):
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk")
    run("cargo", "build", "--release", "--quiet", "--locked", "--bin", "oyako",
        "--example", "bench_fake_line", "--example", "minimal_server")
    exe = os.path.join(ROOT, "target/release/oyako")
    fake = os.path.join(ROOT, "target/release/examples/bench_fake_line")
    minimal = os.path.join(ROOT, "target/release/examples/minimal_server")
    work = tempfile.mkdtemp()
    api_proc = None
    try:
        run("python3", "tests/bench/gen_content.py", "10000", f"{work}/content", stdout=subprocess.DEVNULL)
        for src, out in ((f"{work}/content", "dist"), ("content", "sample")):
            run(exe, "build", "--content", src, "--out", f"{work}/{out}", "--today", "2026-11-27",
                stderr=subprocess.DEVNULL)
        hooks = f"{work}/hooks.txt"
        run("python3", "tests/bench/gen_webhooks.py", str(max(300_000, duration * 30_000, soak_s * 40_000)), SECRET,
            f"{work}/dist", hooks)
        first = open(hooks, encoding="utf-8").readline().rstrip("\n").split("\t", 1)
        script = os.path.join(ROOT, "tests/bench/webhook.lua")
        api_proc = subprocess.Popen(["taskset", "-c", "1", fake, f"{API[0]}:{API[1]}"])
        wait_port(API)
        env = dict(os.environ, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token",
                   LINE_API_BASE=f"http://{API[0]}:{API[1]}", OYAKO_PUBLIC_URL="https://bench.example.jp",
                   OYAKO_LOG="warn")
        listen, admin = f"{SERVER[0]}:{SERVER[1]}", f"{ADMIN[0]}:{ADMIN[1]}"
        servers = [
            ("bare", [fake, listen, "--bare"]),
            ("minimal", [minimal, f"{work}/dist", listen, f"http://{API[0]}:{API[1]}"]),
            ("oyako", [exe, "serve", "--bundle", f"{work}/dist", "--listen", listen, "--admin-listen", admin]),
            ("oyako --state-dir", [exe, "serve", "--bundle", f"{work}/dist", "--listen", listen, "--admin-listen", admin,
                                   "--state-dir", f"{work}/state"]),
        ]
        if before:
            old = [os.path.abspath(before), "serve", "--bundle", f"{work}/dist", "--listen", listen]
            servers += [("before", old), ("before --state-dir", [*old, "--state-dir", f"{work}/state-before"])]
        results = {name: [] for name, _ in servers}
        for r in range(runs):
            for name, cmd in servers[r % len(servers):] + servers[:r % len(servers)]:
                results[name].append(measure(name, cmd, env, first, script, hooks, duration, conns))
        sample = [measure("oyako (sample content)", [exe, "serve", "--bundle", f"{work}/sample", "--listen", listen,
                                                     "--admin-listen", admin],
                          env, first, script, hooks, 1, 4) for _ in range(runs)]

        med = lambda rows, key: statistics.median(row[key] for row in rows)
        print(f"machine: {os.cpu_count()} cores ({cpu_model()}); server on CPU 0, wrk -t1 -c{conns} -d{duration}s "
              f"and the fake API on CPU 1; {runs} runs, medians; bundle: 10,000 pages")
        print(f"{'server':<20}{'webhooks/s':>12}{'delivered':>11}{'µs CPU/webhook':>16}{'p50':>9}{'p99':>9}"
              f"{'RSS start':>11}{'RSS load':>10}{'start ms':>10}")
        for name, rows in results.items():
            lost = sum(row["answered"] - row["non2xx"] - row["delivered"] for row in rows)
            print(f"{name:<20}{med(rows, 'rps'):>12.0f}{'all' if lost <= 0 else f'{lost} lost':>11}"
                  f"{med(rows, 'cpu_us'):>16.1f}{rows[len(rows) // 2]['p50'] or '':>9}{rows[len(rows) // 2]['p99'] or '':>9}"
                  f"{med(rows, 'rss_idle'):>10.1f}M{med(rows, 'rss_load'):>9.1f}M{med(rows, 'startup_ms'):>10.0f}")
        for name, rows in results.items():
            print(f"  {name}: µs CPU/webhook per round " + " ".join(f"{row['cpu_us']:.1f}" for row in rows)
                  + "; webhooks/s " + " ".join(f"{row['rps']:.0f}" for row in rows))
        print(f"oyako with the sample content: RSS after start-up {med(sample, 'rss_idle'):.1f} MiB; "
              f"exec → first answered webhook {med(sample, 'startup_ms'):.0f} ms")
        # Ratios are taken within each round (the servers of one round ran back to back, so
        # they saw the same machine), then the median over the rounds is printed.
        ratio = lambda a, b: statistics.median(x["cpu_us"] / y["cpu_us"] for x, y in zip(results[a], results[b]))
        for name in [n for n in results if n.startswith(("oyako", "before"))]:
            print(f"{name}: {ratio(name, 'minimal'):.2f}× the minimum's CPU per webhook (median of per-round ratios: "
                  + " ".join(f"{x['cpu_us'] / y['cpu_us']:.2f}" for x, y in zip(results[name], results['minimal'])) + ")")
        print(f"oyako --state-dir: {ratio('oyako --state-dir', 'oyako'):.2f}× oyako's CPU per webhook")
        if soak_s:
            oyako = servers[2][1]
            soaks = [soak("oyako", oyako, env, first, script, hooks, soak_s, conns),
                     soak("oyako --state-dir", [*oyako, "--state-dir", f"{work}/state-soak"], env, first, script,
                          hooks, soak_s, conns),
                     soak("oyako (sample content)", [exe, "serve", "--bundle", f"{work}/sample", "--listen", listen,
                                                     "--admin-listen", admin], env, first, script, hooks, soak_s, conns)]
            print(f"saturation for {soak_s} s (wrk -c{conns}, unique events), VmRSS MiB every 5 s:")
            with open(hooks, encoding="utf-8") as f:
                generated = sum(1 for _ in f)
            for row in soaks:
                wrapped = " (events repeated: too few generated)" if row["requests"] >= generated else ""
                print(f"{row['name']:<24} {row['requests']:>9} webhooks{wrapped}; start {row['samples'][0]:.1f}, "
                      f"max {max(row['samples']):.1f}, end {row['samples'][-1]:.1f}: "
                      + " ".join(f"{x:.1f}" for x in row["samples"]))
    finally:
        if api_proc:
            stop(api_proc)
        shutil.rmtree(work, ignore_errors=True)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return re.search(r"model name\s*:\s*(.+)", f.read()).group(1).strip()
    except (OSError, AttributeError):
        return "unknown CPU"


if __name__ == "__main__":
    main()
