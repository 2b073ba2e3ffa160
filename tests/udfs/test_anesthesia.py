"""Anesthesia: time units (Claims Processing Manual ch. 12 s. 50.G), the locality anesthesia CF (CMS
"Locality-Adjusted Anesthesia Conversion Factors" shares) and the amount."""

from __future__ import annotations

import numpy as np
import pytest

from udfs.anesthesia import anesthesia_amount, anesthesia_cf, anesthesia_shares, time_units
from udfs.errors import InputError


@pytest.mark.parametrize(
    ("minutes", "units"), [(15, 1.0), (99, 6.6), (68, 4.5), (37, 2.5), (1, 0.1), (0, 0.0)]
)
def test_time_units_are_minutes_over_15_to_one_decimal(minutes, units):
    # 99 / 15 = 6.6; 68 / 15 = 4.533 -> 4.5; 37 / 15 = 2.467 -> 2.5; 1 / 15 = 0.067 -> 0.1
    assert time_units(minutes) == units


def test_shares_reproduce_cms_published_2016_locality_cfs():
    # CMS CY2016 locality-adjusted anesthesia CFs (national 21.9935) with 2016 GPCIs as published:
    # Alabama (1.000, 0.886, 0.611) 21.08; Alaska (1.500, 1.107, 0.712) 30.58;
    # Miami (1.000, 1.033, 2.490) 24.14
    s = anesthesia_shares(2016)
    for gpci, published in [
        ((1.0, 0.886, 0.611), 21.08),
        ((1.5, 1.107, 0.712), 30.58),
        ((1.0, 1.033, 2.490), 24.14),
    ]:
        factor = s["work"] * gpci[0] + s["pe"] * gpci[1] + s["mp"] * gpci[2]
        assert round(21.9935 * factor + 1e-9, 2) == published


def test_locality_cf_2025():
    # GPCI2025 AL-00 (1, 0.869, 0.575): 20.3178 x (0.784 + 0.154 x 0.869 + 0.062 x 0.575) = 19.37
    assert anesthesia_cf("AL-00") == 19.37
    assert anesthesia_cf("") == 20.3178  # national CF as published (CY2025 final rule)
    assert anesthesia_cf("", 2026, [False, True]).tolist() == [20.4976, 20.5998]


def test_amount_national_and_locality():
    # 7 base units + 99 minutes (6.6 units) = 13.6 units
    assert anesthesia_amount(7, 99) == pytest.approx(13.6 * 20.3178)
    assert anesthesia_amount(7, 99, "AL-00") == pytest.approx(13.6 * 19.37)
    out = anesthesia_amount([5, 7], [[30], [60]])
    assert out.shape == (2, 2)
    assert out[1, 0] == pytest.approx((5 + 4.0) * 20.3178)


def test_bad_input_is_named():
    with pytest.raises(InputError, match="minutes must be between 0"):
        anesthesia_amount(5, -3)
    with pytest.raises(InputError, match="base_units must be a number"):
        anesthesia_amount("x", 30)
    with pytest.raises(InputError, match="no CY2026 GPCIs"):
        anesthesia_cf("CA-18", 2026)
    assert np.isnan(anesthesia_amount(None, 30))
