"""Severity: how alarming, in four steps, and how sessions keep and compare it. A leaf (it imports
nothing of the package): core/classify.py decides a record's severity, every other layer reads it.
"""

from __future__ import annotations

import enum

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable


class Severity(enum.Enum):
    """Ordered from most to least alarming."""

    CRITICAL = "critical"
    HIGH = "high"
    WARNING = "warning"
    LOW = "low"


# 0 is the most alarming: sort by it to put the worst first.
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}


def most_severe(severities: Iterable[Severity]) -> Severity:
    return min(severities, key=SEVERITY_RANK.__getitem__)


# Where a session's totals keep the event names it did at each severity (its parent's headline names
# the worst).
KIND_FIELDS = dict(zip(Severity, ("critical_kinds", "high_kinds", "warning_kinds", "low_kinds"), strict=True))
