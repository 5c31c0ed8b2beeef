"""Bytes and legacy encodings → Unicode text. Placeholder: UTF-8 only until detection lands."""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.errors import InputError


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    confidence: float = 1.0


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a legacy text file's bytes; raise InputError with a readable reason if unknown."""
    try:
        return DecodedText(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"text is not UTF-8 and its encoding is not recognised ({exc.reason} at byte {exc.start})") from exc
