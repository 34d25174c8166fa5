"""Site capture (issue 17): recalled messages, inspections (巡检) and acceptance records (验收)."""
from __future__ import annotations

from handlers.chat.area import Area
from handlers.site.recalls import on_recalled


def area() -> Area:
    return Area(name="site", on_recalled=on_recalled)
