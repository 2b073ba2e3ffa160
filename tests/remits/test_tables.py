"""Table schemas: column names and dtypes stay as documented (README, "Remittances"), also for an empty read."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from remits.reader import read_835, read_remits
from remits.segments import RemitError
from remits.synthetic import synthetic_835

from .conftest import CORRECTED

STR, INT, FLOAT, DATE, OPT = "str", "int64", "float64", "datetime64[s]", "Int64"
SCHEMA = {
    "payments": dict(
        payment_id=INT, file=STR, segment=INT, isa_control=STR, gs_control=STR, st_control=STR, sender_id=STR,
        receiver_id=STR, version=STR, handling=STR, amount=FLOAT, credit_debit=STR, method=STR,
        payment_format=STR, payment_date=DATE, trace_number=STR, originator_id=STR, production_date=DATE,
        payer=STR, payer_id_qualifier=STR, payer_id=STR, payer_reference=STR, payee=STR,
        payee_id_qualifier=STR, payee_id=STR, payee_npi=STR, payee_tin=STR,
    ),
    "claims": dict(
        claim_id=INT, payment_id=INT, file=STR, segment=INT, header_number=STR, patient_control_number=STR,
        status=STR, billed=FLOAT, paid=FLOAT, patient_responsibility=FLOAT, filing_indicator=STR,
        payer_claim_id=STR, facility_type=STR, frequency=STR, drg=STR, received_date=DATE,
        statement_from=DATE, statement_to=DATE, patient_last_name=STR, patient_first_name=STR, patient_id=STR,
        rendering_provider=STR, rendering_provider_id=STR, remark_codes=STR, interest=FLOAT,
        coverage_amount=FLOAT, payer=STR, payer_id=STR, payee=STR, payee_npi=STR, trace_number=STR,
        reversal_of=OPT, reversed_by=OPT, corrected_by=OPT, correction_of=OPT,
    ),
    "lines": dict(
        line_id=INT, claim_id=INT, payment_id=INT, file=STR, segment=INT, line_number=INT, qualifier=STR,
        procedure_code=STR, modifier_1=STR, modifier_2=STR, modifier_3=STR, modifier_4=STR, charge=FLOAT,
        paid=FLOAT, revenue_code=STR, units=FLOAT, original_qualifier=STR, original_procedure_code=STR,
        original_modifiers=STR, original_units=FLOAT, service_from=DATE, service_to=DATE, allowed=FLOAT,
        line_control_number=STR, remark_codes=STR,
    ),
    "adjustments": dict(
        payment_id=INT, claim_id=INT, line_id=OPT, level=STR, group=STR, reason=STR, amount=FLOAT,
        quantity=FLOAT, file=STR, segment=INT,
    ),
    "remarks": dict(
        payment_id=INT, claim_id=INT, line_id=OPT, level=STR, source=STR, code_list=STR, code=STR, file=STR,
        segment=INT,
    ),
    "plb": dict(
        payment_id=INT, provider_id=STR, fiscal_period_date=DATE, reason=STR, reference=STR, amount=FLOAT,
        file=STR, segment=INT,
    ),
    "amounts": dict(
        payment_id=INT, claim_id=INT, line_id=OPT, level=STR, segment_id=STR, qualifier=STR, value=FLOAT,
        file=STR, segment=INT,
    ),
}  # fmt: skip


@pytest.mark.parametrize("claims", [0, 40], ids=["no-file", "generated"])
def test_schema(claims: int) -> None:
    remit = (
        read_835(synthetic_835(claims=claims, seed=3, claims_per_transaction=5), "s.835")
        if claims
        else read_remits([])
    )
    for name, table in remit.tables().items():
        assert {c: str(t) for c, t in table.dtypes.items()} == SCHEMA[name], name
        if claims:
            assert len(table), name


def test_codes_keep_leading_zeros_and_units_default() -> None:
    remit = read_835(synthetic_835(claims=40, seed=3))
    assert remit.lines["line_control_number"].str.match(r"^\d{8}$").all()
    assert remit.lines["line_control_number"].str.startswith("0").any()
    assert np.isin(remit.lines["units"], [1.0, 2.0, 3.0]).all()
    assert remit.claims["patient_control_number"].str.startswith("PCN0").all()


def test_nsa_remarks_reach_the_remarks_table() -> None:
    remit = read_835(synthetic_835(claims=300, seed=8))
    codes = set(remit.remarks["code"])
    assert {"N830", "N859", "N877"} <= codes
    line_nsa = remit.remarks[(remit.remarks["code"] == "N830")]
    assert (line_nsa["level"] == "line").all() and line_nsa["line_id"].notna().all()
    assert pd.Series(remit.claims["remark_codes"].dropna()).str.contains("N859").any()


@pytest.mark.parametrize(
    "module", ["segments", "parser", "amounts", "reader", "balance", "codes", "synthetic"]
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"remits.{module}"))
    assert result.failed == 0


def test_transaction_without_claims() -> None:
    # an advice with nothing paid (BPR*H, method NON) and no LX/CLP loop: one payment, no claims
    text = (
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       "
        "*250601*0930*^*00501*000000001*0*P*:~"
        "GS*HP*PAYER*PROVIDER*20250601*0930*1*X*005010X221A1~ST*835*0001~"
        "BPR*H*0*C*NON************20250601~TRN*1*0*1999999999~N1*PR*PAYER~N1*PE*PROVIDER*XX*1234567893~"
        "SE*6*0001~GE*1*1~IEA*1*000000001~"
    )
    remit = read_835(text)
    assert len(remit.payments) == 1 and remit.payments["amount"].iat[0] == 0.0
    assert remit.claims.empty and remit.lines.empty
    assert {c: str(t) for c, t in remit.claims.dtypes.items()} == SCHEMA["claims"]


def test_x12_amounts_only() -> None:
    text = (CORRECTED / "managed-care.835").read_text().replace("CAS*PR*1*300.00", "CAS*PR*1*٣٠٠")
    with pytest.raises(RemitError, match=r"segment 19: CAS amount '٣٠٠' is not an amount"):
        read_835(text)
