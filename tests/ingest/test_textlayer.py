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
