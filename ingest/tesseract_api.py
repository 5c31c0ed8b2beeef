"""Tesseract in the worker's own process, through the C API of the system's libtesseract (the
library the `tesseract` command itself runs on), so that a worker loads each model once.

Every `tesseract` process loads its model again: about 0.1 s of CPU a call, a twentieth of a
prose page's OCR but most of the cost of the many small calls of the table cells. Here each
(model folder, language) is initialised once per process and kept; each call sets the page
segmentation mode and the `-c` variables it asks for, recognises, and puts the variables back
as they were, so calls never see each other's settings. The same pixels and settings give the
same hOCR and TSV as the command (see tests/ingest/test_tesseract_api.py).

A `TesseractEngine(in_process=True)` reads through it (`--ocr-engine libtesseract`: the engine
of every page worker, for its pages and its table cells); by default pytesseract runs the command.
`output(image, extension, lang, config, timeout)` answers as pytesseract's
`run_and_get_output` would ('hocr' as bytes, 'tsv' as text with its header line). Only the
options the project passes are understood (`--tessdata-dir`, `--psm`, `-c NAME=VALUE`); any
other config raises `Unsupported`, and callers then run the command. `available()` says
whether the library could be loaded.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import shlex
import threading

import numpy as np

from sohoa.errors import PageTimeoutError

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


class Unsupported(ValueError):
    """A config this adapter does not understand: run the command instead."""


_LIBRARY: ctypes.CDLL | None = None
_LOADED = False
_LOCK = threading.Lock()


def _library() -> ctypes.CDLL | None:
    global _LIBRARY, _LOADED
    if _LOADED:
        return _LIBRARY
    _LOADED = True
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    handle, text, string = ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p
    signatures = {
        "TessVersion": ([], string),
        "TessBaseAPICreate": ([], handle),
        "TessBaseAPIDelete": ([handle], None),
        "TessBaseAPIInit3": ([handle, string, string], ctypes.c_int),
        "TessBaseAPISetPageSegMode": ([handle, ctypes.c_int], None),
        "TessBaseAPISetVariable": ([handle, string, string], ctypes.c_int),
        "TessBaseAPIGetIntVariable": ([handle, string, ctypes.POINTER(ctypes.c_int)], ctypes.c_int),
        "TessBaseAPIGetBoolVariable": ([handle, string, ctypes.POINTER(ctypes.c_int)], ctypes.c_int),
        "TessBaseAPIGetDoubleVariable": ([handle, string, ctypes.POINTER(ctypes.c_double)], ctypes.c_int),
        "TessBaseAPIGetStringVariable": ([handle, string], string),
        "TessBaseAPISetImage": ([handle, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int], None),
        "TessBaseAPIRecognize": ([handle, ctypes.c_void_p], ctypes.c_int),
        "TessBaseAPIGetHOCRText": ([handle, ctypes.c_int], text),
        "TessBaseAPIGetTsvText": ([handle, ctypes.c_int], text),
        "TessBaseAPIClear": ([handle], None),
        "TessBaseAPIEnd": ([handle], None),
        "TessDeleteText": ([text], None),
        "TessMonitorCreate": ([], ctypes.c_void_p),
        "TessMonitorDelete": ([ctypes.c_void_p], None),
        "TessMonitorSetDeadlineMSecs": ([ctypes.c_void_p, ctypes.c_int], None),
    }
    try:
        for function, (arguments, result) in signatures.items():
            getattr(lib, function).argtypes = arguments
            getattr(lib, function).restype = result
        if not lib.TessVersion().decode().startswith(("4.", "5.")):
            return None
    except AttributeError:
        return None
    _LIBRARY = lib
    return lib


def available() -> bool:
    """Whether libtesseract (4 or 5) could be loaded in this process."""
    return _library() is not None


_HANDLES: dict[tuple[str | None, str], int] = {}


def _handle(lib: ctypes.CDLL, datapath: str | None, lang: str) -> int:
    key = (datapath, lang)
    if key not in _HANDLES:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # read by libtesseract's OpenMP, as for the command
        api = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(api, datapath.encode() if datapath else None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(api)
            raise Unsupported(f"Tesseract could not load '{lang}' from {datapath or 'its own tessdata'}")
        # its notes ('Estimating resolution as 425') go where the command's stderr went: nowhere
        lib.TessBaseAPISetVariable(api, b"debug_file", os.devnull.encode())
        if not _HANDLES:
            atexit.register(_close)
        _HANDLES[key] = api
    return _HANDLES[key]


def _close() -> None:
    """Free the models at exit (libtesseract otherwise reports them as leaked)."""
    lib = _library()
    while _HANDLES:
        _, api = _HANDLES.popitem()
        lib.TessBaseAPIEnd(api)
        lib.TessBaseAPIDelete(api)


def parse_config(config: str) -> tuple[str | None, int, list[tuple[str, str]]]:
    """(tessdata dir, page segmentation mode, [(variable, value)]) of a pytesseract config."""
    datapath, psm, variables = None, 3, []
    words = shlex.split(config)
    k = 0
    while k < len(words):
        word = words[k]
        if word == "--tessdata-dir" and k + 1 < len(words):
            datapath, k = words[k + 1], k + 2
        elif word == "--psm" and k + 1 < len(words):
            psm, k = int(words[k + 1]), k + 2
        elif word == "-c" and k + 1 < len(words) and "=" in words[k + 1]:
            name, value = words[k + 1].split("=", 1)
            variables.append((name, value))
            k += 2
        else:
            raise Unsupported(f"config option {word!r} is run by the tesseract command")
    return datapath, psm, variables


def _current(lib: ctypes.CDLL, api: int, name: str) -> str | None:
    """A variable's value as text, to put back after a call (None: no such variable)."""
    number = ctypes.c_int()
    if lib.TessBaseAPIGetIntVariable(api, name.encode(), ctypes.byref(number)):
        return str(number.value)
    if lib.TessBaseAPIGetBoolVariable(api, name.encode(), ctypes.byref(number)):
        return "1" if number.value else "0"
    real = ctypes.c_double()
    if lib.TessBaseAPIGetDoubleVariable(api, name.encode(), ctypes.byref(real)):
        return repr(real.value)
    text = lib.TessBaseAPIGetStringVariable(api, name.encode())
    return None if text is None else text.decode("utf-8", "replace")


def output(image: np.ndarray, extension: str, lang: str, config: str = "", timeout: float | None = None):
    """Tesseract's 'hocr' (bytes) or 'tsv' (text, with the header line) of an 8-bit grey or
    BGR/RGB image, read in this process. Raises Unsupported when the library or the config
    is not one this adapter runs, PageTimeoutError past `timeout` seconds."""
    lib = _library()
    if lib is None:
        raise Unsupported("libtesseract could not be loaded")
    if extension not in ("hocr", "tsv"):
        raise Unsupported(f"output {extension!r} is written by the tesseract command")
    datapath, psm, variables = parse_config(config)
    pixels = np.ascontiguousarray(image if image.dtype == np.uint8 else np.clip(image, 0, 255).astype(np.uint8))
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        pixels = np.ascontiguousarray(pixels[:, :, :3])
    if pixels.ndim == 3:
        pixels = np.ascontiguousarray(pixels[:, :, ::-1])  # the command reads a PPM as RGB; OpenCV keeps BGR
    depth = 1 if pixels.ndim == 2 else 3
    with _LOCK:  # one handle per model: calls from threads of one process take turns
        api = _handle(lib, datapath, lang)
        previous = []
        for name, value in variables:
            before = _current(lib, api, name)
            if before is None or not lib.TessBaseAPISetVariable(api, name.encode(), value.encode()):
                _restore(lib, api, previous)
                raise Unsupported(f"Tesseract has no variable {name!r}")
            previous.append((name, before))
        monitor = lib.TessMonitorCreate() if timeout else None
        try:
            lib.TessBaseAPISetPageSegMode(api, psm)
            lib.TessBaseAPISetImage(api, pixels.ctypes.data, pixels.shape[1], pixels.shape[0], depth,
                                    pixels.strides[0])
            if monitor:
                lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            if lib.TessBaseAPIRecognize(api, monitor) != 0:
                if monitor:
                    raise PageTimeoutError(f"OCR took longer than {timeout:.0f} s")
                raise RuntimeError("Tesseract could not recognise the image")
            getter = lib.TessBaseAPIGetHOCRText if extension == "hocr" else lib.TessBaseAPIGetTsvText
            pointer = getter(api, 0)
            try:
                data = ctypes.string_at(pointer) if pointer else b""
            finally:
                if pointer:
                    lib.TessDeleteText(pointer)
        finally:
            lib.TessBaseAPIClear(api)
            if monitor:
                lib.TessMonitorDelete(monitor)
            _restore(lib, api, previous)
    if extension == "hocr":
        return data
    return TSV_HEADER + data.decode("utf-8")


def _restore(lib: ctypes.CDLL, api: int, previous: list[tuple[str, str]]) -> None:
    for name, value in reversed(previous):
        lib.TessBaseAPISetVariable(api, name.encode(), value.encode())
