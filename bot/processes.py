"""`sitebot serve`, `sitebot serve --web`, `sitebot work`, and `serve --worker-process`, which
runs the web side here and `sitebot work` as a child process on the machine's other cores.

Why two processes: the platforms want their answer within seconds, and the answer only needs
the event on disk; handling it (the database work, the cards) costs many times more. In one
process both share one core; with a worker process the web side acks at platform speed while
the worker works through the inbox.

Why the worker runs at a lower CPU priority (`worker_nice`, 10 by default): when both processes
want the same core — a small machine, a burst — an acknowledgement waits for every slice the
worker takes, and a late ack makes the platform deliver the event again (Feishu waits 3 s),
which only adds load. The inbox is durable, so the backlog can wait; the platform cannot. With
the worker niced the web side wins the core whenever it has work, and the worker still uses
all the CPU the web side leaves idle (nice only matters when they compete).
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from typing import AsyncIterator

from aiohttp import web

from bot.settings import Settings

log = logging.getLogger("sitebot")
PARENT_ENV = "SITEBOT_PARENT_PID"   # set for a worker started by `serve`: it ends with its parent


def serve(settings: Settings, *, demo: bool, role: str, worker_process: bool) -> int:
    from bot.app import create_app
    if settings.console and settings.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("the web console lets anyone act as anyone; it is listening on %s", settings.host)
    app = create_app(settings, demo=demo, role="web" if worker_process else role)
    if worker_process:
        app.cleanup_ctx.append(_child_worker)
    console = f" · console: http://{settings.host}:{settings.port}/console" if settings.console else ""
    web.run_app(app, host=settings.host, port=settings.port, access_log=None,
                print=lambda _: print(f"sitebot listening on http://{settings.host}:{settings.port}"
                                      f"{console}", flush=True))
    return 0


def work(settings: Settings) -> int:
    """The worker side alone: no HTTP; ends on SIGTERM/SIGINT, or when its parent is gone."""
    from bot.app import create_app
    lower_priority(settings.worker_nice)

    async def main() -> None:
        runner = web.AppRunner(create_app(settings, role="worker"))
        await runner.setup()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        parent = os.environ.get(PARENT_ENV)
        print("sitebot worker running", flush=True)
        while not stop.is_set():
            if parent and os.getppid() != int(parent):
                log.warning("the web process is gone; the worker stops too")
                break
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except asyncio.TimeoutError:
                pass
        await runner.cleanup()

    asyncio.run(main())
    return 0


def lower_priority(steps: int) -> None:
    """Lower this process's CPU priority by `steps` (see the module's docstring). Done before
    any thread starts: on Linux the nice value is per thread, and threads started later
    (aiosqlite's, the loop's executor) inherit it from the one that starts them."""
    if steps <= 0:
        return
    try:
        os.nice(steps)
    except OSError as error:  # not allowed here (a sandbox): run at the same priority
        log.warning("the worker could not lower its priority: %s", error)


async def _child_worker(app: web.Application) -> AsyncIterator[None]:
    """Start `sitebot work` once the web side is up (it has migrated), restart it if it dies,
    stop it with the web side."""
    env = {**os.environ, PARENT_ENV: str(os.getpid())}
    command = [sys.executable, "-m", "bot.cli", "work"]
    state: dict = {"proc": None, "stopping": False}

    async def keep() -> None:
        while not state["stopping"]:
            state["proc"] = proc = subprocess.Popen(command, env=env)
            while proc.poll() is None and not state["stopping"]:
                await asyncio.sleep(0.5)
            if not state["stopping"]:
                log.error("the worker process ended (%s); starting it again", proc.returncode)
                await asyncio.sleep(1.0)

    task = asyncio.create_task(keep(), name="worker-process")
    yield
    state["stopping"] = True
    proc = state["proc"]
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            await asyncio.wait_for(asyncio.to_thread(proc.wait), 20)
        except asyncio.TimeoutError:
            proc.kill()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
