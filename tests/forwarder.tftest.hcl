# modules/region-forwarder on its own, with the home notifier's settings given directly.

mock_provider "aws" {
  source = "./tests/mocks"
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:rule/root-activity-notifier-forwarder" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:123456789012:root-activity-notifier-forwarder-dlq" }
  }
}

variables {
  home = {
    region           = "ap-northeast-1"
    event_bus_arn    = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default"
    role_arn         = "arn:aws:iam::123456789012:role/root-activity-notifier-forwarder"
    event_pattern    = "{\"detail\":{\"userIdentity\":{\"type\":[\"Root\"]}},\"detail-type\":[\"AWS Console Sign In via CloudTrail\"]}"
    event_rule_state = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    name_prefix      = "root-activity-notifier"
  }
}

run "forwards_what_the_home_rule_would_announce" {
  command = apply

  module {
    source = "./modules/region-forwarder"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.forward.event_pattern == var.home.event_pattern && aws_cloudwatch_event_rule.forward.state == var.home.event_rule_state
    error_message = "The forwarding rule must use the home rule's pattern and state."
  }
  assert {
    condition     = aws_cloudwatch_event_target.home_bus.arn == var.home.event_bus_arn && aws_cloudwatch_event_target.home_bus.role_arn == var.home.role_arn
    error_message = "The target must be the home bus, through the forwarder role."
  }
  assert {
    condition     = aws_cloudwatch_event_target.home_bus.dead_letter_config[0].arn == aws_sqs_queue.dead_letter.arn && aws_cloudwatch_event_target.home_bus.retry_policy[0].maximum_retry_attempts == 185
    error_message = "Forwarding needs a retry policy and a dead-letter queue in its own region."
  }
  assert {
    condition     = jsonencode(one([for statement in data.aws_iam_policy_document.dead_letter.statement : one(statement.condition).values if statement.sid == "EventBridgeFromThisRuleOnly"])) == jsonencode([aws_cloudwatch_event_rule.forward.arn])
    error_message = "Only the forwarding rule may send to its dead-letter queue."
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.failure) == ["dead-letter-queue", "failed-invocations"] && length(aws_sns_topic.alarms) == 1
    error_message = "The forwarder must be alarmed like the home notifier, to a topic in its own region."
  }
}

run "refuses_to_run_in_the_home_region" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  override_data {
    target = data.aws_region.current
    values = { name = "ap-northeast-1" }
  }

  expect_failures = [aws_cloudwatch_event_rule.forward]
}

run "refuses_home_settings_that_are_not_the_notifiers" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = {
      region           = "ap-northeast-1"
      event_bus_arn    = "default"
      role_arn         = "arn:aws:iam::123456789012:role/x"
      event_pattern    = "{}"
      event_rule_state = "ENABLED"
      name_prefix      = "x"
    }
  }

  expect_failures = [var.home]
}
