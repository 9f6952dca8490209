"""Text without measuring it: estimated widths, labels cut with "…", user text made safe
for XML, and the d3 number formats the templates use."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from generator.charts.svg.style import FONT_SIZE

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Rough glyph widths of a sans-serif font (Arial, Liberation Sans), as shares of the font
# size: good enough to lay out labels without measuring text. Others: see _glyph.
_GLYPH_WIDTHS = {
    **dict.fromkeys("ijl.,:;!|'", 0.25),
    **dict.fromkeys("ftrI()[]-/ ", 0.33),
    **dict.fromkeys("mwMW%@…", 0.85),
}
BOLD_WIDER = 1.1  # bold glyphs are about this much wider
# The widths above are Arial's; a viewer may draw with a wider sans-serif (DejaVu Sans,
# Debian's default, is about 14% wider). Room between labels is planned for the wider one.
WIDER_FONT = 1.15


@functools.cache  # a few hundred distinct characters at most
def _glyph(char: str) -> float:
    if char in _GLYPH_WIDTHS:
        return _GLYPH_WIDTHS[char]
    return 0.67 if char.isupper() else 0.56 if char.isdigit() else 0.54


@functools.lru_cache(maxsize=4096)  # the same labels (periods, ticks) recur chart after chart
def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width in px of regular text (bold: see :func:`fit`)."""
    return sum(map(_glyph, text)) * size


def room_for(text: str, size: float = FONT_SIZE) -> float:
    """The px a label needs in any common sans-serif: what layout (margins, thinning,
    wrapping) plans with, so labels never overlap or leave the chart."""
    return text_width(text, size) * WIDER_FONT


def fit_room(text: str, limit: float) -> str:
    """``text`` cut with "…" so that it fits ``limit`` px in any common sans-serif."""
    return fit(text, limit / WIDER_FONT)


def fit(text: str, limit: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``text`` cut to ``limit`` px with a trailing "…", as Vega's labelLimit does."""
    if bold:
        size *= BOLD_WIDER
    if text_width(text, size) <= limit:
        return text
    room, kept = limit - text_width("…", size), 0
    for char in text:
        room -= _glyph(char) * size
        if room < 0:
            break
        kept += 1
    return text[:kept] + "…"


def clean_text(value: Any) -> str:
    """User text on one line, without characters XML cannot hold (escaping happens later);
    a missing name (None) is blank, never "None"."""
    if value is None:
        return ""
    return _INVALID_XML.sub("", " ".join(str(value).split()))


_FORMAT_RE = re.compile(r"^(,)?(?:\.(\d+))?(~)?([df%])$")


def number_formatter(d3_format: str) -> Callable[[float], str]:
    """A Python function for the d3 formats the templates use (",d", ".2~%", ",.0f", ".1f"...).

    Rounding is half away from zero on the exact value, as JavaScript's ``toFixed`` does
    (Python's own formatting rounds half to even: 0.5 → "0"), and the minus sign is d3's "−".
    """
    match = _FORMAT_RE.match(d3_format)
    if not match:
        raise ValueError(f"unsupported number format {d3_format!r}")
    comma, digits, trim, kind = match.groups()
    places = 0 if kind == "d" else int(digits or 6)
    percent = kind == "%"
    quantum = Decimal(1).scaleb(-places)
    pattern = f"{',' if comma else ''}.{places}f"

    def formatted(value: float) -> str:
        exact = Decimal(value * 100 if percent else value)
        try:
            rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        except InvalidOperation:  # more digits than the context's 28, such as a budget of 1e300
            with localcontext() as context:
                context.prec = exact.adjusted() + places + 2
                rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        text = format(abs(rounded), pattern)
        if trim and "." in text:  # "~": no insignificant trailing zeros (0.50 → 0.5, 1.0 → 1)
            text = text.rstrip("0").rstrip(".")
        text += "%" if percent else ""
        return "\u2212" + text if rounded < 0 else text

    return formatted
