"""The generated worked-example workbook compared part by part with reviewed references in golden/case/ (as
XlsxWriter's comparison tests do): the package is unzipped, docProps/core.xml's save times are masked, relationships
are sorted and every XML part is indented, so a difference reads as a diff of one part. References are rewritten only
with OONKIT_UPDATE_GOLDEN=1; read the diff before committing them."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest

from tests.golden import assert_matches_golden
from workbooks.case_file import read_case
from workbooks.case_workbook import build_case_workbook

GOLDEN = Path(__file__).parent / "golden" / "case"
_TIMES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:\w+>)")
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*/>")


def normalised(name: str, data: bytes) -> str:
    """One part as reviewable text: masked, sorted, indented."""
    text = data.decode("utf-8")
    if name == "docProps/core.xml":
        text = _TIMES.sub(r"\1MASKED\2", text)
    if name.endswith(".rels"):
        rels = sorted(_RELATIONSHIP.findall(text))
        text = _RELATIONSHIP.sub("", text).replace("</Relationships>", "".join(rels) + "</Relationships>")
    if name.endswith((".xml", ".rels")):
        text = minidom.parseString(text.encode("utf-8")).toprettyxml(indent="  ")
    return text


def xlsx_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: normalised(name, z.read(name)) for name in sorted(z.namelist())}


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, str]:
    book = build_case_workbook(read_case(), tmp_path_factory.mktemp("golden") / "case.xlsx")
    return xlsx_parts(book.path)


def test_part_list(parts):
    assert_matches_golden("\n".join(parts) + "\n", GOLDEN / "parts.txt")


@pytest.mark.parametrize(
    "name",
    sorted(
        p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file() and p.name != "parts.txt"
    )
    if GOLDEN.exists()
    else [],
)
def test_part_matches_reference(parts, name):
    assert name in parts, f"{name}: in the references but not generated (see test_part_list)"
    assert_matches_golden(parts[name], GOLDEN / name)


def test_every_generated_part_has_a_reference(parts):
    missing = [name for name in parts if not (GOLDEN / name).exists()]
    if missing and os.environ.get("OONKIT_UPDATE_GOLDEN") == "1":
        for name in missing:
            assert_matches_golden(parts[name], GOLDEN / name)
        return
    assert not missing, f"no reference for {missing}; run with OONKIT_UPDATE_GOLDEN=1 and review them"


def test_saves_are_identical_but_for_the_masked_times(tmp_path):
    case = read_case()
    a = xlsx_parts(build_case_workbook(case, tmp_path / "a.xlsx").path)
    b = xlsx_parts(build_case_workbook(case, tmp_path / "b.xlsx").path)
    assert a == b
