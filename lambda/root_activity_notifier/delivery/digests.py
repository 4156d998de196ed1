"""Deliver to an incoming webhook with the session table: a root session is a few messages, however
long it runs and however fast.

* A session's **first** batch is posted at once, as it always was (core/sessions.py's plan: sign-ins and
  critical events alone, a few other calls alone or one summary).
* After that, an event of a **new kind** that deserves a message of its own (a sign-in, an
  sts:AssumeRoot call, a critical event) is posted at once, once per kind (shared/occurrence.py, kind_of).
* Everything else is **held**: counted, exactly, into the session's totals, and posted as one
  **digest** at most every ``digest_minutes`` (event time): by the batch that finds the digest due,
  or by a follow-up the function sends itself (state/follow_up.py) for when no batch comes.

Across sessions, a batch posts the most severe first, and what does not fit folds into one message,
as without the table.
"""

from __future__ import annotations

from collections import namedtuple

from ..core.sessions import plan_sessions
from ..core.threads import ThreadKey
from ..render.parent import render_digest
from ..render.planned import render_planned
from ..shared.log import log_line
from ..shared.occurrence import deserves_own_message, kind_of, urgency
from ..shared.outcomes import Status
from ..state.store import StoreUnavailable, account_of, session_of, thread_pk
from .stateful import SessionDelivery, event_epoch, message_key

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..core.sessions import Occurrence
    from ..state.store import ThreadState

# What one session's share of a batch comes to: its key and state, each event's key in the table,
# the events to post now (as a session's first batch when it opens, else a message each), the events
# held for the digest, the kind each message-worthy event announces (by id), and whether this batch
# opens the session.
SessionPlan = namedtuple("SessionPlan", ["key", "state", "pairs", "at_once", "held", "kinds", "opened"])

# A digest that could not be posted is tried again by a follow-up this much later.
DIGEST_RETRY_SECONDS = 60
HELD = "held for the session's digest"
DIGEST_NOT_OUT = "the session's digest could be neither posted nor scheduled"


class DigestDelivery(SessionDelivery):
    def __init__(self, *arguments, digest_minutes: int = 5, **options) -> None:
        super().__init__(*arguments, **options)
        self.digest_seconds = digest_minutes * 60
        self.digest_minutes = digest_minutes

    def _deliver(self, sessions: list, max_messages: int | None) -> None:
        plans: dict[str, SessionPlan] = {}  # by the session's key in the table
        unthreaded = []
        for key, session in sessions:
            try:
                plan = self._plan(key, session, plans)
            except StoreUnavailable as error:
                unthreaded += self._store_failed(key, session, error)
                continue
            if plan is not None:
                plans[plan.state.pk] = plan
        plans = list(plans.values())
        self._post_messages(plans, max_messages)
        for plan in plans:
            try:
                self._finish(plan)
            except StoreUnavailable as error:
                # What was held and is not counted yet is posted now rather than lost.
                unthreaded += self._store_failed(plan.key, plan.held, error)
        if unthreaded:
            self._send_unthreaded(unthreaded, max_messages)

    def follow_up(self, session: str) -> bool:
        """Post the session's digest if anything is held for it."""
        try:
            state = self.store.read(session)
            if state is None:
                return True
            key = ThreadKey(account_of(state.pk), (session_of(state.pk),))
            return self._digest(key, state, state.totals.get("last_time") or self.clock(), due_now=True)
        except StoreUnavailable as error:
            log_line("WARNING", "follow-up not made: session state unavailable", session=session, error=str(error))
            return False

    # -- planning -----------------------------------------------------------------------------------

    def _plan(self, key: ThreadKey, session: list[Occurrence], opening: dict[str, SessionPlan]) -> SessionPlan | None:
        """What the session posts now and holds. A session that joins one this batch opens (an alias:
        another key from the sign-in's IP) is planned with it, as one opening. A batch counted
        already (SQS delivering it again) posts the session's digest if it is still owed."""
        pairs, fresh = self._fresh(session)
        if not fresh:
            state = self.store.read(thread_pk(key.account, key.session_ids[0]))
            if (
                state is not None
                and state.ts
                and not self._digest(key, state, event_epoch(session, max) or self.clock())
            ):
                self._settle(session, Status.FAILED, HELD, DIGEST_NOT_OUT, again=True)
            return None
        first = event_epoch(fresh, min) or self.clock()
        state = self.store.open_thread(key.account, list(key.session_ids), first, mine=opening)
        joined = opening.get(state.pk)
        if joined is not None and joined.opened:
            return joined._replace(pairs={**joined.pairs, **pairs}, at_once=joined.at_once + fresh)
        if state.owner:
            return SessionPlan(key, state, pairs, fresh, [], {}, True)
        at_once, held, kinds = [], [], {}
        for each in sorted(fresh, key=lambda each: urgency((each,))):
            kind = kind_of(each)
            if (
                deserves_own_message(each.record, each.classification)
                and kind not in state.shown["announced"]
                and kind not in kinds.values()
                and self.store.claim_kind(state.pk, kind)
            ):
                kinds[id(each)] = kind
                at_once.append(each)
            else:
                held.append(each)
        if joined is not None:  # another key of the batch already joined this live session
            return joined._replace(
                pairs={**joined.pairs, **pairs},
                at_once=joined.at_once + at_once,
                held=joined.held + held,
                kinds={**joined.kinds, **kinds},
            )
        return SessionPlan(key, state, pairs, at_once, held, kinds, False)

    # -- posting ------------------------------------------------------------------------------------

    def _post_messages(self, plans: list[SessionPlan], max_messages: int | None) -> None:
        """Every session's messages, most severe first; past ``max_messages``, one fold."""
        for planned in plan_sessions([(plan.at_once, not plan.opened) for plan in plans], max_messages):
            account, session_id = planned.session or ("", "fold")
            key = ThreadKey(account, (session_id,))
            claim = message_key(key, planned.kind, planned.occurrences)
            sent = self._post(render_planned(planned, self.options), planned.kind, key, claim=claim,
                              events=len(planned.occurrences))  # fmt: skip
            done = Status.DELIVERED if planned.kind == "event" else Status.SUMMARIZED
            kind = planned.kind + (" (posted by a concurrent invocation)" if sent.by_another else "")
            self._settle(planned.occurrences, Status.FAILED if sent.error else done, kind, sent.error)

    def _finish(self, plan: SessionPlan) -> None:
        """Count what the session showed and held; release what failed; post its digest when due."""
        state = plan.state
        shown = plan.at_once
        posted = [each for each in shown if self.outcomes[id(each)].status is not Status.FAILED]
        if plan.opened:
            if not posted:
                self.store.release(state.pk)
                return
            state, _ = self._record(state, plan.pairs, posted)
            for each in posted:
                if deserves_own_message(each.record, each.classification):
                    self.store.claim_kind(state.pk, kind_of(each))
            self.store.mark_opened(state.pk, event_epoch(posted, max) or self.clock(), int(state.totals["calls"]))
            return
        for each in shown:
            if self.outcomes[id(each)].status is Status.FAILED:
                self.store.unclaim_kind(state.pk, plan.kinds[id(each)])
        state, newly = self._record(state, plan.pairs, posted + plan.held)
        shown_now = sum(1 for each in newly if id(each) in plan.kinds)
        if shown_now:
            state = self.store.mark_shown(state.pk, shown_now)
        if self._digest(plan.key, state, event_epoch(plan.held + posted, max) or self.clock()):
            self._settle(plan.held, Status.SUMMARIZED, HELD, "")
        else:  # counted, but neither posted nor scheduled: SQS brings them again, and with them the digest
            self._settle(plan.held, Status.FAILED, HELD, DIGEST_NOT_OUT)

    def _digest(self, key: ThreadKey, state: ThreadState, now: float, *, due_now: bool = False) -> bool:
        """Post the session's digest if it is due, or schedule a follow-up for when it is; False when
        it is owed and neither happened."""
        calls, digested = int(state.totals["calls"]), state.shown["digested"]
        if calls <= digested:
            return True
        wait = state.shown["digest_at"] + self.digest_seconds - now
        if not due_now and wait > 0 and self._schedule(state, wait):
            return True
        if not self.store.claim_digest(state.pk, digested, calls, now):
            return True  # a concurrent invocation posts it
        payload = render_digest(state.totals, key.account, key.session_ids[0], self.options, since=calls - digested,
                                updated=self._now(), digest_minutes=self.digest_minutes)  # fmt: skip
        sent = self._post(payload, "digest", key, events=calls - digested)
        if sent.error:
            self.store.unclaim_digest(state.pk, digested, calls)
            return self._schedule(state, DIGEST_RETRY_SECONDS)
        return True
