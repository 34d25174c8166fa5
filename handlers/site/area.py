"""Site capture (issue 17): recalled messages, inspections (巡检) and acceptance records (验收)."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.site import acceptance, inspections
from handlers.site.cards import acceptance_view
from handlers.site.jobs import site_jobs
from handlers.site.recalls import on_recalled


def area() -> Area:
    return Area(
        name="site",
        commands=(
            command("inspect", ("巡检",), ("inspect",), inspections.inspect),
            command("accept", ("验收",), ("acceptance",), acceptance.accept, help_params=acceptance.help_params),
        ),
        actions={"site.accept_pass": acceptance.on_pass, "site.accept_fail": acceptance.on_fail},
        card_views={"acceptance": acceptance_view},
        jobs=site_jobs,
        on_recalled=on_recalled,
    )
