"""Locality look-ups against the CMS files they come from.

GPCI2025 = CY2025 Addendum E rows (MAC, state, locality number, name); 25LOCCO = CMS 2025 county crosswalk.
"""

from __future__ import annotations

import numpy as np
import pytest

from udfs.errors import InputError
from udfs.localities import county_key, county_named, locality_name, resolve_locality
from udfs.pfs_data import load_pfs


def test_2025_has_109_localities_with_unique_ids():
    # Addendum E lists 109 localities; "ST-NN" and MAC + NN are each unique
    gpci = load_pfs(2025).gpci
    assert len(gpci) == 109
    assert gpci.index.is_unique
    assert (gpci.mac + gpci.locality).is_unique


CASES = [
    # (id, kwargs, expected) with the file row that decides it
    ("state + number (GPCI2025: 01182,CA,18)", {"state": "CA", "locality": 18}, "CA-18"),
    ("state name + '05' (GPCI2025: 01112,CA,05)", {"state": "California", "locality": "05"}, "CA-05"),
    ("MAC + number (GPCI2025: 01112,CA,05)", {"mac": "01112", "locality": 5}, "CA-05"),
    ("MAC without zeros (GPCI2025: 01182,CA,18)", {"mac": 1182, "locality": 18}, "CA-18"),
    ("canonical id", {"locality": "TX-18"}, "TX-18"),
    ("statewide state alone (GPCI2025: 10112,AL,00)", {"state": "AL"}, "AL-00"),
    (
        "county, any case (25LOCCO: 1182,18,CALIFORNIA,...,LOS ANGELES)",
        {"state": "ca", "county": "LOS ANGELES COUNTY"},
        "CA-18",
    ),
    ("county 'Orange' (25LOCCO typo ORAGNGE)", {"state": "CA", "county": "Orange"}, "CA-18"),
    (
        "rest-of-state county (25LOCCO: 1112,75,REST OF STATE*,ALL OTHER COUNTIES)",
        {"state": "CA", "county": "Alpine"},
        "CA-75",
    ),
    ("rest of Texas (25LOCCO: 4412,99,REST OF STATE)", {"state": "TX", "county": "Lubbock"}, "TX-99"),
    ("Houston = Harris (25LOCCO: 4412,18,HOUSTON,HARRIS)", {"state": "TX", "county": "Harris"}, "TX-18"),
    (
        "Maryland county in DC locality (25LOCCO: 12202,1,...MONTGOMERY AND PRINCE GEORGE'S IN MARYLAND)",
        {"state": "MD", "county": "Prince George's"},
        "DC-01",
    ),
    (
        "Virginia county in DC locality (25LOCCO: ... FAIRFAX ... IN VIRGINIA)",
        {"state": "VA", "county": "Fairfax"},
        "DC-01",
    ),
    (
        "rest of Virginia (25LOCCO: 11302,0,VIRGINIA,STATEWIDE,ALL COUNTIES, EXCEPT ...)",
        {"state": "VA", "county": "Henrico"},
        "VA-00",
    ),
    (
        "St. Louis (25LOCCO: 5302,1,... ST. LOUIS AND ST. LOUIS CITY)",
        {"state": "MO", "county": "Saint Louis"},
        "MO-01",
    ),
    ("Guam priced in HAWAII, GUAM (GPCI2025: 01212,HI,01)", {"state": "GU", "locality": 1}, "HI-01"),
]


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_resolve(kwargs, expected):
    assert resolve_locality(**kwargs) == expected


def test_nothing_given_is_national():
    assert resolve_locality() == ""
    assert locality_name("") == "national (GPCIs of 1)"


ERRORS = [
    ({"state": "ZZ", "locality": 1}, "state 'ZZ'"),
    ({"state": "TX", "locality": 77}, "locality '77' does not exist for state 'TX'"),
    ({"locality": 18}, "needs a state or a MAC"),
    ({"state": "CA"}, "state 'CA' has 29 localities"),  # GPCI2025 lists 29 California localities
    ({"county": "Harris"}, "county 'Harris' needs a state"),
    ({"mac": "99999"}, "mac '99999' serves no 2025 locality"),
    ({"state": "CA", "locality": 18, "county": "Kern"}, "county 'Kern' is in locality CA-54, not CA-18"),
    ({"state": "CA", "locality": 18, "year": 2026}, "no CY2026 GPCIs"),
]


@pytest.mark.parametrize(("kwargs", "message"), ERRORS, ids=[e[1] for e in ERRORS])
def test_unknown_combinations_name_argument_and_value(kwargs, message):
    with pytest.raises(InputError, match=message):
        resolve_locality(**kwargs)


def test_arrays_broadcast_and_coerce_gives_reasons():
    ids = resolve_locality(["TX", "AL", "CA"], [18, None, 75])
    assert ids.tolist() == ["TX-18", "AL-00", "CA-75"]
    ids, why = resolve_locality(np.array([["CA"], ["TX"]]), [[18, 77]], errors="coerce")
    assert ids.shape == (2, 2)
    assert ids.tolist() == [["CA-18", ""], ["TX-18", ""]]  # no CA-77; TX-18 HOUSTON exists
    assert why[1, 1] == "locality '77' does not exist for state 'TX' in 2025"
    assert why[0, 1] == "locality '77' does not exist for state 'CA' in 2025"
    assert why[0, 0] == ""


def test_county_key_normalises():
    assert county_key("  los   angeles county ") == "LOS ANGELES"
    assert county_key("St. Charles") == county_key("Saint Charles") == "ST CHARLES"


@pytest.mark.parametrize("county", ["Prince Georges", "prince george's", "Prince George\u2019s County"])
def test_county_spelled_without_or_with_its_apostrophe(county):
    """25LOCCO names "PRINCE GEORGE'S" (MD) in the DC + MD/VA suburbs locality (12202, 01): the apostrophe and
    its absence are the same county."""
    assert resolve_locality("MD", county=county) == "DC-01"
    assert county_named("MD", county)
