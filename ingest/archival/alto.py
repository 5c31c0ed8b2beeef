"""alto.xml: ALTO v4 (schema 4.2), one Page per page, words as String elements.

CONTENT is the repaired word (as in text.txt); a word the repair changed keeps the OCR's
reading as an ALTERNATIVE with PURPOSE="ocr" and refers to the repair processing step.
WC is the OCR's word confidence (0-1). Table rows are TextBlocks inside a ComposedBlock
TYPE="table". Coordinates are pixels of the original page image at the page's dpi."""

from __future__ import annotations

from typing import Sequence

from lxml import etree

from sohoa import __version__
from sohoa.ingest.archival.structure import Region, Word, page_structure

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"


def _el(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


def _geometry(box) -> dict:
    return {"HPOS": box[0], "VPOS": box[1], "WIDTH": box[2] - box[0], "HEIGHT": box[3] - box[1]}


def _processing(description, ident: str, category: str, text: str, software: str, version: str = "") -> None:
    step = _el(description, "Processing", ID=ident)
    _el(step, "processingCategory").text = category
    _el(step, "processingStepDescription").text = text
    soft = _el(step, "processingSoftware")
    _el(soft, "softwareName").text = software
    if version:
        _el(soft, "softwareVersion").text = version


def _string(line, word: Word, ident: str) -> None:
    attrs = {"ID": ident, "CONTENT": word.text, **_geometry(word.box),
             "WC": f"{max(0.0, min(100.0, word.conf)) / 100:.2f}"}
    changed = word.text != word.raw
    if changed:
        attrs["PROCESSINGREFS"] = "repair"
    string = _el(line, "String", **attrs)
    if changed:
        _el(string, "ALTERNATIVE", PURPOSE="ocr").text = word.raw


def _block(parent, region: Region, ident: str) -> None:
    block = _el(parent, "TextBlock", ID=ident, **_geometry(region.box))
    for l, line_region in enumerate(region.children, start=1):
        line = _el(block, "TextLine", ID=f"{ident}_l{l}", **_geometry(line_region.box))
        for w, word in enumerate(line_region.children, start=1):
            if w > 1:
                _el(line, "SP")
            _string(line, word, f"{ident}_l{l}_w{w}")


def alto_xml(records: Sequence[dict], source_name: str = "") -> bytes:
    """The ALTO document of a document's page records (pages.jsonl)."""
    root = etree.Element(f"{{{NS}}}alto", nsmap={None: NS, "xsi": XSI})
    root.set("SCHEMAVERSION", "4.2")
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    description = _el(root, "Description")
    _el(description, "MeasurementUnit").text = "pixel"
    if source_name:
        _el(_el(description, "sourceImageInformation"), "fileName").text = source_name
    _processing(description, "ocr", "contentGeneration", "OCR of the page image (or the PDF's own text layer)",
                "Tesseract")
    _processing(description, "repair", "contentModification",
                "Vietnamese text repair (encoding, Unicode, diacritics, OCR garble): CONTENT is the "
                "repaired word, ALTERNATIVE PURPOSE='ocr' the OCR's reading", "sohoa", __version__)
    layout = _el(root, "Layout")
    for record in records:
        page = page_structure(record)
        p = f"p{page.number}"
        page_el = _el(layout, "Page", ID=p, PHYSICAL_IMG_NR=page.number, WIDTH=page.width, HEIGHT=page.height,
                      PROCESSINGREFS="ocr")
        space = _el(page_el, "PrintSpace", HPOS=0, VPOS=0, WIDTH=page.width, HEIGHT=page.height)
        for r, region in enumerate(page.regions, start=1):
            if region.kind == "table":
                composed = _el(space, "ComposedBlock", ID=f"{p}_t{r}", TYPE="table", **_geometry(region.box))
                for b, row in enumerate(region.children, start=1):
                    _block(composed, row, f"{p}_t{r}_b{b}")
            else:
                _block(space, region, f"{p}_{'aside' if region.kind == 'aside' else 'b'}{r}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
