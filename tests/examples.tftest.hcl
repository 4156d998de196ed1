# The examples plan with nothing but slack_webhook_url set (DESIGN.md), and forward the right regions.
# Every provider alias of the examples is mocked, reporting its own region.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
}

variables {
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
}

run "single_account_plans_with_only_the_webhook" {
  command = plan

  module {
    source = "./examples/single-account"
  }

  assert {
    condition     = module.root_activity_notifier.event_rule_state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" && jsondecode(module.root_activity_notifier.event_pattern).detail.userIdentity.type == ["Root"]
    error_message = "single-account must watch every root activity, read-only calls included."
  }
}

run "login_only_plans_with_only_the_webhook" {
  command = plan

  module {
    source = "./examples/login-only"
  }

  assert {
    condition     = jsondecode(module.root_activity_notifier.event_pattern).detail.eventName == ["ConsoleLogin"]
    error_message = "login-only must watch root console sign-ins only."
  }
}

run "single_account_forwards_us_east_1_with_the_home_pattern" {
  command = plan

  module {
    source = "./examples/single-account"
  }

  assert {
    condition     = length(module.forward_us_east_1) == 1
    error_message = "us-east-1 (root sign-ins, global services) is always forwarded to the home region."
  }
  assert {
    condition     = module.forward_us_east_1[0].event_pattern == module.root_activity_notifier.event_pattern && module.forward_us_east_1[0].event_rule_state == module.root_activity_notifier.event_rule_state
    error_message = "The forwarder must use the home rule's pattern and state."
  }
}

run "single_account_at_home_in_us_east_1_needs_no_us_east_1_forwarder" {
  command = plan

  module {
    source = "./examples/single-account"
  }

  variables {
    region = "us-east-1"
  }

  assert {
    condition     = length(module.forward_us_east_1) == 0
    error_message = "With the notifier in us-east-1 there is nothing to forward from there."
  }
}

run "login_only_forwards_sign_ins_from_us_east_1" {
  command = plan

  module {
    source = "./examples/login-only"
  }

  assert {
    condition     = length(module.forward_us_east_1) == 1 && jsondecode(module.forward_us_east_1[0].event_pattern).detail.eventName == ["ConsoleLogin"]
    error_message = "login-only must forward root sign-ins from us-east-1 to its home region."
  }
}

run "login_only_at_home_in_us_east_1" {
  command = plan

  module {
    source = "./examples/login-only"
  }

  variables {
    region = "us-east-1"
  }

  assert {
    condition     = length(module.forward_us_east_1) == 0
    error_message = "No forwarder when the notifier already lives in us-east-1."
  }
}
