#!/usr/bin/env python3
"""Instructions per webhook, counted by callgrind: `oyako serve` beside the hand-written
minimum, on the same webhooks, with a figure that does not depend on how busy the machine is.

The serve benchmark (`serve.py`) measures CPU time, which on a shared 2-core machine moves by
±20 % from run to run. Valgrind's callgrind counts the user-space instructions a program
executes, which is deterministic enough to compare two programs (or two versions of one) to
a few per cent. It does not see the kernel (syscalls, TCP), so read it beside `serve.py`.

Method: each server runs under `valgrind --tool=callgrind --instr-atstart=no`; wrk sends
unique signed postback webhooks (as in `serve.py`) for WARMUP seconds (pool connections
open, dedupe window filling), then instrumentation is switched on (`callgrind_control -i on`),
wrk runs MEASURE seconds more, the script waits until every reply reached the fake API, and
instrumentation is switched off. Instructions / webhooks answered in the window = the figure.
The top functions (inclusive, and self) of each server are printed from `callgrind_annotate`.

Run from the repo root after `serve.py` has built the binaries (or `cargo build --release
--bin oyako --example bench_fake_line --example minimal_server`):
python3 tests/bench/callgrind_serve.py [MEASURE_S] [WARMUP_S] [CONNS] [--keep DIR] [--only NAME]
[--before EXE]

`--before EXE` adds an older `oyako` binary (e.g. one built from an earlier commit) as
"before" and "before --state-dir", served on the public port alone (older binaries may not
know `--admin-listen`), so a change is measured against what it replaced on the same
webhooks.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve  # noqa: E402  (the serve benchmark's helpers)

ROOT = serve.ROOT


def callgrind_control(pid, *args):
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, stdout=subprocess.DEVNULL)


def total_ir(path):
    total = 0
    with open(path) as f:
        for line in f:
            if line.startswith("totals:"):
                total = int(line.split()[1])
    return total


def profile(name, cmd, env, first, script, hooks, warmup, measure, conns, out):
    vg = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
          "--dump-instr=no", "--trace-children=no"]
    t0 = time.monotonic()
    proc = subprocess.Popen([*vg, *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if serve.post_webhook(*first) == 200:
                break
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"{name} exited with {proc.returncode}")
            time.sleep(0.05)
    start_s = time.monotonic() - t0
    try:
        if warmup:
            serve.wrk(script, hooks, warmup, conns)
        before = serve.replies()
        callgrind_control(proc.pid, "-i", "on")
        # Events the server has not seen yet (the warm-up's would be skipped as duplicates).
        reqs, _, non2xx = serve.wrk(script, hooks, measure, conns, start=150_000)
        deadline = time.time() + 120
        while serve.replies() - before < reqs - non2xx and time.time() < deadline:
            time.sleep(0.05)
        callgrind_control(proc.pid, "-i", "off")
        delivered = serve.replies() - before
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    return {"name": name, "answered": reqs, "delivered": delivered, "ir": total_ir(out),
            "start_s": start_s}


def top(out, n=25):
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True,
                          text=True).stdout
    incl = [l for l in text.splitlines() if re.match(r"^\s*[\d,]+ \(", l)][:n]
    text = subprocess.run(["callgrind_annotate", out], capture_output=True, text=True).stdout
    self_ = [l for l in text.splitlines() if re.match(r"^\s*[\d,]+ \(", l)][:n]
    return incl, self_


def main():
    args = sys.argv[1:]
    keep = only = before = None
    if "--before" in args:
        i = args.index("--before")
        before = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    if "--keep" in args:
        i = args.index("--keep")
        keep = args[i + 1]
        del args[i:i + 2]
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1].split(",")
        del args[i:i + 2]
    measure = int(args[0]) if len(args) > 0 else 10
    warmup = int(args[1]) if len(args) > 1 else 10
    conns = int(args[2]) if len(args) > 2 else 64
    exe = os.path.join(ROOT, "target/release/oyako")
    fake = os.path.join(ROOT, "target/release/examples/bench_fake_line")
    minimal = os.path.join(ROOT, "target/release/examples/minimal_server")
    work = tempfile.mkdtemp()
    api_proc = None
    try:
        serve.run("python3", "tests/bench/gen_content.py", "10000", f"{work}/content", stdout=subprocess.DEVNULL)
        serve.run(exe, "build", "--content", f"{work}/content", "--out", f"{work}/dist", "--today", "2026-11-27",
                  stderr=subprocess.DEVNULL)
        hooks = f"{work}/hooks.txt"
        serve.run("python3", "tests/bench/gen_webhooks.py", "300000", serve.SECRET, f"{work}/dist", hooks)
        first = open(hooks, encoding="utf-8").readline().rstrip("\n").split("\t", 1)
        script = os.path.join(ROOT, "tests/bench/webhook.lua")
        api_proc = subprocess.Popen(["taskset", "-c", "1", fake, f"{serve.API[0]}:{serve.API[1]}"])
        serve.wait_port(serve.API)
        api = f"http://{serve.API[0]}:{serve.API[1]}"
        env = dict(os.environ, LINE_CHANNEL_SECRET=serve.SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token",
                   LINE_API_BASE=api, OYAKO_PUBLIC_URL="https://bench.example.jp", OYAKO_LOG="warn")
        listen, admin = f"{serve.SERVER[0]}:{serve.SERVER[1]}", f"{serve.ADMIN[0]}:{serve.ADMIN[1]}"
        oyako = [exe, "serve", "--bundle", f"{work}/dist", "--listen", listen, "--admin-listen", admin]
        servers = [
            ("minimal", [minimal, f"{work}/dist", listen, api]),
            ("oyako", oyako),
            ("oyako --state-dir", [*oyako, "--state-dir", f"{work}/state"]),
        ]
        if before:
            old = [before, "serve", "--bundle", f"{work}/dist", "--listen", listen]
            servers += [("before", old), ("before --state-dir", [*old, "--state-dir", f"{work}/state-before"])]
        outdir = keep or work
        os.makedirs(outdir, exist_ok=True)
        rows = []
        for name, cmd in servers:
            if only and name not in only:
                continue
            out = os.path.join(outdir, "callgrind." + name.replace(" --", "-").replace(" ", "_"))
            row = profile(name, cmd, env, first, script, hooks, warmup, measure, conns, out)
            row["out"] = out
            rows.append(row)
        print(f"callgrind, wrk -t1 -c{conns}: {warmup} s warm-up, {measure} s measured; bundle: 10,000 pages")
        print(f"{'server':<20}{'webhooks':>10}{'delivered':>11}{'instr/webhook':>15}")
        for r in rows:
            print(f"{r['name']:<20}{r['answered']:>10}{r['delivered']:>11}{r['ir'] / max(r['answered'], 1):>15,.0f}")
        for r in rows:
            incl, self_ = top(r["out"])
            n = max(r["answered"], 1)
            print(f"\n== {r['name']}: top inclusive (instructions per webhook)")
            for line in incl:
                m = re.match(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)$", line)
                if m:
                    print(f"{int(m.group(1).replace(',', '')) / n:>10,.0f}  {m.group(2):>5}%  {m.group(3)[:150]}")
            print(f"== {r['name']}: top self")
            for line in self_:
                m = re.match(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)$", line)
                if m:
                    print(f"{int(m.group(1).replace(',', '')) / n:>10,.0f}  {m.group(2):>5}%  {m.group(3)[:150]}")
    finally:
        if api_proc:
            serve.stop(api_proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
