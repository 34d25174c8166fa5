"""Wording catalogue: templates/i18n/<locale>/*.toml (one file per area, merged), each value a
jinja2 template. zh-CN is the reference; other locales fall back to it key by key."""
from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, TemplateError

log = logging.getLogger(__name__)
REFERENCE = "zh-CN"


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


class Catalog:
    def __init__(self, directory: Path) -> None:
        self._env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
        self._templates: dict[str, dict[str, Template]] = {}
        for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
            flat: dict[str, str] = {}
            for path in sorted(folder.glob("*.toml")):
                table = tomllib.loads(path.read_text(encoding="utf-8"))
                _flatten("", table, flat)
            self._templates[folder.name] = {k: self._env.from_string(v) for k, v in flat.items()}
        if REFERENCE not in self._templates:
            raise RuntimeError(f"wording catalogue {REFERENCE}.toml missing in {directory}")

    @property
    def locales(self) -> list[str]:
        return list(self._templates)

    def has(self, key: str) -> bool:
        return key in self._templates[REFERENCE]

    def t(self, locale: str, key: str, **params: Any) -> str:
        template = self._templates.get(locale, {}).get(key) or self._templates[REFERENCE].get(key)
        if template is None:
            log.warning("missing wording %s", key)
            return key
        try:
            return template.render(**params).strip()
        except TemplateError:
            log.exception("wording %s could not be filled with %s", key, sorted(params))
            return key
