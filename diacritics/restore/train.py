"""Build a `RestorerModel` from clean Vietnamese text (the train split of the corpora only).

1. Tokenise every line; map each token to a context-key id and (words) a toned-target id.
2. Candidates: for each key, the toned forms seen at least `min_count` times.
3. Decision lists: for each context window (general → specific), the most frequent toned form
   per window hash, kept where it corrects at least `min_gain` more training positions than the
   levels before it, or where its context is common and makes the choice clearly surer (so that
   the decoder can weigh a narrow sure window against a wide unsure one). Probabilities are
   smoothed by `PROB_SMOOTHING` so that a context seen twice is not "certain".
4. Cased levels: key windows that keep whether each word was capitalised (a name, 'Hồ Văn',
   against running text, 'họ vẫn'), kept only where they correct the levels before them.
5. Toned levels: the same, with the neighbours read by their true toned forms, kept only where
   they correct the key levels' choice (the decoder feeds them the key levels' choices).
6. The two n-gram models (`ngrams`): key bigrams and trigrams (`key_lm`), for OCR garble and
   mending words, and a four-gram model over the toned forms (`toned_lm`), for the words the
   levels leave unsure.
"""

from __future__ import annotations

import datetime as _dt
from array import array
import sys
from pathlib import Path
from typing import Iterable

import numpy as np

from sohoa.diacritics.restore.key_lm import build_key_ngrams
from sohoa.diacritics.restore.toned_lm import build_toned_lm, lm_tokens
from sohoa.diacritics.restore.model import (
    CASED_LEVEL_OFFSETS, LEVEL_OFFSETS, LEVEL_RANKS, PAD, RANK_BONUS, TONED_LEVEL_OFFSETS, Level, RestorerModel,
    capitalised, cased_stream, toned_stream, window_hashes,
)
from sohoa.diacritics.restore.tokens import (
    BOUNDARY_ID, RESERVED_KEYS, UNKNOWN_ID, key_and_target, tokenize,
)


def _log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


class TokenStreams:
    """The token streams of clean texts, collected text by text (`add`) as (key, target) ids
    into growing vocabularies, with whether each token is capitalised; a line boundary before
    each line and after the last."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, int, bool]] = {}
        self.key_vocab: dict[str, int] = {k: i for i, k in enumerate(RESERVED_KEYS)}
        self.target_vocab: dict[str, int] = {}
        self.keys = array("i")
        self.targets = array("i")
        self.capitals = array("b")
        self.starts = array("q")  # where each text's tokens begin (the topics cluster texts)

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, text: str) -> None:
        keys, targets, capitals, cache = self.keys, self.targets, self.capitals, self._cache
        self.starts.append(len(keys))
        for line in text.splitlines():
            tokens = tokenize(line)
            if not tokens:
                continue
            keys.append(BOUNDARY_ID)
            targets.append(-1)
            capitals.append(0)
            for token in tokens:
                ids = cache.get(token.text)
                if ids is None:
                    key, target = key_and_target(token.text)
                    kid = self.key_vocab.setdefault(key, len(self.key_vocab))
                    tid = -1 if target is None else self.target_vocab.setdefault(target, len(self.target_vocab))
                    ids = cache[token.text] = (kid, tid, capitalised(token.text))
                keys.append(ids[0])
                targets.append(ids[1])
                capitals.append(ids[2])

    def document_starts(self) -> np.ndarray:
        """Where each text's tokens begin in the streams."""
        return np.frombuffer(self.starts, dtype=np.int64).copy()

    def streams(self):
        """(key ids, target ids, key list, target list, capitalised), the arguments of
        `build_model_from_tokens`."""
        def closed(ids: array, dtype, last: int) -> np.ndarray:  # a new array: the streams can grow on
            return np.concatenate([np.frombuffer(ids, dtype=dtype), np.array([last], dtype=dtype)])

        return (closed(self.keys, np.int32, BOUNDARY_ID), closed(self.targets, np.int32, -1),
                list(self.key_vocab), list(self.target_vocab), closed(self.capitals, np.int8, 0).astype(bool))


def collect_tokens(texts: Iterable[str], max_tokens: int | None = None):
    """`TokenStreams.streams` of `texts`, stopping after the text that reaches `max_tokens`."""
    streams = TokenStreams()
    for text in texts:
        streams.add(text)
        if max_tokens is not None and len(streams) >= max_tokens:
            break
    return streams.streams()


def build_model(texts: Iterable[str], *, min_count: int = 2, min_gain: int = 1,
                max_tokens: int | None = None, quiet: bool = True, provenance: str = "") -> RestorerModel:
    """Train the restorer on `texts` (clean Vietnamese). See the module docstring."""
    return build_model_from_tokens(*collect_tokens(texts, max_tokens), min_count=min_count, min_gain=min_gain,
                                   quiet=quiet, provenance=provenance)


def build_model_from_tokens(keys: np.ndarray, targets: np.ndarray, key_list: list[str], target_list: list[str],
                            capitals: np.ndarray | None = None, *,
                            min_count: int = 2, min_gain: int = 1, quiet: bool = True,
                            provenance: str = "") -> RestorerModel:
    """`build_model` on token streams already collected by `collect_tokens`."""
    if not target_list:
        from sohoa.errors import InputError

        raise InputError("no Vietnamese words to train on (is the corpus empty, or all in the held-out split?)",
                         hint="pass a larger clean corpus with --corpus")
    _log(f"restore/train: {len(keys):,} tokens, {len(key_list):,} keys, {len(target_list):,} toned forms", quiet)

    # Prune rare keys to <unk> and rare targets; renumber both vocabularies compactly.
    key_counts = np.bincount(keys, minlength=len(key_list))
    keep_key = key_counts >= min_count
    keep_key[: len(RESERVED_KEYS)] = True
    key_map = np.full(len(key_list), UNKNOWN_ID, dtype=np.int32)
    key_map[keep_key] = np.arange(int(keep_key.sum()), dtype=np.int32)
    new_keys = [k for k, kept in zip(key_list, keep_key) if kept]
    keys = key_map[keys]

    is_word = targets >= 0
    target_counts = np.bincount(targets[is_word], minlength=len(target_list))
    keep_target = target_counts >= min_count
    target_map = np.full(len(target_list), -1, dtype=np.int32)
    target_map[keep_target] = np.arange(int(keep_target.sum()), dtype=np.int32)
    new_targets = [t for t, kept in zip(target_list, keep_target) if kept]
    targets = np.where(is_word, target_map[np.maximum(targets, 0)], -1).astype(np.int32)
    targets[keys == UNKNOWN_ID] = -1

    # Candidates per key, most frequent first.
    word = targets >= 0
    pair = keys[word].astype(np.int64) * len(new_targets) + targets[word]
    pairs, counts = np.unique(pair, return_counts=True)
    pair_keys, pair_targets = pairs // len(new_targets), pairs % len(new_targets)
    order = np.lexsort((-counts, pair_keys))
    pair_keys, pair_targets, counts = pair_keys[order], pair_targets[order], counts[order]
    cand_offsets = np.searchsorted(pair_keys, np.arange(len(new_keys) + 1)).astype(np.int64)
    n_cands = np.diff(cand_offsets)
    best_of_key = np.full(len(new_keys), -1, dtype=np.int32)
    has = n_cands > 0
    best_of_key[has] = pair_targets[cand_offsets[:-1][has]]

    # Decision lists on the positions where a choice exists.
    ambiguous = np.flatnonzero(word & (n_cands[keys] >= 2))
    gold = targets[ambiguous]
    prediction = best_of_key[keys[ambiguous]]
    key_best_share = np.zeros(len(new_keys))
    totals = np.add.reduceat(counts, cand_offsets[:-1][has]) if has.any() else np.zeros(0)
    key_best_share[has] = counts[cand_offsets[:-1][has]] / totals
    confidence = key_best_share[keys[ambiguous]]
    _log(f"restore/train: {len(ambiguous):,} ambiguous positions, "
         f"most-frequent-form accuracy {np.mean(prediction == gold):.4f}", quiet)
    padded = np.concatenate([np.zeros(PAD, np.int32), keys, np.zeros(PAD, np.int32)])
    levels: list[Level] = []
    score = np.zeros(len(gold))  # of the deciding hit: prob + RANK_BONUS * rank (as the decoder weighs them)
    for rank in sorted(set(LEVEL_RANKS)):
        base, base_confidence = prediction, confidence
        prediction, confidence = base.copy(), base_confidence.copy()
        best_prob = np.zeros(len(gold))
        rank_score = np.full(len(gold), -1.0)
        for level_no, (offsets, level_rank) in enumerate(zip(LEVEL_OFFSETS, LEVEL_RANKS)):
            if level_rank != rank:
                continue
            hashes = window_hashes(padded, offsets, level_no)[ambiguous]
            level, hit, hit_target, hit_prob = _fit_level(hashes, gold, base, base_confidence, offsets, rank,
                                                          min_count, min_gain)
            take = hit & (hit_prob > best_prob) & (hit_prob + RANK_BONUS * rank > score)
            prediction[take] = hit_target[take]
            confidence[take] = hit_prob[take]
            best_prob[take] = hit_prob[take]
            rank_score[take] = hit_prob[take] + RANK_BONUS * rank
            levels.append(level)
            _log(f"restore/train: level {offsets}: {len(level.hashes):,} entries", quiet)
        score = np.maximum(score, rank_score)
        _log(f"restore/train: rank {rank}: train accuracy {np.mean(prediction == gold):.4f}", quiet)

    # Cased windows: the same keys, but a capitalised word apart from a lower-case one. Like the
    # toned windows they must correct something: an entry that merely agrees would outrank the
    # wider key windows everywhere.
    level_no = len(LEVEL_OFFSETS)
    if capitals is not None and CASED_LEVEL_OFFSETS:
        cased = cased_stream(keys, capitals)
        padded_cased = np.concatenate([np.zeros(PAD, np.int64), cased, np.zeros(PAD, np.int64)])
        for rank, offsets in enumerate(CASED_LEVEL_OFFSETS, start=max(LEVEL_RANKS) + 1):
            hashes = window_hashes(padded_cased, offsets, level_no)[ambiguous]
            level, hit, hit_target, hit_prob = _fit_level(hashes, gold, prediction, confidence, offsets, rank,
                                                          min_count, min_gain, surer_entries=False)
            level.cased = True
            take = hit & (hit_prob + RANK_BONUS * rank > score)
            prediction = np.where(take, hit_target, prediction)
            confidence = np.where(take, hit_prob, confidence)
            score = np.where(take, hit_prob + RANK_BONUS * rank, score)
            levels.append(level)
            level_no += 1
            _log(f"restore/train: cased level {offsets}: {len(level.hashes):,} entries, "
                 f"train accuracy {np.mean(prediction == gold):.4f}", quiet)

    # Second pass: the neighbours by their toned forms (the true ones here; the decoder reads
    # the first pass's choices), each window a rank above all key windows.
    toned = toned_stream(keys, targets, len(new_keys))
    padded_toned = np.concatenate([np.zeros(PAD, np.int64), toned, np.zeros(PAD, np.int64)])
    first_toned_rank = max([lv.rank for lv in levels] + [0]) + 1
    for rank, offsets in enumerate(TONED_LEVEL_OFFSETS, start=first_toned_rank):
        hashes = window_hashes(padded, offsets, level_no, padded_toned)[ambiguous]
        level, hit, hit_target, hit_prob = _fit_level(hashes, gold, prediction, confidence, offsets, rank,
                                                      min_count, min_gain, surer_entries=False)
        level.toned = True
        prediction = np.where(hit, hit_target, prediction)
        confidence = np.where(hit, hit_prob, confidence)
        levels.append(level)
        level_no += 1
        _log(f"restore/train: toned level {offsets}: {len(level.hashes):,} entries, "
             f"train accuracy {np.mean(prediction == gold):.4f}", quiet)

    key_lm = build_key_ngrams(keys, len(new_keys), bigram_min_count=min_count)
    _log(f"restore/train: {len(key_lm.bigram_codes):,} key bigrams, {len(key_lm.trigram_codes):,} key trigrams", quiet)
    toned_lm = build_toned_lm(lm_tokens(keys, targets, len(new_targets)), len(new_targets) + len(new_keys))
    _log(f"restore/train: toned LM: {len(toned_lm.bigram_codes):,} bigrams, {len(toned_lm.trigram_codes):,} trigrams, "
         f"{0 if toned_lm.fourgram_codes is None else len(toned_lm.fourgram_codes):,} four-grams", quiet)
    meta = {
        "created": _dt.date.today().isoformat(), "tokens": int(len(keys)),
        "min_count": min_count, "min_gain": min_gain, "provenance": provenance,
    }
    return RestorerModel(
        keys=new_keys, targets=new_targets, cand_offsets=cand_offsets,
        cand_targets=pair_targets.astype(np.int32), cand_counts=counts.astype(np.int64),
        levels=levels, key_lm=key_lm, meta=meta, toned_lm=toned_lm,
    )


CONFIDENCE_MIN_COUNT = 3
CONFIDENCE_MIN_RISE = 0.03
"""An entry that agrees with the levels below is kept when its context was seen this often and
makes the choice this much surer: the decoder weighs hits by probability, so a narrow window
must say how sure it is to stand against a wider one. Measured on held-out news outside the
benchmark (key windows only, probability weighing): (4, 0.1) → (3, 0.03) gave 96.84% → 96.91%
of words; the file grows with it (2.5 million entries)."""
PROB_SMOOTHING = 2.0
"""Stored probability = best count / (contexts seen + PROB_SMOOTHING): a context seen twice is
not certain, one seen a hundred times nearly is (without it a wide window seen once outranks
'so với'). Held-out news outside the benchmark (toned pass, no cased windows): 1 gave 97.02%,
2 gave 97.06% of words. The decoder reports the surest agreeing window's probability."""


def _fit_level(hashes, gold, prediction, confidence, offsets, rank, min_count, min_gain, surer_entries=True):
    """One decision-list level: best target per context hash, kept where it gains enough.

    An entry that only agrees with the levels below is kept too when its context is common and
    makes the choice much surer ('chinh tri' → 'trị': 0.99, not the 0.48 of 'tri' alone), so
    that confidences mean what they say (`surer_entries`; not in the toned second pass, whose
    contexts read the first pass's choices: there an entry must correct something).

    Returns the level and, per position, whether it has an entry, its target and probability.
    """
    n = len(hashes)
    if n == 0:
        empty = Level(offsets=offsets, rank=rank, hashes=np.zeros(0, np.uint64), targets=np.zeros(0, np.int32),
                      probs=np.zeros(0, np.uint8))
        return empty, np.zeros(0, bool), np.zeros(0, np.int32), np.zeros(0)
    order = np.lexsort((gold, hashes))
    hs, ts = hashes[order], gold[order]
    correct_now = (prediction[order] == ts).astype(np.int64)
    new_h = np.r_[True, hs[1:] != hs[:-1]]
    new_ht = new_h | np.r_[True, ts[1:] != ts[:-1]]
    h_start = np.flatnonzero(new_h)
    ht_start = np.flatnonzero(new_ht)
    ht_count = np.diff(np.r_[ht_start, n])
    ht_group = np.cumsum(new_h)[ht_start] - 1
    h_total = np.diff(np.r_[h_start, n])
    # best (h, t) run per h group: sort runs by (group, -count) and take the first of each group
    run_order = np.lexsort((-ht_count, ht_group))
    first_run = run_order[np.r_[True, ht_group[run_order][1:] != ht_group[run_order][:-1]]]
    best_count = ht_count[first_run]
    best_target = ts[ht_start[first_run]]
    gain = best_count - np.add.reduceat(correct_now, h_start)
    mean_confidence = np.add.reduceat(confidence[order], h_start) / h_total
    surer = surer_entries & (gain >= 0) & (h_total >= CONFIDENCE_MIN_COUNT) & (best_count / h_total >= mean_confidence + CONFIDENCE_MIN_RISE)
    keep = ((gain >= min_gain) & (best_count >= min_count)) | surer

    all_probs = np.clip(np.round(255 * best_count / (h_total + PROB_SMOOTHING)), 0, 255).astype(np.uint8)
    group_of_pos = np.cumsum(new_h) - 1
    kept_pos = keep[group_of_pos]
    hit = np.zeros(n, dtype=bool)
    hit_target = np.full(n, -1, dtype=np.int32)
    hit_prob = np.zeros(n)
    hit[order[kept_pos]] = True
    hit_target[order[kept_pos]] = best_target[group_of_pos[kept_pos]]
    hit_prob[order[kept_pos]] = all_probs[group_of_pos[kept_pos]] / 255.0

    level = Level(offsets=offsets, rank=rank, hashes=hs[h_start][keep],
                  targets=best_target[keep].astype(np.int32), probs=all_probs[keep])
    return level, hit, hit_target, hit_prob


CHANNEL_PROVENANCE = ("learned from {pages} rendered train-split pages read by Tesseract "
                      "({eng} eng pages: garble channel; {vie} vie pages, model '{ocr_model}': mark channel)")


def rebuild_table(argv: list[str] | None, *, what: str, example: str, build, write, size) -> int:
    """The command line that rebuilds only one of the tables `sohoa train` writes beside the
    model (`what`: its name; `example`: its usual file name), from the train split of the
    `--corpus` files: `build` counts it from their texts, `write` writes it, `size` says how big
    it came out."""
    import argparse

    from sohoa.synth.corpus import iter_corpus

    parser = argparse.ArgumentParser(description=f"Rebuild only the {what} table of a restorer model.")
    parser.add_argument("--corpus", action="append", required=True)
    parser.add_argument("-o", "--output", required=True, help=f"the table file (e.g. {example})")
    args = parser.parse_args(argv)
    table = build(doc.text for doc in iter_corpus(args.corpus, split="train"))
    write(table, args.output)
    print(f"{size(table)} → {args.output}")
    return 0


def train_from_corpora(paths: list[str | Path], output: str | Path, *, max_tokens_per_corpus: int | None = None,
                       ocr_pages: int = 0, work_dir: str | Path | None = None, quiet: bool = False,
                       ocr_model: str = "best", garble_pages: int = 0, split: str = "train") -> RestorerModel:
    """Train on the train split of `paths` (`split` 'all': every text, for a corpus of one's own
    that no benchmark holds out from) and write the model file to `output`.

    ocr_pages: pages of train-split text to render and OCR to learn the OCR channel; 0 keeps
    the channel of the shipped model (learning it needs Tesseract and a few minutes).
    ocr_model: the Tesseract `vie` model that reads the pages of the mark channel ('best' or
    'fast', as `sohoa run --ocr-model`): the channel describes the engine that will be used.
    garble_pages: more pages read by the English model alone, for the garble channel (only with
    ocr_pages; see ocrpairs.channel_samples).
    The tables beside the model (acronyms, names, semicolons, code vocabulary) are counted on the same
    texts in the same pass: with `max_tokens_per_corpus`, on the capped texts too.
    """
    from sohoa.synth.corpus import HELDOUT_TOPICS, iter_corpus

    def texts():
        for path in paths:
            seen = 0
            for doc in iter_corpus([path], split=split):
                yield doc.text
                seen += len(doc.text) // 4  # ~ tokens; only used to cap a large corpus
                if max_tokens_per_corpus is not None and seen >= max_tokens_per_corpus:
                    _log(f"restore/train: {Path(path).name} capped at ~{max_tokens_per_corpus:,} tokens", quiet)
                    break

    from sohoa.diacritics import list_ends
    from sohoa.diacritics.restore import acronyms, codes, names, topics

    # one pass over the corpus feeds the model's token streams and every table beside it: all
    # of them count the same texts (with max_tokens_per_corpus, the capped ones)
    tokens, acronym_counts, name_counts = TokenStreams(), acronyms.AcronymCounts(), names.NameCounts()
    semicolon_counts, code_counts = list_ends.SemicolonCounts(), codes.VocabularyCounts()
    for text in texts():
        for tally in (tokens, acronym_counts, name_counts, semicolon_counts, code_counts):
            tally.add(text)
    corpora = ", ".join(Path(p).name for p in paths)
    cap = f" (each corpus capped at ~{max_tokens_per_corpus:,} tokens)" if max_tokens_per_corpus else ""
    streams, starts = tokens.streams(), tokens.document_starts()
    del tokens  # the growing arrays and the token cache are not needed while the model is built
    topic_table = topics.build_table(streams[0][:-1], streams[1][:-1], starts, streams[2], streams[3])
    if split == "all":
        read = f"every text of {corpora}"
    else:
        read = f"train split of {corpora} (no held-out document, no document of the held-out topics: " \
               f"{', '.join(HELDOUT_TOPICS)})"
    model = build_model_from_tokens(*streams, quiet=quiet, provenance=f"{read}{cap}")
    del streams
    model.channel, pages = _channel(paths, ocr_pages,
                                    Path(work_dir) if work_dir else Path(output).parent / "ocr_work", quiet, ocr_model,
                                    garble_pages)
    model.meta["channel"] = CHANNEL_PROVENANCE.format(pages=sum(pages.values()), eng=pages["eng"], vie=pages["vie"],
                                                      ocr_model=ocr_model) if pages else "copied from the shipped model"
    model.save(output)
    acronym_table = acronym_counts.table()
    acronyms.write_table(acronym_table, acronyms.table_path(output))
    _log(f"restore/train: {len(acronym_table):,} acronyms with 'Đ' → {acronyms.table_path(output).name}", quiet)
    name_table = name_counts.table()
    names.write_table(name_table, names.table_path(output))
    _log(f"restore/train: how {len(name_table):,} keys are toned with a capital inside a sentence → "
         f"{names.table_path(output).name}", quiet)
    if topic_table is not None:
        topics.write_table(topic_table, topics.topics_path(output))
        _log(f"restore/train: {topic_table.n_topics} topics of the texts, {len(topic_table.forms):,} forms of "
             f"ambiguous keys counted in each → {topics.topics_path(output).name}", quiet)
    else:  # too few texts to cluster: no table, and none left from an earlier training
        topics.topics_path(output).unlink(missing_ok=True)
        _log(f"restore/train: too few texts for document topics (at least {topics.TOPICS * topics.MIN_DOCUMENTS}): "
             "the model restores without them", quiet)
    semicolons = semicolon_counts.table()
    list_ends.write_table(semicolons, list_ends.table_path(output))
    _log(f"restore/train: what follows {len(semicolons.words):,} words, ':' or ';' → "
         f"{list_ends.table_path(output).name}", quiet)
    vocabulary = codes.build_table(paths, codes.table_path(output), ocr_pages=ocr_pages,
                                   work_dir=Path(work_dir) if work_dir else Path(output).parent / "ocr_work",
                                   quiet=quiet, ocr_model=ocr_model, vocabulary=code_counts.vocabulary())
    _log(f"restore/train: code vocabulary ({len(vocabulary.types):,} types, {len(vocabulary.issuers):,} issuers, "
         f"{len(vocabulary.acronyms):,} acronyms) → {codes.table_path(output).name}", quiet)
    return model


def _channel(paths, ocr_pages: int, work_dir: Path, quiet: bool, ocr_model: str = "best",
             garble_pages: int = 0) -> tuple[dict, dict[str, int]]:
    """The OCR channel tables (JSON: the English-model garble channel and, under "marks", the
    Vietnamese-model mark channel) and how many pages of each language taught them (none: the
    shipped model's channel)."""
    from sohoa.diacritics.restore.channel import learn_channel
    from sohoa.diacritics.restore.marks import learn_mark_channel

    if ocr_pages <= 0:
        from sohoa.diacritics.restore import DEFAULT_MODEL_PATH

        return (RestorerModel.load(DEFAULT_MODEL_PATH).channel if DEFAULT_MODEL_PATH.exists() else {}), {}
    from sohoa.diacritics.restore.ocrpairs import align_tokens, channel_samples

    samples = channel_samples(paths, ocr_pages, work_dir, quiet=quiet, ocr_model=ocr_model, garble_pages=garble_pages)
    # The garble channel serves English-model garble; the Vietnamese-model pages would only
    # swamp its counts with words read right. They teach the mark channel instead.
    pairs = [pair for s in samples if s.lang == "eng" for pair in align_tokens(s.ocr, s.truth)]
    channel = learn_channel(pairs)
    _log(f"restore/train: channel from {len(pairs):,} aligned tokens: {len(channel.tokens):,} token "
         f"confusions, {sum(map(len, channel.rules.values())):,} rewrite rules", quiet)
    marks = learn_mark_channel(pair for s in samples if s.lang == "vie" for pair in align_tokens(s.ocr, s.truth))
    _log(f"restore/train: mark channel from {marks.syllables:,} syllables of Vietnamese-model pages", quiet)
    return {**channel.to_json(), "marks": marks.to_json()}, {lang: sum(s.lang == lang for s in samples)
                                                             for lang in ("eng", "vie")}
