"""Card text made plain for WeCom's template card fields.

The neutral cards' text is the markdown subset Feishu shows (**bold**, ~~struck~~, `code`,
[words](link), <font color=…>, a heading's #, a quote's >). A template card's title, sub-title
and key/value list are plain text on WeCom (sub_title_text "二级普通文本", horizontal_content
"二级文本"), so the markup showed as typed: 「✅ **通过**」 with its asterisks. Here the marks
go and the words stay; a link keeps its address after the words (it cannot be tapped there),
`code` (a command to send) is quoted 「…」."""
from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_PAIRED = re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`([^`\n]+)`")
_TAG = re.compile(r"</?(?:font|b|i|u|s|strong|em|at)\b[^>\n]*>", re.IGNORECASE)
_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?)", re.MULTILINE)
_ESCAPED = re.compile(r"\\([\\`*_~\[\]()#>])")


def plain(text: str) -> str:
    """`text` without markdown markup (what a WeCom plain-text field should show)."""
    if not any(mark in text for mark in "*_~`[<#>\\"):
        return text                       # most card text: nothing to do
    text = _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} {m[2]}", text)
    text = _CODE.sub(r"「\1」", text)     # a command to send: where it starts and ends shows
    text = _PAIRED.sub(r"\2", text)
    text = _TAG.sub("", text)
    text = _LINE_MARK.sub("", text)
    return _ESCAPED.sub(r"\1", text)
