# modules/region-forwarder on its own, in us-east-1, with the home notifier's settings given directly.

mock_provider "aws" {
  source = "./tests/mocks"
  mock_data "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/default" }
  }
  mock_data "aws_arn" {
    defaults = { partition = "aws", region = "us-east-1", account = "123456789012" }
  }
}

variables {
  home = {
    region                = "ap-northeast-1"
    event_bus_arn         = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default"
    role_arn              = "arn:aws:iam::123456789012:role/root-activity-notifier-forwarder"
    event_pattern         = "{\"detail\":{\"userIdentity\":{\"type\":[\"Root\"]}},\"detail-type\":[\"AWS Console Sign In via CloudTrail\"]}"
    event_rule_state      = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    name_prefix           = "root-activity-notifier"
    create_alarms         = true
    alarm_email_addresses = ["secops@example.com"]
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
    condition     = aws_cloudwatch_event_target.home_bus.dead_letter_config[0].arn == module.failure_handling.dead_letter_queue_arn && aws_cloudwatch_event_target.home_bus.retry_policy[0].maximum_retry_attempts == 185
    error_message = "Forwarding needs a retry policy and a dead-letter queue in its own region."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.forward.description == "Root user activity recorded in us-east-1, forwarded to the notifier in ap-northeast-1"
    error_message = "The forwarder must know the region it runs in, from its own provider."
  }
  assert {
    condition     = module.failure_handling.dead_letter_queue_name == "root-activity-notifier-forwarder-dlq"
    error_message = "The forwarder's queue is named after the home notifier."
  }
  assert {
    condition     = jsonencode(sort(module.failure_handling.alarm_names)) == jsonencode(["root-activity-notifier-forwarder-dead-letter-queue", "root-activity-notifier-forwarder-failed-invocations"]) && output.alarm_sns_topic_arn != null
    error_message = "The forwarder must be alarmed like the home notifier, to a topic in its own region."
  }
}

run "alarms_off_when_the_notifier_has_them_off" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = merge(var.home, { create_alarms = false, alarm_email_addresses = [] })
  }

  assert {
    condition     = length(module.failure_handling.alarm_names) == 0 && output.alarm_sns_topic_arn == null
    error_message = "With the notifier's alarms off, the forwarder creates no alarm and no topic."
  }
}

run "alarms_to_the_topic_given_for_its_region" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = merge(var.home, {
      alarm_email_addresses = []
      alarm_sns_topic_arns = {
        "us-east-1" = "arn:aws:sns:us-east-1:123456789012:security-alerts"
        "eu-west-1" = "arn:aws:sns:eu-west-1:123456789012:security-alerts"
      }
    })
  }

  assert {
    condition     = output.alarm_sns_topic_arn == "arn:aws:sns:us-east-1:123456789012:security-alerts"
    error_message = "The forwarder's alarms must go to the topic given for its own region."
  }
}

run "warns_when_no_one_would_hear_its_alarms" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = merge(var.home, { alarm_email_addresses = [], alarm_sns_topic_arns = { "eu-west-1" = "arn:aws:sns:eu-west-1:123456789012:security-alerts" } })
  }

  expect_failures = [check.alarms_reach_someone]
}

run "refuses_to_run_in_the_home_region" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  override_data {
    target = data.aws_cloudwatch_event_bus.default
    values = { arn = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default" }
  }
  override_data {
    target = data.aws_arn.default_bus
    values = { partition = "aws", region = "ap-northeast-1", account = "123456789012" }
  }

  expect_failures = [aws_cloudwatch_event_rule.forward]
}

# A region-forwarder for us-east-1 beside the notifier's own takes the same names: refused at plan.
run "refuses_a_region_the_notifier_forwards_itself" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = merge(var.home, { forwarded_regions = ["us-east-1"] })
  }

  expect_failures = [aws_cloudwatch_event_rule.forward]
}

# The same region of another account (an organization's management account forwarding to a hub in a
# member account) is not the notifier's own forwarder.
run "accepts_that_region_of_another_account" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = merge(var.home, { event_bus_arn = "arn:aws:events:ap-northeast-1:210987654321:event-bus/root-activity-notifier-hub", forwarded_regions = ["us-east-1"] })
  }

  assert {
    condition     = aws_cloudwatch_event_target.home_bus.arn == "arn:aws:events:ap-northeast-1:210987654321:event-bus/root-activity-notifier-hub"
    error_message = "A forwarder of another account's us-east-1 must be accepted."
  }
}

# An organization hub's home region: its default bus forwards to the hub bus, in the same region.
run "forwards_to_a_hub_bus_in_its_own_region" {
  command = plan

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = merge(var.home, { region = "us-east-1", event_bus_arn = "arn:aws:events:us-east-1:123456789012:event-bus/root-activity-notifier-hub" })
  }

  assert {
    condition     = aws_cloudwatch_event_target.home_bus.arn == "arn:aws:events:us-east-1:123456789012:event-bus/root-activity-notifier-hub"
    error_message = "A forwarder in the hub's region must send to the hub bus."
  }
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

run "the_forwarder_forwards_the_same_tamper_patterns" {
  command = apply

  module {
    source = "./modules/region-forwarder"
  }

  variables {
    home = {
      region                = "ap-northeast-1"
      event_bus_arn         = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default"
      role_arn              = "arn:aws:iam::123456789012:role/root-activity-notifier-forwarder"
      event_pattern         = "{\"source\":[{\"prefix\":\"aws.\"}]}"
      event_rule_state      = "ENABLED"
      tamper_event_patterns = { tamper-rules = "{\"source\":[{\"prefix\":\"aws.\"}],\"detail\":{\"eventName\":[\"DeleteRule\"]}}" }
      name_prefix           = "root-activity-notifier"
      alarm_email_addresses = ["secops@example.com"]
    }
  }

  assert {
    condition     = aws_cloudwatch_event_rule.tamper["tamper-rules"].name == "root-activity-notifier-forwarder-tamper-rules" && aws_cloudwatch_event_rule.tamper["tamper-rules"].event_pattern == var.home.tamper_event_patterns["tamper-rules"] && aws_cloudwatch_event_rule.tamper["tamper-rules"].state == "ENABLED"
    error_message = "A forwarder's tamper rule must take the home pattern as it is."
  }
  assert {
    condition     = aws_cloudwatch_event_target.tamper["tamper-rules"].arn == var.home.event_bus_arn && aws_cloudwatch_event_target.tamper["tamper-rules"].role_arn == var.home.role_arn
    error_message = "A forwarder's tamper rule must send to the home bus with the forwarder role."
  }
}
