"""Escalate: publish each page the batch owes (core/escalation.py) to the on-call topic, before Slack.

A page never waits for Slack: it is published first, so a Slack that is down, slow or refusing the
token delays no one's pager. With the session table each page is claimed before it is published and
marked after (the table's message claims), so a batch delivered again, or two invocations at once,
page once. A page not published leaves its SQS messages failed: SQS delivers them again, Slack's
claims keep the channel from hearing it twice, and the page is tried again. When the table cannot
be read, the page goes anyway: a second page is better than none.

When someone can answer in Slack (interactivity, with the session table and the follow-up queue), a
page waits ``after_minutes`` for an answer instead: a delayed check on the function's own queue
(state/follow_up.py) pages then unless the session was answered "Expected" for everything critical
it did ("Not expected" has paged already). A page whose question did not reach Slack, since Slack
did not take the session's messages, is published at once: nobody could answer it.
"""

from __future__ import annotations

import contextlib

from ..core.escalation import pages_of
from ..render.page import render_page, render_unanswered_page
from ..render.parent import permalink
from ..shared.deadline import Deadline
from ..shared.log import log_line
from ..state.store import StoreUnavailable, account_of, session_of, thread_pk

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from ..core.escalation import Page
    from ..core.sessions import Occurrence
    from ..render.event import RenderOptions
    from ..state.follow_up import FollowUps
    from ..state.store import SessionStore

# SNS Publish's client timeouts (state/store.py's CLIENT_TIMEOUTS) take at most this long.
PUBLISH_SECONDS = 7.0
# The most a delayed check waits for Slack to say its workspace's address, to link the page.
LINK_SECONDS = 2.0


class Escalation:
    """Pages on-call through the SNS topic ``topic_arn``; ``store`` (the session table, or None)
    makes each page once across batches."""

    def __init__(
        self,
        topic_arn: str,
        options: RenderOptions,
        deadline: Deadline,
        store: SessionStore | None = None,
        client_factory: Callable[[], Any] | None = None,
        *,
        follow_ups: FollowUps | None = None,
        after_minutes: int = 0,
    ) -> None:
        self.topic_arn = topic_arn
        self.options = options
        self.deadline = deadline
        self.store = store
        self._client_factory = client_factory or (lambda: _default_client(topic_arn.split(":")[3]))
        self._client = None
        self.follow_ups = follow_ups
        # Waiting for an answer needs someone to answer, the table to read it and the queue to come back.
        waits = options.interactive and store is not None and follow_ups is not None and follow_ups.queue_url
        self.after_minutes = after_minutes if waits else 0
        self.configured_minutes = after_minutes  # what a check that comes back names
        self.waiting: list[Page] = []

    def escalate(self, batch: Iterable[Occurrence]) -> list[tuple[Page, str]]:
        """Publish every page ``batch`` owes, or schedule its check when someone can answer first;
        returns the pages neither published nor scheduled, each with why."""
        not_sent = []
        for page in pages_of(batch):
            if self.after_minutes and self.follow_ups.schedule_check(
                thread_pk(page.account, page.session), page.activity.value, self.after_minutes * 60
            ):
                self.waiting.append(page)
                log_line(
                    "INFO",
                    "on-call paged unless answered",
                    page=page.key,
                    kind=page.activity.value,
                    after_minutes=self.after_minutes,
                    outcome="waiting",
                )
                continue
            error = self._page(page)
            if error:
                not_sent.append((page, error))
        return not_sent

    def page_unseen(self, failed_message_ids: Iterable[str]) -> list[tuple[Page, str]]:
        """Publish at once each waiting page whose question Slack did not take (its messages failed)."""
        failed = set(failed_message_ids)
        not_sent = []
        for page in self.waiting:
            if any(message_id in failed for occurrence in page.occurrences for message_id in occurrence.message_ids):
                error = self._page(page)
                if error:
                    not_sent.append((page, error))
        return not_sent

    def check(self, session: str, kind: str, workspace_url: Callable[[Deadline], str] | None = None) -> str:
        """The delayed check: page ``kind`` of ``session`` unless it was answered; "" or why not paged.
        ``workspace_url`` (Slack app mode's) links the page to the session's parent: asked with at most
        LINK_SECONDS, so that a slow or down Slack delays the page little and never stops it."""
        try:
            state = self.store.read(session) if self.store is not None else None
        except StoreUnavailable as error:
            return f"the session table could not be read: {error}"  # SQS brings the check again
        critical = set(state.totals.get("critical_kinds", ())) if state else set()
        if state is None or not critical:
            log_line("WARNING", "unanswered check for no critical session; nothing paged", session=session, kind=kind)
            return ""
        answer = state.answer or {}
        if answer.get("kind") == "not_expected" or (
            answer.get("kind") == "expected" and critical <= set(answer.get("kinds", ()))
        ):
            log_line("INFO", "on-call not paged: answered in Slack", session=session, kind=kind, answer=answer["kind"])
            return ""
        account, session_id = account_of(session), session_of(session)
        link = self._link(state, workspace_url)
        return self.publish_once(
            f"page#{account}#{session_id}#{kind}",
            render_unanswered_page(
                account, session_id, kind, state.totals, self.options, self.configured_minutes, slack_link=link
            ),
            kind=kind,
            account=account,
            session=session_id,
            unanswered_minutes=self.configured_minutes,
        )

    def _link(self, state, workspace_url: Callable[[Deadline], str] | None) -> str:
        """The session's parent, when Slack says its workspace's address in time; else ""."""
        spare = self.deadline.remaining() - PUBLISH_SECONDS
        if workspace_url is None or not state.ts or spare <= 0:
            return ""
        return permalink(workspace_url(Deadline.after(min(LINK_SECONDS, spare))), state.channel, state.ts)

    def _page(self, page: Page) -> str:
        return self.publish_once(
            page.key,
            render_page(page, self.options),
            kind=page.activity.value,
            account=page.account,
            session=page.session,
            events=len(page.occurrences),
        )

    def publish_once(self, key: str, arguments: dict[str, Any], **logged: Any) -> str:
        """Publish ``arguments`` (SNS Publish's, but the topic) once for ``key``; "" or why not."""
        claim = self._claim(key)
        if claim == "posted":
            log_line("INFO", "on-call already paged", page=key, outcome="already_paged")
            return ""
        if claim == "busy":
            return "another invocation is paging it"
        if self.deadline.remaining() < PUBLISH_SECONDS:
            self._release(key, claim)
            return "no time left in the function's timeout to page"
        try:
            if self._client is None:
                self._client = self._client_factory()
            published = self._client.publish(TopicArn=self.topic_arn, **arguments)
        except Exception as error:  # noqa: BLE001 - any failure: SQS delivers the batch again
            self._release(key, claim)
            reason = f"SNS Publish failed: {str(error)[:300]}"
            log_line("ERROR", "on-call NOT paged", page=key, topic=self.topic_arn, error=reason, outcome="failed")
            return reason
        if claim == "mine":
            try:
                self.store.message_posted(key)
            except StoreUnavailable as error:
                log_line("WARNING", "page not marked as sent: a retry may page again", page=key, error=str(error))
        log_line(
            "INFO",
            "on-call paged",
            page=key,
            topic=self.topic_arn,
            **logged,
            sns_message_id=published.get("MessageId"),
            outcome="paged",
        )
        return ""

    def _claim(self, key: str) -> str:
        """ "mine", "posted" or "busy" from the table; "unclaimed" without one (or when it fails)."""
        if self.store is None:
            return "unclaimed"
        try:
            return self.store.claim_message(key)
        except StoreUnavailable as error:
            log_line("WARNING", "session table unavailable: paging without a claim", page=key, error=str(error))
            return "unclaimed"

    def _release(self, key: str, claim: str) -> None:
        if claim == "mine":
            with contextlib.suppress(StoreUnavailable):  # else the claim lapses after MESSAGE_CLAIM_SECONDS
                self.store.release_message(key)


def _default_client(region: str) -> Any:
    """An SNS client in the topic's own region (Publish goes to the topic's regional endpoint)."""
    import boto3  # present in every Lambda Python runtime
    from botocore.config import Config

    from ..state.store import CLIENT_TIMEOUTS

    return boto3.client("sns", region_name=region, config=Config(**CLIENT_TIMEOUTS))
