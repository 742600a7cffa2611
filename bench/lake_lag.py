"""Samples GET /v1/lake every 50 ms and works out, for each watermark the lake reaches, how long
after the store reached that seq it happened: the time a trade waits between its durable
acknowledgement and being in a committed Iceberg snapshot.
Usage: lake_lag.py URL ADMIN_PASSWORD SECONDS   (prints JSON)"""
import bisect
import json
import statistics
import sys
import time

import requests

url, password, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
token = requests.post(f"{url}/v1/auth/token", json={"username": "admin", "password": password}).json()["access_token"]
session = requests.Session()
session.headers["Authorization"] = f"Bearer {token}"
store_times, store_seqs, delays = [], [], []
last_watermark = 0
deadline = time.monotonic() + seconds + 10
quiet_since = None
while time.monotonic() < deadline:
    now = time.monotonic()
    body = session.get(f"{url}/v1/lake").json()
    store_times.append(now)
    store_seqs.append(body["store_last_seq"])
    if body["watermark"] > last_watermark:
        # When did the store first reach this watermark?
        i = bisect.bisect_left(store_seqs, body["watermark"])
        if i < len(store_times):
            delays.append(now - store_times[i])
        last_watermark = body["watermark"]
    if body["lag_trades"] == 0 and body["store_last_seq"] > 0 and now > deadline - 10:
        break
    time.sleep(0.05)
print(json.dumps({"samples": len(delays), "max_delay_s": max(delays) if delays else float("inf"),
                  "p50_delay_s": statistics.median(delays) if delays else float("inf")}))
