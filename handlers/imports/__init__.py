"""The chat side of importing spreadsheets (模板 …, a file sent back, its preview card, 确认导入 /
取消). The reading and the writing are domain.imports'; this area only talks."""
