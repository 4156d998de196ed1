"""Time: the point by which an invocation's work must be over (the Lambda's remaining time)."""

from __future__ import annotations

import time

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Deadline:
    """An absolute point on the monotonic clock by which delivery must be over."""

    __slots__ = ("at", "clock")

    def __init__(self, at: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.at = at
        self.clock = clock

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> "Deadline":
        return cls(at=clock() + seconds, clock=clock)

    @classmethod
    def from_lambda_context(cls, context: Any, default_seconds: float = 30.0) -> "Deadline":
        remaining_ms = None
        getter = getattr(context, "get_remaining_time_in_millis", None)
        if callable(getter):
            remaining_ms = getter()
        seconds = remaining_ms / 1000 if isinstance(remaining_ms, (int, float)) else default_seconds
        return cls.after(seconds)

    def remaining(self) -> float:
        return self.at - self.clock()
