"""Deliver: POST a JSON payload to Slack (an incoming webhook, or a Web API method through
slack/web_api.py), retrying only what is worth retrying.

* 200: delivered.
* 429: wait ``Retry-After`` (Slack allows about one message a second per webhook), then retry.
* 5xx, timeouts, connection errors: back off with full jitter and retry.
* any other 4xx (``invalid_payload``, ``channel_not_found``, ``no_service`` …): fail at once with
  Slack's reason, because retrying cannot help.

Every retry must fit in the time left (the Lambda's remaining time, less a margin); when it does
not, DeliveryError is raised so that the event is retried and, in the end, kept in the dead-letter
queue. The webhook URL and the bot token are secrets: neither appears in an error message.

A Web API method answers HTTP 200 even when it refuses (``{"ok": false, "error": …}``): its caller
passes ``judge`` to read the answer and say whether to retry or fail.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import time
import urllib.error
import urllib.request
from collections import namedtuple

from ..shared.deadline import Deadline

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

USER_AGENT = "terraform-aws-root-activity-notifier"
REDACTED = "<webhook URL redacted>"


class DeliveryError(RuntimeError):
    """Slack did not accept the message. ``reason`` is Slack's answer or what went wrong."""

    def __init__(self, reason: str, *, attempts: int, status: int | None = None, code: str = "") -> None:
        self.reason = reason
        self.attempts = attempts
        self.status = status
        self.code = code  # the Web API's error, such as "channel_not_found"; empty for a webhook
        suffix = "attempt" if attempts == 1 else "attempts"
        super().__init__(f"Slack did not accept the message after {attempts} {suffix}: {reason}")


# Seconds. safety_margin: stop retrying this long before the deadline, so the function can still
# log and report the failure.
RetryPolicy = namedtuple(
    "RetryPolicy", ["attempt_timeout", "base_delay", "max_delay", "safety_margin"], defaults=[10.0, 0.5, 8.0, 1.0]
)

DEFAULT_RETRY_POLICY = RetryPolicy()

# status: Slack's HTTP status; attempts: how many POSTs it took; answer: what judge made of the
# answer's body (None without a judge).
DeliveryResult = namedtuple("DeliveryResult", ["status", "attempts", "answer"], defaults=[None])

# What a judge says of a 2xx answer: accept (value is kept as DeliveryResult.answer), retry after
# backing off, or fail at once (reason and code as DeliveryError's).
Verdict = namedtuple("Verdict", ["outcome", "value", "reason", "code"], defaults=[None, "", ""])
ACCEPT, RETRY, FAIL = "accept", "retry", "fail"


def post_message(
    webhook_url: str,
    payload: dict[str, Any],
    deadline: Deadline,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    *,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[float, float], float] = random.uniform,
) -> DeliveryResult:
    """Deliver ``payload`` to an incoming webhook; return how it went or raise DeliveryError with Slack's reason."""
    return post_json(webhook_url, payload, deadline, policy, sleep=sleep, jitter=jitter)


def post_json(
    url: str,
    payload: dict[str, Any],
    deadline: Deadline,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    *,
    headers: dict[str, str] | None = None,
    judge: Callable[[str], Verdict] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[float, float], float] = random.uniform,
) -> DeliveryResult:
    """POST ``payload`` as JSON with the retry policy; ``judge`` reads a 2xx answer's body."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    attempts = 0
    while True:
        attempts += 1
        budget = deadline.remaining() - policy.safety_margin
        if budget <= 0:
            raise DeliveryError("no time left in the function's timeout to try again", attempts=attempts - 1)
        status, reason, retry_after = _attempt(url, body, min(policy.attempt_timeout, budget), headers)
        code = ""
        if status is not None and 200 <= status < 300:
            verdict = judge(reason) if judge else Verdict(ACCEPT)
            if verdict.outcome == ACCEPT:
                return DeliveryResult(status=status, attempts=attempts, answer=verdict.value)
            if verdict.outcome == FAIL:
                raise DeliveryError(verdict.reason, attempts=attempts, status=status, code=verdict.code)
            reason, code = verdict.reason, verdict.code
        elif status is not None and status < 500 and status != 429:
            raise DeliveryError(_http_reason(status, _shorten(reason)), attempts=attempts, status=status)

        if status == 429:
            wait = retry_after if retry_after is not None else policy.base_delay
        else:
            wait = jitter(0, min(policy.max_delay, policy.base_delay * 2 ** (attempts - 1)))
        if wait > deadline.remaining() - policy.safety_margin - 0.05:
            what = reason if code else _http_reason(status, _shorten(reason)) if status is not None else reason
            if status == 429:
                what += f" (Retry-After {wait:g} s is longer than the time left)"
            raise DeliveryError(what, attempts=attempts, status=status, code=code)
        sleep(wait)


def _attempt(
    url: str, body: bytes, timeout: float, headers: dict[str, str] | None
) -> tuple[int | None, str, float | None]:
    """One POST. Returns (status or None for a network failure, Slack's answer, Retry-After)."""
    request = urllib.request.Request(  # noqa: S310 - https, or http on loopback only (config.check_slack_url)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - same URL as above
            return response.status, _read_reason(response), None
    except urllib.error.HTTPError as error:
        try:
            retry_after = parse_retry_after(error.headers.get("Retry-After") if error.headers else None)
            return error.code, _read_reason(error), retry_after
        finally:
            with contextlib.suppress(Exception):
                error.close()
    except urllib.error.URLError as error:
        return None, _redact(f"connection failed: {error.reason}", url), None
    except TimeoutError:
        return None, f"no answer within {timeout:.1f} s", None
    except (ConnectionError, OSError) as error:
        return None, _redact(f"connection failed: {error}", url), None


# A Web API answer echoes the message it posted (blocks and all); a webhook's is a word.
_MAX_ANSWER_BYTES = 256 * 1024


def _read_reason(response: Any) -> str:
    try:
        return response.read(_MAX_ANSWER_BYTES).decode("utf-8", errors="replace").strip()
    except (OSError, ValueError):
        return ""


def _shorten(reason: str) -> str:
    return reason[:500]


def _http_reason(status: int | None, reason: str) -> str:
    return f"HTTP {status} {reason}".rstrip() if reason else f"HTTP {status}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # rare: only for an HTTP-date Retry-After

        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None:
            return None
        seconds = moment.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def _redact(message: str, url: str) -> str:
    return message.replace(url, REDACTED) if url else message
