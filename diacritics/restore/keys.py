"""Reading OCR garble: which key each written token stands for ('dugc' → 'duoc', 't6' → 'to').

Each token's candidate keys come from the learned OCR channel (whole-token confusions,
character rewrites, the 'P'/'B' for 'Đ' prior), each with log P(token | key); a garbled token the
channel has no reading for, in text that shows English-model OCR's impossible marks, also gets
the common keys a few edits away (`near_keys`), and a consonant standing alone the keys that add
one or two vowels to it (`with_vowel_completions`). In text that is garbled overall a key bigram
Viterbi search picks the path and a key trigram pass revisits the uncertain words (`decode`); in
text that is not, a lone garbled word is weighed against its two neighbours only
(`fix_lone_garble`). The decision lists then restore the chosen keys' marks.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from sohoa.diacritics.restore.channel import CAPITAL_PRIORS, Channel
from sohoa.diacritics.restore.damage import DamageProfiler, TextProfile
from sohoa.diacritics.restore.key_lm import KeyNgrams
from sohoa.diacritics.restore.settings import RestorerSettings
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, CUT_ID, LETTER_SIGNS, NUMBER_ID, UNKNOWN_ID, Token, ocr_letters
from sohoa.diacritics.restore.vocabulary import Vocabulary
from sohoa.diacritics.syllables import is_valid_key, strip_marks

LABEL = re.compile(r"\d+[a-hđmA-HĐM]")
"""Digits and a letter that labels or measures: Vietnamese labels run a, b, c, d, đ, e, g, h
('Điều 10a', 'lớp 1A', 'Quốc lộ 1A') and 'm' is the metre ('cao 6m'). Written so, a token is a
label as often as a word whose letters came out as digits ('1a' là); '16n', '14i' are not labels."""
MIXED_CODE = re.compile(r"[A-ZĐ]{2,}[a-zđ]+[A-ZĐ]")
"""Capitals, small letters, a capital again: a code written with a small letter inside ('CTrTT',
'TTrUB'), never a syllable however garbled (garble puts one capital inside: 'tAim' tầm)."""
LONE_CONSONANT = re.compile(r"[bcdđghklmnpqrstvxBĐGHKNPQRST]")
"""A consonant standing alone as a word: in English-model OCR often a syllable whose marked
vowels came out as nothing ('T quéc' Tổ quốc, 'Chỉ thị s 05' số, 'cán b lãnh đạo' bộ). Not the
capitals that are Roman numerals ('đô thị loại V', 'khoá XII')."""
TRIGRAM_SWEEPS = 2
"""Sweeps of the key trigram pass over the Viterbi path (it stops early when one changes nothing)."""
MAX_CANDIDATES = 8
_PLAIN_VOWELS = frozenset("aeiouy")


class KeyDecoder:
    """Chooses the key of every garbled word (see the module)."""

    def __init__(self, vocabulary: Vocabulary, key_lm: KeyNgrams, channel: Channel, damage: DamageProfiler,
                 settings: RestorerSettings):
        self.vocabulary, self.key_lm, self.channel = vocabulary, key_lm, channel
        self.damage, self.settings = damage, settings
        self._candidates: dict[tuple[str, float, bool], list[tuple[int, float]]] = {}
        self._common_by_initial: dict[str, list[str]] | None = None
        self._completions: dict[str, list[tuple[int, int]]] = {}

    def candidates(self, token: str, profile: TextProfile) -> list[tuple[int, float]]:
        """(key id, log P(token | key)) for the keys a written token may stand for."""
        english_marks = self.shows_english_model_marks(profile)
        cache_key = (token, round(profile.garble, 2), english_marks)
        found = self._candidates.get(cache_key)
        if found is not None:
            return found
        settings, key_ids = self.settings, self.vocabulary.key_ids
        lower = token.lower()
        if token.isdigit():
            own, suspicious = NUMBER_ID, False
        else:
            own = self.vocabulary.ids(token)[0] if token.isalpha() else UNKNOWN_ID
            suspicious = self.damage.suspicious(token)
        garble = profile.garble
        # Keeping the token as written is always a candidate: foreign words and names exist.
        seen = self.channel.tokens.get(lower, {})
        own_key = self.vocabulary.keys[own] if own != UNKNOWN_ID else None
        if own_key in seen:  # the pages saw this token read for its own key: use that rate
            keep = (1.0 - garble) + garble * seen[own_key]
        else:
            keep = (1.0 - settings.unk_keep * garble) if suspicious else 1.0 - garble * self.channel.garble_rate
        if own == UNKNOWN_ID and garble > settings.lone_garble:
            keep *= settings.unk_emission
        scores: dict[int, float] = {own: keep}
        if LABEL.fullmatch(token):
            # a label or a measure ('Điều 10a', 'Mẫu 1a', '6m') as often as a word whose letters
            # came out as digits ('1a' là): the number is a candidate too, at the odds a plain
            # number keeps, and the neighbours decide
            scores[NUMBER_ID] = 1.0 - garble * self.channel.garble_rate
        for key, p in seen.items():
            kid = key_ids.get(key)
            if kid is not None and kid != own:
                scores[kid] = max(scores.get(kid, 0.0), p * garble)
        # a token the pages saw often but never for some key is unlikely to stand for it
        unseen_factor = 0.1 if sum(seen.values()) > 0 else 1.0
        if token[:1] in CAPITAL_PRIORS:
            rest = strip_marks(lower[1:])
            for first, p in CAPITAL_PRIORS[token[:1]].items():
                kid = key_ids.get(first + rest)
                if kid is not None:
                    scores[kid] = max(scores.get(kid, 0.0), p * garble)
        # capitals ('XIII', 'UBND', headings) and codes with a small letter inside ('CTrTT')
        # keep their letters: only 'P'/'B' for 'Đ' may change
        code = bool(MIXED_CODE.match(token))
        letters_only_rewrite_ok = (garble > settings.lone_garble and not (token.isupper() and len(token) > 1)
                                   and not code) or not (token.isalpha() or code)
        if letters_only_rewrite_ok and (suspicious or garble > 0.5):
            # English-model OCR writes some mark ('é', 'ó') for any marked vowel: the letter
            # under it is as doubtful as the mark.
            for key, p in self.channel.rewrite_keys(token).items():
                kid = key_ids.get(key)
                if kid is not None and is_valid_key(key):
                    # a key the pages saw the token stand for keeps what its rewrites say: a
                    # rare garble ('1€' for 'lệ', seen a few times) is rare for the key, not unlikely
                    factor = 1.0 if key in seen else unseen_factor
                    scores[kid] = max(scores.get(kid, 0.0), factor * p * garble)
        if (settings.near_key_rate > 0 and suspicious and garble > 0 and not code
                and english_marks
                and not self.damage.is_common(own)
                and not any(k not in (own, UNKNOWN_ID, NUMBER_ID) for k in scores)):
            # garble the channel never saw ('gitra', 'qubc': another engine's 'ư', 'ố'): any
            # common key a few letters away with the same first letter, and the neighbours
            # decide. Only in text that writes marks as English-model OCR does ('quyét',
            # 'trién'): correct and de-accented text, whose unknown words are names ('Sato',
            # 'Hull'), have none
            for kid, distance in self.near_keys(token):
                scores.setdefault(kid, garble * settings.near_key_rate ** distance)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_CANDIDATES]
        found = [(k, math.log(max(p, 1e-12))) for k, p in ranked] or [(UNKNOWN_ID, 0.0)]
        self._candidates[cache_key] = found
        return found

    def shows_english_model_marks(self, profile: TextProfile) -> bool:
        """Marks no Vietnamese spelling allows, on two words at least and on
        `near_key_mark_share` of them: the evidence of English-model OCR that near keys need."""
        return profile.odd_marks >= 2 and profile.odd_mark_share >= self.settings.near_key_mark_share

    def near_keys(self, token: str) -> list[tuple[int, int]]:
        """(key id, edit distance) of the common keys within `settings.near_key_edits` edits of a
        garbled token's letters (one edit for a token of three letters) that start with its
        first letter, nearest and commonest first."""
        query = ocr_letters(strip_marks(token.lower()))
        if len(query) < 3 or not query.isalpha():
            return []
        found = extract(query, self.common_keys_starting(query[0]), scorer=Levenshtein.distance,
                        score_cutoff=min(self.settings.near_key_edits, len(query) - 2), limit=None)
        key_ids, count = self.vocabulary.key_ids, self.key_lm.count1
        # at most one letter shorter: a token two letters longer than a word is rather two words
        # glued ('cachly') or a foreign one ('Chnim') than that word garbled
        near = sorted(((key_ids[key], int(distance)) for key, distance, _ in found if len(key) >= len(query) - 1),
                      key=lambda kd: (kd[1], -count(kd[0])))
        return near[:MAX_CANDIDATES]

    def with_vowel_completions(self, cands: list[tuple[int, float]], letter: str,
                               profile: TextProfile) -> list[tuple[int, float]]:
        """`cands` of a consonant standing alone, with the keys that add one or two vowels to it
        (the letter may be all English-model OCR left of a syllable), each added vowel costing a
        factor `near_key_rate` as a near key's edit does. The neighbours decide: a label ('điểm
        b'), an initial or a unit ('5 m') keeps its letter where they say so."""
        scores = dict(cands)
        # a capital standing alone is as often a person's initial ('bà H', 'cháu T'): it needs
        # the neighbours' word more
        cost = self.settings.near_key_rate ** (1 if letter.isupper() else 0)
        for kid, added in self.vowel_completions(letter.lower()):
            scores[kid] = max(scores.get(kid, -math.inf),
                              math.log(profile.garble * cost * self.settings.near_key_rate ** added))
        return sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_CANDIDATES]

    def vowel_completions(self, letter: str) -> list[tuple[int, int]]:
        """(key id, vowels added) of the common keys that are `letter` and one or two vowels,
        commonest first."""
        found = self._completions.get(letter)
        if found is None:
            key_ids, count = self.vocabulary.key_ids, self.key_lm.count1
            found = sorted(((key_ids[key], len(key) - 1) for key in self.common_keys_starting(letter)
                            if 2 <= len(key) <= 3 and set(key[1:]) <= _PLAIN_VOWELS),
                           key=lambda ka: -count(ka[0]))[:MAX_CANDIDATES]
            self._completions[letter] = found
        return found

    def common_keys_starting(self, letter: str) -> list[str]:
        """The common keys of letters that spell a Vietnamese syllable and start with `letter`,
        in key-id order (built once for all letters)."""
        if self._common_by_initial is None:
            by_initial: dict[str, list[str]] = {}
            for kid in range(NUMBER_ID + 1, len(self.vocabulary.keys)):
                key = self.vocabulary.keys[kid]
                if key.isalpha() and is_valid_key(key) and self.damage.is_common(kid):
                    by_initial.setdefault(key[0], []).append(key)
            self._common_by_initial = by_initial
        return self._common_by_initial.get(letter, [])

    def best_known_key(self, token: str) -> tuple[int, float] | None:
        """(key id, log P(token | key)) of the likeliest common Vietnamese key a token may stand for."""
        profile = TextProfile(strip_rate=0.0, garble=1.0 if self.damage.suspicious(token) else 0.0)
        for kid, channel in self.candidates(token, profile):
            if kid > NUMBER_ID and is_valid_key(self.vocabulary.keys[kid]) and self.damage.is_common(kid):
                return kid, channel
        return None

    def fix_lone_garble(self, tokens: list[Token], own_keys: np.ndarray):
        """In text that is not garbled overall, weigh each garbled-looking word on its own
        ('Pang' among clean words) against its two neighbours; everything else stays.
        Returns the keys and a per-position confidence (None: nothing changed)."""
        keys, confidence = own_keys, None
        profile = TextProfile(strip_rate=0.0, garble=self.settings.lone_garble)
        bigram = self.key_lm.logp2
        for i, token in enumerate(tokens):
            if not token.text or not self.damage.suspicious(token.text):
                continue
            cands = self.candidates(token.text, profile)
            if len(cands) < 2:
                continue
            left, right = int(own_keys[i - 1]), int(own_keys[i + 1])
            local = [c + bigram(left, k) + bigram(k, right) for k, c in cands]
            top = max(local)
            weights = [math.exp(v - top) for v in local]
            choice = local.index(top)
            if cands[choice][0] == own_keys[i]:
                continue
            if confidence is None:
                keys, confidence = own_keys.copy(), np.ones(len(own_keys))
            keys[i] = cands[choice][0]
            confidence[i] = weights[choice] / sum(weights)
        return keys, confidence

    def decode(self, text: str, tokens: list[Token], own_keys: np.ndarray, profile: TextProfile,
               cut: tuple[bool, bool] = (False, False)):
        """Viterbi over candidate keys; returns the keys, a per-position confidence and, per
        position read otherwise than the path, its other keys with their share (`other_keys`).
        `cut`: whether the text was cut off at its start and its end (`CUT_ID`)."""
        lattice = []
        english_marks = self.shows_english_model_marks(profile)
        for token, own in zip(tokens, own_keys.tolist()):
            if token.text and (any(ch.isalpha() or ch in LETTER_SIGNS for ch in token.text)
                               or (token.text.isdigit() and len(token.text) <= 2 and _isolated(text, token))):
                cands = self.candidates(token.text, profile)
                if english_marks and LONE_CONSONANT.fullmatch(token.text) and _isolated(text, token):
                    cands = self.with_vowel_completions(cands, token.text, profile)
                lattice.append(cands)
            else:
                lattice.append([(own, 0.0)])
        edge = (CUT_ID if cut[0] else BOUNDARY_ID, CUT_ID if cut[1] else BOUNDARY_ID)
        if cut[0] and lattice[0] == [(BOUNDARY_ID, 0.0)]:
            lattice[0] = [(CUT_ID, 0.0)]
        if cut[1] and lattice[-1] == [(BOUNDARY_ID, 0.0)]:
            lattice[-1] = [(CUT_ID, 0.0)]
        bigram = functools.lru_cache(maxsize=None)(self.key_lm.logp2)
        scores = [c for _, c in lattice[0]]
        back: list[list[int]] = [[0] * len(lattice[0])]
        for i in range(1, len(lattice)):
            prev, cur = lattice[i - 1], lattice[i]
            if len(prev) == 1 and prev[0][0] in (BOUNDARY_ID, CUT_ID) and len(cur) == 1:
                scores = [scores[0] + cur[0][1]]
                back.append([0])
                continue
            new_scores, pointers = [], []
            for key, channel in cur:
                best_j, best = 0, -1e300
                for j, (pkey, _) in enumerate(prev):
                    s = scores[j] + bigram(pkey, key)
                    if s > best:
                        best_j, best = j, s
                new_scores.append(best + channel)
                pointers.append(best_j)
            scores, back = new_scores, back + [pointers]
        path = [max(range(len(scores)), key=scores.__getitem__)]
        for i in range(len(lattice) - 1, 0, -1):
            path.append(back[i][path[-1]])
        path.reverse()
        tri = functools.lru_cache(maxsize=None)(self.key_lm.logp3)
        if self.key_lm.has_trigrams:
            path = self._trigram_sweeps(lattice, path, tri, edge)
        keys = np.array([lattice[i][j][0] for i, j in enumerate(path)], dtype=np.int32)
        confidence = np.ones(len(keys))
        for i, cands in enumerate(lattice):
            if len(cands) < 2:
                continue
            left = keys[i - 1] if i else edge[0]
            right = keys[i + 1] if i + 1 < len(keys) else edge[1]
            local = [c + bigram(int(left), k) + bigram(k, int(right)) for k, c in cands]
            top = max(local)
            weights = [math.exp(v - top) for v in local]
            confidence[i] = weights[path[i]] / sum(weights)
        others = self.other_keys(lattice, keys, tri, edge)
        return np.where(keys == CUT_ID, BOUNDARY_ID, keys).astype(np.int32), confidence, others

    def other_keys(self, lattice, keys: np.ndarray, tri,
                   edge: tuple[int, int] = (BOUNDARY_ID, BOUNDARY_ID)) -> dict[int, list[tuple[int, float]]]:
        """Position → [(key id, share)] of the keys other than the chosen one that the channel
        and the key trigrams around it (the neighbours as chosen) leave at least
        `1 - lm_unsure` of the mass, likeliest first, at most `OTHER_KEYS`: the toned trigram
        model weighs their forms too, where a wider context decides ('xác định chỉ số hài lòng',
        where the key trigrams prefer 'định chủ sở', as in 'chủ sở hữu'). `tri`: the key
        trigram model's log probability (cached by the caller)."""
        if not self.key_lm.has_trigrams:
            return {}
        n, found = len(lattice), {}
        key = lambda i: int(keys[i]) if 0 <= i < n else edge[i >= n]  # noqa: E731
        for i, cands in enumerate(lattice):
            if len(cands) < 2:
                continue
            scores = _trigram_scores(cands, tri, key(i - 2), key(i - 1), key(i + 1), key(i + 2))
            top = max(scores)
            weights = [math.exp(v - top) for v in scores]
            total = sum(weights)
            others = sorted(((k, w / total) for (k, _), w in zip(cands, weights)
                             if k != keys[i] and w / total >= 1 - self.settings.lm_unsure),
                            key=lambda kw: -kw[1])[:OTHER_KEYS]
            if others:
                found[i] = others
        return found

    def _trigram_sweeps(self, lattice, path: list[int], tri,
                        edge: tuple[int, int] = (BOUNDARY_ID, BOUNDARY_ID)) -> list[int]:
        """Revisit each uncertain word with the key trigram model (`tri`), neighbours fixed
        (`edge`: what lies before the text and after it)."""
        path = list(path)
        n = len(lattice)

        def key(i: int) -> int:
            return lattice[i][path[i]][0] if 0 <= i < n else edge[i >= n]

        for _ in range(TRIGRAM_SWEEPS):
            changed = False
            for i, cands in enumerate(lattice):
                if len(cands) < 2:
                    continue
                scores = _trigram_scores(cands, tri, key(i - 2), key(i - 1), key(i + 1), key(i + 2))
                top = scores.index(max(scores))
                if top != path[i]:
                    path[i], changed = top, True
            if not changed:
                break
        return path


def _trigram_scores(cands, tri, a: int, b: int, c: int, d: int) -> list[float]:
    """Each candidate key's channel score plus the log probabilities of the three key trigrams it
    makes with the two neighbours on either side (`a`, `b` before; `c`, `d` after)."""
    return [ch + tri(a, b, k) + tri(b, k, c) + tri(k, c, d) for k, ch in cands]


OTHER_KEYS = 2
"""At most this many other keys of a garbled word are weighed with its own (`other_keys`)."""


def _isolated(text: str, token: Token) -> bool:
    """A token standing alone between spaces (a lone '6' read for 'ở'), not part of '6/2' or '1.5'."""
    before = text[token.start - 1] if token.start else " "
    after = text[token.end] if token.end < len(text) else " "
    return before.isspace() and (after.isspace() or after in ",;:")


def ocr_case_pattern(token: str, before: str) -> str:
    """The case a garbled token was written in: a capital 'I' English-model OCR read for an 'l'
    after a lower-case word is the 'l' of a lower-case word ('bao Idi' is 'bao lợi')."""
    if token[:1] == "I" and before[-1:].islower():
        return token.lower()
    return token
