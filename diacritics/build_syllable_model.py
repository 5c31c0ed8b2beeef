"""Rebuild diacritics/data/syllable_model.tsv.gz: syllable and syllable-pair counts of clean text.

    python -m sohoa.diacritics.build_syllable_model CORPUS... [--min-count 3] [--max-pairs 60000]

Only the training split is read (synth.corpus). The file holds lower-case syllables and pairs
of adjacent syllables with their counts, never sentences. `sohoa.diacritics.plausibility` uses
it to tell which of several decodings of the same bytes reads as Vietnamese.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import unicodedata
from pathlib import Path

from sohoa.diacritics.syllables import parse

OUTPUT = Path(__file__).resolve().parent / "data" / "syllable_model.tsv.gz"
from sohoa.diacritics.plausibility import NUMBER, TOKEN as _TOKEN


def main(argv: list[str] | None = None) -> int:
    from sohoa.synth.corpus import iter_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--max-pairs", type=int, default=60000)
    args = parser.parse_args(argv)
    unigrams: collections.Counter[str] = collections.Counter()
    pairs: collections.Counter[str] = collections.Counter()
    is_word: dict[str, bool] = {}
    for doc in iter_corpus(args.corpus, split="train"):
        for line in unicodedata.normalize("NFC", doc.text).lower().split("\n"):
            previous = None
            for token in _TOKEN.findall(line):
                if token[0].isdigit():
                    token = NUMBER
                known = is_word.get(token)
                if known is None:
                    known = is_word[token] = token == NUMBER or token.isalpha() and parse(token) is not None
                if not known:
                    previous = None
                    continue
                unigrams[token] += 1
                if previous is not None:
                    pairs[f"{previous} {token}"] += 1
                previous = token
    names = ", ".join(Path(p).name for p in args.corpus)
    kept_unigrams = sorted((w, n) for w, n in unigrams.items() if n >= args.min_count)
    kept_pairs = sorted(pairs.most_common(args.max_pairs))
    total = sum(unigrams.values())
    lines = [f"# syllable and adjacent-pair counts (>= {args.min_count}; top {args.max_pairs} pairs) "
             f"of the training split of: {names}", f"total\t{total}"]
    lines += [f"1\t{word}\t{count}" for word, count in kept_unigrams]
    lines += [f"2\t{pair}\t{count}" for pair, count in kept_pairs]
    # mtime=0 keeps a rebuild from the same corpus byte-identical
    OUTPUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{len(kept_unigrams)} syllables, {len(kept_pairs)} pairs → {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
