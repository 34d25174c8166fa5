"""Site configuration ([site] in config/default.toml) as typed values: the acceptance record
templates (验收单), kind -> the two labels of its fields (the subject's, then what the requester
writes after it). A site file adds kinds or relabels them; a kind set to [] is dropped."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

DEFAULT_TEMPLATES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "隐蔽工程": ("隐蔽部位", "验收内容"),
    "分项工程": ("分项名称", "验收内容"),
    "材料进场": ("材料名称", "规格数量"),
})
KIND_LENGTH = 20        # acceptance_records.kind
LABEL_LENGTH = 40


@dataclass(frozen=True)
class SiteRules:
    acceptance: Mapping[str, tuple[str, str]] = field(default_factory=lambda: DEFAULT_TEMPLATES)


def parse_site(section: dict[str, Any]) -> SiteRules:
    """Raises ValueError with a one-line message naming the key."""
    unknown = sorted(set(section) - {"acceptance"})
    if unknown:
        raise ValueError(f"site.{unknown[0]}: unknown key (known: acceptance)")
    given = section.get("acceptance", DEFAULT_TEMPLATES)
    if not isinstance(given, Mapping):
        raise ValueError(f"site.acceptance: expected a table of kind = [labels], got {given!r}")
    templates: dict[str, tuple[str, str]] = {}
    for kind, labels in given.items():
        where = f"site.acceptance.{kind}"
        if not kind or len(kind) > KIND_LENGTH or any(c.isspace() for c in kind):
            raise ValueError(f"{where}: a kind is one word of at most {KIND_LENGTH} characters")
        if isinstance(labels, (list, tuple)) and not labels:
            continue                                  # [] drops a default kind
        if (not isinstance(labels, (list, tuple)) or len(labels) != 2
                or not all(isinstance(x, str) and x.strip() and len(x) <= LABEL_LENGTH for x in labels)
                or labels[0].strip() == labels[1].strip()):
            raise ValueError(f"{where}: expected two different labels (the subject's, then the details'), "
                             f"e.g. [\"隐蔽部位\", \"验收内容\"], got {labels!r}")
        templates[kind] = (labels[0].strip(), labels[1].strip())
    if not templates:
        raise ValueError("site.acceptance: no kind left; at least one is needed")
    return SiteRules(MappingProxyType(templates))
