"""The rule's event pattern, as Terraform renders it, against sample events (moto's EventBridge matcher)."""

from __future__ import annotations

import json
import subprocess

import pytest
from moto.events.models import EventPattern

from harness.samples import NON_ROOT_SAMPLES, ROOT_SAMPLES, SIGN_IN_SAMPLES, load_sample


@pytest.fixture(scope="module")
def rendered_patterns(terraform_module):
    """Evaluate the module's patterns with `terraform console` in an initialised copy of the root module."""
    workdir, environment = terraform_module

    def render(*variables: str) -> dict:
        arguments = ["-var", "slack_webhook_url=https://hooks.slack.com/services/T/B/X"]
        for variable in variables:
            arguments += ["-var", variable]
        result = subprocess.run(
            ["terraform", "console", "-no-color", *arguments],
            input="jsonencode(local.event_patterns)\n",
            cwd=workdir,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(json.loads(result.stdout.strip().splitlines()[-1]))

    return render


def matches(pattern: dict, event: dict) -> bool:
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


def test_all_mode_catches_every_root_sample_and_no_look_alike(rendered_patterns):
    pattern = rendered_patterns()["all"]
    for name in ROOT_SAMPLES:
        assert matches(pattern, load_sample(name)), name
    for name in NON_ROOT_SAMPLES:
        assert not matches(pattern, load_sample(name)), name


def test_login_only_mode_catches_root_sign_ins_only(rendered_patterns):
    pattern = rendered_patterns()["login-only"]
    for name in ROOT_SAMPLES:
        assert matches(pattern, load_sample(name)) == (name in SIGN_IN_SAMPLES), name
    for name in NON_ROOT_SAMPLES:
        assert not matches(pattern, load_sample(name)), name


def test_excluded_names_are_dropped_but_console_actions_are_not(rendered_patterns):
    pattern = rendered_patterns('event_rule_excluded_event_names=["ListAccessKeys"]')["all"]
    assert not matches(pattern, load_sample("root-read-only-call.json"))
    # a root action in the console (invokedBy signin.amazonaws.com) still matches
    assert matches(pattern, load_sample("root-api-call-from-console.json"))
    assert matches(pattern, load_sample("root-console-sign-in-without-mfa.json"))
