"""Remember: each root session's place in Slack and exact running totals, in the module's DynamoDB
table (both modes), and what every concurrent invocation must agree on.

Items, by their one key ``pk``:

* ``thread#<account>#key:<access key>`` or ``thread#<account>#ip:<source IP>``: a session. It
  holds its parent message (Slack app mode: channel and ``ts``; a webhook: ``ts`` "webhook" once its
  first messages are out), the session's totals, when the team was last mentioned, what the channel
  has been shown (``shown_worst``; a webhook's ``announced`` kinds and its last digest); or, for an
  alias, ``alias_of``: the session it joins (a console sign-in's IP and the console session's key
  name one story).
* ``events#<account>#<ten seconds>``: the IDs of the events of those ten seconds of event time
  counted in a session's totals, so that SQS delivering one twice counts it once, and a ``version``.
  An event's ID and its share of the totals are written in one transaction (``count``), conditioned
  on the versions read. It expires with the queues' longest retention.
* ``message#<digest>``: a planned message claimed before it is posted, so that two invocations
  holding the same SQS message post it once.
* ``pace#<destination>``: the next moment the destination (a webhook, a channel, chat.update) may
  be called, shared by every concurrent invocation.

Every item expires (``expires_at``, the table's TTL). Every call is bounded by the function's
deadline. Whatever fails here raises StoreUnavailable: the caller then posts as it would without
the table, so that the state store never stands between an alert and Slack.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import namedtuple

from ..shared.severity import KIND_FIELDS, SEVERITY_RANK

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from ..core.threads import Totals
    from ..shared.deadline import Deadline

# SQS keeps a message at most 14 days: a redelivery can come no later.
EVENT_RECORD_SECONDS = 14 * 24 * 3600
# A claim whose parent was never posted (the invocation died) may be taken over after this long, or
# once its claimer's deadline has passed, whichever comes first.
CLAIM_SECONDS = 120
# How long a loser of a race waits for the winner's parent before it posts without threading: the
# winner's post may wait its turn behind every concurrent invocation's (one a second per channel).
WAIT_FOR_PARENT_SECONDS = 20.0
_BATCH_GET_LIMIT = 100
# Event IDs added to one item in one transaction: a few KB of the 400 KB an item may hold.
_IDS_PER_ADD = 500
# Items one transaction writes (DynamoDB's limit): the thread and at most 99 items of event IDs.
_TRANSACT_LIMIT = 100
# Reads and transactions to count one batch while concurrent invocations count into the same items.
_COUNT_ATTEMPTS = 5
# Seconds of event time whose event IDs share one item: even a script's thousands of calls a minute
# keep each item far below DynamoDB's 400 KB.
EVENT_BUCKET_SECONDS = 10
WEBHOOK_OPENED = "webhook"  # a webhook session's ``ts`` once its first messages are out (a webhook has no ts)

# A call that could not finish this long before the deadline is not started (the caller still has
# to post or report).
CALL_MARGIN_SECONDS = 3.0
# botocore's own bounds on one call: every retry of it fits in CALL_MARGIN_SECONDS' order of time.
CLIENT_TIMEOUTS = {
    "connect_timeout": 1.0,
    "read_timeout": 2.0,
    "retries": {"total_max_attempts": 2, "mode": "standard"},
}
# A message claim whose post never ended (the invocation died) may be taken over after this long.
MESSAGE_CLAIM_SECONDS = 90
# How long an invocation waits for a concurrent one that is posting the same message.
WAIT_FOR_MESSAGE_SECONDS = 8.0

COUNTERS = ("calls", "read_only", "changes", "denied", "sign_ins", "sign_ins_without_mfa", "failed_sign_ins")
# What a session did, by severity too (KIND_FIELDS: the parent's headline names the worst), and the
# declared windows (core/windows.py) its activity fell in.
SETS = ("regions", "source_ips", "user_agents", *KIND_FIELDS.values(), "declared_windows")

# A thread as stored: pk; channel and ts of the parent ("" while its claimer posts it); previous_ts:
# the parent of the idle session it follows; totals: a dict (COUNTERS, SETS, first_time, last_time,
# worst, opened_by, opened_from, task_policy); revision: how many batches were added; rendered: the
# revision the parent shows; owner: this invocation claimed it and must post its parent; shown:
# what the channel has been shown (shown_worst, announced kinds, digested calls, digest_at); answer:
# what someone answered from Slack (kind "expected" or "not_expected", user, at, reason, the critical
# kinds it covers), or None.
ThreadState = namedtuple(
    "ThreadState",
    [
        "pk",
        "channel",
        "ts",
        "previous_ts",
        "totals",
        "revision",
        "rendered",
        "owner",
        "last_mention",
        "shown",
        "answer",
    ],  # fmt: skip
    defaults=[None],
)
# How long a request to the interactivity endpoint is remembered: past Slack's five minutes, a
# replay is refused for its timestamp anyway.
REQUEST_RECORD_SECONDS = 600


class StoreUnavailable(RuntimeError):
    """The session table could not be read or written just now (throttled, denied, unreachable)."""


class Contended(StoreUnavailable):
    """Concurrent invocations kept changing the items a count read: the table is fine, and a later
    delivery counts what this one could not."""


class NoTimeLeft(StoreUnavailable):
    """Too little of the function's time is left for the session table: what is not done yet is
    reported for redelivery, not posted without the table (the table is fine)."""


def thread_pk(account: str, session_id: str) -> str:
    return f"thread#{account}#{session_id}"


def account_of(pk: str) -> str:
    """The account a thread's key names."""
    return pk.split("#", 2)[1]


def session_of(pk: str) -> str:
    """The session ID a thread's key names (``key:…`` or ``ip:…``)."""
    return pk.split("#", 2)[2]


class SessionStore:
    def __init__(
        self,
        table_name: str,
        *,
        idle_seconds: float = 3600,
        deadline: Deadline | None = None,
        client_factory: Callable[[], Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table_name, self.idle_seconds, self.deadline = table_name, idle_seconds, deadline
        # A call is not started with less than this left: CALL_MARGIN_SECONDS, or a quarter of a short
        # function's time, so that a short timeout still reaches the table.
        self.margin = CALL_MARGIN_SECONDS if deadline is None else min(CALL_MARGIN_SECONDS, deadline.remaining() / 4)
        self._client_factory = client_factory or _default_client
        self._client = None
        self._sleep, self._clock = sleep, clock

    # -- events -------------------------------------------------------------------------------------

    def counted_events(self, keys: Iterable[tuple[str, str]], event_times: dict[tuple[str, str], float]) -> set:
        """Which ``(account, eventID)`` pairs are already in a session's totals (``event_times``: each
        pair's event time, epoch seconds, which finds its bucket)."""
        buckets = _by_bucket(keys, event_times)
        found: set[tuple[str, str]] = set()
        names = list(buckets)
        for start in range(0, len(names), _BATCH_GET_LIMIT):
            for pk, item in self._get_many(names[start : start + _BATCH_GET_LIMIT]).items():
                counted = set(item.get("ids", {}).get("SS", ()))
                found.update(key for key in buckets[pk] if key[1] in counted)
        return found

    def count(
        self,
        pk: str,
        keys: Iterable[tuple[str, str]],
        event_times: dict[tuple[str, str], float],
        totals_for: Callable[[set, bool], Totals | None],
    ) -> tuple[ThreadState, set]:
        """Count into the thread ``pk`` the pairs not counted yet: their event IDs and their totals
        (``totals_for(new pairs, first)``; ``first``: the call that also carries what has no event ID)
        in one transaction, conditioned on what was read. A cut leaves both or neither, and of two
        invocations counting one event, one counts it. The thread's new state and the pairs counted."""
        state, recorded = None, set()
        for number, chunk in enumerate(_transactions(_by_bucket(keys, event_times)) or [{}]):
            first = number == 0
            state, new = self._count_chunk(pk, chunk, event_times, lambda new, first=first: totals_for(new, first))
            recorded |= new
        return state, recorded

    def _count_chunk(self, pk: str, chunk: dict[str, list], event_times: dict, totals_for) -> tuple[ThreadState, set]:
        for attempt in range(_COUNT_ATTEMPTS):
            if attempt:
                self._sleep(0.05 * attempt)  # a concurrent invocation counted into the same items: read again
            items = self._get_many([pk, *chunk])
            thread = items.get(pk)
            if thread is None:
                raise StoreUnavailable(f"the session item {pk} is gone (expired or deleted)")
            new = {
                key
                for bucket, bucket_keys in chunk.items()
                for key in bucket_keys
                if key[1] not in set(items.get(bucket, {}).get("ids", {}).get("SS", ()))
            }
            totals = totals_for(new)
            if totals is None:
                return _state(thread), set()
            moment = max((event_times.get(key) or 0 for key in new), default=0) or self._clock()
            update, item = self._adding(thread, totals, moment)
            writes = [{"Update": update}]
            for bucket, bucket_keys in chunk.items():
                ids = sorted({key[1] for key in bucket_keys if key in new})
                if ids:
                    update = self._bucket_update(bucket, items.get(bucket), ids, bucket_keys, event_times)
                    writes.append({"Update": update})
            try:
                self._call("transact_write_items", TransactItems=writes)
            except _ConditionFailed:
                continue
            return _state(item), new
        raise Contended(f"{pk} changed under each of {_COUNT_ATTEMPTS} attempts to count into it")

    def _adding(self, thread: dict[str, Any], totals: Totals, moment: float) -> tuple[dict[str, Any], dict[str, Any]]:
        """The transaction's update of the thread item (conditioned on the revision read) and the item
        it leaves, as ReturnValues ALL_NEW would give it."""
        item = dict(thread)
        revision = int(thread.get("revision", {}).get("N", "0"))
        values: dict[str, Any] = {":one": {"N": "1"}}
        adds = ["revision :one"]
        item["revision"] = {"N": str(revision + 1)}
        for name in COUNTERS:
            count = getattr(totals, name)
            if count:
                adds.append(f"{name} :{name}")
                values[f":{name}"] = {"N": str(count)}
                item[name] = {"N": str(int(thread.get(name, {}).get("N", "0")) + count)}
        for name in SETS:
            members = sorted(getattr(totals, name))
            if members:
                adds.append(f"{name} :{name}")
                values[f":{name}"] = {"SS": members}
                item[name] = {"SS": sorted(set(thread.get(name, {}).get("SS", ())) | set(members))}
        sets = []
        bounds = {
            "expires_at": (self._expiry(moment), max),
            "first_time": (totals.first_time, min),
            "last_time": (totals.last_time, max),
            "worst": (SEVERITY_RANK[totals.worst], min),
            **{name: (getattr(totals, name) or None, None) for name in ("opened_by", "opened_from", "task_policy")},
        }
        for name, (value, better) in bounds.items():
            if value is None:
                continue
            kind = "S" if better is None else "N"
            stored = thread.get(name, {}).get(kind)
            if better is not None and stored is not None and better(float(value), float(stored)) == float(stored):
                continue
            sets.append(f"{name} = :{name}")
            values[f":{name}"] = item[name] = {kind: str(value)}
        if "revision" in thread:
            condition = "revision = :revision"
            values[":revision"] = {"N": str(revision)}
        else:
            condition = "attribute_not_exists(revision)"
        expression = (f"SET {', '.join(sets)} " if sets else "") + f"ADD {', '.join(adds)}"
        update = {
            "TableName": self.table_name,
            "Key": {"pk": thread["pk"]},
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        return update, item

    def _bucket_update(self, bucket: str, read: dict | None, ids: list[str], keys: list, event_times: dict) -> dict:
        """The transaction's ADD of ``ids`` to an events item, conditioned on the version read."""
        moment = max((event_times.get(key) or 0 for key in keys), default=0) or self._clock()
        values = {
            ":ids": {"SS": ids},
            ":one": {"N": "1"},
            ":expires": {"N": str(int(moment) + EVENT_RECORD_SECONDS)},
        }
        if read is not None and "version" in read:
            condition = "version = :version"
            values[":version"] = read["version"]
        else:
            condition = "attribute_not_exists(version)"
        return {
            "TableName": self.table_name,
            "Key": {"pk": {"S": bucket}},
            "UpdateExpression": "ADD ids :ids, version :one SET expires_at = :expires",
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }

    def _get_many(self, pks: list[str]) -> dict[str, dict[str, Any]]:
        """The items of ``pks`` (at most _BATCH_GET_LIMIT), read consistently, by key."""
        found: dict[str, dict[str, Any]] = {}
        request = {self.table_name: {"Keys": [{"pk": {"S": pk}} for pk in pks], "ConsistentRead": True}}
        for _ in range(5):
            answer = self._call("batch_get_item", RequestItems=request)
            for item in answer.get("Responses", {}).get(self.table_name, []):
                found[item["pk"]["S"]] = item
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
            self._sleep(0.05)
        raise StoreUnavailable("DynamoDB left keys unprocessed five times (throttled)")

    # -- threads ------------------------------------------------------------------------------------

    def open_thread(
        self, account: str, session_ids: list[str], event_time: float, mine: Iterable[str] = ()
    ) -> ThreadState:
        """The live thread of the first of ``session_ids`` (or of the ones after it, an alias), or a new
        one claimed for this invocation (``owner``) when none is live at ``event_time``. A thread
        claimed but not yet posted is waited for, unless its key is in ``mine`` (this invocation's)."""
        waited = 0.0
        for _ in range(40):
            live, idle = self._find_live(account, session_ids, event_time)
            if live is not None and (live.ts or live.owner or live.pk in mine):
                return live
            if live is not None:  # another invocation claimed it and is posting the parent
                if not self._may_wait(0.25):
                    raise NoTimeLeft(f"no time left in the function's timeout to wait for the parent of {live.pk}")
                if waited >= WAIT_FOR_PARENT_SECONDS:
                    raise StoreUnavailable(f"the parent of {live.pk} was not posted within {waited:.0f} s")
                self._sleep(0.25)
                waited += 0.25
                continue
            aliases = [thread_pk(account, alias) for alias in session_ids[1:]]
            claimed = self._claim(thread_pk(account, session_ids[0]), aliases, event_time, idle)
            if claimed is not None:
                return claimed
        raise StoreUnavailable(f"could not claim or find the thread of {session_ids[0]} in {account}")

    def set_parent(self, pk: str, channel: str, ts: str) -> None:
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": pk}},
            UpdateExpression="SET channel = :channel, ts = :ts",
            ExpressionAttributeValues={":channel": {"S": channel}, ":ts": {"S": ts}},
        )

    def release(self, pk: str) -> None:
        """Give up a claim whose parent could not be posted, so that the next delivery claims it afresh."""
        with contextlib.suppress(_ConditionFailed):  # it has a parent after all: keep it
            self._call(
                "delete_item",
                TableName=self.table_name,
                Key={"pk": {"S": pk}},
                ConditionExpression="attribute_not_exists(ts)",
            )

    def claim_mention(self, pk: str, event_time: float, interval_seconds: float) -> bool:
        """Whether this reply may mention the team: not within ``interval_seconds`` of the last mention."""
        return self._update_if(
            pk,
            "SET last_mention = :now",
            "attribute_not_exists(last_mention) OR last_mention <= :cutoff",
            {":now": {"N": str(int(event_time))}, ":cutoff": {"N": str(int(event_time - interval_seconds))}},
        )

    def mark_rendered(self, pk: str, revision: int) -> None:
        self._update_if(
            pk,
            "SET rendered = :revision",
            "attribute_not_exists(rendered) OR rendered < :revision",
            {":revision": {"N": str(revision)}},
        )

    def claim_raise(self, pk: str, rank: int) -> bool:
        """Whether the channel should be shown this severity (``rank``, SEVERITY_RANK): only when it is
        worse than anything it has been shown of the session, once, whoever asks first."""
        return self._update_if(
            pk,
            "SET shown_worst = :rank",
            "attribute_not_exists(shown_worst) OR shown_worst > :rank",
            {":rank": {"N": str(rank)}},
        )

    def unclaim_raise(self, pk: str, rank: int, previous: float | None) -> None:
        """A broadcast that could not be posted: the channel was shown ``previous``, not ``rank``."""
        values = {":rank": {"N": str(rank)}}
        if previous is None:
            self._update_if(pk, "REMOVE shown_worst", "shown_worst = :rank", values)
        else:
            self._update_if(
                pk,
                "SET shown_worst = :previous",
                "shown_worst = :rank",
                {**values, ":previous": {"N": str(int(previous))}},
            )

    def claim_kind(self, pk: str, kind: str) -> bool:
        """Whether this invocation announces ``kind`` for the session (a webhook's critical of a new kind)."""
        return self._update_if(
            pk,
            "ADD announced :kind",
            "NOT contains(announced, :name)",
            {":kind": {"SS": [kind]}, ":name": {"S": kind}},
        )

    def unclaim_kind(self, pk: str, kind: str) -> None:
        """A kind whose message could not be posted: the next delivery announces it."""
        self._update_if(pk, "DELETE announced :kind", "attribute_exists(pk)", {":kind": {"SS": [kind]}})

    def claim_digest(self, pk: str, digested: int, calls: int, event_time: float) -> bool:
        """Whether this invocation posts the session's digest of the calls after the ``digested``
        first ones (up to ``calls``): once, whoever asks first."""
        return self._update_if(
            pk,
            "SET digested = :calls, digest_at = :at REMOVE follow_up_at",
            "attribute_not_exists(digested) OR digested = :digested",
            {":calls": {"N": str(calls)}, ":at": {"N": str(event_time)}, ":digested": {"N": str(digested)}},
        )

    def mark_shown(self, pk: str, calls: int) -> ThreadState:
        """``calls`` of the session were posted at once: no digest needs to repeat them."""
        answer = self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": pk}},
            UpdateExpression="ADD digested :calls",
            ExpressionAttributeValues={":calls": {"N": str(calls)}},
            ReturnValues="ALL_NEW",
        )
        return _state(answer["Attributes"])

    def unclaim_digest(self, pk: str, digested: int, calls: int) -> None:
        """A digest that could not be posted: its calls are pending again."""
        self._update_if(
            pk,
            "SET digested = :digested",
            "digested = :calls",
            {":digested": {"N": str(digested)}, ":calls": {"N": str(calls)}},
        )

    def claim_follow_up(self, pk: str, due: float) -> bool:
        """Whether this invocation schedules the session's follow-up (none is pending before ``due``)."""
        return self._update_if(
            pk,
            "SET follow_up_at = :due",
            "attribute_not_exists(follow_up_at) OR follow_up_at < :now",
            {":due": {"N": str(due)}, ":now": {"N": str(self._clock())}},
        )

    def forget_follow_up(self, pk: str) -> None:
        self._update_if(pk, "REMOVE follow_up_at", "attribute_exists(pk)", {})

    def mark_opened(self, pk: str, event_time: float, digested: int) -> None:
        """A webhook session's first messages are out: later activity is held for its digests."""
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": pk}},
            UpdateExpression="SET ts = :ts, channel = :channel, digest_at = :at, digested = :digested",
            ExpressionAttributeValues={
                ":ts": {"S": WEBHOOK_OPENED},
                ":channel": {"S": "webhook"},
                ":at": {"N": str(event_time)},
                ":digested": {"N": str(digested)},
            },
        )

    # -- messages and pace --------------------------------------------------------------------------

    def claim_message(self, key: str) -> str:
        """Claim a planned message before posting it: "mine" (post it, then ``message_posted`` or
        ``release_message``), "posted" (a concurrent invocation posted it) or "busy" (one is still
        posting it after WAIT_FOR_MESSAGE_SECONDS)."""
        pk = f"message#{key}"
        waited = 0.0
        while True:
            now = self._clock()
            item = {
                "pk": {"S": pk},
                "state": {"S": "posting"},
                "claimed_at": {"N": str(now)},
                "expires_at": {"N": str(int(now) + EVENT_RECORD_SECONDS)},
            }
            try:
                self._call(
                    "put_item",
                    TableName=self.table_name,
                    Item=item,
                    ConditionExpression="attribute_not_exists(pk) OR (#state = :posting AND claimed_at < :stale)",
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues={
                        ":posting": {"S": "posting"},
                        ":stale": {"N": str(now - MESSAGE_CLAIM_SECONDS)},
                    },
                )
            except _ConditionFailed:
                found = self._get(pk)
                if found and found.get("state", {}).get("S") == "posted":
                    return "posted"
                if found and (waited >= WAIT_FOR_MESSAGE_SECONDS or not self._may_wait(0.25)):
                    return "busy"
                if found:
                    self._sleep(0.25)
                    waited += 0.25
                continue
            return "mine"

    def message_posted(self, key: str) -> None:
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": f"message#{key}"}},
            UpdateExpression="SET #state = :posted",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":posted": {"S": "posted"}},
        )

    def release_message(self, key: str) -> None:
        """A claimed message that Slack did not take: the next delivery may claim it again."""
        with contextlib.suppress(_ConditionFailed):
            self._call(
                "delete_item",
                TableName=self.table_name,
                Key={"pk": {"S": f"message#{key}"}},
                ConditionExpression="#state = :posting",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":posting": {"S": "posting"}},
            )

    def reserve_slot(self, destination: str, interval: float, latest: float) -> float | None:
        """The moment (epoch seconds) this invocation may call ``destination``: the first free one,
        ``interval`` after the one reserved before it by any invocation; None when that is after
        ``latest`` (nothing is reserved then)."""
        pk = f"pace#{destination}"
        for _ in range(20):
            now = self._clock()
            item = self._get(pk)
            stored = item.get("next_at", {}).get("N") if item else None
            slot = max(now, float(stored)) if stored is not None else now
            if slot > latest:
                return None
            condition = "attribute_not_exists(next_at)" if stored is None else "next_at = :stored"
            values = {":next": {"N": repr(slot + interval)}, ":expires": {"N": str(int(slot) + 86400)}}
            if stored is not None:
                values[":stored"] = {"N": stored}
            if self._update_if(pk, "SET next_at = :next, expires_at = :expires", condition, values):
                return slot
        raise StoreUnavailable(f"the pace of {destination} was contended twenty times in a row")

    def record_answer(self, pk: str, answer: dict[str, Any]) -> bool:
        """Keep what someone answered from Slack with the session ``pk``; False when there is no such session."""
        return self._update_if(
            pk, "SET answer = :answer", "attribute_exists(pk)", {":answer": {"S": json.dumps(answer, sort_keys=True)}}
        )

    def windows(self, account: str) -> list[tuple[str, str, float | None]]:
        """The account's declared windows as written: (ID, JSON text, announced at or None)."""
        item = self._get(f"windows#{account}") or {}
        announced = {key: float(value["N"]) for key, value in item.get("announced", {}).get("M", {}).items()}
        written = item.get("windows", {}).get("M", {})
        return [(key, value.get("S", ""), announced.get(key)) for key, value in written.items()]

    def declare_window(self, account: str, window_id: str, text: str, expires_at: int) -> None:
        """Keep a declared window (state/windows' JSON); the notifier announces it before it applies."""
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": f"windows#{account}"}},
            UpdateExpression="SET windows = if_not_exists(windows, :none), expires_at = :expires",
            ExpressionAttributeValues={":none": {"M": {}}, ":expires": {"N": str(expires_at)}},
        )
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": f"windows#{account}"}},
            UpdateExpression="SET windows.#id = :window",
            ExpressionAttributeNames={"#id": window_id},
            ExpressionAttributeValues={":window": {"S": text}},
        )

    def mark_announced(self, account: str, window_id: str, now: float) -> bool:
        """Whether this invocation is the one that announces the window (once, whoever else tries)."""
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": f"windows#{account}"}},
            UpdateExpression="SET announced = if_not_exists(announced, :none)",
            ExpressionAttributeValues={":none": {"M": {}}},
        )
        return self._update_if(
            f"windows#{account}",
            "SET announced.#id = :now",
            "attribute_not_exists(announced.#id)",
            {":now": {"N": str(now)}},
            names={"#id": window_id},
        )

    def claim_request(self, key: str, now: float) -> bool:
        """Whether this is the first time a request (named by its signature) is seen: a replay is not."""
        try:
            self._call(
                "put_item",
                TableName=self.table_name,
                Item={"pk": {"S": f"request#{key}"}, "expires_at": {"N": str(int(now) + REQUEST_RECORD_SECONDS)}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except _ConditionFailed:
            return False
        return True

    def read(self, pk: str) -> ThreadState | None:
        """The thread ``pk`` names, or joins when it is an alias."""
        item = self._get(pk)
        if item and "alias_of" in item:
            item = self._get(item["alias_of"]["S"])
        return _state(item) if item else None

    # -- plumbing -----------------------------------------------------------------------------------

    def _find_live(self, account: str, session_ids: list[str], event_time: float):
        """The live thread a session joins, and the idle one it would follow (either may be None)."""
        idle = None
        for session_id in session_ids:
            item = self._get(thread_pk(account, session_id))
            if item and "alias_of" in item:
                item = self._get(item["alias_of"]["S"])
            if not item:
                continue
            state = _state(item)
            last = state.totals.get("last_time")
            if last is not None and event_time - last > self.idle_seconds:
                idle = idle or state
                continue
            if not state.ts and _claim_ended(item, self._clock()):
                continue  # an abandoned claim: claim it again
            return state, idle
        return None, idle

    def _claim(self, pk: str, aliases: list[str], event_time: float, idle: ThreadState | None) -> ThreadState | None:
        """Claim ``pk`` and its aliases in one transaction, so that of two invocations racing on one
        story (a sign-in's IP, the console key's calls) exactly one posts a parent; None if it lost."""
        now = self._clock()
        # The claimer cannot post the parent after its own deadline: the claim ends with it.
        lasts = CLAIM_SECONDS if self.deadline is None else min(CLAIM_SECONDS, max(self.deadline.remaining(), 0))
        item = {
            "pk": {"S": pk},
            "claimed_at": {"N": str(int(now))},
            "claimed_until": {"N": str(int(now + lasts) + 1)},
            "last_time": {"N": str(event_time)},
            "expires_at": {"N": str(self._expiry(event_time))},
        }
        if idle is not None and idle.ts:
            item["previous_ts"] = {"S": idle.ts}
            item["previous_channel"] = {"S": idle.channel}
        cutoff = {":cutoff": {"N": str(event_time - self.idle_seconds)}}
        writes = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(pk) OR last_time < :cutoff "
                    "OR (attribute_not_exists(ts) AND (claimed_until < :now OR claimed_at < :stale))",
                    "ExpressionAttributeValues": {
                        **cutoff,
                        ":now": {"N": str(int(now))},
                        ":stale": {"N": str(int(now - CLAIM_SECONDS))},
                    },
                }
            }
        ]
        for alias in aliases:  # an alias may replace an alias or an idle thread, never a live thread
            alias_item = {"pk": {"S": alias}, "alias_of": {"S": pk}, "expires_at": item["expires_at"]}
            writes.append(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": alias_item,
                        "ConditionExpression": "attribute_not_exists(pk) OR attribute_exists(alias_of) "
                        "OR last_time < :cutoff",
                        "ExpressionAttributeValues": cutoff,
                    }
                }
            )
        try:
            self._call("transact_write_items", TransactItems=writes)
        except _ConditionFailed:
            return None
        return _state(item)._replace(owner=True)

    def _expiry(self, event_time: float) -> int:
        """When a thread's item expires: a day after it went idle."""
        return int(event_time + self.idle_seconds + 86400)

    def _get(self, pk: str) -> dict[str, Any] | None:
        answer = self._call("get_item", TableName=self.table_name, Key={"pk": {"S": pk}}, ConsistentRead=True)
        return answer.get("Item")

    def _update_if(
        self, pk: str, expression: str, condition: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> bool:
        arguments = {"ExpressionAttributeValues": values} if values else {}
        if names:
            arguments["ExpressionAttributeNames"] = names
        try:
            self._call(
                "update_item",
                TableName=self.table_name,
                Key={"pk": {"S": pk}},
                UpdateExpression=expression,
                ConditionExpression=condition,
                **arguments,
            )
        except _ConditionFailed:
            return False
        return True

    def _may_wait(self, seconds: float) -> bool:
        return self.deadline is None or self.deadline.remaining() - seconds > self.margin

    def _call(self, method: str, **arguments: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        if self.deadline is not None and self.deadline.remaining() < self.margin:
            raise NoTimeLeft(f"no time left in the function's timeout for DynamoDB {method}")
        try:
            if self._client is None:
                self._client = self._client_factory()
            return getattr(self._client, method)(**arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                reasons = error.response.get("CancellationReasons") or []
                raise _ConditionFailed([str(reason.get("Code") or "None") for reason in reasons]) from None
            raise StoreUnavailable(f"DynamoDB {method} on {self.table_name} failed ({code or 'error'})") from None
        except Exception as error:  # noqa: BLE001 - BotoCoreError, or anything else: the alert still goes out
            raise StoreUnavailable(f"DynamoDB {method} on {self.table_name} failed ({type(error).__name__})") from None


class _ConditionFailed(Exception):
    """A condition did not hold; for a transaction, ``codes`` says why each of its items was refused."""

    def __init__(self, codes: list[str] | None = None) -> None:
        super().__init__(codes)
        self.codes = codes or []


def _by_bucket(keys: Iterable[tuple[str, str]], event_times: dict[tuple[str, str], float]) -> dict[str, list]:
    """The pairs by the item that counts them: ``events#<account>#<ten seconds of event time>``."""
    buckets: dict[str, list[tuple[str, str]]] = {}
    for key in dict.fromkeys(keys):
        moment = event_times.get(key)
        bucket = str(int(moment // EVENT_BUCKET_SECONDS)) if moment else "undated"
        buckets.setdefault(f"events#{key[0]}#{bucket}", []).append(key)
    return buckets


def _claim_ended(item: dict[str, Any], now: float) -> bool:
    """Whether a thread's claim (its parent not posted) was abandoned: its claimer's deadline passed,
    or CLAIM_SECONDS did (an item written before claims carried their end)."""
    until = item.get("claimed_until", {}).get("N")
    if until is not None and float(until) < now:
        return True
    return float(item.get("claimed_at", {}).get("N", "0")) < now - CLAIM_SECONDS


def _transactions(buckets: dict[str, list]) -> list[dict[str, list]]:
    """The buckets' pairs as transactions: each writes an item once, and at most _TRANSACT_LIMIT items
    with the thread's."""
    transactions: list[dict[str, list]] = []
    for bucket, keys in buckets.items():
        for start in range(0, len(keys), _IDS_PER_ADD):
            part = keys[start : start + _IDS_PER_ADD]
            room = next((each for each in transactions if bucket not in each and len(each) < _TRANSACT_LIMIT - 1), None)
            if room is None:
                transactions.append({bucket: part})
            else:
                room[bucket] = part
    return transactions


def _state(item: dict[str, Any]) -> ThreadState:
    totals: dict[str, Any] = {name: int(item.get(name, {}).get("N", "0")) for name in COUNTERS}
    totals.update({name: frozenset(item.get(name, {}).get("SS", ())) for name in SETS})
    for name in ("first_time", "last_time", "worst"):
        if name in item:
            totals[name] = float(item[name]["N"])
    for name in ("opened_by", "opened_from", "task_policy", "previous_channel"):
        totals[name] = item.get(name, {}).get("S", "")
    return ThreadState(
        pk=item["pk"]["S"],
        channel=item.get("channel", {}).get("S", ""),
        ts=item.get("ts", {}).get("S", ""),
        previous_ts=item.get("previous_ts", {}).get("S", ""),
        totals=totals,
        revision=int(item.get("revision", {}).get("N", "0")),
        rendered=int(item.get("rendered", {}).get("N", "0")),
        owner=False,
        last_mention=float(item.get("last_mention", {}).get("N", "0")) or None,
        shown={
            "worst": float(item["shown_worst"]["N"]) if "shown_worst" in item else None,
            "announced": frozenset(item.get("announced", {}).get("SS", ())),
            "digested": int(item.get("digested", {}).get("N", "0")),
            "digest_at": float(item.get("digest_at", {}).get("N", "0")),
        },
        answer=json.loads(item["answer"]["S"]) if "answer" in item else None,
    )


def _default_client() -> Any:
    import os

    import boto3  # present in every Lambda Python runtime; imported only when there is root activity to post
    from botocore.config import Config

    return boto3.client("dynamodb", region_name=os.environ.get("AWS_REGION") or None, config=Config(**CLIENT_TIMEOUTS))
