"""Hypothesis strategies shared by the tests (one place, as numpy-financial keeps them)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: Dollar amounts a claim line can carry: cents up to ten million.
amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)
fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
factors = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)

#: Broadcastable shapes of up to 3 dimensions and 6 elements per axis.
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=6)


def amount_arrays(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=amounts)


def fraction_arrays(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=fractions)


@st.composite
def mutually_broadcastable(draw: st.DrawFn, count: int) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    """A result shape and ``count`` input shapes that broadcast to it."""
    shapes_ = draw(hnp.mutually_broadcastable_shapes(num_shapes=count, max_dims=3, max_side=5))
    return shapes_.result_shape, list(shapes_.input_shapes)


#: Text a CSV cell may hold, by encoding: separators, quotes, line breaks, spaces and accented letters. In
#: Windows-1252 only letters whose bytes cannot start a UTF-8 sequence with what follows (no byte 0x80-0xBF),
#: since a line that happens to be valid UTF-8 is read as UTF-8 ("ã––" is E3 96 96, one UTF-8 character).
CELL_ALPHABETS = {
    "utf-8": 'ab1 ,;\t"\r\n.-ñãé–São€中\u2028',
    "utf-8-sig": 'ab1 ,;\t"\r\n.-ñé€',
    "cp1252": 'ab1 ,;\t"\r\n.-ñãéüÑ',
    "utf-16": 'ab1 ,;\t"\r\n.-ñé中',
}
header_names = st.text(alphabet="abcdefgh_ ", min_size=1, max_size=8).filter(lambda t: t.strip())


@st.composite
def csv_tables(draw: st.DrawFn, encoding: str) -> tuple[list[str], list[list[str]]]:
    """Headers (2 to 4) and rows (0 to 5, each as long as the headers) of cell text in ``encoding``."""
    headers = draw(st.lists(header_names, min_size=2, max_size=4))
    cells = st.text(alphabet=CELL_ALPHABETS[encoding], max_size=6)
    rows = draw(st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)), max_size=5))
    return headers, rows
