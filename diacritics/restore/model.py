"""The restoration model: candidate tables and context decision lists, in one compact .npz file.

- `keys` / `targets`: the vocabularies of context keys (de-accented forms, punctuation,
  reserved ids) and of toned lower-case syllables.
- candidates: for each key, its toned forms with their corpus counts (most frequent first).
- levels: decision lists over context windows of keys. A level maps the hash of the keys at
  `offsets` around a word to the toned form seen most often there, stored where it beats what
  the lower-ranked levels predict on the training corpus, or where it makes that choice much
  surer. Decoding weighs each word's hits by probability plus a bonus per rank (`RANK_BONUS`).
  Cased levels read the keys with their capitalisation; toned levels (a second pass) read the
  neighbours by the toned forms the first pass chose.
- `key_lm`: bigram and trigram counts of the key stream (`sohoa.diacritics.restore.key_lm`),
  the language model that decides which key a garbled OCR token stands for; `channel`: the
  OCR confusion tables.
- `toned_lm`: a four-gram model over toned forms (`sohoa.diacritics.restore.toned_lm`) that
  re-weighs the candidates of the words the decision lists are unsure of.

Window hashes are 64-bit in a model fresh from training and kept to their top `STORED_HASH_BITS`
bits in the file: with at most a few hundred thousand entries per level, a lookup of an unseen
window meets a stored one by chance once in millions of words, and the file is a quarter smaller.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from sohoa.diacritics.restore.key_lm import KeyNgrams
from sohoa.diacritics.restore.toned_lm import TonedLM
from sohoa.errors import ModelError

FORMAT = "sohoa-restorer"
VERSION = 2

# Context windows and their rank, general to specific. A word takes the decision of the hit
# with the best probability + RANK_BONUS * rank (equal ranks: the more confident entry).
# Measured: one window per rank beats grouping the one-sided windows of equal width into one
# rank on held-out text.
LEVEL_OFFSETS: tuple[tuple[int, ...], ...] = (
    (-1, 0), (0, 1), (-2, -1, 0), (0, 1, 2), (-1, 0, 1),
    (-2, -1, 0, 1), (-1, 0, 1, 2), (-2, -1, 0, 1, 2),
)
LEVEL_RANKS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)
RANK_BONUS = 0.1
"""How a word's key-window hits are weighed: a hit of rank r scores prob + RANK_BONUS * r and the
best score decides, so a wider window overrides a narrower one unless the narrower is much
surer ('vào vai' 0.99 against 'vai tì' 0.6). Measured on held-out news outside the benchmark:
0.1 beats a plain decision list (first hit of the highest rank) and the surest hit alone (0)."""
TONED_LEVEL_OFFSETS: tuple[tuple[int, ...], ...] = (
    (-1, 0), (0, 1), (-1, 0, 1), (-2, -1, 0), (0, 1, 2),
)
"""Second-pass windows: the word's key between the *toned* forms of its neighbours, as the
first pass restored them ('vai tì' → 'vai', where the keys 'vai ti' say 'vài tỉ'). They rank
above every key window and are looked up once the key windows have decided the neighbours."""
CASED_LEVEL_OFFSETS: tuple[tuple[int, ...], ...] = ((-1, 0), (0, 1), (-1, 0, 1))
"""Windows over keys that keep whether each word was written with a capital (`cased_stream`):
'Hồ Văn Hải' against 'họ vẫn', 'Đỗ An' against 'đỗ ăn'. They rank above the plain key windows."""
PAD = 2  # widest reach of a window on either side
STORED_HASH_BITS = 40
_HASH_BYTES = STORED_HASH_BITS // 8

_MULT = np.uint64(0x9E3779B97F4A7C15)


def window_hashes(padded_keys: np.ndarray, offsets: tuple[int, ...], level: int,
                  padded_context: np.ndarray | None = None) -> np.ndarray:
    """64-bit hash of the keys at `offsets` around every position of `padded_keys[PAD:-PAD]`.

    padded_context: for a toned level, the stream the neighbours (offsets other than 0) are read
    from (`toned_stream`); the word itself is always read by its key.
    """
    n = len(padded_keys) - 2 * PAD
    h = np.full(n, np.uint64(level * 0x1F3D5B79 + 0x51ED27), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for off in offsets:
            stream = padded_keys if off == 0 or padded_context is None else padded_context
            h ^= stream[PAD + off: PAD + off + n].astype(np.uint64)
            h *= _MULT
            h ^= h >> np.uint64(29)
    return h


def toned_stream(keys: np.ndarray, targets: np.ndarray, n_keys: int) -> np.ndarray:
    """Context ids of a token stream whose words carry their toned form: `n_keys + target id`
    for words with a known toned form, the key id for everything else (punctuation, numbers,
    <unk>). The ids of the two kinds never collide."""
    return np.where(targets >= 0, targets.astype(np.int64) + n_keys, keys.astype(np.int64))


def capitalised(token: str) -> bool:
    """Does a word start with a capital letter ('Văn', 'HẢI')? Case survives lost marks."""
    return token[:1].isupper()


def cased_stream(keys: np.ndarray, capitals: np.ndarray) -> np.ndarray:
    """Context ids that tell a capitalised word from the same word in lower case: 2 × key + capital."""
    return keys.astype(np.int64) * 2 + capitals.astype(np.int64)


@dataclass
class Level:
    offsets: tuple[int, ...]
    rank: int
    hashes: np.ndarray   # uint64, sorted
    targets: np.ndarray  # int32 target id per hash
    probs: np.ndarray    # uint8: P(target | context) * 255
    toned: bool = False  # neighbours read by their restored toned form (second pass)
    cased: bool = False  # keys read with their capitalisation (`cased_stream`)


@dataclass
class RestorerModel:
    keys: list[str]
    targets: list[str]
    cand_offsets: np.ndarray   # int64 [n_keys + 1]
    cand_targets: np.ndarray   # int32
    cand_counts: np.ndarray    # int64
    levels: list[Level]
    key_lm: KeyNgrams | None = None
    """the key n-gram model (`key_lm`); None: no key counts (every key counts once)"""
    channel: dict = field(default_factory=dict)
    """the OCR channel tables (`sohoa.diacritics.restore.channel.Channel.to_json`)"""
    meta: dict = field(default_factory=dict)
    toned_lm: TonedLM | None = None
    """the toned n-gram model (`toned_lm`), when the file has one"""
    hash_bits: int = 64
    """how many top bits of each window hash the levels keep (`hash_shift` drops the rest)"""

    @property
    def hash_shift(self) -> np.uint64:
        """Right shift that turns a 64-bit window hash into the levels' stored form."""
        return np.uint64(64 - self.hash_bits)

    def __post_init__(self) -> None:
        if self.key_lm is None:
            self.key_lm = KeyNgrams(len(self.keys))
        self.key_ids = {k: i for i, k in enumerate(self.keys)}
        self.target_ids = {t: i for i, t in enumerate(self.targets)}

    def candidates(self, key_id: int) -> list[tuple[int, int]]:
        """(target id, count) of a key, most frequent first."""
        a, b = self.cand_offsets[key_id], self.cand_offsets[key_id + 1]
        return list(zip(self.cand_targets[a:b].tolist(), self.cand_counts[a:b].tolist()))

    # -- persistence --------------------------------------------------------
    def save(self, path: str | Path) -> None:
        arrays = {
            "keys": _pack_strings(self.keys), "targets": _pack_strings(self.targets),
            "cand_offsets": self.cand_offsets, "cand_targets": self.cand_targets,
            "cand_counts": self.cand_counts, **self.key_lm.to_arrays(),
            "channel": np.frombuffer(json.dumps(self.channel, ensure_ascii=False).encode(), dtype=np.uint8),
        }
        if self.toned_lm is not None:
            arrays.update(self.toned_lm.to_arrays())
        shift = np.uint64(64 - STORED_HASH_BITS) - self.hash_shift
        for i, level in enumerate(self.levels):
            arrays[f"level{i}_hashes"] = _pack_hashes(level.hashes >> shift)
            arrays[f"level{i}_targets"] = level.targets
            arrays[f"level{i}_probs"] = level.probs
        meta = dict(self.meta, format=FORMAT, version=VERSION,
                    level_offsets=[list(lv.offsets) for lv in self.levels],
                    level_ranks=[lv.rank for lv in self.levels],
                    level_toned=[lv.toned for lv in self.levels],
                    level_cased=[lv.cased for lv in self.levels], hash_bits=STORED_HASH_BITS)
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        Path(path).write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> "RestorerModel":
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                if meta.get("format") != FORMAT or meta.get("version") != VERSION:
                    raise ModelError(f"{path}: not a sohoa restorer model of version {VERSION}",
                                     hint="rebuild it with `sohoa train`")
                toned = meta.get("level_toned") or [False] * len(meta["level_offsets"])
                cased = meta.get("level_cased") or [False] * len(meta["level_offsets"])
                hash_bits = int(meta.get("hash_bits", 64))
                levels = [
                    Level(tuple(offsets), rank, _unpack_hashes(data[f"level{i}_hashes"]), data[f"level{i}_targets"],
                          data[f"level{i}_probs"], bool(toned[i]), bool(cased[i]))
                    for i, (offsets, rank) in enumerate(zip(meta["level_offsets"], meta["level_ranks"]))
                ]
                keys = _unpack_strings(data["keys"])
                return cls(
                    keys=keys, targets=_unpack_strings(data["targets"]),
                    cand_offsets=data["cand_offsets"], cand_targets=data["cand_targets"],
                    cand_counts=data["cand_counts"], levels=levels,
                    key_lm=KeyNgrams.from_arrays(data, len(keys)),
                    channel=json.loads(bytes(data["channel"]).decode()) if "channel" in data.files else {},
                    meta=meta, toned_lm=TonedLM.from_arrays(data), hash_bits=hash_bits,
                )
        except ModelError:
            raise
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot read restorer model {path}: {exc}",
                             hint="rebuild it with `sohoa train`") from exc


    # -- the model as it lies in memory (sohoa.diacritics.restore.model_cache) ----------------
    def memory_form(self) -> tuple[dict[str, np.ndarray], dict]:
        """The model's arrays as `load` leaves them (the file's compressed and packed arrays
        unpacked, its n-gram codes derived) and a JSON-able description of the rest:
        `from_memory_form` rebuilds the same model from them without any work on the arrays."""
        arrays = {"keys": _pack_strings(self.keys), "targets": _pack_strings(self.targets),
                  "cand_offsets": self.cand_offsets, "cand_targets": self.cand_targets,
                  "cand_counts": self.cand_counts, **self.key_lm.to_arrays()}
        for i, level in enumerate(self.levels):
            arrays |= {f"level{i}_hashes": level.hashes, f"level{i}_targets": level.targets,
                       f"level{i}_probs": level.probs}
        toned = None
        if self.toned_lm is not None:
            toned = {"vocab": self.toned_lm.vocab}
            for name in _TONED_ARRAYS:
                value = getattr(self.toned_lm, name)
                if value is not None:
                    arrays[f"toned_{name}"] = value
        description = {"meta": self.meta, "channel": self.channel, "hash_bits": self.hash_bits, "toned_lm": toned,
                       "levels": [[list(lv.offsets), lv.rank, lv.toned, lv.cased] for lv in self.levels]}
        return arrays, description

    @classmethod
    def from_memory_form(cls, arrays, description: dict) -> "RestorerModel":
        """The model of `memory_form`'s arrays (a mapping name → array: read-only memory maps do)."""
        keys = _unpack_strings(arrays["keys"])
        toned = description["toned_lm"]
        toned_lm = None if toned is None else TonedLM(
            vocab=int(toned["vocab"]), **{name: arrays[f"toned_{name}"] for name in _TONED_ARRAYS
                                           if f"toned_{name}" in arrays})
        levels = [Level(tuple(offsets), rank, arrays[f"level{i}_hashes"], arrays[f"level{i}_targets"],
                        arrays[f"level{i}_probs"], bool(is_toned), bool(is_cased))
                  for i, (offsets, rank, is_toned, is_cased) in enumerate(description["levels"])]
        return cls(keys=keys, targets=_unpack_strings(arrays["targets"]), cand_offsets=arrays["cand_offsets"],
                   cand_targets=arrays["cand_targets"], cand_counts=arrays["cand_counts"], levels=levels,
                   key_lm=KeyNgrams.from_arrays(arrays, len(keys)), channel=description["channel"],
                   meta=description["meta"], toned_lm=toned_lm, hash_bits=int(description["hash_bits"]))


_TONED_ARRAYS = tuple(f.name for f in fields(TonedLM) if f.name != "vocab")


def _pack_hashes(hashes: np.ndarray) -> np.ndarray:
    """Hashes of at most STORED_HASH_BITS bits as rows of bytes (random bits do not compress)."""
    return hashes.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :_HASH_BYTES].copy()


def _unpack_hashes(stored: np.ndarray) -> np.ndarray:
    if stored.ndim == 1:  # a file with full 64-bit hashes
        return stored
    rows = np.zeros((len(stored), 8), np.uint8)
    rows[:, :stored.shape[1]] = stored
    return rows.view("<u8").ravel().astype(np.uint64)


def _pack_strings(items: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _unpack_strings(array: np.ndarray) -> list[str]:
    return bytes(array).decode("utf-8").split("\n")
