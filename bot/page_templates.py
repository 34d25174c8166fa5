"""The web pages' jinja2 templates (templates/: the customer's page, the cockpit, the console,
the API docs), loaded at the first page asked for: jinja2 is ~40 ms of start-up that a bot
serving only chats never needs (issue 18: up in < 1 s)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment, Template


class PageTemplates:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._env: Environment | None = None

    def get_template(self, name: str) -> Template:
        if self._env is None:
            from jinja2 import Environment, FileSystemLoader, select_autoescape
            self._env = Environment(loader=FileSystemLoader(self.directory),
                                    autoescape=select_autoescape(["html"]))
        return self._env.get_template(name)
