"""The sample events of examples/events (each from AWS documentation; its README names the source)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[2] / "examples" / "events"

ROOT_SAMPLES = sorted(path.name for path in EVENTS.glob("root-*.json"))
SIGN_IN_SAMPLES = [name for name in ROOT_SAMPLES if name.startswith("root-console-sign-in")]
# Look-alikes: what a careless rule would take for root activity.
NON_ROOT_SAMPLES = [
    "iam-user-console-sign-in.json",
    "iam-user-named-root-api-call.json",
    "assumed-role-assume-root-call.json",
]


# Sources a principal may give PutEvents (EventBridge refuses only the "aws." prefix), each close to
# a real one: none may raise a root alert.
FORGED_SOURCES = ["my.app", "awss3", "Aws.signin", "signin.amazonaws.com"]


def load_sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def eventbridge_samples() -> list[str]:
    """The samples in EventBridge's envelope (what a rule can see), root ones first."""
    shaped = [
        name for name in sorted(path.name for path in EVENTS.glob("*.json")) if "detail-type" in load_sample(name)
    ]
    return sorted(shaped, key=lambda name: (not name.startswith("root-"), name))
