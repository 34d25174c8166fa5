"""Closed and open loops of signed events, and their latency summaries."""
from __future__ import annotations

from dataclasses import dataclass

import aiohttp

import asyncio
import collections
import contextlib
import math
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Sequence
from .events import FEISHU_DEADLINE, Prepared


@dataclass
class Result:
    status: int | str          # HTTP status, "timeout" or "error:<Type>"
    latency: float             # seconds from the planned (open loop) or actual send
    planned: float             # time.monotonic() of the planned send
    answer: bytes = b""        # the response body (a card press's toast and card)


def session(connections: int, timeout: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, limit_per_host=connections,
                                       keepalive_timeout=60, ttl_dns_cache=None),
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=timeout),
        auto_decompress=False, skip_auto_headers=("User-Agent",))


async def _post(http: aiohttp.ClientSession, url: str, event: Prepared, planned: float,
                timeout: float) -> Result:
    answer = b""
    try:
        async with asyncio.timeout_at(planned + timeout):
            async with http.post(event.url or url, data=event.body, headers=event.headers) as response:
                answer = await response.read()
                status: int | str = response.status
    except TimeoutError:
        status = "timeout"
    except (aiohttp.ClientError, OSError) as error:
        status = f"error:{type(error).__name__}"
    return Result(status, time.monotonic() - planned, planned, answer)


async def closed_loop(url: str, events: Sequence[Prepared], *, connections: int, seconds: float,
                      timeout: float, cycle: bool) -> dict[str, Any]:
    """`connections` workers, each sending the next event as soon as its last one is answered,
    for `seconds`. Rate = answers received within the window / window. cycle: start the
    stream again when it runs out (only for a server without state: the bare one)."""
    index, done = 0, []
    exhausted_at: float | None = None
    async with session(connections, timeout) as http:
        started = time.monotonic()
        end = started + seconds

        async def worker() -> None:
            nonlocal index, exhausted_at
            while time.monotonic() < end:
                if index >= len(events):
                    if not cycle:
                        exhausted_at = exhausted_at or time.monotonic()
                        return
                    index = 0
                event = events[index]
                index += 1
                done.append(await _post(http, url, event, time.monotonic(), timeout))

        await asyncio.gather(*(worker() for _ in range(connections)))
        finished = time.monotonic()
    window = min(seconds, (exhausted_at or finished) - started)
    in_window = sum(1 for r in done if r.planned + r.latency <= started + window)
    statuses = collections.Counter(r.status for r in done)
    return {"sent": len(done), "rps": in_window / window, "window": window,
            "non200": sum(n for s, n in statuses.items() if s != 200), "statuses": statuses,
            "exhausted": exhausted_at is not None, "latencies": [r.latency for r in done]}


async def open_loop(url: str, events: Sequence[Prepared], offsets: Sequence[float], *,
                    connections: int, timeout: float,
                    on_result: Callable[[int, Result], None] | None = None) -> tuple[list[Result], float]:
    """Send events[i] at start + offsets[i] whatever happened to earlier ones; each request
    gives up at its planned time + timeout. Returns the results (in event order) and start.
    on_result(i, result) is told of each answer as it comes."""
    loop = asyncio.get_running_loop()
    results: list[Result | None] = [None] * len(events)
    async with session(connections, timeout) as http:
        start = time.monotonic() + 0.2
        tasks = []

        async def one(i: int, planned: float) -> None:
            results[i] = await _post(http, url, events[i], planned, timeout)
            if on_result is not None:
                on_result(i, results[i])

        i = 0
        while i < len(events):
            now = time.monotonic()
            while i < len(events) and start + offsets[i] <= now:
                tasks.append(loop.create_task(one(i, start + offsets[i])))
                i += 1
            if i < len(events):
                await asyncio.sleep(max(0.0, start + offsets[i] - time.monotonic()))
        if tasks:
            await asyncio.wait(tasks)
    return [r for r in results if r is not None], start


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def summarize(results: Sequence[Result]) -> dict[str, Any]:
    statuses = collections.Counter(r.status for r in results)
    latencies = [r.latency for r in results]
    return {"sent": len(results), "statuses": statuses,
            "non200": sum(n for s, n in statuses.items() if isinstance(s, int) and s != 200),
            "timeouts": statuses.get("timeout", 0),
            "errors": sum(n for s, n in statuses.items() if isinstance(s, str) and s != "timeout"),
            "over_deadline": sum(1 for r in results if r.latency > FEISHU_DEADLINE),
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "max": max(latencies, default=float("nan"))}


def ms(value: float) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value * 1000:.1f}" if value < 10 else f"{value * 1000:.0f}"


# -- servers ----------------------------------------------------------------------------------

async def wait_http(url: str, proc: subprocess.Popen, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
                raise RuntimeError(f"server exited with {proc.returncode} before it was ready\n{tail}")
            with contextlib.suppress(aiohttp.ClientError, OSError, asyncio.TimeoutError):
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} not ready within {timeout:.0f} s")


