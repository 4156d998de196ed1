"""What the demos print, and how they end: every problem collected, an exception or Ctrl-C
included, and a non-zero exit status when there was any."""

from __future__ import annotations

import sys
import time
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_started = time.monotonic()


def step(message: str) -> None:
    print(f"[{time.monotonic() - _started:5.1f}s] {message}", flush=True)


# What the function's log says of an event a webhook holds for its session's digest (notify_digest.py).
HELD = "held for the session's digest"


def held_events(log: list[dict]) -> int:
    return sum(1 for line in log if "event_id" in line and line.get("slack_message") == HELD)


def describe_batch(log: list[dict]) -> str:
    """One line for a batch, from the function's log lines: "3 events delivered in 3 messages, 100
    events summarized in 1 message", and what was ignored, refused or failed."""
    delivered = {"messages": 0, "events": 0}
    summarized = {"messages": 0, "events": 0}
    parents = {"parent": 0, "parent update": 0}  # Slack app mode: a thread's parent posted, edited
    for line in log:
        if line.get("message") == "Slack message sent":
            if line["kind"].startswith("parent"):
                parents["parent update" if line["kind"] == "parent update" else "parent"] += 1
                continue
            kind = delivered if line["kind"] in ("event", "unthreaded event") else summarized
            kind["messages"] += 1
            kind["events"] += line["events"]
    parts = [
        f"{counts['events']} event{'s' * (counts['events'] != 1)} {what} in {counts['messages']} "
        f"message{'s' * (counts['messages'] != 1)}"
        for what, counts in (("delivered", delivered), ("summarized", summarized))
        if counts["events"]
    ]
    if parents["parent"]:
        parts.append(f"{parents['parent']} parent posted")
    if parents["parent update"]:
        parts.append(f"the parent edited {parents['parent update']}×")
    held = held_events(log)
    if held:
        parts.append(f"{held} held for the session's digest")
    outcomes = [line["outcome"] for line in log if "event_id" in line and "outcome" in line]
    for outcome in ("ignored", "refused", "failed"):
        if outcomes.count(outcome):
            parts.append(f"{outcomes.count(outcome)} {outcome}")
    return ", ".join(parts) or "nothing to post"


def write_preview(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def run(body: Callable[[list[str]], None], success: str) -> int:
    """Run ``body`` (which appends what went wrong to the list it is given); 0 when nothing did."""
    problems: list[str] = []
    try:
        body(problems)
    except KeyboardInterrupt:
        problems.append("interrupted")
    except Exception as error:  # noqa: BLE001 - say what failed and exit non-zero
        problems.append(f"{type(error).__name__}: {error}")
    if problems:
        print("\nDEMO FAILED:", *problems, sep="\n- ", file=sys.stderr)
        return 1
    step(success)
    return 0
