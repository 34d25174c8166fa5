"""The Feishu ack path, black-box over HTTP: how fast sitebot answers POST /webhooks/feishu,
beside a bare aiohttp server answering {} (the framework's own limit), on the SAME
pre-generated stream of signed, encrypted im.message.receive_v1 events.

Setup (not measured): `sitebot db upgrade`; 40 projects (domain.store: no command creates
one); `sitebot admin add` for an admin; `sitebot serve` on SQLite (or --database-url
postgresql+asyncpg://…, then on a scratch database created on that server and dropped after)
with Feishu pointed at a fake open platform on 127.0.0.1 (bench/feishu_load.py) that enforces
Feishu's send limits; then, by signed chat events, the admin binds 40 group chats (`绑定 P-0xx`)
and adds 3 people to each (`成员 添加 @… P-0xx 质检员|施工员`). Every server process is pinned to
CPU 0, this generator (and the fake) to CPU 1.

Events: by default plain group chatter from those registered people in the bound chats ("收到",
"明天上午九点到场" …, no @-mention, no command), so sitebot de-duplicates, looks up who and where,
finds nothing to do and sends nothing; `--kind report` sends "@sitebot 报修 …" instead (a ticket
and a card per event). Each event has its own event_id, message_id and nonce; the bare server
gets exactly the same bytes in the same order first (it restarts the stream if it runs out).

Measured, for each server in turn:
- closed loop: --connections (64) keep-alive connections, each sending the next event when
  the last is answered, for --seconds (10): answers per second within the window, non-200
  count, and the sitebot/bare ratio. The bare figure may be the generator's limit rather than
  the server's: the "cpu" row says which process was busy — server / generator (with the fake)
  / every PostgreSQL server process on the machine (sitebot's database when it runs on
  PostgreSQL) / every other process, 100 % = one whole CPU. A large "other" means someone
  else's work shared the CPUs and the figures are low. Below it: the server's CPU per answer
  in ms (what a core of its own would turn into answers per second: 1000 / that), the share
  of the phase its threads were runnable but waited for a CPU (someone else had its core:
  the worker, other work), and sitebot's worker process's CPU (--worker-process).
- open loop at each of --rates (200,1000) events/s for --seconds: every event is sent at its
  planned time whatever happened to earlier ones (up to --open-connections at once, the rest
  wait for a connection), and its latency counts from that PLANNED time, so a slow server
  shows its whole queueing delay (no coordinated omission). p50/p99/max of all events (a timed
  out one counts with the time it was given up at, >= --timeout), non-200 answers, timeouts
  and "> 3 s": answers Feishu would not have waited for (it re-pushes those events).
  Before each sitebot phase the bench waits (at most --settle s) until sitebot is idle again.
The bare server's open-loop p99 should be a few ms: that shows the generator keeps up.

Reading it: sitebot's closed-loop requests/s is its ack capacity for this kind of event; an
open-loop rate above it makes latency grow for the whole phase (the p99 is then the queue
at the end, capped by sitebot's 2.5 s ack deadline plus the queue in front of its handler).

--worker-process runs `sitebot serve --worker-process`, the documented deployment, pinned to the
server's CPU with its worker child (which inherits the pin): the web side and the worker share
one core, and the worker's lower priority (server.worker_nice, --worker-nice) is what keeps it
from the acks; --free-worker lets the child use every CPU. --separate-worker runs `serve --web`
(pinned) beside a `sitebot work` of the bench's own, not pinned — in a session of its own, so
with the kernel's autogroups on, its nice value does not weigh against the web side's.

--git-ref REF runs sitebot from a `git archive` of REF (e.g. HEAD) instead of the working tree,
for a stable "before" while the tree is being edited, or to compare two commits.

Usage: python bench/ingest.py [--seconds 10] [--rates 200,1000] [--kind chatter|report]
                              [--database-url postgresql+asyncpg://user:pw@127.0.0.1/db]
                              [--worker-process [--free-worker] | --separate-worker] [--git-ref HEAD] [--keep]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feishu_load as fl  # noqa: E402  (re-executes with .venv/bin/python when needed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring for how to read the figures.")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase (10)")
    parser.add_argument("--rates", default="200,1000", help="open-loop rates, events/s (200,1000)")
    parser.add_argument("--connections", type=int, default=64, help="closed-loop connections (64)")
    parser.add_argument("--open-connections", type=int, default=256,
                        help="most connections the open loop keeps open at once (256)")
    parser.add_argument("--kind", choices=("chatter", "report"), default="chatter",
                        help="chatter: plain group messages, no reply (default); report: @bot 报修 …")
    parser.add_argument("--chats", type=int, default=40, help="bound group chats (40)")
    parser.add_argument("--closed-events", type=int, default=30000,
                        help="events set aside for the closed loop (30000; sitebot stops early "
                             "if it uses them all, the bare server starts them again)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds (10)")
    parser.add_argument("--settle", type=float, default=20.0,
                        help="at most this long to wait for sitebot to be idle between phases (20)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a scratch database is created on it); "
                             "default SQLite in a temp dir")
    parser.add_argument("--limit-status", type=int, choices=(429, 400), default=429,
                        help="HTTP status of the fake's rate-limit answer (code 99991400); 429 "
                             "per Feishu's rate-limit doc, 400 as some older APIs (429)")
    parser.add_argument("--skip-bare", action="store_true", help="measure sitebot only")
    parser.add_argument("--worker-process", action="store_true",
                        help="sitebot serve --worker-process, the documented deployment: web side "
                             "and its worker child both pinned to the server's CPU")
    parser.add_argument("--free-worker", action="store_true",
                        help="with --worker-process: the worker child may use every CPU")
    parser.add_argument("--separate-worker", action="store_true",
                        help="sitebot serve --web (pinned) beside a sitebot work of its own (not "
                             "pinned, in a session of its own), as before")
    parser.add_argument("--worker-nice", type=int, default=None,
                        help="SITEBOT_WORKER_NICE for sitebot (default: sitebot's own, 10)")
    parser.add_argument("--git-ref", default="",
                        help="run sitebot from this commit (git archive into the temp dir) instead "
                             "of the working tree, e.g. HEAD while the tree is being edited")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (sitebot.log)")
    args = parser.parse_args()
    # chats_set_up (bench/load/site_setup.py): worker_process is the separate `sitebot work`,
    # child_worker serve's own worker child and where it may run.
    args.child_worker = ("any" if args.free_worker else "server") if args.worker_process else None
    args.worker_process = args.separate_worker
    return args


def build_stream(layout: fl.Layout, kind: str, counts: list[int]) -> list[list[fl.Prepared]]:
    """One stream, cut into segments of `counts` events: chats in turn, people in turn."""
    segments, i = [], 0
    for count in counts:
        segment = []
        for _ in range(count):
            chat = layout.chats[i % len(layout.chats)]
            if kind == "report":   # the chat's 质检员 reports a quality problem: one card back
                event = fl.prepare(chat.people[0], chat.chat_id, fl.report_text(i), at_bot=True)
            else:
                sender = chat.people[(i // len(layout.chats)) % len(chat.people)]
                event = fl.prepare(sender, chat.chat_id, fl.chatter_text(i), at_bot=False)
            segment.append(event)
            i += 1
        segments.append(segment)
    return segments


async def measure(url: str, pid: int, warmup: list[fl.Prepared], closed: list[fl.Prepared],
                  opens: list[list[fl.Prepared]], rates: list[float], args: argparse.Namespace, *,
                  stateless: bool, health: str | None, worker: int | None = None) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    cpu = fl.PhaseCpu(pid, worker)
    await fl.closed_loop(url, warmup, connections=8, seconds=1.0, timeout=args.timeout, cycle=stateless)
    if health:
        out["settle_closed"] = await fl.settle(health, args.settle)
    cpu.start()
    closed_result = await fl.closed_loop(url, closed, connections=args.connections,
                                         seconds=args.seconds, timeout=args.timeout, cycle=stateless)
    closed_result["cpu"], closed_result["cpu_detail"] = cpu.shares(), cpu.detail()
    closed_result["p50"] = fl.percentile(closed_result["latencies"], 50)
    closed_result["p99"] = fl.percentile(closed_result["latencies"], 99)
    out["closed"] = closed_result
    print(f"  closed loop: {closed_result['rps']:.0f} requests/s", flush=True)
    for rate, events in zip(rates, opens):
        if health:
            out[f"settle_{rate:g}"] = await fl.settle(health, args.settle)
        cpu.start()
        phase_started = time.monotonic()
        results, _ = await fl.open_loop(url, events, [i / rate for i in range(len(events))],
                                        connections=args.open_connections, timeout=args.timeout)
        summary = fl.summarize(results)
        summary["cpu"], summary["cpu_detail"] = cpu.shares(), cpu.detail()
        summary["rps"] = len(results) / max(time.monotonic() - phase_started, 1e-9)
        out[rate] = summary
        print(f"  open loop {rate:g}/s: p99 {fl.ms(summary['p99'])} ms", flush=True)
    return out


def row(label: str, bare: str, site: str, note: str = "") -> str:
    return f"  {label:<42}{bare:>22}{site:>26}  {note}".rstrip()


def report(args: argparse.Namespace, db: str, rates: list[float], bare: dict | None,
           site: dict, extra: list[str]) -> None:
    empty: dict[Any, Any] = {}
    b = bare or {}
    print()
    print(f"ingest: Feishu im.message.receive_v1 ({'@bot 报修' if args.kind == 'report' else 'chatter, no @bot'}), "
          f"{args.chats} bound chats, sitebot on {db}")
    mode = {"server": "serve --worker-process, its worker on the server's CPU too",
            "any": "serve --worker-process, its worker on any CPU"}.get(
        args.child_worker, "serve --web beside sitebot work" if args.worker_process else "serve, one process")
    nice = f", SITEBOT_WORKER_NICE={args.worker_nice}" if args.worker_nice is not None else ""
    print(f"sitebot runs as: {mode}{nice}")
    print(row("", "bare aiohttp", "sitebot"))
    bc, sc = b.get("closed", empty), site["closed"]
    print(f"closed loop, {args.connections} connections, {args.seconds:g} s")
    ratio = f"sitebot/bare = {sc['rps'] / bc['rps']:.1%}" if bc else ""
    print(row("requests/s", f"{bc['rps']:.1f}" if bc else "-", f"{sc['rps']:.1f}", ratio))
    print(row("non-200 / errors+timeouts",
              f"{bc['non200'] - _errs(bc)} / {_errs(bc)}" if bc else "-",
              f"{sc['non200'] - _errs(sc)} / {_errs(sc)}"))
    print(row("latency p50 / p99 ms", f"{fl.ms(bc['p50'])} / {fl.ms(bc['p99'])}" if bc else "-",
              f"{fl.ms(sc['p50'])} / {fl.ms(sc['p99'])}"))
    print(row("cpu server / generator / postgres / other", _cpu(bc), _cpu(sc)))
    _cpu_detail(bc, sc)
    if sc.get("exhausted"):
        print(row("", "", "", f"sitebot used all {args.closed_events} closed-loop events early "
                              f"(window {sc['window']:.1f} s)"))
    for rate in rates:
        bo, so = b.get(rate, empty), site[rate]
        print(f"open loop {rate:g}/s, {args.seconds:g} s ({so['sent']} events, latency from the planned send)")
        print(row("latency p50 / p99 / max ms",
                  f"{fl.ms(bo['p50'])} / {fl.ms(bo['p99'])} / {fl.ms(bo['max'])}" if bo else "-",
                  f"{fl.ms(so['p50'])} / {fl.ms(so['p99'])} / {fl.ms(so['max'])}"))
        print(row(f"non-200 / timeouts (>{args.timeout:g} s) / errors",
                  f"{bo['non200']} / {bo['timeouts']} / {bo['errors']}" if bo else "-",
                  f"{so['non200']} / {so['timeouts']} / {so['errors']}"))
        print(row("answered after 3 s (Feishu re-pushes)", str(bo["over_deadline"]) if bo else "-",
                  str(so["over_deadline"])))
        print(row("cpu server / generator / postgres / other", _cpu(bo), _cpu(so)))
        _cpu_detail(bo, so)
        settled = site.get(f"settle_{rate:g}")
        if settled is not None and settled[0] > 1:
            waited, probes = settled
            last = ", ".join(fl.ms(p) for p in probes)
            print(f"  (before this phase sitebot needed {waited:.1f} s to become idle"
                  + (f"; it still was not after --settle {args.settle:g} s: /healthz took {last} ms)"
                     if waited >= args.settle else ")"))
    for line in extra:
        print(line)


def _cpu_detail(bare: dict, site: dict) -> None:
    """The server's CPU per answer (what a quiet core would make of it), the share of the phase
    its threads waited for a CPU (others' work on its core), and sitebot's worker process."""
    def per_answer(result: dict) -> str:
        if not result or not result.get("cpu"):
            return "-"
        return f"{result['cpu'][0] * 1000 / max(result['rps'], 1e-9):.3f}"

    print(row("cpu ms per answer (server process)", per_answer(bare), per_answer(site)))
    worker, waited = site.get("cpu_detail", (None, float("nan")))
    bare_waited = bare.get("cpu_detail", (None, float("nan")))[1] if bare else float("nan")
    print(row("server waiting for a CPU / worker cpu", f"{bare_waited:.0%}",
              f"{waited:.0%} / " + (f"{worker:.0%}" if worker is not None else "-")))


def _errs(result: dict) -> int:
    return sum(n for s, n in result["statuses"].items() if not isinstance(s, int))


def _cpu(result: dict) -> str:
    return fl.cpu_text(result.get("cpu") if result else None)


async def run(args: argparse.Namespace) -> None:
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    fl.warn_if_busy()
    fl.pin_self(fl.LOAD_CPU)
    layout = fl.Layout(args.chats)
    open_counts = [int(rate * args.seconds) for rate in rates]
    started = time.monotonic()
    warmup, closed, *opens = build_stream(layout, args.kind, [300, args.closed_events, *open_counts])
    print(f"prepared {300 + args.closed_events + sum(open_counts)} signed, encrypted events in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    procs = fl.Processes()
    try:
        bare_result = None
        if not args.skip_bare:
            print("bare aiohttp server:", flush=True)
            bare = fl.BareServer(procs)
            await bare.start()
            try:
                bare_result = await measure(bare.url, bare.proc.pid, warmup, closed, opens, rates,
                                            args, stateless=True, health=None)
            finally:
                bare.stop()
        async with fl.chats_set_up(procs, layout, args) as bench:
            bench.fake.register(e for segment in (warmup, closed, *opens) for e in segment)
            mark = bench.fake.mark()
            print("sitebot:", flush=True)
            worker = bench.sitebot.worker_pid
            site_result = await measure(bench.sitebot.url, bench.sitebot.proc.pid, warmup, closed, opens,
                                        rates, args, stateless=False, health=bench.sitebot.health_url,
                                        worker=worker)
            await asyncio.sleep(1.0)
        sent = bench.fake.delivered[mark:]
        errors = sum(1 for d in sent if any(m in d.text for m in fl.INTERNAL_ERROR_MARKERS))
        extra = [f"sitebot sent during the measurement: {len(sent)} messages "
                 f"({errors} saying 'internal error'); rate-limit answers from the fake: "
                 f"{sum(bench.fake.rate_limited.values())}",
                 "sitebot log: " + (", ".join(f"{k} {v}" for k, v in sorted(bench.levels.items()))
                                     or "empty") + f"; exit status {bench.code}"
                 + (" (killed: still busy 8 s after SIGINT)" if bench.code == -9 else "")]
        extra += [f"    {n:>6} × {text}" for text, n in bench.top]
        report(args, bench.db, rates, bare_result, site_result, extra)
    finally:
        procs.stop_all()


def main() -> None:
    fl.run_bench(run, parse_args())


if __name__ == "__main__":
    main()
