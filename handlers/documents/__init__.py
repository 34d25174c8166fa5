"""What several areas' documents share (not an area: no commands, no cards): the CJK font the
PDFs embed (pdf_font)."""
