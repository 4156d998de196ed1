"""Command line: preview (``render``) or deliver (``send``) the Slack message for an event file.

    python -m root_activity_notifier render FILE|- [--language en|ja] [--time-zone ZONE]
    python -m root_activity_notifier send FILE|- [--webhook-url URL | --bot-token-ssm-parameter NAME]
                                          [--channel ID] [--yes] [--timeout SECONDS]
    python -m root_activity_notifier doctor (--checks FILE|- | --name-prefix PREFIX --region REGION)
                                            [--deployer-role-arn ARN]
    python -m root_activity_notifier expect --account ID --minutes N --reason TEXT
                                            [--table NAME] [--queue-url URL]

``render`` prints the message of each root event; ``send`` takes the function's own path (grouped by
root session, most severe first, paced to one message a second), and asks before posting more than
``CONFIRM_ABOVE`` messages. It posts to a webhook, or as a Slack app to ``--channel`` with the bot
token from ``SLACK_BOT_TOKEN`` or the SSM parameter (never a flag's value: that stays in shell
history). Records in an EventBridge envelope that AWS did not deliver (a source
outside ``aws.``) are refused by both.

``doctor`` runs the health check of the function from here, with your credentials: what holds and
what does not, with the fix; in an organization also its prerequisites, and with
``--deployer-role-arn`` whether that role may apply the module.

``expect`` declares expected root use of one account for up to four hours (core/windows.py): it
writes the window to the session table and asks the notifier, through its queue, to announce it in
the channel; from the announcement on, root activity there is labelled expected and pages no one.

Exit codes: 0 done (doctor: every check holds); 1 delivery failed or declined (doctor: a check
fails); 2 unreadable input or bad settings (doctor: AWS could not be asked); 3 not root activity.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

from . import __version__
from .config.secrets import SecretUnavailable
from .config.settings import (
    ACCOUNT_LABEL_VARIABLE,
    BOT_TOKEN_PARAMETER_VARIABLE,
    BOT_TOKEN_VARIABLE,
    CHANNEL_VARIABLE,
    FOLLOW_UP_QUEUE_VARIABLE,
    LANGUAGE_VARIABLE,
    MENTION_VARIABLE,
    SECRET_VARIABLES,
    SESSION_TABLE_VARIABLE,
    TIME_ZONE_VARIABLE,
    WEBHOOK_PARAMETER_VARIABLE,
    WEBHOOK_URL_VARIABLE,
    ConfigurationError,
    check_channel_id,
    check_ssm_parameter_name,
    check_webhook_url,
    load_render_options,
    load_settings,
)
from .core.classify import classify, is_announced, is_from_aws
from .core.events import InputError, QueuedMessage, parse_json_text
from .delivery.pacing import container_pacer, messages_that_fit
from .delivery.pipeline import NotificationFailed, prepare_batch, send_batch
from .render.event import render_message
from .render.words import SUPPORTED_LANGUAGES
from .shared.deadline import Deadline
from .shared.outcomes import Status
from .slack.destination import open_destination

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import TextIO

    from .render.event import RenderOptions
    from .shared.record import ActivityRecord

EXIT_OK = 0
EXIT_DELIVERY_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_ROOT = 3
# send asks before posting more messages than this (--yes does not ask): a replay of a dead-letter
# queue is meant to reach the channel, a wrong file is not.
CONFIRM_ABOVE = 20


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)

    if arguments.command == "doctor":
        return _doctor(arguments, stdin=stdin, stdout=stdout, stderr=stderr)
    if arguments.command == "expect":
        return _expect(arguments, stdout=stdout, stderr=stderr)
    environ = _environment_with_flags(arguments)
    try:
        options = load_render_options(environ)
        records = _read_records(arguments.file, stdin)
    except (InputError, ConfigurationError) as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_BAD_INPUT
    if options.time_zone.unavailable_name:
        print(
            f"root-activity-notifier: warning: time zone {options.time_zone.unavailable_name!r} could not be "
            "loaded; times are shown in UTC",
            file=stderr,
        )

    assume_root = options.announce_assume_root
    announced = [record for record in records if is_announced(record, announce_assume_root=assume_root)]
    refused = sum(1 for record in announced if not is_from_aws(record))
    if refused:
        print(
            f"root-activity-notifier: {refused} record(s) refused: their EventBridge source is not an AWS "
            "service's (it must start with aws.), so AWS did not deliver them",
            file=stderr,
        )
    if len(announced) == refused:
        print(
            f"root-activity-notifier: no root activity in the input ({len(records)} record(s), none with "
            'userIdentity.type "Root" delivered by AWS); nothing to do',
            file=stderr,
        )
        return EXIT_NOT_ROOT

    if arguments.command == "render":
        root_records = [record for record in announced if is_from_aws(record)]
        skipped = len(records) - len(announced)
        if skipped:
            print(f"root-activity-notifier: {skipped} record(s) not root activity; ignored", file=stderr)
        try:
            for record in root_records:
                payload = render_message(record, classify(record, options.expected_principals), options)
                print(json.dumps(payload, ensure_ascii=False), file=stdout)
            stdout.flush()
        except BrokenPipeError:  # `render … | head` closed the pipe early: not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's exit flush quiet
        return EXIT_OK
    return _send(arguments, environ, records, options, stdin=stdin, stderr=stderr)


def _send(
    arguments: argparse.Namespace,
    environ: Mapping[str, str],
    records: list[ActivityRecord],
    options: RenderOptions,
    *,
    stdin: TextIO,
    stderr: TextIO,
) -> int:
    try:
        # Read once, before anything is planned: a missing setting is the caller's to fix (exit 2),
        # not a delivery failure.
        destination = open_destination(load_settings(_destination_environment(arguments, environ)))
        destination.prepare()
    except ConfigurationError as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_BAD_INPUT
    except SecretUnavailable as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_DELIVERY_FAILED

    pacer = container_pacer()
    prepared = prepare_batch([QueuedMessage("", records, "")], options, messages_that_fit(arguments.timeout, pacer))
    count = len(prepared.planned)
    if count > CONFIRM_ABOVE and not arguments.yes:
        question = f"post {count} Slack messages, one a second (about {count} s)?"
        if arguments.file == "-":
            print(
                f"root-activity-notifier: this would {question[:-1]}; the input is standard input, so there is no "
                "one to ask: pass --yes to post them",
                file=stderr,
            )
            return EXIT_BAD_INPUT
        print(f"root-activity-notifier: {question} [y/N] ", end="", file=stderr, flush=True)
        if stdin.readline().strip().lower() not in ("y", "yes"):
            print("root-activity-notifier: nothing sent", file=stderr)
            return EXIT_DELIVERY_FAILED

    result = send_batch(prepared, options, destination, Deadline.after(arguments.timeout), pacer=pacer)
    counts = result.counts
    if result.failures:
        announced = counts[Status.DELIVERED] + counts[Status.SUMMARIZED] + counts[Status.FAILED]
        print(f"root-activity-notifier: {NotificationFailed(result.failures, total=announced)}", file=stderr)
        return EXIT_DELIVERY_FAILED
    print(
        f"root-activity-notifier: {count} Slack message(s): {counts[Status.DELIVERED]} event(s) with a message "
        f"of their own, {counts[Status.SUMMARIZED]} summarized, {counts[Status.IGNORED]} ignored, "
        f"{counts[Status.REFUSED]} refused",
        file=stderr,
    )
    return EXIT_OK


def _doctor(arguments: argparse.Namespace, *, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from .health.checks import assumed, discover_checks, run_checks, slack_asker
    from .health.findings import CannotAsk
    from .health.message import doctor_table

    try:
        import boto3
    except ImportError:
        print("root-activity-notifier: doctor needs boto3 (pip install boto3)", file=stderr)
        return EXIT_BAD_INPUT

    def client(service: str, region: str, credentials=None):
        return boto3.client(service, region_name=region, **(assumed(credentials) if credentials else {}))

    try:
        if arguments.checks:
            checks = _read_checks(arguments.checks, stdin)
        elif arguments.name_prefix and arguments.region:
            checks = discover_checks(
                arguments.name_prefix, arguments.region, client, scope=arguments.scope, call_as=arguments.call_as
            )
        else:
            print(
                "root-activity-notifier: doctor needs --checks FILE (terraform output -json health_check_input), "
                "or --name-prefix and --region",
                file=stderr,
            )
            return EXIT_BAD_INPUT
        if arguments.deployer_role_arn:
            checks = {**checks, "deployer": arguments.deployer_role_arn}
        findings = run_checks(checks, client, include_prerequisites=True, slack=slack_asker(_slack_api_url(os.environ)))
    except (InputError, ConfigurationError) as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_BAD_INPUT
    except CannotAsk as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_BAD_INPUT
    print(doctor_table(findings), file=stdout)
    if checks.get("webhook_parameter"):
        print(
            "The webhook itself is not tested: an incoming webhook cannot be tried without posting to its channel. "
            "To see a message arrive, send it a sample event (root-activity-notifier send FILE).",
            file=stdout,
        )
    return EXIT_DELIVERY_FAILED if any(not finding.ok for finding in findings) else EXIT_OK


def _slack_api_url(environ: Mapping[str, str]) -> str:
    """Slack's Web API, or SLACK_API_URL as the function reads it (a stand-in, in tests)."""
    from .config.settings import API_URL_VARIABLE, SLACK_API_URL, check_slack_url

    return check_slack_url(environ.get(API_URL_VARIABLE, "").strip() or SLACK_API_URL, API_URL_VARIABLE, "Web API")


def _read_checks(path: str, stdin: TextIO) -> dict:
    """The module's output health_check_input (or the checks inside it), as terraform output -json prints it."""
    try:
        text = stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115 - read at once
        document = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputError(f"cannot read the checks from {path!r}: {getattr(error, 'strerror', None) or error}") from None
    checks = document.get("checks", document) if isinstance(document, dict) else None
    if not isinstance(checks, dict) or "function" not in checks or "region" not in checks:
        raise InputError(
            f"{path!r} is not the module's health_check_input: run terraform output -json health_check_input > FILE"
        )
    return checks


def _destination_environment(arguments: argparse.Namespace, environ: Mapping[str, str]) -> Mapping[str, str]:
    """The environment of send's destination: a destination flag replaces every secret variable."""
    if arguments.webhook_url is not None and arguments.bot_token_ssm_parameter is not None:
        raise ConfigurationError("--webhook-url and --bot-token-ssm-parameter are both given: pass one")
    # Each flag is checked under its own name, so that an error names what was typed.
    chosen = {}
    if arguments.webhook_url is not None:
        chosen = {WEBHOOK_URL_VARIABLE: check_webhook_url(arguments.webhook_url, "--webhook-url")}
    elif arguments.bot_token_ssm_parameter is not None:
        name = check_ssm_parameter_name(arguments.bot_token_ssm_parameter.strip(), "--bot-token-ssm-parameter")
        chosen = {BOT_TOKEN_PARAMETER_VARIABLE: name}
    if not chosen and not any(environ.get(name, "").strip() for name in SECRET_VARIABLES):
        raise ConfigurationError(
            f"no Slack destination: set {WEBHOOK_URL_VARIABLE} (a webhook's URL) or {BOT_TOKEN_VARIABLE} (a Slack "
            f"app's bot token, with --channel), or pass --bot-token-ssm-parameter NAME or {WEBHOOK_PARAMETER_VARIABLE} "
            "for one kept in SSM; --webhook-url URL works too, but stays in your shell history"
        )
    kept = {name: value for name, value in environ.items() if not chosen or name not in SECRET_VARIABLES}
    if arguments.channel is not None:
        kept[CHANNEL_VARIABLE] = check_channel_id(arguments.channel, "--channel")
    return {**kept, **chosen}


def _environment_with_flags(arguments: argparse.Namespace) -> Mapping[str, str]:
    """The environment, with each command-line flag in place of the variable of the same setting."""
    flags = {
        LANGUAGE_VARIABLE: arguments.language,
        TIME_ZONE_VARIABLE: arguments.time_zone,
        ACCOUNT_LABEL_VARIABLE: arguments.account_label,
        MENTION_VARIABLE: arguments.mention,
    }
    return {**os.environ, **{variable: value for variable, value in flags.items() if value is not None}}


def _read_records(path: str, stdin: TextIO) -> list[ActivityRecord]:
    try:
        if path == "-":
            text = stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path!r}: {getattr(error, 'strerror', None) or error}") from None
    return parse_json_text(text)


def _expect(arguments: argparse.Namespace, *, stdout: TextIO, stderr: TextIO, clock=time.time) -> int:
    """Declare expected root use of one account for a while: kept in the session table, and announced
    in the channel by the notifier (asked through its queue) before it applies."""
    import uuid

    from .core.windows import MAX_WINDOW_MINUTES, REASON_LIMIT, Window, window_text

    table = arguments.table or os.environ.get(SESSION_TABLE_VARIABLE, "")
    queue = arguments.queue_url or os.environ.get(FOLLOW_UP_QUEUE_VARIABLE, "")
    problems = []
    if not re.fullmatch(r"\d{12}", arguments.account):
        problems.append(f"--account {arguments.account!r} is not a 12-digit account ID")
    if not 1 <= arguments.minutes <= MAX_WINDOW_MINUTES:
        problems.append(f"--minutes {arguments.minutes} is not from 1 to {MAX_WINDOW_MINUTES} (a few hours at most)")
    if not 3 <= len(arguments.reason.strip()) <= REASON_LIMIT:
        problems.append(f"--reason must say why, in 3 to {REASON_LIMIT} characters (a ticket, a planned task)")
    if not table or not queue:
        problems.append(
            "--table and --queue-url (or $SLACK_SESSION_TABLE and $NOTIFIER_FOLLOW_UP_QUEUE_URL) are needed: "
            "terraform output slack_session_table_name, and queue_urls' sign-ins-and-changes"
        )
    if problems:
        print("root-activity-notifier: " + "; ".join(problems), file=stderr)
        return EXIT_BAD_INPUT
    try:
        import boto3
    except ImportError:
        print("root-activity-notifier: expect needs boto3 (pip install boto3)", file=stderr)
        return EXIT_BAD_INPUT
    from .state.store import SessionStore

    try:
        who = boto3.client("sts").get_caller_identity()["Arn"]
        now = clock()
        window = Window(uuid.uuid4().hex[:16], arguments.account, now, now + arguments.minutes * 60,
                        arguments.reason.strip(), who, None)  # fmt: skip
        store = SessionStore(table, idle_seconds=3600)
        store.declare_window(window.account, window.id, window_text(window), int(window.ends) + 2 * 86400)
        body = json.dumps({"root_activity_notifier": "announce", "account": window.account})
        boto3.client("sqs").send_message(QueueUrl=queue, MessageBody=body)
    except Exception as error:  # noqa: BLE001 - AWS's refusal (credentials, permissions) is the user's to read
        print(f"root-activity-notifier: the window was not declared: {error}", file=stderr)
        return EXIT_DELIVERY_FAILED
    print(
        f"declared: account {window.account}, {arguments.minutes} minutes, by {who}: {window.reason}\n"
        "It applies once the notifier has announced it in the channel (in a few seconds).",
        file=stdout,
    )
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="root-activity-notifier",
        description="Preview or send the Slack message for AWS root user activity.",
        epilog="Exit codes: 0 done, 1 delivery failed, 2 unreadable input or bad settings, 3 not root activity.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{render,send,doctor,expect}")
    render = commands.add_parser("render", help="print each Slack payload as one JSON object per line")
    send = commands.add_parser(
        "send",
        help=f"render and deliver to a webhook ({WEBHOOK_URL_VARIABLE}) or as a Slack app "
        f"({BOT_TOKEN_VARIABLE} or --bot-token-ssm-parameter, with --channel)",
    )
    doctor = commands.add_parser(
        "doctor", help="run the notifier's health check from here, with your AWS credentials, and say what to fix"
    )
    expect = commands.add_parser(
        "expect",
        help="declare expected root use of an account for a while: announced in the channel, then labelled "
        "there and not paged",
    )
    expect.add_argument("--account", required=True, help="the 12-digit account ID")
    expect.add_argument("--minutes", required=True, type=int, help="how long, from now (1 to 240)")
    expect.add_argument("--reason", required=True, help="why: a ticket, a planned task (shown in the channel)")
    expect.add_argument("--table", help="the session table (terraform output slack_session_table_name)")
    expect.add_argument("--queue-url", help="the notifier's sign-ins-and-changes queue (terraform output queue_urls)")
    doctor.add_argument(
        "--checks", metavar="FILE", help="the module's output: terraform output -json health_check_input"
    )
    doctor.add_argument("--name-prefix", help="the module's name_prefix, to find the notifier without its outputs")
    doctor.add_argument("--region", help="the notifier's home region (with --name-prefix)")
    doctor.add_argument("--scope", choices=("account", "organization"), default="account", help="the module's scope")
    doctor.add_argument("--call-as", choices=("SELF", "DELEGATED_ADMIN"), default="SELF", help="stack_set_call_as")
    doctor.add_argument(
        "--deployer-role-arn",
        metavar="ARN",
        help="also check that this role (your CI deployer) may apply the module (IAM's policy simulator)",
    )
    for command in (render, send):
        command.add_argument("file", metavar="FILE", help="event JSON file, or - for standard input")
        command.add_argument(
            "--language", choices=SUPPORTED_LANGUAGES, help=f"message language (${LANGUAGE_VARIABLE}, default en)"
        )
        command.add_argument("--time-zone", help=f"IANA zone of the readable time (${TIME_ZONE_VARIABLE}, default UTC)")
        command.add_argument("--account-label", help=f"shown after the account ID (${ACCOUNT_LABEL_VARIABLE})")
        command.add_argument("--mention", help=f"mention for critical alerts, e.g. here (${MENTION_VARIABLE})")
    send.add_argument(
        "--webhook-url",
        help=f"Slack incoming webhook URL (default ${WEBHOOK_URL_VARIABLE}, which keeps it out of shell history)",
    )
    send.add_argument(
        "--bot-token-ssm-parameter",
        metavar="NAME",
        help=f"post as a Slack app, with the bot token in this SSM SecureString parameter (${BOT_TOKEN_VARIABLE} "
        "holds the token itself; there is no flag for it, so that it stays out of shell history)",
    )
    send.add_argument("--channel", metavar="ID", help=f"Slack app: the channel ID to post to (${CHANNEL_VARIABLE})")
    send.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds the whole send may take, retries included (default 30); at one message a second, what "
        "does not fit is folded into one last message",
    )
    send.add_argument(
        "--yes", "-y", action="store_true", help=f"post without asking, even more than {CONFIRM_ABOVE} messages"
    )
    return parser
