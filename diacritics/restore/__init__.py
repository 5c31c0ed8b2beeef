"""Statistical diacritic restoration and OCR-garble correction (one stage of the repair pipeline).

    from sohoa.diacritics.restore import load_default_restorer
    restorer = load_default_restorer()          # None when no model file is shipped
    restorer.find_edits("Nghi quyet Dai hoi")   # [Edit(0, 4, 'Nghi', 'Nghị', ...), ...]

The model (`diacritics/models/restorer.npz`) is built by `sohoa train` from clean text; see
`sohoa.diacritics.restore.train` for what it holds and `decoder` for how it is used.

Provenance of the shipped model: `make train` — the train split (by document id, see
`sohoa.synth.corpus`) of ../shared/corpus/vi_legal.jsonl.gz and vi_news.jsonl.gz, all of it, plus the
clean seeds 001/003/004; OCR channels from 555 train-split pages rendered by `sohoa.synth.render`
(`--ocr-pages 480`): the garble channel from the 336 read by Tesseract 5.3 `eng`, the mark channel
from the 219 read by `vie` (model 'fast'). No held-out document was read. The same line is stored in
the file's `meta`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "restorer.npz"
MODEL_ENV = "SOHOA_MODEL"
"""The environment variable naming the model file to restore with (one `sohoa train` wrote; the
tables it wrote beside it come with it); `--model` of `sohoa repair` and `sohoa run` sets it."""


def model_path() -> Path:
    """The model file in use: `$SOHOA_MODEL` where it is set, else the shipped one."""
    chosen = os.environ.get(MODEL_ENV, "").strip()
    return Path(chosen) if chosen else DEFAULT_MODEL_PATH


def table_beside(model_path: str | Path, kind: str) -> Path:
    """Where a table `sohoa train` writes beside a model file lives: `<model>.<kind>.tsv`."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}.{kind}.tsv")


def load_restorer(path: str | Path):
    """A `Restorer` (pipeline `Fixer`) built from the model file at `path` and the acronym, name
    and topic tables beside it (`<model>.acronyms.tsv`, `<model>.names.tsv`, `<model>.topics.npz`,
    where there are)."""
    from sohoa.diacritics.restore import acronyms, names, topics
    from sohoa.diacritics.restore.decoder import Restorer
    from sohoa.diacritics.restore.model_cache import load_model

    return Restorer(load_model(path), acronyms.read_table(acronyms.table_path(path)),
                    names=names.read_table(names.table_path(path)),
                    topics=topics.read_table(topics.topics_path(path)))


def load_default_restorer():
    """The restorer built from the model in use (`model_path`), or None when there is none."""
    return _restorer_of(model_path())


@lru_cache(maxsize=2)
def _restorer_of(path: Path):
    if not path.exists():
        return None
    return load_restorer(path)
