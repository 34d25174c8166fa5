"""Reports (数据分析与报表): the figures a department head or the head office reads — service,
customers, delivery, money, sales — for a period beside the one before it, scoped by who asks.
Pure functions over plain rows (domain/store/repos/reports.py); each figure is defined once."""
