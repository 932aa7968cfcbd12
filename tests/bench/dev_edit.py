#!/usr/bin/env python3
"""Edit latency of `oyako dev`: how long after a page is saved the simulator shows it.

Generates N synthetic pages (gen_content.py), starts `oyako dev` on them, waits for the
first build, then RUNS times: rewrites one page's first paragraph with a new word, and
taps that page in the simulator (its /_sim/send and /_sim/messages API, as sim.js does)
every 20 ms until the reply carries the new word. Prints each latency (file written → reply
shown) and the median. No figure is asserted: the machine is shared (see BENCHMARKS.md).

usage: dev_edit.py OYAKO_BINARY [N] [RUNS]
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def shown(base, after, word):
    """Whether a bot reply after chat entry `after` contains `word`; and the entries seen."""
    items = call(base, f"/_sim/messages?after={after}")["items"]
    return any(word in json.dumps(i, ensure_ascii=False) for i in items), after + len(items)


def main():
    binary = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    work = tempfile.mkdtemp()
    try:
        subprocess.run([sys.executable, f"{HERE}/gen_content.py", str(n), f"{work}/content"],
                       check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(f"{work}/dev.log", "w")
        dev = subprocess.Popen([binary, "dev", "--content", f"{work}/content", "--out",
                                f"{work}/dist", "--today", "2026-11-27", "--port", str(port)],
                               stdout=log, stderr=log)
        try:
            measure(base, work, runs)
        finally:
            dev.terminate()
            dev.wait()
    finally:
        shutil.rmtree(work)


def measure(base, work, runs):
    start = time.monotonic()
    while True:
        try:
            if call(base, "/_sim/state")["running"]:
                break
        except OSError:
            pass
        if time.monotonic() - start > 600:
            sys.exit("oyako dev did not start")
        time.sleep(0.1)
    print(f"first build and start: {time.monotonic() - start:.2f} s")
    page = f"{work}/content/s00/t00/u00/p0.md"
    after = len(call(base, "/_sim/messages?after=0")["items"])
    latencies = []
    for run in range(runs):
        word = f"編集確認{run:03}"
        text = open(page, encoding="utf-8").read()
        head, body = text.split("---\n", 2)[1:]
        first, rest = body.split("\n", 1)
        t0 = time.monotonic()
        with open(page, "w", encoding="utf-8") as f:
            f.write(f"---\n{head}---\n{word}{first}\n{rest}")
        while True:
            call(base, "/_sim/send", {"type": "postback", "data": "page:s00/t00/u00/p0"})
            ok, after = shown(base, after, word)
            if ok:
                break
            if time.monotonic() - t0 > 120:
                sys.exit("the edit never showed")
            time.sleep(0.02)
        latencies.append(time.monotonic() - t0)
        print(f"edit {run}: {latencies[-1] * 1000:.0f} ms")
        time.sleep(0.5)
    print(f"median edit → visible: {statistics.median(latencies) * 1000:.0f} ms over {runs}")


if __name__ == "__main__":
    main()
