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
