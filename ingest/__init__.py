"""Ingest: inputs → page images → preprocessing → OCR → reading order."""
