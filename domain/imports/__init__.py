"""Spreadsheets in and out (issue 14, "From Excel"): the four sheets (schema.py), reading a
file someone sent safely (workbook.py), its rows into records (rows.py), a preview and the
all-or-nothing import through the domain services (apply.py), templates and exports
(template.py, export.py). Bytes in, records and problems out: nothing here knows of chat."""
