"""Strips of a page read in one call: each word the engine reads on the sheet goes back to the
strip it lies in, at its place on the page."""

import numpy as np

from sohoa.ingest.records import OcrWord
from sohoa.ingest.sheet import MARGIN, read_boxes, stack


class SheetEngine:
    """Reads one word in the middle of every strip of paper it is shown (found by its ink)."""

    def __init__(self):
        self.sheets = []

    def recognise(self, sheet, *, timeout=None):
        self.sheets.append(sheet)
        inked = np.flatnonzero((sheet.reshape(sheet.shape[0], -1) < 128).any(axis=1))
        words, start = [], None
        for row, next_row in zip(inked, list(inked[1:]) + [None]):
            start = row if start is None else start
            if next_row != row + 1:
                words.append(OcrWord(f"w{len(words)}", 90.0, (MARGIN, int(start), MARGIN + 10, int(row) + 1)))
                start = None
        return words + [OcrWord(" ", 90.0, (0, 0, 5, 5))]  # a word with no text belongs nowhere


def _page():
    image = np.full((300, 400), 255, dtype=np.uint8)
    image[40:60, 100:300] = 0
    image[200:230, 50:120] = 0
    image[250:280, 330:380] = 0  # ink in the far corner, where a negative slice would wrap round to
    return image


def test_each_word_goes_back_to_its_strip_in_page_coordinates():
    engine = SheetEngine()
    found = read_boxes(engine, _page(), [(100, 40, 300, 60), (50, 200, 120, 230)])
    assert len(engine.sheets) == 1
    assert [[w.bbox for w in words] for words in found] == [[(100, 40, 110, 60)], [(50, 200, 60, 230)]]


def test_no_box_no_call_and_a_box_off_the_picture_reads_no_other_part():
    engine = SheetEngine()
    assert read_boxes(engine, _page(), []) == [] and engine.sheets == []
    found = read_boxes(engine, _page(), [(-90, -90, -10, -10), (100, 40, 300, 60)])
    assert found[0] == [] and [w.bbox for w in found[1]] == [(100, 40, 110, 60)]


def test_the_sheet_keeps_the_picture_s_channels():
    colour = np.full((50, 60, 4), 255, dtype=np.uint8)
    sheet, tops = stack([colour[10:20, 5:25], colour[30:45, 0:60]], 16)
    assert sheet.shape == (10 + 15 + 16 * 3, 60 + 2 * MARGIN, 4) and tops == [16, 42]


def test_a_missing_crop_takes_no_room_and_no_crop_makes_no_sheet():
    grey = np.zeros((40, 40), dtype=np.uint8)
    sheet, tops = stack([grey[0:10, 0:30], None, grey[0:5, 0:20]], 7, margin=7)
    assert sheet.shape == (10 + 5 + 7 * 3, 30 + 2 * 7) and tops == [7, None, 24]
    assert (sheet[7:17, 7:37] == 0).all() and (sheet[24:29, 7:27] == 0).all()
    assert (sheet[17:24] == 255).all() and (sheet[:, :7] == 255).all()
    assert stack([None, None], 7) == (None, [None, None])


def test_a_long_stack_of_crops_goes_on_sheets_the_engine_can_read():
    from sohoa.ingest.sheet import MAX_SHEET_ROWS, sheet_runs, stack

    # the cells of a big table on a noisy page: a single sheet would be 107 000 rows tall,
    # past what Tesseract and Leptonica read ('pixReadStreamPnm: header read failed')
    crops = [np.full((250, 190), 255, np.uint8) if k % 7 else None for k in range(400)]
    gap = 260
    assert stack(crops, gap)[0].shape[0] > MAX_SHEET_ROWS  # the case
    runs = sheet_runs(crops, gap)
    assert [k for run in runs for k in run] == list(range(len(crops)))
    assert all(stack([crops[k] for k in run], gap)[0].shape[0] <= MAX_SHEET_ROWS for run in runs)
    assert sheet_runs(crops[:10], gap) == [list(range(10))]  # a short stack stays one sheet


def test_boxes_that_stack_taller_than_the_engine_reads_go_on_several_sheets():
    from sohoa.ingest.sheet import MAX_SHEET_ROWS

    image = np.full((25_100, 300), 255, dtype=np.uint8)
    boxes = []
    for k in range(500):  # strips of a long page, each with its paper 72 rows on the sheet
        top = 20 + 50 * k
        image[top:top + 10, 50:150] = 0
        boxes.append((40, top - 5, 160, top + (15 if k % 10 else 45)))
    engine = SheetEngine()
    found = read_boxes(engine, image, boxes)
    assert len(engine.sheets) > 1 and all(sheet.shape[0] <= MAX_SHEET_ROWS for sheet in engine.sheets)
    assert [[w.bbox[1] for w in words] for words in found] == [[20 + 50 * k] for k in range(500)]


def test_the_sheets_of_one_call_share_its_time_limit():
    class Slow(SheetEngine):
        def recognise(self, sheet, *, timeout=None):
            self.limits = getattr(self, "limits", []) + [timeout]
            import time
            time.sleep(0.05)
            return super().recognise(sheet, timeout=timeout)

    image = np.full((25_100, 300), 255, dtype=np.uint8)
    boxes = [(40, 15 + 50 * k, 160, 35 + 50 * k + (30 if k % 10 == 0 else 0)) for k in range(500)]
    engine = Slow()
    read_boxes(engine, image, boxes, timeout=10.0)
    assert len(engine.limits) > 1 and engine.limits[0] <= 10.0 and engine.limits[-1] < engine.limits[0]
