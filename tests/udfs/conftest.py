"""Tests of udfs see only the embedded data unless they import some: OONKIT_DATA_DIR points at an empty
temporary folder, so a developer's own ``oonkit data import-pfs`` never changes a test result.

``pfs_2024`` imports a simulated CY2024 fee schedule (no 2024 data is embedded): real PPRRVU25_JAN1 rows,
relabelled 2024, in the one-header-row layout ``oonkit data import-pfs`` reads. Its RVUs are the 2025 ones;
what matters is the year: ``templates/rules/conversion_factors.yaml`` gives 2024 two conversion factors,
$32.7442 for dates of service to 2024-03-08 and $33.2875 from 2024-03-09 (CY2024 final rule; Consolidated
Appropriations Act, 2024 s. 2002), so every price of that year needs its date of service.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from udfs.pfs_import import import_pfs

RVU_HEADER = (
    "HCPCS,MOD,STATUS CODE,WORK RVU,NON-FAC PE RVU,NON-FAC NA INDICATOR,FACILITY PE RVU,"
    "FACILITY NA INDICATOR,MP RVU,PCTC IND,GLOB DAYS,MULT PROC,BILAT SURG,ASST SURG,CO- SURG,TEAM SURG,"
    "ENDO BASE,CONV FACTOR,"
    "DIAGNOSTIC IMAGING FAMILY INDICATOR"
)
# PPRRVU25_JAN1 rows (numbers and indicators as CMS prints them), CONV FACTOR as RVU24A prints it
RVU_2024_ROWS = [
    "27447,,A,19.6,15.3,NA,15.3,,3.98,0,090,2,1,2,1,0,,32.7442,99",
    "43235,,A,2.09,6.18,,1.29,,0.27,0,000,2,0,1,0,0,,32.7442,99",
    "43239,,A,2.39,8.36,,1.42,,0.29,0,000,3,0,1,0,0,43235,32.7442,99",
    "43251,,A,3.47,10.57,,1.9,,0.43,0,000,3,0,1,0,0,43235,32.7442,99",
    "70553,,A,2.29,7.26,,7.26,NA,0.16,1,XXX,4,0,0,0,0,,32.7442,88",
    "70553,TC,A,0,6.44,,6.44,NA,0.03,1,XXX,4,0,0,0,0,,32.7442,88",
    "70553,26,A,2.29,0.82,,0.82,,0.13,1,XXX,4,0,0,0,0,,32.7442,88",
    "74177,,A,1.82,7.25,,7.25,NA,0.12,1,XXX,4,0,9,0,0,,32.7442,88",
    "74177,TC,A,0,6.59,,6.59,NA,0.02,1,XXX,4,0,9,0,0,,32.7442,88",
    "74177,26,A,1.82,0.66,,0.66,,0.1,1,XXX,4,0,9,0,0,,32.7442,88",
    "99213,,A,1.3,1.35,,0.57,,0.1,0,XXX,0,0,0,0,0,,32.7442,99",
]


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OONKIT_DATA_DIR", str(tmp_path_factory.mktemp("oonkit-data")))


@pytest.fixture
def pfs_2024(tmp_path: Path) -> None:
    """A simulated CY2024 RVU table imported into the test's user data folder (national prices only)."""
    rvu = tmp_path / "PPRRVU24_sim.csv"
    rvu.write_text("\n".join([RVU_HEADER, *RVU_2024_ROWS]) + "\n", encoding="utf-8")
    import_pfs(2024, rvu, command="test fixture")
