"""Pace: posts to one Slack destination at most about one a second, within the function's time.

The container's own pacer (Pacer) spaces a warm function's back-to-back batches; with the session
table, SharedPacer gives every concurrent invocation one pace per destination.
"""

from __future__ import annotations

import threading
import time
from collections import namedtuple

from ..slack.http import DEFAULT_RETRY_POLICY

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..shared.deadline import Deadline


# Slack accepts about one message a second per webhook; posts are never closer than this.
SECONDS_BETWEEN_POSTS = 1.0


# What take_turn returns when the turn would come too late: nothing was sent.
NO_TURN = object()


class _Turns:
    """What every pacer does with a post: waits for its turn, sends it, counts the interval from its end."""

    __slots__ = ()

    def take_turn(self, deadline: Deadline, send, keep: float = 0.0):
        """``send()``'s result, called in the next turn; NO_TURN without calling it when waiting would
        outlast the function with ``keep`` seconds to spare. The interval counts from its end,
        whether it was sent or raised."""
        if not self.acquire(deadline, keep):
            return NO_TURN
        try:
            return send()
        finally:
            self.posted()


class Pacer(_Turns):
    """Spaces posts at least ``interval`` seconds apart: from the end of one (when Slack has counted
    it) to the start of the next, so that network jitter cannot make two look closer to Slack."""

    def __init__(self, interval: float = SECONDS_BETWEEN_POSTS, *, clock=time.monotonic, sleep=time.sleep) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._last: float | None = None

    def delay(self) -> float:
        """Seconds until the next post may go."""
        return 0.0 if self._last is None else max(0.0, self._last + self.interval - self.clock())

    def wait(self) -> None:
        delay = self.delay()
        if delay > 0:
            self.sleep(delay)
        self._last = self.clock()

    def posted(self) -> None:
        """The post just ended: count the interval from now."""
        self._last = self.clock()

    def acquire(self, deadline: Deadline, keep: float = 0.0) -> bool:
        """Wait for the next post's turn; False (without waiting) when it would outlast the function
        with ``keep`` seconds to spare (for what must follow the post)."""
        if out_of_time(self, deadline, keep):
            return False
        self.wait()
        return True


class SharedPacer(
    _Turns,
    namedtuple(
        "SharedPacer", ["store", "destination", "interval", "local", "clock", "sleep"], defaults=[time.time, time.sleep]
    ),
):
    """One pace per destination for every concurrent invocation: each post reserves the next free
    turn in the session table (``store``, a SessionStore: reserve_slot) and waits for it. When the
    table cannot be reached, the container's own pacer (``local``) paces alone, as before."""

    __slots__ = ()

    def delay(self) -> float:
        return self.local.delay()

    def acquire(self, deadline: Deadline, keep: float = 0.0) -> bool:
        from ..state.store import NoTimeLeft, StoreUnavailable

        now = self.clock()
        spare = DEFAULT_RETRY_POLICY.safety_margin + DEFAULT_RETRY_POLICY.base_delay + keep
        latest = now + deadline.remaining() - spare
        try:
            turn = self.store.reserve_slot(self.destination, self.interval, latest)
        except NoTimeLeft:  # too little time for the table is too little for what follows the post
            return False
        except StoreUnavailable:
            return self.local.acquire(deadline, keep)
        if turn is None:
            return False
        wait = turn - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.local.posted()
        return True

    def posted(self) -> None:
        self.local.posted()


# The last post's time lives as long as the container, so that back-to-back batches of a warm
# function are paced too (concurrent invocations run in other containers; Retry-After covers those).
# Lambda runs one invocation at a time per container; tests and the benchmark that run invocations
# on threads get one pacer per thread, as separate containers would.
_container = threading.local()


def container_pacer() -> Pacer:
    pacer = getattr(_container, "pacer", None)
    if pacer is None:
        pacer = _container.pacer = Pacer()
    return pacer


def forget_last_post() -> None:
    """Start the container's pacing afresh (tests)."""
    _container.pacer = Pacer()


def out_of_time(pacer: Pacer, deadline: Deadline, keep: float = 0.0) -> bool:
    """Whether waiting for the pacer would outlast the function (with the retry policy's margin and
    ``keep`` seconds more)."""
    return pacer.delay() >= deadline.remaining() - DEFAULT_RETRY_POLICY.safety_margin - keep


NO_TIME_LEFT = "no time left in the function's timeout to send it"


def pace_batch(deadline: Deadline, pacer: Pacer | None = None, max_messages: int | None = None) -> tuple[Pacer, int]:
    """The batch's pacer (the container's unless ``pacer``) and how many of its posts fit before
    ``deadline`` (at least one, at most ``max_messages``)."""
    pacer = pacer or container_pacer()
    budget = messages_that_fit(deadline.remaining(), pacer)
    return pacer, min(budget, max_messages or budget)


def messages_that_fit(seconds: float, pacer: Pacer) -> int:
    """How many posts, paced by ``pacer``, fit in ``seconds`` with the retry policy's margin (at least one)."""
    usable = seconds - DEFAULT_RETRY_POLICY.safety_margin - pacer.delay()
    return max(1, int(usable // pacer.interval))
