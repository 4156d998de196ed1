# The hub: the account that receives every member account's root activity and posts it to Slack.
# By default the management account you run this with; set hub_account_role_arn to put the hub in
# another account (a security account that is a delegated administrator for CloudFormation StackSets).
provider "aws" {
  region = var.region

  dynamic "assume_role" {
    for_each = var.hub_account_role_arn == null ? [] : [var.hub_account_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  dynamic "assume_role" {
    for_each = var.hub_account_role_arn == null ? [] : [var.hub_account_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}

module "root_activity_notifier" {
  source = "../../"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  scope             = "organization"
  slack_webhook_url = var.slack_webhook_url
  # Or Slack app mode (docs/slack-app.md): a bot token and the default channel; route each
  # team's accounts to its channel with slack_channel_routes = { "111122223333" = "C0123ABCDEF" }.
  slack_bot_token  = var.slack_bot_token
  slack_channel_id = var.slack_channel_id

  # Every member account, present and future, in every region listed (us-east-1 always).
  stack_set_organizational_unit_ids = length(var.organizational_unit_ids) > 0 ? var.organizational_unit_ids : try([data.aws_organizations_organization.management[0].roots[0].id], [])
  stack_set_regions                 = var.regions
  stack_set_call_as                 = var.hub_account_role_arn == null ? "SELF" : "DELEGATED_ADMIN"

  # An organization trail, unless one already records every account (Control Tower's does).
  create_trail       = var.create_organization_trail && var.hub_account_role_arn == null
  trail_arn_to_watch = var.create_organization_trail && var.hub_account_role_arn == null ? null : var.existing_organization_trail_arn

  account_label  = "management"
  account_labels = var.account_labels

  message_language  = "ja"
  message_time_zone = "Asia/Tokyo"

  alarm_email_addresses = var.alarm_email_addresses

  # Critical root activity (a sign-in without MFA, a new root access key, the trail stopped) pages
  # on-call through this topic, once per root session and kind.
  escalation_sns_topic_arn = var.escalation_sns_topic_arn

  # Slack app mode: a critical session's parent asks whether it was expected (docs/slack-app.md,
  # Answering from Slack); put output slack_interactivity_url in the app's manifest.
  # slack_interactivity                     = true
  # slack_signing_secret_ssm_parameter_name = "/root-activity-notifier/slack-signing-secret"

  tags = {
    Purpose = "root-activity-notification"
  }
}
