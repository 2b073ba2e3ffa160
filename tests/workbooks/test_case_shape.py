"""The shape of a case file: wherever a mapping, a list or a single value is expected and something else is given, at
any level of the schema, the problem is listed as ``file:line: path: expected ..., got ...`` (YAML and the XLSX form
alike); random structures and values never raise anything but :class:`~udfs.errors.FileError`."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from udfs.errors import FileError
from udfs.reference import template_path
from workbooks.case_file import SCHEMA, read_case
from workbooks.case_source import FORM_FIELDS, load_yaml_case
from workbooks.case_workbook import build_case_workbook

from .test_case_file import errors

#: The worked example as data: every wrong shape below is planted in an otherwise valid case.
EXAMPLE: dict[str, Any] = yaml.safe_load(template_path("cases/example.yaml").read_text(encoding="utf-8"))
EXAMPLE["methods"] = {"percent_of_billed": 0.35}


def test_the_reviewed_examples(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        "date_of_service: 2025-10-06\n"  # 1
        "payer: Summit\n"  # 2
        'lines: ["27447", {hcpcs: "27446", billed: [12500]}]\n'  # 3
        "stages: {stage: idr}\n"  # 4
        "patient: [1000, 0.2]\n"  # 5
        "escalation: {target: 3.7}\n"  # 6
        "methods: percent_of_billed\n"  # 7
    )
    assert errors(path) == [
        "case.yaml:2: payer: expected a mapping with profile, name, method, factor, lesser_of, got the text "
        "'Summit'",
        "case.yaml:3: lines[1]: expected a mapping with hcpcs, modifier, units, billed, qpa, benchmark, sca_rate, "
        "medicare, got the text '27447'",
        "case.yaml:3: lines[2].billed: expected an amount, got a list of 1 item",
        "case.yaml:4: stages: expected a list, each item a mapping with stage, include, probability, share, cost, "
        "days, got a mapping with stage",
        "case.yaml:5: patient: expected a mapping with deductible_remaining, coinsurance, copay, oop_remaining, "
        "got a list of 2 items",
        "case.yaml:6: escalation.target: expected a mapping with method, factor, got the number 3.7",
        "case.yaml:7: methods: expected a mapping of each method to its factor (percent_of_medicare, "
        "charge_percentile, percent_of_billed, flat_rate), got the text 'percent_of_billed'",
    ]


def _shapes(spec: Any, path: str) -> list[tuple[str, str]]:
    """Every (path, shape) of the schema: mapping, list or scalar; list items are counted from 1."""
    if spec == "methods":
        return [(path, "mapping")] + [(f, "scalar") for f, _ in FORM_FIELDS if f.startswith("methods.")]
    if isinstance(spec, dict):
        out = [(path, "mapping")] if path else []
        for key, sub in spec.items():
            out += _shapes(sub, f"{path}.{key}" if path else key)
        return out
    if isinstance(spec, list):
        return [(path, "list"), *_shapes(spec[0], f"{path}[1]")]
    return [(path, "scalar")]


#: Values of the wrong shape for each shape, and how a message describes them.
WRONG = {
    "mapping": [("Summit", "the text 'Summit'"), (5, "the number 5"), ([1, 2], "a list of 2 items")],
    "list": [({"a": 1}, "a mapping with a"), ("27447", "the text '27447'"), (True, "true")],
    "scalar": [
        ({"a": 1, "b": 2}, "a mapping with a, b"),
        ([], "an empty list"),
        ([{"x": 1}], "a list of 1 item"),
    ],
}
CASES = [
    (path, shape, value, described)
    for path, shape in _shapes(SCHEMA, "")
    for value, described in WRONG[shape]
]


def _plant(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` (``lines[1].billed``) of ``data`` to ``value``, creating what is missing on the way."""
    parts = path.replace("[1]", ".[1]").split(".")
    target: Any = data
    for part, after in zip(parts, [*parts[1:], None], strict=True):
        key: Any = 0 if part == "[1]" else part
        if after is None:
            target[key] = value
            return
        if part != "[1]" and (key not in target or not isinstance(target[key], dict | list)):
            target[key] = [{}] if after == "[1]" else {}
        if part == "[1]" and not target:
            target.append({})
        target = target[key]


@pytest.mark.parametrize(
    ("path", "shape", "value", "described"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{type(c[2]).__name__}" for c in CASES],
)
def test_every_wrong_shape_is_one_problem_on_its_line(tmp_path, path, shape, value, described):
    data = copy.deepcopy(EXAMPLE)
    _plant(data, path, value)
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
    _, lines = load_yaml_case(text, "case.yaml")
    file = tmp_path / "case.yaml"
    file.write_text(text)
    found = errors(file)
    assert len(found) == 1, found
    assert found[0].startswith(f"case.yaml:{lines[path]}: {path}: expected "), found
    assert found[0].endswith(f", got {described}"), found


def test_the_xlsx_form_reports_shapes_on_its_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["date_of_service", dt.date(2025, 10, 6)],  # 1
        ["payer", "Summit"],  # 2
        ["escalation.target", 3.7],  # 3
        ["lines.hcpcs", "27447"],  # 4
    ):
        ws.append(row)
    path = tmp_path / "form.xlsx"
    wb.save(path)
    assert errors(path) == [
        "form.xlsx:2: payer: expected a mapping with profile, name, method, factor, lesser_of, got the text "
        "'Summit'",
        "form.xlsx:3: escalation.target: expected a mapping with method, factor, got the number 3.7",
        "form.xlsx:4: lines: expected a list, each item a mapping with hcpcs, modifier, units, billed, qpa, "
        "benchmark, sca_rate, medicare, got a mapping with hcpcs",
    ]
    # A field under a value: the form's reader says so (and stops there).
    ws.append(["payer.method", "Percent of Medicare"])  # 5
    wb.save(path)
    assert errors(path) == ["form.xlsx:5: payer.method: payer is a value, not a group of fields"]


def test_yaml_that_refers_to_itself_or_multiplies(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("date_of_service: 2025-10-06\npayer: {method: Percent of Medicare}\nlines: &a [*a]\n")
    assert errors(path) == [
        "case.yaml:3: lines[1]: expected a mapping with hcpcs, modifier, units, billed, qpa, benchmark, sca_rate, "
        "medicare, got a list of 1 item"
    ]
    # A 'billion laughs' file: ten aliases of ten aliases... of a line, 10**8 lines once expanded.
    levels = ['a0: &a0 {hcpcs: "27447", billed: 100}']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path.write_text(
        "x:\n"  # 1
        + "".join(f"  {x}\n" for x in levels)  # 2-10
        + "date_of_service: 2025-10-06\n"  # 11
        + "payer: {method: Percent of Medicare}\n"  # 12
        + "lines: *a8\n"  # 13
    )
    found = errors(path)
    assert found[0] == "case.yaml:1: x: unknown field (fields here: " + ", ".join(SCHEMA) + ")"
    assert found[1:] == [
        f"case.yaml:13: lines[{i}]: expected a mapping with hcpcs, modifier, units, billed, qpa, benchmark, "
        "sca_rate, medicare, got a list of 10 items"
        for i in range(1, 11)
    ]


def test_yaml_nested_too_deeply(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("date_of_service: 2025-10-06\nlines: " + "[" * 5000 + "]" * 5000 + "\n")
    assert errors(path) == ["case.yaml: nested too deeply to read as a case file"]


def test_an_integer_python_cannot_convert_is_listed(tmp_path):
    # Python converts integers of at most 4300 digits (sys.get_int_max_str_digits): PyYAML raises ValueError.
    path = tmp_path / "case.yaml"
    path.write_text(
        "date_of_service: 2025-10-06\npayer: {method: Percent of Medicare}\n"
        f"paid: {'1' * 5000}\nlines: [{{hcpcs: '27447', billed: 100}}]\n"
    )
    assert errors(path) == [
        "case.yaml:3: paid: '1111111111111111111111111111111111111111...' is not a finite number"
    ]


@pytest.mark.parametrize("token", [".nan", ".inf", "-.inf", "1.0e+400"])
def test_numbers_that_are_not_finite_are_listed(tmp_path, token):
    path = tmp_path / "case.yaml"
    path.write_text(
        f"date_of_service: 2025-10-06\npayer: {{method: Percent of Medicare}}\npaid: {token}\n"
        "lines: [{hcpcs: '27447', billed: 100}]\n"
    )
    shown = {".nan": "nan", ".inf": "inf", "-.inf": "-inf", "1.0e+400": "inf"}[token]
    assert errors(path) == [f"case.yaml:3: paid: {shown} is not a finite number"]


# --- Random structures: only FileError may escape ------------------------------------------------------------

#: Scalars as YAML text, including those PyYAML resolves to odd types or cannot construct.
TOKENS = [
    "2025-02-30",
    "2026-13-01",
    "2025-10-06",
    "2025-10-06 10:30:00",
    "2025-10-06T25:00:00Z",
    "0000-01-01",
    "9999-12-31",
    ".nan",
    ".inf",
    "-.inf",
    "1e400",
    "1.0e+400",
    "0x1F",
    "0o17",
    "1_000",
    "99999999999999999999999",
    "9" * 400,
    "9" * 5000,
    "-1",
    "0",
    "1.5",
    "~",
    "yes",
    "off",
    "''",
    "'=1+1'",
    "'27447'",
    "'Percent of Medicare'",
    "reconsideration",
    "idr",
    "'$1,200'",
    "'20%'",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1, a: 2]",
    "!!str 12",
    "!!float 3",
    "!!timestamp 2025-10-06",
    "&x [*x]",
]
KEYS = [*sorted({k for path, _ in _shapes(SCHEMA, "") for k in path.replace("[1]", "").split(".")}), "x", "1"]


def _flow(node: Any) -> str:
    if isinstance(node, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_flow(v) for v in node) + "]"
    return str(node)


nodes = st.recursive(
    st.sampled_from(TOKENS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=st.dictionaries(st.sampled_from([*SCHEMA, "x"]), nodes, max_size=8))
@example(top={"paid": "9" * 400})  # an integer beyond the largest double (found by hypothesis)
def test_random_yaml_structures_raise_only_file_errors(tmp_path, top):
    path = tmp_path / "case.yaml"
    path.write_text("".join(f"{k}: {_flow(v)}\n" for k, v in top.items()), encoding="utf-8")
    try:
        read_case(path)
    except FileError as exc:
        assert exc.problems and all(p.source == "case.yaml" for p in exc.problems)


#: Scalar values a cell of the XLSX form can hold.
cell_values = st.one_of(
    st.sampled_from(
        ["2025-02-30", "27447", "=1+1", "#VALUE!", "yes", "20%", "$1,200", "Percent of billed", "idr"]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)),
    st.times(),
    st.none(),
)
form_keys = st.sampled_from(
    [f for f, _ in FORM_FIELDS] + ["payer", "lines.hcpcs", "idr", "x.y", "lines", "stages"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cell_values, min_size=1, max_size=4), max_size=12),
    heads=st.lists(st.tuples(form_keys, cell_values), max_size=10),
)
def test_random_xlsx_forms_raise_only_file_errors(tmp_path, rows, heads):
    wb = openpyxl.Workbook()
    ws = wb.active
    for key, value in heads:
        ws.append([key, value])
    ws.append(["lines"])
    ws.append(["hcpcs", "billed", "units", "qpa"])
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text typed as such, as a user's '=1+1' would be with the quote prefix
    path = tmp_path / "form.xlsx"
    wb.save(path)
    try:
        read_case(path)
    except FileError as exc:
        assert exc.problems


#: Values of the right shape at the edges: a case that reads must also build.
edge_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([0, 1, 0.5, 1e-300, 1e300, 999, 3650, 2100, "20%", "$0", "Y", "N", ""]),
    st.dates(dt.date(1990, 1, 1), dt.date(2210, 12, 31)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from([p for p, s in _shapes(SCHEMA, "") if s == "scalar"]), edge_values)
    )
)
def test_edge_values_read_and_build_or_are_listed(tmp_path, changes):
    data = copy.deepcopy(EXAMPLE)
    for path, value in changes:
        _plant(data, path, value)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    try:
        case = read_case(path)
    except FileError as exc:
        assert exc.problems
        return
    build_case_workbook(case, tmp_path / "case.xlsx")
