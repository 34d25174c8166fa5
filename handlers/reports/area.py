"""Reports (数据分析与报表): the commands, the export and NPS buttons, the live NPS card and the
scheduled report work."""
from __future__ import annotations

from handlers.chat.area import Area, command
from handlers.reports import commands, nps
from handlers.reports.jobs import report_jobs


def area() -> Area:
    return Area(
        name="reports",
        commands=(
            command("reports", ("报表", "统计"), ("reports", "stats"), commands.show_report),
            command("satisfaction", ("满意度",), ("satisfaction",), commands.show_satisfaction),
            command("export_report", ("导出报表", "导出 报表"), ("export report",), commands.export_report),
            command("recommend", ("推荐",), ("recommend", "nps"), nps.recommend),
        ),
        actions={"report.export": commands.on_export, "nps.rate": nps.on_rate},
        card_views={"nps": nps.nps_card},
        jobs=report_jobs,
    )
