"""Command line: preview (``render``) or deliver (``send``) the Slack message for an event file.

    python -m root_activity_notifier render FILE|- [--language en|ja] [--time-zone ZONE]
    python -m root_activity_notifier send FILE|- [--webhook-url URL]

Exit codes: 0 done; 1 delivery failed; 2 unreadable input or bad settings; 3 not root activity.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__
from .classify import classify, is_announced
from .config import (
    ACCOUNT_LABEL_VARIABLE,
    LANGUAGE_VARIABLE,
    MENTION_VARIABLE,
    TIME_ZONE_VARIABLE,
    WEBHOOK_PARAMETER_VARIABLE,
    WEBHOOK_URL_VARIABLE,
    ConfigurationError,
    load_render_options,
    load_settings,
)
from .deliver import Deadline
from .events import InputError, parse_json_text
from .messages import SUPPORTED_LANGUAGES
from .notify import NotificationFailed, notify
from .render import render_message
from .webhook import WebhookUnavailable, webhook_url

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import TextIO

    from .events import ActivityRecord

EXIT_OK = 0
EXIT_DELIVERY_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_ROOT = 3


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

    announce_assume_root = options.announce_assume_root
    root_records = [record for record in records if is_announced(record, announce_assume_root=announce_assume_root)]
    if not root_records:
        print(
            f"root-activity-notifier: no root activity in the input ({len(records)} record(s), none with "
            'userIdentity.type "Root"); nothing to do',
            file=stderr,
        )
        return EXIT_NOT_ROOT

    if arguments.command == "render":
        skipped = len(records) - len(root_records)
        if skipped:
            print(f"root-activity-notifier: {skipped} record(s) not root activity; ignored", file=stderr)
        try:
            for record in root_records:
                print(json.dumps(render_message(record, classify(record), options), ensure_ascii=False), file=stdout)
            stdout.flush()
        except BrokenPipeError:  # `render … | head` closed the pipe early: not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's exit flush quiet
        return EXIT_OK

    try:
        settings = load_settings(environ)
        # Read once, before sending: a missing setting is the caller's to fix (exit 2), not a
        # delivery failure.
        url = webhook_url(settings.webhook, settings.webhook_cache_seconds)
    except ConfigurationError as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_BAD_INPUT
    except WebhookUnavailable as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_DELIVERY_FAILED
    try:
        notify(records, settings.render, lambda: url, Deadline.after(arguments.timeout))
    except NotificationFailed as error:
        print(f"root-activity-notifier: {error}", file=stderr)
        return EXIT_DELIVERY_FAILED
    return EXIT_OK


def _environment_with_flags(arguments: argparse.Namespace) -> Mapping[str, str]:
    """The environment, with each command-line flag in place of the variable of the same setting."""
    flags = {
        LANGUAGE_VARIABLE: arguments.language,
        TIME_ZONE_VARIABLE: arguments.time_zone,
        ACCOUNT_LABEL_VARIABLE: arguments.account_label,
        MENTION_VARIABLE: arguments.mention,
        WEBHOOK_URL_VARIABLE: getattr(arguments, "webhook_url", None),
    }
    environ = {**os.environ, **{variable: value for variable, value in flags.items() if value is not None}}
    if getattr(arguments, "webhook_url", None) is not None:
        environ.pop(WEBHOOK_PARAMETER_VARIABLE, None)  # --webhook-url wins over a configured parameter
    return environ


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="root-activity-notifier",
        description="Preview or send the Slack message for AWS root user activity.",
        epilog="Exit codes: 0 done, 1 delivery failed, 2 unreadable input or bad settings, 3 not root activity.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{render,send}")
    render = commands.add_parser("render", help="print each Slack payload as one JSON object per line")
    send = commands.add_parser(
        "send", help=f"render and deliver to the webhook (--webhook-url or {WEBHOOK_URL_VARIABLE})"
    )
    for command in (render, send):
        command.add_argument("file", metavar="FILE", help="event JSON file, or - for standard input")
        command.add_argument(
            "--language", choices=SUPPORTED_LANGUAGES, help=f"message language (${LANGUAGE_VARIABLE}, default en)"
        )
        command.add_argument("--time-zone", help=f"IANA zone of the readable time (${TIME_ZONE_VARIABLE}, default UTC)")
        command.add_argument("--account-label", help=f"shown after the account ID (${ACCOUNT_LABEL_VARIABLE})")
        command.add_argument("--mention", help=f"mention for critical alerts, e.g. here (${MENTION_VARIABLE})")
    send.add_argument("--webhook-url", help=f"Slack incoming webhook URL (default ${WEBHOOK_URL_VARIABLE})")
    send.add_argument("--timeout", type=float, default=30.0, help="seconds to keep retrying (default 30)")
    return parser
