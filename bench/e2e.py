"""End to end on Feishu, black-box: "@sitebot 报修 <problem>" from registered people in 40 bound
group chats, through POST /webhooks/feishu, to sitebot's reply arriving at a fake Feishu open
platform that enforces Feishu's limits.

Setup (not measured), as in bench/ingest.py: `sitebot db upgrade`, 40 projects (domain.store),
`sitebot admin add`, `sitebot serve` (SQLite, or a scratch database on the PostgreSQL server of
--database-url) pinned to CPU 0 with Feishu pointed at the fake (bench/feishu_load.py; the fake
and this generator run on CPU 1); the admin binds each chat to its project (`绑定 P-0xx`) and adds
a 质检员 and two 施工员 (`成员 添加 @… P-0xx 质检员`) by signed chat events.

The fake accepts a message unless it would exceed 50 per second per app or 5 per second per
chat (or per user) — "at most N in any window of 1 s", counted at arrival — and
--minute-limit (1000 per minute per app, as Feishu's send API documents; 0: off). sitebot keeps
that minute limit too, so 50/s can last 20 s (1000 messages) and no longer: a longer or faster
run is paced at 1000 a minute (16.7/s) once the minute's allowance is used, and the 30 s burst
at 200/s (6,000 more) takes about seven minutes to deliver whatever sitebot does (give it
--drain-timeout 480). Before the load the bench waits until the set-up's own messages are a
minute old when they would eat into the run's allowance.
Over a limit it answers HTTP 429 (--limit-status 400 for the older APIs' 400) with
{"code": 99991400, "msg": "request trigger frequency limit"} and x-ogw-ratelimit-reset.

Load (open loop, every event sent at its planned time whatever happened before): --rate
events/s (50) for --seconds (20), then, if --burst-seconds > 0, --burst-rate (200) for
--burst-seconds. Quality problems (渗水, 开裂 …) go to the project's 质检员. By default the
质检员 reports them (a QA officer logging what they found): one ticket card back in the group
per event. --assignee other: the 施工员 report and the 质检员 is told by direct message too, so
every event costs two messages (then 50/s of events needs 100 messages/s: twice what Feishu
allows one app).

Printed: acks (HTTP status counts, latency); replies received — a reply is a message posted
with im/v1/messages/{the event's message_id}/reply, or sent to the chat with that message_id in
its uuid; direct messages and other messages separately; reply latency p50/p99/max from the
event's PLANNED send time to the reply's arrival at the fake, per phase; rate-limit answers the
fake gave (a well-behaved sender gets none); errors ("internal error" replies, conflicts,
non-200 acks, ack timeouts); drain time = last reply's arrival - last event's send; lost =
events acked 200 that have no reply --drain-timeout s after the last event (if replies were
still arriving then, it says so: a backlog, late rather than necessarily lost); and the most
frequent WARNING / ERROR lines of sitebot's log (an event that failed inside sitebot shows up
there and as lost: its "internal error" reply may not have been delivered within the wait).
"messages/s at the fake" beside the 50/s app limit tells whether Feishu's limit or sitebot set
the pace. The cpu line: sitebot / this generator (with the fake) / PostgreSQL's processes /
every other process on the machine (100 % = one CPU; a large "other" means someone else's work
shared the CPUs). With --worker-process, "worker CPU per report": the CPU time `sitebot work`
used from the first event to the end of the wait, divided by the events acked (handling,
delivery and its idle polling): unlike the wall figures it hardly moves on a busy machine.

--git-ref REF runs sitebot from a `git archive` of REF (e.g. HEAD) instead of the working tree.

Usage: python bench/e2e.py [--rate 50] [--seconds 20] [--burst-rate 200 --burst-seconds 30]
                           [--assignee self|other] [--minute-limit 1000|0]
                           [--database-url postgresql+asyncpg://…] [--git-ref HEAD] [--keep]
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feishu_load as fl  # noqa: E402  (re-executes with .venv/bin/python when needed)

APP_PER_MINUTE = 1000   # Feishu's sends per minute per app (beside 50/s), which sitebot keeps


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring for how to read the figures.")
    parser.add_argument("--rate", type=float, default=50.0, help="steady events/s (50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="steady phase length (20)")
    parser.add_argument("--burst-rate", type=float, default=200.0, help="burst events/s (200)")
    parser.add_argument("--burst-seconds", type=float, default=0.0,
                        help="burst phase length after the steady one (0: no burst; e.g. 30)")
    parser.add_argument("--chats", type=int, default=40, help="bound group chats (40)")
    parser.add_argument("--assignee", choices=("self", "other"), default="self",
                        help="self: the 质检员 reports, one card back (default); other: 施工员 "
                             "report and the 质检员 also gets a direct message")
    parser.add_argument("--connections", type=int, default=256,
                        help="most webhook connections open at once (256)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per webhook request, s (10)")
    parser.add_argument("--drain-timeout", type=float, default=60.0,
                        help="wait at most this long after the last event for the replies (60)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a scratch database is created on it); "
                             "default SQLite in a temp dir")
    parser.add_argument("--limit-status", type=int, choices=(429, 400), default=429,
                        help="HTTP status of the fake's rate-limit answer, code 99991400 (429)")
    parser.add_argument("--minute-limit", type=int, default=APP_PER_MINUTE,
                        help="also enforce N sends per minute per app (Feishu documents 1000, the "
                             "default; 0: off)")
    parser.add_argument("--worker-process", action="store_true",
                        help="sitebot serve --web (pinned) beside sitebot work (its second process)")
    parser.add_argument("--worker-nice", type=int, default=None,
                        help="SITEBOT_WORKER_NICE for the worker process (sitebot's default, 10, "
                             "unless given; 0: the web side's priority, as before f95e093)")
    parser.add_argument("--git-ref", default="",
                        help="run sitebot from this commit (git archive into the temp dir) instead "
                             "of the working tree, e.g. HEAD while the tree is being edited")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (sitebot.log)")
    return parser.parse_args()


def dm_uuid(message_id: str) -> str:
    """How sitebot's Feishu adapter turns an over-long outbox key into a uuid (for matching a
    direct message to its event; if that scheme changes, DMs are just counted, not matched)."""
    key = f"feishu:{message_id}:assignee"
    return key if len(key) <= 50 else "h" + hashlib.sha256(key.encode()).hexdigest()[:40]


def settle_seconds(args: argparse.Namespace, fake: fl.FakeFeishu) -> float:
    """How long to wait after the set-up: its sends leave the 1 s windows (1.5 s), and, when the
    run sends more than what is left of Feishu's 1000 a minute per app after the set-up's own
    messages (which sitebot keeps whether or not the fake enforces it), until those are a minute
    old, so every run starts with the whole minute's allowance."""
    messages = (args.rate * args.seconds + args.burst_rate * args.burst_seconds) * (
        1 if args.assignee == "self" else 2)
    last = max((d.at for d in fake.delivered), default=0.0)
    if messages + len(fake.delivered) <= APP_PER_MINUTE:
        return 1.5
    wait = max(1.5, last + 61.0 - time.monotonic())
    print(f"waiting {wait:.0f} s until the set-up's {len(fake.delivered)} messages leave Feishu's "
          f"{APP_PER_MINUTE}-a-minute window …", flush=True)
    return wait


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc; nan when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def stats_line(values: list[float]) -> str:
    if not values:
        return "-"
    return (f"{fl.percentile(values, 50):.2f} / {fl.percentile(values, 99):.2f} / "
            f"{max(values):.2f} s  (n={len(values)})")


async def run(args: argparse.Namespace) -> None:
    fl.warn_if_busy()
    fl.pin_self(fl.LOAD_CPU)
    layout = fl.Layout(args.chats)
    steady_n = int(args.rate * args.seconds)
    burst_n = int(args.burst_rate * args.burst_seconds)
    offsets = [i / args.rate for i in range(steady_n)]
    offsets += [args.seconds + j / args.burst_rate for j in range(burst_n)]
    events = []
    for i in range(steady_n + burst_n):
        chat = layout.chats[i % len(layout.chats)]
        reporters = chat.people[:1] if args.assignee == "self" else chat.people[1:]
        reporter = reporters[(i // len(layout.chats)) % len(reporters)]
        events.append(fl.prepare(reporter, chat.chat_id, fl.report_text(i), at_bot=True))
    index = {e.message_id: i for i, e in enumerate(events)}
    dm_index = {dm_uuid(e.message_id): i for i, e in enumerate(events)}
    procs = fl.Processes()
    try:
        async with fl.chats_set_up(procs, layout, args, per_minute=args.minute_limit) as bench:
            fake, sitebot = bench.fake, bench.sitebot
            fake.register(events)
            await asyncio.sleep(settle_seconds(args, fake))
            mark = fake.mark()
            phases = f"{args.rate:g}/s for {args.seconds:g} s" + (
                f", then {args.burst_rate:g}/s for {args.burst_seconds:g} s" if burst_n else "")
            print(f"sending {len(events)} reports: {phases} …", flush=True)
            meter = fl.PhaseCpu(sitebot.proc.pid)
            meter.start()
            worker_pid = sitebot.worker.pid if sitebot.worker is not None else None
            worker_cpu = process_cpu(worker_pid) if worker_pid else None
            results, start = await fl.open_loop(sitebot.url, events, offsets,
                                                connections=args.connections, timeout=args.timeout)
            last_send = start + offsets[-1]
            acked = {i for i, r in enumerate(results) if r.status == 200}
            print(f"all sent; waiting for replies (at most {args.drain_timeout:g} s after "
                  f"the last event) …", flush=True)
            replies: dict[int, fl.Delivered] = {}
            seen = mark
            while True:
                for d in fake.delivered[seen:]:
                    i = index.get(d.event_message_id or "")
                    if i is not None and d.api in ("reply", "create") \
                            and d.receive_id_type == "chat_id" and i not in replies:
                        replies[i] = d
                seen = len(fake.delivered)
                if acked <= replies.keys() or time.monotonic() > last_send + args.drain_timeout:
                    break
                await asyncio.sleep(0.1)
            cpu = meter.shares()
            if worker_pid:
                worker_cpu = process_cpu(worker_pid) - worker_cpu
        print_report(args, bench.db, events, offsets, results, start, last_send, replies, acked,
                     fake.delivered[mark:seen], dm_index, fake, cpu, bench.code, bench.levels,
                     bench.top, worker_cpu)
    finally:
        procs.stop_all()


def print_report(args, db, events, offsets, results, start, last_send, replies, acked,  # noqa: ANN001
                 delivered, dm_index, fake, cpu, code, levels, top,  # noqa: ANN001
                 worker_cpu: float | None = None) -> None:
    steady_n = int(args.rate * args.seconds)
    event_index = {e.message_id: i for i, e in enumerate(events)}

    def index_of(d: fl.Delivered) -> int | None:
        return event_index.get(d.event_message_id or "")

    statuses = collections.Counter(r.status for r in results)
    ack_lat = [r.latency for r in results]
    dms = [d for d in delivered if d.api == "create" and d.receive_id_type == "open_id"]
    dm_lat = [d.at - (start + offsets[dm_index[d.uuid]]) for d in dms if d.uuid in dm_index]
    counted = {id(d) for d in replies.values()} | {id(d) for d in dms}
    others = collections.Counter(d.api for d in delivered if id(d) not in counted)
    lat_steady = [d.at - (start + offsets[i]) for i, d in replies.items() if i < steady_n]
    lat_burst = [d.at - (start + offsets[i]) for i, d in replies.items() if i >= steady_n]
    lost = sorted(acked - replies.keys())
    errors = sum(1 for d in delivered if any(m in d.text for m in fl.INTERNAL_ERROR_MARKERS))
    conflicts = sum(1 for d in delivered if any(m in d.text for m in fl.CONFLICT_MARKERS))
    sends = [d for d in delivered if d.api in ("reply", "create")]
    last_reply = max((d.at for d in replies.values()), default=None)
    span = (max(d.at for d in sends) - start) if sends else 0.0
    mode = ("the 质检员 reports (self-assigned, 1 card per event)" if args.assignee == "self"
            else "施工员 report, the 质检员 gets a DM (2 messages per event)")
    limits = "50/s per app, 5/s per chat or user" + (
        f", {args.minute_limit}/min per app" if args.minute_limit else "")
    burst = f" + {args.burst_rate:g}/s for {args.burst_seconds:g} s" if len(events) > steady_n else ""

    def line(label: str, value: str) -> None:
        print(f"  {label:<44}{value}")

    print()
    print(f"e2e: @sitebot 报修 in {args.chats} bound chats, {args.rate:g}/s for {args.seconds:g} s{burst}; "
          f"sitebot on {db}; {mode}; fake enforces {limits} (over: HTTP {args.limit_status}/99991400)")
    line("events sent", f"{len(events)} (steady {steady_n}, burst {len(events) - steady_n})")
    line("acks (HTTP status)", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str)))
    line("ack latency p50 / p99 / max", f"{fl.ms(fl.percentile(ack_lat, 50))} / "
         f"{fl.ms(fl.percentile(ack_lat, 99))} / {fl.ms(max(ack_lat))} ms; "
         f"{sum(1 for r in results if r.latency > fl.FEISHU_DEADLINE)} over 3 s")
    line("replies received", f"{len(replies.keys() & acked)} of {len(acked)} acked events"
         f" (+{len(replies.keys() - acked)} for events not acked 200)")
    line("direct messages / other messages", f"{len(dms)} / {sum(others.values())}"
         + (f" ({', '.join(f'{k} {n}' for k, n in sorted(others.items()))})" if others else ""))
    repeated = [d for d in delivered if id(d) not in counted and d.api in ("reply", "create")
                and d.receive_id_type == "chat_id" and index_of(d) in replies]
    if repeated:
        line("", f"{len(repeated)} of them answer an event that already had its reply "
                 f"(another uuid), e.g.:")
        for d in repeated[:3]:
            first = replies[index_of(d)]
            print(f"      {d.event_message_id}: first uuid {first.uuid} at +{first.at - start:.1f} s "
                  f"{first.text[:40]!r}; again uuid {d.uuid} at +{d.at - start:.1f} s {d.text[:60]!r}")
    line("reply latency p50 / p99 / max", "steady " + stats_line(lat_steady))
    if lat_burst:
        line("", "burst  " + stats_line(lat_burst))
        line("", "all    " + stats_line(lat_steady + lat_burst))
    if dms:
        line("DM latency p50 / p99 / max", stats_line(dm_lat) + ("" if dm_lat else " (not matched)"))
    line("messages/s at the fake", f"{len(sends)} messages in {span:.1f} s = "
         f"{len(sends) / span if span else 0:.1f}/s (app limit 50/s)")
    line("rate-limit answers (99991400)", f"{sum(fake.rate_limited.values())}"
         + (f" ({', '.join(f'{k} {n}' for k, n in sorted(fake.rate_limited.items()))})"
            if fake.rate_limited else ""))
    line("errors", f"'internal error' replies {errors}, conflict replies {conflicts}, "
         f"non-200 acks {sum(n for s, n in statuses.items() if isinstance(s, int) and s != 200)}, "
         f"ack timeouts {statuses.get('timeout', 0)}, transport errors "
         f"{sum(n for s, n in statuses.items() if isinstance(s, str) and s != 'timeout')}")
    if fake.refused or fake.duplicates:
        line("other API answers", f"refused {dict(fake.refused)}, repeated uuids {fake.duplicates}")
    cut = bool(lost) and last_reply is not None and last_reply > last_send + args.drain_timeout - 1
    line("drain", (f"last reply {last_reply - last_send:.1f} s after the last event"
                   + (" (cut off by --drain-timeout: still draining)" if cut else ""))
         if last_reply is not None else "no reply at all")
    line("lost", f"{len(lost)} (acked 200, no reply {args.drain_timeout:g} s after the last event)"
         + (f", e.g. {[events[i].message_id for i in lost[:3]]}" if lost else ""))
    if lost and sends:
        end = last_send + args.drain_timeout
        recent = sum(1 for d in sends if d.at > end - 5)
        if recent:
            line("", f"replies were still arriving ({recent / 5:.1f}/s in the last 5 s of the wait): "
                     f"a backlog, perhaps late rather than lost; try a longer --drain-timeout")
    line("cpu sitebot / generator / postgres / other", fl.cpu_text(cpu))
    if worker_cpu is not None and acked:
        line("worker CPU per report", f"{worker_cpu * 1000 / len(acked):.1f} ms "
             f"({worker_cpu:.1f} s for {len(acked)} events, from the first event to the end of the wait)")
    line("sitebot log", (", ".join(f"{k} {v}" for k, v in sorted(levels.items())) or "empty")
         + f"; exit status {code}" + (" (killed: still busy 8 s after SIGINT)" if code == -9 else ""))
    for text, n in top:
        print(f"    {n:>6} × {text}")


def main() -> None:
    fl.run_bench(run, parse_args())


if __name__ == "__main__":
    main()
