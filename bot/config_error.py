"""The one error a bad configuration value raises; its message is one line naming the key."""
from __future__ import annotations


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message names the key."""
