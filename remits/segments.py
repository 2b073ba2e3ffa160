"""The X12 interchange envelope: separators from the ISA segment, and cutting a file into segments.

An X12 file holds one or more interchanges, each opened by an ISA segment and closed by IEA. The ISA segment
has a fixed length of 106 characters, which is how a reader learns the separators before it can split
anything (ASC X12 Standards for Electronic Data Interchange, TR3 005010X221A1, appendix B "Delimiters"):

* the element separator is the character right after ``ISA`` (position 4, index 3);
* the repetition separator is ISA11 (in version 00501);
* the component separator is ISA16, the character at index 104;
* the segment terminator is the character right after ISA16 (index 105).

Each interchange may use different separators. Line breaks (``\\n`` or ``\\r\\n``) after segment terminators
are accepted and dropped; white space between interchanges and at the end of the file is ignored.

Nothing here assumes ``*``, ``:`` or ``~``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from udfs.errors import FileError, Problem

ISA_LENGTH = 106
# Widths of ISA01..ISA16 (TR3 appendix B.1.1.3.1: every ISA element has a fixed length).
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_WHITESPACE = " \t\r\n\f\v"


@dataclass(frozen=True)
class SegmentProblem(Problem):
    """A problem at one segment of an X12 file; ``segment`` counts segments from 1 across the whole file."""

    segment: int | None = None

    def __str__(self) -> str:
        where = self.source if self.segment is None else f"{self.source}: segment {self.segment}"
        return f"{where}: {self.message}"


class RemitError(FileError):
    """An 835 file is malformed; ``problems`` holds one :class:`SegmentProblem` per bad file.

    The message of each problem names the file, the segment number (1-based, counted across the file, the
    ISA segment being 1) and what is wrong.
    """

    @classmethod
    def at(cls, source: str, segment: int | None, message: str) -> RemitError:
        return cls([SegmentProblem(source, None, None, message, segment)])


@dataclass(frozen=True)
class Separators:
    """The four separators of one interchange.

    >>> Separators.from_isa("ISA*00*          *00*          *ZZ*A              *ZZ*B              "
    ...                     "*250101*1200*^*00501*000000001*0*P*:~", "f")
    Separators(element='*', repetition='^', component=':', segment='~')
    """

    element: str
    repetition: str
    component: str
    segment: str

    @classmethod
    def from_isa(cls, isa: str, source: str, number: int = 1) -> Separators:
        """Read the separators from the first 106 characters of an ISA segment; check its fixed layout."""
        if len(isa) < ISA_LENGTH:
            raise RemitError.at(
                source,
                number,
                f"ISA segment is {len(isa)} characters long, an ISA is always {ISA_LENGTH} "
                "(file truncated or not an X12 file)",
            )
        element = isa[3]
        elements = isa[: ISA_LENGTH - 1].split(element)
        if len(elements) != 17:
            raise RemitError.at(
                source,
                number,
                f"ISA segment has {len(elements) - 1} elements with separator {element!r}, it must have 16 "
                f"in its fixed {ISA_LENGTH}-character layout",
            )
        for i, (value, width) in enumerate(zip(elements[1:], ISA_WIDTHS, strict=True), start=1):
            if len(value) != width:
                raise RemitError.at(
                    source,
                    number,
                    f"ISA{i:02d} {value!r} is {len(value)} characters long, it must be {width}",
                )
        version = elements[12]
        repetition = elements[11] if version >= "00402" else ""
        seps = cls(element, repetition, elements[16], isa[ISA_LENGTH - 1])
        used = [s for s in (seps.element, seps.repetition, seps.component, seps.segment) if s]
        if len(set(used)) != len(used):
            raise RemitError.at(source, number, f"ISA separators are not distinct: {seps.describe()}")
        bad = [s for s in used if s.isalnum() or s == " "]
        if bad:
            raise RemitError.at(
                source, number, f"ISA separator {bad[0]!r} is a letter, digit or space: {seps.describe()}"
            )
        if not elements[13].isdigit():
            raise RemitError.at(source, number, f"ISA13 control number {elements[13]!r} is not 9 digits")
        return seps

    def describe(self) -> str:
        return (
            f"element {self.element!r}, repetition {self.repetition!r}, component {self.component!r}, "
            f"segment terminator {self.segment!r}"
        )


@dataclass(frozen=True)
class Interchange:
    """One ISA...IEA envelope of a file: its separators, where it lies in the text and the number of its
    ISA segment in the file."""

    separators: Separators
    start: int
    end: int
    first_segment: int


def decode(data: bytes) -> str:
    """Text of an X12 file: UTF-8 (a leading byte-order mark dropped), else Latin-1, which maps every byte
    to one character so that nothing is lost and decoding never fails.

    >>> decode("ISA*Ü".encode("utf-8")), decode(b"ISA*\\xdc")
    ('ISA*Ü', 'ISA*Ü')
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
    return text[1:] if text.startswith("\ufeff") else text


def interchanges(text: str, source: str) -> Iterator[Interchange]:
    """Find the interchanges of a file in order; a problem with an envelope raises :class:`RemitError`.

    The segments of an interchange are counted from its ISA segment, so the caller can number them across
    the file: ``first_segment`` is the number of the ISA segment.
    """
    pos = _skip_space(text, 0)
    number = 1
    if pos == len(text):
        raise RemitError.at(source, None, "file is empty")
    while pos < len(text):
        if not text.startswith("ISA", pos):
            what = text[pos : pos + 20]
            if number == 1:
                raise RemitError.at(source, 1, f"file does not start with an ISA segment: {what!r}")
            raise RemitError.at(
                source, number, f"text after the last IEA segment is not an ISA segment: {what!r}"
            )
        seps = Separators.from_isa(text[pos : pos + ISA_LENGTH], source, number)
        term, elem = seps.segment, seps.element
        # IEA is the first segment after a terminator whose identifier is IEA (line breaks may come between)
        closing = re.compile(re.escape(term) + r"[\r\n]*IEA" + re.escape(elem)).search(text, pos)
        if closing is None:
            last = number - 1 + text.count(term, pos) + (not text.rstrip(_WHITESPACE).endswith(term))
            raise RemitError.at(
                source,
                last,
                f"unterminated file: no IEA segment closes the interchange opened at segment {number}; "
                f"the file ends at segment {last}",
            )
        end = text.find(term, closing.end())
        if end < 0:
            last = number + text.count(term, pos, closing.end())
            raise RemitError.at(
                source, last, f"unterminated file: the IEA segment has no segment terminator {term!r}"
            )
        end += 1
        yield Interchange(seps, pos, end, number)
        number += text.count(term, pos, end)
        pos = _skip_space(text, end)


def _skip_space(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def segment_chunks(text: str, interchange: Interchange, size: int = 1 << 22) -> Iterator[list[str]]:
    """Segments of one interchange (separators not yet split), in lists of about ``size`` characters, so that
    a large file never exists as one list of millions of strings.

    Line breaks after a terminator are dropped; the terminator itself is not part of a segment.
    """
    seps = interchange.separators
    term = seps.segment
    crlf_is_data = "\r" in (seps.element, seps.component, seps.repetition)
    pos, end = interchange.start, interchange.end
    while pos < end:
        cut = min(end, pos + size)
        if cut < end:
            found = text.rfind(term, pos, cut)
            cut = text.find(term, cut) + 1 if found < 0 else found + 1
        chunk = text[pos:cut]
        if term not in "\r\n":
            if "\n" in chunk:
                chunk = chunk.replace(term + "\r\n", term).replace(term + "\n", term)
        elif term == "\r":
            if "\n" in chunk:
                chunk = chunk.replace("\r\n", "\r")
        elif "\r" in chunk and not crlf_is_data:
            chunk = chunk.replace("\r\n", "\n")
        segments = chunk.split(term)
        segments.pop()  # the chunk ends with a terminator: the last piece is empty
        if segments and segments[0][:1] in ("\r", "\n"):
            segments[0] = segments[0].lstrip("\r\n")
        yield segments
        pos = cut
