"""The context model: toned-neighbour second pass and the weighing of key-window hits."""

from __future__ import annotations

import numpy as np
import pytest

import sohoa.diacritics.restore.train as train_module
from sohoa.diacritics.restore.decoder import Restorer
from sohoa.diacritics.restore.model import PAD, RestorerModel, toned_stream, window_hashes
from sohoa.diacritics.restore.train import build_model

# 'vai' is decided by the tone of 'ti' ('tì vai' / 'tỉ vài'), and the tone of 'ti' by the word two
# places before it, which no key window around 'vai' reaches.
TONED_CONTEXT_TEXT = "\n".join(["Mặt bà tì vai .", "Số bò tỉ vài .", "Số ba tỉ vài ."] * 4)


def test_toned_stream_gives_words_their_toned_id_and_keeps_other_keys():
    keys = np.array([0, 5, 7, 3], dtype=np.int32)
    targets = np.array([-1, 2, -1, 0], dtype=np.int32)
    assert toned_stream(keys, targets, n_keys=10).tolist() == [0, 12, 7, 10]


def test_toned_window_reads_the_word_by_its_key_and_neighbours_by_context():
    keys = np.array([4, 5, 6], dtype=np.int32)
    padded = np.concatenate([np.zeros(PAD, np.int32), keys, np.zeros(PAD, np.int32)])
    same_neighbours = padded.astype(np.int64)
    other_neighbours = same_neighbours.copy()
    other_neighbours[PAD] = 99  # the left neighbour of position 1
    plain = window_hashes(padded, (-1, 0), 3)
    assert (window_hashes(padded, (-1, 0), 3, same_neighbours) == plain).all()
    changed = window_hashes(padded, (-1, 0), 3, other_neighbours)
    assert changed[1] != plain[1] and changed[2] == plain[2]
    centre_changed = other_neighbours.copy()
    centre_changed[PAD + 1] = 77  # the context value of position 1 itself is never read
    assert window_hashes(padded, (-1, 0), 3, centre_changed)[1] == changed[1]


def _saved_and_loaded(model: RestorerModel, tmp_path) -> RestorerModel:
    """The model as it comes back from its file: what a user of the saved model gets."""
    path = tmp_path / "model.npz"
    model.save(path)
    return RestorerModel.load(path)


def test_second_pass_decides_a_word_by_the_tone_restored_for_its_neighbour(tmp_path, context_choice):
    model = build_model([TONED_CONTEXT_TEXT], min_count=2, min_gain=1)
    assert any(level.toned for level in model.levels)
    model = _saved_and_loaded(model, tmp_path)
    assert [lv.toned for lv in model.levels].count(True) == len(train_module.TONED_LEVEL_OFFSETS)
    assert context_choice(model, "mat ba ti vai .") == "mặt bà tì vai ."
    assert context_choice(model, "so bo ti vai .") == "số bò tỉ vài ."


def test_without_the_second_pass_the_key_windows_cannot_tell(monkeypatch, context_choice):
    monkeypatch.setattr(train_module, "TONED_LEVEL_OFFSETS", ())
    model = build_model([TONED_CONTEXT_TEXT], min_count=2, min_gain=1)
    assert not any(level.toned for level in model.levels)
    model.toned_lm = None  # the trigram model can tell (see test_toned_lm): here the windows alone
    outputs = {context_choice(model, "mat ba ti vai ."), context_choice(model, "so bo ti vai .")}
    assert outputs != {"mặt bà tì vai .", "số bò tỉ vài ."}


def _two_window_model(narrow: tuple[int, int, float], wide: tuple[int, int, float]):
    """A model of keys 'a' (candidates 'á' 5×, 'à' 4×) and 'b', and the stream 'a b', with one
    entry for 'a' in a window (-1, 0) and one in (0, 1), each given as (rank, target, prob)."""
    from sohoa.diacritics.restore.model import Level

    stream = np.array([3, 4], dtype=np.int32)
    padded = np.concatenate([np.zeros(PAD, np.int32), stream, np.zeros(PAD, np.int32)])

    def level(offsets, level_no, rank, target, prob):
        h = window_hashes(padded, offsets, level_no)[:1]
        return Level(offsets, rank, h.astype(np.uint64), np.array([target], np.int32),
                     np.array([round(prob * 255)], np.uint8))

    model = RestorerModel(
        keys=["<s>", "<unk>", "<num>", "a", "b"], targets=["á", "à"],
        cand_offsets=np.array([0, 0, 0, 0, 2, 2], np.int64),
        cand_targets=np.array([0, 1], np.int32), cand_counts=np.array([5, 4], np.int64),
        levels=[level((-1, 0), 0, *narrow), level((0, 1), 1, *wide)],
    )
    return model, stream


@pytest.mark.parametrize("narrow_prob, expected", [(0.99, "narrow"), (0.70, "wide")])
def test_a_wider_window_overrides_a_narrower_one_unless_that_is_much_surer(narrow_prob, expected):
    """Two key windows disagree: rank 1 ('narrow') and rank 2 ('wide', 0.8 sure)."""
    model, stream = _two_window_model((1, 0, narrow_prob), (2, 1, 0.8))
    target, _ = Restorer(model).decide(stream)
    assert model.targets[int(target[0])] == ("á" if expected == "narrow" else "à")


# 'ho van' is 'họ vẫn' in running text and 'Hồ Văn' in a name: only the capitals tell.
CASED_TEXT = "\n".join(["Hôm qua Hồ Văn đi .", "Hôm qua họ vẫn đi .", "Hôm qua họ vẫn đi ."] * 4)


def test_cased_windows_tell_a_name_from_the_same_keys_in_running_text(tmp_path, context_choice):
    model = build_model([CASED_TEXT], min_count=2, min_gain=1)
    assert any(level.cased for level in model.levels)
    model = _saved_and_loaded(model, tmp_path)
    assert context_choice(model, "Hom qua Ho Van di .", cased=True) == "hôm qua hồ văn đi ."
    assert context_choice(model, "Hom qua ho van di .", cased=True) == "hôm qua họ vẫn đi ."


def test_without_cased_windows_the_name_takes_the_common_reading(monkeypatch, context_choice):
    monkeypatch.setattr(train_module, "CASED_LEVEL_OFFSETS", ())
    model = build_model([CASED_TEXT], min_count=2, min_gain=1)
    assert not any(level.cased for level in model.levels)
    assert context_choice(model, "Hom qua Ho Van di .", cased=True) == "hôm qua họ vẫn đi ."


@pytest.mark.parametrize("wide_target, expected_prob", [(0, 0.95), (1, 0.6)])
def test_the_choice_is_as_sure_as_the_surest_window_agreeing_with_it(wide_target, expected_prob):
    """A wide window (rank 5, 0.6) outranks a narrow one (rank 1, 0.95); when both say the same
    the choice is 0.95 sure, when they disagree only the wide one's 0.6 counts."""
    model, stream = _two_window_model((1, 0, 0.95), (5, wide_target, 0.6))
    target, prob = Restorer(model).decide(stream)
    assert int(target[0]) == wide_target
    assert prob[0] == pytest.approx(expected_prob, abs=0.01)
