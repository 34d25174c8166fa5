"""Shared parts of the black-box Feishu benchmarks (bench/ingest.py, bench/e2e.py).

Everything here talks to sitebot the way Feishu and an operator do, never through sitebot's
own modules (those are being reorganised): sitebot runs as a subprocess (`sitebot serve`,
SITEBOT_* environment), data is set up with the CLI (`sitebot db upgrade`, `sitebot admin add`)
and with signed chat events (`绑定 P-001`, `成员 添加 @… P-001 质检员`). Only the projects are
written with `domain.store` (no command creates a project; domain/ is stable).

- `FakeFeishu`: a small Feishu open platform on 127.0.0.1 (tenant token, bot info, message
  create / reply / PATCH, card update) that ENFORCES Feishu's documented send limits — 50 per
  second per app and 5 per second per chat (or user), as "at most N in any window of P
  seconds", counted at arrival — and optionally 1000 per minute per app. Over a limit it answers
  like Feishu's gateway (../shared/PLATFORMS.md §1.4): HTTP 429 (400 with --limit-status 400),
  body {"code": 99991400, "msg": "request trigger frequency limit"}, headers
  x-ogw-ratelimit-limit / x-ogw-ratelimit-reset. It records every message with its arrival
  time (time.monotonic, the same clock as the load generator).
- Events in Feishu's exact format (schema 2.0, im.message.receive_v1), AES-256-CBC encrypted
  with the Encrypt Key (key sha256(encrypt_key), base64(iv + ciphertext), `cryptography`) and
  signed (X-Lark-Signature = sha256_hex(timestamp + nonce + encrypt_key + body)); every event
  has its own event_id, message_id and nonce.
- Load: a closed loop (N connections, keep-alive) and an open loop (fixed arrival times;
  latency counted from the PLANNED send time, so a slow server cannot slow the generator down
  and hide its own latency — no coordinated omission).
- Process handling: servers pinned to one CPU (taskset), the generator to another, every
  subprocess and temp dir removed on exit, Ctrl-C included.

`python bench/feishu_load.py bare --port N [--cpu 0]` is the "bare" server: plain aiohttp
answering {} to POST /webhooks/feishu after reading the body (the framework's limit).

The pieces live in bench/load/ (machine, events, fake, traffic, sitebot, site_setup: the
set-up both benches share); this module is what
the benches import (`import feishu_load as fl`), and `python bench/feishu_load.py bare --port N`
runs the bare reference server.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
try:
    import aiohttp  # noqa: F401 - only to know whether we run inside the project's virtualenv
except ImportError:  # run with the system python: use the project's virtualenv instead
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
    raise

from load.events import (  # noqa: E402 - after the virtualenv check
    CONFLICT_MARKERS, FEISHU_DEADLINE, INTERNAL_ERROR_MARKERS, LOAD_CPU, Layout, Prepared,
    chatter_text, prepare, report_text,
)
from load.fake import (  # noqa: E402 - after the virtualenv check
    Delivered, FakeFeishu,
)
from load.machine import (  # noqa: E402 - after the virtualenv check
    PhaseCpu, Processes, cpu_text, install_sigterm, pin_self, run_bench, warn_if_busy,
)
from load.sitebot import (  # noqa: E402 - after the virtualenv check
    BareServer, Sitebot, _bare_main, database, settle, setup_via_chat, snapshot, workdir,
)
from load.site_setup import (  # noqa: E402 - after the virtualenv check
    SetUp, chats_set_up,
)
from load.traffic import (  # noqa: E402 - after the virtualenv check
    closed_loop, ms, open_loop, percentile, summarize,
)

__all__ = [
    'BareServer', 'CONFLICT_MARKERS', 'Delivered', 'FEISHU_DEADLINE', 'FakeFeishu',
    'INTERNAL_ERROR_MARKERS', 'LOAD_CPU', 'Layout', 'PhaseCpu', 'Prepared', 'Processes',
    'SetUp', 'Sitebot', 'chats_set_up', 'chatter_text', 'closed_loop', 'cpu_text', 'database', 'install_sigterm',
    'ms', 'open_loop', 'percentile', 'pin_self', 'prepare', 'run_bench', 'report_text', 'settle',
    'setup_via_chat', 'snapshot', 'summarize', 'warn_if_busy', 'workdir',
]

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        _bare_main(sys.argv[2:])
    else:
        print(__doc__)
