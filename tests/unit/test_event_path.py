"""Following one alert from the handler to Slack (scripts/event_path.py): a webhook's path visits
each module at most twice, and with the session table the delivery classes do not call back and forth."""

from __future__ import annotations

import pytest
from event_path import ADAPTERS, follow

from harness.console_session import sqs_batch
from harness.samples import load_sample
from harness.state import TABLE, create_session_table

# A console sign-in without MFA: the most a single event does (a message of its own, critical).
EVENT = sqs_batch([load_sample("root-console-sign-in-without-mfa.json")])


def test_a_webhook_alert_visits_each_module_at_most_twice(httpserver, monkeypatch):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/hook"))

    visits = follow(EVENT)

    assert len(httpserver.log) == 2  # it reached Slack: once loading, once followed
    assert {"handler.py", "delivery/pipeline.py", "core/sessions.py", "render/event.py", "slack/http.py"} <= set(visits)
    assert {module: count for module, count in visits.items() if count > 2} == {}


@pytest.mark.parametrize("mode", ["webhook", "Slack app"])
def test_with_the_session_table_every_module_but_the_adapters_is_visited_at_most_twice(
    mode, session_table, slack_api_standin, httpserver, monkeypatch
):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    monkeypatch.setenv("SLACK_SESSION_TABLE", TABLE)
    if mode == "webhook":
        monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/hook"))
    else:
        from slack_api_standin import BOT_TOKEN

        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("SLACK_CHANNEL_ID", "C0SECURITY1")
        monkeypatch.setenv("SLACK_API_URL", slack_api_standin.url)

    def fresh_table() -> None:
        session_table.delete_table(TableName=TABLE)
        create_session_table(session_table)

    visits = follow(EVENT, fresh_table)

    parents = len(httpserver.log) if mode == "webhook" else len(slack_api_standin.parents())
    assert parents == 2  # noqa: PLR2004 - it reached Slack: once loading, once followed (a fresh table each)
    session_class = "delivery/digests.py" if mode == "webhook" else "delivery/threaded.py"
    assert {"delivery/stateful.py", session_class, "core/threads.py", "state/store.py"} <= set(visits)
    assert {module: count for module, count in visits.items() if count > 2 and module not in ADAPTERS} == {}
