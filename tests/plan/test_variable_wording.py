"""A variable that the root module and modules/region-forwarder both take reads and validates the same."""

from __future__ import annotations

import re

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


def test_the_critical_event_names_refused_as_exclusions_are_the_classifiers():
    from root_activity_notifier.core.classify import CRITICAL_EVENT_NAMES

    validations = variables(REPO / "variables.tf")["event_rule_excluded_event_names"]["validation"]
    refused = [
        set(re.findall(r'"([A-Za-z]+)"', validation["condition"]))
        for validation in validations
        if "setintersection" in validation["condition"]
    ]
    assert refused == [set(CRITICAL_EVENT_NAMES)]
