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
