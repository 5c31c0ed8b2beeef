import numpy as np
from PIL import Image

from sohoa.ingest.rasterize import load_page
from sohoa.ingest.records import PageSource


def test_exif_orientation_is_applied(tmp_path):
    image = Image.new("L", (40, 20), 255)
    image.paste(0, (0, 0, 10, 20))  # a dark band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # 'rotate 90 clockwise to display'
    image.save(tmp_path / "photo.jpg", exif=exif, dpi=(200, 200))
    pixels, dpi = load_page(PageSource("p", str(tmp_path / "photo.jpg"), "image", 1, 300))
    assert pixels.shape[:2] == (40, 20) and dpi == 200
    assert pixels[:8].mean() < 60  # the band is now on top


def test_second_frame_of_a_multipage_tiff(tmp_path):
    frames = [Image.new("L", (30, 30), value) for value in (255, 0)]
    frames[0].save(tmp_path / "two.tiff", save_all=True, append_images=frames[1:])
    first, _ = load_page(PageSource("t", str(tmp_path / "two.tiff"), "image", 1, 300))
    second, _ = load_page(PageSource("t", str(tmp_path / "two.tiff"), "image", 2, 300))
    assert first.mean() == 255 and second.mean() == 0
    assert np.asarray(second).dtype == np.uint8


def _scan_pdf(path, image: Image.Image, dpi: int = 300):
    """An image-only PDF of one page (as a scanner writes it): the JPEG over the whole page."""
    from sohoa.synth.render import write_image_pdf

    return write_image_pdf([image], path, dpi=dpi, grey=image.mode == "L")


def _page_picture(width: int = 620, height: int = 877, mode: str = "L") -> Image.Image:
    rng = np.random.default_rng(7)
    pixels = np.full((height, width, 3), 250, np.uint8)
    pixels[100:140, 60:500] = 20  # a line of 'text'
    pixels[300:330, 60:300] = (200, 30, 30)  # a red seal stroke
    pixels = np.clip(pixels.astype(int) + rng.integers(-6, 6, pixels.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).convert(mode)


def test_a_scanned_page_is_its_jpeg_decoded_without_rendering(tmp_path):
    import cv2
    import pikepdf

    from sohoa.ingest import rasterize
    from sohoa.ingest.preprocess import to_grey

    for mode in ("L", "RGB"):
        pdf = _scan_pdf(tmp_path / f"scan_{mode}.pdf", _page_picture(mode=mode), dpi=150)
        with pikepdf.open(pdf) as opened:
            image = next(iter(opened.pages[0].resources.XObject.values()))
            jpeg = cv2.imdecode(np.frombuffer(image.read_raw_bytes(), np.uint8), cv2.IMREAD_UNCHANGED)
        drawn = rasterize._drawn_picture(PageSource("s", str(pdf), "pdf", 1, 300), 150)
        expected = jpeg if mode == "L" else cv2.cvtColor(jpeg, cv2.COLOR_BGR2RGB)
        assert drawn is not None and np.array_equal(drawn, expected)  # the picture's own pixels, RGB order
        assert rasterize._drawn_picture(PageSource("s", str(pdf), "pdf", 1, 300), 300) is None  # not 1:1
        pixels, dpi = load_page(PageSource("s", str(pdf), "pdf", 1, 300))
        assert pixels.shape[:2] == (877 * 2, 620 * 2) and dpi == 300  # 150 ppi enlarged to the run's 300 dpi
        rendered = rasterize._render(PageSource("s", str(pdf), "pdf", 1, 300), 150, None)
        difference = np.abs(to_grey(rendered).astype(int) - to_grey(drawn).astype(int))
        assert rendered.shape[:2] == drawn.shape[:2] and difference.mean() < 8  # what poppler draws, near enough


def test_a_page_with_anything_else_on_it_is_rendered(tmp_path):
    import pikepdf

    from sohoa.ingest import rasterize

    pdf = _scan_pdf(tmp_path / "scan.pdf", _page_picture(), dpi=150)
    source = lambda path: PageSource("s", str(path), "pdf", 1, 300)  # noqa: E731
    assert rasterize._drawn_picture(source(pdf), 150) is not None
    variants = {
        "text": lambda page, doc: page.contents_add(pikepdf.Stream(doc, b"BT /F1 12 Tf (x) Tj ET"), prepend=False),
        "annotation": lambda page, doc: page.obj.__setitem__("/Annots", doc.make_indirect(pikepdf.Array([]))),
        "rotation": lambda page, doc: page.obj.__setitem__("/Rotate", 90),
        "mask": lambda page, doc: next(iter(page.resources.XObject.values())).__setitem__("/Decode", pikepdf.Array([1, 0])),
    }
    for name, change in variants.items():
        with pikepdf.open(pdf) as doc:
            change(doc.pages[0], doc)
            doc.save(tmp_path / f"{name}.pdf")
        assert rasterize._drawn_picture(source(tmp_path / f"{name}.pdf"), 150) is None, name


def test_archive_and_web_image_types_are_read_like_any_image(tmp_path):
    """JPEG 2000 (digitised collections), PNM (scanning tools), GIF and WebP pages: found in a
    folder, their pages counted, their pixels the picture's."""
    from pathlib import Path

    from sohoa.ingest.inputs import InputDocument, discover, kind_of, probe

    picture = _page_picture(300, 400)
    for name in ("page.jp2", "page.pgm", "page.gif", "page.webp"):
        picture.save(tmp_path / name, **({"lossless": True} if name.endswith("webp") else {}))
    found = sorted(Path(p).name for p in discover([str(tmp_path)]))
    assert found == ["page.gif", "page.jp2", "page.pgm", "page.webp"]
    for name in found:
        path = tmp_path / name
        assert kind_of(path) == "image"
        assert probe(InputDocument(name, str(path), "image", "")).pages == 1
        pixels, _ = load_page(PageSource("p", str(path), "image", 1, 300))
        assert pixels.shape[:2] == (400, 300)
        assert abs(float(pixels[100:140, 60:290].mean()) - 20) < 12  # the 'line of text' is still dark


def test_a_folders_files_of_other_types_are_named_not_read(tmp_path, caplog):
    import logging

    from sohoa.ingest.inputs import left_out_files

    (tmp_path / "notes").mkdir()
    for name in ("report.pdf", "table.xlsx", "notes/minutes.docx", "notes/b.docx", ".DS_Store", "scan.PNG"):
        (tmp_path / name).write_bytes(b"x")
    assert sorted(p.name for p in left_out_files([str(tmp_path)])) == ["b.docx", "minutes.docx", "table.xlsx"]
    assert left_out_files([str(tmp_path / "report.pdf")]) == []  # a file named is read or refused, never left out

    from sohoa.batch import _Progress

    with caplog.at_level(logging.WARNING, logger="sohoa.batch"):
        _Progress(quiet=False).left_out(left_out_files([str(tmp_path)]))
    assert "3 file(s) in the input folders left out" in caplog.text and ".docx ×2, .xlsx" in caplog.text


def _cropped_to_top_half(pdf, target):
    import pikepdf

    with pikepdf.open(pdf) as doc:
        box = [float(v) for v in doc.pages[0].mediabox]
        doc.pages[0].obj.CropBox = pikepdf.Array([box[0], (box[1] + box[3]) / 2, box[2], box[3]])
        doc.save(target)
    return target


def test_a_page_is_drawn_as_its_crop_box_shows_it(tmp_path):
    """A viewer shows a page's crop box; what lies outside it is hidden from the reader and is
    not read. Here the crop box is the top half: the line of 'text' near the top is drawn, the
    picture is half as tall."""
    pdf = _cropped_to_top_half(_scan_pdf(tmp_path / "scan.pdf", _page_picture(), dpi=150), tmp_path / "crop.pdf")
    whole, _ = load_page(PageSource("s", str(tmp_path / "scan.pdf"), "pdf", 1, 300))
    top, _ = load_page(PageSource("s", str(pdf), "pdf", 1, 300))
    assert abs(top.shape[0] - whole.shape[0] / 2) <= 2 and top.shape[1] == whole.shape[1]
    grey = top if top.ndim == 2 else top.mean(axis=2)
    assert grey[200:280, 120:1000].mean() < 60  # the line at rows 100-140 of the 150 ppi picture


def test_text_layer_words_outside_the_crop_box_are_left_out(tmp_path):
    from reportlab.pdfgen import canvas

    from sohoa.ingest.textlayer import page_words

    path = tmp_path / "digital.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.drawString(72, 800, "Visible heading")
    page.drawString(72, 100, "Hidden footer")
    page.save()
    cropped = _cropped_to_top_half(path, tmp_path / "crop.pdf")
    words, width, height = page_words(str(cropped), 1, 72)
    assert [w.text for w in words] == ["Visible", "heading"]
    assert (width, height) == (595, 421) and all(0 <= w.bbox[1] < height for w in words)
