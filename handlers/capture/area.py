"""Capture (现场随手报): plain sentences in a project group that read like a problem report
get a one-tap proposal to file them as a ticket (issue 17). The tickets area's fallback hands
such messages here (handlers/tickets/commands.py::other_message → offer.consider)."""
from __future__ import annotations

from handlers.capture import buttons
from handlers.capture.cards import proposal_view
from handlers.capture.jobs import capture_jobs
from handlers.chat.area import Area


def area() -> Area:
    return Area(
        name="capture",
        actions={"capture.file": buttons.on_file, "capture.dismiss": buttons.on_dismiss},
        card_views={"capture": proposal_view},
        jobs=capture_jobs,
    )
