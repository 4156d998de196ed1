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

  # Only root console sign-ins, successful or failed: the article's second pattern (README,
  # Background).
  event_rule_mode   = "login-only"
  message_language  = "ja"
  message_time_zone = "Asia/Tokyo"
  slack_mention     = "here"

  alarm_email_addresses = var.alarm_email_addresses
}
