"""The signature algorithm against PLATFORMS.md 0.5, and what `check` accepts and refuses."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

import pytest

from bot.dingtalk.verify import check, sign
from bot.inbound import Refused


def test_inbound_robot_callback_vector():
    assert sign("1577262236757", "test-app-secret") == "XbMT4mXjew04brIN5f9EjwUAOTHY6Gp6ui2bhlkV8kQ="


def test_custom_robot_webhook_vector_and_its_url_form():
    value = sign("1700000000000", "SEC0123456789abcdef")
    assert value == "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="
    assert quote_plus(value) == "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"


NOW = datetime.fromtimestamp(1577262236.757, tz=timezone.utc)
GOOD = {"timestamp": "1577262236757", "sign": "XbMT4mXjew04brIN5f9EjwUAOTHY6Gp6ui2bhlkV8kQ="}


def test_check_accepts_the_vector_within_the_hour_either_side():
    for drift in (timedelta(0), timedelta(minutes=59), -timedelta(minutes=59)):
        assert check(GOOD, "test-app-secret", NOW + drift) == (GOOD["timestamp"], GOOD["sign"])


@pytest.mark.parametrize("headers, now, reason", [
    ({}, NOW, "missing"),
    ({"timestamp": GOOD["timestamp"]}, NOW, "missing"),
    ({**GOOD, "sign": GOOD["sign"][:-2] + "A="}, NOW, "does not match"),
    (GOOD, NOW + timedelta(minutes=61), "away from now"),          # stale
    (GOOD, NOW - timedelta(minutes=61), "away from now"),          # from the future
    ({**GOOD, "timestamp": "15772622x6757"}, NOW, "milliseconds"),
])
def test_check_refuses(headers, now, reason):
    with pytest.raises(Refused, match=reason):
        check(headers, "test-app-secret", now)


def test_other_secret_is_refused():
    with pytest.raises(Refused):
        check(GOOD, "another-secret", NOW)
