"""Reports in chat (issue 15): 报表 / 统计 / 满意度 cards with a chart, 导出 报表 as a workbook and a
PDF, the NPS card, the pushed weekly and monthly reports and the early warnings."""
