"""Webhook mode with the session table: a root session's first messages at once, a critical of a new
kind at once, everything else held into one digest at most every NOTIFIER_DIGEST_MINUTES.

The handler runs against a webhook stand-in (scripts/slack_sink.py) and moto's DynamoDB and SQS.
Batches are cut as the module's two event source mappings cut them (harness.console_session).
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from harness.console_session import console_session, failed_events, hour_of_console_use, queue_batches, sqs_batch
from harness.fields import fields_of
from harness.invoke import LambdaContext
from harness.mappings import at_once
from harness.state import TABLE, deliver_follow_up
from root_activity_notifier.delivery import stateful as session_delivery
from root_activity_notifier.handler import lambda_handler
from slack_sink import SlackSink


@pytest.fixture
def sink():
    with SlackSink() as local:
        yield local


@pytest.fixture
def webhook_mode(monkeypatch, session_table, sink):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", sink.url)
    monkeypatch.setenv("SLACK_SESSION_TABLE", TABLE)
    for what in session_delivery.PACE_SECONDS:
        monkeypatch.setitem(session_delivery.PACE_SECONDS, what, 0.0)
    from root_activity_notifier.delivery.pacing import Pacer

    session_delivery.container_pacers()["webhook"] = Pacer(0.0)
    return sink


def deliver(events, *, timeout=60.0):
    return lambda_handler(sqs_batch(events), LambdaContext(timeout))


def texts(sink):
    return [message["text"] for message in sink.messages]


def digests(sink):
    return [message for message in sink.messages if "more calls" in message["text"]]


def at(event, moment):
    event = copy.deepcopy(event)
    event["time"] = event["detail"]["eventTime"] = moment
    return event


# The hour of console use, as the mappings hand it over.


def test_an_hour_of_console_use_is_fourteen_messages_with_exact_totals(webhook_mode, follow_up_queue):
    sent = follow_up_queue()
    events = hour_of_console_use()
    for batch in queue_batches(events):
        assert deliver(batch) == {"batchItemFailures": []}
    # The sign-in at once, CreateAccessKey (a new critical kind) at once, a digest each five minutes.
    assert len(webhook_mode.messages) == 13
    assert "without MFA" in texts(webhook_mode)[0]
    assert sum("CreateAccessKey" in text and "more calls" not in text for text in texts(webhook_mode)) == 1
    assert len(digests(webhook_mode)) == 11
    # The last batch's calls wait for the next digest: the follow-up posts it once, however often it comes.
    # one session: the sign-in's IP, which the console key's calls join
    assert sent and {json.loads(each["MessageBody"])["session"] for each in sent} == {
        "thread#111122223333#ip:203.0.113.64"
    }
    assert deliver_follow_up(sent[-1]) == {"batchItemFailures": []}
    assert deliver_follow_up(sent[-1]) == {"batchItemFailures": []}
    assert len(webhook_mode.messages) == 14
    last = fields_of(webhook_mode.messages[-1])
    assert (last["Calls"], last["Read-only"], last["Changes"]) == ("1226", "1200", "25")
    said = [int(re.search(r"(\d+) more calls", text).group(1)) for text in texts(webhook_mode) if "more calls" in text]
    assert sum(said) + 2 == 1226  # every call in exactly one message: the sign-in, the key, the digests


def test_a_digest_waits_for_its_cadence_then_says_what_came_since(webhook_mode, follow_up_queue):
    sent = follow_up_queue()
    events = console_session(reads=6, changes=0)  # a sign-in, reads 5 s apart, a CreateAccessKey
    assert deliver(events[:2]) == {"batchItemFailures": []}  # the session opens: both posted at once
    assert len(webhook_mode.messages) == 2
    assert deliver(events[2:5]) == {"batchItemFailures": []}  # 15 s later: held, a follow-up on its way
    assert len(webhook_mode.messages) == 2
    assert [each["DelaySeconds"] for each in sent] == [300 - 15]
    late = [at(event, "2026-11-20T09:06:00Z") for event in events[5:8]]  # six minutes on: due
    assert deliver(late) == {"batchItemFailures": []}
    new = texts(webhook_mode)[2:]
    # the key is a new critical kind (at once); the reads since the opening are one digest
    assert len(new) == 2 and "CreateAccessKey" in new[0]
    (digest,) = digests(webhook_mode)
    assert "5 more calls" in digest["text"] and fields_of(digest)["Since the last message"] == "5"
    assert fields_of(digest)["Calls"] == "8"


def test_a_critical_of_a_kind_already_announced_is_held(webhook_mode, follow_up_queue):
    follow_up_queue()
    events = console_session(reads=1, changes=0)
    second_key = at(events[-1], "2026-11-20T09:00:30Z")
    second_key["detail"]["eventID"] = "second-key"
    assert deliver(events) == {"batchItemFailures": []}
    assert len(webhook_mode.messages) == 3  # sign-in, a read, the key: a session's first batch as always
    assert deliver([second_key]) == {"batchItemFailures": []}
    assert len(webhook_mode.messages) == 3


def test_without_a_follow_up_queue_a_held_digest_is_posted_at_once(webhook_mode):
    events = console_session(reads=6, changes=0)
    assert deliver(events[:2]) == {"batchItemFailures": []}
    assert deliver(events[2:5]) == {"batchItemFailures": []}
    (digest,) = digests(webhook_mode)  # nothing could come back for it later
    assert "3 more calls" in digest["text"]


def test_a_batch_delivered_again_posts_nothing_more(webhook_mode, follow_up_queue):
    follow_up_queue()
    events = console_session(reads=20, changes=2)
    assert deliver(events) == {"batchItemFailures": []}
    before = len(webhook_mode.messages)
    assert deliver(events) == {"batchItemFailures": []}
    assert len(webhook_mode.messages) == before


def test_a_forged_follow_up_cannot_post_anything_but_real_totals(webhook_mode):
    forged = {
        "MessageBody": json.dumps({"root_activity_notifier": "follow_up", "session": "thread#111122223333#key:X"})
    }
    assert deliver_follow_up(forged) == {"batchItemFailures": []}  # no such session: nothing to post
    malformed = {"MessageBody": json.dumps({"root_activity_notifier": "follow_up", "session": "<!channel>"})}
    assert deliver_follow_up(malformed) == {"batchItemFailures": [{"itemIdentifier": "follow-up-0"}]}
    assert webhook_mode.messages == []


def test_without_the_table_every_alert_is_posted_as_before(dynamodb, monkeypatch, sink, capsys):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", sink.url)
    monkeypatch.setenv("SLACK_SESSION_TABLE", TABLE)  # never created: DynamoDB refuses every call
    for what in session_delivery.PACE_SECONDS:
        monkeypatch.setitem(session_delivery.PACE_SECONDS, what, 0.0)
    events = console_session(reads=10, changes=2)
    assert deliver(events) == {"batchItemFailures": []}
    assert len(sink.messages) == 3  # the sign-in and the key alone; the other 12 calls summarized
    warnings = [json.loads(line) for line in capsys.readouterr().err.splitlines() if '"state_store"' in line]
    assert warnings and all(line["level"] == "WARNING" for line in warnings)


# Two invocations with the same SQS message at the same moment (a visibility timeout that ran out).


@pytest.mark.parametrize("trial", range(5))
def test_the_same_batch_in_two_invocations_at_once_posts_each_message_once(webhook_mode, trial):
    events = console_session(reads=10, changes=3, prefix=f"twice{trial}")
    assert at_once(deliver, (events,), (events,)) == [{"batchItemFailures": []}] * 2
    posted = texts(webhook_mode)
    assert len(posted) == len(set(posted)) == 3  # the sign-in, the key, one summary: each once


# The sink refuses a post sooner than 1 s after the last one it took. make test runs its parts at
# once, and on a busy machine a post may leave a few hundred milliseconds late, closer to the next
# turn: the table's turns are spaced with that margin (the pace is what is tested, not its margin).
LOADED_MACHINE_PACE = 1.5


def test_a_flood_of_one_call_sessions_still_posts_the_sign_in_first(webhook_mode, follow_up_queue, monkeypatch):
    """300 one-call root sessions and a sign-in without MFA in one batch, against a Slack that takes
    one message a second, paced by the table as deployed."""
    follow_up_queue()
    monkeypatch.setitem(session_delivery.PACE_SECONDS, "post", LOADED_MACHINE_PACE)
    flood = [
        console_session(reads=1, changes=0, prefix=f"flood{number:04d}", access_key_id=f"ASIA{number:016d}")[1]
        for number in range(300)
    ]
    sign_in = console_session(reads=0, changes=0, prefix="real")[0]
    with SlackSink(messages_per_second=1) as limited:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", limited.url)
        assert deliver([*flood, sign_in]) == {"batchItemFailures": []}
    assert "without MFA" in limited.messages[0]["text"], "the sign-in is the first post"
    assert len(limited.messages) == 10 and limited.rate_limited == 0
    assert "292 more root sessions" in limited.messages[-1]["text"]


# DynamoDB answering slowly: every call is bounded by the function's deadline.


class Slow:
    """moto's DynamoDB, each call ``seconds`` late (a throttled or far table)."""

    def __init__(self, seconds):
        from harness.dynamodb import serialized_client

        self.client, self.seconds = serialized_client(), seconds

    def __getattr__(self, name):
        import time

        method = getattr(self.client, name)

        def call(*arguments, **keywords):
            time.sleep(self.seconds)
            return method(*arguments, **keywords)

        return call


def test_a_slow_table_never_keeps_an_invocation_past_its_timeout(webhook_mode, follow_up_queue, monkeypatch, capsys):
    import time

    from root_activity_notifier.state import store as session_store

    follow_up_queue()
    monkeypatch.setattr(session_store, "_default_client", lambda: Slow(0.4))
    events = [*console_session(reads=30, changes=6, prefix="slow"), *console_session(reads=3, changes=1,
              prefix="other", access_key_id="ASIAOTHEREXAMPLE0001", source_ip="192.0.2.7")]  # fmt: skip
    started = time.monotonic()
    result = deliver(events, timeout=6.0)
    assert time.monotonic() - started < 6.0
    assert "no time left in the function's timeout for DynamoDB" in capsys.readouterr().err  # it did run short
    # What could not be done in time is reported for redelivery; nothing posted is among it.
    monkeypatch.setattr(session_store, "_default_client", lambda: Slow(0.0))
    again = failed_events(events, result)
    if again:
        assert deliver(again) == {"batchItemFailures": []}
    posted = texts(webhook_mode)
    assert len(posted) == len(set(posted))  # each message once, redelivery included
    assert sum("without MFA" in text and "more calls" not in text for text in posted) == 2  # one per session


# One pace per webhook, shared by every concurrent invocation.


def test_concurrent_invocations_share_one_pace_and_meet_no_429(webhook_mode, follow_up_queue, monkeypatch):
    follow_up_queue()
    monkeypatch.setitem(session_delivery.PACE_SECONDS, "post", LOADED_MACHINE_PACE)
    sessions = [
        console_session(
            reads=0,
            changes=0,
            prefix=f"p{number}",
            access_key_id=f"ASIAPACE{number:012d}",
            source_ip=f"198.51.100.{number}",
        )  # fmt: skip
        for number in range(3)
    ]
    with SlackSink(messages_per_second=1) as limited:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", limited.url)
        arguments = [(events,) for events in sessions]
        results = at_once(deliver, *arguments, each_container=session_delivery.forget_pacing)
    assert results == [{"batchItemFailures": []}] * 3
    assert len(limited.messages) == 6 and limited.rate_limited == 0


def test_when_the_table_cannot_pace_the_container_paces_alone():
    from root_activity_notifier.delivery.pacing import Pacer, SharedPacer
    from root_activity_notifier.shared.deadline import Deadline
    from root_activity_notifier.state.store import StoreUnavailable

    class Down:
        def reserve_slot(self, *_):
            raise StoreUnavailable("throttled")

    now = [100.0]
    slept = []
    local = Pacer(1.0, clock=lambda: now[0], sleep=slept.append)
    shared = SharedPacer(Down(), "webhook", 1.1, local, clock=lambda: now[0], sleep=slept.append)
    assert shared.acquire(Deadline.after(30, clock=lambda: now[0]))
    shared.posted()
    now[0] += 0.25
    assert shared.acquire(Deadline.after(30, clock=lambda: now[0]))
    assert slept == [pytest.approx(0.75)]  # the container's own pacer: a second after the last post


def test_a_turn_after_the_deadline_is_not_taken(session_table):
    from root_activity_notifier.state.store import SessionStore

    store = SessionStore(TABLE, clock=lambda: 1000.0)
    assert [store.reserve_slot("webhook", 1.1, latest=1002.0) for _ in range(3)] == [1000.0, 1001.1, None]
    assert store.reserve_slot("C0OTHERCHANNEL", 1.1, latest=1000.0) == 1000.0  # each destination its own pace


def test_a_digest_neither_posted_nor_scheduled_fails_its_calls_and_their_redelivery_posts_it(webhook_mode, monkeypatch):
    events = console_session(reads=6, changes=0)
    assert deliver(events[:2]) == {"batchItemFailures": []}  # the session opens
    with SlackSink(status=404, body="no_service") as gone:  # the webhook was removed, and no follow-up queue
        monkeypatch.setenv("SLACK_WEBHOOK_URL", gone.url)
        result = deliver(events[2:5])
    assert len(result["batchItemFailures"]) == 3  # counted, but not out: SQS brings them again
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook_mode.url)
    assert deliver(events[2:5]) == {"batchItemFailures": []}  # counted already: the owed digest goes now
    (digest,) = digests(webhook_mode)
    assert "3 more calls" in digest["text"] and fields_of(digest)["Calls"] == "5"


def test_a_short_timeout_still_reaches_the_table_and_posts(webhook_mode):
    assert deliver(console_session(reads=0, changes=0)[:1], timeout=3.0) == {"batchItemFailures": []}
    assert len(webhook_mode.messages) == 1 and "without MFA" in webhook_mode.messages[0]["text"]
