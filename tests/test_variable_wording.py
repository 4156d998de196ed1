"""A variable that the root module and modules/region-forwarder both take reads and validates the same."""

from __future__ import annotations

from conftest import REPO
from terraform_blocks import blocks


def variables(path):
    """Each variable's description, type, default and validations."""
    return blocks(path, "variable")


def test_shared_variables_have_one_wording_and_one_validation():
    root = variables(REPO / "variables.tf")
    forwarder = variables(REPO / "modules" / "region-forwarder" / "variables.tf")
    shared = sorted(set(root) & set(forwarder))
    assert {"tags", "queue_kms_key_arn", "alarm_sns_topic_kms_key_arn"} <= set(shared)
    assert "event_target_maximum_retry_attempts" in shared and "event_target_maximum_event_age" in shared
    for name in shared:
        assert forwarder[name] == root[name], f"{name} is worded or validated differently in modules/region-forwarder"
