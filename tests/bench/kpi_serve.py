#!/usr/bin/env python3
"""Survey answers end to end: wrk posts signed webhooks that each carry one survey answer
from a different parent to `oyako serve --state-dir`, so every 200 waits for the answer to be
written and fdatasync'ed (group commit). Prints answers/s and latency, then checks that the
journal holds exactly as many answers as webhooks were answered 200.

Everything runs on loopback on this machine (wrk, the fake LINE API and the server share its
cores); the state directory is on the repository's disk, not tmpfs.
Run from the repo root: python3 tests/bench/kpi_serve.py [DURATION_S] [CONNECTIONS]
"""
import base64
import glob
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve  # noqa: E402  (shared helpers: run, wait_port, wrk, replies)

SURVEY = "manzokudo-2026"


def answers_file(n, path):
    secret = serve.SECRET.encode()
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            event = {
                "type": "postback", "mode": "active", "timestamp": 1795705200000 + i,
                "source": {"type": "user", "userId": "U%032x" % i},
                "webhookEventId": "01KPI%021d" % i,
                "deliveryContext": {"isRedelivery": False},
                "replyToken": "%032x" % (i + 1),
                "postback": {"data": f"survey:{SURVEY}:{i % 5}"},
            }
            body = json.dumps({"destination": "U" + "0" * 32, "events": [event]},
                              ensure_ascii=False, separators=(",", ":"))
            sig = base64.b64encode(hmac.new(secret, body.encode(), hashlib.sha256).digest()).decode()
            f.write(sig + "\t" + body + "\n")


def journalled_answers(state):
    n = 0
    for path in glob.glob(f"{state}/journal/*.jsonl"):
        with open(path, encoding="utf-8") as f:
            n += sum(1 for line in f if '"kpi":"answer"' in line)
    return n


def main():
    duration = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    if not shutil.which("wrk"):
        serve.run("apt-get", "install", "-y", "-qq", "wrk")
    serve.run("cargo", "build", "--release", "--quiet", "--bin", "oyako", "--example", "bench_fake_line")
    exe = os.path.join(serve.ROOT, "target/release/oyako")
    fake = os.path.join(serve.ROOT, "target/release/examples/bench_fake_line")
    work = tempfile.mkdtemp(dir=os.path.join(serve.ROOT, "target"))
    procs = []
    try:
        serve.run(exe, "build", "--content", "content", "--out", f"{work}/dist", stderr=subprocess.DEVNULL)
        hooks = f"{work}/answers.txt"
        answers_file(max(300_000, duration * 50_000), hooks)
        script = os.path.join(serve.ROOT, "tests/bench/webhook.lua")
        procs.append(subprocess.Popen([fake, f"{serve.API[0]}:{serve.API[1]}"]))
        serve.wait_port(serve.API)
        env = dict(os.environ, LINE_CHANNEL_SECRET=serve.SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token",
                   LINE_API_BASE=f"http://{serve.API[0]}:{serve.API[1]}", OYAKO_LOG="warn",
                   OYAKO_INSTANCE="bench")
        state = f"{work}/state"
        procs.append(subprocess.Popen([exe, "serve", "--bundle", f"{work}/dist", "--listen",
                                       f"{serve.SERVER[0]}:{serve.SERVER[1]}", "--admin-listen",
                                       f"{serve.ADMIN[0]}:{serve.ADMIN[1]}", "--state-dir", state], env=env))
        serve.wait_port(serve.SERVER)
        reqs, lat, non2xx = serve.wrk(script, hooks, duration, conns)
        rps = reqs / duration
        time.sleep(0.5)
        journalled = journalled_answers(state)
        print(f"machine: {os.cpu_count()} cores; wrk -t1 -c{conns} -d{duration}s; fake API, server and wrk share them")
        print(f"survey answers: {reqs} webhooks, {non2xx} non-2xx, {rps:.0f} answers/s answered 200 "
              f"(each journalled and fdatasync'ed first); latency p50 {lat.get('50')}, p99 {lat.get('99')}")
        print(f"journal: {journalled} answers written for {reqs - non2xx} answered 200")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
