"""Indicator tables: detection on page images, structure, cell OCR, wide and tidy CSV."""
