#!/usr/bin/env python3
"""Benchmark driver behind bench/run.sh. Python standard library + wrk; loopback only.

Phases, each on a fresh `terrane serve --listen 127.0.0.1:0` with its own temp data dir:
  a. wrk GET workspace vs GET /healthz (64 keep-alive connections, 2 threads), alternated
     BENCH_ROUNDS times (3) for BENCH_DURATION seconds each (10), medians reported
  b. list latency with BENCH_WORKSPACES workspaces in one project (first/middle/last page, search)
  c. upload + download of a BENCH_STATE_MIB MiB state, server peak RSS (VmHWM) before/after
  d. DELETE of a workspace holding BENCH_VERSIONS state versions
"""

import argparse
import http.client
import json
import math
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from terrane_harness import (TerraneServer, basic_auth, download_sha256, run_cli,  # noqa: E402
                             send_request, state_doc, state_path, upload_streamed, ws_base,
                             ws_path)

ACCOUNT = "default"
LIST_PROJECT = "bench_list"
PAGE = 30
SAMPLES = 50

# Targets. None = no target agreed yet (the row prints "none set").
TARGET_GET_RATIO = 0.6       # GET workspace req/s ÷ GET /healthz req/s
TARGET_GET_P99_MS = 10.0
TARGET_LIST_P50_MS = 5.0     # any unfiltered page at 100k workspaces
TARGET_STATE_S = 1.0         # upload and download of a 64 MiB state, each
TARGET_RSS_FACTOR = 3.0      # server peak RSS growth ≤ 3 × the state body
TARGET_DELETE_MS = 1000.0    # delete of a workspace with 1,000 state versions


def list_target(label):
    """Unfiltered pages have the p50 target; searches and filters are reported only."""
    return f"p50 ≤ {TARGET_LIST_P50_MS:g} ms" if is_page(label) else None


def list_verdict(label, p50):
    return p50 <= TARGET_LIST_P50_MS if is_page(label) else None


def is_page(label):
    return label.split(" ")[0] in ("first", "middle", "last")


def env_int(name, default):
    return int(os.environ.get(name, default))


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def percentile(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def auth_headers(key):
    return {"x-api-key": key, "Harness-Account": ACCOUNT}


def expect(resp, status, what):
    if resp.status != status:
        raise SystemExit(f"bench: {what}: expected HTTP {status}, got {resp!r}")
    return resp


def vm_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"bench: no {field} in /proc/{pid}/status")


# wrk sends tens of thousands of requests per second with one key: far above the per-key
# --rate-limit that protects a real server. The limiter still runs on every request (its cost is
# part of what is measured), with a budget wrk cannot exhaust.
BENCH_SERVE_ARGS = ("--rate-limit", "1000000000", "--rate-burst", "1000000000")


class Server:
    def __init__(self):
        self.srv = TerraneServer(BENCH_SERVE_ARGS)

    def __enter__(self):
        self.srv.start()
        self.client = self.srv.client()
        return self

    def __exit__(self, *exc):
        try:
            self.srv.stop()
        finally:
            self.srv.cleanup()


# --- a. wrk ------------------------------------------------------------------------------------

def run_wrk(url, key, duration):
    cmd = ["wrk", "-t2", "-c64", f"-d{duration}s", "--latency", "-s",
           str(REPO / "bench" / "wrk_report.lua"), url]
    env = dict(os.environ, TERRANE_API_KEY=key, TERRANE_ACCOUNT=ACCOUNT)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60)
    if proc.returncode != 0:
        raise SystemExit(f"bench: wrk failed: {proc.stderr}")
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"bench: wrk printed no result line:\n{proc.stdout}")
    r = json.loads(line[len("BENCH_JSON "):])
    errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
    if errors or r["non_2xx"]:
        raise SystemExit(f"bench: wrk saw errors or non-2xx answers on {url}: {r}")
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def phase_a(rows, duration, rounds):
    """Alternates wrk runs of /healthz and GET workspace `rounds` times and reports medians: on a
    shared machine a single pair of runs moved the ratio by ±0.1 from one run to the next."""
    health_runs, ws_runs = [], []
    with Server() as s:
        s.client.create_workspace("bench-get", description="wrk target",
                                  tags={"team": "bench"})
        base = s.client.base_url
        for i in range(rounds):
            log(f"a: round {i + 1}/{rounds}: wrk GET /healthz for {duration}s")
            health_runs.append(run_wrk(base + "/healthz", s.client.key, duration))
            log(f"a: round {i + 1}/{rounds}: wrk GET workspace for {duration}s")
            ws_runs.append(run_wrk(base + ws_path("bench-get"), s.client.key, duration))
    ratios = [w["rps"] / h["rps"] for h, w in zip(health_runs, ws_runs)]
    ratio = statistics.median(ratios)
    health_rps = statistics.median(h["rps"] for h in health_runs)
    ws_rps = statistics.median(w["rps"] for w in ws_runs)
    health_p99 = statistics.median(h["p99_us"] for h in health_runs) / 1000
    ws_p99 = statistics.median(w["p99_us"] for w in ws_runs) / 1000
    ws_p50 = statistics.median(w["p50_us"] for w in ws_runs) / 1000
    each = ", ".join(f"{r:.2f}" for r in ratios)
    rows.append((f"a. GET /healthz throughput (wrk -t2 -c64, median of {rounds})",
                 f"{health_rps:,.0f} req/s", None, None))
    rows.append(("a. GET /healthz p99", f"{health_p99:.2f} ms", None, None))
    rows.append((f"a. GET workspace throughput (wrk -t2 -c64, median of {rounds})",
                 f"{ws_rps:,.0f} req/s", None, None))
    rows.append(("a. GET workspace ÷ GET /healthz (median of the rounds' ratios)",
                 f"{ratio:.2f} ({each})", f"≥ {TARGET_GET_RATIO}", ratio >= TARGET_GET_RATIO))
    rows.append(("a. GET workspace p99", f"{ws_p99:.2f} ms",
                 f"≤ {TARGET_GET_P99_MS:g} ms", ws_p99 <= TARGET_GET_P99_MS))
    rows.append(("a. GET workspace p50", f"{ws_p50:.2f} ms", None, None))


# --- b. list at scale --------------------------------------------------------------------------

def seed_with_api(client, count, deadline, threads=8):
    """Creates ws-000000… concurrently on keep-alive connections; stops at the deadline."""
    created = [0] * threads
    failure = []

    def worker(t):
        conn = client.connection()
        h = dict(auth_headers(client.key), **{"Content-Type": "application/json"})
        try:
            for i in range(t, count, threads):
                if time.monotonic() > deadline or failure:
                    return
                body = json.dumps({"identifier": f"ws-{i:06d}", "name": f"bench ws {i:06d}",
                                   "provisioner": "terraform"}).encode()
                try:
                    r = send_request(conn, "POST", ws_base("default", LIST_PROJECT), body, h)
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = client.connection()
                    r = send_request(conn, "POST", ws_base("default", LIST_PROJECT), body, h)
                if r.status != 200:
                    failure.append(r)
                    return
                created[t] += 1
        finally:
            conn.close()

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if failure:
        raise SystemExit(f"bench: creating a workspace failed: {failure[0]!r}")
    return sum(created)


def time_requests(client, path, n=SAMPLES, warmup=3):
    conn = client.connection()
    h = auth_headers(client.key)
    samples = []
    try:
        for i in range(warmup + n):
            t0 = time.perf_counter()
            r = send_request(conn, "GET", path, None, h)
            dt = (time.perf_counter() - t0) * 1000
            expect(r, 200, f"GET {path}")
            if i >= warmup:
                samples.append(dt)
        return samples, r
    finally:
        conn.close()


def phase_b(rows, count):
    with Server() as s:
        c = s.client
        c.create_project("default", LIST_PROJECT)
        t0 = time.monotonic()
        log(f"b: creating {count} workspaces through the API")
        seed_with_api(c, count, t0 + env_int("BENCH_SEED_TIMEOUT", 900))
        how = "API, 8 connections"
        seed_s = time.monotonic() - t0
        r = expect(c.api("GET", ws_base("default", LIST_PROJECT) + "?limit=1"), 200, "count")
        total = int(r.headers["x-total-items"])
        rows.append((f"b. create {total:,} workspaces ({how})",
                     f"{seed_s:.1f} s ({total / seed_s:,.0f}/s)", None, None))
        if total != count:
            rows.append(("b. NOTE", f"only {total:,} of {count:,} created before the deadline",
                         None, None))
        pages = max(1, math.ceil(total / PAGE))
        base = ws_base("default", LIST_PROJECT)
        cases = [
            ("first page", f"{base}?limit={PAGE}&page=1"),
            ("middle page", f"{base}?limit={PAGE}&page={max(1, pages // 2)}"),
            ("last page", f"{base}?limit={PAGE}&page={pages}"),
            ("first page, sort=updated,DESC", f"{base}?limit={PAGE}&sort=updated,DESC"),
            ("middle page, sort=updated,DESC",
             f"{base}?limit={PAGE}&page={max(1, pages // 2)}&sort=updated,DESC"),
            ("search `04999` (substring)", f"{base}?limit={PAGE}&searchTerm=04999"),
            ("search, no match", f"{base}?limit={PAGE}&searchTerm=zzz-nothing"),
        ]
        for label, path in cases:
            log(f"b: timing {label}")
            samples, last = time_requests(c, path)
            rows.append((f"b. list {label}, limit {PAGE}, {total:,} workspaces "
                         f"({len(last.body)} items)",
                         f"p50 {percentile(samples, 50):.2f} ms / "
                         f"p99 {percentile(samples, 99):.2f} ms",
                         list_target(label), list_verdict(label, percentile(samples, 50))))


# --- c. big state ------------------------------------------------------------------------------

def phase_c(rows, mib):
    size = mib * 1024 * 1024
    with Server() as s:
        c = s.client
        c.create_workspace("bench-big")
        pid = s.srv.pid
        hwm0, rss0 = vm_kib(pid, "VmHWM"), vm_kib(pid, "VmRSS")
        log(f"c: uploading a {mib} MiB state")
        status, body, sha, up_s = upload_streamed(c, state_path("bench-big"), size)
        if status != 200:
            raise SystemExit(f"bench: upload answered {status}: {body[:300]!r}")
        hwm1 = vm_kib(pid, "VmHWM")
        log("c: downloading it")
        status, got, n, down_s = download_sha256(c, state_path("bench-big"))
        if status != 200 or got != sha or n != size:
            raise SystemExit(f"bench: download mismatch: status {status}, {n} bytes")
        hwm2, rss2 = vm_kib(pid, "VmHWM"), vm_kib(pid, "VmRSS")
    rows.append((f"c. upload {mib} MiB state (POST, Content-Md5)",
                 f"{up_s:.2f} s ({mib / up_s:,.0f} MiB/s)", f"≤ {TARGET_STATE_S:g} s",
                 up_s <= TARGET_STATE_S))
    rows.append((f"c. download {mib} MiB state (GET)",
                 f"{down_s:.2f} s ({mib / down_s:,.0f} MiB/s)", f"≤ {TARGET_STATE_S:g} s",
                 down_s <= TARGET_STATE_S))
    growth = (max(hwm1, hwm2) - hwm0) / 1024 / mib
    rows.append(("c. server peak RSS (VmHWM) before → after upload → after download",
                 f"{hwm0 / 1024:.0f} → {hwm1 / 1024:.0f} → {hwm2 / 1024:.0f} MiB "
                 f"(growth {growth:.2f} × body)", f"growth ≤ {TARGET_RSS_FACTOR:g} × body",
                 growth <= TARGET_RSS_FACTOR))
    rows.append(("c. server RSS (VmRSS) before → after",
                 f"{rss0 / 1024:.0f} → {rss2 / 1024:.0f} MiB", None, None))


# --- d. delete with many versions --------------------------------------------------------------

def phase_d(rows, versions):
    with Server() as s:
        c = s.client
        c.create_workspace("bench-del")
        conn = c.connection()
        h = {"Authorization": basic_auth(c.key), "Content-Type": "application/json"}
        lineage = "0b5e7c1a-3f2d-4c8b-9a61-2d4e6f8a0c13"
        write_ms = []
        try:
            log(f"d: writing {versions} state versions")
            for serial in range(1, versions + 1):
                body = state_doc(serial, lineage, managed=0)
                t0 = time.perf_counter()
                r = send_request(conn, "POST", state_path("bench-del"), body, h)
                write_ms.append((time.perf_counter() - t0) * 1000)
                expect(r, 200, f"state write serial {serial}")
        finally:
            conn.close()
        r = expect(c.api("GET", ws_path("bench-del") + "/state-versions?limit=1"), 200,
                   "versions")
        stored = int(r.headers["x-total-items"])
        if stored != versions:
            raise SystemExit(f"bench: {stored} versions stored, expected {versions}")
        status = c.get_workspace("bench-del")["status"]
        if status != "inactive":
            raise SystemExit(f"bench: workspace is {status}, expected inactive")
        t0 = time.perf_counter()
        r = c.api("DELETE", ws_path("bench-del"))
        del_ms = (time.perf_counter() - t0) * 1000
        expect(r, 204, "DELETE workspace")
    rows.append((f"d. state write (small, keep-alive), {versions} writes",
                 f"p50 {percentile(write_ms, 50):.2f} ms / p99 {percentile(write_ms, 99):.2f} ms",
                 None, None))
    rows.append((f"d. DELETE workspace with {versions:,} state versions", f"{del_ms:.1f} ms",
                 f"≤ {TARGET_DELETE_MS:g} ms", del_ms <= TARGET_DELETE_MS))


# --- report ------------------------------------------------------------------------------------

def table(rows):
    out = ["| Benchmark | Measured | Target | Verdict |", "|---|---|---|---|"]
    for what, measured, target, ok in rows:
        verdict = "" if ok is None else ("PASS" if ok else "**FAIL**")
        out.append(f"| {what} | {measured} | {target or 'none set'} | {verdict} |")
    return "\n".join(out)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ver = run_cli("version").stdout.strip()
    return (f"{ver}; {os.cpu_count()} CPUs ({cpu}); Linux {platform.release()}; "
            f"server, wrk and this driver share the machine (loopback)")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", help="also write the markdown report here")
    ap.add_argument("--phases", default="abcd", help="subset of abcd to run")
    args = ap.parse_args()
    if "TERRANE_BIN" not in os.environ:
        raise SystemExit("bench: set TERRANE_BIN (bench/run.sh does)")

    rows = []
    started = time.monotonic()
    if "a" in args.phases:
        phase_a(rows, env_int("BENCH_DURATION", 10), env_int("BENCH_ROUNDS", 3))
    if "b" in args.phases:
        phase_b(rows, env_int("BENCH_WORKSPACES", 100000))
    if "c" in args.phases:
        phase_c(rows, env_int("BENCH_STATE_MIB", 64))
    if "d" in args.phases:
        phase_d(rows, env_int("BENCH_VERSIONS", 1000))
    report = (f"Terrane benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
              f"Machine: {machine()}\n\n{table(rows)}\n\n"
              f"Total run time {time.monotonic() - started:.0f} s. List and write latencies "
              f"are measured from a Python client (one keep-alive connection, {SAMPLES} "
              f"samples after 3 warm-ups) and include its overhead.\n")
    print(report)
    if args.output:
        with open(args.output, "w") as f:
            f.write(report)
    failed = [r for r in rows if r[3] is False]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
