"""The exception hierarchy users see. Each carries an exit code and a message that says how to fix it.

The CLI translates these in one place; library code raises them and never calls sys.exit.
"""

from __future__ import annotations


class SohoaError(Exception):
    """Base class: a problem the user can act on."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        base = super().__str__()
        return f"{base} ({self.hint})" if self.hint else base


class UsageError(SohoaError):
    """Bad arguments or options."""

    exit_code = 2


class OutputBusyError(UsageError):
    """The output folder is being written by another run."""


class InputError(SohoaError):
    """One input cannot be read: corrupt, encrypted, empty, too large, unsupported."""


class MissingDependencyError(SohoaError):
    """A system program (tesseract, pdftoppm) or language model is missing."""


class PageTimeoutError(SohoaError):
    """A page took longer than the per-page limit."""


class ModelError(SohoaError):
    """The repair model file is missing, corrupt or of an unknown version."""
