# Each example plans with nothing but slack_webhook_url set (DESIGN.md: examples apply that way).

mock_provider "aws" {
  source = "./tests/mocks"
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

run "login_only_refuses_a_region_where_sign_ins_are_not_recorded" {
  command = plan

  module {
    source = "./examples/login-only"
  }

  variables {
    region = "ap-northeast-1"
  }

  expect_failures = [var.region]
}
