"""Hypothesis: no input makes the command line print a traceback or breaks Block Kit limits."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import assert_valid_slack_message
from harness.samples import ROOT_SAMPLES, load_sample
from root_activity_notifier.cli import main
from root_activity_notifier.core.classify import classify
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.render.event import RenderOptions, render_message

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
interesting_text = st.lists(
    st.sampled_from(list("<>&|!@*_~`:\n aZ09^-/") + ["<!channel>", "&amp;", "\u3042", "\U0001f600"]), max_size=400
).map("".join) | st.text(max_size=3000)
DETAIL_KEYS = [
    "eventName",
    "eventSource",
    "eventTime",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "eventID",
    "recipientAccountId",
    "readOnly",
    "responseElements",
    "additionalEventData",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=json_values)
def test_arbitrary_json_never_gives_a_traceback(document):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["render", "-"], stdin=io.StringIO(json.dumps(document)), stdout=stdout, stderr=stderr)
    assert code in (0, 2, 3)
    assert "Traceback" not in stderr.getvalue()
    if code == 0:
        for line in stdout.getvalue().splitlines():
            assert_valid_slack_message(json.loads(line))
    else:
        assert stdout.getvalue() == ""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(ROOT_SAMPLES),
    changes=st.dictionaries(st.sampled_from(DETAIL_KEYS), json_values | interesting_text, max_size=6),
    label=interesting_text,
    language=st.sampled_from(["en", "ja"]),
)
def test_mutated_real_events_stay_within_block_kit_limits(sample, changes, label, language):
    event = load_sample(sample)
    event["detail"].update(changes)
    (record,) = parse_input(event)
    payload = render_message(record, classify(record), RenderOptions(language=language, account_label=label))
    assert_valid_slack_message(payload)
    mrkdwn = json.dumps(
        [payload["text"]] + [block.get("fields") or block.get("text") for block in payload["blocks"][1:]]
    )
    assert "<!channel>" not in mrkdwn
