"""The real xlwings registration of the OON_* functions, tested off Windows.

On Linux xlwings' ``func``/``arg`` decorators do nothing, so a test of the plain functions says nothing of what
Excel will see. xlwings' classic implementation (``xlwings/udfs.py``, BSD) imports once ``pythoncom``,
``pywintypes`` and ``win32com`` are stubbed; loading ``addin/functions.py`` under its decorators gives each
function the ``__xlfunc__`` record that "Import Functions" reads, and ``generate_vba_wrapper`` writes the VBA
module Excel gets.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from openpyxl.utils import FORMULAE

import addin
from tests.golden import assert_matches_golden

HERE = Path(__file__).parent
FUNCTIONS_PY = Path(addin.__file__).parent / "functions.py"
# Excel functions newer than openpyxl's list (Excel 365), which a name must not collide with either.
NEWER_BUILTINS = {
    "XLOOKUP",
    "XMATCH",
    "LET",
    "LAMBDA",
    "FILTER",
    "SORT",
    "SORTBY",
    "UNIQUE",
    "SEQUENCE",
    "RANDARRAY",
    "TEXTSPLIT",
    "TEXTBEFORE",
    "TEXTAFTER",
    "VSTACK",
    "HSTACK",
    "TOCOL",
    "TOROW",
    "WRAPROWS",
    "WRAPCOLS",
    "TAKE",
    "DROP",
    "CHOOSEROWS",
    "CHOOSECOLS",
    "EXPAND",
    "GROUPBY",
    "PIVOTBY",
    "PERCENTOF",
    "TRIMRANGE",
    "REGEXTEST",
    "REGEXEXTRACT",
    "REGEXREPLACE",
    "IMAGE",
}
BUILTINS = {f.upper() for f in FORMULAE} | NEWER_BUILTINS
# VBA keywords and statement names (Microsoft, "Visual Basic for Applications language reference: keywords",
# taken wide): "Import Functions" writes each argument name into a VBA Function signature, where a keyword (an
# argument named "end" or "date") stops the whole module from compiling.
_VBA_WORDS = """AND AS BOOLEAN BYREF BYTE BYVAL CALL CASE CLASS CLOSE CONST CURRENCY DATE DEBUG DECLARE DEFBOOL DIM DO
    DOUBLE EACH ELSE ELSEIF EMPTY END ENDIF ENUM EQV ERASE ERROR EVENT EXIT FALSE FOR FRIEND FUNCTION GET GLOBAL
    GOSUB GOTO IF IMP IMPLEMENTS IN INPUT INTEGER IS LEN LET LIKE LINE LOCK LONG LONGLONG LONGPTR LOOP LSET ME
    MOD NAME NEW NEXT NOT NOTHING NULL ON OPEN OPTION OPTIONAL OR PARAMARRAY PRESERVE PRINT PRIVATE PROPERTY
    PUBLIC PUT RAISEEVENT REDIM REM RESUME RETURN RSET SEEK SELECT SET SHARED SINGLE STATIC STEP STOP STRING SUB
    THEN TO TRUE TYPE TYPEOF UNLOCK UNTIL VARIANT WEND WHILE WITH WITHEVENTS WRITE XOR"""
VBA_KEYWORDS = set(_VBA_WORDS.split())


ADDIN_MODULES = ("addin.functions", "addin.register", "addin.fn_medicare", "addin.fn_deadlines")


@pytest.fixture(scope="module")
def registered():
    """addin.functions (and the modules it re-exports from) imported afresh under xlwings' real Windows
    decorators (pywin32 stubbed); the plain modules are put back afterwards."""
    stubs = {
        "pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
        "pywintypes": types.SimpleNamespace(com_error=type("com_error", (Exception,), {})),
        "win32com": types.ModuleType("win32com"),
        "win32com.client": types.SimpleNamespace(Dispatch=lambda *a, **k: None),
    }
    saved_modules = {name: sys.modules.get(name) for name in (*stubs, *ADDIN_MODULES)}
    saved_attrs = {name: getattr(addin, name.split(".")[1], None) for name in ADDIN_MODULES}
    for name in ADDIN_MODULES:
        sys.modules.pop(name, None)
    sys.modules.update(stubs)  # type: ignore[arg-type]
    import xlwings as xw

    udfs = importlib.import_module("xlwings.udfs")
    saved = {name: getattr(xw, name) for name in ("func", "arg", "ret")}
    xw.func, xw.arg, xw.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    try:
        module = importlib.import_module("addin.functions")
        assert Path(module.__file__) == FUNCTIONS_PY
        yield module, udfs
    finally:
        for name, fn in saved.items():
            setattr(xw, name, fn)
        for name, mod in saved_modules.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
        for name, attr in saved_attrs.items():
            if attr is not None:
                setattr(addin, name.split(".")[1], attr)
        sys.modules.pop("xlwings.udfs", None)


def public_functions(module):
    return {name: getattr(module, name) for name in dir(module) if name.startswith("OON_")}


def test_every_public_function_is_registered_with_docs_and_converters(registered):
    module, _ = registered
    functions = public_functions(module)
    assert len(functions) >= 10
    for name, f in functions.items():
        info = f.__xlfunc__
        assert info["name"] == name
        assert re.fullmatch(r"OON_[A-Z0-9_]+", name), name
        assert name not in BUILTINS
        assert info["category"] == "oonkit"
        assert info["sub"] is False and info["volatile"] is False
        doc = info["ret"]["doc"]
        assert 20 < len(doc) <= 255, f"{name}: the wizard shows the first 255 characters of the docstring"
        for arg in info["args"]:
            assert arg["name"].upper() not in VBA_KEYWORDS, f"{name}.{arg['name']} is a VBA keyword"
            assert not arg["doc"].startswith("Positional argument"), f"{name}.{arg['name']} has no doc"
            assert len(arg["doc"]) <= 255
            assert arg["options"] == {"convert": np.array, "ndim": 2, "dtype": object, "err_to_str": True}, (
                f"{name}.{arg['name']}"
            )


def test_optional_arguments_default_to_none(registered):
    # A missing optional argument reaches the function as its Python default, unconverted: it must be None,
    # which addin.convert reads as an empty cell.
    module, _ = registered
    for name, f in public_functions(module).items():
        for arg in f.__xlfunc__["args"]:
            if "optional" in arg:
                assert arg["optional"] is None, f"{name}.{arg['name']}"


def test_no_function_collides_with_another_module_name(registered):
    module, _ = registered
    names = [n.upper() for n in public_functions(module)]
    assert len(names) == len(set(names))


def test_vba_wrapper_generated_for_import_functions(registered):
    module, udfs = registered
    out = io.StringIO()
    workbook = types.SimpleNamespace(Name="claims.xlsm")
    udfs.generate_vba_wrapper("addin.functions", module, out, workbook)
    vba = out.getvalue()
    # One VBA Function per OON_* function, calling into the module with the workbook and the caller.
    assert vba.count("\nEnd Function") + vba.startswith("End Function") == len(public_functions(module))
    assert (
        'OON_GAP = XLPy.CallUDF("addin.functions", "OON_GAP", Array(target, plan_paid, patient_paid), ThisWorkbook, Application.Caller)'
        in vba
    )
    assert "Function OON_GAP(target, plan_paid, Optional patient_paid)" in vba
    assert_matches_golden(vba, HERE / "golden" / "xlwings_udfs.bas")


def test_udf_module_sees_the_functions_of_every_addin_module(registered):
    # xlwings registers what dir() finds in the one module named in "UDF Modules": a function defined in
    # addin/fn_*.py must be re-exported there, registered (it carries __xlfunc__) and not a copy
    from addin import install

    module, _ = registered
    assert install.UDF_MODULE == "addin.functions" == module.__name__
    defined = {}
    for path in sorted(FUNCTIONS_PY.parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("OON_"):
                defined[node.name] = path.stem
    assert set(defined) == set(public_functions(module))
    for name, stem in defined.items():
        f = getattr(module, name)
        assert f.__module__ == f"addin.{stem}" and hasattr(f, "__xlfunc__"), name
