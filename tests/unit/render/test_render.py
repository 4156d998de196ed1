from __future__ import annotations

import json

import pytest

from conftest import assert_valid_slack_message
from harness.samples import ROOT_SAMPLES, load_sample
from root_activity_notifier.config.settings import load_render_options
from root_activity_notifier.core.classify import classify
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.render.blocks import cloudtrail_console_url
from root_activity_notifier.render.event import RenderOptions, render_message


def rendered(name, options=None, **detail_changes):
    event = load_sample(name)
    event["detail"].update(detail_changes)
    record = parse_input(event)[0]
    return render_message(record, classify(record), options or RenderOptions())


def render_options(*, language, time_zone, account_label, mention):
    """Options as the function reads them from its environment."""
    return load_render_options(
        {
            "NOTIFIER_LANGUAGE": language,
            "NOTIFIER_TIME_ZONE": time_zone,
            "NOTIFIER_ACCOUNT_LABEL": account_label,
            "NOTIFIER_MENTION": mention,
        }
    )


def everything_the_reader_sees(payload):
    return json.dumps(payload, ensure_ascii=False)


def field_texts(payload):
    return [field["text"] for block in payload["blocks"] for field in block.get("fields", [])]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("name", ROOT_SAMPLES)
def test_every_sample_renders_valid_block_kit(name, language):
    options = render_options(language=language, time_zone="Asia/Tokyo", account_label="prod", mention="here")
    assert_valid_slack_message(rendered(name, options))


def test_english_sign_in_without_mfa():
    payload = rendered(
        "root-console-sign-in-without-mfa.json",
        render_options(language="en", time_zone="UTC", account_label="production", mention="here"),
    )
    assert payload["blocks"][0]["text"]["text"] == ":rotating_light: Root user signed in to the console without MFA"
    assert payload["text"] == (
        "<!here> :rotating_light: Root user signed in to the console without MFA | 111122223333 (production) | "
        "us-east-1 | 192.0.2.0 | 2018-08-29 16:24:34 UTC"
    )
    assert field_texts(payload) == [
        "*Event*\n`ConsoleLogin`",
        "*When*\n<!date^1535559874^{date_num} {time_secs}|2018-08-29 16:24:34 UTC>",
        "*Source IP*\n192.0.2.0",
        "*Region*\nus-east-1",
        "*MFA*\n:x: Not used",
        "*Sign-in result*\nSuccess",
        "*Service*\nsignin.amazonaws.com",
    ]
    # The account once, in the summary line: not again as a field.
    assert payload["blocks"][1]["text"]["text"] == "<!here> *Critical* · in account *111122223333 (production)*"
    context = " ".join(element["text"] for element in payload["blocks"][-1]["elements"])
    assert (
        "<https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/"
        "deb1e1f9-c99b-4612-8e9f-21f93b5d79c0|Open the event in CloudTrail>" in context
    )


def test_japanese_wording_and_jst():
    payload = rendered(
        "root-console-sign-in-failure.json",
        render_options(language="ja", time_zone="Asia/Tokyo", account_label="", mention=""),
    )
    assert payload["blocks"][0]["text"]["text"] == ":warning: AWSルートユーザーログイン失敗"
    texts = field_texts(payload)
    assert "*ログイン結果*\n失敗" in texts
    assert "*MFA*\n:x: 未使用" in texts
    assert "*発生時刻*\n<!date^1535220629^{date_num} {time_secs}|2018-08-26 03:10:29 JST>" in texts
    assert payload["blocks"][1]["text"]["text"] == "*警告* · アカウント *111122223333*"
    assert not any("111122223333" in text for text in texts)
    assert "2018-08-26 03:10:29 JST" in payload["text"]


def test_mention_only_on_critical_alerts():
    options = render_options(language="en", time_zone="UTC", account_label="", mention="<!subteam^S0123ABCD>")
    critical = rendered("root-create-access-key.json", options)
    assert critical["text"].startswith("<!subteam^S0123ABCD> ")
    for calm in ("root-console-sign-in-with-mfa.json", "root-read-only-call.json", "root-console-sign-in-failure.json"):
        assert "subteam" not in everything_the_reader_sees(rendered(calm, options))


def test_console_action_and_region_of_the_call():
    payload = rendered("root-api-call-from-console.json")
    assert "through the AWS console" in payload["blocks"][1]["text"]["text"]
    assert "*Region*\nus-east-2" in field_texts(payload)
    assert not any(text.startswith("*MFA*") for text in field_texts(payload))


def test_denied_and_error_are_shown():
    payload = rendered("root-create-access-key.json", errorCode="AccessDenied", errorMessage="User is not authorized")
    assert payload["blocks"][0]["text"]["text"].endswith("(denied)")
    assert "*Error*\nAccessDenied User is not authorized" in field_texts(payload)
    assert "AWS denied this call" in everything_the_reader_sees(payload)


def test_centralized_root_access_is_said():
    event = load_sample("root-api-call-from-console.json")
    event["detail"]["userIdentity"]["sessionContext"]["assumedRoot"] = "true"
    record = parse_input(event)[0]
    assert "sts:AssumeRoot" in everything_the_reader_sees(render_message(record, classify(record), RenderOptions()))


ATTACKS = [
    "<!channel> look here",
    "<https://evil.example/login|Open the event in CloudTrail>",
    "@here & <@U024BE7LH>",
    "&lt;!channel&gt;",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_event_strings_cannot_mention_or_link(attack):
    payload = rendered(
        "root-create-access-key.json",
        userAgent=attack,
        eventName=attack,
        sourceIPAddress=attack,
        errorCode=attack,
        awsRegion=attack,
    )
    assert_valid_slack_message(payload)
    # Slack parses mentions and links in mrkdwn and in the top-level text; plain_text (the header)
    # is shown as it is.
    parsed_texts = [payload["text"]]
    for block in payload["blocks"]:
        for text in [block.get("text")] + block.get("fields", []) + block.get("elements", []):
            if text and text["type"] == "mrkdwn":
                # verbatim: Slack does not auto-link URLs or auto-mention @here in it either
                assert text["verbatim"] is True
                parsed_texts.append(text["text"])
    parsed = "\n".join(parsed_texts)
    assert "<!channel>" not in parsed and "<@U024BE7LH>" not in parsed
    assert "<https://evil" not in parsed
    # What the reader sees, once Slack has decoded its three entities, is exactly what the attacker
    # sent: nothing was interpreted, not even an attacker's own entities.
    assert attack in slack_decoded(payload["text"])
    assert f"`{attack}`" in slack_decoded("\n".join(field_texts(payload)))


def slack_decoded(text):
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_an_attacker_region_gives_no_console_link():
    event = load_sample("root-api-call-from-console.json")
    event["detail"]["awsRegion"] = "us-east-1.evil.example/#"
    record = parse_input(event)[0]
    assert cloudtrail_console_url(record) == ""


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("eu-west-1", "https://eu-west-1.console.aws.amazon.com/"),
        ("cn-north-1", "https://cn-north-1.console.amazonaws.cn/"),
        ("us-gov-west-1", "https://console.amazonaws-us-gov.com/"),
    ],
)
def test_console_link_follows_the_partition(region, host):
    event = load_sample("root-api-call-from-console.json")
    event["detail"]["awsRegion"] = region
    record = parse_input(event)[0]
    assert cloudtrail_console_url(record).startswith(host)


def test_huge_values_are_cut_to_block_kit_limits():
    payload = rendered(
        "root-create-access-key.json",
        userAgent="&" * 10_000,
        eventName="E" * 5000,
        errorMessage="<" * 5000,
        errorCode="X",
        sourceIPAddress="9" * 3000,
    )
    assert_valid_slack_message(payload)
    assert payload["blocks"][0]["text"]["text"].endswith("…")
    assert "&amp;&amp;" in everything_the_reader_sees(payload)
    # a cut never leaves half an entity behind
    for text in field_texts(payload):
        assert not text.rstrip("…").endswith(("&", "&a", "&am", "&amp", "&l", "&lt"))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_time_zone_typo_falls_back_to_utc_and_says_so(language):
    options = render_options(language=language, time_zone="Asia/Tokio", account_label="", mention="")
    payload = rendered("root-console-sign-in-failure.json", options)
    assert_valid_slack_message(payload)
    assert "2018-08-25 18:10:29 UTC" in payload["text"]
    note = {
        "en": "Time zone Asia/Tokio could not be loaded; times are in UTC",
        "ja": "タイムゾーン Asia/Tokio を読み込めなかったため、UTCで表示しています",
    }[language]
    assert note in everything_the_reader_sees(payload)


def test_a_loadable_time_zone_adds_no_note():
    options = render_options(language="en", time_zone="Asia/Tokyo", account_label="", mention="")
    payload = rendered("root-console-sign-in-failure.json", options)
    assert "JST" in payload["text"] and "could not be loaded" not in everything_the_reader_sees(payload)


def test_minimal_root_record_still_renders():
    record = parse_input({"userIdentity": {"type": "Root"}})[0]
    payload = render_message(record, classify(record), RenderOptions(language="ja"))
    assert_valid_slack_message(payload)
    assert "不明" in everything_the_reader_sees(payload)
