"""Helpers shared by the restorer tests."""

from __future__ import annotations

import numpy as np
import pytest

from sohoa.diacritics.restore.decoder import Restorer
from sohoa.diacritics.restore.model import RestorerModel, capitalised
from sohoa.diacritics.restore.settings import SETTINGS, RestorerSettings


def context_choice(model: RestorerModel, text: str, *, cased: bool = False,
                   settings: RestorerSettings = SETTINGS) -> str:
    """The context's choice for every word of de-accented `text`, in lower case (with `cased`,
    the decoder is told which words were written with a capital)."""
    restorer = Restorer(model, settings=settings)
    words = text.split()
    capitals = np.array([capitalised(w) for w in words], bool) if cased else None
    target, _ = restorer.decide(np.array([restorer.vocabulary.ids(w)[0] for w in words], np.int32), capitals)
    return " ".join(model.targets[t] if t >= 0 else w.lower() for w, t in zip(words, target.tolist()))


@pytest.fixture(name="context_choice")
def context_choice_fixture():
    return context_choice
