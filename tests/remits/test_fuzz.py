"""Fuzzing: mutated remits (byte flips, truncation, deleted, duplicated and swapped segments, separator swaps,
inserted bytes) either read or raise RemitError, never anything else, and never hang."""

from __future__ import annotations

import contextlib
import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remits.balance import imbalances
from remits.reader import read_835
from remits.segments import RemitError
from remits.synthetic import synthetic_835

from .conftest import CORRECTED, DATA

SEEDS = [p.read_bytes() for p in sorted(CORRECTED.glob("*.835"))] + [
    (DATA / "medicare-part-a.835").read_bytes(),
    synthetic_835(
        claims=6, seed=11, reversal_rate=0.3, claims_per_transaction=3, transactions_per_interchange=2
    ),
]
TIME_LIMIT = 2.0  # seconds for one read of a file of a few kilobytes
# examples per property; OONKIT_FUZZ_EXAMPLES=20000 for a long run
EXAMPLES = int(os.environ.get("OONKIT_FUZZ_EXAMPLES", "400"))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    # most mutations spare the ISA segment, so that they reach the loops behind it
    first = 0 if draw(st.integers(0, 3)) == 0 else 107
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(["flip", "truncate", "delete", "duplicate", "swap", "separator", "insert"])
        )
        if len(data) <= first:
            break
        at = draw(st.integers(first, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "separator":
            old = draw(st.sampled_from(b"*:~^\n"))
            new = draw(st.sampled_from(b"*:~^|\n\r!0A "))
            data = bytearray(bytes(data).replace(bytes([old]), bytes([new])))
        else:
            segments = bytes(data).split(b"~")
            low = 1 if first else 0
            if len(segments) <= low:
                continue
            i = draw(st.integers(low, len(segments) - 1))
            j = draw(st.integers(low, len(segments) - 1))
            if kind == "delete":
                del segments[i]
            elif kind == "duplicate":
                segments.insert(i, segments[i])
            else:
                segments[i], segments[j] = segments[j], segments[i]
            data = bytearray(b"~".join(segments))
    return bytes(data)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated())
def test_mutated_remits_read_or_raise_remit_error(data: bytes) -> None:
    start = time.perf_counter()
    try:
        remit = read_835(data, "fuzz.835")
    except RemitError as exc:
        assert exc.problems and all(p.source == "fuzz.835" for p in exc.problems)
        assert str(exc).startswith("fuzz.835")
    else:
        imbalances(remit)
    assert time.perf_counter() - start < TIME_LIMIT


@settings(max_examples=max(50, EXAMPLES // 3), deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_remit_error(data: bytes) -> None:
    with contextlib.suppress(RemitError):
        read_835(b"ISA" + data, "fuzz.835")


@settings(max_examples=max(50, EXAMPLES // 3), deadline=None)
@given(st.text(max_size=200), st.sampled_from(SEEDS))
def test_text_input_raises_only_remit_error(text: str, seed: bytes) -> None:
    # text (any code points, lone surrogates too) spliced into a valid remit
    with contextlib.suppress(RemitError):
        read_835(seed.decode("latin-1")[:150] + text + seed.decode("latin-1")[150:], "fuzz.835")


@settings(max_examples=max(50, EXAMPLES // 3), deadline=None)
@given(st.lists(st.sampled_from(list("*:~^|>\n\r0A ")), min_size=1, max_size=6), st.integers(3, 105))
def test_separator_characters_inside_the_isa(chars: list[str], at: int) -> None:
    seed = SEEDS[0]
    data = seed[:at] + "".join(chars).encode() + seed[at + len(chars) :]
    with contextlib.suppress(RemitError):
        read_835(data, "fuzz.835")
