variable "region" {
  description = "Home region: where the notifier runs and every other region forwards to (the article in README, Background, used ap-northeast-1)."
  type        = string
  default     = "ap-northeast-1"
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/services/...). Set this, or slack_bot_token and slack_channel_id."
  type        = string
  default     = null
  sensitive   = true
}

variable "slack_bot_token" {
  description = "Slack app mode, instead of the webhook: the app's bot token (xoxb-...); docs/slack-app.md shows how to create the app."
  type        = string
  default     = null
  sensitive   = true
}

variable "slack_channel_id" {
  description = "Slack app mode: the ID of the channel to post to (C0123ABCDEF), with the app invited to it."
  type        = string
  default     = null
}

variable "alarm_email_addresses" {
  description = "Addresses told when an alert could not be delivered."
  type        = list(string)
  default     = []
}

variable "escalation_sns_topic_arn" {
  description = "An SNS topic your paging tool (PagerDuty, Opsgenie) or e-mail subscribes to: critical root activity pages on-call through it, even when Slack is down. Null: Slack only."
  type        = string
  default     = null
}
