"""Escalate: publish each page the batch owes (core/escalation.py) to the on-call topic, before Slack.

A page never waits for Slack: it is published first, so a Slack that is down, slow or refusing the
token delays no one's pager. With the session table each page is claimed before it is published and
marked after (the table's message claims), so a batch delivered again, or two invocations at once,
page once. A page not published leaves its SQS messages failed: SQS delivers them again, Slack's
claims keep the channel from hearing it twice, and the page is tried again. When the table cannot
be read, the page goes anyway: a second page is better than none.
"""

from __future__ import annotations

import contextlib

from ..core.escalation import pages_of
from ..core.log import log_line
from ..render.page import render_page
from ..state.store import StoreUnavailable

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from ..core.deadline import Deadline
    from ..core.escalation import Page
    from ..core.sessions import Occurrence
    from ..render.event import RenderOptions
    from ..state.store import SessionStore

# SNS Publish's client timeouts (state/store.py's CLIENT_TIMEOUTS) take at most this long.
PUBLISH_SECONDS = 7.0


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
    ) -> None:
        self.topic_arn = topic_arn
        self.options = options
        self.deadline = deadline
        self.store = store
        self._client_factory = client_factory or (lambda: _default_client(topic_arn.split(":")[3]))
        self._client = None

    def escalate(self, batch: Iterable[Occurrence]) -> list[tuple[Page, str]]:
        """Publish every page ``batch`` owes; returns the pages not published, each with why."""
        not_sent = []
        for page in pages_of(batch):
            error = self._page(page)
            if error:
                not_sent.append((page, error))
        return not_sent

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
