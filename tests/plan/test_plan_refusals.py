"""Misconfigurations that would blind the notifier are refused at plan, with a message that names the
input and the fix: planned as a user would, examples/single-account against moto's server (an account
in no organization), with one mistake each.

A misspelled webhook parameter is caught later, by the health check at apply (tests/unit/health/test_health.py).
"""

from __future__ import annotations

import re

import pytest

from harness.deployment import ExampleDeployment, provider_override

pytestmark = pytest.mark.integration

VARIABLES = {
    "slack_webhook_url": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "alarm_email_addresses": ["secops@example.com"],
}

# What a user adds beside the module's own us-east-1 forwarder (README, "Other regions").
SECOND_US_EAST_1_FORWARDER = """
module "forward_us_east_1" {
  source    = "../../modules/region-forwarder"
  providers = { aws = aws.us_east_1 }

  home = module.root_activity_notifier.forwarder_settings
}
"""


@pytest.fixture(scope="module")
def example(aws):
    deployment = ExampleDeployment(aws, "single-account", VARIABLES)
    deployment.terraform("init", "-input=false")
    yield deployment
    deployment.destroy()


def plan_errors(example: ExampleDeployment, module_arguments: dict, extra_file: str = "", us_east_1="") -> str:
    """The plan's error output, whitespace collapsed, with these arguments on the module call (and
    the example's aws.us_east_1 provider set to the region ``us_east_1``, when given)."""
    arguments = {"health_check_at_apply": False, **module_arguments}
    override = provider_override(example.aws.endpoint, ["us_east_1"], arguments)
    if us_east_1:
        alias = '  alias                       = "us_east_1"\n'
        override = override.replace(alias, f'{alias}  region                      = "{us_east_1}"\n')
    (example.directory / "local_override.tf").write_text(override)
    extra = example.directory / "extra.tf"
    if extra_file != (extra.read_text() if extra.exists() else ""):
        extra.write_text(extra_file)
        example.terraform("init", "-input=false")
    result = example.terraform("plan", "-input=false", check=False)
    assert result.returncode != 0, f"the plan was accepted:\n{result.stdout[-2000:]}"
    return " ".join(re.sub(r"[│╷╵]", " ", result.stderr).split())


def test_organization_scope_outside_an_organization_says_what_scope_needs(example):
    errors = plan_errors(example, {"scope": "organization"})
    assert "couldn't find resource" in errors
    assert 'scope = "organization" needs the management account of an organization' in errors
    assert 'or set scope = "account"' in errors


def test_no_webhook_input_is_named_as_such(example):
    errors = plan_errors(example, {"slack_webhook_url": None})
    assert "Neither slack_webhook_url nor slack_webhook_ssm_parameter_name is set" in errors
    assert "Both" not in errors


def test_both_webhook_inputs_are_named_as_such(example):
    errors = plan_errors(example, {"slack_webhook_ssm_parameter_name": "/slack/root-alerts"})
    assert 'Both slack_webhook_url and slack_webhook_ssm_parameter_name ("/slack/root-alerts") are set' in errors
    assert "Neither" not in errors


def test_a_webhook_and_a_slack_app_together_are_named_and_the_channel_asked_for(example):
    errors = plan_errors(example, {"slack_bot_token_ssm_parameter_name": "/slack/root-alerts-bot"})
    assert "A webhook (slack_webhook_url) and a Slack app (slack_bot_token_ssm_parameter_name) are both set" in errors
    assert "Slack app mode (slack_bot_token_ssm_parameter_name) needs slack_channel_id" in errors
    assert "Both" not in errors and "Neither" not in errors


def test_a_channel_with_a_webhook_is_refused(example):
    errors = plan_errors(example, {"slack_channel_id": "C0DEFAULT01"})
    assert "slack_channel_id and slack_channel_routes choose channels in Slack app mode only" in errors


def test_a_second_us_east_1_forwarder_is_refused(example):
    errors = plan_errors(example, {}, SECOND_US_EAST_1_FORWARDER)
    account = "123456789012"
    assert f"The notifier already forwards us-east-1 of account {account} itself" in errors
    assert "module.<notifier>.module.us_east_1_forwarder" in errors and "Remove this forwarder" in errors


def test_a_us_east_1_provider_in_another_region_is_refused_naming_the_provider_and_the_fix(example):
    errors = plan_errors(example, {}, us_east_1="us-west-2")
    assert "The provider passed to this module as aws.us_east_1 is configured in us-west-2, not us-east-1" in errors
    assert 'Set region = "us-east-1" in the provider block that the module call passes as aws.us_east_1' in errors


def test_a_trail_to_watch_beside_the_modules_own_trail_is_refused(example):
    arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail"
    errors = plan_errors(example, {"trail_arn_to_watch": arn})
    assert f'trail_arn_to_watch ("{arn}") is set with create_trail = true' in errors
    assert "Remove trail_arn_to_watch, or set create_trail = false" in errors
