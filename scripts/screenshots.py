"""`make screenshots`: the messages the notifier sends, rendered as Slack lays them out, as PNGs under
docs/images/ for the README. Needs Chromium (headless) and a CJK font; `make screenshots` installs
Debian's `chromium`, `fonts-noto-cjk` and `fonts-noto-color-emoji` when they are missing. Not part of
`make test`: CI needs no browser, and only checks that the images the README shows exist.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.console_session import console_session
from harness.samples import load_sample
from harness.tamper_calls import EXAMPLE_NAMES, recorded, watched_calls
from root_activity_notifier.config.settings import load_render_options
from root_activity_notifier.core.classify import classify
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.core.sessions import MAX_MESSAGES_PER_BATCH, occurrences, plan_messages
from root_activity_notifier.health import checks, findings
from root_activity_notifier.health.message import render_cannot_see
from root_activity_notifier.render.event import render_message
from root_activity_notifier.render.summary import render_fold, render_summary
from slack_preview import message_page, thread_page

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "images"
WIDTH = 800
MEMBER, MEMBER_LABEL = "444455556666", "workloads-prod"
HOME, HOME_REGION = EXAMPLE_NAMES["account"], EXAMPLE_NAMES["region"]


def options(language: str = "en", time_zone: str = "UTC", **more: str):
    return load_render_options(
        {"NOTIFIER_LANGUAGE": language, "NOTIFIER_TIME_ZONE": time_zone, "NOTIFIER_MENTION": "here", **more}
    )


def message(name: str, render_options, **detail_changes) -> dict:
    event = load_sample(name)
    event["detail"].update(detail_changes)
    (record,) = parse_input(event)
    return render_message(record, classify(record), render_options)


def session_summary() -> dict:
    events = console_session(reads=100, changes=3)
    batch = occurrences((f"m{index}", parse_input(event)[0]) for index, event in enumerate(events))
    (summary,) = [planned for planned in plan_messages(batch) if planned.kind == "summary"]
    return render_summary(summary, options(NOTIFIER_ACCOUNT_LABEL="production"))


def folded_sessions() -> dict:
    """A flood of one-call sessions: what a batch of the queues had no room for, as one message."""
    events = [
        console_session(reads=1, changes=0, prefix=f"flood{number:02d}", access_key_id=f"ASIA{number:016d}")[1]
        for number in range(16)
    ]
    batch = occurrences((f"m{index}", parse_input(event)[0]) for index, event in enumerate(events))
    fold = plan_messages(batch, max_messages=MAX_MESSAGES_PER_BATCH)[-1]
    return render_fold(fold, options(NOTIFIER_ACCOUNT_LABEL="production"))


def rule_disabled() -> dict:
    """An IAM user disables the notifier's rule: what the tamper rule puts on the queue, rendered."""
    (disable_rule,) = [call for call in watched_calls(EXAMPLE_NAMES) if call.event == "DisableRule"]
    event = recorded(disable_rule, region=HOME_REGION, account=HOME, event_id="6e8e8d3c-EXAMPLE")
    (record,) = parse_input({"tamper_rule": "root-activity-notifier-tamper-rules", "event": event})
    return render_message(record, classify(record), options(NOTIFIER_ACCOUNT_LABEL="production"))


class _StoppedTrail:
    """CloudTrail's GetTrailStatus answer for a stopped trail (the only call the trail check makes)."""

    def get_trail_status(self, Name: str) -> dict:  # noqa: N803 - boto3's parameter name
        return {"IsLogging": False}


def trail_stopped() -> dict:
    """The health check's finding when the trail has stopped: the trail check itself, fed a stopped trail."""
    trail = f"arn:aws:cloudtrail:{HOME_REGION}:{HOME}:trail/root-activity-notifier-trail"
    found = checks._trail({"trail": trail}, lambda service, region: _StoppedTrail())  # the one check
    return render_cannot_see(findings.problems(found), HOME, options(NOTIFIER_ACCOUNT_LABEL="production"))


def payloads() -> dict[str, dict]:
    """File name (without .png) → the payload it shows."""
    labels = json.dumps({MEMBER: MEMBER_LABEL})
    member = {
        "recipientAccountId": MEMBER,
        "userIdentity": {
            "type": "Root",
            "accountId": MEMBER,
            "arn": f"arn:aws:iam::{MEMBER}:root",
            "principalId": MEMBER,
        },
    }
    return {
        "sign-in-without-mfa-en": message(
            "root-console-sign-in-without-mfa.json", options(NOTIFIER_ACCOUNT_LABEL="production")
        ),
        "sign-in-without-mfa-ja": message(
            "root-console-sign-in-without-mfa.json", options("ja", "Asia/Tokyo", NOTIFIER_ACCOUNT_LABEL="本番")
        ),
        "create-access-key": message("root-create-access-key.json", options(NOTIFIER_ACCOUNT_LABEL="production")),
        "session-summary": session_summary(),
        "folded-sessions": folded_sessions(),
        "member-account-call": message(
            "root-api-call-from-console.json", options(NOTIFIER_ACCOUNT_LABELS=labels), **member
        ),
        "tamper-rule-disabled": rule_disabled(),
        "health-trail-stopped": trail_stopped(),
        "assume-root": message(
            "assumed-role-assume-root-call.json",
            options(NOTIFIER_ACCOUNT_LABELS=labels, NOTIFIER_ANNOUNCE_ASSUME_ROOT="true"),
            requestParameters={
                "targetPrincipal": MEMBER,
                "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"},
            },
        ),
    }


def session_thread() -> str:
    """Slack app mode: a console session's live thread, as the handler leaves it (run against the
    Slack Web API stand-in and moto's DynamoDB, the queues' two batches)."""
    from slack_app_bench import AppMode, Quiet, invoke

    events = console_session(reads=40, changes=2)
    with AppMode() as app, Quiet():
        invoke([event for event in events if event["detail"].get("readOnly") is not True])
        invoke([event for event in events if event["detail"].get("readOnly") is True])
        (parent,) = app.slack.parents()
        return thread_page(parent, app.slack.replies(parent))


def pages() -> dict[str, str]:
    """File name (without .png) → the HTML page it shows."""
    return {**{name: message_page(payload) for name, payload in payloads().items()}, "session-thread": session_thread()}


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SystemExit("chromium is not installed: run `make screenshots` (it installs Debian's chromium)")
    return found


def height_of(browser: str, page: Path) -> int:
    """The rendered message's height, read back from the DOM after layout."""
    measuring = page.with_suffix(".measure.html")
    measuring.write_text(
        page.read_text().replace(
            "</body>",
            "<script>document.title = String(Math.ceil("
            "document.getElementById('message').getBoundingClientRect().bottom));</script></body>",
        )
    )
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={WIDTH},2000",
            "--dump-dom",
            measuring.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    found = re.search(r"<title>(\d+)</title>", dom)
    if not found:
        raise RuntimeError(f"could not measure {page.name}")
    return int(found.group(1)) + 8


def screenshot(browser: str, page: Path, target: Path) -> None:
    height = height_of(browser, page)
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=2",
            f"--window-size={WIDTH},{height}",
            f"--screenshot={target}",
            page.as_uri(),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )


def main() -> int:
    browser = chromium()
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        for name, text in pages().items():
            page = Path(workdir) / f"{name}.html"
            page.write_text(text, encoding="utf-8")
            target = IMAGES / f"{name}.png"
            screenshot(browser, page, target)
            print(f"{target.relative_to(REPO)}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
