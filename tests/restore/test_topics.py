"""The document's topic: the corpus clustered by its keys, and what a document's keys say of its
ambiguous words."""

from __future__ import annotations

import numpy as np
import pytest

from sohoa.diacritics.restore import topics
from sohoa.diacritics.restore.decoder import Restorer
from sohoa.diacritics.restore.train import build_model
from sohoa.diacritics.syllables import strip_marks

BEARDS = ("Ông ấy nuôi râu dài . Bộ râu rậm rạp của đàn ông được cắt tỉa bằng dao cạo . "
          "Thợ cạo cắt râu cho khách ở tiệm cắt tóc . Râu quai nón và ria mép đều cần cạo . Ai cũng có dao cạo .")
VEGETABLES = ("Chợ bán rau tươi . Bà nông dân trồng rau muống và rau cải ở vườn nhà . "
              "Rau xanh được tưới nước mỗi sáng trước khi thu hoạch ra chợ . Giá rau giảm mạnh . Nhà nào cũng có vườn .")


def corpus(n: int = 30) -> list[str]:
    """Documents of two topics that write the key 'rau' two ways ('râu' of beards, 'rau' of
    vegetables), the vegetables' reading the commoner."""
    return [BEARDS] * n + [VEGETABLES] * (2 * n)


def small_table() -> topics.TopicTable:
    return topics.build_from_texts(corpus(), topics=2, min_document_frequency=5, max_document_share=0.7)


def test_too_few_documents_give_no_table():
    assert topics.build_from_texts(corpus(1), topics=2, min_document_frequency=1, max_document_share=1.0) is None


def test_the_table_counts_each_topics_forms_and_reads_back(tmp_path):
    table = small_table()
    # 'rau' is in every document, so it says nothing of a topic; 'cao' (cạo: shave) does
    assert table.n_topics == 2 and "rau" not in table.features and "cao" in table.features
    assert {"rau", "râu"} <= set(table.forms)
    # each topic writes the key one way: the clusters are the two topics
    by_topic = {}
    for topic, form, count in zip(table.topic.tolist(), table.form.tolist(), table.count.tolist()):
        if table.forms[form] in ("rau", "râu"):
            by_topic.setdefault(topic, {})[table.forms[form]] = count
    assert sorted(map(sorted, by_topic.values())) == [["rau"], ["râu"]]
    path = tmp_path / "m.topics.npz"
    topics.write_table(table, path)
    back = topics.read_table(path)
    assert back.features == table.features and back.forms == table.forms
    for name in ("idf", "centroids", "topic", "form", "count"):
        assert np.array_equal(getattr(back, name), getattr(table, name))
    assert topics.read_table(tmp_path / "missing.topics.npz") is None


@pytest.fixture(scope="module")
def restorer_with_topics():
    model = build_model(corpus(), min_count=1)
    return Restorer(model, topics=small_table())


def _keys(restorer, text: str) -> np.ndarray:
    return np.array([restorer.vocabulary.ids(w)[0] for w in strip_marks(text.lower()).split()], np.int32)


def _document_topics(restorer):
    return restorer.decisions.rescorer.topics


def _rau_odds(restorer, document: str) -> dict[str, float]:
    """The topics' odds of the two forms of 'rau' in `document`."""
    vocabulary = restorer.vocabulary
    forms = ["rau", "râu"]
    odds = _document_topics(restorer).odds(_keys(restorer, document), np.array([vocabulary.key_ids["rau"]]),
                                           np.array([[vocabulary.target_ids[f] for f in forms] + [-1]]))
    assert odds[0, -1] == 0  # a pad
    return dict(zip(forms, odds[0, :2].tolist()))


def test_a_document_of_beards_makes_rau_a_beard(restorer_with_topics):
    beards = _rau_odds(restorer_with_topics, BEARDS)
    assert beards["râu"] > 0 > beards["rau"]
    vegetables = _rau_odds(restorer_with_topics, VEGETABLES)
    assert vegetables["rau"] > 0 > vegetables["râu"]


def test_a_short_text_is_placed_in_no_topic(restorer_with_topics):
    vocabulary = restorer_with_topics.vocabulary
    assert _document_topics(restorer_with_topics).odds(
        _keys(restorer_with_topics, "nuoi rau dai"), np.array([vocabulary.key_ids["rau"]]),
        np.array([[vocabulary.target_ids["rau"]]])) is None


def test_no_form_loses_more_than_the_topics_share_of_its_corpus_share(restorer_with_topics):
    """The topics give `share` of each form's probability: a document of vegetables leaves the
    beard reading at least (1 - share) of its corpus share, whatever the mixture says."""
    share = _document_topics(restorer_with_topics).share
    assert share < 1
    odds = _rau_odds(restorer_with_topics, VEGETABLES)
    assert np.log(1 - share) - 1e-9 <= odds["râu"] < 0


def test_the_topic_restores_the_document_own_reading(restorer_with_topics):
    """'co rau', a context the corpus never wrote, reads as the commoner vegetables without the
    topic, and as a beard in a document of beards. Negative case: the same restorer reads a
    document of vegetables as written."""
    from sohoa.diacritics.compose import apply_edits

    beards = strip_marks(BEARDS + " Ông ấy có râu .")
    restored = apply_edits(beards, restorer_with_topics.find_edits(beards))
    assert restored.endswith("Ông ấy có râu .")
    without = Restorer(restorer_with_topics.model)
    assert apply_edits(beards, without.find_edits(beards)).endswith("Ông ấy có rau .")
    vegetables = strip_marks(VEGETABLES)
    assert apply_edits(vegetables, restorer_with_topics.find_edits(vegetables)) == VEGETABLES


def test_train_writes_no_topic_table_for_a_toy_corpus_and_removes_a_stale_one(tmp_path):
    from sohoa.diacritics.restore.train import train_from_corpora
    from sohoa.synth.corpus import is_heldout

    name = next(f"corpus{n}.txt" for n in range(100) if not is_heldout(f"corpus{n}.txt"))
    (tmp_path / name).write_text(BEARDS + "\n" + VEGETABLES, encoding="utf-8")
    output = tmp_path / "m.npz"
    topics.topics_path(output).write_bytes(b"stale")
    train_from_corpora([tmp_path / name], output, quiet=True)
    assert not topics.topics_path(output).exists()


def test_train_writes_the_table_its_builder_alone_gives(tmp_path, monkeypatch):
    """`sohoa train` builds the topics from its own token streams, each text a document: the same
    table as `build_from_texts` on the same train texts (settings made small for a small corpus)."""
    from sohoa.diacritics.restore.train import train_from_corpora
    from sohoa.synth.corpus import is_heldout

    small = dict(topics=2, min_document_frequency=5, max_document_share=0.7)
    real_build = topics.build_table
    monkeypatch.setattr(topics, "build_table", lambda *args, **kw: real_build(*args, **{**kw, **small}))
    name = next(f"corpus{n}.jsonl" for n in range(100) if not is_heldout(f"corpus{n}.jsonl"))
    import json

    texts = corpus()
    records = [{"id": f"doc{n}", "text": text} for n, text in enumerate(texts)]
    (tmp_path / name).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    from sohoa.synth.corpus import iter_corpus

    train_texts = [doc.text for doc in iter_corpus([tmp_path / name], split="train")]
    assert len(train_texts) >= 60  # the held-out ids are few
    output = tmp_path / "m.npz"
    train_from_corpora([tmp_path / name], output, quiet=True)
    written, alone = topics.read_table(topics.topics_path(output)), topics.build_from_texts(train_texts)
    assert written is not None and written.features == alone.features and written.forms == alone.forms
    for field in ("idf", "centroids", "topic", "form", "count"):
        assert np.array_equal(getattr(written, field), getattr(alone, field))


def test_document_starts_mark_each_text():
    from sohoa.diacritics.restore.train import TokenStreams

    streams = TokenStreams()
    for text in ("Một hai ba.", "Bốn năm.\nSáu."):
        streams.add(text)
    keys = streams.streams()[0]
    starts = streams.document_starts().tolist()
    assert starts[0] == 0 and len(starts) == 2
    assert keys[starts[1]] == keys[0]  # each text opens on a line boundary
