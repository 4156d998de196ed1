# The examples apply with nothing but slack_webhook_url set (and the alarm addresses a real
# deployment should have), and forward the right regions. Every provider alias of the examples is
# mocked, reporting its own region.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
  mock_data "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/default" }
  }
  mock_data "aws_arn" {
    defaults = { partition = "aws", region = "us-east-1", account = "123456789012" }
  }
}

variables {
  slack_webhook_url     = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
  alarm_email_addresses = ["secops@example.com"]
}

run "single_account_watches_every_root_call_and_forwards_us_east_1" {
  command = apply

  module {
    source = "./examples/single-account"
  }

  assert {
    condition     = module.root_activity_notifier.event_rule_state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" && jsondecode(module.root_activity_notifier.event_pattern).detail.userIdentity.type == ["Root"]
    error_message = "single-account must watch every root activity, read-only calls included."
  }
  assert {
    condition     = module.root_activity_notifier.us_east_1_forwarder_event_rule_arn != null
    error_message = "us-east-1 (root sign-ins, global services) is always forwarded to the home region."
  }
}

run "login_only_watches_sign_ins_and_forwards_us_east_1" {
  command = apply

  module {
    source = "./examples/login-only"
  }

  assert {
    condition     = jsondecode(module.root_activity_notifier.event_pattern).detail.eventName == ["ConsoleLogin"]
    error_message = "login-only must watch root console sign-ins only."
  }
  assert {
    condition     = module.root_activity_notifier.us_east_1_forwarder_event_rule_arn != null
    error_message = "login-only must forward root sign-ins from us-east-1 to its home region."
  }
}

run "single_account_at_home_in_us_east_1_needs_no_us_east_1_forwarder" {
  command = apply

  module {
    source = "./examples/single-account"
  }

  variables {
    region = "us-east-1"
  }

  override_data {
    target = module.root_activity_notifier.data.aws_cloudwatch_event_bus.default
    values = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/default" }
  }
  override_data {
    target = module.root_activity_notifier.data.aws_arn.default_bus
    values = { partition = "aws", region = "us-east-1", account = "123456789012" }
  }

  assert {
    condition     = module.root_activity_notifier.us_east_1_forwarder_event_rule_arn == null
    error_message = "With the notifier in us-east-1 there is nothing to forward from there."
  }
}
