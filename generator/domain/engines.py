"""The engines that turn raw rows into metric tables, by the names config and the CLI use."""

from __future__ import annotations

from enum import StrEnum


class EngineName(StrEnum):
    DUCKDB = "duckdb"  # in this process, on one machine
    SPARK = "spark"  # a Spark session (local or a cluster), for exports that outgrow one machine
