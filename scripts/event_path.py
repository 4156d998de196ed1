"""Follow one root event from the handler to Slack and count how often each module is visited.

    .venv/bin/python scripts/event_path.py [SAMPLE]

A module is visited when a call enters it from another module of the package; the visit lasts while
any of its frames is on the stack. Leaves, the modules that import nothing of the package but
other leaves (shared/, Slack's escaping and Block Kit's building blocks), count as the standard
library does: reading the path, one does not follow into them. Three
paths: a webhook without the session table, a webhook with it (digests), a Slack app (a thread),
each against moto's DynamoDB and a local Slack. Issue 26 asks for at most two visits per module;
tests/unit/test_event_path.py holds the webhook's path to it, and the table's paths for every
module but the two adapters (state/store.py, slack/destination.py: once per claim, post and mark).
"""

from __future__ import annotations

import ast
import os
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "lambda"), str(REPO / "scripts")]
PACKAGE = REPO / "lambda" / "root_activity_notifier"
# The two modules that talk to the outside, whose visits with the session table DESIGN.md's contracts
# set: the table is asked before and after each post (a message is claimed before it is posted, then
# marked; the shared pace is reserved), and a Slack app's thread is a parent and a reply.
ADAPTERS = frozenset({"state/store.py", "slack/destination.py"})


def leaves() -> set[str]:
    """The modules (paths under the package) that import nothing of the package, at import or in a
    function, but leaves of their own folder: shared/, render/mrkdwn.py and render/blocks.py."""
    imports = {}
    for path in PACKAGE.rglob("*.py"):
        found, tree = set(), ast.parse(path.read_text())
        typing_only = {  # `if TYPE_CHECKING:` imports are annotations, never loaded
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
            for statement in block.body
            for node in ast.walk(statement)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level and id(node) not in typing_only:
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                target = base.joinpath(*(node.module or "").split(".")) if node.module else base
                candidates = [target.with_suffix(".py")] + [target / f"{alias.name}.py" for alias in node.names]
                found |= {each.relative_to(PACKAGE).as_posix() for each in candidates if each.is_file()}
        imports[path.relative_to(PACKAGE).as_posix()] = found
    leaf: set[str] = set()
    while True:
        more = {
            module
            for module, found in imports.items()
            if module not in leaf and all(each in leaf and Path(each).parent == Path(module).parent for each in found)
        }
        more = {module for module in more if not module.endswith("__init__.py")}
        if not more:
            return leaf
        leaf |= more


def follow(event, reset=lambda: None) -> Counter:
    """The visits of one invocation of the handler with ``event``, after one that loads what it
    imports (the path, not the loading); ``reset`` runs before each (a fresh session table)."""
    from harness.invoke import LambdaContext
    from root_activity_notifier.handler import lambda_handler

    reset()
    lambda_handler(event, LambdaContext(30))
    reset()
    return visits_of(lambda: lambda_handler(event, LambdaContext(30)))


def visits_of(call) -> Counter:
    import root_activity_notifier

    package = Path(root_activity_notifier.__file__).parent
    visits, stack, leaf = Counter(), [], leaves()

    def profile(frame, event, _arg):
        if event == "call":
            path = Path(frame.f_code.co_filename)
            module = path.relative_to(package).as_posix() if path.is_relative_to(package) else None
            module = None if module in leaf else module
            if module and module not in stack:
                visits[module] += 1
            stack.append(module)
        elif event == "return" and stack:
            stack.pop()

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return visits


class _Webhook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_) -> None:
        pass


def main() -> int:
    import boto3
    from moto import mock_aws

    from harness.console_session import sqs_batch
    from harness.samples import load_sample
    from harness.state import TABLE, create_session_table
    from slack_api_standin import BOT_TOKEN, SlackApiStandIn

    sample = sys.argv[1] if len(sys.argv) > 1 else "root-console-sign-in-without-mfa.json"
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")  # noqa: S106 - moto's
    os.environ["AWS_REGION"] = "us-east-1"
    webhook = HTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    paths = {
        "webhook, no session table": {"SLACK_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_port}/hook"},
        "webhook, session table": {
            "SLACK_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_port}/hook",
            "SLACK_SESSION_TABLE": TABLE,
        },
    }
    with mock_aws(), SlackApiStandIn(posts_per_second=None, updates_per_minute=None) as slack:
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_session_table(dynamodb)

        def fresh_table() -> None:
            dynamodb.delete_table(TableName=TABLE)
            create_session_table(dynamodb)

        paths["Slack app, session table"] = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_CHANNEL_ID": "C0SECURITY1",
            "SLACK_API_URL": slack.url,
            "SLACK_SESSION_TABLE": TABLE,
        }
        event = sqs_batch([load_sample(sample)])
        for name, environment in paths.items():
            for variable in (
                "SLACK_WEBHOOK_URL",
                "SLACK_BOT_TOKEN",
                "SLACK_CHANNEL_ID",
                "SLACK_API_URL",
                "SLACK_SESSION_TABLE",
            ):
                os.environ.pop(variable, None)
            os.environ.update(environment)
            visits = follow(event, fresh_table)
            over = {module: count for module, count in visits.items() if count > 2}  # noqa: PLR2004 - the issue's bound
            adapters = sorted(set(over) & ADAPTERS)
            print(f"\n{name}: {len(visits)} modules, {len(over)} visited more than twice"
                  + (f" ({', '.join(adapters)}: adapters)" if adapters else ""), file=sys.__stdout__)  # fmt: skip
            for module, count in visits.most_common():
                print(f"  {count:3d}  {module}", file=sys.__stdout__)
    webhook.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
