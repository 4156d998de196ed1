variable "region" {
  description = "Home region: where the notifier runs. Root console sign-ins are recorded in us-east-1 and forwarded here."
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
