"""The n-gram interface of the restorer, and what its two language models share.

The restorer weighs words by how well they fit between their neighbours with two models:

- `key_lm.KeyNgrams`, over *keys* (words with their marks lost, 'nguoi'): it decides which
  key a garbled OCR token stands for ('dugc' → 'duoc'), whether a punctuation chunk between
  two words is a speck, whether a glued or cut word should be mended. Keys are all a garbled
  or de-accented text shows, so this is the model that can read it;
- `toned_lm.TonedLM`, over *toned forms* ('người'): it re-weighs the forms the decision
  lists are unsure of, and judges the marks an OCR engine may have swapped.

Both answer the same two questions on integer token ids; their smoothing differs because
what they are asked differs (each module states its own and how it was measured):

    logp2(b, c)     log P(c | b)
    logp3(a, b, c)  log P(c | a b)

`TonedLM` answers elementwise over numpy arrays of ids (it scores whole candidate matrices
at once); `KeyNgrams` answers one n-gram at a time, with Python floats, in the inner loops of
the Viterbi searches that memoise it. The encoding stage's syllable model
(`sohoa.diacritics.plausibility.SyllableModel`) answers `logp2` too, over syllables as
strings: it ships apart (a small table of the training split) so that reading legacy bytes
needs no restorer model.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

DISCOUNT = 0.75
"""Absolute discount of a seen n-gram's count, in both models (the usual value for counts of
this size; not tuned here)."""


@runtime_checkable
class NgramModel(Protocol):
    """log probabilities of a token after the one or two tokens before it."""

    def logp2(self, b, c):
        """log P(c | b)."""

    def logp3(self, a, b, c):
        """log P(c | a b)."""
