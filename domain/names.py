"""People's real names, learnt from the platform when sitebot first knew them only by their
platform id: someone added as `@ZhangSan` (a WeCom UserID) or `@staff001` (a DingTalk staffId)
before their name was known got that id as their name, and cards said "ding_pm · 项目经理". When the
platform tells us the name (its contact API, DingTalk's sender nick), such a person takes it.
A name someone was given on purpose (any name other than their id) is never changed here."""
from __future__ import annotations

from datetime import datetime

from domain.store.uow import Tx

NAME_MAX = 100


async def learn_names(tx: Tx, platform: str, names: dict[str, str], now: datetime) -> list[str]:
    """user id -> the platform's name for them; returns the names taken."""
    taken = []
    for user_id, name in names.items():
        name = (name or "").strip()[:NAME_MAX]
        if not name or name == user_id:
            continue
        person = await tx.people.by_identity(platform, user_id)
        if person is None or person.name != user_id:
            continue
        person.name = name
        for identity in await tx.people.identities_of(person.id):
            if identity.platform == platform and identity.external_id == user_id:
                identity.display_name = name
        tx.audit.append(at=now, actor_id=None, platform=platform, action="person.name",
                        subject_type="person", subject_id=person.id, data={"from": user_id, "to": name})
        taken.append(name)
    return taken
