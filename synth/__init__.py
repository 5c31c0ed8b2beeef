"""Synthetic scanned documents with known truth: sample inputs and benchmark data."""
