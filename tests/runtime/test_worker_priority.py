"""`sitebot serve --worker-process`: the worker child runs at a lower CPU priority than the web
side (server.worker_nice, SITEBOT_WORKER_NICE), every thread of it, so the acknowledgements win
a core both want; the web side keeps its own priority. The real command, on the test database."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def nice_of(pid: int, tid: int | None = None) -> int:
    """The nice value (field 19 of /proc/<pid>[/task/<tid>]/stat)."""
    path = Path(f"/proc/{pid}/task/{tid}/stat") if tid else Path(f"/proc/{pid}/stat")
    return int(path.read_text().rsplit(")", 1)[1].split()[16])


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db_url: str, tmp_path: Path, nice: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITEBOT_")}
    env.update({"SITEBOT_DATABASE_URL": db_url, "SITEBOT_PORT": str(free_port()),
                "SITEBOT_MEDIA_DIR": str(tmp_path / "media"), "PYTHONPATH": str(ROOT)})
    if nice is not None:
        env["SITEBOT_WORKER_NICE"] = nice
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--worker-process"], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def running_worker(web: subprocess.Popen) -> int:
    """The worker child's pid once it says it runs (its threads have started by then)."""
    for line in web.stdout:
        if "sitebot worker running" in line:
            break
    else:
        raise AssertionError(f"serve ended ({web.wait()}) before its worker ran")
    (worker,) = children_of(web.pid)
    time.sleep(0.5)   # let it reach its loop; its threads exist already
    return worker


def stop(web: subprocess.Popen) -> None:
    web.send_signal(signal.SIGINT)
    try:
        web.wait(30)
    except subprocess.TimeoutExpired:
        web.kill()
        web.wait()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("setting, lowered", [(None, 10), ("3", 3), ("0", 0)])
def test_the_worker_child_runs_at_a_lower_priority(db_url, tmp_path, setting, lowered):
    web = serve(db_url, tmp_path, setting)
    try:
        worker = running_worker(web)
        threads = [int(t.name) for t in Path(f"/proc/{worker}/task").iterdir()]
        assert nice_of(web.pid) == os.nice(0)            # the web side keeps its own
        assert {nice_of(worker, tid) for tid in threads} == {min(os.nice(0) + lowered, 19)}
    finally:
        stop(web)


def test_a_bad_worker_nice_stops_start_up_naming_the_key(db_url, tmp_path):
    web = serve(db_url, tmp_path, "-5")
    out, _ = web.communicate(timeout=60)
    assert web.returncode != 0 and "SITEBOT_WORKER_NICE" in out
