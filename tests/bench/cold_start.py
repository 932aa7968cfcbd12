#!/usr/bin/env python3
"""Cold start of `oyako serve`: exec → the admin listener's /healthz answers 200 (the bundle is
loaded, checked and its public URLs rewritten by then), and the CPU the process used so far.

usage: cold_start.py BUNDLE_DIR RUNS OYAKO [OYAKO ...]   (binaries alternate, medians printed)
"""
import os
import statistics
import subprocess
import sys
import time
import urllib.request

bundle, runs, exes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
env = dict(os.environ, LINE_CHANNEL_SECRET="s", LINE_CHANNEL_ACCESS_TOKEN="t",
           OYAKO_PUBLIC_URL="https://line.example.jp")
wall = {exe: [] for exe in exes}
cpu = {exe: [] for exe in exes}
for _ in range(runs):
    for exe in exes:
        t0 = time.monotonic()
        p = subprocess.Popen([exe, "serve", "--bundle", bundle, "--listen", "127.0.0.1:0",
                              "--admin-listen", "127.0.0.1:18182"], env=env, stderr=subprocess.DEVNULL)
        while True:
            try:
                if urllib.request.urlopen("http://127.0.0.1:18182/healthz", timeout=1).status == 200:
                    break
            except OSError:
                if p.poll() is not None:
                    sys.exit(f"{exe} exited with {p.returncode}")
                time.sleep(0.0005)
        wall[exe].append((time.monotonic() - t0) * 1000)
        stat = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        cpu[exe].append((int(stat[11]) + int(stat[12])) * 1000 / os.sysconf("SC_CLK_TCK"))
        p.terminate()
        p.wait()
for exe in exes:
    print(f"{exe}: exec → /healthz 200 median {statistics.median(wall[exe]):.1f} ms "
          f"({' '.join(f'{t:.0f}' for t in wall[exe])}), CPU {statistics.median(cpu[exe]):.0f} ms")
