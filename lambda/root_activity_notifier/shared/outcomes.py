"""Outcomes: what became of each input record, the ``outcome`` of its log line."""

from __future__ import annotations

import enum


class Status(enum.Enum):
    """What became of one input record; the value is the ``outcome`` of its log line."""

    DELIVERED = "delivered"
    SUMMARIZED = "summarized"
    FAILED = "failed"
    IGNORED = "ignored"
    REFUSED = "refused"
