"""The machine side of the benches: CPU pinning, CPU meters, child processes."""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Sequence
from .events import LOAD_CPU, SERVER_CPU


ROOT = Path(__file__).resolve().parents[2]   # the repository
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"



def cpus_for_pinning() -> bool:
    try:
        return {SERVER_CPU, LOAD_CPU} <= os.sched_getaffinity(0)
    except AttributeError:
        return False


def pin_self(cpu: int = LOAD_CPU) -> bool:
    if not cpus_for_pinning():
        print(f"note: CPUs {SERVER_CPU} and {LOAD_CPU} are not both available; not pinning", flush=True)
        return False
    os.sched_setaffinity(0, {cpu})
    return True


def pinned(cmd: Sequence[str], cpu: int | None) -> list[str]:
    if cpu is None or not cpus_for_pinning():
        return list(cmd)
    if shutil.which("taskset"):
        return ["taskset", "-c", str(cpu), *cmd]
    return list(cmd)  # the child sets its own affinity (bare server) or runs unpinned


def warn_if_busy(seconds: float = 1.0) -> float:
    """Share of the machine's CPUs busy before we start (other work skews every figure)."""
    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]   # total, idle + iowait
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    busy = 1 - (idle1 - idle0) / max(total1 - total0, 1)
    if busy > 0.15:
        print(f"warning: the machine is already {busy:.0%} busy (other processes); "
              f"the figures will be lower than on a quiet machine", flush=True)
    return busy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CpuMeter:
    """CPU used by a process (from /proc) or by this process, as a share of one CPU."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid
        self._tick = os.sysconf("SC_CLK_TCK")
        self._start = (0.0, 0.0)

    def _cpu(self) -> float:
        if self.pid is None:
            return time.process_time()
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / self._tick
        except (OSError, IndexError, ValueError):
            return float("nan")

    def start(self) -> None:
        self._start = (self._cpu(), time.monotonic())

    def share(self) -> float:
        cpu, wall = self._cpu(), time.monotonic()
        return (cpu - self._start[0]) / max(wall - self._start[1], 1e-9)


class PhaseCpu:
    """CPU shares over a phase: the server process, this process (generator and fake), and
    everything else on the machine (other people's work skews the figures; this shows it)."""

    def __init__(self, pid: int | None, worker: int | None = None) -> None:
        """worker: sitebot's second process (`sitebot work`), counted on its own, not in "other"."""
        self.server, self.generator = CpuMeter(pid), CpuMeter()
        self.worker = CpuMeter(worker) if worker is not None else None
        self._pid = pid
        self._tick = os.sysconf("SC_CLK_TCK")
        self._busy = 0.0
        self._worker0 = self._waited0 = 0.0

    def _waited(self) -> float:
        """Seconds the server's threads were runnable but waiting for a CPU (schedstat)."""
        waited = 0.0
        with contextlib.suppress(OSError, ValueError, IndexError):
            for task in Path(f"/proc/{self._pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    waited += int((task / "schedstat").read_text().split()[1]) / 1e9
        return waited

    def _machine_busy(self) -> float:
        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
        except (OSError, ValueError):
            return float("nan")
        return (sum(fields) - fields[3] - fields[4]) / self._tick

    def _postgres(self) -> dict[int, float]:
        """CPU seconds of each PostgreSQL server process (sitebot's database on PostgreSQL)."""
        used = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                head, tail = stat.read_text().rsplit(")", 1)
                if head.endswith("(postgres"):
                    fields = tail.split()
                    used[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / self._tick
            except (OSError, ValueError, IndexError):
                continue
        return used

    def start(self) -> None:
        self.server.start()
        self.generator.start()
        self._busy = (self._machine_busy(), self.server._cpu(), self.generator._cpu(),
                      self._postgres(), time.monotonic())
        self._worker0 = self.worker._cpu() if self.worker is not None else 0.0
        self._waited0 = self._waited() if self._pid is not None else 0.0

    def detail(self) -> tuple[float | None, float]:
        """(the worker process's share of one CPU, or None without one; the share of the
        phase the server's threads waited for a CPU: high means other work had its core)."""
        wall = max(time.monotonic() - self._busy[4], 1e-9)
        worker = (self.worker._cpu() - self._worker0) / wall if self.worker is not None else None
        waited = (self._waited() - self._waited0) / wall if self._pid is not None else float("nan")
        return worker, waited

    def shares(self) -> tuple[float, float, float, float]:
        """(server, generator, postgres, other processes — sitebot's worker, when measured, is
        not one of them: see detail), each as a share of one CPU."""
        busy0, server0, generator0, postgres0, wall0 = self._busy
        wall = max(time.monotonic() - wall0, 1e-9)
        server = (self.server._cpu() - server0) / wall
        generator = (self.generator._cpu() - generator0) / wall
        postgres = sum(used - postgres0.get(pid, 0.0) for pid, used in self._postgres().items()) / wall
        worker = (self.worker._cpu() - self._worker0) / wall if self.worker is not None else 0.0
        others = (self._machine_busy() - busy0) / wall - server - generator - postgres - worker
        return server, generator, postgres, max(others, 0.0)


def cpu_text(shares: tuple[float, ...] | None) -> str:
    if not shares:
        return "-"
    return " / ".join(f"{x:.0%}" for x in shares)


class Processes:
    """Every subprocess we start; all stopped on exit (also on Ctrl-C / SIGTERM / crash)."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen] = []

    def start(self, cmd: Sequence[str], **kwargs: Any) -> subprocess.Popen:
        proc = subprocess.Popen(list(cmd), start_new_session=True, **kwargs)
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, grace: float = 15.0) -> int | None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)   # aiohttp shuts down cleanly on SIGINT/SIGTERM
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(5)
        if proc in self.running:
            self.running.remove(proc)
        return proc.returncode

    def stop_all(self) -> None:
        for proc in list(self.running):
            self.stop(proc, grace=5.0)


def install_sigterm(task: asyncio.Task) -> None:
    """SIGTERM ends the run like Ctrl-C: the main task is cancelled and cleans up."""
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


def run_bench(run: Callable[[Any], Awaitable[None]], args: Any) -> None:
    """A bench's `main`: run it, and on Ctrl-C or SIGTERM stop what it started and exit 130."""
    async def guarded() -> None:
        install_sigterm(asyncio.current_task())
        await run(args)

    try:
        asyncio.run(guarded())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; subprocesses stopped, temp dir removed", file=sys.stderr)
        sys.exit(130)


