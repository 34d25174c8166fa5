"""[progress] settings: defaults, a digest time that is not a time refuses start-up with one
line naming the key, SITEBOT_LINK_SECRET."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import time

import pytest

from bot.settings import ConfigError, load_settings


def test_defaults():
    settings = load_settings(env={})
    assert settings.progress.digest_time == time(18, 0)
    assert settings.progress.weekly_weekday == 0 and settings.progress.weekly_time == time(8, 30)
    assert settings.progress.send_when_idle is False and settings.link_secret == ""
    assert load_settings(env={"SITEBOT_LINK_SECRET": "s3cret-s3cret-s3cret"}).link_secret == "s3cret-s3cret-s3cret"


@pytest.mark.parametrize("section, message", [
    ({"digest_time": "6pm"}, "progress.digest_time: expected a time like 18:00, got '6pm'"),
    ({"digest_time": "24:00"}, "progress.digest_time: expected a time like 18:00, got '24:00'"),
    ({"digest_time": 1800}, "progress.digest_time: expected a time like 18:00, got 1800"),
    ({"weekly_time": "8.30"}, "progress.weekly_time: expected a time like 18:00, got '8.30'"),
    ({"weekly_day": "someday"}, "progress.weekly_day: expected a weekday like monday, got 'someday'"),
    ({"link_days": 0}, "progress.link_days: expected a positive whole number, got 0"),
])
def test_bad_values_name_the_key(section, message):
    with pytest.raises(ConfigError) as error:
        load_settings(env={}, overrides={"progress": section})
    assert str(error.value) == message


def test_start_up_refuses_a_digest_time_that_is_not_a_time():
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as site:
        site.write('[progress]\ndigest_time = "six o\'clock"\n')
    try:
        result = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], capture_output=True,
                                text=True, timeout=120, env={**os.environ, "SITEBOT_CONFIG": site.name})
    finally:
        os.unlink(site.name)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sitebot: configuration error: progress.digest_time: expected a time like 18:00, got \"six o'clock\""]
