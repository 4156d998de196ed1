provider "aws" {
  region = var.region
}

# Root console sign-ins are recorded in us-east-1 only: the module forwards them from there to
# var.region (pass the same provider twice when var.region is us-east-1).
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "root_activity_notifier" {
  source = "../../"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  slack_webhook_url = var.slack_webhook_url
  # Or Slack app mode (docs/slack-app.md): a bot token and the channel to post to.
  slack_bot_token  = var.slack_bot_token
  slack_channel_id = var.slack_channel_id

  # As in the article this project started from (README, Background): every root activity, in
  # Japanese, in JST.
  event_rule_mode   = "all"
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
