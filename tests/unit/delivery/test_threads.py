"""Slack app mode with a session table: each root session is one live thread.

The handler runs against the Slack Web API stand-in (scripts/slack_api_standin.py, blocks validated
with slack_sdk) and moto's DynamoDB, with the table the module creates (pk, on demand). Batches are
cut as the module's two event source mappings cut them (harness.console_session.queue_batches).
"""

from __future__ import annotations

import copy
import json
import re
import threading

import pytest

from harness.console_session import (
    centralized_root_session,
    console_session,
    failed_events,
    hour_of_console_use,
    queue_batches,
    sqs_batch,
)
from harness.fields import fields_of
from harness.invoke import LambdaContext
from harness.mappings import at_once
from harness.state import TABLE, deliver_follow_up
from root_activity_notifier.config.settings import ConfigurationError, load_settings
from root_activity_notifier.core.classify import classify
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.core.sessions import Occurrence
from root_activity_notifier.core.threads import (
    MAX_CHANGE_REPLIES,
    group_by_thread,
    plan_replies,
    thread_key,
    totals_of,
)
from root_activity_notifier.delivery import stateful as session_delivery
from root_activity_notifier.delivery.pacing import Pacer
from root_activity_notifier.delivery.stateful import container_pacers
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.state.store import SessionStore
from slack_api_standin import BOT_TOKEN, WORKSPACE_URL, SlackApiStandIn, validate_with_slack_sdk

CHANNEL, TEAM_CHANNEL = "C0DEFAULT01", "C0TEAMPAY01"
MEMBER, MANAGEMENT = "222222222222", "111111111111"


@pytest.fixture
def aws(dynamodb):
    return dynamodb


@pytest.fixture
def table(session_table):
    return session_table


@pytest.fixture
def slack():
    # Pacing is the pacers' job (tested below with Slack's real limits): here Slack answers at once.
    with SlackApiStandIn(posts_per_second=None, updates_per_minute=None, validate_blocks=validate_with_slack_sdk) as s:
        yield s


@pytest.fixture
def app_mode(monkeypatch, slack):
    environment = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_CHANNEL_ID": CHANNEL,
        "SLACK_API_URL": slack.url,
        "SLACK_SESSION_TABLE": TABLE,
        "NOTIFIER_MENTION": "here",
        "NOTIFIER_ANNOUNCE_ASSUME_ROOT": "true",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for what in session_delivery.PACE_SECONDS:
        monkeypatch.setitem(session_delivery.PACE_SECONDS, what, 0.0)
    unpaced()
    return environment


def unpaced():
    pacers = container_pacers()
    for name in (CHANNEL, TEAM_CHANNEL, "chat.update"):
        pacers[name] = Pacer(0.0)


def deliver(events, *, duplicate=0, timeout=60.0):
    return lambda_handler(sqs_batch(events, duplicate=duplicate), LambdaContext(timeout))


def log_lines(captured):
    return [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]


def occurrences_of(events):
    records = [record for event in events for record in parse_input(event)]
    return [Occurrence(record, classify(record), [f"m{number}"]) for number, record in enumerate(records)]


# The plan (pure).


def test_a_batch_of_a_session_is_replies_most_severe_first_and_reads_last():
    events = console_session(reads=7, changes=2)
    replies = plan_replies(occurrences_of(events))
    kinds = [(reply.kind, [each.record.event_name for each in reply.occurrences], reply.broadcast) for reply in replies]
    assert kinds[0] == ("event", ["ConsoleLogin"], True)  # without MFA: critical, also in the channel
    assert kinds[1] == ("event", ["CreateAccessKey"], True)
    assert [kind for kind, _, _ in kinds[2:4]] == ["event", "event"]  # two changes, one reply each
    assert kinds[4][0] == "reads" and len(kinds[4][1]) == 7 and not kinds[4][2]
    assert len(replies) == 5


def test_a_sign_in_and_the_calls_from_its_ip_in_one_batch_are_one_thread():
    (key, session), *others = group_by_thread(occurrences_of(console_session(reads=3, changes=1)))
    assert others == [] and key.session_ids == ("key:ASIAIOSFODNN7EXAMPLE", "ip:203.0.113.64")
    assert session[0].record.event_name == "ConsoleLogin" and len(session) == 6


def test_more_than_three_changes_in_a_batch_are_one_grouped_reply():
    events = console_session(reads=0, changes=MAX_CHANGE_REPLIES + 1)[1:-1]  # the changes alone
    (reply,) = plan_replies(occurrences_of(events))
    assert reply.kind == "changes" and len(reply.occurrences) == MAX_CHANGE_REPLIES + 1


def test_the_thread_of_an_assume_root_call_is_the_member_session_it_opened():
    opened, calls = centralized_root_session("ASIAMEMBERKEYEXAMPLE", calls=1)
    taken = parse_input(opened)[0]
    assert thread_key(taken) == (MEMBER, ("key:ASIAMEMBERKEYEXAMPLE",))
    (call,) = parse_input(calls[0])
    assert thread_key(call).account == MEMBER
    assert thread_key(call).session_ids[0] == "key:ASIAMEMBERKEYEXAMPLE"


def test_totals_count_sign_ins_apart_from_changes():
    totals = totals_of(occurrences_of(console_session(reads=5, changes=3)))
    assert (totals.calls, totals.read_only, totals.changes, totals.sign_ins, totals.sign_ins_without_mfa) == (
        10,
        5,
        4,
        1,
        1,
    )


@pytest.mark.parametrize("value", ["0", "abc", "1441", "-5", "1.5"])
def test_an_idle_time_that_is_not_minutes_is_refused(value):
    environment = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_CHANNEL_ID": CHANNEL, "SLACK_SESSION_IDLE_MINUTES": value}
    with pytest.raises(ConfigurationError, match=re.escape(f"SLACK_SESSION_IDLE_MINUTES={value!r} is not a whole")):
        load_settings(environment)


# The hour of console use of issue 17.


def test_an_hour_of_console_use_is_one_parent_whose_headline_names_the_worst(table, app_mode, slack):
    events = hour_of_console_use()
    batches = queue_batches(events)
    assert len(batches) == 38
    for batch in batches:
        assert deliver(batch) == {"batchItemFailures": []}

    # The sign-in without MFA makes the parent critical at once: nothing later raises the session's
    # worst, so nothing is broadcast; the parent's headline names the critical kinds.
    channel_level = slack.channel_level(CHANNEL)
    assert len(channel_level) == 1, slack.tree()
    (parent,) = slack.parents()
    assert parent["edits"][0]["text"].startswith("<!here>")  # the first post mentioned the team
    assert parent["blocks"][0]["text"]["text"].endswith(" · worst: ConsoleLogin, CreateAccessKey")

    totals = fields_of(parent)
    assert totals["Calls"] == "1226"
    assert (totals["Read-only"], totals["Changes"], totals["Denied"]) == ("1200", "25", "0")
    assert totals["Sign-ins"] == "1 (1 without MFA)"
    assert "Critical" in totals["Worst so far"]
    assert "2026-11-20 09:00:00 UTC" in totals["From – to"] and "2026-11-20 09:59:59 UTC" in totals["From – to"]
    assert len(parent["edits"]) >= 30  # edited after each batch

    replies = slack.replies(parent)
    assert len(replies) == 1 + 24 + 1 + 12  # the sign-in, each change, the key, a reads reply a batch
    read_summaries = [re.search(r"(\d+) read-only calls", reply["text"]) for reply in replies]
    assert sum(int(found.group(1)) for found in read_summaries if found) == 1200
    assert sum(1 for found in read_summaries if found) == 12


def test_a_batch_delivered_again_leaves_the_totals_and_the_thread_as_they_were(table, app_mode, slack):
    events = console_session(reads=20, changes=2)
    assert deliver(events) == {"batchItemFailures": []}
    parent = slack.parents()[0]
    before = (fields_of(parent), len(slack.messages))
    assert deliver(events, duplicate=5) == {"batchItemFailures": []}
    assert (fields_of(slack.parents()[0]), len(slack.messages)) == before
    assert fields_of(parent)["Calls"] == "24"


def test_two_invocations_racing_on_one_session_make_one_parent(table, app_mode, slack, monkeypatch):
    events = console_session(reads=10, changes=3)
    sign_in_and_changes, reads = events[:1] + events[11:], events[1:11]
    both_looked = threading.Barrier(2, timeout=10)
    claim, waited = SessionStore._claim, threading.local()

    def claim_after_both_looked(self, *arguments):
        if not getattr(waited, "once", False):  # each found no thread: both claim at once, as two
            waited.once = True  # mappings' invocations may
            both_looked.wait()
        return claim(self, *arguments)

    monkeypatch.setattr(SessionStore, "_claim", claim_after_both_looked)
    results = []

    def invoke(batch):
        unpaced()  # each thread is its own container
        results.append(deliver(batch))

    workers = [threading.Thread(target=invoke, args=(batch,)) for batch in (sign_in_and_changes, reads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert results == [{"batchItemFailures": []}] * 2
    (parent,) = slack.parents()
    assert len(slack.replies(parent)) == 1 + 1 + 3 + 1  # the sign-in, the key, three changes, the reads
    assert fields_of(parent)["Calls"] == "15"


@pytest.mark.parametrize("trial", range(5))
def test_the_same_batch_in_two_invocations_at_once_posts_each_reply_once(table, app_mode, slack, trial):
    events = console_session(reads=10, changes=3, prefix=f"twice{trial}")
    assert at_once(deliver, (events,), (events,), each_container=unpaced) == [{"batchItemFailures": []}] * 2
    (parent,) = slack.parents()
    replies = [reply["text"] for reply in slack.replies(parent)]
    assert len(replies) == len(set(replies)) == 1 + 1 + 3 + 1  # the sign-in, the key, three changes, the reads
    assert fields_of(slack.parents()[0])["Calls"] == "15"


@pytest.mark.parametrize("assume_root_first", [True, False])
# AWS's sample of centralized root access (harness.console_session.centralized_root_session).


def test_assume_root_and_the_member_calls_it_opened_are_one_thread_whichever_comes_first(
    table, app_mode, slack, assume_root_first
):
    opened, calls = centralized_root_session("ASIAMEMBERKEYEXAMPLE")
    opened = [opened]
    for batch in (opened, calls) if assume_root_first else (calls, opened):
        assert deliver(batch) == {"batchItemFailures": []}
    (parent,) = slack.parents()
    assert {reply["text"].split(" | ")[0] for reply in slack.replies(parent)} >= {
        ":red_circle: Centralized root access taken to account 222222222222"
    }
    assert len(slack.replies(parent)) == 3
    summary = parent["blocks"][1]["text"]["text"]
    assert "Opened with centralized root access by arn:aws:sts::111111111111:assumed-role/John/JohnRole1" in summary
    assert "S3UnlockBucketPolicy" in summary
    assert fields_of(parent)["Calls"] == "3"


# Slack's answers and the state store's failures.


def test_a_deleted_parent_is_posted_again_and_the_session_points_at_it(table, app_mode, slack):
    events = console_session(reads=4, changes=1)
    assert deliver(events[:3]) == {"batchItemFailures": []}
    (first,) = slack.parents()
    slack.delete(first["channel"], first["ts"])
    assert deliver(events[3:]) == {"batchItemFailures": []}
    # Slack put the first reply at the channel's top level: it was taken back, and nothing sits loose.
    assert slack.orphaned == 1 and len(slack.deleted) == 1
    (second,) = slack.parents()
    assert second["ts"] != first["ts"]
    assert {reply["thread_ts"] for reply in slack.messages if reply is not second} == {first["ts"], second["ts"]}
    assert fields_of(second)["Calls"] == "7"
    assert deliver(console_session(reads=1, changes=0, prefix="later")[1:2]) == {"batchItemFailures": []}
    assert slack.parents()[0]["ts"] == second["ts"] and fields_of(slack.parents()[0])["Calls"] == "8"


def test_a_reply_refused_for_its_deleted_thread_is_posted_under_a_new_parent(table, app_mode, monkeypatch):
    with SlackApiStandIn(posts_per_second=None, updates_per_minute=None, orphan_replies="refuse") as refusing:
        monkeypatch.setenv("SLACK_API_URL", refusing.url)
        events = console_session(reads=4, changes=1)
        assert deliver(events[:3]) == {"batchItemFailures": []}
        (first,) = refusing.parents()
        refusing.delete(first["channel"], first["ts"])
        assert deliver(events[3:]) == {"batchItemFailures": []}
        (second,) = refusing.parents()
        assert ("chat.postMessage", "thread_not_found") in refusing.calls
        assert fields_of(second)["Calls"] == "7" and len(refusing.replies(second)) >= 1


def test_a_session_idle_past_the_limit_starts_a_new_parent_that_links_to_the_old(table, app_mode, slack, monkeypatch):
    monkeypatch.setenv("SLACK_SESSION_IDLE_MINUTES", "30")
    events = console_session(reads=2, changes=0)
    later = copy.deepcopy(events[1])
    later["detail"]["eventID"] = "much-later"
    later["time"] = later["detail"]["eventTime"] = "2026-11-20T10:00:00Z"
    assert deliver(events) == {"batchItemFailures": []}
    assert deliver([later]) == {"batchItemFailures": []}
    old, new = slack.parents()
    link = f"{WORKSPACE_URL}archives/{CHANNEL}/p{old['ts'].replace('.', '')}"
    assert f"<{link}|the earlier session>" in new["blocks"][1]["text"]["text"]
    assert (fields_of(old)["Calls"], fields_of(new)["Calls"]) == ("4", "1")


def test_the_team_is_mentioned_once_on_the_first_critical_message_of_the_channel(table, app_mode, slack):
    first = console_session(reads=0, changes=0, prefix="a")  # a sign-in and a CreateAccessKey, 5 s apart
    assert deliver(first) == {"batchItemFailures": []}  # one batch: a critical parent, with the mention
    assert [message["text"].startswith("<!here>") for message in slack.channel_level()] == [True]
    assert not any(message["reply_broadcast"] for message in slack.messages)

    later = console_session(reads=2, changes=0, prefix="b", access_key_id="ASIAOTHERKEYEXAMPLE", source_ip="192.0.2.9")
    assert deliver(later[1:3]) == {"batchItemFailures": []}  # reads first: a quiet parent
    assert deliver(later[:1] + later[3:]) == {"batchItemFailures": []}  # the sign-in raises it: broadcast once
    second = slack.parents()[1]
    broadcast = [message for message in slack.replies(second) if message["reply_broadcast"]]
    assert [message["text"].startswith("<!here>") for message in broadcast] == [True]
    assert "without MFA" in broadcast[0]["text"]  # CreateAccessKey, also critical, stays in the thread
    assert second["blocks"][0]["text"]["text"].endswith(" · worst: ConsoleLogin, CreateAccessKey")


def test_without_the_session_table_every_alert_is_still_posted_unthreaded(aws, app_mode, slack, capsys):
    events = console_session(reads=10, changes=2)
    assert deliver(events) == {"batchItemFailures": []}  # the table does not exist: DynamoDB refuses each call
    assert not any(message["thread_ts"] for message in slack.messages)
    texts = [message["text"] for message in slack.messages]
    assert len(texts) == 2 + 1  # the sign-in and the key alone; the session's other 12 calls summarized
    warnings = [line for line in log_lines(capsys.readouterr()) if line.get("state_store") == "unavailable"]
    assert len(warnings) == 1 and warnings[0]["level"] == "WARNING"  # the sign-in and its key's calls: one story
    assert warnings[0]["events"] == len(events)
    assert "ResourceNotFoundException" in warnings[0]["error"]


def test_a_revoked_token_fails_every_record_of_the_batch(table, app_mode, slack):
    slack.revoke()
    events = console_session(reads=3, changes=1)
    result = deliver(events)
    assert len(result["batchItemFailures"]) == len(events)
    assert [method for method, _ in slack.calls] == ["chat.postMessage"]  # refused once, not tried again


def test_a_channel_the_app_is_not_in_fails_the_records_with_what_to_do(table, app_mode, monkeypatch, capsys):
    with SlackApiStandIn(outside=(CHANNEL,), posts_per_second=None) as outside:
        monkeypatch.setenv("SLACK_API_URL", outside.url)
        result = deliver(console_session(reads=1, changes=0))
    assert len(result["batchItemFailures"]) == 3
    errors = [line["error"] for line in log_lines(capsys.readouterr()) if line.get("outcome") == "failed"]
    assert any("not_in_channel" in error and "invite the app" in error for error in errors)


def test_a_parent_edit_that_failed_never_fails_the_reply_and_a_follow_up_makes_it(
    table, app_mode, slack, follow_up_queue
):
    sent = follow_up_queue()
    events = console_session(reads=5, changes=0)
    sign_in, reads = events[:1], events[1:6]
    assert deliver(reads) == {"batchItemFailures": []}  # the key's thread, which the sign-in's IP joins
    slack.fail_next("chat.update", "invalid_blocks")  # refused once, as Slack might
    assert deliver(sign_in) == {"batchItemFailures": []}  # the reply is posted: the edit is owed, not a failure
    (parent,) = slack.parents()
    assert fields_of(parent)["Calls"] == "5"
    (body,) = sent
    assert json.loads(body["MessageBody"]) == {
        "root_activity_notifier": "follow_up",
        "session": "thread#111122223333#key:ASIAIOSFODNN7EXAMPLE",
    }
    assert body["DelaySeconds"] == 30
    assert deliver_follow_up(body) == {"batchItemFailures": []}
    assert fields_of(slack.parents()[0])["Calls"] == "6" and len(slack.replies(parent)) == 2


def test_without_a_follow_up_queue_the_owed_edit_is_made_when_the_batch_comes_again(table, app_mode, slack):
    events = console_session(reads=5, changes=0)
    assert deliver(events[1:6]) == {"batchItemFailures": []}
    slack.fail_next("chat.update", "invalid_blocks")
    assert deliver(events[:1]) == {"batchItemFailures": []}
    assert fields_of(slack.parents()[0])["Calls"] == "5"
    assert deliver(events[:1]) == {"batchItemFailures": []}  # delivered again: counted already, edited now
    assert fields_of(slack.parents()[0])["Calls"] == "6"


def test_events_are_counted_once_whatever_their_batches(table):
    store = SessionStore(TABLE)
    pk = store.open_thread("111122223333", ["key:ASIAEXAMPLE"], 1_800_000_000.0).pk

    one_read = totals_of(occurrences_of(console_session(reads=1, changes=0))[1:2])

    def count(keys, times):
        def totals_for(new, first):  # noqa: ARG001 - every pair is keyed here
            return one_read._replace(calls=len(new), read_only=len(new)) if new else None

        return store.count(pk, keys, times, totals_for)

    times = {("111122223333", f"event-{number}"): 1_800_000_000 + number / 10 for number in range(1300)}
    first = list(times)[:1150]  # 115 seconds of events: twelve items
    assert count(first, times)[1] == set(first)
    again = first[1140:] + list(times)[1150:]
    state, recorded = count(again, times)
    assert recorded == set(again[10:])  # the ten counted already are refused
    assert state.totals["calls"] == 1300 and state.revision == 2
    assert store.counted_events(first[:3] + [("111122223333", "never")], times) == set(first[:3])
    assert store.counted_events([("222222222222", "event-1")], times) == set()  # another account's
    burst = {("111122223333", f"burst-{number}"): 1_900_000_000.0 for number in range(700)}  # one item: two
    assert count(burst, burst)[1] == set(burst) and count(burst, burst)[1] == set()
    assert store.read(pk).totals["calls"] == 2000


def test_two_invocations_counting_the_same_events_at_once_count_them_once(table, monkeypatch):
    from root_activity_notifier.state import store as session_store

    store, other = SessionStore(TABLE), SessionStore(TABLE)
    pk = store.open_thread("111122223333", ["key:ASIARACE"], 1_800_000_000.0).pk
    one_read = totals_of(occurrences_of(console_session(reads=1, changes=0))[1:2])

    def totals_for(new, first):  # noqa: ARG001 - every pair is keyed here
        return one_read._replace(calls=len(new), read_only=len(new)) if new else None

    times = {("111122223333", f"race-{number}"): 1_800_000_000.0 + number for number in range(30)}
    original, raced = session_store.SessionStore._call, []

    def call(self, method, **arguments):
        if self is store and method == "transact_write_items" and not raced:
            raced.append(other.count(pk, list(times)[10:], times, totals_for))  # between its read and its write
        return original(self, method, **arguments)

    monkeypatch.setattr(session_store.SessionStore, "_call", call)
    state, recorded = store.count(pk, list(times), times, totals_for)
    assert raced[0][1] == set(list(times)[10:])  # the other counted twenty first
    assert recorded == set(list(times)[:10])  # this one's transaction was refused, read again, counted the rest
    assert state.totals["calls"] == 30 == store.read(pk).totals["calls"] and state.revision == 2

    def always_refused(self, method, **arguments):
        if method == "transact_write_items":
            raise session_store._ConditionFailed(["ConditionalCheckFailed"])
        return original(self, method, **arguments)

    monkeypatch.setattr(session_store.SessionStore, "_call", always_refused)
    monkeypatch.setattr(store, "_sleep", lambda seconds: None)
    more = {("111122223333", "late"): 1_800_000_100.0}
    with pytest.raises(session_store.Contended):
        store.count(pk, list(more), more, totals_for)


def test_an_edit_slack_cannot_make_posts_a_new_parent_and_the_session_follows_it(table, app_mode, slack):
    events = console_session(reads=4, changes=1)
    assert deliver(events[:3]) == {"batchItemFailures": []}
    slack.fail_next("chat.update", "cant_update_message")
    assert deliver(events[3:]) == {"batchItemFailures": []}
    old, new = slack.parents()
    assert fields_of(new)["Calls"] == "7" and len(old["edits"]) == 0
    assert deliver(console_session(reads=1, changes=0, prefix="later")[1:2]) == {"batchItemFailures": []}
    assert len(slack.parents()) == 2 and fields_of(slack.parents()[1])["Calls"] == "8"


@pytest.mark.usefixtures("table", "app_mode")
def test_a_slow_table_never_keeps_an_invocation_past_its_timeout_nor_fails_a_posted_reply(
    slack, monkeypatch, capsys, follow_up_queue
):
    import time

    from test_digests import Slow

    from root_activity_notifier.state import store as session_store

    sent = follow_up_queue()
    monkeypatch.setattr(session_store, "_default_client", lambda: Slow(0.5))
    events = console_session(reads=30, changes=6, prefix="slow")
    started = time.monotonic()
    result = deliver(events, timeout=12.0)
    assert time.monotonic() - started < 12.0
    assert "no time left in the function's timeout" in capsys.readouterr().err  # it did run short
    monkeypatch.setattr(session_store, "_default_client", lambda: Slow(0.0))
    again = failed_events(events, result)
    if again:
        assert deliver(again) == {"batchItemFailures": []}
    # A parent edit that ran out of time is owed: SQS hands its follow-up over once the delay has passed
    # (how many depends on where the slow table cut the first invocation short).
    for body in sent:
        assert deliver_follow_up(body) == {"batchItemFailures": []}
    (parent,) = slack.parents()
    replies = [reply["text"] for reply in slack.replies(parent)]
    assert len(replies) == len(set(replies))  # nothing Slack took was reported failed and posted again
    assert fields_of(slack.parents()[0])["Calls"] == str(len(events))  # counted once, wherever the cut fell


# Where a delivery can be cut: an uncut delivery of this session makes this many calls to the table.
CUT_SESSION_CALLS = 31


def cut_at(monkeypatch, cut: int) -> list[dict]:
    """The table runs out of the function's time at its ``cut``-th call (every later call too), as a
    slow table does near the deadline; returns each call made."""
    from root_activity_notifier.state import store as session_store

    calls, original = [], session_store.SessionStore._call

    def call(self, method, **arguments):
        calls.append({"method": method, **arguments})
        if len(calls) >= cut:
            raise session_store.NoTimeLeft("no time left in the function's timeout (cut by the test)")
        return original(self, method, **arguments)

    monkeypatch.setattr(session_store.SessionStore, "_call", call)
    return calls


def after_the_visibility_timeout(monkeypatch, seconds: float) -> None:
    """What the table and the pacers read as now moves ``seconds`` on: SQS delivers what an invocation
    reported only after the queue's visibility timeout, when the invocation's claims have ended."""
    import time

    from root_activity_notifier.delivery import pacing
    from root_activity_notifier.state import store as session_store

    store_init, pacer_new = session_store.SessionStore.__init__, pacing.SharedPacer.__new__

    def store(self, *arguments, **keywords):
        store_init(self, *arguments, **keywords)
        self._clock = lambda: time.time() + seconds

    def pacer(cls, *arguments, **keywords):
        return pacer_new(cls, *arguments, **keywords, clock=lambda: time.time() + seconds)

    monkeypatch.setattr(session_store.SessionStore, "__init__", store)
    monkeypatch.setattr(pacing.SharedPacer, "__new__", staticmethod(pacer))


@pytest.mark.parametrize("cut", range(1, CUT_SESSION_CALLS + 1))
@pytest.mark.usefixtures("table", "app_mode")
def test_a_delivery_cut_at_any_call_to_the_table_is_made_whole_when_sqs_delivers_what_it_reported(
    slack, monkeypatch, follow_up_queue, cut
):
    from root_activity_notifier.state import store as session_store

    sent = follow_up_queue()
    original = session_store.SessionStore._call
    calls = cut_at(monkeypatch, cut)
    events = console_session(reads=3, changes=1, prefix="cut")
    result = deliver(events, timeout=60.0)
    assert len(calls) >= cut  # the cut fell inside the delivery
    monkeypatch.setattr(session_store.SessionStore, "_call", original)
    after_the_visibility_timeout(monkeypatch, 6 * 60.0)  # the module's visibility timeout: 6 x the function's
    again = failed_events(events, result)
    if again:
        assert deliver(again) == {"batchItemFailures": []}
    for body in sent:
        assert deliver_follow_up(body) == {"batchItemFailures": []}
    (parent,) = slack.parents()  # one thread: a parent the table did not record was taken back
    assert fields_of(parent)["Calls"] == str(len(events))  # every event counted, once
    replies = [reply["text"] for reply in slack.replies(parent)]
    marking = calls[cut - 1].get("UpdateExpression") == "SET #state = :posted"
    # Slack took a reply and the cut fell on writing so: its claim ends unmarked, and the reply is
    # posted again (at least once; everything else exactly once).
    assert len(replies) == len(set(replies)) + (1 if marking else 0)


def test_an_uncut_delivery_makes_as_many_calls_as_the_cuts_above_cover(table, app_mode, slack, monkeypatch):
    calls = cut_at(monkeypatch, 10_000)
    assert deliver(console_session(reads=3, changes=1, prefix="cut")) == {"batchItemFailures": []}
    assert len(calls) == CUT_SESSION_CALLS
