"""Deliver with the session table: what a webhook's digests (delivery/digests.py) and a Slack app's
threads (delivery/threaded.py) share.

* Each event is counted once into its root session's totals (SQS delivers at least once).
* Each planned message is claimed before it is posted (state/store.py, claim_message), so that two
  invocations holding the same SQS message post it once.
* Every post takes its turn in one pace per destination, shared by every concurrent invocation
  (pacing.py, SharedPacer); the container's own pacer takes over when the table cannot be reached.
* When the table fails (throttled, denied, unreachable, no time left), the session's events not yet
  posted go out as they would without it, unthreaded, with a WARNING line: the store never stands
  between an alert and Slack.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import namedtuple
from datetime import datetime, timezone
from functools import partial

from ..core.sessions import plan_messages
from ..core.threads import ThreadKey, group_by_thread, totals_of
from ..render.planned import render_planned
from ..shared.log import log_line
from ..shared.outcomes import Status
from ..shared.record import routing_account
from ..slack.http import DeliveryError
from ..state.store import CALL_MARGIN_SECONDS, Contended, NoTimeLeft, StoreUnavailable
from .pacing import NO_TIME_LEFT, NO_TURN, SECONDS_BETWEEN_POSTS, Pacer, SharedPacer

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..core.sessions import Occurrence
    from ..core.threads import Totals
    from ..render.event import RenderOptions
    from ..shared.deadline import Deadline
    from ..slack.destination import Posted, SlackAppDestination, WebhookDestination
    from ..state.follow_up import FollowUps
    from ..state.store import SessionStore, ThreadState

# What became of one occurrence: its Status, the kind of message that carried it and why it failed.
Outcome = namedtuple("Outcome", ["occurrence", "status", "kind", "error"])

# What one post came to: where it landed (None if it did not), why not, Slack's error code, and
# whether a concurrent invocation had posted (or is posting) the same message instead.
Sent = namedtuple("Sent", ["posted", "error", "code", "by_another"], defaults=[False])

# Why an occurrence Slack took is reported for redelivery: the table could not count it.
NOT_COUNTED = "out, but not counted into the session; SQS delivers it again and it is counted then"

# Seconds between the turns every invocation shares, start to start: a post to one webhook or
# channel (Slack takes about one a second; the margin covers a post's own time on the way), and an
# edit (chat.update is in Slack's tier 3, about 50 a minute per workspace).
PACE_SECONDS = {"post": 1.1, "chat.update": 1.3}
# What a post leaves of the function's time (at most), so that what it carried is counted once it is
# out: a few calls of the table, each started only with CALL_MARGIN_SECONDS left.
BOOKKEEPING_SECONDS = CALL_MARGIN_SECONDS + 2.0
# What the container paces alone when the table cannot be reached (end of one to start of next).
_LOCAL_SECONDS = {"post": SECONDS_BETWEEN_POSTS, "chat.update": 1.2}

_container = threading.local()


def container_pacers() -> dict[str, Pacer]:
    """The container's own pacers, one per destination, for its life (as pacing.container_pacer):
    what paces when the session table cannot be reached."""
    pacers = getattr(_container, "pacers", None)
    if pacers is None:
        pacers = _container.pacers = {}
    return pacers


def local_pacer(destination: str, what: str = "post") -> Pacer:
    """The container's own pacer of ``destination`` for ``what``, made the first time it is asked for."""
    pacers = container_pacers()
    pacer = pacers.get(destination)
    if pacer is None:
        pacer = pacers[destination] = Pacer(_LOCAL_SECONDS[what])
    return pacer


def forget_pacing() -> None:
    _container.pacers = {}


def message_key(key: ThreadKey, kind: str, occurrences) -> str:
    """What a planned message is, for its claim: the session, its kind and the events it carries."""
    events = sorted(each.record.event_id or f"message:{each.message_ids[0]}" for each in occurrences)
    digest = hashlib.sha256("\n".join(events).encode()).hexdigest()[:32]
    return f"{key.account}#{key.session_ids[0]}#{kind}#{digest}"


class SessionDelivery:
    """Carries a batch out session by session (``send``) and a follow-up the function sent itself
    (``follow_up``); subclasses say what the sessions post (``_deliver``)."""

    bounded = True  # a batch posts at most ``max_messages`` (the rest folds), as without the table

    def __init__(
        self,
        destination: WebhookDestination | SlackAppDestination,
        store: SessionStore,
        options: RenderOptions,
        deadline: Deadline,
        follow_ups: FollowUps,
        *,
        clock=time.time,
    ) -> None:
        self.destination, self.store, self.options, self.deadline = destination, store, options, deadline
        self.follow_ups, self.clock = follow_ups, clock
        # What a post leaves for the table to count what it carried: a quarter of the function's time
        # at most, so that a short timeout still posts (the alert before its totals).
        self.keep = min(BOOKKEEPING_SECONDS, deadline.remaining() / 4)
        self.outcomes: dict[int, Outcome] = {}
        self.posted = 0  # Slack messages this invocation posted
        self.out_of_time = False  # a post found no time left: later ones are not tried
        self._pacers: dict[str, SharedPacer] = {}

    def send(self, batch: list[Occurrence], max_messages: int | None = None) -> list[Outcome]:
        """Every occurrence's outcome, in the batch's order: the batch's root sessions, as their threads
        group them (core/threads.py, the most urgent first), carried out by ``_deliver``."""
        self._deliver(group_by_thread(batch), max_messages)
        return [self.outcomes[id(each)] for each in batch]

    def _deliver(self, sessions: list[tuple[ThreadKey, list[Occurrence]]], max_messages: int | None) -> None:
        """Post what the sessions say, settling each occurrence's outcome (``_settle``)."""
        raise NotImplementedError

    def follow_up(self, session: str) -> bool:
        """Do what the session was left owing; False when it must be tried again (SQS brings it back)."""
        raise NotImplementedError

    # -- the table ----------------------------------------------------------------------------------

    def _fresh(self, session: list[Occurrence]) -> tuple[dict, list[Occurrence]]:
        """The session's events not yet counted (the others settle as delivered), and each one's key."""
        pairs = {id(each): (each.record.account_id, each.record.event_id) for each in session if each.record.event_id}
        counted = self.store.counted_events(pairs.values(), _event_times(session, pairs))
        self._settle(
            [each for each in session if pairs.get(id(each)) in counted], Status.DELIVERED, "counted already", ""
        )
        return pairs, [each for each in session if pairs.get(id(each)) not in counted]

    def _record(
        self, state: ThreadState, pairs: dict, done: list[Occurrence], totals: Totals | None = None
    ) -> tuple[ThreadState, list]:
        """Count ``done`` into the session once: its new state and the occurrences this call counted.
        What could not be counted is reported for redelivery: SQS brings it back, its message's claim
        keeps Slack from seeing it twice, and it is counted then. ``totals``: those of ``done``, when
        the plan has them already (used when every one of them is counted at once)."""
        keyed = [each for each in done if id(each) in pairs]
        unkeyed = [each for each in done if id(each) not in pairs]

        def totals_for(new: set, first: bool):
            chosen = [each for each in keyed if pairs[id(each)] in new] + (unkeyed if first else [])
            if totals is not None and len(chosen) == len(done):
                return totals
            return totals_of(chosen) if chosen else None

        try:
            counted, recorded = self.store.count(
                state.pk, [pairs[id(each)] for each in keyed], _event_times(keyed, pairs), totals_for
            )
        except StoreUnavailable as error:
            # The table answers (time ran out, or others kept it busy): SQS brings these back and they
            # are counted then. A table that does not answer would meet the redelivery the same way,
            # and its posts without claims would repeat what Slack has: these stay delivered, uncounted.
            if isinstance(error, (NoTimeLeft, Contended)):
                self._settle(done, Status.FAILED, "not counted", f"{NOT_COUNTED} ({error})", again=True)
            raise
        return counted or state, [each for each in done if id(each) not in pairs or pairs[id(each)] in recorded]

    def _schedule(self, state: ThreadState, delay: float) -> bool:
        """A follow-up for the session in ``delay`` seconds, unless one is on its way already."""
        if not self.follow_ups.queue_url or self.deadline.remaining() < self.store.margin + self.keep:
            return False
        if not self.store.claim_follow_up(state.pk, self.clock() + delay):
            return True
        if self.follow_ups.schedule(state.pk, delay):
            return True
        self.store.forget_follow_up(state.pk)
        return False

    # -- Slack --------------------------------------------------------------------------------------

    def _pacer(self, destination: str, what: str = "post") -> SharedPacer:
        """The turn of ``destination`` (a channel, "webhook" or "chat.update") for ``what``."""
        pacer = self._pacers.get(destination)
        if pacer is None:
            local = local_pacer(destination, what)
            pacer = self._pacers[destination] = SharedPacer(self.store, destination, PACE_SECONDS[what], local)
        return pacer

    def _post(
        self,
        payload: dict,
        kind: str,
        key: ThreadKey,
        *,
        claim: str = "",
        thread: Posted | None = None,
        broadcast: bool = False,
        events: int = 0,
    ) -> Sent:
        """Post ``payload`` once: claimed first when ``claim`` names it, in the destination's turn."""
        if self.destination.refusal:
            return Sent(None, self.destination.refusal, "")
        if self.out_of_time:
            return Sent(None, NO_TIME_LEFT, "")
        if claim:
            try:
                claimed = self.store.claim_message(claim)
            except NoTimeLeft:  # the table is fine, the time is out: SQS delivers it again
                self.out_of_time = True
                return Sent(None, NO_TIME_LEFT, "")
            except StoreUnavailable:
                claimed, claim = "mine", ""  # post it: a duplicate is better than a silence
            if claimed != "mine":
                self._log_call(kind, key, "", time.monotonic(), "", events=events, by_another=claimed)
                return Sent(None, "", "", True)
        account = key.account
        channel = thread.channel if thread else self.destination.channel_for(account)
        posted, started, failure = self._in_turn(
            self._pacer(channel),
            lambda: self.destination.post(payload, self.deadline, account=account, thread=thread, broadcast=broadcast),
            self.keep,
        )
        if failure is not None:
            self._release(claim)
            self._log_call(kind, key, channel, started, failure.reason, thread=thread, events=events)
            return Sent(None, failure.reason, failure.code)
        if posted is NO_TURN:
            self.out_of_time = True
            self._release(claim)
            return Sent(None, NO_TIME_LEFT, "")
        self.posted += 1
        if claim:
            with contextlib.suppress(StoreUnavailable):  # the claim is then taken for abandoned in time
                self.store.message_posted(claim)
        self._log_call(kind, key, channel, started, "", thread=thread, broadcast=broadcast, events=events)
        return Sent(posted, "", "")

    def _in_turn(self, pacer: Pacer | SharedPacer, send, keep: float = 0.0) -> tuple:
        """``send()`` in ``pacer``'s turn: its result (NO_TURN when the turn would come too late), when
        the call itself started (its wait for the turn left out) and the DeliveryError it raised, or None."""
        started = [time.monotonic()]

        def timed():
            started[0] = time.monotonic()
            return send()

        try:
            return pacer.take_turn(self.deadline, timed, keep), started[0], None
        except DeliveryError as error:
            return None, started[0], error

    def _release(self, claim: str) -> None:
        if claim:
            with contextlib.suppress(StoreUnavailable):  # the claim is then taken for abandoned in time
                self.store.release_message(claim)

    def _send_unthreaded(self, left: list[Occurrence], max_messages: int | None = None) -> None:
        """``left`` as the planner would post it without the table: the store never stands between an
        alert and Slack."""
        for planned in plan_messages(left, max_messages):
            account = routing_account(planned)
            key = ThreadKey(account, (planned.session[1] if planned.session else "",))
            payload = render_planned(planned, self.options)
            pacer = local_pacer(self.destination.channel_for(account))
            error = self.destination.refusal
            if not error:
                post = partial(self.destination.post, payload, self.deadline, account=account)
                posted, started, failure = self._in_turn(pacer, post)
                if posted is NO_TURN:
                    error = NO_TIME_LEFT
                else:
                    error = failure.reason if failure is not None else ""
                    if not error:
                        self.posted += 1
                    self._log_call(
                        f"unthreaded {planned.kind}", key, "", started, error, events=len(planned.occurrences)
                    )
            status = Status.FAILED if error else (Status.DELIVERED if planned.kind == "event" else Status.SUMMARIZED)
            self._settle(planned.occurrences, status, f"unthreaded:{planned.kind}", error)

    def _store_failed(self, key: ThreadKey, session: list[Occurrence], error: StoreUnavailable) -> list[Occurrence]:
        """What is left of the session to post without the table; nothing when the deadline, not the
        table, stopped it (then the rest is reported for redelivery)."""
        left = [each for each in session if id(each) not in self.outcomes]
        if isinstance(error, NoTimeLeft):
            log_line("WARNING", "the function's time ran out in the session table; the rest is reported for redelivery",
                     account=key.account, session=key.session_ids[0], events=len(left), error=str(error))  # fmt: skip
            self._settle(left, Status.FAILED, None, NO_TIME_LEFT)
            return []
        log_line(
            "WARNING",
            "session state unavailable; posting without it",
            state_store="unavailable",
            table=self.store.table_name,
            account=key.account,
            session=key.session_ids[0],
            events=len(left),
            error=str(error),
        )
        return left

    def _log_call(
        self, kind, key, channel, started, error, *, thread=None, broadcast=False, events=0, by_another=""
    ) -> None:
        status = Status.FAILED if error else Status.DELIVERED
        log_line(
            "INFO" if status is Status.DELIVERED else "ERROR",
            "Slack message sent"
            if status is Status.DELIVERED and not by_another
            else "Slack message already posted by a concurrent invocation"
            if by_another
            else "Slack message NOT sent",
            kind=kind,
            events=events,
            account=key.account,
            session=key.session_ids[0],
            channel=channel or None,
            thread_ts=thread.ts if thread else None,
            broadcast=broadcast or None,
            outcome=status.value,
            claim=by_another or None,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
            error=error or None,
        )

    # -- bookkeeping --------------------------------------------------------------------------------

    def _settle(self, occurrences, status: Status, kind: str | None, error: str, *, again: bool = False) -> None:
        """Each occurrence's outcome, once (``again``: this one instead of the one it had)."""
        for each in occurrences:
            if again or id(each) not in self.outcomes:
                self.outcomes[id(each)] = Outcome(each, status, kind, error)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=timezone.utc)


def _event_times(occurrences, pairs: dict) -> dict[tuple[str, str], float]:
    """Each keyed occurrence's event time (epoch seconds), by its key in the table."""
    return {pairs[id(each)]: each.record.event_time.timestamp() for each in occurrences
            if id(each) in pairs and each.record.event_time}  # fmt: skip


def event_epoch(occurrences: list[Occurrence], pick) -> float:
    """``pick`` (min or max) of the occurrences' event times, in epoch seconds; 0 when none has one."""
    return pick((each.record.event_time.timestamp() for each in occurrences if each.record.event_time), default=0)
