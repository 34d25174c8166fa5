"""kill -9 under load, then a restart on the same database: every event that was answered 200
has its effect and its reply, and nothing reaches a chat twice.

A real `sitebot serve` subprocess with the Feishu edge pointed at the fake open platform; set
up through user paths only (`sitebot demo`, `sitebot admin add … --identity`, `绑定` sent by
the admin in each group); then signed, encrypted "@bot 报修 …" events at 100/s, `kill -9` in
the middle, a second process on the same database, and a count of what each side saw.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from domain.store.engine import make_engine
from domain.store.uow import Store
from tests.platforms.feishu.driver import APP_ID, APP_SECRET, BOT, ENCRYPT_KEY, VTOKEN, message_event
from tests.platforms.feishu.fake_open_platform import FakeFeishu
from tests.platforms.feishu.signing import wrap

ADMIN = "ou_crash_admin"
CHATS = [f"oc_crash{i:02d}" for i in range(10)]
RATE, EVENTS, KILL_AFTER = 200.0, 500, 2.0      # events/s, how many, seconds into the load
SITEBOT = str(Path(sys.executable).parent / "sitebot")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(db_url: str, fake: FakeFeishu, port: int, tmp: Path) -> dict[str, str]:
    return {**os.environ, "SITEBOT_DATABASE_URL": db_url, "SITEBOT_PORT": str(port),
            "SITEBOT_MEDIA_DIR": str(tmp / "media"), "SITEBOT_LINK_SECRET": "crash-test-link-secret",
            "SITEBOT_FEISHU_APP_ID": APP_ID, "SITEBOT_FEISHU_APP_SECRET": APP_SECRET,
            "SITEBOT_FEISHU_VERIFICATION_TOKEN": VTOKEN, "SITEBOT_FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
            "SITEBOT_FEISHU_BASE_URL": fake.base_url}


async def _cli(env: dict[str, str], *args: str) -> None:
    proc = await asyncio.create_subprocess_exec(SITEBOT, *args, env=env, stdout=subprocess.PIPE,
                                                stderr=subprocess.STDOUT)
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()[-2000:]


async def _serve(env: dict[str, str], port: int, log: Path, mode: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen([SITEBOT, "serve", *mode], env=env, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("sitebot did not come up:\n" + log.read_text()[-3000:])


def _event(fake: FakeFeishu, sender: str, chat: str, text: str, n: int) -> tuple[str, str, dict]:
    """(event_id, message_id, payload) of an "@bot <text>" group message."""
    message_id = f"om_crash{n:05d}"
    payload = message_event(sender, chat, {"text": f"@_user_1 {text}"}, message_id=message_id,
                            mentions=[("@_user_1", BOT, "sitebot")])
    fake.receive(message_id, chat, sender)
    return payload["header"]["event_id"], message_id, payload


async def _post(http: aiohttp.ClientSession, url: str, payload: dict) -> int:
    body, headers = wrap(payload, ENCRYPT_KEY, int(time.time()))
    try:
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return 0   # the process died under it: not acknowledged


async def _replies(fake: FakeFeishu, message_ids: set[str], timeout: float) -> dict[str, int]:
    """How many replies each message got, once every one has at least one (or time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        counts = {mid: 0 for mid in message_ids}
        for message in fake.messages.values():
            if message.parent_id in counts:
                counts[message.parent_id] += 1
        if all(counts.values()) or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("mode", [[], ["--worker-process"]], ids=["one-process", "worker-process"])
async def test_kill_9_under_load_loses_no_acknowledged_event_and_sends_nothing_twice(db_url, tmp_path, mode):
    fake = FakeFeishu(APP_ID, APP_SECRET)
    fake.chats |= set(CHATS)
    await fake.start()
    port, log = _free_port(), tmp_path / "sitebot.log"
    env, url = _env(db_url, fake, port, tmp_path), f"http://127.0.0.1:{port}/webhooks/feishu"
    processes: list[subprocess.Popen] = []
    try:
        await _cli(env, "demo")
        await _cli(env, "admin", "add", "压测管理员", "--identity", f"feishu:{ADMIN}")
        processes.append(await _serve(env, port, log, mode))
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            binds = [_event(fake, ADMIN, chat, "绑定 P-001", i) for i, chat in enumerate(CHATS)]
            assert [await _post(http, url, p) for _, _, p in binds] == [200] * len(CHATS)
            assert all((await _replies(fake, {mid for _, mid, _ in binds}, 30)).values())

            reports = [_event(fake, ADMIN, CHATS[n % len(CHATS)], f"报修 {n}号点位渗水", 1000 + n)
                       for n in range(EVENTS)]
            start = time.monotonic()

            async def send(n: int) -> int:
                await asyncio.sleep(max(0.0, start + n / RATE - time.monotonic()))
                return await _post(http, url, reports[n][2])

            sending = [asyncio.create_task(send(n)) for n in range(EVENTS)]
            await asyncio.sleep(KILL_AFTER)
            processes[0].send_signal(signal.SIGKILL)
            processes[0].wait()
            statuses = await asyncio.gather(*sending)
        acked = {reports[n][1] for n, status in enumerate(statuses) if status == 200}
        assert 20 < len(acked) < EVENTS, f"the kill should land mid-load ({len(acked)} acked)"

        # With a worker process, the killed web process's worker notices within a second
        # that its parent is gone and stops; the new web process starts its own.
        processes.append(await _serve(env, port, log, mode))
        counts = await _replies(fake, set(acked), timeout=90)
        store = Store(make_engine(db_url))
        try:
            async with store.transaction() as tx:
                # Feishu messages are de-duplicated on their message_id (a re-sent message
                # comes with a new event_id), so that is the key the effect is recorded under.
                handled = {mid for mid in acked if await tx.inbound.get("feishu", mid)}
        finally:
            await store.close()
        lost = sorted(mid for mid in acked if mid not in handled or not counts[mid])
        twice = sorted(mid for mid, count in counts.items() if count > 1)
        print(json.dumps({"acknowledged": len(acked), "without_effect_or_reply": len(lost),
                          "sent_twice": len(twice)}))
        assert not lost, f"{len(lost)} acknowledged events without effect or reply: {lost[:5]}"
        assert not twice, f"{len(twice)} events answered twice: {twice[:5]}"
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        await fake.stop()
