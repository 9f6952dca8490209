"""The SVG being written: the plot area, and a canvas that collects elements and makes the
finished document. Coordinates are rounded to 0.1 px (:func:`_n`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from generator.charts.svg.style import FONT_SIZE, POINT_RADIUS


def _n(value: float) -> str:
    """A coordinate: 0.1 px is plenty, and short numbers keep the file small and stable."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


@dataclass
class Plot:
    """The data area: axes sit around it, marks inside."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


class Canvas:
    """SVG elements in drawing order. All text goes through :meth:`text`, which escapes it."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        anchor: str = "start",
        size: int = FONT_SIZE,
        bold: bool = False,
        vertical: bool = False,
        colour: str = "",
        full: str = "",
    ) -> None:
        """``y`` is the baseline; ``vertical`` turns the text to read bottom to top; ``full``,
        the whole of a label cut with "…", goes in a ``<title>`` (a tooltip where the SVG is
        opened by itself, and read by screen readers)."""
        attributes = f'x="{_n(x)}" y="{_n(y)}"'
        if vertical:
            attributes = f'transform="translate({_n(x)},{_n(y)}) rotate(-90)"'
        if anchor != "start":
            attributes += f' text-anchor="{anchor}"'
        if size != FONT_SIZE:
            attributes += f' font-size="{size}"'
        if bold:
            attributes += ' font-weight="bold"'
        if colour:
            attributes += f' fill="{colour}"'
        whole = f"<title>{escape(full)}</title>" if full and full != text else ""
        self.parts.append(f"<text {attributes}>{escape(text)}{whole}</text>")

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, dash: str) -> None:
        self.parts.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{colour}" stroke-dasharray="{dash}"/>'
        )

    def rules(self, path: str, colour: str) -> None:
        """1 px axis and grid lines, ``path`` in SVG path syntax (one element for all)."""
        self.parts.append(
            f'<path d="{path}" stroke="{colour}" fill="none" shape-rendering="crispEdges"/>'
        )

    def rect(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
            f'fill="{colour}"/>'
        )

    def circle(self, x: float, y: float, colour: str, radius: float = POINT_RADIUS) -> None:
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{colour}"/>')

    def polyline(self, points: Sequence[tuple[float, float]], colour: str) -> None:
        coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )

    def document(self, title: str, width: int, height: float) -> str:
        """The finished SVG: white background, sans-serif text, a ``<title>`` for readers."""
        size = f'width="{width}" height="{_n(height)}" viewBox="0 0 {width} {_n(height)}"'
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" {size} role="img" '
            f'font-family="sans-serif" font-size="{FONT_SIZE}">\n'
            f"<title>{escape(title)}</title>\n"
            f'<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(self.parts)
            + "\n</svg>\n"
        )
