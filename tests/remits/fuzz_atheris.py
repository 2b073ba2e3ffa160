"""Coverage-guided fuzzing of the 835 reader with atheris (libFuzzer), for long runs outside the test suite:

    pip install atheris
    mkdir -p /tmp/corpus && cp tests/remits/data/*.835 /tmp/corpus/
    python tests/remits/fuzz_atheris.py /tmp/corpus -max_total_time=600

Any exception other than RemitError, or an imbalance check that fails on a file that was read, stops the
run with the input that caused it. bench/RESULTS-remits.md records the runs made. Importing this module
(as pytest's doctest collection does) needs no atheris.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    import atheris
    import numpy  # noqa: F401 - imported before instrumenting, so that only remits is instrumented
    import pandas  # noqa: F401

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    with atheris.instrument_imports(include=["remits"]):
        from remits.balance import imbalances
        from remits.reader import read_835
        from remits.segments import RemitError

    def one_input(data: bytes) -> None:
        try:
            remit = read_835(data, "fuzz.835")
        except RemitError:
            return
        imbalances(remit)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
