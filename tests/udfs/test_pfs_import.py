"""The importer on files written in the official CMS layouts (title rows, the five-row PPRRVU header, GPCI
preamble and footnotes, crosswalk preamble and blank rows), built from real rows of the CY2025 files, with
OONKIT_DATA_DIR pointed at a temporary folder; and the ``oonkit price`` / ``oonkit data`` commands.

The PPRRVU layout follows the CMS RVU25A CSV: rows 1-5 title and copyright text in the third column,
rows 6-10 the stacked header (``STATUS`` over ``CODE``, ``CO-`` over ``SURG`` ...), data from row 11,
DOS end-of-file mark at the end. Descriptors are replaced by "x" (AMA text is never stored here).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oonkit.cli import main
from udfs.errors import FileError
from udfs.medicare import medicare_amount, price_pfs
from udfs.pfs_data import inventory, load_pfs
from udfs.pfs_import import import_pfs, read_gpci, read_locco, read_rvu

TITLE = [
    ",,2025 National Physician Fee Schedule Relative Value File January Release" + "," * 28,
    ",,CPT codes and descriptions only are copyright 2024 American Medical Association." + "," * 28,
    ",,Dental codes (D codes) are copyright 2025/26 American Dental Association." + "," * 28,
    ",, " + "," * 28,
    ",,RELEASED 12/23/2024" + "," * 28,
]
HEADER = [
    ",, , ,,,,,,,,,,,,,,,,,,,,,,,,,NON-FACILITY,FACILITY,",
    ",,,,NOT USED,,,,,,,,,,,,,,,,,,,,,PHYSICIAN,,DIAGNOSTIC,PE USED,PE USED,MP USED",
    ",,,,FOR,,,NON-FAC,,FACILITY ,,,,,,,,,,,,,,,,SUPERVISION OF,,IMAGING,FOR OPPS,FOR OPPS,FOR OPPS",
    ",,,STATUS,MEDICARE ,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,INTRA,POST,"
    "MULT,"
    "BILAT,ASST,CO-,TEAM,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,PAYMENT,PAYMENT",
    "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,IND,DAYS,"
    "OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,AMOUNT,AMOUNT",
]
# Real rows of PPRRVU25_JAN1 (descriptor replaced by x); 00100 written as 100, as a spreadsheet saves it
ROWS = [
    "100,,x,J,,0,0,,0,,0,0,0,9,XXX,0,0,0,9,9,9,9,9,,32.3465,9,0,99,0,0,0",
    "27447,,x,A,,19.6,15.3,NA,15.3,,3.98,38.88,38.88,0,90,0.1,0.69,0.21,2,1,2,1,0,,32.3465,9,0,99,0,0,0",
    "43239,,x,A,,2.39,8.36,,1.42,,0.29,11.04,4.1,0,0,0,0,0,3,0,1,0,0,43235,32.3465,9,0,99,0,0,0",
    "70553,,x,A,,2.29,7.26,,7.26,NA,0.16,9.71,9.71,1,XXX,0,0,0,4,0,0,0,0,,32.3465,9,0,88,11.81,11.81,0.18",
    "70553,TC,x,A,,0,6.44,,6.44,NA,0.03,6.47,6.47,1,XXX,0,0,0,4,0,0,0,0,,32.3465,9,0,88,10.99,10.99,0.05",
    "70553,26,x,A,,2.29,0.82,,0.82,,0.13,3.24,3.24,1,XXX,0,0,0,4,0,0,0,0,,32.3465,9,0,88,0,0,0",
    "99285,,x,A,,4,0.79,NA,0.79,,0.43,5.22,5.22,0,XXX,0,0,0,0,0,0,0,0,,32.3465,9,0,99,0,0,0",
]
GPCI = [
    "ADDENDUM E. FINAL CY 2025 GEOGRAPHIC PRACTICE COST INDICES (GPCIs) BY STATE AND MEDICARE LOCALITY,,,,,,",
    ",,,,,,",
    "Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,"
    "2025 PW GPCI (with 1.0 Floor),2025 PE GPCI,2025 MP GPCI",
    "10112,AL,0,ALABAMA,1,0.869,0.575",
    "1182,CA,18,LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES/ORANGE CNTY),1.042,1.194,0.69",
    "1112,CA,75,REST OF CALIFORNIA,1.014,1.093,0.56",
    '"MAC Assignments as of November 22, 2023",,,,,,',
    ",,,,,,",
    "*Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA.,,,,,,",
]
LOCCO = [
    "COUNTIES INCLUDED IN 2025 LOCALITIES. (ALPHABETICALLY BY STATE AND LOCALITY NAME WITHIN STATE),,,,",
    ",,,,",
    "Medicare Adminstrative Contractor,Locality Number,State ,Fee Schedule Area ,Counties",
    ",,,,",
    "10112,0,ALABAMA ,STATEWIDE ,ALL COUNTIES ",
    ",,,,",
    "1182,18,CALIFORNIA,LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES CNTY),LOS ANGELES /ORAGNGE CNTY",
    "1112,75,,REST OF STATE*,ALL OTHER COUNTIES",
    ",,,,",
    "*  Payment locality is serviced by two carriers.,,,,",
]


def write(path: Path, lines: list[str], eof: bool = False) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252") + (b"\x1a" if eof else b""))
    return path


@pytest.fixture
def official(tmp_path: Path) -> dict[str, Path]:
    return {
        "rvu": write(tmp_path / "PPRRVU25_JAN.csv", TITLE + HEADER + ROWS, eof=True),
        "gpci": write(tmp_path / "GPCI2025.csv", GPCI),
        "locco": write(tmp_path / "25LOCCO.csv", LOCCO),
    }


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "userdata"
    monkeypatch.setenv("OONKIT_DATA_DIR", str(folder))
    return folder


def test_official_rvu_layout_is_read(official):
    r = read_rvu(official["rvu"], 2025)
    assert r.problems == []
    assert r.info == {"rows": 7, "padded_hcpcs": 1, "cf": 32.3465}
    t = r.table.set_index(["hcpcs", "mod"])
    assert t.loc[("00100", ""), "status"] == "J"
    assert t.loc[("27447", ""), ["work_rvu", "f_pe_rvu", "mp_rvu"]].tolist() == [19.6, 15.3, 3.98]
    assert t.loc[("27447", ""), "glob_days"] == "090"
    assert bool(t.loc[("27447", ""), "nf_na"]) and bool(t.loc[("70553", "TC"), "f_na"])
    assert t.loc[("43239", ""), "endo_base"] == "43235"
    assert t.loc[("70553", "26"), "image_family"] == "88"
    assert "description" not in " ".join(r.table.columns).lower()


def test_official_gpci_and_crosswalk_layouts_are_read(official):
    g = read_gpci(official["gpci"], 2025)
    assert g.problems == [] and g.table.locality_id.tolist() == ["AL-00", "CA-18", "CA-75"]
    assert g.table.mac.tolist() == ["10112", "01182", "01112"]
    c = read_locco(official["locco"], 2025)
    assert c.problems == []
    assert c.table[["state", "county", "locality_id", "kind"]].values.tolist() == [
        ["AL", "", "AL-00", "all"],
        ["CA", "LOS ANGELES", "CA-18", "county"],
        ["CA", "ORANGE", "CA-18", "county"],
        ["CA", "", "CA-75", "rest"],
    ]


def test_cleaned_copies_read_the_same_numbers():
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "cms_pfs_2025"
    if not shared.is_dir():
        pytest.skip("../shared/data not present")
    r = read_rvu(shared / "PPRRVU25_JAN1_nodesc.csv", 2025)
    assert r.problems == [] and r.info["rows"] == 18865
    embedded = load_pfs(2025).rvu
    assert embedded[["work_rvu", "f_pe_rvu", "nf_pe_rvu", "mp_rvu"]].equals(
        r.table[["work_rvu", "f_pe_rvu", "nf_pe_rvu", "mp_rvu"]]
    )


def test_import_then_price_uses_the_imported_year(official, data_dir):
    manifest = import_pfs(2025, official["rvu"], official["gpci"], official["locco"], command="test")
    assert manifest["tables"]["rvu"]["rows"] == 7
    assert (data_dir / "pfs" / "2025" / "manifest.yaml").is_file()
    assert load_pfs(2025).sources["rvu"]["source"] == "imported"
    assert medicare_amount("27447", locality="CA-18") == pytest.approx(
        (19.6 * 1.042 + 15.3 * 1.194 + 3.98 * 0.69) * 32.3465
    )
    # the imported file has no 29881: the user's year replaces the embedded one
    assert price_pfs("29881").note[0] == "code not in the 2025 fee schedule"
    rows = inventory()
    assert rows[(rows.year == 2025) & (rows.table == "rvu")].source.item() == "imported"


def test_import_of_a_new_year_with_qp_cf(official, data_dir):
    lines = TITLE + HEADER + [r.replace("32.3465", "33.4009") for r in ROWS]
    lines[0] = lines[0].replace("2025", "2027")
    rvu = write(official["rvu"].with_name("PPRRVU27.csv"), lines)
    import_pfs(2027, rvu, qp_cf=33.5675)
    assert price_pfs("99285", year=2027, qp=[False, True]).cf.tolist() == [33.4009, 33.5675]


def test_every_problem_is_listed_and_nothing_written(official, data_dir, tmp_path):
    bad = list(ROWS)
    bad[1] = bad[1].replace("19.6", "19.6x")  # WORK RVU not a number
    bad[2] = bad[2].replace(",3,0,1,0,0,", ",X,0,1,0,0,")  # MULT PROC not a digit
    bad.append(ROWS[-1])  # duplicate 99285
    rvu = write(tmp_path / "bad.csv", TITLE + HEADER + bad)
    gpci_lines = list(GPCI)
    gpci_lines[4] = gpci_lines[4].replace("1.194", "abc")
    gpci = write(tmp_path / "badgpci.csv", gpci_lines)
    with pytest.raises(FileError) as err:
        import_pfs(2025, rvu, gpci)
    text = [str(p) for p in err.value.problems]
    assert f"{rvu}:12: WORK RVU: '19.6x' is not a number" in text
    assert f"{rvu}:13: MULT PROC: 'X' is not a one-digit indicator" in text
    assert f"{rvu}:18: HCPCS: 99285 repeats line 17" in text
    assert f"{gpci}:5: 2025 PE GPCI: 'abc' is not a GPCI" in text
    assert not (data_dir / "pfs" / "2025").exists()


def test_wrong_year_and_unknown_crosswalk_locality(official, data_dir, tmp_path):
    locco = write(tmp_path / "loc.csv", [*LOCCO[:6], "9999,44,TEXAS,AUSTIN,TRAVIS"])
    with pytest.raises(FileError) as err:
        import_pfs(2026, official["rvu"], official["gpci"], locco)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "file is for 2025, not 2026" in text
    assert "locality TX-44 is not in the GPCI file" not in text or "loc.csv:7" in text


def test_cli_import_list_and_price(official, data_dir, capsys):
    code = main(
        [
            "data",
            "import-pfs",
            "--year",
            "2025",
            "--rvu",
            str(official["rvu"]),
            "--gpci",
            str(official["gpci"]),
            "--locco",
            str(official["locco"]),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "7 rows from PPRRVU25_JAN.csv" in out and "padded to 5" in out
    assert main(["data", "list"]) == 0
    assert "CY2025: rvu imported, gpci imported, locco imported" in capsys.readouterr().out
    assert main(["price", "27447", "--state", "CA", "--county", "Orange", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["locality"] == "CA-18" and result["priced"]
    assert result["amount"] == 1340.36  # (19.6 x 1.042 + 15.3 x 1.194 + 3.98 x 0.69) x 32.3465 = 1,340.361
    assert result["sources"]["rvu"].startswith("imported")


def test_cli_price_exit_codes(capsys):
    assert main(["price", "99285"]) == 0
    assert "amount $168.85" in capsys.readouterr().out  # 5.22 x 32.3465
    assert main(["price", "64999", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["amount"] is None
    assert "carrier-priced (status C)" in captured.err
    assert main(["price", "27447", "--state", "CA"]) == 2
    assert "29 localities" in capsys.readouterr().err
    assert main(["price", "27447", "--year", "2026", "--state", "CA", "--locality", "18"]) == 2
    assert "no CY2026 GPCIs" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["price", "27447", "--year", "twenty"])
    assert exc.value.code == 2


def test_cli_import_errors_exit_1(tmp_path, data_dir, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["data", "import-pfs", "--year", "2025", "--rvu", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{missing}: file not found" in err and "nothing was written" in err


def test_price_says_when_a_county_is_not_in_the_crosswalk(capsys):
    # CA has many localities; a county the 2025 crosswalk does not name resolves to REST OF CALIFORNIA (CA-75)
    from oonkit.cli import main

    assert main(["price", "27447", "--state", "CA", "--county", "Nowhere"]) == 0
    assert (
        "county 'Nowhere' is not named in the CMS crosswalk for CA: priced as the rest-of-state locality CA-75"
        in (capsys.readouterr().err)
    )
    # the JSON answer carries the same note, so a script sees it too
    import json

    assert main(["price", "27447", "--state", "CA", "--county", "Nowhere", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["locality"] == "CA-75" and answer["locality_note"].startswith(
        "county 'Nowhere' is not named"
    )
