"""The real-scan bench's judge of repair edits and its list of gold pages (no scans needed)."""

import json
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.realscans_bench import DEFAULT_SPLITS, HERE, repair_edits  # noqa: E402


def test_edits_are_judged_by_the_aligned_gold_word():
    before = "Các xã triên khai chuyên đồi sô, tô chức."
    gold = "Các xã triển khai chuyển đổi số, tổ chức."
    assert repair_edits(before, gold, gold) == (5, 0, 0)
    assert repair_edits("a đề xuất b", "a để xuất b", "a đề xuất b") == (0, 1, 0)
    assert repair_edits(gold, gold, gold) == (0, 0, 0)  # nothing changed, nothing judged


def test_a_number_read_as_other_characters_is_judged_by_its_place():
    before = "ngày J5 tháng 0] năm 2025"
    gold = "ngày 15 tháng 01 năm 2025"
    assert repair_edits(before, gold, gold) == (2, 0, 0)
    assert repair_edits(before, "ngày 15 tháng 07 năm 2025", gold) == (1, 1, 0)
    assert repair_edits("ngày J5 xx tháng", "ngày 15 xx tháng", "ngày 15 tháng") == (0, 0, 1)  # no place in the gold


def test_every_listed_page_has_its_gold_text_and_is_scored_by_default():
    entries = [json.loads(line) for line in (HERE / "pages.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    assert {e["split"] for e in entries} <= set(DEFAULT_SPLITS.split(","))
    for entry in entries:
        if "gold" in entry:  # the scan's own gold, kept beside the scan
            continue
        name = Path(entry["file"])
        gold = HERE / "gold" / name.parent / f"{name.stem}.p{entry['page']}.txt"
        text = gold.read_text(encoding="utf-8")
        assert text == unicodedata.normalize("NFC", text), gold
        assert all(line.strip() for line in text.splitlines()), f"blank line in {gold}"


def test_the_sets_of_unseen_documents_share_no_document_with_another_split():
    # heldout3 and heldout4 were transcribed from documents no page of which had been looked at;
    # a page of the same document in another split would break that promise.
    entries = [json.loads(line) for line in (HERE / "pages.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    splits_of: dict[str, set[str]] = {}
    for entry in entries:
        splits_of.setdefault(entry["file"], set()).add(entry["split"])
    for split in ("heldout3", "heldout4"):
        documents = {e["file"] for e in entries if e["split"] == split}
        assert documents, split
        assert all(splits_of[d] == {split} for d in documents), split
