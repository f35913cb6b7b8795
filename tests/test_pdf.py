"""The PDF renderer, read back with pdfplumber and pypdf as a reader (or an archive) sees it."""

from dataclasses import replace

import pdfplumber
import pytest
from pypdf import PdfReader

from report_samples import sample_report
from reporter.reports.model import DATA
from reporter.reports.pdf import render_pdf


@pytest.fixture(scope="module")
def long_lt(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "lt.pdf"
    render_pdf(sample_report("lt", 400), path)
    return path


def pages_text(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [(page.extract_text() or "").replace("\u00a0", " ") for page in pdf.pages]


def test_render_pdf__prints_lithuanian_and_latvian_letters(long_lt):
    text = "\n".join(pages_text(long_lt))
    for words in ("Šiaulių apskrities Povilo Višinskio viešoji biblioteka", "Bibliotēkas bez sienām",
                  "Ąžuolų gatvės spaustuvė ĄČĘĖĮŠŲŪŽ", "Rīgas viesnīca āčēģīķļņšūž", "Partnerio pažangos ataskaita"):
        assert words in text, words


def test_render_pdf__writes_amounts_in_the_language_format(long_lt, tmp_path):
    assert "263 449,92" in "\n".join(pages_text(long_lt))
    path = tmp_path / "en.pdf"
    render_pdf(sample_report("en", 10), path)
    assert "263,449.92" in "\n".join(pages_text(path))


def test_render_pdf__numbers_every_page_x_of_y(long_lt):
    pages = pages_text(long_lt)
    assert len(pages) > 5
    for number, text in enumerate(pages, 1):
        assert f"Puslapis {number} iš {len(pages)}" in text


def test_render_pdf__repeats_the_column_headers_on_every_page_of_a_long_table(long_lt):
    pages = pages_text(long_lt)
    listing = [text for text in pages if "SF-2024/" in text]
    assert len(listing) > 3
    assert all("Tiekėjas" in text and "Bendra suma" in text for text in listing)


def test_render_pdf__sums_subtotals_and_the_total(long_lt):
    data = sample_report("lt", 400)
    table = data.tables[1]
    total = sum(row.cells[6] for row in table.rows if row.kind == DATA)
    lt_total = format(total, ",.2f").replace(",", " ").replace(".", ",")
    last_page = pages_text(long_lt)[-1] + pages_text(long_lt)[-2]
    assert any(line.startswith("Iš viso") and line.endswith(lt_total) for line in last_page.splitlines())
    assert "Tarpinė suma" in "\n".join(pages_text(long_lt))


def test_render_pdf__shows_findings_and_the_signature_block(long_lt, tmp_path):
    text = "\n".join(pages_text(long_lt))
    for words in ("Patikrų radiniai", "Klaida", "PP3 EXTERNAL: 3225.52 spent against 2500.00", "Parašai",
                  "Vardas, pavardė", "Pareigos", "Parašas"):
        assert words in text, words
    path = tmp_path / "none.pdf"
    render_pdf(replace(sample_report("lt", 4), findings=()), path)
    assert "Atvirų radinių nėra." in "\n".join(pages_text(path))


def test_render_pdf__prints_user_text_literally(tmp_path):
    data = sample_report("lt", 20)
    path = tmp_path / "r.pdf"
    render_pdf(data, path)
    text = "\n".join(pages_text(path))
    assert "=HYPERLINK(" in text and "+370 600 00000" in text


def test_render_pdf__landscape_or_portrait_as_the_template_says(long_lt, tmp_path):
    width, height = (float(v) for v in PdfReader(long_lt).pages[0].mediabox[2:])
    assert width > height
    path = tmp_path / "portrait.pdf"
    render_pdf(replace(sample_report("lt", 4), orientation="portrait"), path)
    width, height = (float(v) for v in PdfReader(path).pages[0].mediabox[2:])
    assert round(width) == 595 and round(height) == 842


def test_render_pdf__carries_title_and_author_and_embeds_dejavu(long_lt):
    reader = PdfReader(long_lt)
    assert "Partnerio pažangos ataskaita" in reader.metadata.title
    assert reader.metadata.author == "Grant Reporter"
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages[:2]
             for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in name for name in fonts)


def test_render_pdf__same_data_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    data = sample_report("lv", 60)
    render_pdf(data, first)
    render_pdf(data, second)
    assert first.read_bytes() == second.read_bytes()


def test_render_pdf__a_table_without_rows_still_shows_its_headers(tmp_path):
    data = sample_report("en", 2)
    empty = replace(data.tables[1], rows=(), total_label=None)
    path = tmp_path / "e.pdf"
    render_pdf(replace(data, tables=(data.tables[0], empty)), path)
    assert "Tiekėjas" in "\n".join(pages_text(path))
