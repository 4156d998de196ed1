"""The module's event patterns, as Terraform renders them, against sample events (moto's EventBridge matcher)."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
from moto.events.models import EventPattern

from harness.samples import FORGED_SOURCES, NON_ROOT_SAMPLES, ROOT_SAMPLES, SIGN_IN_SAMPLES, load_sample


@pytest.fixture(scope="module")
def rendered_patterns(terraform_module):
    """Evaluate the module's patterns with `terraform console` in an initialised copy of the root module:
    ``modes`` (local.event_patterns), ``home`` (the rules on the home bus), ``forwarded`` (what the
    forwarders and spokes send) and ``assume_root``."""
    workdir, environment = terraform_module
    rendered_by_variables: dict[tuple[str, ...], dict] = {}

    def render(*variables: str) -> dict:
        if variables not in rendered_by_variables:
            rendered_by_variables[variables] = console(variables)
        return copy.deepcopy(rendered_by_variables[variables])

    def console(variables: tuple[str, ...]) -> dict:
        arguments = ["-var", "slack_webhook_url=https://hooks.slack.com/services/T/B/X"]
        for variable in variables:
            arguments += ["-var", variable]
        expression = (
            "jsonencode({modes = local.event_patterns, home = local.home_event_patterns, "
            "forwarded = local.event_pattern, assume_root = local.assume_root_pattern})"
        )
        result = subprocess.run(
            ["terraform", "console", "-no-color", *arguments],
            input=expression + "\n",
            cwd=workdir,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        rendered = json.loads(json.loads(result.stdout.strip().splitlines()[-1]))
        rendered["home"] = {path: json.loads(pattern) for path, pattern in rendered["home"].items()}
        rendered["forwarded"] = json.loads(rendered["forwarded"])
        return rendered

    return render


def matches(pattern: dict, event: dict) -> bool:
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


def every_pattern(rendered: dict) -> dict[str, dict]:
    return {
        **{f"mode {mode}": pattern for mode, pattern in rendered["modes"].items()},
        **{f"home rule {path}": pattern for path, pattern in rendered["home"].items()},
        "forwarded": rendered["forwarded"],
        "assume-root": rendered["assume_root"],
    }


def with_source(event: dict, source: str) -> dict:
    forged = copy.deepcopy(event)
    forged["source"] = source
    return forged


def test_all_mode_catches_every_root_sample_and_no_look_alike(rendered_patterns):
    pattern = rendered_patterns()["modes"]["all"]
    for name in ROOT_SAMPLES:
        assert matches(pattern, load_sample(name)), name
    for name in NON_ROOT_SAMPLES:
        assert not matches(pattern, load_sample(name)), name


def test_login_only_mode_catches_root_sign_ins_only(rendered_patterns):
    pattern = rendered_patterns()["modes"]["login-only"]
    for name in ROOT_SAMPLES:
        assert matches(pattern, load_sample(name)) == (name in SIGN_IN_SAMPLES), name
    for name in NON_ROOT_SAMPLES:
        assert not matches(pattern, load_sample(name)), name


def test_each_root_sample_takes_exactly_one_home_rule_and_the_forwarders(rendered_patterns):
    rendered = rendered_patterns()
    assert sorted(rendered["home"]) == ["read-only", "sign-ins-and-changes"]
    sources = set()
    for name in ROOT_SAMPLES:
        event = load_sample(name)
        sources.add(event["source"])
        taken = [path for path, pattern in rendered["home"].items() if matches(pattern, event)]
        assert taken == ["read-only" if event["detail"].get("readOnly") is True else "sign-ins-and-changes"], name
        assert matches(rendered["forwarded"], event), name
    # the samples carry the sources CloudTrail gives sign-ins, IAM and CloudTrail's own calls
    assert sources == {"aws.signin", "aws.iam", "aws.cloudtrail"}


@pytest.mark.parametrize("read_only", [True, False, None, "false", "true", "", "absent"])
def test_the_two_home_rules_split_every_readonly_value_between_them(rendered_patterns, read_only):
    # One peer's fixtures carry readOnly as the string "false": no value may fall between the rules.
    rendered = rendered_patterns()
    event = load_sample("root-read-only-call.json")
    if read_only == "absent":
        del event["detail"]["readOnly"]
    else:
        event["detail"]["readOnly"] = read_only
    taken = [path for path, pattern in rendered["home"].items() if matches(pattern, event)]
    assert taken == ["read-only" if read_only is True else "sign-ins-and-changes"]


def test_a_root_call_matches_whatever_aws_service_made_it(rendered_patterns):
    pattern = rendered_patterns()["modes"]["all"]
    event = load_sample("root-read-only-call.json")
    for service in ("ec2", "s3", "sts", "organizations", "kms", "sso-directory", "cloudtrail"):
        assert matches(pattern, with_source(event, f"aws.{service}")), service


MODES = [(), ("event_rule_mode=login-only",), ("event_rule_include_read_only_events=false",)]


@pytest.mark.parametrize("variables", MODES)
def test_no_copy_of_a_sample_with_a_source_of_its_own_matches_any_pattern(rendered_patterns, variables):
    patterns = every_pattern(rendered_patterns(*variables))
    samples = ROOT_SAMPLES + ["assumed-role-assume-root-call.json"]
    for name in samples:
        genuine = load_sample(name)
        assert any(matches(pattern, genuine) for pattern in patterns.values()), name
        for source in [*FORGED_SOURCES, "", "aws", "xaws.signin"]:
            forged = with_source(genuine, source)
            matched = [where for where, pattern in patterns.items() if matches(pattern, forged)]
            assert matched == [], f"{name} with source {source!r} matched {matched}"


def test_the_assume_root_pattern_takes_the_aws_call_only(rendered_patterns):
    pattern = rendered_patterns()["assume_root"]
    assert matches(pattern, load_sample("assumed-role-assume-root-call.json"))
    for name in ROOT_SAMPLES:
        assert not matches(pattern, load_sample(name)), name


def test_every_pattern_fits_eventbridge_quota(rendered_patterns):
    names = '["GetCallerIdentity","ListAliases","DescribeRegions","GetAccountSummary"]'
    for variables in [(), ("event_rule_mode=login-only",), (f"event_rule_excluded_event_names={names}",)]:
        for where, pattern in every_pattern(rendered_patterns(*variables)).items():
            assert len(json.dumps(pattern, separators=(",", ":"))) <= 2048, where
    combined = {"$or": [rendered_patterns()["modes"]["all"], rendered_patterns()["assume_root"]]}
    assert len(json.dumps(combined, separators=(",", ":"))) <= 2048


def test_excluded_names_are_dropped_but_console_actions_are_not(rendered_patterns):
    pattern = rendered_patterns('event_rule_excluded_event_names=["ListAccessKeys"]')["modes"]["all"]
    assert not matches(pattern, load_sample("root-read-only-call.json"))
    # a root action in the console (invokedBy signin.amazonaws.com) still matches
    assert matches(pattern, load_sample("root-api-call-from-console.json"))
    assert matches(pattern, load_sample("root-console-sign-in-without-mfa.json"))
