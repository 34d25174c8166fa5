"""kill -9 under load, for every edge at once: a real `sitebot serve` with Feishu, WeCom, DingTalk
and the console, each platform's signed events (and Feishu card presses) at their own rates,
`kill -9` in the middle, a restart on the same database, and a count per edge of what was
acknowledged, what has no effect or no reply, and what happened twice.

run.py drives it; one module per edge says how its events are made, set up through user paths
and answered. The machinery (the subprocess, the open loop, Feishu's events and fake open
platform) is bench/load's, shared with bench/ingest.py and bench/e2e.py.
"""
