"""The document's topic: what the rest of a text says its ambiguous words are.

A word the context windows leave open is often settled by what the document is about: 'lon' is
'lợn' in a report on pig prices ('giá lợn', 'sản phẩm lợn'), 'quan' is 'quân' in military news,
'Lao' is 'Lào' in news of Laos, though the corpus mostly reads them 'lớn', 'quan' and 'lao'. The
two words either side cannot say so; the document's other words can, marks or not, since a
topic shows in its keys ('chan nuoi', 'xuat khau').

`sohoa train` clusters the train split's documents into `TOPICS` topics by their keys (spherical
k-means over log term frequency × inverse document frequency of the keys that are neither rare
nor everywhere) and counts, per topic, how often each toned form of an ambiguous key is written.
A document to restore is placed among the topics by its own keys (a soft mixture: each topic
weighted by exp(cosine / `topic_temperature`)); the forms' shares in that mixture, smoothed
toward the corpus shares, make each form likelier or less likely than the corpus says
(`DocumentTopics.odds`), the topics giving half of each form's probability and the corpus the
other half (`settings.RestorerSettings.topic_share`). The toned n-gram re-weighing (`rescore`)
adds these odds to the prior of the words it re-weighs; the words the context is sure of stay
as chosen.

The table is written by `sohoa train` beside the model (`<model>.topics.npz`: the feature keys
and their idf, the centroids, and the per-topic counts of the forms, as strings and arrays, no
pickles).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sohoa.diacritics.restore.tokens import RESERVED_KEYS

TOPICS = 128
"""Topics the train split is clustered into (its ~31,000 documents: about 250 a topic; chosen on
the restore bench's dev news over 64, see `settings.RestorerSettings.topic_temperature`)."""
MIN_DOCUMENT_FREQUENCY = 20
"""A key is a topic feature once this many documents hold it (rarer ones say nothing reliable)."""
MAX_DOCUMENT_SHARE = 0.1
"""... and while at most this share of the documents holds it (commoner ones are every topic's)."""
MAX_FEATURES = 4000
ITERATIONS = 10
SEED = 0
MIN_DOCUMENTS = 4
"""Fewer documents than this many per topic: no table (a toy corpus has no topics to find)."""


def topics_path(model_path: str | Path) -> Path:
    """`<model>.topics.npz` beside the model file."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}.topics.npz")


@dataclass(frozen=True)
class TopicTable:
    """The topics as stored: feature keys with their idf, unit centroids (topics × features),
    and per topic the counts of the toned forms of ambiguous keys (`topic`, `form`, `count`
    triplets; `form` indexes `forms`)."""

    features: tuple[str, ...]
    idf: np.ndarray
    centroids: np.ndarray
    forms: tuple[str, ...]
    topic: np.ndarray
    form: np.ndarray
    count: np.ndarray

    @property
    def n_topics(self) -> int:
        return len(self.centroids)


def document_vectors(doc_of: np.ndarray, feature_of: np.ndarray, n_docs: int, idf: np.ndarray) -> np.ndarray:
    """Unit rows of log(1 + tf) × idf, one per document, from each feature token's document and
    feature index (tokens of no feature are -1)."""
    keep = feature_of >= 0
    n_features = len(idf)
    cells, tf = np.unique(doc_of[keep].astype(np.int64) * n_features + feature_of[keep], return_counts=True)
    vectors = np.zeros((n_docs, n_features), dtype=np.float32)
    vectors[cells // n_features, cells % n_features] = np.log1p(tf) * idf[cells % n_features]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def spherical_kmeans(vectors: np.ndarray, k: int, iterations: int = ITERATIONS, seed: int = SEED) -> np.ndarray:
    """Unit centroids of `k` clusters of the unit rows of `vectors` (cosine k-means, seeded start
    from `k` distinct rows; a cluster left empty keeps its centroid)."""
    rng = np.random.default_rng(seed)
    centroids = vectors[rng.choice(len(vectors), k, replace=False)].copy()
    for _ in range(iterations):
        nearest = (vectors @ centroids.T).argmax(axis=1)
        for topic in range(k):
            members = vectors[nearest == topic]
            if len(members):
                total = members.sum(axis=0)
                centroids[topic] = total / max(float(np.linalg.norm(total)), 1e-9)
    return centroids


def build_table(keys: np.ndarray, targets: np.ndarray, starts: np.ndarray, key_list: list[str],
                target_list: list[str], *, topics: int = TOPICS, min_document_frequency: int = MIN_DOCUMENT_FREQUENCY,
                max_document_share: float = MAX_DOCUMENT_SHARE) -> TopicTable | None:
    """The topic table of token streams (`train.TokenStreams`: key and target ids per token,
    each document's first token at `starts`), or None where the documents are too few."""
    n_docs = len(starts)
    if n_docs < topics * MIN_DOCUMENTS:
        return None
    keys, targets = np.asarray(keys), np.asarray(targets)
    lengths = np.diff(np.r_[starts, len(keys)])
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    is_word = np.array([key.isalpha() and key not in RESERVED_KEYS for key in key_list], dtype=bool)
    words = is_word[keys]
    pairs = np.unique(doc_of[words] * len(key_list) + keys[words])
    document_frequency = np.bincount(pairs % len(key_list), minlength=len(key_list))
    candidates = np.flatnonzero((document_frequency >= min_document_frequency)
                                & (document_frequency <= max_document_share * n_docs))
    order = np.lexsort((candidates, -document_frequency[candidates]))  # commonest first, ties by id
    features = candidates[order][:MAX_FEATURES]
    if not len(features):
        return None
    feature_index = np.full(len(key_list), -1, dtype=np.int64)
    feature_index[features] = np.arange(len(features))
    idf = np.log(n_docs / document_frequency[features]).astype(np.float32)
    vectors = document_vectors(doc_of, feature_index[keys], n_docs, idf)
    centroids = spherical_kmeans(vectors, topics)
    topic_of_doc = (vectors @ centroids.T).argmax(axis=1)
    del vectors

    # the forms of ambiguous keys: keys written in two forms at least twice each
    toned = targets >= 0
    form_pairs, form_counts = np.unique(keys[toned].astype(np.int64) * len(target_list) + targets[toned],
                                        return_counts=True)
    seen = form_pairs[form_counts >= 2]
    key_of_form = seen // len(target_list)
    written_keys, key_at = np.unique(key_of_form, return_inverse=True)
    ambiguous_keys = written_keys[np.bincount(key_at) >= 2]
    ambiguous_forms = np.unique(seen[np.isin(key_of_form, ambiguous_keys)] % len(target_list))
    counted = toned & np.isin(targets, ambiguous_forms)
    cells, counts = np.unique(topic_of_doc[doc_of[counted]].astype(np.int64) * len(target_list) + targets[counted],
                              return_counts=True)
    used, form_index = np.unique(cells % len(target_list), return_inverse=True)
    return TopicTable(features=tuple(key_list[k] for k in features.tolist()), idf=idf,
                      centroids=centroids.astype(np.float16), forms=tuple(target_list[t] for t in used.tolist()),
                      topic=(cells // len(target_list)).astype(np.uint16), form=form_index.astype(np.uint32),
                      count=counts.astype(np.uint32))


def write_table(table: TopicTable, path: str | Path) -> None:
    with open(path, "wb") as handle:  # np.savez_compressed adds '.npz' to a name without it
        np.savez_compressed(handle, features=np.array("\n".join(table.features)), idf=table.idf,
                            centroids=table.centroids, forms=np.array("\n".join(table.forms)), topic=table.topic,
                            form=table.form, count=table.count)


def read_table(path: str | Path) -> TopicTable | None:
    """The table at `path`, or None where there is none."""
    if not Path(path).exists():
        return None
    with np.load(path, allow_pickle=False) as stored:
        return TopicTable(features=tuple(str(stored["features"]).split("\n")), idf=stored["idf"],
                          centroids=stored["centroids"], forms=tuple(str(stored["forms"]).split("\n")),
                          topic=stored["topic"], form=stored["form"], count=stored["count"])


class DocumentTopics:
    """A `TopicTable` in the ids of a model's vocabulary: what a document's keys say of the
    forms of its ambiguous words (`odds`)."""

    def __init__(self, table: TopicTable, vocabulary, *, temperature: float, pseudo_readings: float,
                 min_words: int, share: float = 1.0):
        self.vocabulary = vocabulary
        self.temperature, self.pseudo_readings, self.min_words = temperature, pseudo_readings, min_words
        self.share = share
        """how much of a form's probability the topics give; the corpus share gives the rest"""
        n_keys, n_targets = len(vocabulary.keys), len(vocabulary.targets)
        self.feature_of_key = np.full(n_keys, -1, dtype=np.int64)
        for index, key in enumerate(table.features):
            key_id = vocabulary.key_ids.get(key)
            if key_id is not None:
                self.feature_of_key[key_id] = index
        self.idf = table.idf.astype(np.float32)
        self.centroids = table.centroids.astype(np.float32)
        # the table's forms the vocabulary knows, each a column; a target's column (-1: none)
        target_of_form = np.array([vocabulary.target_ids.get(form, -1) for form in table.forms], dtype=np.int64)
        known = np.flatnonzero(target_of_form >= 0)
        self.column_of_target = np.full(n_targets + 1, -1, dtype=np.int64)  # the last: pads (-1)
        self.column_of_target[target_of_form[known]] = np.arange(len(known))
        column_of_form = np.full(len(table.forms), -1, dtype=np.int64)
        column_of_form[known] = np.arange(len(known))
        cells = column_of_form[table.form] >= 0
        self.form_counts = np.zeros((table.n_topics, len(known) + 1), dtype=np.float32)  # last column: 0
        np.add.at(self.form_counts, (table.topic[cells].astype(np.int64), column_of_form[table.form][cells]),
                  table.count[cells].astype(np.float32))
        # each column's key, and per topic the count of each key's forms in the table
        model = vocabulary.model
        cand_key = np.repeat(np.arange(n_keys), np.diff(model.cand_offsets))
        key_of_target = np.full(n_targets, -1, dtype=np.int64)
        key_of_target[model.cand_targets] = cand_key
        keys_of_columns, self.key_column_of_column = np.unique(key_of_target[target_of_form[known]],
                                                               return_inverse=True)
        self.key_column_of_key = np.full(n_keys + 1, -1, dtype=np.int64)
        self.key_column_of_key[keys_of_columns] = np.arange(len(keys_of_columns))
        self.key_counts = np.zeros((table.n_topics, len(keys_of_columns) + 1), dtype=np.float32)
        for topic in range(table.n_topics):
            self.key_counts[topic, :-1] = np.bincount(self.key_column_of_column, weights=self.form_counts[topic, :-1],
                                                      minlength=len(keys_of_columns))
        cand_counts = model.cand_counts.astype(np.float64)
        totals = np.bincount(cand_key, weights=cand_counts, minlength=n_keys)
        self.share_of_target = np.zeros(n_targets + 1)
        self.share_of_target[model.cand_targets] = cand_counts / np.maximum(totals[cand_key], 1.0)

    def mixture(self, key_ids: np.ndarray) -> np.ndarray | None:
        """Each topic's weight for a document of these keys, or None where fewer than
        `min_words` of them are topic features (a line or two says too little)."""
        features = self.feature_of_key[np.asarray(key_ids, dtype=np.int64)]
        features = features[features >= 0]
        if len(features) < self.min_words:
            return None
        # the document's vector as `sohoa train` made the training documents'
        vector = document_vectors(np.zeros(len(features), dtype=np.int64), features, 1, self.idf)[0]
        cosine = self.centroids @ vector
        weights = np.exp((cosine - cosine.max()) / self.temperature)
        return weights / weights.sum()

    def odds(self, key_ids: np.ndarray, keys: np.ndarray, cands: np.ndarray) -> np.ndarray | None:
        """For a document of `key_ids`, per word of `keys` and candidate form of `cands` (target
        ids, -1 pads): the log of how much likelier the document's topics make the form than the
        corpus does, (s·(m_f + a·p_f) / (M + a) + (1 - s)·p_f) / p_f, where m_f is the form's count
        in the topic mixture, M that of its key's forms, p_f the corpus share, a `pseudo_readings`
        and s `share` (below 1, no form loses more than 1 - s of its corpus share to a topic the
        document only resembles: a document of a topic the corpus lacks is placed near one all
        the same); 0 for pads and for forms of keys the table has no forms of. None where the
        document is too short to place."""
        weights = self.mixture(key_ids)
        if weights is None:
            return None
        cands = np.asarray(cands, dtype=np.int64)
        columns = self.column_of_target[cands]  # pads (-1) and forms not in the table: the zero column
        mixed = weights @ self.form_counts[:, columns.ravel()]
        key_columns = self.key_column_of_key[np.asarray(keys, dtype=np.int64)]
        key_total = (weights @ self.key_counts[:, key_columns])[:, None]
        share = np.maximum(self.share_of_target[cands], 1e-4)
        topical = (mixed.reshape(cands.shape) + self.pseudo_readings * share) / (key_total + self.pseudo_readings)
        odds = np.log((self.share * topical + (1 - self.share) * share) / share)
        return np.where((cands >= 0) & (key_columns[:, None] >= 0), odds, 0.0)


def build_from_texts(texts, **settings) -> TopicTable | None:
    """`build_table` of clean texts, each a document (what `sohoa train` counts in its one pass)."""
    from sohoa.diacritics.restore.train import TokenStreams

    streams = TokenStreams()
    for text in texts:
        streams.add(text)
    keys, targets, key_list, target_list, _ = streams.streams()
    return build_table(keys[:-1], targets[:-1], streams.document_starts(), key_list, target_list, **settings)


def main(argv: list[str] | None = None) -> int:
    from sohoa.diacritics.restore.train import rebuild_table

    def build(texts):
        table = build_from_texts(texts)
        if table is None:
            raise SystemExit(f"too few texts for {TOPICS} topics (at least {TOPICS * MIN_DOCUMENTS})")
        return table

    return rebuild_table(argv, what="topic", example="restorer.topics.npz", build=build, write=write_table,
                         size=lambda table: f"{table.n_topics} topics, {len(table.features)} feature keys, "
                                            f"{len(table.forms)} forms")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
