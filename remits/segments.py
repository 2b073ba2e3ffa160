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
Separators must be ASCII characters other than letters, digits and space. The file is read as UTF-8; a
part (about 4 MB) that is not valid UTF-8 is read as Latin-1.

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
_WHITESPACE = b" \t\r\n\f\v"


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
        bad = [s for s in used if s.isalnum() or s == " " or not s.isascii()]
        if bad:
            raise RemitError.at(
                source,
                number,
                f"ISA separator {bad[0]!r} is a letter, digit, space or not ASCII: {seps.describe()}",
            )
        if any(seps.segment in value for value in elements[1:16]):
            raise RemitError.at(
                source,
                number,
                f"the segment terminator {seps.segment!r} (after ISA16) also occurs inside the ISA",
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


def decode(chunk: bytes) -> str:
    """Text of part of an X12 file: UTF-8, else Latin-1, which maps every byte to one character so that
    nothing is lost and decoding never fails.

    >>> decode("NM1*QC*1*MÜLLER".encode("utf-8")), decode(b"NM1*QC*1*M\\xdcLLER")
    ('NM1*QC*1*MÜLLER', 'NM1*QC*1*MÜLLER')
    """
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError:
        return chunk.decode("latin-1")


def interchanges(data: bytes, source: str) -> Iterator[Interchange]:
    """Find the interchanges of a file in order; a problem with an envelope raises :class:`RemitError`.

    ``first_segment`` of each is the number of its ISA segment in the file (a UTF-8 byte-order mark and
    white space before an ISA are skipped).
    """
    pos = _skip_space(data, 3 if data.startswith(b"\xef\xbb\xbf") else 0)
    number = 1
    if pos == len(data):
        raise RemitError.at(source, None, "file is empty")
    while pos < len(data):
        if not data.startswith(b"ISA", pos):
            what = data[pos : pos + 20].decode("latin-1")
            if number == 1:
                raise RemitError.at(source, 1, f"file does not start with an ISA segment: {what!r}")
            raise RemitError.at(
                source, number, f"text after the last IEA segment is not an ISA segment: {what!r}"
            )
        seps = Separators.from_isa(data[pos : pos + ISA_LENGTH].decode("latin-1"), source, number)
        term, elem = seps.segment.encode("ascii"), seps.element.encode("ascii")
        # IEA is the first segment after a terminator whose identifier is IEA (line breaks may come between)
        closing = re.compile(re.escape(term) + rb"[\r\n]*IEA" + re.escape(elem)).search(data, pos)
        if closing is None:
            last = number - 1 + data.count(term, pos) + (not data.rstrip().endswith(term))
            raise RemitError.at(
                source,
                last,
                f"unterminated file: no IEA segment closes the interchange opened at segment {number}; "
                f"the file ends at segment {last}",
            )
        end = data.find(term, closing.end())
        if end < 0:
            last = number + data.count(term, pos, closing.end())
            raise RemitError.at(
                source, last, f"unterminated file: the IEA segment has no segment terminator {seps.segment!r}"
            )
        end += 1
        yield Interchange(seps, pos, end, number)
        number += data.count(term, pos, end)
        pos = _skip_space(data, end)


def _skip_space(data: bytes, pos: int) -> int:
    n = len(data)
    while pos < n and data[pos] in _WHITESPACE:
        pos += 1
    return pos


def raw_chunks(data: bytes, interchange: Interchange, size: int = 1 << 22) -> Iterator[bytes]:
    """The bytes of one interchange in pieces of about ``size`` bytes, each ending with a segment
    terminator, with the line breaks after terminators removed.

    A piece never starts with a line break: the cut goes after the terminator and the line break that
    follows it.
    """
    seps = interchange.separators
    t = seps.segment.encode("ascii")
    skip = b"\r\n".replace(t, b"") if t != b"\n" else b""
    crlf_is_data = "\r" in (seps.element, seps.component, seps.repetition)
    pos, end = interchange.start, interchange.end
    while pos < end:
        cut = min(end, pos + size)
        if cut < end:
            found = data.rfind(t, pos, cut)
            cut = data.find(t, cut) + 1 if found < 0 else found + 1
            while cut < end and data[cut : cut + 1] in (skip[:1], skip[1:2]) and data[cut : cut + 1]:
                cut += 1
        chunk = data[pos:cut]
        if t not in b"\r\n":
            if b"\n" in chunk:
                chunk = chunk.replace(t + b"\r\n", t).replace(t + b"\n", t)
        elif t == b"\r":
            if b"\n" in chunk:
                chunk = chunk.replace(b"\r\n", b"\r")
        elif b"\r" in chunk and not crlf_is_data:
            chunk = chunk.replace(b"\r\n", b"\n")
        yield chunk
        pos = cut


def segment_chunks(data: bytes, interchange: Interchange, size: int = 1 << 22) -> Iterator[list[str]]:
    """Segments of one interchange as text (elements not yet split), in lists covering about ``size``
    bytes each (see :func:`raw_chunks`), so that a large file is never held as one text or one list of
    millions of strings. The terminator is not part of a segment.
    """
    term = interchange.separators.segment
    for chunk in raw_chunks(data, interchange, size):
        segments = decode(chunk).split(term)
        segments.pop()  # the chunk ends with a terminator: the last piece is empty
        yield segments
