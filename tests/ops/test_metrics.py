"""GET /metrics over real HTTP: signed Feishu callbacks through the edge, replies sent to the
fake open platform, a job pass; the counters scraped before and after."""
from __future__ import annotations

from functools import partial

from prometheus_client.parser import text_string_to_metric_families

from bot import keys
from bot.jobs import JobSpec, observed
from handlers.registry import build_jobs
from tests.platforms.feishu.conftest import SITE


async def scrape(client) -> dict[tuple[str, tuple], float]:
    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_counters_move_with_events_sends_and_jobs(feishu):
    before = await scrape(feishu.client)
    assert value(before, "sitebot_inbound_events_total", platform="feishu", outcome="accepted") == 0

    for _ in range(7):   # seven answers to one chat at one instant: Feishu takes 5 a second there
        await feishu.say("ou_li", SITE, "帮助", deliver=False)
    bad = await feishu.post(b'{"encrypt": "not a real ciphertext"}')
    assert bad.status in (400, 401)
    await feishu.deliver()

    after = await scrape(feishu.client)
    assert value(after, "sitebot_inbound_events_total", platform="feishu", outcome="accepted") == 7
    assert value(after, "sitebot_inbound_events_total", platform="feishu", outcome="refused") == 1
    assert value(after, "sitebot_events_handled_total", platform="feishu", outcome="done") == 7
    assert value(after, "sitebot_handler_seconds_count", platform="feishu") == 7
    assert value(after, "sitebot_sends_total", platform="feishu", result="ok") == 5
    assert value(after, "sitebot_rate_limit_deferrals_total", platform="feishu") >= 1
    assert value(after, "sitebot_outbox_pending") == 2      # the two that wait for the next second
    assert value(after, "sitebot_outbox_oldest_pending_seconds") == 0.0

    feishu.clock.advance(seconds=30)
    feishu.fake.throttle(1, "1")    # the platform says slow down once
    await feishu.deliver()
    later = await scrape(feishu.client)
    assert value(later, "sitebot_sends_total", platform="feishu", result="rate_limited") == 1
    assert value(later, "sitebot_outbox_pending") == 2       # the chat waits behind it

    job = next(j for j in build_jobs() if j.name == "tickets.sla")
    run_pass = observed(JobSpec(job.name, partial(job.run, feishu.app[keys.JOBS]), job.seconds),
                        feishu.app[keys.METRICS])
    await run_pass()
    jobs = await scrape(feishu.client)
    assert value(jobs, "sitebot_job_runs_total", job="tickets.sla", outcome="ok") == 1
    assert value(jobs, "sitebot_job_seconds_count", job="tickets.sla") == 1


async def test_a_failing_job_pass_is_counted_as_failed(feishu):
    async def broken() -> None:
        raise RuntimeError("the scan broke")

    await observed(JobSpec("tickets.sla", broken, 60), feishu.app[keys.METRICS])()
    samples = await scrape(feishu.client)
    assert value(samples, "sitebot_job_runs_total", job="tickets.sla", outcome="failed") == 1


async def test_two_apps_count_apart(feishu, console):
    await feishu.say("ou_li", SITE, "帮助")
    other = await scrape(console.client)
    assert value(other, "sitebot_inbound_events_total", platform="feishu", outcome="accepted") == 0
