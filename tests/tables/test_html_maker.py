"""The browser page maker of the tables bench (HTML/CSS printed by headless Chromium)."""

import shutil

import pytest

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")


def test_wide_page_is_one_landscape_page_with_its_truth():
    from sohoa.synth.tables_html import render_html_table_page

    page = render_html_table_page("wide", seed=0, font="dejavusans")
    assert page.image.width > page.image.height  # landscape A4 at 300 dpi
    (truth,) = page.tables
    assert len(truth.header) >= 12 and any(h.startswith("Năm thực hiện | ") for h in truth.header)
    assert truth.observations and all(o.measure for o in truth.observations)
