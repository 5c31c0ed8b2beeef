"""Statistical diacritic restoration and OCR-garble correction (one stage of the repair pipeline).

Placeholder until the model lands: no restorer is available.
"""

from __future__ import annotations


def load_default_restorer():
    """The restorer built from the shipped model, or None when no model is available."""
    return None
