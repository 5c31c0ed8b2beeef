"""Unicode hygiene fixers: normal form, stray and doubled combining marks, look-alikes."""

from __future__ import annotations

import re
import unicodedata

from sohoa.diacritics.records import Edit

# A base character with the combining marks that follow it: the unit NFC works on.
_CLUSTER = re.compile(r".[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.DOTALL)


class NfcFixer:
    """Compose decomposed text (NFD fragments, Windows-1258 style marks) into NFC, per character."""

    name = "nfc"

    def find_edits(self, text: str) -> list[Edit]:
        if unicodedata.is_normalized("NFC", text):
            return []
        edits = []
        for match in _CLUSTER.finditer(text):
            piece = match.group()
            fixed = unicodedata.normalize("NFC", piece)
            if fixed != piece:
                edits.append(Edit(match.start(), match.end(), piece, fixed, self.name, 1.0))
        return edits
