#!/usr/bin/env python3
"""Writes N signed LINE postback webhooks, one per line as `signature<TAB>body`, each with
its own webhookEventId (the runtime skips redeliveries) and a postback for one of the pages
of the bundle, for wrk to replay.

usage: gen_webhooks.py N SECRET BUNDLE_DIR OUT
"""
import base64
import hashlib
import hmac
import json
import sys


def main():
    n, secret, bundle, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3], sys.argv[4]
    with open(f"{bundle}/bundle.json", encoding="utf-8") as f:
        pages = [p["postback"] for p in json.load(f)["pages"]]
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            event = {
                "type": "postback", "mode": "active", "timestamp": 1767225600000 + i,
                "source": {"type": "user", "userId": "U%032x" % (i % 5000)},
                "webhookEventId": "01BENCH%019d" % i,
                "deliveryContext": {"isRedelivery": False},
                "replyToken": "%032x" % (i + 1),
                "postback": {"data": pages[i % len(pages)]},
            }
            body = json.dumps({"destination": "U" + "0" * 32, "events": [event]},
                              ensure_ascii=False, separators=(",", ":"))
            sig = base64.b64encode(hmac.new(secret, body.encode(), hashlib.sha256).digest()).decode()
            f.write(sig + "\t" + body + "\n")


if __name__ == "__main__":
    main()
