"""The restorer's model kept unpacked on disk, so that a process maps it instead of reading it.

The model file is small for the repository (its arrays compressed, its hashes packed) and
costs about a second of CPU to read: decompression, then the n-gram codes derived from it.
Every `sohoa` process that repairs text reads it, each Dask worker too. The first read writes
the model as it lies in memory (`RestorerModel.memory_form`: one .npy file an array) into a
cache folder; later reads map those files (`np.load(mmap_mode='r')`), which costs next to
nothing, and every process on the machine shares the pages through the OS's file cache.

The cache folder is `$SOHOA_CACHE_DIR`, else `$XDG_CACHE_HOME/sohoa`, else `~/.cache/sohoa`;
`SOHOA_CACHE_DIR=off` turns the cache off. An entry is named after the model file's path and
its size and modification time, so a model rebuilt by `sohoa train` gets a new entry (the old
one is removed). It is written into a temporary folder and renamed into place, so a reader
never meets half of one; where the folder cannot be written, the model is read as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from sohoa.diacritics.restore.model import RestorerModel

CACHE_ENV = "SOHOA_CACHE_DIR"
CACHE_FORMAT = 1
"""Raised whenever `RestorerModel.memory_form` changes what it writes."""
_DESCRIPTION = "model.json"
log = logging.getLogger(__name__)


def cache_root() -> Path | None:
    """Where cached models live; None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV, "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "sohoa"


def entry_folder(path: str | Path, root: Path) -> Path:
    """The cache entry of the model file at `path` as it is now: named by the file's path, and
    by its size and modification time (a model rebuilt in place gets another entry)."""
    path = Path(path).resolve()
    stat = path.stat()
    where = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    state = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}:{CACHE_FORMAT}".encode()).hexdigest()[:12]
    return root / f"restorer-{where}-{state}"


def load_model(path: str | Path) -> RestorerModel:
    """The model of the file at `path`: mapped from its cache entry where there is one, else
    read from the file and written to the cache for the next process."""
    root = cache_root()
    try:
        folder = None if root is None else entry_folder(path, root)
    except OSError:  # no such file: `RestorerModel.load` says so as a model error
        folder = None
    if folder is None:
        return RestorerModel.load(path)
    if (folder / _DESCRIPTION).exists():
        try:
            return read_entry(folder)
        except (OSError, ValueError, KeyError) as exc:  # a damaged entry: read the file, write it again
            log.info("restorer model cache %s unreadable (%s); reading the model file", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    model = RestorerModel.load(path)
    try:
        write_entry(model, folder)
    except OSError as exc:  # a read-only home, a full disk: the cache only saves time
        log.info("restorer model cache not written to %s: %s", folder, exc)
        return model
    try:  # the mapped arrays, as every later process has them (and shared with them by the OS)
        return read_entry(folder)
    except (OSError, ValueError, KeyError):  # removed meanwhile, or a file system that maps nothing
        return model


def read_entry(folder: Path) -> RestorerModel:
    description = json.loads((folder / _DESCRIPTION).read_text(encoding="utf-8"))
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
              for name in description["arrays"]}
    return RestorerModel.from_memory_form(arrays, description["model"])


def write_entry(model: RestorerModel, folder: Path) -> None:
    """Write `model`'s memory form as the entry `folder`, whole or not at all, and remove the
    entries of earlier states of the same model file."""
    arrays, description = model.memory_form()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder.parent))
    try:
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        (staging / _DESCRIPTION).write_text(json.dumps({"arrays": sorted(arrays), "model": description},
                                                       ensure_ascii=False), encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / _DESCRIPTION).exists():  # not another process's entry written meanwhile
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    same_file = folder.name.rsplit("-", 1)[0] + "-"
    for other in folder.parent.glob(f"{same_file}*"):
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
