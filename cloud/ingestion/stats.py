"""Counters of what ingestion wrote: per batch, and totals per worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class WriteStats:
    """What one transaction wrote; duplicates are rows the database already had."""

    readings: int = 0
    readings_duplicate: int = 0
    predictions: int = 0
    predictions_duplicate: int = 0
    statuses: int = 0
    # Deployment reports stored against a known rollout (those naming none are counted apart).
    reports: int = 0
    reports_unknown: int = 0
    placeholders: int = 0
    dead_letters: int = 0
    # Rows stored although their event time was older than the window's late_after (a backlog).
    late: int = 0
    newest_event_ts: datetime | None = None
    dead_letter_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows committed to the data tables (readings and predictions, duplicates excluded)."""
        return self.readings + self.predictions

    def summary(self) -> dict[str, int]:
        """The counters as a flat dict, for structured logs."""
        return {
            "readings": self.readings,
            "readings_duplicate": self.readings_duplicate,
            "predictions": self.predictions,
            "predictions_duplicate": self.predictions_duplicate,
            "statuses": self.statuses,
            "reports": self.reports,
            "reports_unknown": self.reports_unknown,
            "placeholders": self.placeholders,
            "dead_letters": self.dead_letters,
            "late": self.late,
        }

    def add(self, other: WriteStats) -> None:
        """Fold ``other`` into these totals."""
        self.readings += other.readings
        self.readings_duplicate += other.readings_duplicate
        self.predictions += other.predictions
        self.predictions_duplicate += other.predictions_duplicate
        self.statuses += other.statuses
        self.reports += other.reports
        self.reports_unknown += other.reports_unknown
        self.placeholders += other.placeholders
        self.dead_letters += other.dead_letters
        self.late += other.late
        self.newest_event_ts = latest(self.newest_event_ts, other.newest_event_ts)
        for reason, count in other.dead_letter_reasons.items():
            self.dead_letter_reasons[reason] = self.dead_letter_reasons.get(reason, 0) + count


def latest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two optional times."""
    return b if a is None else a if b is None else max(a, b)
