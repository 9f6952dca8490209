"""The data-quality page (every input row accounted for) and the methodology page."""

from __future__ import annotations

from generator.domain.catalog import METRICS
from generator.domain.published_text import published
from generator.ingest.canonical import Reason
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.formatting import text
from generator.pages.render import header, render


def data_quality(ctx: Context) -> PageSet:
    """How every row of every source was accounted for: read, loaded, merged, rejected."""
    page = Page("data-quality.md")
    report = ctx.report.ingested.report
    sources = Table(
        ["Source", "Format", "Read", "Loaded", "Merged", "Rejected"],
        [
            [
                text(s.path),
                text(s.format),
                f"{s.rows_read:,}",
                f"{s.rows_loaded:,}",
                f"{s.rows_merged:,}",
                f"{s.rows_rejected:,}",
            ]
            for s in report.sources
        ],
    )
    # Reasons, notes and warnings quote export cells: e-mails and learner ids are masked here.
    learners = ctx.report.ingested.learner_ids
    reasons = _reasons_table([(s.path, s.reasons) for s in report.sources], learners)
    merges = _reasons_table([(s.path, s.merges) for s in report.sources], learners)
    statuses = Table(
        ["Status", "Rows"],
        [[text(k), f"{v:,}"] for k, v in ctx.report.ingested.status_counts().items()],
    )
    # What each adapter says about how it read its source (e.g. OULAD's two withdrawal signals).
    notes = Table(
        ["Source", "Note"],
        [
            [text(s.path), text(published(note, learners))]
            for s in report.sources
            for note in s.notes
        ],
    )
    return page.done(
        render(
            "data_quality.md.j2",
            **header(ctx),
            sources=sources,
            reasons=reasons,
            merges=merges,
            notes=notes,
            warnings=[text(published(w, learners)) for w in ctx.report.warnings],
            statuses=statuses,
            totals=report,
            excluded=ctx.metrics.excluded_after_report_date,
        )
    )


def _reasons_table(
    sources: list[tuple[str, dict[str, Reason]]], learner_ids: frozenset[str]
) -> Table:
    """Rejected or merged rows per source and reason, with their first lines (file:line for a
    source that is a folder)."""
    return Table(
        ["Source", "Reason", "Rows", "First lines"],
        [
            [
                text(path),
                text(published(reason, learner_ids)),
                f"{detail.count:,}",
                text(published(", ".join(detail.places()))),
            ]
            for path, reasons in sources
            for reason, detail in sorted(reasons.items())
        ],
    )


def methodology(ctx: Context) -> PageSet:
    """How the figures are made: periods, metrics, goals, findings, how each source format
    was read (from the ingest report) and what privacy hides."""
    page = Page("methodology.md")
    rules = sorted(ctx.report.ingested.report.rules.items())
    metrics = Table(
        ["Metric", "Definition", "Evaluation level"],
        [[text(m.label), text(m.definition), text(m.level)] for m in METRICS.values()],
    )
    t = ctx.project.settings.thresholds
    thresholds = Table(
        ["Setting", "Value", "Meaning"],
        [
            [text(name), text(f"{getattr(t, name):g}"), text(field.description or "")]
            for name, field in type(t).model_fields.items()
        ],
    )
    return page.done(
        render(
            "methodology.md.j2",
            **header(ctx),
            metrics=metrics,
            thresholds=thresholds,
            start_month=ctx.project.settings.fiscal_year_start_month,
            adapters=[(name, r.reading) for name, r in rules if r.reading],
            offering_rules=Table(
                ["Format", "The run (offering) is"],
                [[text(name), text(r.offering or "not given")] for name, r in rules],
            ),
        )
    )
