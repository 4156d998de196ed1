from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def httpserver_listen_address():
    # Servers started by tests listen on loopback only.
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    from root_activity_notifier.config.settings import VARIABLES

    for variable in VARIABLES:  # every variable the settings are read from, as config names them
        monkeypatch.delenv(variable, raising=False)
    from root_activity_notifier.config import secrets as ssm_secrets
    from root_activity_notifier.delivery import pacing
    from root_activity_notifier.delivery import stateful as session_delivery

    ssm_secrets.clear_cache()
    pacing.forget_last_post()
    session_delivery.forget_pacing()


def assert_valid_slack_message(payload: dict[str, Any]) -> None:
    """Block Kit as slack_sdk models it, plus the limits of https://docs.slack.dev/reference/block-kit/blocks."""
    assert isinstance(payload.get("text"), str) and payload["text"].strip(), "a top-level text is required"
    assert "attachments" not in payload, "legacy attachments are not used"
    blocks = payload["blocks"]
    assert 0 < len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict() == block  # to_dict() runs slack_sdk's validation
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            if "text" in block:
                assert 1 <= len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert 1 <= len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


@pytest.fixture(scope="session")
def terraform_module(tmp_path_factory):
    """A copy of the root module, initialised with the project's CLI config: (directory, environment)."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    from harness.deployment import copy_repository

    workdir = copy_repository(tmp_path_factory.mktemp("module"))
    # As a caller would, configure the providers the module takes; `terraform console` reads no
    # data source, so no credentials are needed.
    (workdir / "test_providers.tf").write_text(
        'provider "aws" {\n  region = "ap-northeast-1"\n}\n\n'
        'provider "aws" {\n  alias  = "us_east_1"\n  region = "us-east-1"\n}\n'
    )
    config = REPO / "build" / "terraform.rc"
    subprocess.run([str(REPO / "scripts" / "terraform-cli-config.sh"), str(config)], check=True)
    environment = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": str(config)}
    subprocess.run(
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        cwd=workdir,
        env=environment,
        check=True,
        capture_output=True,
    )
    return workdir, environment


@pytest.fixture(scope="module")
def aws():
    """moto's server on a free loopback port, for the integration tests of one module."""
    from harness.emulator import LocalAws

    with LocalAws() as local_aws:
        yield local_aws


@pytest.fixture(scope="module")
def sink():
    """A Slack incoming webhook stand-in on loopback, for the integration tests of one module."""
    from slack_sink import SlackSink

    with SlackSink() as local_sink:
        yield local_sink


@pytest.fixture
def dynamodb(monkeypatch):
    """moto's DynamoDB in this process, called one call at a time (its transactions are not thread-safe)."""
    import boto3
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    from harness.dynamodb import serialized_client
    from root_activity_notifier.state import store as session_store

    monkeypatch.setattr(session_store, "_default_client", serialized_client)
    with mock_aws():
        yield boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture
def session_table(dynamodb):
    """The session table as the module creates it (pk, on demand), in moto."""
    from harness.state import create_session_table

    create_session_table(dynamodb)
    return dynamodb


@pytest.fixture
def follow_up_queue(dynamodb, monkeypatch):
    """A queue in moto for the function's follow-ups (NOTIFIER_FOLLOW_UP_QUEUE_URL): returns the
    list of what the function sent to it."""
    from harness.state import recording_follow_ups

    return lambda: recording_follow_ups(monkeypatch)


@pytest.fixture
def slack_api_standin():
    """A Slack Web API stand-in on loopback (scripts/slack_api_standin.py) that validates blocks with slack_sdk."""
    from slack_api_standin import SlackApiStandIn, validate_with_slack_sdk

    with SlackApiStandIn(validate_blocks=validate_with_slack_sdk) as stand_in:
        yield stand_in
