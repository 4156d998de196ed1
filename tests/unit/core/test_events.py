from __future__ import annotations

import json
import re

import pytest

from harness.samples import EVENTS, NON_ROOT_SAMPLES, ROOT_SAMPLES, load_sample
from root_activity_notifier.core.events import InputError, parse_input, parse_json_text, parse_timestamp


@pytest.mark.parametrize("name", ROOT_SAMPLES)
def test_every_root_sample_is_one_root_record(name):
    (record,) = parse_input(load_sample(name))
    assert record.is_root
    assert record.account_id == "111122223333"


@pytest.mark.parametrize("name", NON_ROOT_SAMPLES)
def test_look_alikes_are_not_root(name):
    (record,) = parse_input(load_sample(name))
    assert not record.is_root


def test_eventbridge_event_fields():
    (record,) = parse_input(load_sample("root-console-sign-in-without-mfa.json"))
    assert record.event_name == "ConsoleLogin"
    assert record.event_id == "deb1e1f9-c99b-4612-8e9f-21f93b5d79c0"
    assert record.region == "us-east-1"
    assert record.source_ip == "192.0.2.0"
    assert record.mfa_used is False
    assert record.console_login_result == "Success"
    assert record.event_time is not None and record.event_time.isoformat() == "2018-08-29T16:24:34+00:00"


def test_raw_record_is_accepted():
    event = load_sample("root-console-sign-in-failure.json")
    (record,) = parse_input(event["detail"])
    assert record.is_root and record.console_login_result == "Failure"
    assert record.event_id == event["detail"]["eventID"] and record.region == event["detail"]["awsRegion"]


def test_log_file_keeps_every_record_in_order():
    records = parse_input(load_sample("cloudtrail-log-file.json"))
    assert [record.identity_type for record in records] == ["IAMUser", "Root", "Root"]


def test_lambda_destination_record_unwraps_request_payload():
    (record,) = parse_input(load_sample("lambda-destination-record.json"))
    assert record.is_root and record.event_name == "ConsoleLogin"


def test_region_is_where_cloudtrail_recorded_the_call_not_the_forwarding_bus():
    event = load_sample("root-api-call-from-console.json")
    event["region"] = "ap-northeast-1"  # the home region's bus, after forwarding
    (record,) = parse_input(event)
    assert record.region == "us-east-2"


def test_mfa_used_is_compared_without_case():
    event = load_sample("root-console-sign-in-with-mfa.json")
    for value, expected in (("Yes", True), ("YES", True), ("yes", True), ("No", False), ("NO", False), ("maybe", None)):
        event["detail"]["additionalEventData"]["MFAUsed"] = value
        assert parse_input(event)[0].mfa_used is expected


def test_assumed_root_session_is_marked():
    event = load_sample("root-api-call-from-console.json")
    event["detail"]["userIdentity"]["sessionContext"]["assumedRoot"] = "true"
    assert parse_input(event)[0].assumed_root is True


def test_principal_id_equal_to_account_is_not_root():
    event = load_sample("iam-user-console-sign-in.json")
    event["detail"]["userIdentity"]["principalId"] = "111122223333"
    assert not parse_input(event)[0].is_root


def test_fields_of_the_wrong_type_read_as_text_not_crash():
    event = load_sample("root-console-sign-in-without-mfa.json")
    event["detail"]["sourceIPAddress"] = ["198.51.100.1"]
    event["detail"]["eventTime"] = 12
    event["detail"]["additionalEventData"] = "not an object"
    (record,) = parse_input(event)
    assert record.source_ip == '["198.51.100.1"]'
    assert record.event_time is None and record.mfa_used is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected a JSON object"),
        ("text", "expected a JSON object"),
        ({"Records": {}}, '"Records" must be a list'),
        ({"Records": [1]}, "Records[0] must be a JSON object"),
        ({"detail-type": "x", "detail": []}, '"detail" must be a JSON object'),
        ({"hello": "world"}, "top-level keys: hello"),
    ],
)
def test_malformed_input_gets_a_clear_error(document, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_input(document)


def test_invalid_json_text():
    with pytest.raises(InputError, match="not valid JSON"):
        parse_json_text("{nope")


def test_deeply_nested_destination_records_are_refused():
    document = load_sample("root-console-sign-in-without-mfa.json")
    for _ in range(10):
        document = {"requestContext": {}, "requestPayload": document}
    with pytest.raises(InputError, match="too deeply"):
        parse_input(document)


def test_empty_log_file_has_no_records():
    assert parse_input({"Records": []}) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-08-29T16:24:34Z", "2018-08-29T16:24:34+00:00"),
        ("2018-08-29T16:24:34.123Z", "2018-08-29T16:24:34.123000+00:00"),
        ("2018-08-29T16:24:34", "2018-08-29T16:24:34+00:00"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_timestamps(text, expected):
    parsed = parse_timestamp(text)
    assert (parsed.isoformat() if parsed else None) == expected


def test_every_sample_is_documented_with_its_source():
    """A sample nobody can trace to AWS's documentation is a guess at an event shape."""
    documented = dict(
        re.findall(r"^\| `([a-z0-9-]+\.json)` \| .+ \| (.+) \|$", (EVENTS / "README.md").read_text(), re.MULTILINE)
    )
    on_disk = {path.name for path in EVENTS.glob("*.json")}
    assert set(documented) == on_disk
    assert all(len(source) > 10 for source in documented.values()), documented


def test_an_sqs_batch_keeps_each_message_id_and_an_unreadable_body():
    from harness.console_session import console_session, sqs_batch
    from root_activity_notifier.core.events import is_sqs_event, parse_sqs_event

    batch = sqs_batch(console_session(reads=1, changes=0))
    batch["Records"].append({**batch["Records"][0], "messageId": "broken", "body": "[]"})
    assert is_sqs_event(batch) and not is_sqs_event(load_sample("cloudtrail-log-file.json"))
    messages = parse_sqs_event(batch)
    assert [message.message_id for message in messages] == ["message-0000", "message-0001", "message-0002", "broken"]
    assert [len(message.records) for message in messages] == [1, 1, 1, 0]
    assert messages[-1].error.startswith("expected a JSON object")
    with pytest.raises(InputError, match="SQS message broken: expected a JSON object"):
        parse_input(batch)


def test_the_handler_reads_what_it_was_given_in_one_step():
    from harness.console_session import console_session, sqs_batch
    from root_activity_notifier.core.events import read_event

    assert read_event({"root_activity_notifier": "health_check", "apply": True}) == (True, False, [])
    queued = read_event(sqs_batch(console_session(reads=1, changes=0)))
    assert not queued.health_check and queued.from_queue and len(queued.messages) == 3
    (direct,) = read_event(load_sample("root-create-access-key.json")).messages
    assert direct.message_id == "" and [record.event_name for record in direct.records] == ["CreateAccessKey"]
    with pytest.raises(InputError, match="expected a JSON object"):
        read_event([])


def test_admission_says_why_a_record_is_not_announced():
    from root_activity_notifier.core.classify import admission
    from root_activity_notifier.shared.outcomes import Status

    (root,) = parse_input(load_sample("root-create-access-key.json"))
    assert admission(root, announce_assume_root=False) is None
    assert admission(root._replace(identity_type="IAMUser"), announce_assume_root=False) is Status.IGNORED
    forged = root._replace(envelope=root.envelope._replace(source="my.app"))
    assert admission(forged, announce_assume_root=False) is Status.REFUSED


def test_what_aws_sqs_receive_message_prints_is_accepted():
    body = json.dumps(load_sample("root-create-access-key.json"))
    records = parse_input({"Messages": [{"MessageId": "1", "Body": body}, {"MessageId": "2", "Body": body}]})
    assert [record.event_name for record in records] == ["CreateAccessKey", "CreateAccessKey"]
    with pytest.raises(InputError, match='every item of "Messages" must have a "Body"'):
        parse_input({"Messages": [{"MessageId": "1"}]})


def test_the_access_key_names_the_session():
    (record,) = parse_input(load_sample("root-api-call-from-console.json"))
    assert record.access_key_id == "ASIAIOSFODNN7EXAMPLE"
    (sign_in,) = parse_input(load_sample("root-console-sign-in-without-mfa.json"))
    assert sign_in.access_key_id == ""
