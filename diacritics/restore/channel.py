"""The OCR channel: how a true syllable comes out of an OCR engine, learned from aligned pages.

Three tables, all learned from (OCR token, true token) pairs of rendered train-split text:
- `tokens`: whole observed tokens and the de-accented keys of the true syllables they stood
  for ('ciia' → 'cua', 'dugc' → 'duoc', 'tha' → 'thu'), with P(observed | true key); only
  confusions that change the key (lost marks alone are the decoder's business).
- `rules`: character rewrites on the de-accented form ('ir' → 'u', 'ud' → 'uo', '6' → 'o',
  '1' → 'l', 'p' → 'd'), used to propose keys for garbled tokens never seen in the pairs.
- `forms`: how often each toned syllable came out as each observed token ('thế' as 'thé' 834
  times in 839, 'thứ' as 'thé' 28 times in 412): what the marks the OCR kept say about the tone
  it lost, weighed against the context by the toned trigram model (`rescore`).
"""

from __future__ import annotations

import difflib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sohoa.diacritics.syllables import canonical, is_syllable, strip_marks

CAPITAL_PRIORS = {"P": {"d": 0.3}, "B": {"d": 0.15}}
"""A capital 'Đ' read as 'P' or 'B' ('Pang' for 'Đảng', 'Bang bo' for 'Đảng bộ'): how legacy
scans in Times-like faces come out (seeds 000 and 002). Our renderer's 'Đ' reads as 'D', so the
rendered pages cannot teach this one; it is a prior, merged with what the pages teach."""

PRIOR_RULES = {"mg": {"ng": 0.5}, "ou": {"qu": 0.5}, "&": {"e": 0.3, "o": 0.3}, "¢": {"e": 0.3, "o": 0.3, "c": 0.3, "": 0.3},
               "¥": {"y": 0.5}, "§": {"y": 0.3, "o": 0.3, "": 0.3},
               **{f"{c}tr": {f"{c}u": 0.5} for c in "abcdeghiklmnopqrstuvxy"}}
"""Rewrites legacy English-model scans show that our rendered pages do not teach: 'n' before 'g'
read as 'm' ('tmg' for 'ứng', 'vimg' for 'vững', seed 002); a Times 'Q' read as 'O' ('Ouyét' for
'Quyết', eleven times in the real scans read by the English model, restore bench set 6); 'ư' read as 'tr' after a letter
('xtr' xử, 'ctru' cứu, 'chtrc' chức, 'gitra' giữa, seeds 000 and 002); '&' for 'ệ', 'ễ' or 'ơ' as
well as for the 'ấ' our pages show ('tỷ 1&' lệ, 'm&i' mới); '¢' for 'ệ', 'ơ' or a 'c' ('tỷ 1¢' lệ,
'co s¢' cơ sở, '¢6' có); '¥' and '§' for 'ỹ' ('k¥ thuật' kỹ), '§' also for 'ơ' ('v§i' với). No
Vietnamese word spells 'mg', 'ou', 'tr' after a letter, '&', '¢', '¥' or '§', so the rewrites cost
no real word anything."""
FINAL_PRIORS = {"b": {"o": 0.2}}
"""A final 'ố'/'ó' read as 'b' ('sb' for 'số'): no Vietnamese word ends in 'b'."""

EDGE_PUNCT = ".,;:!?()[]\"'“”‘’…-–*"


def core(chunk: str) -> str:
    """A whitespace chunk without the punctuation around it."""
    return chunk.strip(EDGE_PUNCT)


@dataclass
class Channel:
    """P(observed | true) for OCR tokens, and rewrite rules for unseen garble."""

    tokens: dict[str, dict[str, float]] = field(default_factory=dict)
    """observed lower-case token → {true key: P(observed | true key)}, its own key included"""
    rules: dict[str, dict[str, float]] = field(default_factory=dict)
    """observed substring (de-accented) → {true de-accented substring: P(rewrite)}"""
    garble_rate: float = 0.0
    """share of word tokens the training OCR got wrong at the key level (for scaling)."""
    forms: dict[str, dict[str, int]] = field(default_factory=dict)
    """true toned syllable (lower case) → {observed lower-case token: times read so}"""
    form_totals: dict[str, int] = field(default_factory=dict)
    """true toned syllable → times seen in the pairs (its rare readings included)"""

    def to_json(self) -> dict:
        return {"tokens": self.tokens, "rules": self.rules, "garble_rate": self.garble_rate,
                "forms": self.forms, "form_totals": self.form_totals}

    @classmethod
    def from_json(cls, data: dict) -> "Channel":
        return cls(tokens=data.get("tokens", {}), rules=data.get("rules", {}),
                   garble_rate=float(data.get("garble_rate", 0.0)), forms=data.get("forms", {}),
                   form_totals=data.get("form_totals", {}))

    def form_odds(self, observed: str, forms: list[str], pseudo: float) -> list[float]:
        """Per toned form, the log of how much likelier the OCR was to write `observed` (a
        lower-case token) for that form than for the forms together: log P(observed | form) /
        P(observed | any of `forms`), the form's own sightings smoothed toward the pooled rate
        with `pseudo` sightings; 0 for every form where the pairs never showed `observed` for
        any of them (nothing to tell them apart)."""
        seen = [self.forms.get(form, {}).get(observed, 0) for form in forms]
        totals = [self.form_totals.get(form, 0) for form in forms]
        if not sum(seen) or not sum(totals):
            return [0.0] * len(forms)
        pooled = sum(seen) / sum(totals)
        return [math.log((n + pseudo * pooled) / (total + pseudo) / pooled) for n, total in zip(seen, totals)]

    def _rules_for(self, sub: str) -> dict[str, float]:
        learned = self.rules.get(sub, {})
        prior = PRIOR_RULES.get(sub)
        if not prior:
            return learned
        return {**learned, **{b: max(p, learned.get(b, 0.0)) for b, p in prior.items()}}

    def rewrite_keys(self, observed: str, max_rewrites: int = 2) -> dict[str, float]:
        """De-accented strings reachable from `observed` by up to `max_rewrites` rules, with probability."""
        start = strip_marks(observed.lower())
        found: dict[str, float] = {start: 1.0}
        frontier = {start: 1.0}
        for repl, p in CAPITAL_PRIORS.get(observed[:1], {}).items():
            frontier[repl + start[1:]] = found[repl + start[1:]] = p
        if len(start) > 1:
            for repl, p in FINAL_PRIORS.get(start[-1], {}).items():
                frontier[start[:-1] + repl] = found[start[:-1] + repl] = max(p, found.get(start[:-1] + repl, 0.0))
        for _ in range(max_rewrites):
            nxt: dict[str, float] = {}
            for form, prob in frontier.items():
                for i in range(len(form)):
                    for width in (1, 2, 3):
                        sub = form[i:i + width]
                        if len(sub) < width:
                            break
                        for repl, p in self._rules_for(sub).items():
                            new = form[:i] + repl + form[i + width:]
                            score = prob * p
                            if score > nxt.get(new, 0.0) and score > found.get(new, 0.0):
                                nxt[new] = score
            found.update(nxt)
            frontier = dict(sorted(nxt.items(), key=lambda kv: -kv[1])[:60])
        found.pop(start, None)
        return found


def learn_channel(pairs: Iterable[tuple[str, str]], *, min_token_count: int = 2, min_rule_count: int = 3) -> Channel:
    """Count token confusions and character rewrites in aligned (ocr, truth) chunk pairs."""
    token_pairs: Counter[tuple[str, str]] = Counter()
    true_counts: Counter[str] = Counter()
    rule_counts: Counter[tuple[str, str]] = Counter()
    sub_counts: Counter[str] = Counter()
    form_pairs: Counter[tuple[str, str]] = Counter()
    form_totals: Counter[str] = Counter()
    words = wrong = 0
    for ocr_chunk, truth_chunk in pairs:
        observed, truth = core(ocr_chunk).lower(), core(truth_chunk).lower()
        if not truth or " " in truth or " " in observed or not truth.isalpha():
            continue
        truth = canonical(truth)
        if not is_syllable(truth):
            continue
        words += 1
        obs_key, true_key = strip_marks(observed), strip_marks(truth)
        true_counts[true_key] += 1
        token_pairs[(observed, true_key)] += 1
        form_totals[truth] += 1
        form_pairs[(truth, observed)] += 1
        if obs_key != true_key:
            wrong += 1
        for sub in _substrings(obs_key):
            sub_counts[sub] += 1
        if obs_key != true_key:
            for a, b in _char_rewrites(obs_key, true_key):
                rule_counts[(a, b)] += 1

    tokens: dict[str, dict[str, float]] = defaultdict(dict)
    for (observed, truth), n in token_pairs.items():
        if n >= min_token_count:
            tokens[observed][truth] = n / true_counts[truth]
    rules: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), n in rule_counts.items():
        if n >= min_rule_count and sub_counts[a]:
            rules[a][b] = min(0.9, n / sub_counts[a])
    forms: dict[str, dict[str, int]] = defaultdict(dict)
    for (truth, observed), n in form_pairs.items():
        if n >= min_token_count:
            forms[truth][observed] = n
    return Channel(tokens=dict(tokens), rules=dict(rules), garble_rate=wrong / max(1, words), forms=dict(forms),
                   form_totals={truth: n for truth, n in form_totals.items() if truth in forms})


def _substrings(text: str) -> Iterable[str]:
    for i in range(len(text)):
        for width in (1, 2, 3):
            if i + width <= len(text):
                yield text[i:i + width]


def _char_rewrites(observed: str, truth: str) -> list[tuple[str, str]]:
    """Replaced/inserted/deleted character runs between two de-accented strings (≤ 3 chars)."""
    out = []
    matcher = difflib.SequenceMatcher(None, observed, truth, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        a, b = observed[a0:a1], truth[b0:b1]
        if op == "insert":  # attach to the previous observed character so the rule has a source
            if a0 == 0:
                continue
            a, b = observed[a0 - 1:a0], truth[b0 - 1:b1] if b0 else b
        if 1 <= len(a) <= 3 and len(b) <= 3:
            out.append((a, b))
    return out
