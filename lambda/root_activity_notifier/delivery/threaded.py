"""Deliver in Slack app mode: carry out core/threads.py's plan for each root session of a batch, with its
thread remembered in state/store.py and Slack called through the destination.

For each session, most urgent first: drop the events its thread has counted already (SQS delivers
at least once); find its live thread, or claim a new one and post the parent (a concurrent
invocation that loses the claim replies in the winner's thread); post the replies, each claimed
first; count what was posted, exactly once, into the thread's totals; edit the parent to show them.

The channel sees at most the parent and what raises the session's worst severity to critical (a
reply broadcast): the rest of the criticals go into the thread and the parent's headline, which
names the worst the session did. A reply Slack puts at the channel's top level (its parent was
deleted) is taken back and posted again under a new parent. A parent edit that fails or has no time
left never fails the replies Slack took: it is owed, and made by a follow-up or the next batch.
"""

from __future__ import annotations

import contextlib

from ..core.threads import MENTION_INTERVAL_SECONDS, ThreadKey, ThreadPlan, plan_thread
from ..render.parent import permalink, render_parent
from ..render.planned import render_planned
from ..shared.log import log_line
from ..shared.outcomes import Status
from ..shared.severity import SEVERITY_RANK, Severity
from ..slack.destination import Posted
from ..slack.http import DeliveryError
from ..slack.web_api import is_message_gone
from ..state.store import StoreUnavailable, account_of, session_of, thread_pk
from .pacing import NO_TIME_LEFT, NO_TURN
from .stateful import Sent, SessionDelivery, event_epoch, message_key

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..core.sessions import Occurrence
    from ..state.store import ThreadState

# A reply's parent is gone (deleted): the thread gets a new parent.
THREAD_GONE = frozenset({"thread_not_found", "message_not_found"})
PARENT_RENDERS = 3  # a parent is edited again while a concurrent batch has added to its totals since
# A parent edit owed (it failed, or no time was left) is made by a follow-up this much later.
REPAINT_FOLLOW_UP_SECONDS = 30
_BROADCAST_RANK = SEVERITY_RANK[Severity.CRITICAL]


class ThreadedDelivery(SessionDelivery):
    bounded = False  # a thread holds any number of events

    def _deliver(self, sessions: list, max_messages: int | None) -> None:  # noqa: ARG002 - not bounded
        for key, session in sessions:
            try:
                self._send_session(key, session)
            except StoreUnavailable as error:
                self._send_unthreaded(self._store_failed(key, session, error))

    def follow_up(self, session: str) -> bool:
        """Make the parent edit the session owes."""
        try:
            state = self.store.read(session)
            if state is None or not state.ts or state.rendered >= state.revision:
                return True
            return not self._repaint(ThreadKey(account_of(state.pk), (session_of(state.pk),)), state)
        except StoreUnavailable as error:
            log_line("WARNING", "follow-up not made: session state unavailable", session=session, error=str(error))
            return False

    # -- one session --------------------------------------------------------------------------------

    def _send_session(self, key: ThreadKey, session: list[Occurrence]) -> None:
        if self.destination.refusal:
            self._settle(session, Status.FAILED, None, self.destination.refusal)
            return
        pairs, fresh = self._fresh(session)
        if not fresh:
            self._repaint_if_behind(key)
            return
        plan = plan_thread(fresh, key)
        first_time = event_epoch(fresh, min) or self.clock()
        state = self.store.open_thread(key.account, list(key.session_ids), first_time)
        opened = state.owner
        if opened:
            state = self._post_parent(key, state, fresh, plan)
            if state is None:
                return
        posted = []
        try:
            for reply in plan.replies:
                if self.out_of_time:  # the rest is reported for redelivery: the time left counts what is out
                    self._settle(reply.occurrences, Status.FAILED, f"reply:{reply.kind}", NO_TIME_LEFT)
                    continue
                state, sent = self._reply(key, state, reply)
                done = Status.DELIVERED if reply.kind == "event" else Status.SUMMARIZED
                kind = f"reply:{reply.kind}" + (" (posted by a concurrent invocation)" if sent.by_another else "")
                self._settle(reply.occurrences, Status.FAILED if sent.error else done, kind, sent.error)
                if not sent.error:  # posted by this invocation or another: counted once either way
                    posted += reply.occurrences
        except StoreUnavailable:
            if posted:  # what is out is counted, if the table still answers; the rest goes on as it can
                with contextlib.suppress(StoreUnavailable):
                    self._record(state, pairs, posted)
            raise
        if not posted:
            return
        state, newly = self._record(state, pairs, posted, plan.totals if len(posted) == len(fresh) else None)
        if opened and state.revision == 1 and len(newly) == len(fresh):
            # The new parent already shows exactly these totals, and no other batch has added since.
            self.store.mark_rendered(state.pk, state.revision)
            return
        self._repaint(key, state)

    def _reply(self, key: ThreadKey, state: ThreadState, reply) -> tuple[ThreadState, Sent]:
        """Post one reply in the session's thread (claimed first); a new parent when the old is gone."""
        shown = state.shown["worst"]
        broadcast = reply.broadcast and self.store.claim_raise(state.pk, _BROADCAST_RANK)
        options = self.options
        if not (broadcast and self._may_mention(state, reply)):
            options = options._replace(mention="")
        payload = render_planned(reply.message, options)
        details = {"broadcast": broadcast, "events": len(reply.occurrences)}
        claim = message_key(key, f"reply:{reply.kind}", reply.occurrences)
        sent = self._post(payload, reply.kind, key, claim=claim, thread=_posted(state), **details)
        stray = sent.posted is not None and sent.posted.thread_ts != state.ts
        if sent.code in THREAD_GONE or stray:
            # The parent was deleted: Slack refused the reply, or (as it does) put it at the channel's
            # top level. Take a stray back, post the parent again (its totals so far), reply under it.
            if stray:
                self._take_back(key, sent.posted)
            state = self._repost_parent(key, self.store.read(state.pk) or state)
            if state.ts:
                sent = self._post(payload, reply.kind, key, thread=_posted(state), **details)
        if sent.error and broadcast:
            self.store.unclaim_raise(state.pk, _BROADCAST_RANK, shown)
        return state, sent

    def _take_back(self, key: ThreadKey, stray: Posted, what: str = "a reply put at the channel's top level") -> None:
        where = {"account": key.account, "session": key.session_ids[0], "channel": stray.channel, "ts": stray.ts}
        try:
            self.destination.delete(stray, self.deadline)
        except DeliveryError as error:
            log_line("WARNING", f"{what} could not be deleted", **where, error=error.reason)
            return
        log_line("INFO", f"{what} was taken back", **where)

    def _render_parent(self, key: ThreadKey, state: ThreadState, totals: dict, *, mention: str = "") -> dict:
        return parent_payload(
            self.destination, self.deadline, self.options, key.account, state, totals, self._now(), mention=mention
        )

    def _post_parent(
        self, key: ThreadKey, state: ThreadState, fresh: list[Occurrence], plan: ThreadPlan
    ) -> ThreadState | None:
        """Post the claimed thread's parent with this batch's totals; None when it could not be posted.
        A critical parent carries the mention (at most every MENTION_INTERVAL_SECONDS)."""
        rank = SEVERITY_RANK[plan.totals.worst]
        mention = ""
        if rank == _BROADCAST_RANK and self.options.mention:
            moment = event_epoch(fresh, min) or self.clock()
            if self.store.claim_mention(state.pk, moment, MENTION_INTERVAL_SECONDS):
                mention = self.options.mention
        sent = self._post(self._render_parent(key, state, plan.parent, mention=mention), "parent", key)
        if sent.error:
            self.store.release(state.pk)
            self._settle(fresh, Status.FAILED, "parent", sent.error)
            return None
        try:
            self.store.set_parent(state.pk, sent.posted.channel, sent.posted.ts)
        except StoreUnavailable:
            self._take_back(key, sent.posted, "a parent the session table could not record")
            raise
        self.store.claim_raise(state.pk, rank)
        return state._replace(channel=sent.posted.channel, ts=sent.posted.ts)

    def _repost_parent(self, key: ThreadKey, state: ThreadState) -> ThreadState:
        """A new parent for a thread whose parent is gone; the session points at it from now on."""
        sent = self._post(self._render_parent(key, state, state.totals), "parent (again)", key)
        if sent.error:
            return state._replace(ts="")
        self.store.set_parent(state.pk, sent.posted.channel, sent.posted.ts)
        return state._replace(channel=sent.posted.channel, ts=sent.posted.ts)

    def _repaint_if_behind(self, key: ThreadKey) -> None:
        """A batch delivered again after its parent's edit failed: edit it now."""
        for session_id in key.session_ids:
            state = self.store.read(thread_pk(key.account, session_id))
            if state and state.ts and state.rendered < state.revision:
                self._repaint(key, state)
                return

    def _repaint(self, key: ThreadKey, state: ThreadState) -> str:
        """Edit the parent to the thread's totals; again while a concurrent batch has added since.
        An edit that fails is owed (a follow-up makes it), never a failure of the replies: "" or why."""
        for _ in range(PARENT_RENDERS):
            error = self._update(self._render_parent(key, state, state.totals), key, state)
            if error:
                scheduled = self._schedule(state, REPAINT_FOLLOW_UP_SECONDS)
                log_line(
                    "WARNING",
                    "parent message not updated; a follow-up will" if scheduled else "parent message not updated",
                    account=key.account,
                    session=key.session_ids[0],
                    channel=state.channel,
                    thread_ts=state.ts,
                    follow_up=scheduled,
                    error=error,
                )
                return error
            self.store.mark_rendered(state.pk, state.revision)
            latest = self.store.read(state.pk)
            if latest is None or latest.revision <= state.revision:
                return ""
            state = latest
        return ""

    def _update(self, payload: dict, key: ThreadKey, state: ThreadState) -> str:
        updated, started, failure = self._in_turn(
            self._pacer("chat.update", "chat.update"),
            lambda: self.destination.update(_posted(state), payload, self.deadline),
        )
        if failure is not None:
            if not is_message_gone(failure):
                self._log_call("parent update", key, state.channel, started, failure.reason)
                return failure.reason
            # The parent was deleted (or can no longer be edited): post a new one and point the session at it.
            reposted = self._repost_parent(key, state)
            return "" if reposted.ts else "the parent message was gone and could not be posted again"
        if updated is NO_TURN:
            return "no time left in the function's timeout to edit the parent message"
        self._log_call("parent update", key, state.channel, started, "")
        return ""

    def _may_mention(self, state: ThreadState, reply) -> bool:
        if not self.options.mention:
            return False
        record = reply.occurrences[0].record
        moment = record.event_time.timestamp() if record.event_time else self.clock()
        return self.store.claim_mention(state.pk, moment, MENTION_INTERVAL_SECONDS)


def parent_payload(destination, deadline, options, account: str, state: ThreadState, totals: dict, now, *, mention=""):  # noqa: PLR0917 - one call site each, both in this order
    """A thread's parent as ``state`` and ``totals`` have it: with a link to the idle session it
    follows, and the answer given from Slack (delivery/answers.py edits it the same way)."""
    previous = ""
    if state.previous_ts:
        previous = permalink(
            destination.workspace_url(deadline),
            state.totals.get("previous_channel") or destination.channel_for(account),
            state.previous_ts,
        )
    return render_parent(
        totals,
        account,
        session_of(state.pk),
        options,
        updated=now,
        earlier_session_url=previous,
        mention=mention,
        answer=state.answer,
        answer_key=state.pk,
    )


def _posted(state: ThreadState) -> Posted:
    return Posted(state.channel, state.ts)
