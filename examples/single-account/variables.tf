variable "region" {
  description = "Home region: where the notifier runs and every other region forwards to (the article in README, Background, used ap-northeast-1)."
  type        = string
  default     = "ap-northeast-1"
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/services/...)."
  type        = string
  sensitive   = true
}

variable "alarm_email_addresses" {
  description = "Addresses told when an alert could not be delivered."
  type        = list(string)
  default     = []
}
