"""One line per problem or change, in the reader's language: shared by the preview card and
the command line (`sitebot import`)."""
from __future__ import annotations

from typing import Callable

from domain.imports.apply import Change
from domain.imports.workbook import Problem

Translate = Callable[..., str]


def problem_line(t: Translate, problem: Problem) -> str:
    where = t("imports.at_row", row=problem.row) if problem.row else t("imports.whole_file")
    return f"{where}：{t(problem.key, **problem.params)}"


def change_line(t: Translate, change: Change) -> str:
    params = {"project": "", "name": "", **change.params}
    return f"{t('imports.at_row', row=change.row)}：{t(change.key, **params)}"
