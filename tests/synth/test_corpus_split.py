"""The corpus splits: training never reads a held-out document nor any document of a held-out
topic; the benchmark splits are stable and hold exactly those."""

import gzip
import json

import pytest

from sohoa.synth.corpus import HELDOUT_TOPICS, SPLITS, is_heldout, iter_corpus, news_category

SPORT = "Trận đấu tối qua: tiền đạo ghi bàn ở phút 90, cầu thủ của đội khách"


@pytest.fixture()
def corpus(tmp_path):
    records = []
    for n in range(400):
        topic = HELDOUT_TOPICS[0] if n % 5 == 0 else ("thue" if n % 2 else None)
        # records that name no topic: news, sport among them
        record = {"id": f"docs/{topic or 'none'}/{n}.txt", "text": SPORT if n % 6 == 0 and not topic else f"văn bản {n}"}
        if topic:
            record["topic"] = topic
        records.append(record)
    path = tmp_path / "legal.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return path, records


def test_training_reads_no_held_out_document_and_no_document_of_a_held_out_topic(corpus):
    path, records = corpus
    train = {d.doc_id for d in iter_corpus([path], split="train")}
    assert train == {r["id"] for r in records if not is_heldout(r["id"]) and _topic(r) not in HELDOUT_TOPICS}
    assert train  # the other topics and the records without one are trained on


def test_the_held_out_topics_split_holds_every_document_of_those_topics(corpus):
    path, records = corpus
    topics = list(iter_corpus([path], split="heldout_topics"))
    assert {d.doc_id for d in topics} == {r["id"] for r in records if _topic(r) in HELDOUT_TOPICS}
    assert {d.topic for d in topics} == set(HELDOUT_TOPICS)


def test_the_held_out_documents_are_chosen_by_id_alone_whatever_their_topic(corpus):
    path, records = corpus
    heldout = {d.doc_id for d in iter_corpus([path], split="heldout")}
    assert heldout == {r["id"] for r in records if is_heldout(r["id"])}
    every = {d.doc_id for d in iter_corpus([path], split="all")}
    assert every == {r["id"] for r in records}
    covered = set().union(*({d.doc_id for d in iter_corpus([path], split=s)} for s in SPLITS if s != "all"))
    assert covered == every  # every document is in some split


def test_a_plain_text_file_has_no_topic_and_is_split_by_its_name(tmp_path):
    names = [f"corpus{n}.txt" for n in range(60)]
    for name in names:
        (tmp_path / name).write_text("một văn bản", encoding="utf-8")
    train = {d.doc_id for d in iter_corpus([tmp_path / n for n in names], split="train")}
    assert train == {n for n in names if not is_heldout(n)}
    assert not list(iter_corpus([tmp_path / n for n in names], split="heldout_topics"))


def test_an_unknown_split_is_refused(tmp_path):
    with pytest.raises(ValueError):
        list(iter_corpus([tmp_path / "x.txt"], split="test"))


def _topic(record: dict) -> str:
    return record.get("topic") or news_category(record["text"])


@pytest.mark.parametrize("text, category", [
    (SPORT, "the_thao"),
    ("HLV và cầu thủ dự họp báo", ""),  # two sports words: not enough to tell
    ("Kết quả xổ số điện toán ngày 6/2", ""),
])
def test_a_news_text_is_sport_when_it_uses_three_sports_words(text, category):
    assert news_category(text) == category
