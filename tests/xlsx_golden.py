"""Part-by-part comparison of generated .xlsx files with reviewed reference parts (as XlsxWriter's test suite does).

Each part of the zip is compared as pretty-printed XML, so a failure reads as a diff of the part that changed.
``docProps/core.xml`` (a new timestamp on every save) is masked. References live in a folder per workbook, one file
per part; ``OONKIT_UPDATE_GOLDEN=1`` rewrites them (read the diff before committing).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree

MASKED = {"docProps/core.xml"}


def parts(path: Path) -> dict[str, str]:
    """Part name -> pretty-printed XML (relationships sorted), for every XML part but the masked ones."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name in MASKED or not (name.endswith(".xml") or name.endswith(".rels")):
                continue
            root = etree.fromstring(z.read(name))
            if name.endswith(".rels"):
                root[:] = sorted(root, key=lambda e: (e.get("Target") or "", e.get("Id") or ""))
            etree.indent(root, space=" ")
            text = etree.tostring(root, encoding="unicode")
            # openpyxl names temporary relationship ids after object ids in a few places: keep them stable
            out[name] = re.sub(r'(Id="rId)\d+(")', r"\1#\2", text) if name.endswith(".rels") else text
    return out


def assert_workbook_matches(path: Path, reference_dir: Path) -> None:
    actual = parts(path)
    if os.environ.get("OONKIT_UPDATE_GOLDEN") == "1":
        if reference_dir.exists():
            shutil.rmtree(reference_dir)
        for name, text in actual.items():
            target = reference_dir / (name + ".txt")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text + "\n", encoding="utf-8", newline="\n")
        return
    assert reference_dir.exists(), (
        f"no reference for {path.name}; run with OONKIT_UPDATE_GOLDEN=1 and review it"
    )
    expected = {
        str(p.relative_to(reference_dir))[: -len(".txt")].replace(os.sep, "/"): p.read_text(encoding="utf-8")[
            :-1
        ]
        for p in reference_dir.rglob("*.txt")
    }
    problems = []
    for name in sorted(set(actual) | set(expected)):
        if name not in expected:
            problems.append(f"new part {name}")
        elif name not in actual:
            problems.append(f"missing part {name}")
        elif actual[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].splitlines(),
                actual[name].splitlines(),
                f"reference/{name}",
                f"generated/{name}",
                lineterm="",
                n=2,
            )
            problems.append("\n".join(list(diff)[:60]))
    assert not problems, f"{path.name} differs from its reference:\n" + "\n".join(problems)
