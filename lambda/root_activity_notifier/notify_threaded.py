"""Deliver in Slack app mode: carry out threads.py's plan for each root session of a batch, with its
thread remembered in session_store.py and Slack called through the destination.

For each session, most urgent first: drop the events its thread has counted already (SQS delivers
at least once); find its live thread, or claim a new one and post the parent (a concurrent
invocation that loses the claim replies in the winner's thread); post the replies; count what was
posted, exactly once, into the thread's totals; edit the parent to show them.

When the state store fails (throttled, denied, unreachable), the session's events not yet posted
go out as the webhook planner would send them, unthreaded, with a WARNING line: the store never
stands between an alert and Slack.
"""

from __future__ import annotations

import threading
import time
from collections import namedtuple
from datetime import datetime, timezone

from .deliver import DeliveryError
from .destination import Posted
from .log import log_line
from .notify import NO_TIME_LEFT, Pacer, Status, out_of_time, render_planned, routing_account
from .parent import permalink, render_parent
from .session_store import SessionStore, StoreUnavailable, session_of, thread_pk
from .sessions import plan_messages
from .slack_api import is_message_gone
from .threads import (
    MENTION_INTERVAL_SECONDS,
    ThreadKey,
    as_planned_message,
    as_stored,
    group_by_thread,
    plan_replies,
    totals_of,
)

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from .deliver import Deadline
    from .destination import SlackAppDestination
    from .render import RenderOptions
    from .session_store import ThreadState
    from .sessions import Occurrence

# What became of one occurrence: its Status, the kind of message that carried it and why it failed.
Outcome = namedtuple("Outcome", ["occurrence", "status", "kind", "error"])

# A reply's parent is gone (deleted): the thread gets a new parent.
THREAD_GONE = frozenset({"thread_not_found", "message_not_found"})
# chat.update is in Slack's tier 3 (about 50 a minute): edits are spaced this far apart.
SECONDS_BETWEEN_UPDATES = 1.2
PARENT_RENDERS = 3  # a parent is edited again while a concurrent batch has added to its totals since

_container = threading.local()


def channel_pacers() -> dict[str, Pacer]:
    """One pacer per channel and one for edits, for the container's life (as notify.container_pacer)."""
    pacers = getattr(_container, "pacers", None)
    if pacers is None:
        pacers = _container.pacers = {}
    return pacers


def forget_pacing() -> None:
    _container.pacers = {}


class ThreadedDelivery:
    def __init__(
        self,
        destination: SlackAppDestination,
        store: SessionStore,
        options: RenderOptions,
        deadline: Deadline,
    ) -> None:
        self.destination, self.store, self.options, self.deadline = destination, store, options, deadline
        self.pacers = channel_pacers()
        self.clock = time.time
        self.outcomes: dict[int, Outcome] = {}

    def send(self, batch: list[Occurrence]) -> list[Outcome]:
        """Every occurrence's outcome, in the batch's order."""
        for key, session in group_by_thread(batch):
            try:
                self._send_session(key, session)
            except StoreUnavailable as error:
                left = [each for each in session if id(each) not in self.outcomes]
                log_line(
                    "WARNING",
                    "session state unavailable; posting without threading",
                    state_store="unavailable",
                    table=self.store.table_name,
                    account=key.account,
                    session=key.session_ids[0],
                    events=len(left),
                    error=str(error),
                )
                self._send_unthreaded(left)
        return [self.outcomes[id(each)] for each in batch]

    # -- one session --------------------------------------------------------------------------------

    def _send_session(self, key: ThreadKey, session: list[Occurrence]) -> None:
        if self.destination.refusal:
            self._settle(session, Status.FAILED, None, self.destination.refusal)
            return
        pairs = {id(each): (each.record.account_id, each.record.event_id) for each in session if each.record.event_id}
        counted = self.store.counted_events(pairs.values())
        fresh = [each for each in session if pairs.get(id(each)) not in counted]
        again = [each for each in session if pairs.get(id(each)) in counted]
        self._settle(again, Status.DELIVERED, "counted already", "")
        if not fresh:
            self._repaint_if_behind(key, session)
            return
        first_time = _epoch(fresh, min) or self.clock()
        state = self.store.open_thread(key.account, list(key.session_ids), first_time)
        opened = state.owner
        if opened:
            state = self._post_parent(key, state, fresh)
            if state is None:
                return
        posted = []
        for reply in plan_replies(fresh):
            options = self.options
            if not (reply.broadcast and self._may_mention(state, reply)):
                options = options._replace(mention="")
            payload = render_planned(as_planned_message(reply, key), options)
            reply_to = {"broadcast": reply.broadcast, "events": len(reply.occurrences)}
            _, error, code = self._post(payload, reply.kind, key, thread=_posted(state), **reply_to)
            if code in THREAD_GONE:
                # The parent was deleted: post it again (its totals so far) and reply under the new one.
                state = self._repost_parent(key, self.store.read(state.pk) or state)
                if state.ts:
                    _, error, _ = self._post(payload, reply.kind, key, thread=_posted(state), **reply_to)
            done = Status.DELIVERED if reply.kind == "event" else Status.SUMMARIZED
            self._settle(reply.occurrences, Status.FAILED if error else done, f"reply:{reply.kind}", error)
            if not error:
                posted += reply.occurrences
        if not posted:
            return
        keyed = [each for each in posted if id(each) in pairs]
        recorded = self.store.count_events(
            [pairs[id(each)] for each in keyed],
            {pairs[id(each)]: _epoch([each], min) for each in keyed if each.record.event_time},
        )
        newly = [each for each in posted if id(each) not in pairs or pairs[id(each)] in recorded]
        if newly:
            state = self.store.add(state.pk, totals_of(newly), _epoch(newly, max) or self.clock())
        if opened and state.revision == 1 and len(newly) == len(fresh):
            # The new parent already shows exactly these totals, and no other batch has added since.
            self.store.mark_rendered(state.pk, state.revision)
            return
        self._repaint(key, state, session)

    def _render_parent(self, key: ThreadKey, state: ThreadState, totals: dict) -> dict:
        previous = ""
        if state.previous_ts:
            previous = permalink(
                self.destination.workspace_url(self.deadline),
                state.totals.get("previous_channel") or self.destination.channel_for(key.account),
                state.previous_ts,
            )
        return render_parent(
            totals, key.account, session_of(state.pk), self.options, updated=self._now(), earlier_session_url=previous
        )

    def _post_parent(self, key: ThreadKey, state: ThreadState, fresh: list[Occurrence]) -> ThreadState | None:
        """Post the claimed thread's parent with this batch's totals; None when it could not be posted."""
        posted, error, _ = self._post(self._render_parent(key, state, as_stored(totals_of(fresh))), "parent", key)
        if error:
            self.store.release(state.pk)
            self._settle(fresh, Status.FAILED, "parent", error)
            return None
        self.store.set_parent(state.pk, posted.channel, posted.ts)
        return state._replace(channel=posted.channel, ts=posted.ts)

    def _repost_parent(self, key: ThreadKey, state: ThreadState) -> ThreadState:
        """A new parent for a thread whose parent is gone; the session points at it from now on."""
        posted, error, _ = self._post(self._render_parent(key, state, state.totals), "parent (again)", key)
        if error:
            return state._replace(ts="")
        self.store.set_parent(state.pk, posted.channel, posted.ts)
        return state._replace(channel=posted.channel, ts=posted.ts)

    def _repaint_if_behind(self, key: ThreadKey, session: list[Occurrence]) -> None:
        """A batch delivered again after its parent's edit failed: edit it now."""
        for session_id in key.session_ids:
            state = self.store.read(thread_pk(key.account, session_id))
            if state and state.ts and state.rendered < state.revision:
                self._repaint(key, state, session)
                return

    def _repaint(self, key: ThreadKey, state: ThreadState, session: list[Occurrence]) -> None:
        """Edit the parent to the thread's totals; again while a concurrent batch has added since."""
        for _ in range(PARENT_RENDERS):
            error = self._update(self._render_parent(key, state, state.totals), key, state)
            if error:
                # The replies are posted and counted; SQS delivers the batch again, and the edit is retried.
                self._settle(session, Status.FAILED, "parent", error, overwrite=True)
                return
            self.store.mark_rendered(state.pk, state.revision)
            latest = self.store.read(state.pk)
            if latest is None or latest.revision <= state.revision:
                return
            state = latest

    def _update(self, payload: dict, key: ThreadKey, state: ThreadState) -> str:
        pacer = self.pacers.setdefault("chat.update", Pacer(SECONDS_BETWEEN_UPDATES))
        if out_of_time(pacer, self.deadline):
            return "no time left in the function's timeout to edit the parent message"
        pacer.wait()
        started = time.monotonic()
        try:
            self.destination.update(_posted(state), payload, self.deadline)
        except DeliveryError as error:
            if not is_message_gone(error):
                self._log_call("parent update", key, state.channel, started, error.reason)
                return error.reason
            # The parent was deleted (or can no longer be edited): post a new one and point the session at it.
            reposted = self._repost_parent(key, state)
            return "" if reposted.ts else "the parent message was gone and could not be posted again"
        finally:
            pacer.posted()
        self._log_call("parent update", key, state.channel, started, "")
        return ""

    def _may_mention(self, state: ThreadState, reply) -> bool:
        if not self.options.mention:
            return False
        record = reply.occurrences[0].record
        moment = record.event_time.timestamp() if record.event_time else self.clock()
        return self.store.claim_mention(state.pk, moment, MENTION_INTERVAL_SECONDS)

    # -- Slack --------------------------------------------------------------------------------------

    def _post(
        self,
        payload: dict,
        kind: str,
        key: ThreadKey,
        *,
        thread: Posted | None = None,
        broadcast: bool = False,
        events: int = 0,
    ) -> tuple[Posted | None, str, str]:
        """What was posted (None if not), why not and Slack's error code."""
        account = key.account
        channel = thread.channel if thread else self.destination.channel_for(account)
        pacer = self.pacers.setdefault(channel, Pacer())
        if self.destination.refusal:
            return None, self.destination.refusal, ""
        if out_of_time(pacer, self.deadline):
            return None, NO_TIME_LEFT, ""
        pacer.wait()
        started = time.monotonic()
        try:
            posted = self.destination.post(payload, self.deadline, account=account, thread=thread, broadcast=broadcast)
        except DeliveryError as error:
            self._log_call(kind, key, channel, started, error.reason, thread=thread, events=events)
            return None, error.reason, error.code
        finally:
            pacer.posted()
        self._log_call(kind, key, channel, started, "", thread=thread, broadcast=broadcast, events=events)
        return posted, "", ""

    def _send_unthreaded(self, left: list[Occurrence]) -> None:
        for planned in plan_messages(left):
            account = routing_account(planned)
            key = ThreadKey(account, (planned.session[1] if planned.session else "",))
            payload = render_planned(planned, self.options)
            error = self._post(payload, f"unthreaded {planned.kind}", key, events=len(planned.occurrences))[1]
            status = Status.FAILED if error else (Status.DELIVERED if planned.kind == "event" else Status.SUMMARIZED)
            self._settle(planned.occurrences, status, f"unthreaded:{planned.kind}", error)

    def _log_call(self, kind, key, channel, started, error, *, thread=None, broadcast=False, events=0) -> None:
        status = Status.FAILED if error else Status.DELIVERED
        log_line(
            "INFO" if status is Status.DELIVERED else "ERROR",
            "Slack message sent" if status is Status.DELIVERED else "Slack message NOT sent",
            kind=kind,
            events=events,
            account=key.account,
            session=key.session_ids[0],
            channel=channel,
            thread_ts=thread.ts if thread else None,
            broadcast=broadcast or None,
            outcome=status.value,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
            error=error or None,
        )

    # -- bookkeeping --------------------------------------------------------------------------------

    def _settle(self, occurrences, status: Status, kind: str | None, error: str, *, overwrite: bool = False) -> None:
        for each in occurrences:
            if overwrite or id(each) not in self.outcomes:
                self.outcomes[id(each)] = Outcome(each, status, kind, error)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=timezone.utc)


def _posted(state: ThreadState) -> Posted:
    return Posted(state.channel, state.ts)


def _epoch(occurrences: list[Occurrence], pick) -> float:
    """``pick`` (min or max) of the occurrences' event times, in epoch seconds; 0 when none has one."""
    return pick((each.record.event_time.timestamp() for each in occurrences if each.record.event_time), default=0)
