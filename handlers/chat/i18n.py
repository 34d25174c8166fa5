"""Wording catalogue: templates/i18n/<locale>/*.toml (one file per area, merged), each value a
jinja2 template. zh-CN is the reference; other locales fall back to it key by key.

Templates are compiled when first used (compiling all ~1,200 took a second at every start-up);
a wording without any jinja2 syntax is plain text and never compiled. `check()` compiles
them all, for the tests. The files are read, and jinja2 imported, at the first wording asked
for, not when the catalogue is made: together they were ~70 ms of a start-up that needs none
of it before the first message (issue 18: up in < 1 s)."""
from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment, Template

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
        if not (directory / REFERENCE).is_dir():
            raise RuntimeError(f"wording catalogue {REFERENCE}.toml missing in {directory}")
        self._directory = directory
        self._compiled: dict[tuple[str, str], Template] = {}

    @cached_property
    def _sources(self) -> dict[str, dict[str, str]]:
        sources: dict[str, dict[str, str]] = {}
        for folder in sorted(p for p in self._directory.iterdir() if p.is_dir()):
            flat: dict[str, str] = {}
            for path in sorted(folder.glob("*.toml")):
                table = tomllib.loads(path.read_text(encoding="utf-8"))
                _flatten("", table, flat)
            sources[folder.name] = flat
        return sources

    @cached_property
    def _env(self) -> "Environment":
        from jinja2 import Environment, StrictUndefined
        return Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)

    @property
    def locales(self) -> list[str]:
        return list(self._sources)

    def has(self, key: str) -> bool:
        return key in self._sources[REFERENCE]

    def check(self) -> None:
        """Compile every wording now; raises TemplateError on the first that is broken."""
        for locale, table in self._sources.items():
            for key, source in table.items():
                self._env.from_string(source)

    def t(self, locale: str, key: str, **params: Any) -> str:
        if key in self._sources.get(locale, {}):
            source = self._sources[locale][key]
        elif key in self._sources[REFERENCE]:
            locale, source = REFERENCE, self._sources[REFERENCE][key]
        else:
            log.warning("missing wording %s", key)
            return key
        if "{" not in source:   # plain text: nothing to fill
            return source.strip()
        from jinja2 import TemplateError   # imported by _env already: a lookup
        try:
            template = self._compiled.get((locale, key))
            if template is None:
                template = self._compiled[(locale, key)] = self._env.from_string(source)
            return template.render(**params).strip()
        except TemplateError:
            log.exception("wording %s could not be filled with %s", key, sorted(params))
            return key
