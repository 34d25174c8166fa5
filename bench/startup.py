"""Start-up time and memory of `sitebot serve --demo` on a fresh SQLite database.

Starts the real command, polls /healthz until it answers 200, and prints the time to ready and
the server's resident memory (RSS) then, and again after 200 console messages.
Usage: python bench/startup.py [--runs 3] [--messages 200] [--port N]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, body: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()


def one_run(port: int, messages: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SITEBOT_PORT": str(port),
               "SITEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db"}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--demo"], env=env,
                                stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/server.log", "w"))
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None:
                        raise SystemExit("sitebot exited during start-up")
                    time.sleep(0.02)
            ready = time.perf_counter() - started
            rss_ready = rss_mib(proc.pid)
            for i in range(messages):
                post(f"http://127.0.0.1:{port}/console/api/messages",
                     {"user": "u-li", "chat": "p001-site", "text": f"报修 {i}号楼渗水"})
            time.sleep(1)
            return ready, rss_ready, rss_mib(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:  # say so, with the server's last words
                print("sitebot did not stop within 15 s of SIGTERM; its log ends:")
                print(Path(f"{tmp}/server.log").read_text()[-2000:])
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    results = [one_run(args.port or free_port(), args.messages) for _ in range(args.runs)]
    ready = [r[0] for r in results]
    print(f"start-up to /healthz 200 (fresh SQLite, migrations + demo seed): "
          f"median {statistics.median(ready):.2f} s (runs: {', '.join(f'{x:.2f}' for x in ready)})")
    print(f"RSS when ready: median {statistics.median(r[1] for r in results):.1f} MiB")
    print(f"RSS after {args.messages} console reports (tickets + cards): "
          f"median {statistics.median(r[2] for r in results):.1f} MiB")


if __name__ == "__main__":
    main()
