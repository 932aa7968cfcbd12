#!/usr/bin/env python3
"""Timed-message benchmark: 100,000 registered children (release build, sample content).

Method: `runtime/examples/timed_journal.rs` writes an encrypted journal of N children of about
0.8 N parents against the sample bundle's steps, in two shapes:
- `spread`: birthdays spread over six years (one child in seven by due date), every step
  before the day already sent — an ordinary day of a city with N registered children;
- `same`: every child due the same step on the day — the worst case, N messages in N/500
  multicasts.
For each shape and RUNS rounds (shapes alternate inside a round), on a fresh copy of the
journal:
- `oyako deliver --date DAY --dry-run`: open (decrypt, compact, index) and plan — the compute;
- `oyako deliver --date DAY` against the fake LINE API (`runtime/examples/bench_fake_line.rs`,
  which deduplicates retry keys and counts recipients): compute, a `started` and an outcome
  record (each fsynced) per request, and the requests; wall time, and that every message
  due was accepted once;
- `oyako serve` on the delivered journal: time from exec to `/readyz` answering 200 (start-up
  compacts and indexes the journal) and VmRSS then, beside the same with no registrations.
Medians are printed.

Run from the repo root: python3 tests/bench/timed.py [N] [RUNS]
"""
import http.client
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
API, SERVER = ("127.0.0.1", 19290), ("127.0.0.1", 19280)
KEY = "7e" * 32
DAY = "2026-12-07"


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def get(addr, path):
    c = http.client.HTTPConnection(*addr, timeout=5)
    c.request("GET", path)
    r = c.getresponse()
    return r.status, r.read().decode()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def env(extra=None):
    e = dict(os.environ, LINE_CHANNEL_SECRET="bench", LINE_CHANNEL_ACCESS_TOKEN="bench",
             LINE_API_BASE=f"http://{API[0]}:{API[1]}", OYAKO_DATA_KEY=KEY, OYAKO_LOG="error",
             OYAKO_HASH_SALT="bench-salt")
    e.pop("OYAKO_TIMED_DIR", None)
    e.update(extra or {})
    return e


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_run(cmd, environ):
    """Wall seconds, CPU seconds (user + system) and stdout of a command."""
    cpu, start = children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=environ, capture_output=True, text=True)
    took, cpu = time.perf_counter() - start, children_cpu() - cpu
    if out.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{out.stdout}{out.stderr}")
    return took, cpu, out.stdout


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_up(exe, dist, state):
    """Seconds from exec to /readyz 200, its CPU seconds, and VmRSS then (KiB)."""
    start = time.perf_counter()
    p = subprocess.Popen([exe, "serve", "--bundle", dist, "--listen", f"{SERVER[0]}:{SERVER[1]}",
                          "--state-dir", state], env=env({"OYAKO_TIMED_AT": "23:59:59"}),
                         stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if get(SERVER, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - start > 60:
                sys.exit("FAIL: oyako serve did not become ready")
            time.sleep(0.002)
        took, cpu = time.perf_counter() - start, cpu_seconds(p.pid)
        time.sleep(0.3)
        return took, cpu, rss_kib(p.pid)
    finally:
        p.terminate()
        p.wait(timeout=30)


def counts():
    return json.loads(get(API, "/count")[1])


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    run("cargo", "build", "--release", "--quiet", "--locked", "--bin", "oyako",
        "--example", "bench_fake_line", "--example", "timed_journal")
    target = os.path.join(ROOT, "target", "release")
    exe, fake, gen = (os.path.join(target, "oyako"), os.path.join(target, "examples", "bench_fake_line"),
                      os.path.join(target, "examples", "timed_journal"))
    work = tempfile.mkdtemp(prefix="oyako-timed-bench-")
    fake_proc = None
    try:
        dist = f"{work}/dist"
        run(exe, "build", "--content", "content", "--out", dist, stderr=subprocess.DEVNULL)
        journals = {}
        for shape in ("spread", "same"):
            state = f"{work}/journal-{shape}"
            start = time.perf_counter()
            out = run(gen, dist, state, str(n), KEY, DAY, shape, capture_output=True, text=True).stdout
            size = os.path.getsize(f"{state}/timed.journal")
            print(f"{shape}: {out.strip()}, compacted journal {size / 1e6:.1f} MB, "
                  f"written in {time.perf_counter() - start:.1f} s")
            journals[shape] = state
        os.makedirs(f"{work}/empty")
        keys = ("plan", "plan_cpu", "deliver", "deliver_cpu", "startup", "startup_cpu", "rss")
        results = {s: {k: [] for k in keys} for s in list(journals) + ["empty"]}
        sends = {}
        for r in range(runs):
            for shape, journal in journals.items():
                state = f"{work}/run-{shape}-{r}"
                shutil.copytree(journal, state)
                took, cpu, _ = timed_run([exe, "deliver", "--bundle", dist, "--state-dir", state, "--date", DAY,
                                          "--dry-run"], env())
                results[shape]["plan"].append(took)
                results[shape]["plan_cpu"].append(cpu)
                fake_proc = subprocess.Popen([fake, f"{API[0]}:{API[1]}"])
                while True:
                    try:
                        get(API, "/count")
                        break
                    except OSError:
                        time.sleep(0.01)
                took, cpu, out = timed_run([exe, "deliver", "--bundle", dist, "--state-dir", state, "--date",
                                            DAY], env())
                c = counts()
                fake_proc.terminate()
                fake_proc.wait()
                fake_proc = None
                sent = int(re.search(r"(\d+) 通を送りました", out).group(1))
                if c["recipients"] != sent or c["send_duplicates"] or c["without_key"]:
                    sys.exit(f"FAIL: {shape}: printed {sent}, the fake accepted {c}")
                sends[shape] = (sent, c["sends"])
                results[shape]["deliver"].append(took)
                results[shape]["deliver_cpu"].append(cpu)
                took, cpu, rss = start_up(exe, dist, state)
                results[shape]["startup"].append(took)
                results[shape]["startup_cpu"].append(cpu)
                results[shape]["rss"].append(rss)
                shutil.rmtree(state)
            took, cpu, rss = start_up(exe, dist, f"{work}/empty")
            results["empty"]["startup"].append(took)
            results["empty"]["startup_cpu"].append(cpu)
            results["empty"]["rss"].append(rss)
        med = statistics.median
        print(f"\n{n} children, {runs} runs; wall (CPU = user + system), medians, then every run:")
        for shape in journals:
            res = results[shape]
            sent, requests = sends[shape]
            print(f"{shape}: {sent} messages in {requests} requests")
            for key, what in (("plan", "plan (open + compact + index + plan, --dry-run)"),
                              ("deliver", "deliver (the same + requests + journal)")):
                print(f"  {what}: {med(res[key]):.2f} s (CPU {med(res[key + '_cpu']):.2f} s) "
                      f"{fmt(res[key])}")
            print(f"  oyako serve start-up to /readyz: {med(res['startup']) * 1000:.0f} ms "
                  f"(CPU {med(res['startup_cpu']) * 1000:.0f} ms) {fmt([t * 1000 for t in res['startup']], '.0f')}, "
                  f"RSS {med(res['rss']) / 1024:.1f} MiB {fmt([k / 1024 for k in res['rss']], '.1f')}")
        e = results["empty"]
        print(f"no registrations: start-up {med(e['startup']) * 1000:.0f} ms "
              f"(CPU {med(e['startup_cpu']) * 1000:.0f} ms), RSS {med(e['rss']) / 1024:.1f} MiB")
        print(f"load average during the run: {os.getloadavg()}")
    finally:
        if fake_proc:
            fake_proc.terminate()
        shutil.rmtree(work, ignore_errors=True)


def fmt(values, spec=".2f"):
    return "(" + ", ".join(format(v, spec) for v in values) + ")"


if __name__ == "__main__":
    main()
