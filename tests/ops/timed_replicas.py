"""Timed messages across replicas, for tests/ops/multi_replica.py: every replica has its own
state directory but one shared OYAKO_TIMED_DIR (as deploy/k8s/oyako.yaml mounts it) and the
same OYAKO_DATA_KEY. Parents register through nginx, so a parent's consent and date usually
reach different replicas; at the delivery time every replica's daily loop wakes at once, and
each child must get each message due that day exactly once.

Used by multi_replica.py in three calls: env() for the replicas, register() once they are up,
check() to wait for the day's delivery and compare.
"""
import base64
import calendar
import hashlib
import hmac
import json
import http.client
import os
import ssl
import subprocess
import time
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))
DATA_KEY = "5a" * 32
PARENTS = 24
# Seconds between the replicas' start and the delivery time: room to start and register.
LEAD = 25


def env(work):
    """Extra environment of every replica: the shared directory, the key, and a delivery
    time LEAD seconds from now (no quiet hours), so their loops deliver during the test."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(f"{root}/deploy/k8s/oyako.yaml", encoding="utf-8") as f:
        manifest = f.read()
    if "OYAKO_TIMED_DIR" not in manifest or "ReadWriteMany" not in manifest:
        raise SystemExit("FAIL: deploy/k8s/oyako.yaml no longer shares OYAKO_TIMED_DIR; update this test")
    now = datetime.now(JST)
    if (now + timedelta(seconds=LEAD + 60)).date() != now.date():
        # The delivery day must not change under the test: wait for the new day.
        time.sleep((now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1) - now).seconds + 2)
        now = datetime.now(JST)
    at = (now + timedelta(seconds=LEAD)).strftime("%H:%M:%S")
    os.makedirs(f"{work}/timed", exist_ok=True)
    return {"OYAKO_TIMED_DIR": f"{work}/timed", "OYAKO_DATA_KEY": DATA_KEY,
            "OYAKO_TIMED_AT": at, "OYAKO_QUIET_HOURS": "off"}


def add_offset(d, at):
    """`bundle::Offset::apply`: years and months first (clamped to the month's end), then
    weeks and days."""
    months = d.month - 1 + 12 * at.get("years", 0) + at.get("months", 0)
    y, m = d.year + months // 12, months % 12 + 1
    d = date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
    return d + timedelta(weeks=at.get("weeks", 0), days=at.get("days", 0))


def school_entry(birth):
    early = (birth.month, birth.day) <= (4, 1)
    return date(birth.year + (6 if early else 7), 4, 1)


def birth_steps(dist):
    with open(f"{dist}/bundle.json", encoding="utf-8") as f:
        steps = json.load(f)["timed"]["steps"]
    return [s for s in steps if s["from"] == "birth"]


def due_today(steps, birth, today):
    """How many birth steps a child born `birth`, registered today, gets today."""
    n = 0
    for s in steps:
        if add_offset(birth, s["at"]) != today or today >= school_entry(birth):
            continue
        if "until" in s and today > add_offset(birth, s["until"]):
            continue
        n += 1
    return n


def birth_for(step, today):
    d = today - timedelta(days=7 * 366)
    while d < today:
        if add_offset(d, step["at"]) == today:
            return d
        d += timedelta(days=1)
    return None


def webhook(secret, user, n, data, params=None):
    event = {
        "type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01TIMED%019d" % n,
        "deliveryContext": {"isRedelivery": False},
        "replyToken": "%032x" % (10 ** 9 + n),
        "postback": {"data": data, **({"params": params} if params else {})},
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, separators=(",", ":"))
    sig = base64.b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()
    return body, sig


def post(port, body, signature, tls=False):
    """POSTs a webhook to nginx on `port` (over TLS with its test certificate); returns the
    status."""
    c = (http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ssl._create_unverified_context())
         if tls else http.client.HTTPConnection("127.0.0.1", port, timeout=10))
    c.request("POST", "/webhook", body=body.encode(),
              headers={"content-type": "application/json", "x-line-signature": signature})
    r = c.getresponse()
    r.read()
    return r.status


def register(dist, secret, post):
    """Registers PARENTS parents through `post(body, signature) -> status` (nginx): every one
    a child due a message today, every third a second child, and the last one stops again.
    Returns the messages each user must get today."""
    today = datetime.now(JST).date()
    every = birth_steps(dist)
    steps = [s for s in every if s["at"].get("years", 0) < 6 and birth_for(s, today)]
    if len(steps) < 2:
        raise SystemExit("FAIL: the sample bundle has too few birth steps for the timed check")
    expected, n = {}, 0
    for p in range(PARENTS):
        user = "U7%031x" % p
        actions = [("timed:consent", None)]
        kids = [steps[p % len(steps)]] + ([steps[(p + 1) % len(steps)]] if p % 3 == 0 else [])
        for step in kids:
            actions.append(("timed:add:birth", {"date": birth_for(step, today).isoformat()}))
        if p == PARENTS - 1:
            actions.append(("timed:stop", None))
        for data, params in actions:
            n += 1
            status = post(*webhook(secret, user, n, data, params))
            if status != 200:
                raise SystemExit(f"FAIL: registration webhook answered {status}")
        if p != PARENTS - 1:
            births = {birth_for(s, today) for s in kids}
            expected[user] = sum(due_today(every, b, today) for b in births)
    return expected


def fetch(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path)
    return json.loads(c.getresponse().read())


def check(api_port, expected, exe, dist, work, env, timeout=LEAD + 60):
    """Waits for the day's delivery; returns failures (empty when every registered child got
    each message due today exactly once, and a late `oyako deliver` finds nothing to send)."""
    want = sum(expected.values())
    end = time.time() + timeout
    while time.time() < end and fetch(api_port, "/count")["recipients"] < want:
        time.sleep(0.2)
    time.sleep(1)
    got = {u: n for u, n in fetch(api_port, "/recipients").items() if u.startswith("U7")}
    counts = fetch(api_port, "/count")
    late = subprocess.run([exe, "deliver", "--bundle", dist, "--state-dir", f"{work}/state1"],
                          env=dict(env, OYAKO_TIMED_DIR=f"{work}/timed", OYAKO_DATA_KEY=DATA_KEY),
                          capture_output=True, text=True)
    print(f"timed: {want} messages due to {len(expected)} parents; received {sum(got.values())} "
          f"in {counts['sends']} sends, {counts['send_duplicates']} repeats answered 409; "
          f"a late oyako deliver: {late.stdout.strip().splitlines()[:1]}")
    failures = []
    if got != expected:
        wrong = {u: (got.get(u, 0), n) for u, n in expected.items() if got.get(u, 0) != n}
        extra = {u: n for u, n in got.items() if u not in expected}
        failures.append(f"timed messages not exactly once: (got, want) {wrong}, unexpected {extra}")
    if late.returncode != 0 or " 0 通を送りました" not in late.stdout:
        failures.append(f"a late oyako deliver sent again or failed: {late.stdout}{late.stderr}")
    journals = [d for d in os.listdir(work) if d.startswith("state") and
                os.path.exists(f"{work}/{d}/timed.journal")]
    if journals:
        failures.append(f"timed journals outside the shared directory: {journals}")
    return failures
