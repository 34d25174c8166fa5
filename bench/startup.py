"""Start-up time and memory of `sitebot serve`, beside a bare aiohttp server started the same way.

Each case starts the real command, polls /healthz until it answers 200, and records the time
from exec to ready, the CPU time the process used by then (user + system: unlike the wall time
it hardly moves when other work shares the machine) and the resident memory (RSS) then.

Bytecode: an installed sitebot (`pip install .`, the Docker image) has its modules compiled at
install time, but this working tree is an editable install and PYTHONDONTWRITEBYTECODE is set
here, so every start would compile sitebot's modules from source (about 0.1 s of CPU more).
The runs use a bytecode cache of their own (PYTHONPYCACHEPREFIX in a temporary directory,
filled by compileall before the first run), as a deployment has; --no-bytecode: without it.

Cases, in turn, `--runs` times each:
- bare:      a minimal aiohttp app answering /healthz (Python + aiohttp, the floor);
- restart:   sitebot on an existing SQLite database, no platform, no console (idle);
- platforms: the same with Feishu, WeCom and DingTalk enabled (their APIs unreachable: start-up
             must not wait for them);
- demo:      a fresh database (migrations + demo seed, console on), then RSS again after
             `--messages` console reports.
Usage: python bench/startup.py [--runs 3] [--messages 200] [--no-bytecode]

Figures (issue 18; three rounds each, median (min–max); 2e5cb32 as it was (jsonschema imported
with the API at start, the console's routes always) and with the lazy imports (jsonschema at
the first API call with a body, the console only when on), run in turn on a 2-core machine
that other work kept at a load of 8–14: wall times there were 4–7 s and say nothing; compare
the CPU times):

                 CPU to ready, before      after                RSS idle, before   after
  bare           0.29 s (0.26–0.36)        0.26 s (0.25–0.32)   36.4 MiB           36.4 MiB
  restart        1.45 s (1.38–1.75)        1.23 s (1.22–1.42)   81.2 MiB           79.1 MiB
  platforms      1.57 s (1.52–1.88)        1.44 s (1.39–1.79)   97.9 MiB           95.9 MiB

Issue 18, wave 4 (254a846 as it was; af4e87d: no APScheduler — since put back, imported only
where the jobs run (~50 ms there) —, the wording catalogue's files and
jinja2 read at the first wording, the pages' jinja2 at the first page, aiosmtplib only with
e-mail on, difflib where a name is not found: 906 modules at /healthz instead of 964), four
before/after pairs run in turn on the same loaded machine (the rest of the machine busy, load
3–9), median of each pair's rounds:

                 CPU to ready, before → after                RSS idle, before → after
  restart        1.17→1.11, 1.22→1.17, 1.32→1.17, 1.47→1.28 s   79.2–79.3 → 75.7–78.0 MiB
  bare (same runs) 0.25–0.30 s, unchanged                     36.4 MiB

i.e. 5–13 % less CPU to ready (restart/bare 4.5–4.9 → 4.1–4.4) and 3.5 MiB less.

Most of what is left is imports that serving needs: SQLAlchemy (ORM, asyncio) and aiohttp are
≈ 0.6 s of CPU and ≈ 45 MiB together on that machine (Python alone: 11 MiB), every area's
handlers and domain modules (≈ 340 modules) most of the rest.

Quiet machine, end of wave 4 (626a62a, 3 rounds, median (min–max)):
  bare 0.35 s (0.29–0.36), 36.4 MiB; restart 1.24 s (1.18–1.47), 76.9 MiB;
  platforms 1.57 s (1.42–1.97), 92.9 MiB (wall to ready; CPU within 0.02 s of it).
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

BARE = ("import sys\nfrom aiohttp import web\napp = web.Application()\n"
        "async def ok(request): return web.json_response({'status': 'ok'})\n"
        "app.router.add_get('/healthz', ok)\nweb.run_app(app, port=int(sys.argv[1]), print=None)\n")
PLATFORMS = {
    "SITEBOT_FEISHU_APP_ID": "cli_bench", "SITEBOT_FEISHU_APP_SECRET": "s",
    "SITEBOT_FEISHU_ENCRYPT_KEY": "k", "SITEBOT_FEISHU_BASE_URL": "http://127.0.0.1:9",
    "SITEBOT_WECOM_CORP_ID": "wwbench", "SITEBOT_WECOM_AGENT_ID": "1000002",
    "SITEBOT_WECOM_SECRET": "s", "SITEBOT_WECOM_TOKEN": "t",
    "SITEBOT_WECOM_AES_KEY": "a" * 43, "SITEBOT_WECOM_BASE_URL": "http://127.0.0.1:9",
    "SITEBOT_DINGTALK_APP_KEY": "dingbench", "SITEBOT_DINGTALK_APP_SECRET": "s", "SITEBOT_DINGTALK_CORP_ID": "c",
    "SITEBOT_DINGTALK_ROBOT_CODE": "r", "SITEBOT_DINGTALK_BASE_URL": "http://127.0.0.1:9",
}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system time of the process so far (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, body: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()


def start(command: list[str], env: dict[str, str], port: int, log: Path) -> tuple[subprocess.Popen, float, float]:
    """The process, seconds from exec to ready, and its CPU seconds by then."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - started, cpu_seconds(proc.pid)
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{command} exited during start-up:\n{log.read_text()[-2000:]}")
            time.sleep(0.01)


def stop(proc: subprocess.Popen, log: Path) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:  # say so, with the server's last words
        print(f"did not stop within 15 s of SIGTERM; its log ends:\n{log.read_text()[-2000:]}")
        proc.kill()


def one_round(tmp: Path, messages: int, environ: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    """case -> (seconds to ready, CPU seconds by then, RSS MiB after half a second idle)."""
    out: dict[str, tuple[float, float, float]] = {}
    sitebot = [sys.executable, "-m", "bot.cli", "serve"]
    base = {**environ, "SITEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
            "SITEBOT_LINK_SECRET": "bench-link-secret-0123456789"}
    cases = [("bare", [sys.executable, "-c", BARE], {}), ("restart", sitebot, {}),
             ("platforms", sitebot, PLATFORMS)]
    for name, command, extra in cases:
        port, log = free_port(), tmp / f"{name}.log"
        env = {**base, **extra, "SITEBOT_PORT": str(port)}
        proc, ready, cpu = start(command + ([str(port)] if name == "bare" else []), env, port, log)
        time.sleep(0.5)   # idle
        out[name] = (ready, cpu, rss_mib(proc.pid))
        stop(proc, log)
    port, log = free_port(), tmp / "demo.log"
    env = {**base, "SITEBOT_PORT": str(port),
           "SITEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/demo-{time.time_ns()}.db"}
    proc, ready, cpu = start(sitebot + ["--demo"], env, port, log)
    out["demo"] = (ready, cpu, rss_mib(proc.pid))
    for i in range(messages):
        post(f"http://127.0.0.1:{port}/console/api/messages",
             {"user": "u-li", "chat": "p001-site", "text": f"报修 {i}号楼渗水"})
    time.sleep(1)
    out["demo+reports"] = (float("nan"), float("nan"), rss_mib(proc.pid))
    stop(proc, log)
    return out


def with_bytecode(environ: dict[str, str], cache: Path) -> dict[str, str]:
    """The environment with a bytecode cache of the runs' own, filled now (see the docstring)."""
    environ = {key: value for key, value in environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    environ["PYTHONPYCACHEPREFIX"] = str(cache)
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0",
                    *(str(root / part) for part in ("bot", "domain", "handlers"))],
                   check=True, env=environ, stdout=subprocess.DEVNULL)
    return environ


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f} {unit} "
            f"({min(values):.{digits}f}–{max(values):.{digits}f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile sitebot's modules at every start (no bytecode cache)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        environ = dict(os.environ) if args.no_bytecode else with_bytecode(dict(os.environ), root / "pycache")
        subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], check=True,
                       env={**environ, "SITEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{root}/bench.db"},
                       stdout=subprocess.DEVNULL)
        rounds = [one_round(root, args.messages, environ) for _ in range(args.runs)]
    print(f"start-up to /healthz 200, {args.runs} rounds, median (min–max); "
          f"{'no bytecode cache' if args.no_bytecode else 'with bytecode, as installed'}")
    print(f"  {'':<13} {'wall to ready':<24} {'CPU to ready':<24} RSS (idle)")
    for name in rounds[0]:
        times, cpus, rss = ([r[name][i] for r in rounds] for i in range(3))
        wall = "" if times[0] != times[0] else spread(times, "s")
        cpu = "" if cpus[0] != cpus[0] else spread(cpus, "s")
        print(f"  {name:<13} {wall:<24} {cpu:<24} {spread(rss, 'MiB', 1)}")


if __name__ == "__main__":
    main()
