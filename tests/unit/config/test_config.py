from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from root_activity_notifier.config import secrets as ssm_secrets
from root_activity_notifier.config.settings import (
    ConfigurationError,
    SecretSource,
    SessionSettings,
    WebhookTarget,
    check_webhook_url,
    load_settings,
    normalize_mention,
)

URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXX"


def webhook_source(parameter_name="", url=""):
    variable = "SLACK_WEBHOOK_SSM_PARAMETER" if parameter_name else "SLACK_WEBHOOK_URL"
    return SecretSource(url, parameter_name, variable, check_webhook_url)


def webhook_url(source, max_age, **options):
    return ssm_secrets.secret_value(source, max_age, **options)


def test_defaults():
    settings = load_settings({"SLACK_WEBHOOK_URL": URL})
    assert settings.slack == WebhookTarget(webhook_source(url=URL))
    assert settings.render.language == "en"
    assert settings.render.time_zone.name == "UTC"
    assert settings.render.mention == ""
    assert settings.secret_cache_seconds == 300
    assert settings.sessions == SessionSettings(table="", idle_minutes=60, digest_minutes=5, follow_up_queue_url="")


def test_the_session_table_serves_a_webhook_too():
    environment = {"SLACK_WEBHOOK_URL": URL, "SLACK_SESSION_TABLE": "notifier-slack-sessions"}
    environment.update(NOTIFIER_DIGEST_MINUTES="2", NOTIFIER_FOLLOW_UP_QUEUE_URL="https://sqs/q")
    settings = load_settings(environment)
    assert settings.sessions == SessionSettings("notifier-slack-sessions", 60, 2, "https://sqs/q")


def test_all_settings():
    settings = load_settings(
        {
            "SLACK_WEBHOOK_SSM_PARAMETER": "/root-activity/slack-webhook",
            "NOTIFIER_LANGUAGE": "JA",
            "NOTIFIER_TIME_ZONE": "Asia/Tokyo",
            "NOTIFIER_ACCOUNT_LABEL": " production ",
            "NOTIFIER_MENTION": "@channel",
            "SLACK_WEBHOOK_CACHE_SECONDS": "60",
        }
    )
    assert settings.slack == WebhookTarget(webhook_source(parameter_name="/root-activity/slack-webhook"))
    assert settings.render.language == "ja"
    assert settings.render.time_zone.name == "Asia/Tokyo"
    assert settings.render.account_label == "production"
    assert settings.render.mention == "<!channel>"
    assert settings.secret_cache_seconds == 60


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "no Slack destination configured: set SLACK_WEBHOOK_SSM_PARAMETER"),
        ({"SLACK_WEBHOOK_URL": URL, "SLACK_WEBHOOK_SSM_PARAMETER": "/x"}, "both SLACK_WEBHOOK_SSM_PARAMETER and"),
        ({"SLACK_WEBHOOK_URL": URL, "NOTIFIER_LANGUAGE": "fr"}, "NOTIFIER_LANGUAGE='fr' is not a supported"),
        ({"SLACK_WEBHOOK_URL": URL, "NOTIFIER_MENTION": "@everyone-now"}, "NOTIFIER_MENTION='@everyone-now'"),
        ({"SLACK_WEBHOOK_URL": "http://hooks.slack.com/x"}, "SLACK_WEBHOOK_URL must hold an https://"),
        ({"SLACK_WEBHOOK_SSM_PARAMETER": "has spaces"}, "SLACK_WEBHOOK_SSM_PARAMETER='has spaces'"),
        ({"SLACK_WEBHOOK_URL": URL, "SLACK_WEBHOOK_CACHE_SECONDS": "-1"}, "SLACK_WEBHOOK_CACHE_SECONDS='-1'"),
        (
            {"SLACK_WEBHOOK_URL": URL, "NOTIFIER_DIGEST_MINUTES": "16"},
            "NOTIFIER_DIGEST_MINUTES='16' is not a whole number of minutes from 1 to 15",
        ),
        ({"SLACK_WEBHOOK_URL": URL, "NOTIFIER_DIGEST_MINUTES": "0"}, "NOTIFIER_DIGEST_MINUTES='0'"),
        ({"SLACK_WEBHOOK_URL": URL, "SLACK_SESSION_IDLE_MINUTES": "1441"}, "SLACK_SESSION_IDLE_MINUTES='1441'"),
    ],
)
def test_invalid_configuration_names_the_variable(environment, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        load_settings(environment)


def test_url_errors_do_not_quote_the_secret():
    with pytest.raises(ConfigurationError) as failure:
        check_webhook_url("ftp://hooks.slack.com/services/T/B/SECRET", "SLACK_WEBHOOK_URL")
    assert "SECRET" not in str(failure.value) and "ftp://" in str(failure.value)


def test_loopback_http_is_allowed_for_local_sinks():
    assert check_webhook_url("http://127.0.0.1:8080/hook", "x") == "http://127.0.0.1:8080/hook"
    assert check_webhook_url("http://localhost/hook", "x")
    with pytest.raises(ConfigurationError):
        check_webhook_url("http://192.0.2.10/hook", "x")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("here", "<!here>"),
        ("@here", "<!here>"),
        ("<!here>", "<!here>"),
        ("channel", "<!channel>"),
        ("<!subteam^S0123ABCD>", "<!subteam^S0123ABCD>"),
        ("<@U0123ABCD>", "<@U0123ABCD>"),
        ("", ""),
    ],
)
def test_mentions(value, expected):
    assert normalize_mention(value) == expected


@pytest.mark.parametrize(
    # everyone: the module's slack_mention rejects it too (it pings a whole workspace)
    "value",
    ["<!subteam^lower>", "<https://x.example>", "here now", "<!channel>|x", "everyone", "<!everyone>"],
)
def test_bad_mentions(value):
    with pytest.raises(ConfigurationError, match="NOTIFIER_MENTION"):
        normalize_mention(value)


@pytest.fixture
def ssm():
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def factory(client):
    calls = []

    def make():
        calls.append(1)
        return client

    return make, calls


def test_secure_string_is_read_decrypted_and_cached(ssm):
    ssm.put_parameter(Name="/notifier/webhook", Value=URL, Type="SecureString")
    make, calls = factory(ssm)
    source = webhook_source(parameter_name="/notifier/webhook")
    clock = [100.0]
    assert webhook_url(source, 300, ssm_client_factory=make, clock=lambda: clock[0]) == URL
    clock[0] += 299
    assert webhook_url(source, 300, ssm_client_factory=make, clock=lambda: clock[0]) == URL
    assert len(calls) == 1


def test_rotation_takes_effect_after_the_cache_age(ssm):
    ssm.put_parameter(Name="/notifier/webhook", Value=URL, Type="SecureString")
    make, calls = factory(ssm)
    source = webhook_source(parameter_name="/notifier/webhook")
    clock = [0.0]
    assert webhook_url(source, 300, ssm_client_factory=make, clock=lambda: clock[0]) == URL
    rotated = URL.replace("XXXXXXXX", "YYYYYYYY")
    ssm.put_parameter(Name="/notifier/webhook", Value=rotated, Type="SecureString", Overwrite=True)
    clock[0] = 200
    assert webhook_url(source, 300, ssm_client_factory=make, clock=lambda: clock[0]) == URL
    clock[0] = 301
    assert webhook_url(source, 300, ssm_client_factory=make, clock=lambda: clock[0]) == rotated
    assert len(calls) == 2


def test_missing_parameter_is_a_clear_configuration_error(ssm):
    make, _ = factory(ssm)
    with pytest.raises(ConfigurationError, match="'/nope' .* does not exist"):
        webhook_url(webhook_source(parameter_name="/nope"), 300, ssm_client_factory=make)


def test_parameter_that_is_not_a_webhook_url(ssm):
    ssm.put_parameter(Name="/notifier/webhook", Value="not a url", Type="SecureString")
    make, _ = factory(ssm)
    with pytest.raises(ConfigurationError, match="must hold an https://"):
        webhook_url(webhook_source(parameter_name="/notifier/webhook"), 300, ssm_client_factory=make)


def test_plain_url_needs_no_ssm():
    assert webhook_url(webhook_source(url=URL), 300, ssm_client_factory=lambda: pytest.fail("SSM used")) == URL
    assert ssm_secrets._cache == {}


def test_a_time_zone_that_cannot_be_loaded_falls_back_to_utc():
    options = load_settings({"SLACK_WEBHOOK_URL": URL, "NOTIFIER_TIME_ZONE": "Asia/Tokio"}).render
    assert options.time_zone.name == "UTC" and options.time_zone.unavailable_name == "Asia/Tokio"
    assert load_settings({"SLACK_WEBHOOK_URL": URL, "NOTIFIER_TIME_ZONE": "Asia/Tokyo"}).render.time_zone.name == (
        "Asia/Tokyo"
    )


class FailingSsm:
    """An SSM client whose GetParameter fails as AWS does, with the given error code."""

    def __init__(self, code):
        self.code = code

    def get_parameter(self, **_):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, "GetParameter")


@pytest.mark.parametrize("code", ["AccessDeniedException", "KMSAccessDeniedException", "KMSDisabledException"])
def test_a_parameter_the_function_may_not_read_names_both_permissions(code):
    with pytest.raises(ConfigurationError) as failure:
        webhook_url(webhook_source("/notifier/webhook"), 300, ssm_client_factory=lambda: FailingSsm(code))
    assert f"({code})" in str(failure.value)
    assert "ssm:GetParameter" in str(failure.value) and "kms:Decrypt" in str(failure.value)


@pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerError"])
def test_throttling_is_retried_later_not_a_configuration_error(code):
    with pytest.raises(ssm_secrets.SecretUnavailable, match=f"could not be read just now \\({code}\\)"):
        webhook_url(webhook_source("/notifier/webhook"), 300, ssm_client_factory=lambda: FailingSsm(code))
    assert ssm_secrets._cache == {}, "a failed read must not be cached"


def test_every_setting_variable_is_named_once_in_config_and_cleared_for_each_test():
    """conftest clears config.VARIABLES, built from config's own *_VARIABLE names: a variable the
    Terraform module sets on the function that config does not name would leak between tests."""
    import re

    from conftest import REPO
    from root_activity_notifier.config import settings as config

    assert len(config.VARIABLES) == len(set(config.VARIABLES)) and set(config.SECRET_VARIABLES) <= set(config.VARIABLES)
    module = "".join(path.read_text() for path in REPO.glob("*.tf"))
    environment = set(re.findall(r"\b((?:SLACK|NOTIFIER)_[A-Z_]+)\s*=", module))
    assert environment and environment <= set(config.VARIABLES), environment - set(config.VARIABLES)


def test_the_settings_reference_names_every_variable_config_reads_and_no_other():
    """config/reference.py is what docs/command-line.md's table is written from (make docs): it
    follows config.VARIABLES in both directions, and the page holds what it writes."""
    from conftest import REPO
    from root_activity_notifier.config import reference, settings

    listed = [name for name, _, _ in reference.SETTINGS]
    assert len(listed) == len(set(listed)) and set(listed) == set(settings.VARIABLES), set(listed) ^ set(
        settings.VARIABLES
    )
    page = (REPO / "docs" / "command-line.md").read_text(encoding="utf-8")
    assert reference.settings_table() in page.split("## Handler settings (environment variables)", 1)[1]
    assert "| `SLACK_SESSION_IDLE_MINUTES` | `60` | minutes a session may be idle" in reference.settings_table()
