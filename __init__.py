"""sohoa: scanned Vietnamese government reports to clean text and tidy indicator tables."""

__version__ = "0.1.0"
