"""Scales as Vega makes them: a zero-based linear scale with d3's nice round ticks, and the
bands of a bar chart."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def _tick_increment(start: float, stop: float, count: int) -> tuple[int, int]:
    """d3's tick step for about ``count`` ticks: 1, 2, 5 or 10 times a power of ten, returned
    as (factor, power) so that tick values can be computed without float drift."""
    step = (stop - start) / max(1, count)
    power = math.floor(math.log10(step))
    error = step / 10**power
    if error >= math.sqrt(50):
        return 10, power
    if error >= math.sqrt(10):
        return 5, power
    return (2 if error >= math.sqrt(2) else 1), power


# Below 1, a step is used through its inverse, as d3 does: 0.07 * 100 is 7.000000000000001
# but 7 / 100 is 0.07, so ticks and nice ends come out as the round numbers they should be.


def _in_steps(value: float, factor: int, power: int) -> float:
    if power >= 0:
        return value / (factor * 10**power)
    return value * (10**-power / factor)


def _steps(count: int, factor: int, power: int) -> float:
    if power >= 0:
        return count * factor * 10**power
    return count / (10**-power / factor)


def _ticks(start: float, stop: float, count: int) -> list[float]:
    """About ``count`` round values in [start, stop] (d3.ticks)."""
    factor, power = _tick_increment(start, stop, count)
    first, last = round(_in_steps(start, factor, power)), round(_in_steps(stop, factor, power))
    if _steps(first, factor, power) < start:
        first += 1
    if _steps(last, factor, power) > stop:
        last -= 1
    return [_steps(i, factor, power) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Linear:
    """A zero-based, nicely rounded linear scale over the values (Vega's zero and nice)."""

    low: float
    high: float
    ticks: tuple[float, ...]

    @classmethod
    def over(cls, values: Sequence[float], tick_count: int) -> Linear:
        if not values:  # every figure suppressed: an axis without ticks, not a false 0-1
            return cls(0.0, 1.0, ())
        low, high = min([0.0, *values]), max([0.0, *values])
        if low == high:
            high = 1.0
        previous = None
        for _ in range(10):  # d3's linear.nice(): round the ends out until the step settles
            increment = _tick_increment(low, high, 10)
            if increment == previous:
                break
            low = _steps(math.floor(_in_steps(low, *increment)), *increment)
            high = _steps(math.ceil(_in_steps(high, *increment)), *increment)
            previous = increment
        return cls(low, high, tuple(_ticks(low, high, tick_count)))

    def fraction(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def bands(
    count: int, start: float, length: float, inner: float, outer: float
) -> tuple[list[float], float]:
    """Start of each of ``count`` bands and their width (d3.scaleBand's paddings)."""
    step = length / max(1.0, count - inner + 2 * outer)
    return [start + step * (outer + i) for i in range(count)], step * (1 - inner)
