provider "aws" {
  region = var.region
}

module "root_activity_notifier" {
  source = "../../"

  slack_webhook_url = var.slack_webhook_url

  # Only root console sign-ins, successful or failed (the article's second pattern).
  event_rule_mode   = "login-only"
  message_language  = "ja"
  message_time_zone = "Asia/Tokyo"
  slack_mention     = "here"
}
