provider "aws" {
  region = var.region
}

module "root_activity_notifier" {
  source = "../../"

  slack_webhook_url = var.slack_webhook_url

  # As in the article this module started from: every root activity, in Japanese, in JST.
  event_rule_mode   = "all"
  message_language  = "ja"
  message_time_zone = "Asia/Tokyo"

  alarm_email_addresses = var.alarm_email_addresses

  tags = {
    Purpose = "root-activity-notification"
  }
}
