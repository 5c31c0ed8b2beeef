"""OCR engines behind one small interface, mapped onto the fixed word table (`OcrWord`).

`TesseractEngine` runs the real Tesseract through pytesseract (one process per call, with
OMP_THREAD_LIMIT=1: parallelism comes from the page pool, Tesseract's own threading is slower).
It reads hOCR with the LSTM's per-character choices (`lstm_choice_mode=2`), so that every word
carries the other marks the network weighed for its letters (`OcrWord.alternatives`): the
repair stage takes them as the page's own evidence of a doubtful mark.

Models (`OCR_MODELS`): 'best' is tessdata_best's `vie` network with integer weights, shipped in
`tessdata/best/` (see PROVENANCE.md there); 'fast' is the system's `vie` (Debian's
tesseract-ocr-vie, the small 'fast' network).
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
from sohoa.ingest import tesseract_api
from sohoa.ingest.records import OcrWord

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrEngine(Protocol):
    """What the page pipeline needs from an OCR engine."""

    name: str

    def recognise(self, image: np.ndarray, *, timeout: float | None = None) -> list[OcrWord]:
        """Words of an upright, deskewed page image (grey or BGR), in the engine's order."""

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        """(degrees clockwise the page must be rotated to be upright, confidence)."""


OCR_MODELS = ("best", "fast")
DEFAULT_OCR_MODEL = "best"
_SHIPPED_TESSDATA = Path(__file__).resolve().parent / "tessdata"


def tessdata_dir(model: str, lang: str = "vie") -> Path | None:
    """The folder to pass as `--tessdata-dir` for `model` (None: the system's own)."""
    if model not in OCR_MODELS:
        raise ValueError(f"unknown OCR model {model!r}; one of {OCR_MODELS}")
    if model == "fast":
        return None
    folder = _SHIPPED_TESSDATA / model
    if not (folder / f"{lang}.traineddata").exists():
        raise MissingDependencyError(f"the '{model}' Tesseract model for '{lang}' is not installed",
                                     hint=f"expected {folder / (lang + '.traineddata')}; use --ocr-model fast")
    return folder


def parse_hocr_words(hocr: str | bytes) -> list[OcrWord]:
    """Tesseract's hOCR (with or without LSTM choices) → words, numbered as in its TSV
    (block = ocr_carea, par = ocr_par, line, word), each with its mark alternatives."""
    import xml.etree.ElementTree as ET

    from sohoa.tables.hocr import mark_alternatives

    root = ET.fromstring(hocr if isinstance(hocr, bytes) else hocr.encode("utf-8"))
    words: list[OcrWord] = []
    counters = {"block": 0, "par": 0, "line": 0, "word": 0}

    def walk(node, block: int, par: int, line: int) -> None:
        for child in node:
            classes = child.get("class", "").split()
            if "ocr_carea" in classes:
                counters["block"] += 1
                counters["par"] = 0
                walk(child, counters["block"], 0, 0)
            elif "ocr_par" in classes:
                counters["par"] += 1
                counters["line"] = 0
                walk(child, block, counters["par"], 0)
            elif any(k in classes for k in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat")):
                counters["line"] += 1
                counters["word"] = 0
                walk(child, block, par, counters["line"])
            elif "ocrx_word" in classes:
                counters["word"] += 1
                word = _hocr_word(child, block, par, line, counters["word"], mark_alternatives)
                if word is not None:
                    words.append(word)
            else:
                walk(child, block, par, line)

    walk(root, 0, 0, 0)
    return words


_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_WCONF = re.compile(r"x_wconf (-?[\d.]+)")
_XCONF = re.compile(r"x_confs ([\d.]+)")


def _hocr_word(node, block: int, par: int, line: int, number: int, alternatives_of) -> OcrWord | None:
    steps, text_parts = [], []
    for child in node.iter():
        classes = child.get("class", "")
        if "ocrx_cinfo" in classes and (child.get("id") or "").startswith("lstm_choices"):
            steps.append([(choice.text or "", float(m.group(1)) if (m := _XCONF.search(choice.get("title", ""))) else 0.0)
                          for choice in child])
    # the word's text: every text node not inside the LSTM choices
    def text_of(element) -> None:
        if element.text and not ("ocrx_cinfo" in element.get("class", "")):
            text_parts.append(element.text)
        for child in element:
            if "ocrx_cinfo" not in child.get("class", ""):
                text_of(child)
            if child.tail:
                text_parts.append(child.tail)
    text_of(node)
    text = "".join(text_parts).strip()
    box = _BBOX.search(node.get("title", ""))
    if not text or not box:
        return None
    wconf = _WCONF.search(node.get("title", ""))
    x0, y0, x1, y1 = (int(v) for v in box.groups())
    return OcrWord(text=text, conf=float(wconf.group(1)) if wconf else 0.0, bbox=(x0, y0, x1, y1),
                   block=block, par=par, line=line, word=number, alternatives=alternatives_of(text, steps))


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
    """Tesseract through pytesseract. lang 'vie' by default; psm 3 (automatic layout);
    `model` one of `OCR_MODELS`; `choices`: read hOCR with the LSTM's per-character choices."""

    name = "tesseract"

    def __init__(self, lang: str = "vie", psm: int = 3, extra_config: str = "", model: str = DEFAULT_OCR_MODEL,
                 choices: bool = True):
        self.lang = lang
        self.psm = psm
        self.extra_config = extra_config
        self.model = model
        self.choices = choices
        folder = tessdata_dir(model, lang) if lang == "vie" else None
        self._tessdata = f'--tessdata-dir "{folder}"' if folder else ""

    @property
    def model_name(self) -> str:
        """What read the text, for the repair stage ('tesseract-vie-best')."""
        return f"tesseract-{self.lang}-{self.model if self.lang == 'vie' else 'system'}"

    @staticmethod
    def check_installed(lang: str = "vie", model: str = "fast") -> None:
        """Raise MissingDependencyError with the fix when tesseract or its language is missing."""
        import pytesseract

        if shutil.which("tesseract") is None:
            raise MissingDependencyError("tesseract is not installed",
                                         hint="apt-get install tesseract-ocr tesseract-ocr-vie")
        if lang not in pytesseract.get_languages(config=""):
            raise MissingDependencyError(f"the Tesseract language model '{lang}' is not installed",
                                         hint=f"apt-get install tesseract-ocr-{lang}")
        if lang == "vie":
            tessdata_dir(model, lang)

    def recognise(self, image: np.ndarray, *, timeout: float | None = None) -> list[OcrWord]:
        if self.choices:
            return parse_hocr_words(self.hocr(image, timeout=timeout))
        return parse_tsv(self.tsv(image, timeout=timeout))

    def _config(self) -> str:
        return f"{self._tessdata} --psm {self.psm} {self.extra_config}".strip()

    def tsv(self, image: np.ndarray, *, timeout: float | None = None) -> str:
        """The raw TSV, as recorded for the replay fixtures."""
        import pytesseract

        if tesseract_api.in_use():
            try:
                return tesseract_api.output(image, "tsv", self.lang, self._config(), timeout)
            except tesseract_api.Unsupported:
                pass
        with uncompressed_file(image) as path:
            return _timed(lambda: pytesseract.image_to_data(path, lang=self.lang, config=self._config(),
                                                            timeout=timeout or 0), timeout)

    def hocr(self, image: np.ndarray, *, timeout: float | None = None) -> bytes:
        """The raw hOCR with the LSTM's per-character choices."""
        import pytesseract

        config = f"{self._config()} -c lstm_choice_mode=2"
        if tesseract_api.in_use():
            try:
                return tesseract_api.output(image, "hocr", self.lang, config, timeout)
            except tesseract_api.Unsupported:
                pass
        with uncompressed_file(image) as path:
            return _timed(lambda: pytesseract.image_to_pdf_or_hocr(path, lang=self.lang, config=config,
                                                                   extension="hocr", timeout=timeout or 0), timeout)

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


def _timed(call, timeout: float | None):
    try:
        return call()
    except RuntimeError as exc:  # pytesseract signals its timeout this way
        if "timeout" in str(exc).lower():
            raise PageTimeoutError(f"OCR took longer than {timeout:.0f} s") from exc
        raise


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
