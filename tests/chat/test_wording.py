"""Every wording in templates/i18n compiles (they are compiled lazily at run time), and plain
and templated wordings read the same as before."""
from __future__ import annotations

from bot.paths import TEMPLATES_DIR
from handlers.chat.i18n import Catalog


def test_every_wording_compiles():
    Catalog(TEMPLATES_DIR / "i18n").check()


def test_plain_templated_and_missing_wordings():
    catalog = Catalog(TEMPLATES_DIR / "i18n")
    assert catalog.t("zh-CN", "error.not_allowed") == "无权限"
    assert catalog.t("en", "change.days", days=3) == "+3 days"
    assert catalog.t("fr", "error.not_allowed") == "无权限"          # falls back to zh-CN
    assert catalog.t("zh-CN", "no.such.key") == "no.such.key"
