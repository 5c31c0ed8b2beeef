"""OCR engines behind one small interface, mapped onto the fixed word table (`OcrWord`).

Every OCR call of sohoa goes through `OcrEngine`: whole pages, table cells (read with their
own page segmentation mode and character whitelist) and the rendered pages `sohoa train`
reads. A call names the image and, where it differs from the engine's own setting, the page
segmentation mode, a character whitelist, whether to ask for per-character alternatives, and
a time limit; the engine itself holds the language and model. `within` bounds every call of
an engine by one deadline (the table step inside a page's --page-timeout).

`TesseractEngine` runs the real Tesseract through pytesseract (one process per call, with
OMP_THREAD_LIMIT=1: parallelism comes from the page pool, Tesseract's own threading is slower).
It reads hOCR with the LSTM's per-character choices (`CHOICE_CONFIG`), so that every word
carries the other marks the network weighed for its letters (`OcrWord.alternatives`): the
repair stage takes them as the page's own evidence of a doubtful mark; codes, numbers and dates
also carry the other characters it weighed (`OcrWord.readings`: '0]' read, '01' weighed).

Models (`OCR_MODELS`): 'best' is tessdata_best's `vie` network with integer weights, shipped in
`tessdata/best/` (see PROVENANCE.md there); 'fast' is the system's `vie` (Debian's
tesseract-ocr-vie, the small 'fast' network).
The page is handed over as an uncompressed PGM/PPM file (in /dev/shm where there is one), not
as the PNG pytesseract would encode: at 300 dpi the PNG encoding alone cost about a quarter of
a page's time, and Tesseract reads the same pixels either way.
Many small images read with one request (table cells read again alone) go to one `tesseract`
process as a list of files (`recognise_each`, `TesseractEngine.recognise_many`): each is read as
a page of its own, exactly as alone, and the model is loaded once instead of once an image.
`ReplayEngine` serves recorded Tesseract TSV for fast tests; `NullEngine` reads nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from sohoa.errors import MissingDependencyError, PageTimeoutError
from sohoa.ingest import tesseract_api
from sohoa.ingest.records import OcrWord
from sohoa.ingest.tesseract_output import parse_hocr_pages, parse_hocr_words, parse_tsv

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrEngine(Protocol):
    """What sohoa needs from an OCR engine. `psm`, `whitelist` and `choices` left as None take
    the engine's own settings; `timeout` (seconds) bounds the call (PageTimeoutError). An engine
    may also read several images with one request in one call, `recognise_many(images,
    **request)` (the words of each, as `recognise` gives them); `recognise_each` uses it."""

    name: str

    def recognise(self, image: np.ndarray, *, psm: int | None = None, whitelist: str | None = None,
                  choices: bool | None = None, timeout: float | None = None) -> list[OcrWord]:
        """Words of an upright, deskewed image (grey or BGR), in the engine's order; with
        `choices`, each with the mark alternatives the engine weighed."""

    def read_text(self, image: np.ndarray, *, psm: int | None = None, timeout: float | None = None) -> str:
        """The engine's plain text of an image, lines and blank lines as it lays them out."""

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        """(degrees clockwise the page must be rotated to be upright, confidence)."""


OCR_MODELS = ("best", "fast")
DEFAULT_OCR_MODEL = "best"
# the model table cells are read with unless set otherwise (--cell-ocr-model): the table step's
# checks were developed on it; cells read with 'best' scored tidy F1 0.929 against 0.975 on the
# tables bench (bench/tables_bench.py, same pages; the 'wrapped' style fell to 0.62-0.78)
DEFAULT_CELL_OCR_MODEL = "fast"
CHOICE_CONFIG = "-c lstm_choice_mode=2 -c lstm_choice_iterations=2"
"""How the per-character choices are asked for. Each of Tesseract's choice iterations searches
the line again with the characters found so far left out, one more rival a step; the repair
weighs a read mark against the rivals it was close to, and those mostly come first: on a prose
page of 606 words, 11 lost a rival with two iterations, 10 of them keeping their first (one
lost its only rival, at 0.19 of the read letter's confidence). On five prose pages two cost
1.05× plain Tesseract's CPU, five 1.10× (`bench/throughput_bench.py` measures the choices
against plain Tesseract in every run)."""
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


class TesseractEngine:
    """Tesseract through pytesseract. lang 'vie' by default; psm 3 (automatic layout);
    `model` one of `OCR_MODELS` (for 'vie'; other languages use the system's model);
    `choices`: read hOCR with the LSTM's per-character choices; `in_process`: through the
    system's libtesseract inside this process (ingest/tesseract_api.py: each model loaded once
    per process, the same output), else the `tesseract` command for every call."""

    name = "tesseract"
    second_reading = True  # doubtful words inside confident rows may be read again (ingest/reread.py)

    def __init__(self, lang: str = "vie", psm: int = 3, extra_config: str = "", model: str = DEFAULT_OCR_MODEL,
                 choices: bool = True, in_process: bool = False):
        self.lang = lang
        self.in_process = in_process
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

    def recognise(self, image: np.ndarray, *, psm: int | None = None, whitelist: str | None = None,
                  choices: bool | None = None, timeout: float | None = None) -> list[OcrWord]:
        if self.choices if choices is None else choices:
            return parse_hocr_words(self.hocr(image, psm=psm, whitelist=whitelist, timeout=timeout))
        return parse_tsv(self.tsv(image, psm=psm, whitelist=whitelist, timeout=timeout))

    def _config(self, psm: int | None = None, whitelist: str | None = None) -> str:
        config = f"{self._tessdata} --psm {self.psm if psm is None else psm} {self.extra_config}".strip()
        return f"{config} -c tessedit_char_whitelist={whitelist}" if whitelist else config

    def _in_process(self, image: np.ndarray, extension: str, config: str, timeout: float | None):
        """The output of the library in this process (`in_process`), or None where the command
        is to run: not asked for, the library not loadable, or a config it does not take."""
        if not (self.in_process and isinstance(image, np.ndarray) and tesseract_api.available()):
            return None
        try:
            return tesseract_api.output(image, extension, self.lang, config, timeout)
        except tesseract_api.Unsupported:
            return None

    def tsv(self, image: np.ndarray | str, *, psm: int | None = None, whitelist: str | None = None,
            timeout: float | None = None) -> str:
        """The raw TSV, as recorded for the replay fixtures (`image`: pixels, or the path of a
        list of image files, which Tesseract reads as pages one after another)."""
        import pytesseract

        config = self._config(psm, whitelist)
        in_process = self._in_process(image, "tsv", config, timeout)
        if in_process is not None:
            return in_process
        with _input_file(image) as path:
            return _timed(lambda: pytesseract.image_to_data(path, lang=self.lang, config=config,
                                                            timeout=timeout or 0), timeout)

    def hocr(self, image: np.ndarray | str, *, psm: int | None = None, whitelist: str | None = None,
             timeout: float | None = None) -> bytes:
        """The raw hOCR with the LSTM's per-character choices (`image` as for `tsv`)."""
        import pytesseract

        config = f"{self._config(psm, whitelist)} {CHOICE_CONFIG}"
        in_process = self._in_process(image, "hocr", config, timeout)
        if in_process is not None:
            return in_process
        with _input_file(image) as path:
            return _timed(lambda: pytesseract.image_to_pdf_or_hocr(path, lang=self.lang, config=config,
                                                                   extension="hocr", timeout=timeout or 0), timeout)

    def recognise_many(self, images: list[np.ndarray], *, psm: int | None = None, whitelist: str | None = None,
                       choices: bool | None = None, timeout: float | None = None) -> list[list[OcrWord]]:
        """`recognise` of each image, with one request and one time limit for all. Without
        choices, one `tesseract` process reads them all from a list of files, each as a page
        of its own (each read as it would be alone; the model is loaded once, not once an
        image: most of the cost of a small crop)."""
        deadline = None if timeout is None else time.monotonic() + timeout

        def one_by_one() -> list[list[OcrWord]]:  # within the one time limit
            return [self.recognise(image, psm=psm, whitelist=whitelist, choices=choices,
                                   timeout=None if deadline is None else max(0.001, deadline - time.monotonic()))
                    for image in images]

        if len(images) < 2 or (self.in_process and tesseract_api.available()):
            return one_by_one()
        with_choices = self.choices if choices is None else choices
        with ExitStack() as files:
            listing = files.enter_context(_listing([files.enter_context(uncompressed_file(image)) for image in images]))
            if with_choices:
                pages = parse_hocr_pages(self.hocr(listing, psm=psm, whitelist=whitelist, timeout=timeout))
            else:
                pages = [parse_tsv(page) for page in _tsv_pages(self.tsv(listing, psm=psm, whitelist=whitelist,
                                                                         timeout=timeout), len(images))]
        if len(pages) != len(images):  # not one page an image: read them one by one after all
            return one_by_one()
        return pages

    def read_text(self, image: np.ndarray, *, psm: int | None = None, timeout: float | None = None) -> str:
        import pytesseract

        with uncompressed_file(image) as path:
            return _timed(lambda: pytesseract.image_to_string(path, lang=self.lang, config=self._config(psm),
                                                              timeout=timeout or 0), timeout)

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


_SCRATCH_NAME = re.compile(r"^sohoa-pages?-(\d+)-")


def _scratch_folder() -> str:
    return _MEMORY_FOLDER if os.access(_MEMORY_FOLDER, os.W_OK) else tempfile.gettempdir()


@contextmanager
def _scratch_file(prefix: str, suffix: str):
    """The path of a new empty file, in the RAM-backed folder where there is one, removed
    afterwards. Its name holds the process id, so that the file of a worker stopped before it
    could remove it (Ctrl-C, a page timeout) is known for an orphan (`remove_orphaned_scratch`)."""
    handle, path = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=suffix, dir=_scratch_folder())
    os.close(handle)
    try:
        yield path
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def remove_orphaned_scratch() -> int:
    """Remove the page images and page lists left by processes that no longer run (a worker
    killed mid-page keeps no `finally`); in a RAM-backed folder they hold memory until reboot.
    Returns how many were removed."""
    folder = _scratch_folder()
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        found = _SCRATCH_NAME.match(name)
        if not found or _running(int(found.group(1))):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed += 1
        except OSError:
            pass
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running, and not ours to judge
        return True
    return True


@contextmanager
def uncompressed_file(image: np.ndarray):
    """The path of a temporary PGM (grey) or PPM (BGR) copy of `image`, removed afterwards.

    Netpbm files are written at memory speed (no compression) and read by Tesseract's
    Leptonica as they are; a RAM-backed folder spares the disk too."""
    import cv2

    pixels = np.ascontiguousarray(image if image.dtype == np.uint8 else np.clip(image, 0, 255).astype(np.uint8))
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
    with _scratch_file("sohoa-page-", ".pgm" if pixels.ndim == 2 else ".ppm") as path:
        if not cv2.imwrite(path, pixels):
            raise OSError(f"could not write the page image for Tesseract to {path}")
        yield path


@contextmanager
def _input_file(image: np.ndarray | str):
    """The path Tesseract is to read: `image` itself where it is one, else an uncompressed copy."""
    if isinstance(image, str):
        yield image
    else:
        with uncompressed_file(image) as path:
            yield path


@contextmanager
def _listing(paths: list[str]):
    """The path of a temporary text file naming `paths` one a line (Tesseract reads such a
    file as a list of pages), removed afterwards."""
    with _scratch_file("sohoa-pages-", ".txt") as path:
        with open(path, "w", encoding="utf-8") as listing:
            listing.write("".join(f"{page}\n" for page in paths))
        yield path


def _tsv_pages(tsv: str, pages: int) -> list[str]:
    """Tesseract's TSV of several pages → one TSV (header and rows) per page, by `page_num`."""
    header, *rows = tsv.split("\n")
    by_page: list[list[str]] = [[header] for _ in range(pages)]
    for row in rows:
        fields = row.split("\t", 2)
        if len(fields) > 2 and fields[1].isdigit() and 1 <= int(fields[1]) <= pages:
            by_page[int(fields[1]) - 1].append(row)
    return ["\n".join(page) for page in by_page]


def recognise_each(engine: OcrEngine, images: list[np.ndarray], **request) -> list[list[OcrWord]]:
    """The words of each image, all read with one request (`OcrEngine.recognise`'s): in one
    call where the engine reads several at once (`recognise_many`), else image by image."""
    if not images:
        return []
    many = getattr(engine, "recognise_many", None)
    if many is not None:
        return many(images, **request)
    return [engine.recognise(image, **request) for image in images]


class ReplayEngine:
    """Replays recorded TSV: one file per page, chosen by call order (tests, debugging)."""

    name = "replay"

    def __init__(self, tsv_files: list[str | Path], rotation: tuple[int, float] = (0, 0.0)):
        self._tsv = [Path(p).read_text(encoding="utf-8") for p in tsv_files]
        self._calls = 0
        self._rotation = rotation

    def recognise(self, image: np.ndarray, **request) -> list[OcrWord]:
        tsv = self._tsv[self._calls % len(self._tsv)]
        self._calls += 1
        return parse_tsv(tsv)

    def read_text(self, image: np.ndarray, **request) -> str:
        return "\n".join(" ".join(w.text for w in words) for words in _lines(self.recognise(image)))

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        return self._rotation


def _lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        lines.setdefault((word.block, word.par, word.line), []).append(word)
    return list(lines.values())


class NullEngine:
    """Reads nothing: for runs that only test plumbing."""

    name = "null"

    def recognise(self, image: np.ndarray, **request) -> list[OcrWord]:
        return []

    def read_text(self, image: np.ndarray, **request) -> str:
        return ""

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        return 0, 0.0


class _Bounded:
    """An engine whose every call ends by one deadline: each call is given the time left."""

    def __init__(self, engine: OcrEngine, seconds: float):
        self.engine = engine
        self.name = engine.name
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def _left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise PageTimeoutError(f"OCR took longer than {self.seconds:.0f} s")
        return left if timeout is None else min(left, timeout)

    def recognise(self, image: np.ndarray, *, timeout: float | None = None, **request) -> list[OcrWord]:
        return self.engine.recognise(image, timeout=self._left(timeout), **request)

    def recognise_many(self, images: list[np.ndarray], *, timeout: float | None = None,
                       **request) -> list[list[OcrWord]]:
        return recognise_each(self.engine, images, timeout=self._left(timeout), **request)

    def read_text(self, image: np.ndarray, *, timeout: float | None = None, **request) -> str:
        return self.engine.read_text(image, timeout=self._left(timeout), **request)

    def orientation(self, image: np.ndarray, *, timeout: float | None = None) -> tuple[int, float]:
        return self.engine.orientation(image, timeout=self._left(timeout))


def within(engine: OcrEngine, seconds: float) -> OcrEngine:
    """`engine`, every call of which must end within `seconds` from now, all calls together."""
    return _Bounded(engine, seconds)


def make_engine(name: str = "tesseract", **kwargs) -> OcrEngine:
    """Engine by name: 'tesseract' (default; `lang`, `model`, ... as TesseractEngine) or 'null'."""
    if name == "tesseract":
        return TesseractEngine(**kwargs)
    if name == "null":
        return NullEngine()
    raise ValueError(f"unknown OCR engine {name!r}")
