"""Readable differences between two texts, as data: the templates escape and mark them up, so a
diff of hostile text is shown as text, never as markup.

A body is compared line by line; a changed line is compared word by word, so one corrected word
in a long paragraph is what stands out. Long unchanged stretches are folded to a few lines of
context.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT_LINES = 2
# Two versions of a line sharing less than this share of their words are shown as rewritten.
REWRITTEN_BELOW = 0.4
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass
class Line:
    """One line of a diff: ``same``, ``removed``, ``added``, or ``skipped`` (a folded stretch of
    ``skipped`` unchanged lines)."""

    kind: str
    segments: list[Segment] = field(default_factory=list)
    skipped: int = 0


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    lines: list[Line] = field(default_factory=list)
    # On the conflict page: who changed the field since the form was opened ("them", "you",
    # "both"), when that version is known.
    changed_by: str = ""


def words_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The old and the new text cut into segments, the words that differ marked as changed."""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.ratio() < REWRITTEN_BELOW:
        # Rewritten rather than edited: marking the few words that happen to match is noise.
        return [Segment(old, changed=bool(old))], [Segment(new, changed=bool(new))]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if (
            op == "equal"
            and "".join(old_tokens[i1:i2]).isspace()
            and i1 > 0
            and i2 < len(old_tokens)
        ):
            # A lone space between two changes belongs to the change.
            op = "replace"
        if op == "equal":
            old_segments.append(Segment("".join(old_tokens[i1:i2])))
            new_segments.append(Segment("".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            old_segments.append(Segment("".join(old_tokens[i1:i2]), changed=True))
        if j2 > j1:
            new_segments.append(Segment("".join(new_tokens[j1:j2]), changed=True))
    return _merged(old_segments), _merged(new_segments)


def _merged(segments: list[Segment]) -> list[Segment]:
    result: list[Segment] = []
    for segment in segments:
        if result and result[-1].changed == segment.changed:
            result[-1] = Segment(result[-1].text + segment.text, segment.changed)
        else:
            result.append(segment)
    return result


def lines_diff(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[Line]:
    """The lines of ``old`` and ``new``: unchanged ones (folded beyond ``context`` lines from a
    change), removed and added ones; a line replaced by another is compared word by word."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(Line("same", [Segment(text)]) for text in old_lines[i1:i2])
        elif op == "replace" and i2 - i1 == j2 - j1:
            for old_line, new_line in zip(old_lines[i1:i2], new_lines[j1:j2], strict=True):
                removed, added = words_diff(old_line, new_line)
                lines.append(Line("removed", removed))
                lines.append(Line("added", added))
        else:
            lines.extend(Line("removed", [Segment(t, changed=True)]) for t in old_lines[i1:i2])
            lines.extend(Line("added", [Segment(t, changed=True)]) for t in new_lines[j1:j2])
    return _folded(lines, context)


def _folded(lines: list[Line], context: int) -> list[Line]:
    near_change = set()
    for index, line in enumerate(lines):
        if line.kind != "same":
            near_change.update(range(index - context, index + context + 1))
    result: list[Line] = []
    for index, line in enumerate(lines):
        if line.kind != "same" or index in near_change:
            result.append(line)
        elif result and result[-1].kind == "skipped":
            result[-1].skipped += 1
        else:
            result.append(Line("skipped", skipped=1))
    return result


def field_diff(name: str, label: str, old: str, new: str, *, multiline: bool) -> FieldDiff:
    """The difference in one field: line by line for long texts, word by word for short ones."""
    old, new = old or "", new or ""
    if old == new:
        return FieldDiff(name, label, changed=False, lines=[Line("same", [Segment(old)])])
    if multiline:
        return FieldDiff(name, label, changed=True, lines=lines_diff(old, new))
    removed, added = words_diff(old, new)
    lines = []
    if old:
        lines.append(Line("removed", removed))
    if new:
        lines.append(Line("added", added))
    return FieldDiff(name, label, changed=True, lines=lines)
