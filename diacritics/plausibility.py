"""How Vietnamese does a text read? A log-likelihood under a syllable bigram model.

Used to choose between decodings of the same bytes ('Cơ quan' in VNI reads 'Cụ quan' in
TCVN3: both are syllables, but 'cơ quan' is common and 'cụ quan' is not). Scores are only
meaningful compared between readings of the same text: words spelled the same in every
reading add the same amount to each.

The model (diacritics/data/syllable_model.tsv.gz, built by `build_syllable_model` from the
training split) holds lower-case syllable counts and the most frequent adjacent pairs.
"""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sohoa.diacritics.syllables import has_marks, parse, split_letter

TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|\S")
NUMBER = "<num>"  # every number is this one word for the model ('Mục 1', 'năm 2021')
# A symbol glued to the end of a word where text never has it ('B“', 'b±', 'S·'): a wrong decoding
_GLUED_SYMBOL = re.compile(r"(?<=[^\W\d_])[“‘±×•«§№°·]")
_VIETNAMESE_BASES = frozenset("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
# Symbols ordinary Vietnamese documents use; anything else non-ASCII and not a letter is odd.
COMMON_SYMBOLS = frozenset("“”‘’–—…•°±×€%«»·§№\u00a0")

# Log-probability penalties (natural log) for what a syllable model cannot score.
UNSEEN_SYLLABLE = 4.0      # a well-formed syllable never seen: this much below the rarest seen one
# Per letter, so that a reading is not rewarded for gluing two non-words into one:
NON_SYLLABLE_ASCII = -2.5  # a letter of an ASCII word that is no syllable: English, 'UBND', 'NĐ'
BROKEN_WORD = -5.0         # a letter of a word with non-ASCII letters that is no syllable ('NghÞ')
ODD_CASE = -12.0           # 'hÓm': letters of one word in mixed case the way wrong decodings do
ODD_CHARACTER = -20.0      # '§', 'Þ', a control: what a wrong decoding leaves behind
PAIR_WEIGHT = 0.6          # interpolation weight of the pair estimate


@dataclass(frozen=True)
class SyllableModel:
    """Counts of syllables and adjacent syllable pairs (lower case): a bigram model over
    syllables as strings, with the n-gram interface of the restorer's models
    (`sohoa.diacritics.restore.ngrams.NgramModel`). The pair estimate is interpolated with the
    unigram one (PAIR_WEIGHT), so a reading is not rewarded for pairs the table pruned."""

    unigrams: dict[str, int]
    pairs: dict[tuple[str, str], int]
    total: int

    def logp1(self, word: str) -> float:
        """log P(word)."""
        count = self.unigrams.get(word, 0)
        if count:
            return math.log(count / self.total)
        return math.log(1 / self.total) - UNSEEN_SYLLABLE

    def logp2(self, previous: str | None, word: str) -> float:
        """log P(word | previous); log P(word) at the start of a run of syllables (`previous` None)."""
        if not previous:
            return self.logp1(word)
        unigram = math.exp(self.logp1(word))
        pair = self.pairs.get((previous, word), 0)
        if not pair:
            return math.log((1 - PAIR_WEIGHT) * unigram)
        return math.log(PAIR_WEIGHT * pair / max(pair, self.unigrams.get(previous, pair)) + (1 - PAIR_WEIGHT) * unigram)

    def logp3(self, before: str | None, previous: str | None, word: str) -> float:
        """log P(word | before previous): a bigram model reads only the word before."""
        return self.logp2(previous, word)


@lru_cache(maxsize=1)
def syllable_model() -> SyllableModel:
    """The shipped model (an empty one when the data file is missing: every syllable unseen)."""
    try:
        raw = resources.files("sohoa.diacritics").joinpath("data/syllable_model.tsv.gz").read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        return SyllableModel({}, {}, 1)
    unigrams: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    total = 1
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, key, *count = line.split("\t")
        if kind == "total":
            total = int(key)
            continue
        count = count[0]
        if kind == "1":
            unigrams[key] = int(count)
        else:
            first, second = key.split(" ")
            pairs[(first, second)] = int(count)
    return SyllableModel(unigrams, pairs, max(total, 1))


def is_odd_character(char: str, common_symbols: frozenset[str] = COMMON_SYMBOLS) -> bool:
    """A character unlikely in Vietnamese text: what a wrong decoding leaves behind ('Þ', '߽').

    `common_symbols` are the non-ASCII symbols that count as ordinary text.
    """
    if char.isascii():
        return char < " " and char not in "\t\n\r\f"
    if char in common_symbols:
        return False
    if char.isalpha():
        return split_letter(char)[0].lower() not in _VIETNAMESE_BASES
    return True


@lru_cache(maxsize=65536)
def _word_kind(word: str) -> tuple[str | None, float]:
    """(lower-case syllable or None, penalty) for one run of letters."""
    penalty = sum(ODD_CHARACTER for c in word if is_odd_character(c))
    if not (word.islower() or word.isupper() or word.istitle()):
        penalty += ODD_CASE
    lower = word.lower()
    if parse(lower) is not None and not any(is_odd_character(c) for c in word):
        return lower, penalty
    abbreviation = word.isupper() and all(c.isascii() or c == "Đ" for c in word)  # 'HĐND', 'QĐ'
    return None, penalty + len(word) * (NON_SYLLABLE_ASCII if word.isascii() or abbreviation else BROKEN_WORD)


def log_likelihood(text: str, model: SyllableModel | None = None) -> float:
    """How Vietnamese `text` reads (higher is better); compare readings of the same text only."""
    model = model or syllable_model()
    score = 0.0
    score += ODD_CHARACTER * len(_GLUED_SYMBOL.findall(text))
    for line in text.split("\n"):
        previous = None
        for token in TOKEN.findall(line):
            if token[0].isdigit():
                score += model.logp2(previous, NUMBER)
                previous = NUMBER
                continue
            if len(token) == 1 and not token.isalpha():
                if is_odd_character(token):
                    score += ODD_CHARACTER
                previous = None
                continue
            syllable, penalty = _word_kind(token)
            score += penalty
            if syllable is None:
                previous = None
                continue
            score += model.logp2(previous, syllable)
            previous = syllable
    return score


def marked_syllables(text: str) -> int:
    """How many words of `text` are syllables with Vietnamese marks ('quyết', 'đi')."""
    return sum(1 for token in TOKEN.findall(text)
               if len(token) > 1 or token.isalpha()
               if has_marks(token) and _word_kind(token)[0] is not None and _word_kind(token)[1] == 0)
