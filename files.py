"""Files written whole: what a reader finds under a file's name is all of it or the earlier
version, never a truncated one (a full disk, a kill, a crash mid-write)."""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(path: Path, data: bytes | str) -> None:
    """`data` (text is written as UTF-8) into `path`: written beside it under a hidden temporary
    name, then renamed over it; a write that fails leaves no temporary file behind."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
