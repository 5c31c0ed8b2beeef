"""Records of the repair stage: every change is an `Edit`, every run a `RepairResult`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    """One explainable change.

    `start`/`end` index the text the edit was made on (for a `RepairResult`: the original input),
    `before == text[start:end]`, and replacing every edit's span by its `after` yields the output.
    """

    start: int
    end: int
    before: str
    after: str
    fixer: str
    confidence: float = 1.0

    def to_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end, "before": self.before, "after": self.after,
            "fixer": self.fixer, "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True)
class RepairResult:
    """The repaired text and the edits, in input coordinates, sorted and non-overlapping."""

    source: str
    text: str
    edits: tuple[Edit, ...] = field(default_factory=tuple)
    flags: tuple[Edit, ...] = field(default_factory=tuple)
    """Changes a stage proposed but left undone (confidence below the threshold), for review."""

    @property
    def changed(self) -> bool:
        return self.text != self.source
