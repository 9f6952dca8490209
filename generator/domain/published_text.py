"""Values from export cells quoted in rejection reasons, warnings and notes, as the site
publishes them: e-mail addresses and learner ids masked, long values cut short.

``validate`` prints the reasons in full on the operator's terminal; the data-quality page (and
so the search index) shows them through :func:`published`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# A quoted value opens with a ' after a space or "(" and closes with the first ' followed by a
# space, punctuation or the end, so an apostrophe inside it (O'Brien) stays part of it.
_END = r"(?:[\s),;:.]|$)"
QUOTED = re.compile(rf"(?<![^\s(])'((?:[^'\n]|'(?!{_END}))*)'(?={_END})")
_LOCAL, _DOMAIN = r"[^\s'\"<>()\[\]@,;:/]+", r"[^\s'\"<>()\[\]@,;:/]+\.[^\s'\"<>()\[\]@,;:/]+"
EMAIL = re.compile(rf"{_LOCAL}@{_DOMAIN}")
PSEUDONYM = re.compile(r"p-[0-9a-f]{16}")  # ingest.pseudonym's form of a learner id
MAX_QUOTED = 40
AN_EMAIL, A_LEARNER = "(an e-mail address)", "(a learner id)"


def quoted_values(text: str) -> list[str]:
    """The values a reason quotes, such as the course id of "unknown course 'X' (...)"."""
    return QUOTED.findall(text)


def published(text: str, learner_ids: Collection[str] = ()) -> str:
    """``text`` with each quoted learner id replaced, every e-mail address replaced and each
    quoted value longer than ``MAX_QUOTED`` characters cut short."""

    def value(match: re.Match[str]) -> str:
        quoted = match.group(1)
        if quoted in learner_ids or PSEUDONYM.fullmatch(quoted):
            return f"'{A_LEARNER}'"
        quoted = EMAIL.sub(AN_EMAIL, quoted)
        if len(quoted) > MAX_QUOTED:
            quoted = quoted[: MAX_QUOTED - 1] + "…"
        return f"'{quoted}'"

    return EMAIL.sub(AN_EMAIL, QUOTED.sub(value, text))
