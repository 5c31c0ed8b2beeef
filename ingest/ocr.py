"""OCR engines behind one small interface, mapped onto the fixed word table (`OcrWord`).

`TesseractEngine` runs the real Tesseract through pytesseract (one process per call, with
OMP_THREAD_LIMIT=1: parallelism comes from the page pool, Tesseract's own threading is slower).
The page is handed over as an uncompressed PGM/PPM file (in /dev/shm where there is one), not
as the PNG pytesseract would encode: at 300 dpi the PNG encoding alone cost about a quarter of
a page's time, and Tesseract reads the same pixels either way.
`ReplayEngine` serves recorded Tesseract TSV for fast tests; `NullEngine` reads nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from sohoa.errors import MissingDependencyError, PageTimeoutError
from sohoa.ingest.records import OcrWord

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrEngine(Protocol):
    """What the page pipeline needs from an OCR engine."""

    name: str

    def recognise(self, image: np.ndarray, *, timeout: float | None = None) -> list[OcrWord]:
        """Words of an upright, deskewed page image (grey or BGR), in the engine's order."""

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        """(degrees clockwise the page must be rotated to be upright, confidence)."""


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Tesseract's TSV (image_to_data) → words; empty and whitespace-only rows dropped."""
    words: list[OcrWord] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        words.append(OcrWord(
            text=text,
            conf=float(row["conf"]),
            bbox=(left, top, left + int(row["width"]), top + int(row["height"])),
            block=int(row["block_num"]),
            par=int(row["par_num"]),
            line=int(row["line_num"]),
            word=int(row["word_num"]),
        ))
    return words


class TesseractEngine:
    """Tesseract through pytesseract. lang 'vie' by default; psm 3 (automatic layout)."""

    name = "tesseract"

    def __init__(self, lang: str = "vie", psm: int = 3, extra_config: str = ""):
        self.lang = lang
        self.psm = psm
        self.extra_config = extra_config

    @staticmethod
    def check_installed(lang: str = "vie") -> None:
        """Raise MissingDependencyError with the fix when tesseract or its language is missing."""
        import pytesseract

        if shutil.which("tesseract") is None:
            raise MissingDependencyError("tesseract is not installed",
                                         hint="apt-get install tesseract-ocr tesseract-ocr-vie")
        if lang not in pytesseract.get_languages(config=""):
            raise MissingDependencyError(f"the Tesseract language model '{lang}' is not installed",
                                         hint=f"apt-get install tesseract-ocr-{lang}")

    def recognise(self, image: np.ndarray, *, timeout: float | None = None) -> list[OcrWord]:
        return parse_tsv(self.tsv(image, timeout=timeout))

    def tsv(self, image: np.ndarray, *, timeout: float | None = None) -> str:
        """The raw TSV, as recorded for the replay fixtures."""
        import pytesseract

        config = f"--psm {self.psm} {self.extra_config}".strip()
        try:
            with uncompressed_file(image) as path:
                return pytesseract.image_to_data(path, lang=self.lang, config=config, timeout=timeout or 0)
        except RuntimeError as exc:  # pytesseract signals its timeout this way
            if "timeout" in str(exc).lower():
                raise PageTimeoutError(f"OCR took longer than {timeout:.0f} s") from exc
            raise

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        import pytesseract

        try:
            with uncompressed_file(image) as path:
                osd = pytesseract.image_to_osd(path, config="--psm 0", timeout=timeout or 0)
        except pytesseract.TesseractError:
            return 0, 0.0  # too little text to tell: leave the page as it is
        rotate = re.search(r"Rotate:\s+(\d+)", osd)
        confidence = re.search(r"Orientation confidence:\s+([\d.]+)", osd)
        return (int(rotate.group(1)) if rotate else 0), (float(confidence.group(1)) if confidence else 0.0)


_MEMORY_FOLDER = "/dev/shm"


@contextmanager
def uncompressed_file(image: np.ndarray):
    """The path of a temporary PGM (grey) or PPM (BGR) copy of `image`, removed afterwards.

    Netpbm files are written at memory speed (no compression) and read by Tesseract's
    Leptonica as they are; a RAM-backed folder spares the disk too."""
    import cv2

    folder = _MEMORY_FOLDER if os.access(_MEMORY_FOLDER, os.W_OK) else None
    pixels = np.ascontiguousarray(image if image.dtype == np.uint8 else np.clip(image, 0, 255).astype(np.uint8))
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
    suffix = ".pgm" if pixels.ndim == 2 else ".ppm"
    handle, path = tempfile.mkstemp(prefix="sohoa-page-", suffix=suffix, dir=folder)
    os.close(handle)
    try:
        if not cv2.imwrite(path, pixels):
            raise OSError(f"could not write the page image for Tesseract to {path}")
        yield path
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


class ReplayEngine:
    """Replays recorded TSV: one file per page, chosen by call order (tests, debugging)."""

    name = "replay"

    def __init__(self, tsv_files: list[str | Path], rotation: tuple[int, float] = (0, 0.0)):
        self._tsv = [Path(p).read_text(encoding="utf-8") for p in tsv_files]
        self._calls = 0
        self._rotation = rotation

    def recognise(self, image: np.ndarray, *, timeout: float | None = None) -> list[OcrWord]:
        tsv = self._tsv[self._calls % len(self._tsv)]
        self._calls += 1
        return parse_tsv(tsv)

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        return self._rotation


class NullEngine:
    """Reads nothing: for runs that only test plumbing."""

    name = "null"

    def recognise(self, image: np.ndarray, *, timeout: float | None = None) -> list[OcrWord]:
        return []

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        return 0, 0.0


def make_engine(name: str = "tesseract", **kwargs) -> OcrEngine:
    """Engine by name: 'tesseract' (default) or 'null'."""
    if name == "tesseract":
        return TesseractEngine(**kwargs)
    if name == "null":
        return NullEngine()
    raise ValueError(f"unknown OCR engine {name!r}")
