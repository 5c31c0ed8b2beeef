from sohoa.ingest.textlayer import is_real_text

TABLE_ROWS = ("6 Kim ngạch xuất khẩu triệu đồng 356.671,8 677.694 206.021 373.650,2 582.823 643.925 Đạt "
              "7 Số bác sỹ trên vạn dân người 369.698 92.801,5 416.294 345.406,2 490.789 886.529 Vượt "
              "8 Tỷ lệ thất nghiệp tỷ đồng 144.353 312.480 424.630,3 456.071 753.188,1 216.437,4 Đạt")


def test_a_page_of_table_rows_is_real_text_though_figures_outnumber_letters():
    stripped = "".join(TABLE_ROWS.split())
    assert sum(ch.isalpha() for ch in stripped) < len(stripped) / 2  # the case: more figures than letters
    assert is_real_text(TABLE_ROWS)


def test_layers_that_are_no_vietnamese_text_are_not_taken():
    assert not is_real_text("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18")  # figures alone: no words to tell
    assert not is_real_text("The annual report of the provincial people's committee on the economy and "
                            "society in the year 2023 with its main targets")
    assert not is_real_text("§ ¶ • † ‡ ° ± … ‰ ′ ″ ‹ › ¤ ¦ ¨ © ª « ¬ ® ¯")
    assert not is_real_text("Kim ngạch (cid:12)(cid:13) xuất khẩu triệu đồng 356 677 206 373 Không đạt 7 Số bác sỹ")


def test_the_pieces_of_a_syllable_a_pdf_writer_placed_apart_are_one_word():
    from sohoa.ingest.textlayer import _whole_syllables

    def line(*pieces):  # (text, left, right) at 40 px high
        return [(text, (x0, 100, x1, 140)) for text, x0, x1 in pieces]

    # 'Đ ơ n v ị tính' as pdftotext cut a browser's printed 'Đơn vị tính': gaps of 2-3 px
    assert [t for t, _ in _whole_syllables(line(("Đ", 0, 20), ("ơ", 23, 38), ("n", 40, 55), ("v", 70, 82),
                                                 ("ị", 84, 92), ("tính", 110, 170)))] == ["Đơn", "vị", "tính"]
    # two words that each are one stay apart, however close; a word space is no cut
    assert [t for t, _ in _whole_syllables(line(("đi", 0, 30), ("học", 32, 80)))] == ["đi", "học"]
    assert [t for t, _ in _whole_syllables(line(("Ch", 0, 30), ("ỉ", 45, 55)))] == ["Ch", "ỉ"]
    assert [t for t, _ in _whole_syllables(line(("TP", 0, 30), ("Huế", 32, 80)))] == ["TP", "Huế"]


def test_a_decomposed_vietnamese_layer_is_real_text_and_its_words_are_composed(tmp_path):
    import unicodedata

    from sohoa.ingest.textlayer import page_words, vietnamese_share

    from .conftest import BODY, make_born_digital_pdf, wrap

    decomposed = unicodedata.normalize("NFD", BODY)
    assert decomposed != BODY  # the case: each marked letter stored as a letter and its marks
    assert vietnamese_share(decomposed) == vietnamese_share(BODY)
    assert is_real_text(decomposed)
    pdf = make_born_digital_pdf(tmp_path / "decomposed.pdf", wrap(decomposed))
    words, _, _ = page_words(str(pdf), 1, 150)
    assert " ".join(w.text for w in words) == BODY


def test_private_use_glyphs_in_place_of_letters_make_a_layer_unreadable():
    # a font whose ToUnicode sends its horned letters to the private-use area: 'Tự do' reads 'T\uf0a1 do'
    horned = {"ư": "\uf0a1", "ự": "\uf0a2", "ơ": "\uf0a3", "ờ": "\U000f0005"}
    body = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành tập trung triển khai thực hiện có hiệu quả "
            "các nhiệm vụ, giải pháp đã đề ra; Độc lập - Tự do - Hạnh phúc; người dân được hưởng lợi.")
    assert is_real_text(body)
    assert not is_real_text("".join(horned.get(ch, ch) for ch in body))
    # a bullet of a symbol font (U+F0B7, as word processors export it) stands before the words: no letter is missing
    assert is_real_text("\uf0b7 " + body + " \uf0a7 Kết quả thực hiện")


def test_a_layer_in_a_legacy_encoding_is_judged_by_its_decoded_text():
    from sohoa.diacritics.legacy import tcvn3_encode, vni_encode

    from .conftest import BODY, PARAGRAPHS, wrap

    lines = wrap(" ".join(PARAGRAPHS + [BODY]))
    for encode in (tcvn3_encode, vni_encode):  # a .VnTime or VNI-Times font's codes, as pdftotext gives them
        layer = "\n".join(encode(line).decode("cp1252") for line in lines)
        assert is_real_text(layer), layer
    # what decodes to no Vietnamese stays no text: an English page, a symbol salad
    assert not is_real_text("The annual report of the provincial people's committee\non the economy and "
                            "society in the year 2023\nwith its main targets and the results")


def _reading(lines: list[str]) -> list:
    """OCR words of `lines`, one line of the page each."""
    from sohoa.ingest.records import OcrWord

    return [OcrWord(text=word, conf=90.0, bbox=(10 * n, 20 * k, 10 * n + 8, 20 * k + 12), block=1, par=1, line=k, word=n)
            for k, line in enumerate(lines, start=1) for n, word in enumerate(line.split(), start=1)]


_MISREAD = {"nhân": "nhan", "tỉnh": "tinh", "hiệu": "hiêu", "ngành": "ngàrih", "thực": "thục", "giải": "gỉai",
            "nhiệm": "nhiêm", "Nghị": "Nghi", "quyết": "quyêt", "triển": "triến", "các": "các,"}


def _misread(line: str) -> str:
    return " ".join(_MISREAD.get(word, word) for word in line.split())


def test_a_good_layer_wins_over_a_poor_reading_of_its_scan_and_a_poor_layer_does_not():
    from sohoa.diacritics.syllables import strip_marks
    from sohoa.ingest.textlayer import layer_reads_better

    from .conftest import BODY, PARAGRAPHS, wrap

    lines = wrap(" ".join(PARAGRAPHS + [BODY]))
    exact, misread = _reading(lines), _reading([_misread(line) for line in lines])
    assert layer_reads_better(exact, misread)  # an exact layer over a scan the OCR misreads
    assert not layer_reads_better(misread, exact)  # an old poor OCR layer over a scan read well
    assert not layer_reads_better(_reading([strip_marks(line) for line in lines]), misread)  # no marks
    assert not layer_reads_better(exact, exact)  # as good: the OCR's reading stays


def test_a_legacy_layer_is_kept_only_where_its_page_shows_its_codes_or_is_read_poorly():
    from sohoa.diacritics.legacy import tcvn3_encode
    from sohoa.ingest.textlayer import legacy_layer_kept

    from .conftest import BODY, PARAGRAPHS, wrap

    lines = wrap(" ".join(PARAGRAPHS + [BODY]))
    codes = _reading([tcvn3_encode(line).decode("cp1252") for line in lines])
    # the font missing: the page shows the codes, and the OCR reads them ('tØnh')
    assert legacy_layer_kept(codes, codes, 0.8)
    # the font embedded: the page shows the letters, which the OCR reads with the page's capitals
    assert not legacy_layer_kept(codes, _reading(lines), 0.8)
    # ... unless it reads them poorly: the decoded layer is the better reading
    assert legacy_layer_kept(codes, _reading([_misread(line) for line in lines]), 0.8)


def test_a_kept_legacy_layer_gives_the_words_its_codes_stand_for_each_on_its_own_box():
    """A layer drawn with a .VnTime or VNI-Times font holds the font's codes: the page's words
    are the decoded ones, so that its reading order, letterhead and tables see the words."""
    from sohoa.diacritics.legacy import cp1252_decode, tcvn3_encode, vni_encode
    from sohoa.ingest.textlayer import decoded_words

    lines = ["ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 1234/QĐ-UBND Quảng Ngãi, ngày 15 tháng 3 năm 2023",
             "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"]
    for encode in (tcvn3_encode, vni_encode):
        layer = _reading([cp1252_decode(encode(line)) for line in lines])
        words = decoded_words(layer)
        assert [w.bbox for w in words] == [w.bbox for w in layer]
        assert " ".join(w.text for w in words).lower() == " ".join(lines).lower()
    unicode_layer = _reading(lines)
    assert decoded_words(unicode_layer) == unicode_layer


def test_the_way_a_layer_s_lines_run_tells_the_turn_that_makes_its_page_upright():
    from sohoa.ingest.records import OcrWord
    from sohoa.ingest.textlayer import text_turn

    def line(k: int, step: tuple[int, int], count: int = 3) -> list[OcrWord]:
        """A line of `count` words, each `step` (x, y) from the one before, in reading order."""
        return [OcrWord("chữ", 100.0, (500 + n * step[0], 500 + n * step[1], 530 + n * step[0], 530 + n * step[1]),
                        1, 1, k, n) for n in range(1, count + 1)]

    running = {(60, 0): 0, (0, -60): 90, (-60, 0): 180, (0, 60): 270}  # right, up, left, down the displayed page
    for step, turn in running.items():
        assert text_turn(line(1, step) + line(2, step) + line(3, step, count=1)) == turn
    # a note printed up the margin of an upright page: the page stays as it is
    assert text_turn(line(1, (60, 0)) + line(2, (60, 0)) + line(3, (0, -60))) == 0
    assert text_turn(line(1, (0, -60), count=1)) == 0  # a single word tells no way


def test_an_upright_page_flagged_to_show_on_its_side_reads_as_its_text_runs(tmp_path):
    """A portal's upright page wrongly flagged /Rotate 270 shows its lines running up the page:
    its words are read on the page turned upright, where its text reads as the upright page's,
    and its picture for the table step is turned with them."""
    import time

    import pikepdf

    from sohoa.ingest.page import PageOptions, layer_page_image, read_page
    from sohoa.ingest.records import PageSource

    from .conftest import BODY, PARAGRAPHS, make_born_digital_pdf, wrap

    upright = make_born_digital_pdf(tmp_path / "upright.pdf", wrap(" ".join(PARAGRAPHS + [BODY])))
    sideways = tmp_path / "sideways.pdf"
    with pikepdf.open(upright) as document:
        document.pages[0].Rotate = 270
        document.save(sideways)
    options = PageOptions(engine="null", tables=False)

    def read(path):
        source = PageSource("d", str(path), "pdf", 1, 100)
        return source, read_page(source, options, time.perf_counter()).result.ocr

    _, expected = read(upright)
    source, turned = read(sideways)
    assert (turned.rotation, turned.width, turned.height) == (90, expected.width, expected.height)
    assert turned.paragraphs == expected.paragraphs
    for word, upright_word in zip(turned.words, expected.words):
        assert max(abs(a - b) for a, b in zip(word.bbox, upright_word.bbox)) <= 1
    height, width = layer_page_image(source, options, turned.rotation).image.shape[:2]  # drawn larger, its text small
    assert abs(height / width - expected.height / expected.width) < 0.01


def _legacy_font_pdf(path, heading: list[str], body: list[str]):
    """A page of TCVN3 codes as a word processor wrote it with the fonts not embedded: `heading`
    in '.VnTimeH,Bold' (its capitals as the small letters' codes), `body` in '.VnTime'."""
    import pikepdf
    from reportlab.pdfgen import canvas

    from sohoa.diacritics.legacy import cp1252_decode, tcvn3_encode

    page = canvas.Canvas(str(path), pagesize=(595, 842))
    y = 780
    for font, lines in (("Times-Bold", [line.lower() for line in heading]), ("Times-Roman", body)):
        page.setFont(font, 13)
        for line in lines:
            page.drawString(80, y, cp1252_decode(tcvn3_encode(line)))
            y -= 20
    page.save()
    with pikepdf.open(path, allow_overwriting_input=True) as document:
        for font in document.pages[0].Resources.Font.values():
            font.BaseFont = pikepdf.Name("/.VnTimeH,Bold" if "Bold" in str(font.BaseFont) else "/.VnTime")
        document.save(path)
    return path


def test_the_words_of_a_capitals_only_legacy_font_are_decoded_into_capitals(tmp_path):
    """TCVN3 has no codes for most capitals with a tone mark: a heading set in a '.VnTimeH' font
    holds the small letters' codes, which the font draws as capitals. Decoded, its words are
    the capitals the page shows; the body's words, in '.VnTime', keep their case."""
    import pikepdf

    from sohoa.ingest.textlayer import capitals_font_boxes, decoded_words, layer_lines, page_words

    from .conftest import BODY, PARAGRAPHS, wrap

    heading = ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "QUYẾT ĐỊNH"]
    body = wrap(" ".join(PARAGRAPHS + [BODY]), 70)
    pdf = _legacy_font_pdf(tmp_path / "legacy.pdf", heading, body)
    cropped = tmp_path / "cropped.pdf"
    with pikepdf.open(pdf) as document:  # shown from another corner: the fonts' runs are placed from the media box's
        document.pages[0].CropBox = pikepdf.Array([40, 30, 575, 822])
        document.save(cropped)
    for path in (pdf, cropped):
        words, _, _ = page_words(str(path), 1, 150)
        capitals = capitals_font_boxes(str(path), 1, 150, words)
        assert layer_lines(decoded_words(words, capitals)).split("\n") == heading + body


def test_the_words_of_a_capitals_only_legacy_font_on_a_page_shown_turned_are_capitals(tmp_path):
    """A page flagged /Rotate (shown on its side or upside down, an upright page wrongly flagged
    too) places its words on the page as displayed: its heading in '.VnTimeH' is found there
    all the same, under a crop box too."""
    import pikepdf

    from sohoa.ingest.textlayer import capitals_font_boxes, decoded_words, page_words

    from .conftest import BODY, wrap

    heading = ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "QUYẾT ĐỊNH"]
    pdf = _legacy_font_pdf(tmp_path / "legacy.pdf", heading, wrap(BODY, 70))
    for rotation in (90, 180, 270):
        turned = tmp_path / f"turned-{rotation}.pdf"
        with pikepdf.open(pdf) as document:
            document.pages[0].Rotate = rotation
            document.pages[0].CropBox = pikepdf.Array([40, 30, 575, 822])
            document.save(turned)
        words, _, _ = page_words(str(turned), 1, 150)
        decoded = " ".join(w.text for w in decoded_words(words, capitals_font_boxes(str(turned), 1, 150, words)))
        for line in heading:
            assert line in decoded, (rotation, decoded)


def test_a_font_named_with_its_cmap_is_a_capitals_only_font_by_its_own_name(tmp_path):
    """A writer that embeds a font as a CID font may name it with its CMap after it
    ('.VnTime-Identity-H'): the body's '.VnTime' is no capitals-only font for the 'H' of its
    CMap, the heading's '.VnTimeH' is one."""
    import pikepdf

    from sohoa.ingest.textlayer import capitals_font_boxes, decoded_words, layer_lines, page_words

    from .conftest import BODY, wrap

    heading = ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "QUYẾT ĐỊNH"]
    body = wrap(BODY, 70)
    pdf = _legacy_font_pdf(tmp_path / "legacy.pdf", heading, body)
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        for font in document.pages[0].Resources.Font.values():
            name = "ABCDEF+.VnTimeH-Identity-H" if "VnTimeH" in str(font.BaseFont) else "ABCDEG+.VnTime-Identity-H"
            font.BaseFont = pikepdf.Name("/" + name)
        document.save(pdf)
    words, _, _ = page_words(str(pdf), 1, 150)
    assert layer_lines(decoded_words(words, capitals_font_boxes(str(pdf), 1, 150, words))).split("\n") == heading + body


def _small_print_scan(tmp_path, layer_text):
    """A page of 8 pt print scanned (a full-page picture) under an earlier OCR's invisible layer
    that reads each printed line as `layer_text` makes it; (the PDF, the printed lines)."""
    import subprocess

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from .conftest import BODY, PARAGRAPHS, make_born_digital_pdf, wrap

    make_born_digital_pdf(tmp_path / "font.pdf", ["chữ"])  # registers the Vietnamese font of these tests
    lines = wrap(" ".join(PARAGRAPHS + [BODY, BODY]), 90)

    def draw(pdf, mode, text):
        run = pdf.beginText()
        run.setTextRenderMode(mode)
        run.setFont("SohoaSerif", 8)
        run.setTextOrigin(60, 780)
        run.setLeading(11)
        for line in lines:
            run.textLine(text(line))
        pdf.drawText(run)

    printed = canvas.Canvas(str(tmp_path / "print.pdf"), pagesize=(595, 842))
    draw(printed, 0, lambda line: line)
    printed.save()
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(tmp_path / "print.pdf"),
                    str(tmp_path / "print")], check=True)
    scan = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=(595, 842))
    scan.drawImage(ImageReader(str(tmp_path / "print.png")), 0, 0, 595, 842)
    draw(scan, 3, layer_text)
    scan.save()
    return tmp_path / "scan.pdf", lines


def test_a_layer_over_a_scan_enlarged_for_ocr_is_held_against_the_picture_at_its_own_scale(tmp_path):
    """Small print read at a low resolution is enlarged for the OCR; the layer's words, placed
    on the page at the run's resolution, are held against the picture at that resolution: a
    garbled earlier OCR is read again, a good one is kept on the page it was placed on."""
    import time

    from sohoa.ingest.page import PageOptions, read_page
    from sohoa.ingest.records import OcrWord, PageSource
    from sohoa.ingest.textlayer import page_words

    class Reader:  # the OCR of the printed lines, wherever it places them
        name = "reader"

        def __init__(self, lines):
            self.words = [OcrWord(word, 95.0, (10 * n, 10 * k, 10 * n + 8, 10 * k + 8), 1, 1, k, n)
                          for k, line in enumerate(lines, start=1) for n, word in enumerate(line.split(), start=1)]

        def recognise(self, image, **request):
            return list(self.words)

        def read_text(self, image, **request):
            return ""

        def orientation(self, image, **request):
            return 0, 0.0

    options = PageOptions(engine="null", tables=False)
    for name, garble, source in (("garbled", lambda line: " ".join(w[::-1] for w in line.split()), "ocr"),
                                 ("good", lambda line: line, "text-layer")):
        (tmp_path / name).mkdir()
        pdf, lines = _small_print_scan(tmp_path / name, garble)
        page = PageSource("d", str(pdf), "pdf", 1, 100)
        read = read_page(page, options, time.perf_counter(), Reader(lines))
        assert read.result.source == source, name
        if source == "text-layer":
            _, width, height = page_words(str(pdf), 1, 100)
            assert (read.result.ocr.width, read.result.ocr.height) == (width, height)


def test_the_table_step_alone_sees_the_words_a_legacy_font_s_codes_stand_for(tmp_path):
    """`sohoa tables` reads a born-digital page's cells from its own words: a layer of a legacy
    font's codes gives them decoded, as a run of the whole pipeline does."""
    import time

    from sohoa.ingest.page import PageOptions, read_page_image
    from sohoa.ingest.records import PageSource

    from .conftest import BODY, PARAGRAPHS, wrap

    heading = ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "QUYẾT ĐỊNH"]
    body = wrap(" ".join(PARAGRAPHS + [BODY]), 70)
    pdf = _legacy_font_pdf(tmp_path / "legacy.pdf", heading, body)
    read = read_page_image(PageSource("d", str(pdf), "pdf", 1, 150), PageOptions(engine="null", text=False),
                           time.perf_counter())
    assert read.result.source == "text-layer"
    assert " ".join(w.text for w in read.result.ocr.words) == " ".join(heading + body)
