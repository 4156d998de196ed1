"""Delivery against a real HTTP server on loopback standing in for Slack."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug import Response

from harness.network import free_port
from root_activity_notifier.shared.deadline import Deadline
from root_activity_notifier.slack.http import DeliveryError, RetryPolicy, parse_retry_after, post_message

PAYLOAD = {"text": "hello", "blocks": []}
FAST = RetryPolicy(attempt_timeout=2.0, base_delay=0.05, max_delay=0.2, safety_margin=0.1)


def webhook(httpserver):
    return httpserver.url_for("/services/T000/B000/XXXX")


def test_success_posts_json(httpserver):
    httpserver.expect_oneshot_request("/services/T000/B000/XXXX", method="POST").respond_with_data("ok")
    result = post_message(webhook(httpserver), PAYLOAD, Deadline.after(10), FAST)
    assert result.attempts == 1 and result.status == 200
    ((request, _),) = httpserver.log
    assert request.headers["Content-Type"].startswith("application/json")
    assert json.loads(request.data) == PAYLOAD


def test_429_waits_retry_after_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/services/T000/B000/XXXX").respond_with_response(
        Response("rate_limited", status=429, headers={"Retry-After": "1"})
    )
    httpserver.expect_ordered_request("/services/T000/B000/XXXX").respond_with_data("ok")
    slept = []
    result = post_message(webhook(httpserver), PAYLOAD, Deadline.after(10), FAST, sleep=slept.append)
    assert result.attempts == 2
    assert slept == [1.0]


def test_429_with_retry_after_beyond_the_deadline_fails_now(httpserver):
    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_response(
        Response("rate_limited", status=429, headers={"Retry-After": "60"})
    )
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="Retry-After 60 s is longer than the time left") as failure:
        post_message(webhook(httpserver), PAYLOAD, Deadline.after(5), FAST)
    assert failure.value.status == 429 and failure.value.attempts == 1
    assert time.monotonic() - started < 2


def test_5xx_then_success(httpserver):
    for _ in range(2):
        httpserver.expect_ordered_request("/services/T000/B000/XXXX").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/services/T000/B000/XXXX").respond_with_data("ok")
    result = post_message(webhook(httpserver), PAYLOAD, Deadline.after(10), FAST)
    assert result.attempts == 3


def test_persistent_5xx_raises_within_the_time_budget(httpserver):
    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_data("service_unavailable", status=503)
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="HTTP 503 service_unavailable") as failure:
        post_message(webhook(httpserver), PAYLOAD, Deadline.after(1.5), FAST)
    elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert failure.value.attempts > 2


def test_404_channel_not_found_fails_at_once_with_slacks_reason(httpserver):
    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_data("channel_not_found", status=404)
    with pytest.raises(DeliveryError) as failure:
        post_message(webhook(httpserver), PAYLOAD, Deadline.after(10), FAST)
    assert failure.value.attempts == 1
    assert failure.value.reason == "HTTP 404 channel_not_found"
    assert len(httpserver.log) == 1


def test_400_invalid_payload_fails_at_once(httpserver):
    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_data("invalid_payload", status=400)
    with pytest.raises(DeliveryError, match="invalid_payload"):
        post_message(webhook(httpserver), PAYLOAD, Deadline.after(10), FAST)
    assert len(httpserver.log) == 1


def test_connection_refused_is_retried_then_raised_without_the_url():
    url = f"http://127.0.0.1:{free_port()}/services/T000/B000/SECRET"
    with pytest.raises(DeliveryError) as failure:
        post_message(url, PAYLOAD, Deadline.after(1.0), FAST)
    assert failure.value.attempts >= 2
    assert "connection failed" in failure.value.reason
    assert "SECRET" not in str(failure.value)


def test_timeout_is_retried_and_bounded(httpserver):
    def slow(_request):
        time.sleep(0.6)
        return Response("ok")

    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_handler(slow)
    policy = RetryPolicy(attempt_timeout=0.2, base_delay=0.01, max_delay=0.02, safety_margin=0.1)
    started = time.monotonic()
    with pytest.raises(DeliveryError):
        post_message(webhook(httpserver), PAYLOAD, Deadline.after(1.0), policy)
    assert time.monotonic() - started < 1.0


def test_no_time_left_means_no_attempt():
    with pytest.raises(DeliveryError, match="no time left") as failure:
        post_message("https://hooks.slack.com/services/x", PAYLOAD, Deadline.after(0.05), FAST)
    assert failure.value.attempts == 0


def test_backoff_uses_jitter_and_grows(httpserver):
    httpserver.expect_request("/services/T000/B000/XXXX").respond_with_data("oops", status=500)
    ceilings = []

    def jitter(low, high):
        ceilings.append(high)
        return 0.0

    with pytest.raises(DeliveryError):
        post_message(webhook(httpserver), PAYLOAD, Deadline.after(0.8), RetryPolicy(0.5, 0.05, 0.2, 0.1), jitter=jitter)
    assert ceilings[:3] == [0.05, 0.1, 0.2] and max(ceilings) == 0.2


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("0", 0.0), (" 1.5 ", 1.5), ("nonsense", None), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after(header, expected):
    assert parse_retry_after(header) == expected
