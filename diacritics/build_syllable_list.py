"""Rebuild diacritics/data/syllables.txt: the Vietnamese syllables attested in a clean corpus.

    python -m sohoa.diacritics.build_syllable_list CORPUS... [--min-count 3]

Only the training split is read (synth.corpus). The list holds syllables, never text.
"""

from __future__ import annotations

import argparse
import collections
import re
import unicodedata
from pathlib import Path

from sohoa.diacritics.syllables import has_marks, parse

OUTPUT = Path(__file__).resolve().parent / "data" / "syllables.txt"


def main(argv: list[str] | None = None) -> int:
    from sohoa.synth.corpus import iter_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args(argv)
    counts: collections.Counter[str] = collections.Counter()
    for doc in iter_corpus(args.corpus, split="train"):
        for word in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", doc.text).lower()):
            if not word.isascii() or len(word) <= 7:
                counts[word] += 1
    kept = sorted(w for w, n in counts.items() if n >= args.min_count and parse(w) is not None
                  and (has_marks(w) or w.isascii()))
    names = ", ".join(Path(p).name for p in args.corpus)
    header = f"# Vietnamese syllables seen >= {args.min_count} times in the training split of: {names}\n"
    OUTPUT.write_text(header + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} syllables → {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
