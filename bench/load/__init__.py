"""Shared pieces of the Feishu load benches (ingest.py, e2e.py)."""
