"""Follow up: a delayed message from the function to itself, on its own sign-ins-and-changes queue,
so that what a root session holds (a webhook's digest) or owes (a parent edit that ran out of time)
is done later without anything polling: ``{"root_activity_notifier": "follow_up", "session": pk}``.

A follow-up carries only the session's key: what is posted is read from the session table, so a
follow-up that someone else sent can at most make a digest of real activity come early.
"""

from __future__ import annotations

import json

from ..core.events import FOLLOW_UP, UNANSWERED
from ..shared.log import log_line

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MAX_DELAY_SECONDS = 900  # SQS's longest delay


class FollowUps:
    """Sends follow-ups to ``queue_url`` (none without one: the caller then does the work at once)."""

    def __init__(self, queue_url: str, client_factory: Callable[[], Any] | None = None) -> None:
        self.queue_url = queue_url
        self._client_factory = client_factory or _default_client
        self._client = None

    def schedule(self, session: str, delay_seconds: float) -> bool:
        """Whether the follow-up is on its way (in ``delay_seconds``, at most SQS's 15 minutes)."""
        return self._send({"root_activity_notifier": FOLLOW_UP, "session": session}, delay_seconds, session)

    def schedule_check(self, session: str, kind: str, delay_seconds: float) -> bool:
        """Whether a check that the critical ``kind`` of ``session`` was answered is on its way."""
        return self._send(
            {"root_activity_notifier": UNANSWERED, "session": session, "kind": kind}, delay_seconds, session
        )

    def _send(self, document: dict, delay_seconds: float, session: str) -> bool:
        if not self.queue_url:
            return False
        delay = int(min(max(delay_seconds, 1), MAX_DELAY_SECONDS))
        body = json.dumps(document)
        try:
            if self._client is None:
                self._client = self._client_factory()
            self._client.send_message(QueueUrl=self.queue_url, MessageBody=body, DelaySeconds=delay)
        except Exception as error:  # noqa: BLE001 - any failure: the caller does the work now instead
            log_line("WARNING", "follow-up not scheduled; done now instead", session=session, error=repr(error)[:300])
            return False
        return True


def _default_client() -> Any:
    import os

    import boto3  # present in every Lambda Python runtime
    from botocore.config import Config

    from .store import CLIENT_TIMEOUTS

    return boto3.client("sqs", region_name=os.environ.get("AWS_REGION") or None, config=Config(**CLIENT_TIMEOUTS))
