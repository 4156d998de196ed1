# The examples apply with nothing but slack_webhook_url set (or a bot token and a channel), and
# the alarm addresses a real deployment should have, and forward the right regions. Every
# provider alias of the examples is mocked, reporting its own region.

mock_provider "aws" {
  source = "./tests/mocks"
  mock_data "aws_organizations_organization" {
    defaults = {
      id                = "o-a1b2c3d4e5"
      master_account_id = "123456789012"
      roots             = [{ id = "r-ab12", arn = "arn:aws:organizations::123456789012:root/o-a1b2c3d4e5/r-ab12", name = "Root", policy_types = [] }]
    }
  }
}

# examples/organization's management account, when the hub is another account.
mock_provider "aws" {
  alias  = "management"
  source = "./tests/mocks"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "999988887777" }
  }
  mock_data "aws_organizations_organization" {
    defaults = {
      id                = "o-a1b2c3d4e5"
      master_account_id = "999988887777"
      roots             = [{ id = "r-ab12", arn = "arn:aws:organizations::999988887777:root/o-a1b2c3d4e5/r-ab12", name = "Root", policy_types = [] }]
    }
  }
}

mock_provider "aws" {
  alias  = "management_us_east_1"
  source = "./tests/mocks"
  mock_data "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-east-1:999988887777:event-bus/default" }
  }
  mock_data "aws_arn" {
    defaults = { partition = "aws", region = "us-east-1", account = "999988887777" }
  }
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

run "organization_hub_in_the_management_account" {
  command = apply

  module {
    source = "./examples/organization"
  }

  assert {
    condition     = module.root_activity_notifier.stack_set_name == "root-activity-notifier-spokes" && module.root_activity_notifier.cloudtrail_arn != null
    error_message = "The organization example must deploy the spokes and an organization trail from the management account."
  }
  assert {
    condition     = module.root_activity_notifier.us_east_1_forwarder_event_rule_arn != null && length(module.management_home_region) + length(module.management_us_east_1) == 0
    error_message = "A management account hub forwards its own activity through the module, not management.tf."
  }
}

run "organization_with_a_separate_hub_forwards_the_management_account" {
  command = apply

  module {
    source = "./examples/organization"
  }

  variables {
    hub_account_role_arn            = "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
    existing_organization_trail_arn = "arn:aws:cloudtrail:us-east-1:999988887777:trail/organization-trail"
  }

  override_data {
    target = module.root_activity_notifier.data.aws_organizations_organization.this[0]
    values = { id = "o-a1b2c3d4e5", master_account_id = "999988887777", roots = [] }
  }

  assert {
    condition     = length(module.management_home_region) == 1 && length(module.management_us_east_1) == 1 && module.management_us_east_1[0].event_rule_arn != null
    error_message = "With a separate hub, the management account's home region and us-east-1 must be forwarded to the hub bus."
  }
  assert {
    condition     = module.root_activity_notifier.cloudtrail_arn == null
    error_message = "Only the management account can create the organization trail."
  }
  assert {
    condition     = module.root_activity_notifier.stack_set_name != null
    error_message = "With a separate hub, the StackSet must still target the organization root, read in the management account."
  }
}

run "single_account_takes_slack_app_mode_instead_of_the_webhook" {
  command = plan

  module {
    source = "./examples/single-account"
  }

  variables {
    slack_webhook_url = null
    slack_bot_token   = "xoxb-1111111111-2222222222-abcdefghijklmnop"
    slack_channel_id  = "C0DEFAULT01"
  }

  assert {
    condition     = module.root_activity_notifier.slack_bot_token_ssm_parameter_name == "/root-activity-notifier/slack-bot-token" && module.root_activity_notifier.slack_webhook_ssm_parameter_name == null
    error_message = "single-account must pass a bot token and channel through to the module."
  }
}


run "organization_takes_slack_app_mode_instead_of_the_webhook" {
  command = plan

  module {
    source = "./examples/organization"
  }

  variables {
    slack_webhook_url = null
    slack_bot_token   = "xoxb-1111111111-2222222222-abcdefghijklmnop"
    slack_channel_id  = "C0DEFAULT01"
  }

  assert {
    condition     = module.root_activity_notifier.slack_bot_token_ssm_parameter_name == "/root-activity-notifier/slack-bot-token" && module.root_activity_notifier.stack_set_name == "root-activity-notifier-spokes"
    error_message = "The organization example must pass a bot token and channel through to the module."
  }
}
