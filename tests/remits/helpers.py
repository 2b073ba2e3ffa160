"""Rewriting a remit with other separators, for the tests."""

from __future__ import annotations


def reseparate(
    text: str,
    element: str = "*",
    component: str = ":",
    terminator: str = "~",
    newline: str = "\n",
    repetition: str = "^",
    old: tuple[str, str, str] = ("*", ":", "~"),
) -> str:
    """The same remit written with other separators (the ISA keeps its fixed widths).

    ``old`` gives the element separator, component separator and terminator the text uses now; line breaks
    after terminators are dropped and ``newline`` written instead.
    """
    old_element, old_component, old_terminator = old
    segments = [s.strip("\r\n") for s in text.split(old_terminator)]
    segments = [s for s in segments if s]
    out = []
    for seg in segments:
        elements = seg.split(old_element)
        if elements[0] == "ISA":
            elements[11] = repetition
            elements[16] = component
        else:
            elements = [component.join(e.split(old_component)) for e in elements]
        out.append(element.join(elements) + terminator + newline)
    return "".join(out)
