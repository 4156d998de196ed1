"""`make demo`: terraform apply of examples/single-account, then root events reaching Slack, all locally.

AWS is moto's server on 127.0.0.1 and Slack is a local webhook (limited like Slack, to about one
message a second). First every sample event, one at a time, then a root user's console session: a
sign-in, about a hundred reads across services, a few changes and a CreateAccessKey. Each event goes
on the bus of the region that recorded it; the deployed forwarders and rules put it in the deployed
queues; their batches go to the deployed package, as the event source mappings would hand them
over, to one warm container of the deployed package (as Lambda reuses one). Next to the real
activity, a forged root sign-in (a source of its own, put with PutEvents, as any application role
could) must reach nothing. The terminal shows the Slack messages and one line per batch; the
function's JSON log lines go to a file whose path is printed, and the messages to an HTML preview.
It ends with the watcher watched: an IAM user disables the notifier's rule (a tamper alert, through
the deployed tamper rule), and the trail stops (the deployed health check's finding). A second pass
applies the example again in Slack app mode (a bot token, the session table) against a local Slack
Web API, sends the same console session through, and prints the channel as a tree: the parent with
its final totals, its replies, which were also sent to the channel.
Everything started here is stopped and destroyed at the end, also on error or Ctrl-C. The exit
status is non-zero if anything in the chain did not do what it should.

Messages are in English and UTC; `make demo DEMO_LANGUAGE=ja` shows them as the example deploys
them, in Japanese and JST.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone

from harness.console_session import console_session, sqs_batch
from harness.deployed import DeployedFunction, DeployedQueues
from harness.deployment import REPO, ExampleDeployment
from harness.emulator import LocalAws
from harness.interactions import EXPECTED, asked_session, button_click, reason_submission, signed_request
from harness.narration import describe_batch, held_events, run, step, write_preview
from harness.samples import eventbridge_samples, load_sample
from harness.tamper_calls import notifier_names, recorded, watched_calls
from slack_api_standin import BOT_TOKEN, SlackApiStandIn
from slack_preview import channel_html, to_html, to_terminal
from slack_sink import SlackSink

EXAMPLE = "single-account"
REGION = "ap-northeast-1"
# A third region, where the root API call sample was recorded: its ready block in forwarders.tf is
# uncommented in the temporary copy, as a user would (us-east-1 is always forwarded).
FORWARD_REGIONS = ["us-east-2"]
PARAMETER = "/root-activity-notifier-demo/slack-webhook-url"
PREVIEW = REPO / "build" / "demo" / "slack-preview.html"
APP_PREVIEW = REPO / "build" / "demo" / "slack-app-preview.html"
APP_CHANNEL = "C0SECURITY1"
APP_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # noqa: S105 - Slack's documented example, not a secret
RESPONDER = "U0RESPOND1"
FUNCTION_LOG = REPO / "build" / "demo" / "function-log.jsonl"


def deliver(
    aws: LocalAws,
    function: DeployedFunction,
    events: list[dict],
    sink: SlackSink | SlackApiStandIn,
    *,
    quiet: bool = False,
) -> tuple[list, list[str]]:
    """Put the events on their buses, hand every waiting batch to the deployed package (saying what
    became of each, unless ``quiet``); return the Slack messages that resulted (from the webhook
    sink or the Web API stand-in), and what went wrong."""
    problems = []
    function.last_log = []  # what this delivery's invocations logged (none when no rule took the events)
    with DeployedQueues(aws, REGION, function.name) as queues:
        for event in events:
            aws.put_event(event)
        batches = queues.batches()
    before = len(sink.messages)
    for queue, batch in batches:
        try:
            answer = function.invoke(batch)
        except Exception as error:  # noqa: BLE001 - the demo reports every failure and goes on
            problems.append(f"the deployed function raised {type(error).__name__}: {error}")
            continue
        if not quiet:
            step(f"batch of {len(batch['Records'])} from {queue}: {describe_batch(function.last_log)}")
        if answer.get("batchItemFailures"):
            problems.append(f"{queue}: these messages did not reach Slack: {answer['batchItemFailures']}")
    return sink.messages[before:], problems


def run_samples(aws: LocalAws, function: DeployedFunction, sink: SlackSink) -> list[str]:
    problems = []
    for name in eventbridge_samples():
        event = load_sample(name)
        recorded_in, is_root = event["detail"]["awsRegion"], name.startswith("root-")
        route = "directly" if recorded_in == REGION else f"through the {recorded_in} forwarder"
        print(f"\n--- {name}: recorded in {recorded_in}")
        messages, failures = deliver(aws, function, [event], sink)
        problems += [f"{name}: {failure}" for failure in failures]
        verdict = f"reached Slack ({route})" if messages else "reached nothing"
        if not messages and held_events(function.last_log):
            # An earlier sample opened this root session (same account and key): this call waits for
            # the session's digest, within slack_webhook_digest_minutes.
            verdict, messages = f"reached the session table ({route}): held for the session's digest", None
        print(f"    {verdict}")
        if (messages is not None and bool(messages) != is_root) or (messages is None and not is_root):
            problems.append(f"{name}: {verdict}, expected {'Slack' if is_root else 'nothing'}")
        for payload in messages or ():
            print(to_terminal(payload))
    return problems + run_forged_event(aws, function, sink)


def run_forged_event(aws: LocalAws, function: DeployedFunction, sink: SlackSink) -> list[str]:
    """A root sign-in made up by whoever may call events:PutEvents: no rule may take it, and the
    function, handed it all the same, must refuse it."""
    forged = {**load_sample("root-console-sign-in-without-mfa.json"), "source": "my.app"}
    before = len(sink.messages)
    messages, problems = deliver(aws, function, [forged], sink, quiet=True)
    function.invoke(forged)
    refused = [line for line in function.last_log if line.get("outcome") == "refused"]
    print()
    step(
        "a forged root sign-in (source my.app, put with PutEvents as an application role could): "
        f"{'taken by a rule!' if messages else 'no rule took it'}; handed to the function directly, "
        f"{'it was refused, not posted' if refused and len(sink.messages) == before else 'it was NOT refused'}"
    )
    if messages or not refused or len(sink.messages) != before:
        problems.append("a forged root event reached Slack or was not refused")
    return problems


# The console session's own key and IP: a root session of its own, apart from the samples' (which
# the session table keeps for an hour).
CONSOLE_SESSION = {"access_key_id": "ASIADEMOCONSOLE00001", "source_ip": "192.0.2.80"}


def run_console_session(aws: LocalAws, function: DeployedFunction, sink: SlackSink) -> list[str]:
    events = console_session(reads=100, changes=3, **CONSOLE_SESSION)
    reads = sum(1 for event in events if event["detail"].get("readOnly") is True)
    print(
        f"\n=== A root console session: 1 sign-in, {reads} reads across services, "
        f"{len(events) - reads - 2} changes and a CreateAccessKey ({len(events)} CloudTrail events)"
    )
    messages, problems = deliver(aws, function, events, sink)
    # What the session held (the reads) is its digest, which a delayed follow-up on the function's own
    # queue posts when it is due: hand it over now, as SQS would once the delay has passed.
    before = len(sink.messages)
    for session in (f"ip:{CONSOLE_SESSION['source_ip']}", f"key:{CONSOLE_SESSION['access_key_id']}"):
        follow_up = {"root_activity_notifier": "follow_up", "session": f"thread#111122223333#{session}"}
        function.invoke({"Records": [{**sqs_batch([{}])["Records"][0], "body": json.dumps(follow_up)}]})
    digests = sink.messages[before:]
    for payload in messages + digests:
        print(to_terminal(payload))
    step(f"{len(events)} events became {len(messages)} Slack messages at once and {len(digests)} digest(s)")
    # the sign-in and CreateAccessKey alone; the changes one by one (three or fewer); the reads in one digest
    if len(messages) + len(digests) > 8 or len(digests) != 1:
        problems.append(
            f"the console session gave {len(messages)} messages and {len(digests)} digests, "
            "expected a handful and one digest"
        )
    return problems


def run_watcher(aws: LocalAws, function: DeployedFunction, sink: SlackSink, outputs: dict) -> list[str]:
    """Someone who is not root blinds the notifier, twice: its rule disabled is announced at once, and
    its trail stopped is found by the health check (which says nothing while all is well)."""
    print("\n=== Watching the watcher: an IAM user disables the notifier's rule, then its trail stops")
    names, events = notifier_names(aws, REGION, outputs), aws.client("events", REGION)
    rule = events.describe_rule(Name=names["rule"])
    events.disable_rule(Name=names["rule"])
    disable_rule = next(call for call in watched_calls(names) if call.event == "DisableRule")
    event = recorded(disable_rule, region=REGION, account=names["account"], event_id="demo-disable-rule")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    event["time"] = event["detail"]["eventTime"] = now
    try:
        messages, problems = deliver(aws, function, [event], sink)
    finally:
        events.put_rule(Name=names["rule"], EventPattern=rule["EventPattern"], State=rule["State"])
    for payload in messages:
        print(to_terminal(payload))
    if [payload["blocks"][0]["text"]["text"].startswith(":rotating_light:") for payload in messages] != [True]:
        problems.append(f"disabling the rule gave {len(messages)} message(s), expected one critical tamper alert")

    checks, before = outputs["health_check_input"], len(sink.messages)
    quiet = function.invoke(checks)
    step(f"the daily health check, all well: {quiet['checks']} checks hold, nothing posted")
    cloudtrail = aws.client("cloudtrail", REGION)
    trail_arn = f"arn:aws:cloudtrail:{REGION}:{names['account']}:trail/{names['trail']}"
    cloudtrail.stop_logging(Name=trail_arn)
    try:
        answer = function.invoke(checks)
    finally:
        cloudtrail.start_logging(Name=trail_arn)
    findings = sink.messages[before:]
    step(f"the trail stopped: the health check finds it ({answer['problems']} problem), {len(findings)} message")
    for payload in findings:
        print(to_terminal(payload))
    if quiet["problems"] or answer["problems"] != 1 or len(findings) != 1:
        problems.append(f"the health check gave {quiet} while well and {answer} with the trail stopped")
    return problems


# The example's messages are the article's (Japanese, JST); a newcomer reads them in English unless asked.
LANGUAGE = os.environ.get("DEMO_LANGUAGE", "").strip() or "en"
MESSAGES = {"message_language": LANGUAGE, "message_time_zone": "Asia/Tokyo" if LANGUAGE == "ja" else "UTC"}


def run_slack_app_mode(aws: LocalAws) -> list[str]:
    """The example again, in Slack app mode: the console session as one live thread, whose parent
    asks whether it was expected and is answered from Slack."""
    print("\n=== Slack app mode: the same console session as one live thread (a bot token, the session table)")
    deployment = ExampleDeployment(
        aws,
        EXAMPLE,
        variables={"region": REGION, "slack_webhook_url": None, "slack_bot_token": BOT_TOKEN,
                   "slack_channel_id": APP_CHANNEL},
        module_arguments={**MESSAGES, "slack_interactivity": True, "slack_signing_secret": APP_SIGNING_SECRET,
                          "slack_responder_user_ids": [RESPONDER]},
    )  # fmt: skip
    problems: list[str] = []
    with SlackApiStandIn(channels=[APP_CHANNEL]) as slack:
        try:
            step(f"Slack Web API stand-in on {slack.url}; terraform apply examples/{EXAMPLE} with slack_bot_token")
            outputs = deployment.apply()
            step(f"applied: session table {outputs['slack_session_table_name']}")
            events = console_session(reads=100, changes=3)
            with DeployedFunction(aws, REGION, outputs["lambda_function_name"], log_path=FUNCTION_LOG) as function:
                function.environment["SLACK_API_URL"] = slack.url
                problems += deliver(aws, function, events, slack)[1]
            print("\nThe channel, as a tree (each parent's latest text; its replies under it):")
            print(slack.tree())
            parents = slack.parents()
            for parent in parents:
                print("\nThe parent's final totals:")
                print(to_terminal(parent))
            level = slack.channel_level()
            step(
                f"{len(events)} events: {len(level)} message(s) in the channel, "
                f"{len(slack.messages) - len(parents)} replies in the thread, "
                f"{sum(len(parent['edits']) for parent in parents)} edit(s) of the parent, "
                f"{slack.rate_limited} answered 429; HTML preview: {APP_PREVIEW}"
            )
            if len(parents) != 1 or len(level) > 3:
                problems.append(f"Slack app mode gave {len(parents)} parents and {len(level)} channel messages")
            problems += answer_from_slack(aws, outputs, slack)
            write_preview(APP_PREVIEW, channel_html(slack.messages))
        finally:
            step("terraform destroy (Slack app mode)")
            deployment.destroy()
    return problems


def answer_from_slack(aws: LocalAws, outputs: dict, slack: SlackApiStandIn) -> list[str]:
    """A responder clicks "Expected" on the parent, gives the reason in the modal, and the parent answers."""
    (parent,) = slack.parents()
    session = asked_session(parent)
    if not session:
        return ["the critical parent asks nothing (slack_interactivity)"]
    step(f"the parent asks whether it was expected; interactivity URL {outputs['slack_interactivity_url']}")
    with DeployedFunction(
        aws, REGION, f"{outputs['lambda_function_name']}-interactions", log_path=FUNCTION_LOG
    ) as endpoint:
        endpoint.environment["SLACK_API_URL"] = slack.url
        forged = endpoint.invoke(signed_request(button_click(EXPECTED, session, RESPONDER, APP_CHANNEL), "0" * 32))
        step(f"a click signed with another secret: HTTP {forged['statusCode']}, nothing changed")
        clicked = endpoint.invoke(
            signed_request(button_click(EXPECTED, session, RESPONDER, APP_CHANNEL), APP_SIGNING_SECRET)
        )
        step(
            f"{RESPONDER} clicks Expected: HTTP {clicked['statusCode']}, the modal asks why ({len(slack.views)} opened)"
        )
        reason = "closing the old billing account, ticket OPS-123"
        submitted = endpoint.invoke(signed_request(reason_submission(reason, session, RESPONDER), APP_SIGNING_SECRET))
        step(f"the reason is submitted: HTTP {submitted['statusCode']}")
    (parent,) = slack.parents()
    print("\nThe parent, answered:")
    print(to_terminal(parent))
    answered = any(reason in block.get("text", {}).get("text", "") for block in parent["blocks"])
    problems = [] if answered and forged["statusCode"] == 401 else ["the parent does not show the answer from Slack"]
    return problems


def main() -> int:
    return run(
        demonstrate,
        "demo complete: every root sample reached Slack (or its session's digest) from where it was recorded, "
        "no look-alike or forgery did, a console session became a handful of messages (and one live thread in "
        "Slack app mode, whose parent a signed click answered), and blinding the notifier was announced",
    )


def demonstrate(problems: list[str]) -> None:
    with LocalAws() as aws, SlackSink(messages_per_second=1) as sink:
        step(f"AWS emulator (moto) on {aws.endpoint}; Slack webhook stand-in on {sink.url}")
        aws.client("ssm", REGION).put_parameter(Name=PARAMETER, Value=sink.url, Type="SecureString")
        step(f"webhook stored as an existing SecureString parameter {PARAMETER}")
        deployment = ExampleDeployment(
            aws,
            EXAMPLE,
            variables={"region": REGION, "slack_webhook_url": "https://hooks.slack.com/services/DEMO/UNUSED/x"},
            module_arguments={"slack_webhook_url": None, "slack_webhook_ssm_parameter_name": PARAMETER, **MESSAGES},
            forward_regions=FORWARD_REGIONS,
        )
        # destroy runs while the emulator is still up, whatever happens in between
        try:
            step(f"terraform apply examples/{EXAMPLE} (region {REGION}); this takes about two minutes")
            outputs = deployment.apply()
            step(f"applied: function {outputs['lambda_function_name']}, trail {outputs['cloudtrail_arn']}")
            print(
                f"\nEach event goes on the bus of the region that recorded it. The notifier lives in {REGION}; "
                f"forwarders run in us-east-1 (root sign-ins, IAM) and {', '.join(FORWARD_REGIONS)}."
            )
            FUNCTION_LOG.parent.mkdir(parents=True, exist_ok=True)
            FUNCTION_LOG.write_text("")
            step(f"the function's JSON log lines (one per event and per Slack message) go to {FUNCTION_LOG}")
            with DeployedFunction(aws, REGION, outputs["lambda_function_name"], log_path=FUNCTION_LOG) as function:
                digest = function.configuration["CodeSha256"]
                step(f"deployed package: {len(function.code)} bytes, CodeSha256 {digest}")
                problems += run_samples(aws, function, sink)
                problems += run_console_session(aws, function, sink)
                problems += run_watcher(aws, function, sink, outputs)
            write_preview(PREVIEW, to_html(sink.messages))
            print()
            step(f"{len(sink.messages)} Slack message(s), {sink.rate_limited} answered 429; HTML preview: {PREVIEW}")
        finally:
            step("terraform destroy")
            deployment.destroy()
        aws.reset()  # moto keeps tags by ARN after a resource is deleted: start the second pass afresh
        problems += run_slack_app_mode(aws)


if __name__ == "__main__":
    sys.exit(main())
