"""The report's body: its heading block, its numbered sections and who presented them; and
its annexes, apart."""

import re
from collections.abc import Sequence

from intake.extraction.facts import Section
from intake.extraction.patterns import ANNEX, BULLET, L1, L2, L3, PERSON, PRESENTED, plain
from intake.reading import Line


def split_annexes(lines: Sequence[Line]) -> tuple[list[Line], list[tuple[str, list[Line]]]]:
    body: list[Line] = []
    annexes: list[tuple[str, list[Line]]] = []
    for line in lines:
        heading = ANNEX.match(plain(line.text))
        if heading and len(line.text) < 120:
            annexes.append((heading.group(1) or line.text, []))
        elif annexes:
            annexes[-1][1].append(line)
        else:
            body.append(line)
    return body, annexes


def _is_heading(text: str) -> bool:
    return (len(text) <= 260 and not text.endswith((".", ";", ","))) or len(text) <= 80


def sections_of(body: Sequence[Line]) -> tuple[list[Line], list[Section]]:
    """The heading block (before the first numbered section) and the numbered sections."""
    header: list[Line] = []
    sections: list[Section] = []
    current: dict[int, Section] = {}
    for line in body:
        text = plain(line.text)
        if sections and PRESENTED.fullmatch(text) and text.startswith("("):
            # A heading's "(presented by …)" on a line of its own.
            section = sections[-1]
            if not section.paragraphs and not section.presenter:
                section.heading.append(line)
                section.presenter, section.entity = presenter_of(text)
                continue
        level, number, title = _heading_of(text)
        if level and (level == 1 or current.get(level - 1)) and _is_heading(text):
            parent = current.get(level - 1) if level > 1 else None
            if level == 3 and parent is None:
                parent = current.get(1)
            title, presenter, entity = heading_parts(title)
            full = (
                number if parent is None else f"{parent.number.rstrip('.')}{_suffix(level, number)}"
            )
            section = Section(full, level, title, presenter, entity, [line], parent=parent)
            sections.append(section)
            current[level] = section
            for deeper in (level + 1, level + 2):
                current.pop(deeper, None)
        elif not sections:
            header.append(line)
        elif BULLET.match(line.text) or BULLET.match(text):
            sections[-1].bullets.append(line)
        else:
            sections[-1].paragraphs.append(line)
    return header, sections


def _heading_of(text: str) -> tuple[int, str, str]:
    for level, pattern in ((1, L1), (2, L2), (3, L3)):
        found = pattern.match(text)
        if found:
            return level, found.group(1), found.group(2)
    return 0, "", ""


def _suffix(level: int, number: str) -> str:
    return f"({number})" if level == 2 else number


def heading_parts(title: str) -> tuple[str, str, str]:
    """A heading's title and, from a closing "(presented by NAME, ENTITY)" or "(NAME, ENTITY)",
    its presenter and entity."""
    found = PRESENTED.search(title)
    if not found:
        return title.strip(), "", ""
    presenter, entity = presenter_of(found.group(0))
    if not presenter and not entity:
        return title.strip(), "", ""
    return title[: found.start()].strip(), presenter, entity


def presenter_of(text: str) -> tuple[str, str]:
    """("Isabella Marras", "SUN") from "(presented by Isabella Marras, SUN)"; ("", "UNEP") from
    "(presented by UNEP)"; nothing from a parenthesis that names no one."""
    found = PRESENTED.search(text)
    if not found:
        return "", ""
    said = found.group(1).strip()
    explicit = re.search(r"presented by", found.group(0), re.I) is not None
    name, _comma, entity = said.partition(",")
    name, entity = name.strip(), entity.strip()
    if entity and re.fullmatch(PERSON, name) and len(name.split()) >= 2:
        return name, entity
    if explicit and not entity:
        return "", name
    return "", ""
