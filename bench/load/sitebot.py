"""sitebot and the bare reference server as subprocesses, set up through chat."""
from __future__ import annotations

import aiohttp
from aiohttp import web

import asyncio
import collections
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import AsyncIterator, Iterator, Sequence
from .events import APP_ID, APP_SECRET, ENCRYPT_KEY, Layout, Prepared, SERVER_CPU, VERIFICATION_TOKEN, prepare
from .fake import FakeFeishu
from .machine import Processes, ROOT, VENV_PYTHON, cpus_for_pinning, free_port, pinned
from .traffic import Result, _post, session, wait_http


class BareServer:
    def __init__(self, procs: Processes) -> None:
        self.procs, self.port = procs, free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/feishu"

    async def start(self) -> None:
        cmd = [sys.executable, str(ROOT / "bench" / "feishu_load.py"), "bare", "--port", str(self.port),
               "--cpu", str(SERVER_CPU)]
        self.proc = self.procs.start(pinned(cmd, SERVER_CPU))
        await wait_http(f"http://127.0.0.1:{self.port}/healthz", self.proc, 30)

    def stop(self) -> None:
        if self.proc is not None:
            self.procs.stop(self.proc)


def sitebot_command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "sitebot"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("sitebot")
    if found:
        return [found]
    return [sys.executable, "-m", "bot.cli"]


class Sitebot:
    """`sitebot serve` on its own database, with Feishu pointed at the fake."""

    def __init__(self, procs: Processes, workdir: Path, database_url: str, fake_url: str,
                 source: Path | None = None, worker_process: bool = False, *,
                 env: dict[str, str] | None = None, serve_args: Sequence[str] = (),
                 pin: bool = True) -> None:
        """source: run sitebot's code from this tree (a `git archive` snapshot) instead of the
        working tree the virtualenv's editable install points at. worker_process: run
        `sitebot serve --web` (pinned like any server here) and `sitebot work` beside it, not
        pinned: the worker is sitebot's second process and takes the other core. env: more
        SITEBOT_* settings (other platforms, SITEBOT_CONFIG); serve_args: more `serve` options
        (`--demo`, `--worker-process`); pin: pin `serve` to the server's CPU."""
        self.procs, self.workdir, self.database_url = procs, workdir, database_url
        self.worker_process, self.worker = worker_process, None
        self.serve_args, self.pin = list(serve_args), pin
        # `serve --worker-process` (the documented deployment) instead of `serve --web` beside a
        # `sitebot work` of our own: "server" leaves its worker child on the server's CPU (it
        # inherits the pin: both share one core, and only the worker's lower priority keeps it
        # from the acks), "any" lets the child use every CPU. None: as `worker_process` says.
        self.child_worker: str | None = None
        self.worker_pid: int | None = None
        self.port = free_port()
        self.log = workdir / "sitebot.log"
        self.proc: subprocess.Popen | None = None
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("SITEBOT_") and k != "PYTHONPATH"}
        if source is not None:
            self.env["PYTHONPATH"] = str(source)
        self.env.update({
            "PYTHONUNBUFFERED": "1",
            "SITEBOT_HOST": "127.0.0.1", "SITEBOT_PORT": str(self.port),
            "SITEBOT_DATABASE_URL": database_url, "SITEBOT_CONSOLE": "0",
            "SITEBOT_MEDIA_DIR": str(workdir / "media"),
            "SITEBOT_FEISHU_APP_ID": APP_ID, "SITEBOT_FEISHU_APP_SECRET": APP_SECRET,
            "SITEBOT_FEISHU_VERIFICATION_TOKEN": VERIFICATION_TOKEN,
            "SITEBOT_FEISHU_ENCRYPT_KEY": ENCRYPT_KEY, "SITEBOT_FEISHU_BASE_URL": fake_url,
        })
        self.env.update(env or {})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/feishu"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/healthz"

    def cli(self, *args: str) -> str:
        done = subprocess.run([*sitebot_command(), *args], env=self.env, cwd=self.workdir,
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"sitebot {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}")
        return done.stdout.strip()

    async def prepare(self, layout: Layout) -> None:
        """Schema, the projects (domain.store: no command creates one), the first admin (CLI)."""
        self.cli("db", "upgrade")
        self.create_projects(layout.projects)
        self.cli("admin", "add", layout.admin.name, "--identity", f"feishu:{layout.admin.open_id}")

    def create_projects(self, projects: Sequence[tuple[str, str]]) -> None:
        """Written with domain.store, in a subprocess running sitebot's own code and models."""
        done = subprocess.run([str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable), "-c",
                               CREATE_PROJECTS, self.database_url, json.dumps(projects)],
                              env=self.env, cwd=self.workdir, capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"creating the projects failed:\n{done.stdout}{done.stderr}")

    async def start(self) -> None:
        out = self.log.open("ab")
        mode = (["--worker-process"] if self.child_worker else ["--web"] if self.worker_process else [])
        self.proc = self.procs.start(pinned([*sitebot_command(), "serve", "--port", str(self.port),
                                             *mode, *self.serve_args],
                                            SERVER_CPU if self.pin else None),
                                     env=self.env, cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT)
        await wait_http(self.health_url, self.proc, 90, self.log)
        if self.child_worker:
            self.worker_pid = await _child_of(self.proc.pid, 60)
            if self.child_worker == "any":
                _unpin(self.worker_pid)
        elif self.worker_process:
            self.worker = self.procs.start([*sitebot_command(), "work"], env=self.env, cwd=self.workdir,
                                           stdout=out, stderr=subprocess.STDOUT)
            self.worker_pid = self.worker.pid
        out.close()

    def kill(self) -> None:
        """kill -9 of sitebot's processes at once, as a crash or the OOM killer would (`serve`
        runs in a session of its own: the group is it and the worker it started, if any)."""
        for proc in (self.proc, self.worker):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            if proc is not None:
                proc.wait(10)
                self.procs.stop(proc)
        self.proc = self.worker = None

    def stop(self) -> int | None:
        """SIGINT, then SIGKILL after 8 s: an overloaded sitebot finishing its backlog of late
        events can take long to stop, and its shutdown is not what is measured."""
        if self.worker is not None:
            self.procs.stop(self.worker, grace=8.0)
        return self.procs.stop(self.proc, grace=8.0) if self.proc is not None else None

    def log_summary(self, top: int = 6) -> tuple[collections.Counter, list[tuple[str, int]]]:
        """Lines per level, and the most frequent WARNING/ERROR/Traceback lines (ids blurred)."""
        levels: collections.Counter[str] = collections.Counter()
        lines: collections.Counter[str] = collections.Counter()
        if not self.log.exists():
            return levels, []
        in_traceback = False
        for line in self.log.read_text(errors="replace").splitlines():
            match = re.match(r"\S+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ", line)
            if match:
                in_traceback = False
                levels[match.group(1)] += 1
                if match.group(1) in ("WARNING", "ERROR", "CRITICAL"):
                    lines[_blur(line.split(" ", 2)[2])] += 1
            elif line.startswith("Traceback"):
                levels["Traceback"] += 1
                in_traceback = True
            elif in_traceback and line and not line.startswith((" ", "\t", "Traceback", "During", "The above")):
                lines["  raised " + _blur(line)] += 1     # the exception that ended a traceback
                in_traceback = False
        return levels, lines.most_common(top)


async def _child_of(pid: int, timeout: float) -> int:
    """The pid of `pid`'s child process (serve's worker), once it exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    return int(stat.parent.name)
        await asyncio.sleep(0.2)
    raise RuntimeError(f"sitebot serve ({pid}) started no worker within {timeout:.0f} s")


def _unpin(pid: int) -> None:
    """Every thread of `pid` on every CPU (threads it starts later inherit its main thread's)."""
    cpus = set(range(os.cpu_count() or 1))
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(task.name), cpus)


def _blur(text: str) -> str:
    return re.sub(r"(om|oc|ou)_[0-9a-z]+|[0-9a-f]{8,}|\d+", "#", text)[:150]


CREATE_PROJECTS = """
import asyncio, json, sys
from datetime import datetime, timezone
from domain.store.engine import make_engine
from domain.store.models import Project
from domain.store.uow import Store

async def main(url, projects):
    store = Store(make_engine(url))
    now = datetime.now(timezone.utc)
    try:
        async with store.transaction() as tx:
            for code, name in projects:
                tx.add(Project(code=code, name=name, assignment_rules={}, calendar={}, created_at=now))
    finally:
        await store.close()

asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
"""


def snapshot(ref: str, dest: Path) -> tuple[Path, str]:
    """`git archive` of `ref` into dest (the repository is only read). (path, short commit)."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", f"{ref}^{{commit}}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", "--format=tar", commit],
                               stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {ref} failed")
    return dest, commit


@contextlib.asynccontextmanager
async def database(workdir: Path, url: str | None) -> AsyncIterator[tuple[str, str]]:
    """SQLite in the temp dir, or a scratch database created on the PostgreSQL server `url`
    names (dropped afterwards); if it may not create one, `url` itself, which must be empty."""
    if not url:
        yield f"sqlite+aiosqlite:///{workdir}/bench.db", "SQLite"
        return
    from sqlalchemy.engine import make_url
    import asyncpg

    parsed = make_url(url.replace("postgresql://", "postgresql+asyncpg://", 1))
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    scratch = f"sitebot_bench_{secrets.token_hex(4)}"
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{scratch}"')
        finally:
            await conn.close()
    except asyncpg.PostgresError as error:
        print(f"note: could not create a scratch database ({error}); using {parsed.database} as is")
        yield parsed.render_as_string(hide_password=False), "PostgreSQL"
        return
    try:
        yield parsed.set(database=scratch).render_as_string(hide_password=False), "PostgreSQL"
    finally:
        with contextlib.suppress(Exception):
            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            finally:
                await conn.close()


async def setup_via_chat(url: str, layout: Layout, fake: FakeFeishu, timeout: float = 120.0) -> None:
    """The admin binds every chat to its project and adds its people, by chat, like a person
    would; waits for sitebot's answer to each and checks it says it was done."""
    binds = [(prepare(layout.admin, c.chat_id, f"绑定 {c.code}", at_bot=True), "已绑定到")
             for c in layout.chats]
    adds = [(prepare(layout.admin, c.chat_id, f"成员 添加 @_user_2 {c.code} {p.role}", at_bot=True,
                     others=[p]), "已把")
            for c in layout.chats for p in c.people]
    for batch in (binds, adds):
        await post_commands(url, fake, [event for event, _ in batch])
    await answered(fake, binds + adds, timeout)


async def post_commands(url: str, fake: FakeFeishu, commands: Sequence[Prepared]) -> None:
    """Post chat commands (8 at a time); each must be acknowledged with a 200."""
    fake.register(commands)
    async with session(16, 30) as http:
        gate = asyncio.Semaphore(8)

        async def send(event: Prepared) -> Result:
            async with gate:
                return await _post(http, url, event, time.monotonic(), 30)

        results = await asyncio.gather(*(send(e) for e in commands))
    bad = [r.status for r in results if r.status != 200]
    if bad:
        raise RuntimeError(f"setup: {len(bad)} commands not acked 200: {collections.Counter(bad)}")


async def answered(fake: FakeFeishu, expected: Sequence[tuple[Prepared, str]], timeout: float) -> None:
    """Wait until each command has its answer at the fake, and check the answer says `marker`."""
    markers = {event.message_id: marker for event, marker in expected}
    deadline = time.monotonic() + timeout
    while True:
        answers = {d.event_message_id: d.text for d in fake.delivered if d.event_message_id in markers}
        if len(answers) == len(markers) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    missing = [mid for mid in markers if mid not in answers]
    wrong = [answers[mid] for mid, marker in markers.items() if mid in answers and marker not in answers[mid]]
    if missing or wrong:
        raise RuntimeError(f"setup by chat failed: {len(missing)} commands unanswered after "
                           f"{timeout:.0f} s, {len(wrong)} answered otherwise, e.g. {wrong[:3]}")


async def settle(url: str, limit: float) -> tuple[float, list[float]]:
    """Wait until sitebot answers /healthz quickly (< 50 ms) twice in a row — its backlog is
    done — for at most `limit` seconds. Returns the time waited and the last answers' times."""
    started = time.monotonic()
    quick, seen = 0, collections.deque(maxlen=5)
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < limit and quick < 2:
            t0 = time.monotonic()
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
                ok = False
            took = time.monotonic() - t0
            seen.append(took if ok else float("inf"))
            quick = quick + 1 if ok and took < 0.05 else 0
            await asyncio.sleep(0.3)
    return time.monotonic() - started, list(seen)


@contextlib.contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sitebot-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


# -- the bare server --------------------------------------------------------------------------

def _bare_main(argv: list[str]) -> None:
    import argparse
    parser = argparse.ArgumentParser(prog="feishu_load.py bare",
                                     description="aiohttp answering {} to POST /webhooks/feishu")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cpu", type=int)
    args = parser.parse_args(argv)
    if args.cpu is not None and cpus_for_pinning():
        os.sched_setaffinity(0, {args.cpu})

    async def webhook(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({})

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/webhooks/feishu", webhook)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


